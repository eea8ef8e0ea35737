//! RESULT (section 4.2.5): Void, Rows, Set_keyspace, Prepared, Schema_change.

use super::SchemaChange;
use crate::protocol::ColumnType;
use bytes::Bytes;

/// One column of a result or a bind marker of a prepared statement.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ColumnSpec {
    /// The keyspace.
    pub keyspace: String,
    /// The table.
    pub table: String,
    /// The column (or bind marker) name.
    pub name: String,
    /// Its type.
    pub typ: ColumnType,
}

/// `<metadata>` of a Rows result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowsMetadata {
    /// The column count (present even with No_metadata).
    pub columns_count: i32,
    /// Flag 0x0002 Has_more_pages: where to resume.
    pub paging_state: Option<Vec<u8>>,
    /// Flag 0x0008 Metadata_changed (v5): the new result metadata id.
    pub new_metadata_id: Option<Vec<u8>>,
    /// The columns; empty when the server sent No_metadata (flag 0x0004).
    pub columns: Vec<ColumnSpec>,
}

/// A page of rows. `content` holds `rows_count` rows of `columns_count` `[bytes]` each, and is a
/// cheap slice of the frame, so rows decode by borrowing from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rows {
    /// Metadata.
    pub metadata: RowsMetadata,
    /// How many rows `content` holds.
    pub rows_count: i32,
    /// The rows' bytes.
    pub content: Bytes,
}

/// `<metadata>` of a Prepared result: the bind markers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PreparedMetadata {
    /// Indexes of the bind markers that make up the partition key, in key order.
    pub pk_indexes: Vec<u16>,
    /// The bind markers.
    pub columns: Vec<ColumnSpec>,
}

/// A Prepared result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedResult {
    /// The prepared id.
    pub id: Vec<u8>,
    /// v5: the result metadata id.
    pub result_metadata_id: Option<Vec<u8>>,
    /// Bind markers.
    pub metadata: PreparedMetadata,
    /// The columns a run will return (empty for writes); `columns_count` with No_metadata.
    pub result_metadata: RowsMetadata,
}

/// The body of a RESULT message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultBody {
    /// 0x0001
    Void,
    /// 0x0002
    Rows(Rows),
    /// 0x0003: the keyspace now in use.
    SetKeyspace(String),
    /// 0x0004
    Prepared(PreparedResult),
    /// 0x0005
    SchemaChange(SchemaChange),
}
