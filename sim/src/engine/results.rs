//! Rows results: metadata and the `[bytes]` cells of each row.

use ringbolt_driver::protocol::response::{ColumnSpec, ResultBody, Rows, RowsMetadata};
use ringbolt_driver::protocol::ColumnType;

/// One result column.
pub fn spec(keyspace: &str, table: &str, name: &str, typ: ColumnType) -> ColumnSpec {
    ColumnSpec {
        keyspace: keyspace.into(),
        table: table.into(),
        name: name.into(),
        typ,
    }
}

/// A Rows result.
pub fn rows_body(
    columns: Vec<ColumnSpec>,
    rows: &[Vec<Option<Vec<u8>>>],
    paging_state: Option<Vec<u8>>,
    skip_metadata: bool,
) -> ResultBody {
    let mut content = Vec::new();
    for row in rows {
        for cell in row {
            match cell {
                Some(v) => {
                    content.extend_from_slice(
                        &i32::try_from(v.len()).unwrap_or(i32::MAX).to_be_bytes(),
                    );
                    content.extend_from_slice(v);
                }
                None => content.extend_from_slice(&(-1i32).to_be_bytes()),
            }
        }
    }
    let columns_count = i32::try_from(columns.len()).unwrap_or(i32::MAX);
    ResultBody::Rows(Rows {
        metadata: RowsMetadata {
            columns_count,
            paging_state: paging_state.map(bytes::Bytes::from),
            new_metadata_id: None,
            columns: if skip_metadata {
                RowsMetadata::no_columns()
            } else {
                columns.into()
            },
        },
        rows_count: i32::try_from(rows.len()).unwrap_or(i32::MAX),
        content: bytes::Bytes::from(content),
    })
}

/// The v5 result metadata id: an MD5 of the columns' names and types.
pub fn metadata_id(columns: &[ColumnSpec]) -> Vec<u8> {
    use md5::{Digest, Md5};
    let mut h = Md5::new();
    for c in columns {
        h.update(c.keyspace.as_bytes());
        h.update([0]);
        h.update(c.table.as_bytes());
        h.update([0]);
        h.update(c.name.as_bytes());
        h.update([0]);
        h.update(super::types::type_text(&c.typ).as_bytes());
        h.update([0]);
    }
    h.finalize().to_vec()
}
