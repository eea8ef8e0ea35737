//! [`BatchStatement`]: several statements run together, and [`BatchValues`]: one value set per
//! statement.

use crate::protocol::request::{BatchType, SerializedValues};
use crate::protocol::response::ColumnSpec;
use crate::types::{SerializeError, SerializeRow};

use super::statement::{PreparedStatement, SimpleStatement, StatementOptions};

/// One statement of a batch.
#[derive(Debug, Clone)]
pub enum BatchEntry {
    /// CQL text; prepared first when it gets values.
    Simple(SimpleStatement),
    /// A prepared statement.
    Prepared(PreparedStatement),
}

impl From<SimpleStatement> for BatchEntry {
    fn from(s: SimpleStatement) -> Self {
        BatchEntry::Simple(s)
    }
}

impl From<&str> for BatchEntry {
    fn from(s: &str) -> Self {
        BatchEntry::Simple(s.into())
    }
}

impl From<PreparedStatement> for BatchEntry {
    fn from(p: PreparedStatement) -> Self {
        BatchEntry::Prepared(p)
    }
}

impl From<&PreparedStatement> for BatchEntry {
    fn from(p: &PreparedStatement) -> Self {
        BatchEntry::Prepared(p.clone())
    }
}

/// Statements run as one BATCH request: logged (atomic), unlogged or counter. Per-statement
/// options of the entries are ignored; the batch's own options apply.
///
/// ```
/// use ringbolt_driver::session::{BatchStatement, SimpleStatement};
/// let mut batch = BatchStatement::unlogged();
/// batch.append("INSERT INTO kv (k, v) VALUES (?, ?)");
/// batch.append(SimpleStatement::new("DELETE FROM kv WHERE k = ?"));
/// assert_eq!(batch.statements().len(), 2);
/// ```
#[derive(Debug, Clone)]
pub struct BatchStatement {
    batch_type: BatchType,
    statements: Vec<BatchEntry>,
    pub(crate) options: StatementOptions,
}

impl BatchStatement {
    /// An empty batch of this type.
    pub fn new(batch_type: BatchType) -> Self {
        BatchStatement {
            batch_type,
            statements: Vec::new(),
            options: StatementOptions::default(),
        }
    }

    /// An empty logged batch.
    pub fn logged() -> Self {
        BatchStatement::new(BatchType::Logged)
    }

    /// An empty unlogged batch.
    pub fn unlogged() -> Self {
        BatchStatement::new(BatchType::Unlogged)
    }

    /// An empty counter batch.
    pub fn counter() -> Self {
        BatchStatement::new(BatchType::Counter)
    }

    /// Adds a statement.
    pub fn append(&mut self, statement: impl Into<BatchEntry>) -> &mut Self {
        self.statements.push(statement.into());
        self
    }

    /// The batch type.
    pub fn batch_type(&self) -> BatchType {
        self.batch_type
    }

    /// The statements, in order.
    pub fn statements(&self) -> &[BatchEntry] {
        &self.statements
    }
}

super::statement::statement_options!(BatchStatement);

/// One set of bind values per statement of a batch.
pub trait BatchValues {
    /// How many value sets there are.
    fn len(&self) -> usize;
    /// Whether there are no value sets.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Whether value set `index` holds no values.
    fn is_empty_at(&self, index: usize) -> bool;
    /// Serializes value set `index` against `markers`.
    fn serialize_at(
        &self,
        index: usize,
        markers: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeError>;
}

fn missing(index: usize, len: usize) -> SerializeError {
    SerializeError::ValueCount {
        expected: index + 1,
        actual: len,
    }
}

impl<T: SerializeRow> BatchValues for [T] {
    fn len(&self) -> usize {
        <[T]>::len(self)
    }
    fn is_empty_at(&self, index: usize) -> bool {
        match self.get(index) {
            Some(values) => values.is_empty(),
            None => true,
        }
    }
    fn serialize_at(
        &self,
        index: usize,
        markers: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeError> {
        self.get(index)
            .ok_or_else(|| missing(index, <[T]>::len(self)))?
            .serialize_row(markers, out)
    }
}

impl<T: SerializeRow> BatchValues for Vec<T> {
    fn len(&self) -> usize {
        self.as_slice().len()
    }
    fn is_empty_at(&self, index: usize) -> bool {
        self.as_slice().is_empty_at(index)
    }
    fn serialize_at(
        &self,
        index: usize,
        markers: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeError> {
        self.as_slice().serialize_at(index, markers, out)
    }
}

impl<B: BatchValues + ?Sized> BatchValues for &B {
    fn len(&self) -> usize {
        (**self).len()
    }
    fn is_empty_at(&self, index: usize) -> bool {
        (**self).is_empty_at(index)
    }
    fn serialize_at(
        &self,
        index: usize,
        markers: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeError> {
        (**self).serialize_at(index, markers, out)
    }
}

macro_rules! tuple_batch_values {
    ($len:expr; $($name:ident $idx:tt),+) => {
        impl<$($name: SerializeRow),+> BatchValues for ($($name,)+) {
            fn len(&self) -> usize {
                $len
            }
            fn is_empty_at(&self, index: usize) -> bool {
                match index {
                    $($idx => self.$idx.is_empty(),)+
                    _ => true,
                }
            }
            fn serialize_at(
                &self,
                index: usize,
                markers: &[ColumnSpec],
                out: &mut SerializedValues,
            ) -> Result<(), SerializeError> {
                match index {
                    $($idx => self.$idx.serialize_row(markers, out),)+
                    _ => Err(missing(index, $len)),
                }
            }
        }
    };
}

tuple_batch_values!(1; A 0);
tuple_batch_values!(2; A 0, B 1);
tuple_batch_values!(3; A 0, B 1, C 2);
tuple_batch_values!(4; A 0, B 1, C 2, D 3);
tuple_batch_values!(5; A 0, B 1, C 2, D 3, E 4);
tuple_batch_values!(6; A 0, B 1, C 2, D 3, E 4, F 5);
tuple_batch_values!(7; A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_batch_values!(8; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
