//! RESULT (section 4.2.5): Void, Rows, Set_keyspace, Prepared, Schema_change.

use super::SchemaChange;
use crate::protocol::ColumnType;
use bytes::Bytes;
use std::sync::Arc;

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

use super::col_specs::{global_spec, read_col_specs, write_col_specs, GLOBAL_TABLES_SPEC};
use super::rows::{Rows, RowsMetadata};
use crate::protocol::primitives::{
    int_len, write_int, write_short, write_short_bytes, write_string, Reader,
};
use crate::protocol::{DecodeError, EncodeError, ProtocolVersion};

/// Result kinds.
const KIND_VOID: i32 = 0x0001;
const KIND_ROWS: i32 = 0x0002;
const KIND_SET_KEYSPACE: i32 = 0x0003;
const KIND_PREPARED: i32 = 0x0004;
const KIND_SCHEMA_CHANGE: i32 = 0x0005;

fn read_count(r: &mut Reader<'_>, what: &'static str) -> Result<usize, DecodeError> {
    let n = r.read_int()?;
    usize::try_from(n).map_err(|_| DecodeError::InvalidLength {
        what,
        length: i64::from(n),
    })
}

impl PreparedMetadata {
    /// Writes the bind-marker `<metadata>` of a Prepared result.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let flags = if global_spec(&self.columns).is_some() {
            GLOBAL_TABLES_SPEC
        } else {
            0
        };
        write_int(out, flags);
        write_int(out, int_len(self.columns.len(), "bind markers")?);
        write_int(
            out,
            int_len(self.pk_indexes.len(), "partition key indexes")?,
        );
        for i in &self.pk_indexes {
            write_short(out, *i);
        }
        write_col_specs(out, &self.columns)
    }

    /// Reads the bind-marker `<metadata>` of a Prepared result.
    pub fn decode(r: &mut Reader<'_>) -> Result<PreparedMetadata, DecodeError> {
        let flags = r.read_int()?;
        let count = read_count(r, "bind marker count")?;
        let pk_count = read_count(r, "pk_count")?;
        let pk_count = r.check_count(pk_count, 2, "pk_count")?;
        let mut pk_indexes = Vec::with_capacity(pk_count);
        for _ in 0..pk_count {
            pk_indexes.push(r.read_short()?);
        }
        let columns = read_col_specs(r, flags, count)?;
        Ok(PreparedMetadata {
            pk_indexes,
            columns,
        })
    }
}

impl PreparedResult {
    fn encode(&self, v: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_short_bytes(out, &self.id)?;
        if v == ProtocolVersion::V5 {
            let id = self
                .result_metadata_id
                .as_ref()
                .ok_or(EncodeError::Invalid {
                    what: "Prepared result",
                    reason: "protocol v5 needs a result metadata id",
                })?;
            write_short_bytes(out, id)?;
        }
        self.metadata.encode(out)?;
        self.result_metadata.encode(v, out)
    }

    fn decode(r: &mut Reader<'_>, v: ProtocolVersion) -> Result<PreparedResult, DecodeError> {
        let id = r.read_short_bytes()?.to_vec();
        let result_metadata_id = match v {
            ProtocolVersion::V5 => Some(r.read_short_bytes()?.to_vec()),
            ProtocolVersion::V4 => None,
        };
        let metadata = PreparedMetadata::decode(r)?;
        let result_metadata = RowsMetadata::decode(r, v)?;
        Ok(PreparedResult {
            id,
            result_metadata_id,
            metadata,
            result_metadata,
        })
    }
}

impl ResultBody {
    /// Writes the RESULT body for version `v`.
    pub fn encode(&self, v: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        match self {
            ResultBody::Void => write_int(out, KIND_VOID),
            ResultBody::Rows(rows) => {
                write_int(out, KIND_ROWS);
                rows.metadata.encode(v, out)?;
                if rows.rows_count < 0 {
                    return Err(EncodeError::Invalid {
                        what: "rows",
                        reason: "rows_count is negative",
                    });
                }
                write_int(out, rows.rows_count);
                out.extend_from_slice(&rows.content);
            }
            ResultBody::SetKeyspace(ks) => {
                write_int(out, KIND_SET_KEYSPACE);
                write_string(out, ks)?;
            }
            ResultBody::Prepared(p) => {
                write_int(out, KIND_PREPARED);
                p.encode(v, out)?;
            }
            ResultBody::SchemaChange(c) => {
                write_int(out, KIND_SCHEMA_CHANGE);
                c.encode(out)?;
            }
        }
        Ok(())
    }

    /// Reads a RESULT body for version `v`. Rows keep a slice of `body` as their content and are
    /// checked to hold the rows announced; extra bytes after the body are discarded (spec
    /// section 4.2).
    pub fn decode(body: Bytes, v: ProtocolVersion) -> Result<ResultBody, DecodeError> {
        ResultBody::decode_with(body, v, None)
    }

    /// Like [`ResultBody::decode`], for an answer whose rows' columns may be `known` (those of
    /// the prepared statement that was executed): see [`RowsMetadata::decode_with`]. The
    /// paging state of rows is a slice of `body`.
    pub fn decode_with(
        body: Bytes,
        v: ProtocolVersion,
        known: Option<&Arc<[ColumnSpec]>>,
    ) -> Result<ResultBody, DecodeError> {
        let mut r = Reader::new(&body);
        let kind = r.read_int()?;
        let result = match kind {
            KIND_VOID => ResultBody::Void,
            KIND_ROWS => {
                let metadata = RowsMetadata::decode_with(&mut r, v, Some(&body), known)?;
                let rows_count = r.read_int()?;
                if rows_count < 0 {
                    return Err(DecodeError::InvalidLength {
                        what: "rows_count",
                        length: i64::from(rows_count),
                    });
                }
                let mut rows = Rows {
                    metadata,
                    rows_count,
                    content: body.slice(r.position()..),
                };
                let length = rows.content_length()?;
                rows.content.truncate(length);
                return Ok(ResultBody::Rows(rows));
            }
            KIND_SET_KEYSPACE => ResultBody::SetKeyspace(r.read_string()?),
            KIND_PREPARED => ResultBody::Prepared(PreparedResult::decode(&mut r, v)?),
            KIND_SCHEMA_CHANGE => ResultBody::SchemaChange(SchemaChange::decode(&mut r)?),
            other => {
                return Err(DecodeError::UnknownCode {
                    what: "result kind",
                    code: other as u32,
                })
            }
        };
        Ok(result)
    }
}
