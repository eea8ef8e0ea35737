//! Typed statements: CQL text whose bind values (`Args`) and result (`Out`) are fixed types.

use std::fmt;
use std::marker::PhantomData;

use crate::protocol::request::RawValue;

/// The result of a lightweight transaction (`... IF NOT EXISTS`, `... IF col = ?`): read it with
/// `was_applied()` on the query result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied;

/// A statement with its bind values' types (`Args`, a tuple) and its result's type (`Out`: the
/// row type, `()` for no rows, [`Applied`] for a lightweight transaction).
///
/// Derived code makes these as constants; the CQL text and whether the statement is idempotent
/// are known at compile time. Binding values of any other type than `Args` does not compile.
///
/// ```
/// use ringbolt_driver::mapping::Statement;
/// const S: Statement<(i32, String), ()> =
///     Statement::new("INSERT INTO t (k, v) VALUES (?, ?)", true, &[0]);
/// assert!(S.is_idempotent());
/// let bound = S.bind((1, "one".to_owned()));
/// assert_eq!(bound.statement().cql(), "INSERT INTO t (k, v) VALUES (?, ?)");
/// ```
pub struct Statement<Args, Out> {
    cql: &'static str,
    idempotent: bool,
    partition_key_indexes: &'static [usize],
    _marker: PhantomData<fn(Args) -> Out>,
}

impl<Args, Out> Statement<Args, Out> {
    /// A statement from its parts. Prefer the functions `#[derive(Table)]` generates, which
    /// check the text and infer `idempotent` from it.
    pub const fn new(
        cql: &'static str,
        idempotent: bool,
        partition_key_indexes: &'static [usize],
    ) -> Self {
        Statement {
            cql,
            idempotent,
            partition_key_indexes,
            _marker: PhantomData,
        }
    }

    /// The CQL text.
    pub const fn cql(&self) -> &'static str {
        self.cql
    }

    /// Whether running the statement twice has the same effect as running it once, so that it
    /// may be retried or executed speculatively.
    pub const fn is_idempotent(&self) -> bool {
        self.idempotent
    }

    /// The positions, among the bind values, of the partition key's columns in key order, when
    /// the statement restricts the whole partition key by `=`; empty otherwise.
    pub const fn partition_key_indexes(&self) -> &'static [usize] {
        self.partition_key_indexes
    }

    /// Attaches bind values of exactly the statement's `Args` type.
    pub fn bind(&self, values: Args) -> Bound<Args, Out> {
        Bound {
            statement: *self,
            values,
        }
    }
}

impl<Args, Out> Clone for Statement<Args, Out> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Args, Out> Copy for Statement<Args, Out> {}

impl<Args, Out> fmt::Debug for Statement<Args, Out> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Statement")
            .field("cql", &self.cql)
            .field("idempotent", &self.idempotent)
            .finish()
    }
}

/// A statement with its bind values.
pub struct Bound<Args, Out> {
    statement: Statement<Args, Out>,
    values: Args,
}

impl<Args, Out> Bound<Args, Out> {
    /// The statement.
    pub fn statement(&self) -> &Statement<Args, Out> {
        &self.statement
    }

    /// The bind values.
    pub fn values(&self) -> &Args {
        &self.values
    }

    /// Splits into the statement and its values.
    pub fn into_parts(self) -> (Statement<Args, Out>, Args) {
        (self.statement, self.values)
    }
}

impl<Args, Out> fmt::Debug for Bound<Args, Out> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values are not printed: they may hold secrets.
        f.debug_struct("Bound")
            .field("statement", &self.statement)
            .finish_non_exhaustive()
    }
}

/// The routing key of serialized bind values: the single partition key component's bytes, or
/// for a composite key each component as `[short length][bytes][0]`, as Cassandra builds it.
///
/// `None` when an index is out of range, a component is null or unset, or a component is too
/// long for a composite key.
///
/// ```
/// use ringbolt_driver::mapping::routing_key;
/// use ringbolt_driver::protocol::request::RawValue;
/// let values = [RawValue::Bytes(&[1]), RawValue::Bytes(&[2, 3])];
/// assert_eq!(routing_key(&values, &[1]), Some(vec![2, 3]));
/// assert_eq!(routing_key(&values, &[0, 1]), Some(vec![0, 1, 1, 0, 0, 2, 2, 3, 0]));
/// ```
pub fn routing_key(values: &[RawValue<'_>], partition_key_indexes: &[usize]) -> Option<Vec<u8>> {
    let part = |i: &usize| match values.get(*i) {
        Some(RawValue::Bytes(b)) => Some(*b),
        _ => None,
    };
    match partition_key_indexes {
        [] => None,
        [single] => part(single).map(<[u8]>::to_vec),
        many => {
            let mut out = Vec::new();
            for i in many {
                let b = part(i)?;
                let len = u16::try_from(b.len()).ok()?;
                out.extend_from_slice(&len.to_be_bytes());
                out.extend_from_slice(b);
                out.push(0);
            }
            Some(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing_key_rejects_null_and_missing_components() {
        let values = [RawValue::Null, RawValue::Bytes(&[7])];
        assert_eq!(routing_key(&values, &[0]), None);
        assert_eq!(routing_key(&values, &[1, 2]), None);
        assert_eq!(routing_key(&values, &[]), None);
        assert_eq!(routing_key(&values, &[1]), Some(vec![7]));
    }
}
