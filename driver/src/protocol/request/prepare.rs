//! PREPARE (section 4.1.5).

/// Prepares a statement.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Prepare {
    /// The CQL text (`[long string]`).
    pub query: String,
    /// v5 only: the keyspace the statement is prepared in (flag 0x01).
    pub keyspace: Option<String>,
}
