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

use crate::protocol::primitives::{
    int_len, write_bytes, write_int, write_short, write_short_bytes, write_string, Reader,
};
use crate::protocol::{DecodeError, EncodeError, ProtocolVersion};

/// Rows metadata flags.
const GLOBAL_TABLES_SPEC: i32 = 0x0001;
const HAS_MORE_PAGES: i32 = 0x0002;
const NO_METADATA: i32 = 0x0004;
const METADATA_CHANGED: i32 = 0x0008;

/// Result kinds.
const KIND_VOID: i32 = 0x0001;
const KIND_ROWS: i32 = 0x0002;
const KIND_SET_KEYSPACE: i32 = 0x0003;
const KIND_PREPARED: i32 = 0x0004;
const KIND_SCHEMA_CHANGE: i32 = 0x0005;

/// The keyspace and table shared by all `columns`, if there are columns and they share one.
fn global_spec(columns: &[ColumnSpec]) -> Option<(&str, &str)> {
    let first = columns.first()?;
    columns
        .iter()
        .all(|c| c.keyspace == first.keyspace && c.table == first.table)
        .then_some((first.keyspace.as_str(), first.table.as_str()))
}

/// Writes `[<global_table_spec>]<col_spec_1>...<col_spec_n>`.
fn write_col_specs(out: &mut Vec<u8>, columns: &[ColumnSpec]) -> Result<(), EncodeError> {
    let global = global_spec(columns);
    if let Some((ks, table)) = global {
        write_string(out, ks)?;
        write_string(out, table)?;
    }
    for c in columns {
        if global.is_none() {
            write_string(out, &c.keyspace)?;
            write_string(out, &c.table)?;
        }
        write_string(out, &c.name)?;
        c.typ.encode(out)?;
    }
    Ok(())
}

/// Reads `[<global_table_spec>]<col_spec_1>...<col_spec_n>`.
fn read_col_specs(
    r: &mut Reader<'_>,
    flags: i32,
    count: usize,
) -> Result<Vec<ColumnSpec>, DecodeError> {
    let global = if flags & GLOBAL_TABLES_SPEC != 0 {
        Some((r.read_string()?, r.read_string()?))
    } else {
        None
    };
    // A column spec takes at least a name (2 bytes) and a type id (2 bytes).
    let count = r.check_count(count, 4, "column specs")?;
    let mut columns = Vec::with_capacity(count);
    for _ in 0..count {
        let (keyspace, table) = match &global {
            Some((ks, t)) => (ks.clone(), t.clone()),
            None => (r.read_string()?, r.read_string()?),
        };
        let name = r.read_string()?;
        let typ = ColumnType::decode(r)?;
        columns.push(ColumnSpec {
            keyspace,
            table,
            name,
            typ,
        });
    }
    Ok(columns)
}

fn read_count(r: &mut Reader<'_>, what: &'static str) -> Result<usize, DecodeError> {
    let n = r.read_int()?;
    usize::try_from(n).map_err(|_| DecodeError::InvalidLength {
        what,
        length: i64::from(n),
    })
}

impl RowsMetadata {
    /// Writes `<metadata>`. Empty `columns` are sent as No_metadata; columns that share one
    /// table are sent with a global table spec.
    pub fn encode(&self, v: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let mut flags = 0;
        if self.columns.is_empty() {
            flags |= NO_METADATA;
        } else if usize::try_from(self.columns_count).ok() != Some(self.columns.len()) {
            return Err(EncodeError::Invalid {
                what: "rows metadata",
                reason: "columns_count differs from the number of column specs",
            });
        }
        if self.columns_count < 0 {
            return Err(EncodeError::Invalid {
                what: "rows metadata",
                reason: "columns_count is negative",
            });
        }
        if global_spec(&self.columns).is_some() {
            flags |= GLOBAL_TABLES_SPEC;
        }
        if self.paging_state.is_some() {
            flags |= HAS_MORE_PAGES;
        }
        if self.new_metadata_id.is_some() {
            if v == ProtocolVersion::V4 {
                return Err(EncodeError::not_in("Metadata_changed", v));
            }
            if self.columns.is_empty() {
                return Err(EncodeError::Invalid {
                    what: "rows metadata",
                    reason: "Metadata_changed needs the column specs",
                });
            }
            flags |= METADATA_CHANGED;
        }
        write_int(out, flags);
        write_int(out, self.columns_count);
        if let Some(p) = &self.paging_state {
            write_bytes(out, Some(p))?;
        }
        if let Some(id) = &self.new_metadata_id {
            write_short_bytes(out, id)?;
        }
        write_col_specs(out, &self.columns)
    }

    /// Reads `<metadata>`.
    pub fn decode(r: &mut Reader<'_>, v: ProtocolVersion) -> Result<RowsMetadata, DecodeError> {
        let flags = r.read_int()?;
        let count = read_count(r, "columns_count")?;
        let paging_state = if flags & HAS_MORE_PAGES != 0 {
            r.read_bytes()?.map(<[u8]>::to_vec)
        } else {
            None
        };
        let new_metadata_id = if v == ProtocolVersion::V5 && flags & METADATA_CHANGED != 0 {
            Some(r.read_short_bytes()?.to_vec())
        } else {
            None
        };
        let columns = if flags & NO_METADATA != 0 {
            Vec::new()
        } else {
            read_col_specs(r, flags, count)?
        };
        Ok(RowsMetadata {
            columns_count: count as i32,
            paging_state,
            new_metadata_id,
            columns,
        })
    }

    /// Metadata for these columns, on the last page (no paging state).
    pub fn new(columns: Vec<ColumnSpec>) -> RowsMetadata {
        RowsMetadata {
            columns_count: columns.len() as i32,
            paging_state: None,
            new_metadata_id: None,
            columns,
        }
    }
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

/// Reads the rows of a [`Rows`] one at a time, borrowing cells from its content.
#[derive(Debug, Clone)]
pub struct RowsReader<'a> {
    r: Reader<'a>,
    rows_left: usize,
    columns: usize,
}

impl<'a> RowsReader<'a> {
    /// Replaces `cells` with the next row's cells (`None` for null) and returns `true`, or
    /// returns `false` when all rows were read.
    pub fn next_row(&mut self, cells: &mut Vec<Option<&'a [u8]>>) -> Result<bool, DecodeError> {
        cells.clear();
        if self.rows_left == 0 {
            self.r.expect_end("rows content")?;
            return Ok(false);
        }
        for _ in 0..self.columns {
            cells.push(self.r.read_bytes()?);
        }
        self.rows_left -= 1;
        Ok(true)
    }

    /// Rows not read yet.
    pub fn rows_left(&self) -> usize {
        self.rows_left
    }
}

impl Rows {
    /// A reader over the rows.
    ///
    /// ```
    /// use ringbolt_driver::protocol::response::{Rows, RowsMetadata};
    /// let meta = RowsMetadata { columns_count: 2, ..RowsMetadata::default() };
    /// let rows = Rows::from_cells(meta, vec![vec![Some(&b"a"[..]), None]]).unwrap();
    /// let (mut reader, mut cells) = (rows.reader(), Vec::new());
    /// assert!(reader.next_row(&mut cells).unwrap());
    /// assert_eq!(cells, vec![Some(&b"a"[..]), None]);
    /// assert!(!reader.next_row(&mut cells).unwrap());
    /// ```
    pub fn reader(&self) -> RowsReader<'_> {
        RowsReader {
            r: Reader::new(&self.content),
            rows_left: usize::try_from(self.rows_count).unwrap_or(0),
            columns: usize::try_from(self.metadata.columns_count).unwrap_or(0),
        }
    }

    /// Builds a page of rows from cells (`None` for null); every row must have
    /// `metadata.columns_count` cells. This is how a server (such as `ringbolt-sim`) writes rows.
    pub fn from_cells<'c, R, C>(metadata: RowsMetadata, rows: R) -> Result<Rows, EncodeError>
    where
        R: IntoIterator<Item = C>,
        C: IntoIterator<Item = Option<&'c [u8]>>,
    {
        let columns =
            usize::try_from(metadata.columns_count).map_err(|_| EncodeError::Invalid {
                what: "rows",
                reason: "columns_count is negative",
            })?;
        let mut content = Vec::new();
        let mut count = 0usize;
        for row in rows {
            let mut cells = 0usize;
            for cell in row {
                write_bytes(&mut content, cell)?;
                cells += 1;
            }
            if cells != columns {
                return Err(EncodeError::Invalid {
                    what: "rows",
                    reason: "a row's cell count differs from columns_count",
                });
            }
            count += 1;
        }
        Ok(Rows {
            metadata,
            rows_count: int_len(count, "rows")?,
            content: Bytes::from(content),
        })
    }

    /// Checks that `content` holds exactly `rows_count` rows of `columns_count` cells.
    fn validate(&self) -> Result<(), DecodeError> {
        if self.metadata.columns_count == 0 {
            return Reader::new(&self.content).expect_end("rows content");
        }
        let mut reader = self.reader();
        let mut cells = Vec::new();
        while reader.next_row(&mut cells)? {}
        Ok(())
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
    /// checked to hold exactly the rows announced.
    pub fn decode(body: Bytes, v: ProtocolVersion) -> Result<ResultBody, DecodeError> {
        let mut r = Reader::new(&body);
        let kind = r.read_int()?;
        let result = match kind {
            KIND_VOID => ResultBody::Void,
            KIND_ROWS => {
                let metadata = RowsMetadata::decode(&mut r, v)?;
                let rows_count = r.read_int()?;
                if rows_count < 0 {
                    return Err(DecodeError::InvalidLength {
                        what: "rows_count",
                        length: i64::from(rows_count),
                    });
                }
                let rows = Rows {
                    metadata,
                    rows_count,
                    content: body.slice(r.position()..),
                };
                rows.validate()?;
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
        r.expect_end("RESULT")?;
        Ok(result)
    }
}
