//! QUERY (section 4.1.4) and the `<query_parameters>` EXECUTE shares.

use super::SerializedValues;
use crate::protocol::{Consistency, SerialConsistency};

/// `<query_parameters>`: everything after the statement in QUERY and EXECUTE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryParameters {
    /// The consistency level.
    pub consistency: Consistency,
    /// Bind values (flag 0x01 when non-empty, 0x40 when named).
    pub values: SerializedValues,
    /// Flag 0x02: the server may omit result metadata.
    pub skip_metadata: bool,
    /// Flag 0x04: rows per page.
    pub page_size: Option<i32>,
    /// Flag 0x08: where the previous page stopped.
    pub paging_state: Option<Vec<u8>>,
    /// Flag 0x10: consistency of the Paxos phase.
    pub serial_consistency: Option<SerialConsistency>,
    /// Flag 0x20: default timestamp in microseconds.
    pub default_timestamp: Option<i64>,
    /// Flag 0x80 (v5 only): the keyspace to run in.
    pub keyspace: Option<String>,
    /// Flag 0x100 (v5 only): "now" in seconds, for testing TTLs.
    pub now_in_seconds: Option<i32>,
}

impl Default for QueryParameters {
    fn default() -> Self {
        QueryParameters {
            consistency: Consistency::LocalOne,
            values: SerializedValues::default(),
            skip_metadata: false,
            page_size: None,
            paging_state: None,
            serial_consistency: None,
            default_timestamp: None,
            keyspace: None,
            now_in_seconds: None,
        }
    }
}

/// Runs a CQL statement given as text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    /// The CQL text (`[long string]`).
    pub query: String,
    /// Parameters.
    pub params: QueryParameters,
}
