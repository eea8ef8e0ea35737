//! BATCH (section 4.1.7).

use super::SerializedValues;
use crate::protocol::{Consistency, SerialConsistency};

/// The kind of batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BatchType {
    /// 0: logged (atomic through the batch log).
    #[default]
    Logged = 0,
    /// 1: unlogged.
    Unlogged = 1,
    /// 2: counter updates only.
    Counter = 2,
}

/// One statement of a batch: CQL text or a prepared id, with positional values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchStatement {
    /// kind 0: a query string.
    Query {
        /// The CQL text.
        query: String,
        /// Its values (never named in a batch on v4/v5).
        values: SerializedValues,
    },
    /// kind 1: a prepared statement.
    Prepared {
        /// The prepared id.
        id: Vec<u8>,
        /// Its values.
        values: SerializedValues,
    },
}

/// Runs several modification statements together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Logged, unlogged or counter.
    pub batch_type: BatchType,
    /// The statements.
    pub statements: Vec<BatchStatement>,
    /// Consistency.
    pub consistency: Consistency,
    /// Flag 0x10.
    pub serial_consistency: Option<SerialConsistency>,
    /// Flag 0x20, microseconds.
    pub default_timestamp: Option<i64>,
    /// Flag 0x80 (v5 only).
    pub keyspace: Option<String>,
    /// Flag 0x100 (v5 only).
    pub now_in_seconds: Option<i32>,
}
