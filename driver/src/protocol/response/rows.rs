//! A Rows result (section 4.2.5.2): its `<metadata>`, and the rows read by borrowing from the
//! frame's bytes.

use std::sync::{Arc, OnceLock};

use bytes::Bytes;

use super::col_specs::{global_spec, read_col_specs_known, write_col_specs, GLOBAL_TABLES_SPEC};
use super::result::ColumnSpec;
use crate::protocol::primitives::{int_len, write_bytes, write_int, write_short_bytes, Reader};
use crate::protocol::{DecodeError, EncodeError, ProtocolVersion};

/// Rows metadata flags (Global_tables_spec is in `col_specs`).
const HAS_MORE_PAGES: i32 = 0x0002;
const NO_METADATA: i32 = 0x0004;
const METADATA_CHANGED: i32 = 0x0008;

/// `<metadata>` of a Rows result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowsMetadata {
    /// The column count (present even with No_metadata).
    pub columns_count: i32,
    /// Flag 0x0002 Has_more_pages: where to resume (a slice of the frame when decoded).
    pub paging_state: Option<Bytes>,
    /// Flag 0x0008 Metadata_changed (v5): the new result metadata id.
    pub new_metadata_id: Option<Vec<u8>>,
    /// The columns; empty when the server sent No_metadata (flag 0x0004), unless they were
    /// known ([`RowsMetadata::decode_with`]). Shared: cloning it is a reference count bump.
    pub columns: Arc<[ColumnSpec]>,
}

impl Default for RowsMetadata {
    fn default() -> Self {
        RowsMetadata {
            columns_count: 0,
            paging_state: None,
            new_metadata_id: None,
            columns: RowsMetadata::no_columns(),
        }
    }
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

fn read_count(r: &mut Reader<'_>, what: &'static str) -> Result<usize, DecodeError> {
    let n = r.read_int()?;
    usize::try_from(n).map_err(|_| DecodeError::InvalidLength {
        what,
        length: i64::from(n),
    })
}

/// `part` as a slice of `body` when it lies inside it (no copy), else a copy.
fn share(body: Option<&Bytes>, part: &[u8]) -> Bytes {
    let inside = body.and_then(|body| {
        let offset = (part.as_ptr() as usize).checked_sub(body.as_ptr() as usize)?;
        let end = offset.checked_add(part.len())?;
        (end <= body.len()).then(|| body.slice(offset..end))
    });
    inside.unwrap_or_else(|| Bytes::copy_from_slice(part))
}

impl RowsMetadata {
    /// Metadata for these columns, on the last page (no paging state).
    ///
    /// ```
    /// use ringbolt_driver::protocol::response::{ColumnSpec, RowsMetadata};
    /// use ringbolt_driver::protocol::ColumnType;
    /// let spec = ColumnSpec {
    ///     keyspace: "ks".into(),
    ///     table: "t".into(),
    ///     name: "k".into(),
    ///     typ: ColumnType::Bigint,
    /// };
    /// let meta = RowsMetadata::new(vec![spec]);
    /// assert_eq!(meta.columns_count, 1);
    /// ```
    pub fn new(columns: impl Into<Arc<[ColumnSpec]>>) -> RowsMetadata {
        let columns = columns.into();
        RowsMetadata {
            columns_count: i32::try_from(columns.len()).unwrap_or(i32::MAX),
            paging_state: None,
            new_metadata_id: None,
            columns,
        }
    }

    /// An empty list of columns, shared (getting it allocates nothing after the first time).
    pub fn no_columns() -> Arc<[ColumnSpec]> {
        static EMPTY: OnceLock<Arc<[ColumnSpec]>> = OnceLock::new();
        Arc::clone(EMPTY.get_or_init(|| Arc::from(Vec::new())))
    }

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

    /// Reads `<metadata>` (the paging state is copied out of the reader's bytes).
    pub fn decode(r: &mut Reader<'_>, v: ProtocolVersion) -> Result<RowsMetadata, DecodeError> {
        RowsMetadata::decode_with(r, v, None, None)
    }

    /// Reads `<metadata>` when the columns may already be known, as those of a prepared
    /// statement are:
    /// - with No_metadata (an EXECUTE sent with Skip_metadata), `columns` is `known` when it
    ///   has `columns_count` columns (else empty);
    /// - when the specs sent are the same as `known` (compared without allocating), `columns`
    ///   is a clone of the `known` `Arc`; specs that differ are decoded and win.
    ///
    /// `body`, when given, is the buffer `r` reads: the paging state is then a slice of it
    /// rather than a copy.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use ringbolt_driver::protocol::primitives::Reader;
    /// use ringbolt_driver::protocol::response::{ColumnSpec, RowsMetadata};
    /// use ringbolt_driver::protocol::{ColumnType, ProtocolVersion};
    /// let known: Arc<[ColumnSpec]> = Arc::from(vec![ColumnSpec {
    ///     keyspace: "ks".into(),
    ///     table: "t".into(),
    ///     name: "k".into(),
    ///     typ: ColumnType::Bigint,
    /// }]);
    /// // Flags No_metadata, 1 column.
    /// let wire = [0, 0, 0, 4, 0, 0, 0, 1];
    /// let mut r = Reader::new(&wire);
    /// let meta = RowsMetadata::decode_with(&mut r, ProtocolVersion::V4, None, Some(&known)).unwrap();
    /// assert!(Arc::ptr_eq(&meta.columns, &known));
    /// ```
    pub fn decode_with(
        r: &mut Reader<'_>,
        v: ProtocolVersion,
        body: Option<&Bytes>,
        known: Option<&Arc<[ColumnSpec]>>,
    ) -> Result<RowsMetadata, DecodeError> {
        let flags = r.read_int()?;
        let count = read_count(r, "columns_count")?;
        let columns_count = i32::try_from(count).unwrap_or(i32::MAX);
        let paging_state = if flags & HAS_MORE_PAGES != 0 {
            r.read_bytes()?.map(|p| share(body, p))
        } else {
            None
        };
        let new_metadata_id = if v == ProtocolVersion::V5 && flags & METADATA_CHANGED != 0 {
            Some(r.read_short_bytes()?.to_vec())
        } else {
            None
        };
        let columns = if flags & NO_METADATA != 0 {
            match known {
                Some(known) if known.len() == count => Arc::clone(known),
                _ => RowsMetadata::no_columns(),
            }
        } else {
            read_col_specs_known(r, flags, count, known)?
        };
        Ok(RowsMetadata {
            columns_count,
            paging_state,
            new_metadata_id,
            columns,
        })
    }
}

/// Reads the rows of a [`Rows`] one at a time, borrowing cells from its content.
#[derive(Debug, Clone)]
pub struct RowsReader<'a> {
    r: Reader<'a>,
    rows_left: usize,
    width: usize,
}

impl<'a> RowsReader<'a> {
    /// Replaces `cells` with the next row's cells (`None` for null) and returns `true`, or
    /// returns `false` when all rows were read.
    pub fn next_row(&mut self, cells: &mut Vec<Option<&'a [u8]>>) -> Result<bool, DecodeError> {
        cells.clear();
        if self.rows_left == 0 {
            return Ok(false);
        }
        for _ in 0..self.width {
            cells.push(self.r.read_bytes()?);
        }
        self.rows_left -= 1;
        Ok(true)
    }

    /// Fills `cells` (exactly [`RowsReader::row_width`] long) with the next row's cells
    /// (`None` for null) and returns `true`, or returns `false` when all rows were read. The
    /// caller owns the buffer, so reading rows allocates nothing.
    ///
    /// ```
    /// use ringbolt_driver::protocol::response::{Rows, RowsMetadata};
    /// let meta = RowsMetadata { columns_count: 2, ..RowsMetadata::default() };
    /// let rows = Rows::from_cells(meta, vec![vec![Some(&b"a"[..]), None]]).unwrap();
    /// let mut reader = rows.reader();
    /// let mut cells = [None; 2];
    /// assert!(reader.read_row(&mut cells).unwrap());
    /// assert_eq!(cells, [Some(&b"a"[..]), None]);
    /// assert!(!reader.read_row(&mut cells).unwrap());
    /// ```
    pub fn read_row(&mut self, cells: &mut [Option<&'a [u8]>]) -> Result<bool, DecodeError> {
        if cells.len() != self.width {
            return Err(DecodeError::InvalidLength {
                what: "row cells buffer (must hold columns_count cells)",
                length: i64::try_from(cells.len()).unwrap_or(i64::MAX),
            });
        }
        if self.rows_left == 0 {
            return Ok(false);
        }
        for cell in cells.iter_mut() {
            *cell = self.r.read_bytes()?;
        }
        self.rows_left -= 1;
        Ok(true)
    }

    /// Steps over the next row (its cells are checked to be there) and returns `true`, or
    /// returns `false` when all rows were read.
    pub fn skip_row(&mut self) -> Result<bool, DecodeError> {
        if self.rows_left == 0 {
            return Ok(false);
        }
        for _ in 0..self.width {
            self.r.read_bytes()?;
        }
        self.rows_left -= 1;
        Ok(true)
    }

    /// The number of cells in a row (`columns_count`).
    pub fn row_width(&self) -> usize {
        self.width
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
            width: usize::try_from(self.metadata.columns_count).unwrap_or(0),
        }
    }

    /// The column specs of the metadata (empty with No_metadata, unless they were known).
    pub fn columns(&self) -> &Arc<[ColumnSpec]> {
        &self.metadata.columns
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

    /// Checks that `content` holds `rows_count` rows of `columns_count` cells and returns how
    /// many bytes they take.
    pub(super) fn content_length(&self) -> Result<usize, DecodeError> {
        let mut reader = self.reader();
        if reader.row_width() == 0 {
            // Rows without columns take no bytes, however many are announced.
            return Ok(0);
        }
        while reader.skip_row()? {}
        Ok(reader.r.position())
    }
}
