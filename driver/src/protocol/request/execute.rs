//! EXECUTE (section 4.1.6).

use super::QueryParameters;

/// Runs a prepared statement.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Execute {
    /// The prepared id (`[short bytes]`).
    pub id: Vec<u8>,
    /// v5 only: the result metadata id (`[short bytes]`) the client has.
    pub result_metadata_id: Option<Vec<u8>>,
    /// Parameters.
    pub params: QueryParameters,
}
