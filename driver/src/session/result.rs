//! [`QueryResult`]: what a query, execute or batch returned, and typed access to its rows.

use std::marker::PhantomData;
use std::sync::Arc;

use smallvec::{smallvec, SmallVec};
use uuid::Uuid;

use super::errors::RowsError;
use super::statement::PagingState;
use crate::protocol::response::{
    ColumnSpec, ResultBody, Rows, RowsMetadata, RowsReader, SchemaChange,
};
use crate::types::DeserializeRow;

/// The result of one request (one page for a SELECT).
#[derive(Debug, Clone)]
pub struct QueryResult {
    body: ResultBody,
    /// The result's columns: from the answer, or the prepared statement's when the server
    /// skipped them.
    columns: Arc<[ColumnSpec]>,
    warnings: Vec<String>,
    tracing_id: Option<Uuid>,
}

impl QueryResult {
    pub(crate) fn new(
        body: ResultBody,
        cached_columns: Option<Arc<[ColumnSpec]>>,
        warnings: Vec<String>,
        tracing_id: Option<Uuid>,
    ) -> Self {
        let columns = match (&body, cached_columns) {
            (ResultBody::Rows(rows), _) if !rows.metadata.columns.is_empty() => {
                Arc::clone(&rows.metadata.columns)
            }
            (_, Some(cached)) => cached,
            _ => RowsMetadata::no_columns(),
        };
        QueryResult {
            body,
            columns,
            warnings,
            tracing_id,
        }
    }

    /// The raw rows of the page, if the result is a set of rows.
    pub fn rows_raw(&self) -> Option<&Rows> {
        match &self.body {
            ResultBody::Rows(rows) => Some(rows),
            _ => None,
        }
    }

    /// Whether the result is a set of rows (possibly empty).
    pub fn is_rows(&self) -> bool {
        self.rows_raw().is_some()
    }

    /// The number of rows in this page (0 when the result is not rows).
    pub fn rows_num(&self) -> usize {
        self.rows_raw()
            .map(|rows| usize::try_from(rows.rows_count).unwrap_or(0))
            .unwrap_or(0)
    }

    /// The columns of the rows.
    pub fn columns(&self) -> &[ColumnSpec] {
        &self.columns
    }

    /// The rows as `T`: the columns are type-checked once, then each row is decoded as the
    /// iterator advances. Rows may borrow from the result (`&str`, `&[u8]`).
    pub fn rows<'r, T: DeserializeRow<'r>>(&'r self) -> Result<TypedRows<'r, T>, RowsError> {
        let rows = self.rows_raw().ok_or(RowsError::NotRows)?;
        let plan = T::plan(&self.columns).map_err(RowsError::TypeCheck)?;
        let reader = rows.reader();
        Ok(TypedRows {
            cells: smallvec![None; reader.row_width()],
            reader,
            plan,
            columns: &self.columns,
            remaining: usize::try_from(rows.rows_count).unwrap_or(0),
            failed: false,
            row: PhantomData,
        })
    }

    /// The first row; [`RowsError::NoRows`] when there is none.
    pub fn first_row<'r, T: DeserializeRow<'r>>(&'r self) -> Result<T, RowsError> {
        self.maybe_first_row()?.ok_or(RowsError::NoRows)
    }

    /// The first row, or `None` when the result is empty.
    pub fn maybe_first_row<'r, T: DeserializeRow<'r>>(&'r self) -> Result<Option<T>, RowsError> {
        self.rows::<T>()?.next().transpose()
    }

    /// The only row; an error when there are none or several.
    pub fn single_row<'r, T: DeserializeRow<'r>>(&'r self) -> Result<T, RowsError> {
        match self.rows_num() {
            1 => self.first_row(),
            0 if self.is_rows() => Err(RowsError::NoRows),
            0 => Err(RowsError::NotRows),
            n => Err(RowsError::NotSingleRow(n)),
        }
    }

    /// Where to resume for the next page; `None` on the last page.
    pub fn paging_state(&self) -> Option<PagingState> {
        self.rows_raw()
            .and_then(|rows| rows.metadata.paging_state.clone())
            .map(PagingState::from_bytes)
    }

    /// Warnings the server attached to the answer.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The tracing session id, when tracing was requested.
    pub fn tracing_id(&self) -> Option<Uuid> {
        self.tracing_id
    }

    /// The keyspace now in use, for a `USE` statement.
    pub fn set_keyspace(&self) -> Option<&str> {
        match &self.body {
            ResultBody::SetKeyspace(keyspace) => Some(keyspace),
            _ => None,
        }
    }

    /// The schema change a DDL statement made.
    pub fn schema_change(&self) -> Option<&SchemaChange> {
        match &self.body {
            ResultBody::SchemaChange(change) => Some(change),
            _ => None,
        }
    }

    /// For a lightweight transaction (`IF ...`): whether it was applied, read from the
    /// `[applied]` column of the first row. When it was not, the row's other columns hold the
    /// existing values (read them with [`QueryResult::first_row`]). Statements without a
    /// condition (no `[applied]` column) count as applied.
    pub fn was_applied(&self) -> Result<bool, RowsError> {
        let Some(rows) = self.rows_raw() else {
            return Ok(true);
        };
        let Some(index) = self.columns.iter().position(|c| c.name == "[applied]") else {
            return Ok(true);
        };
        let mut reader = rows.reader();
        let mut cells: Cells<'_> = smallvec![None; reader.row_width()];
        if !reader.read_row(&mut cells).map_err(RowsError::Decode)? {
            return Err(RowsError::NoRows);
        }
        match cells.get(index) {
            Some(Some([flag])) => Ok(*flag != 0),
            _ => Err(RowsError::Deserialize(
                crate::types::DeserializeError::Malformed {
                    cql_type: "boolean",
                    reason: "the [applied] column is not a one-byte boolean",
                },
            )),
        }
    }
}

/// Rows of up to this many columns are read without allocating a buffer for their cells.
const INLINE_CELLS: usize = 16;

/// The cells of one row (`None` for null), borrowed from the result.
type Cells<'r> = SmallVec<[Option<&'r [u8]>; INLINE_CELLS]>;

/// An iterator over the rows of a result as `T`.
pub struct TypedRows<'r, T: DeserializeRow<'r>> {
    reader: RowsReader<'r>,
    plan: T::Plan,
    columns: &'r [ColumnSpec],
    cells: Cells<'r>,
    remaining: usize,
    failed: bool,
    row: PhantomData<T>,
}

impl<'r, T: DeserializeRow<'r>> Iterator for TypedRows<'r, T> {
    type Item = Result<T, RowsError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.remaining == 0 {
            return None;
        }
        match self.reader.read_row(&mut self.cells) {
            Ok(true) => {}
            Ok(false) => return None,
            Err(e) => {
                self.failed = true;
                return Some(Err(RowsError::Decode(e)));
            }
        }
        self.remaining -= 1;
        Some(
            T::deserialize_row(&self.plan, self.columns, &self.cells)
                .map_err(RowsError::Deserialize),
        )
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.remaining))
    }
}
