//! Running typed statements on a [`Session`]: [`Prepared`] keeps a statement's bind value and
//! row types, so executing it with values of any other type does not compile.

use std::fmt;
use std::marker::PhantomData;

use futures::StreamExt;

use super::bind::BindArgs;
use super::statement::{Applied, Statement};
use crate::session::{
    PrepareError, PreparedStatement, QueryError, QueryResult, RowStream, RowsError, Session,
    SimpleStatement,
};
use crate::types::{DeserializeRow, SerializeRow};

/// A [`Statement`] prepared on a session: the server's [`PreparedStatement`] with the bind
/// values' type `Args` and the result type `Out`. Its idempotency travels with it into retry
/// and speculative-execution decisions.
pub struct Prepared<Args, Out> {
    statement: PreparedStatement,
    _marker: PhantomData<fn(Args) -> Out>,
}

impl<Args, Out> Prepared<Args, Out> {
    /// The underlying prepared statement (bind markers, result columns, options).
    pub fn statement(&self) -> &PreparedStatement {
        &self.statement
    }

    /// Whether the statement may be retried or executed speculatively.
    pub fn is_idempotent(&self) -> bool {
        self.statement.is_idempotent()
    }

    /// Returns the untyped prepared statement.
    pub fn into_inner(self) -> PreparedStatement {
        self.statement
    }

    /// Sets the number of rows per page of this handle's executions.
    pub fn with_page_size(mut self, rows: i32) -> Self {
        self.statement = self.statement.with_page_size(rows);
        self
    }

    /// Sets the consistency of this handle's executions.
    pub fn with_consistency(mut self, consistency: crate::protocol::Consistency) -> Self {
        self.statement = self.statement.with_consistency(consistency);
        self
    }
}

impl<Args, Out> Clone for Prepared<Args, Out> {
    fn clone(&self) -> Self {
        Prepared {
            statement: self.statement.clone(),
            _marker: PhantomData,
        }
    }
}

impl<Args, Out> fmt::Debug for Prepared<Args, Out> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Prepared")
            .field("cql", &self.statement.text())
            .finish()
    }
}

/// Running a typed statement and reading its rows failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The statement could not be run.
    #[error("the statement failed")]
    Query(#[source] QueryError),
    /// Its rows could not be read as the row type.
    #[error("the rows could not be read")]
    Rows(#[source] RowsError),
}

impl Session {
    /// Prepares a typed statement; its idempotency comes from the statement.
    pub async fn prepare_typed<Args, Out>(
        &self,
        statement: Statement<Args, Out>,
    ) -> Result<Prepared<Args, Out>, PrepareError> {
        let simple =
            SimpleStatement::new(statement.cql()).with_idempotent(statement.is_idempotent());
        let statement = self.prepare(simple).await?;
        Ok(Prepared {
            statement,
            _marker: PhantomData,
        })
    }

    /// Executes a prepared typed statement with exactly its `Args`.
    pub async fn execute_typed<Args: SerializeRow, Out>(
        &self,
        prepared: &Prepared<Args, Out>,
        values: Args,
    ) -> Result<QueryResult, QueryError> {
        self.execute(&prepared.statement, values).await
    }

    /// Executes a prepared typed statement with its values borrowed: each element of `Args`
    /// may be given as itself or in a borrowed form ([`BindArgs`]: `&str` for a `String`,
    /// `&[u8]` for a `Vec<u8>`, `&T` for any `T`), so binding a blob or a text the application
    /// keeps needs no owned copy. The values are checked against `Args` at compile time, as
    /// with [`execute_typed`](Self::execute_typed), which takes exactly `Args` (and so lets
    /// `"text".into()` infer its type).
    ///
    /// ```no_run
    /// # use ringbolt_driver::mapping::Statement;
    /// # async fn example(session: &ringbolt_driver::session::Session) -> Result<(), Box<dyn std::error::Error>> {
    /// const INSERT: Statement<(i64, String, Vec<u8>), ()> =
    ///     Statement::new("INSERT INTO ks.files (id, name, data) VALUES (?, ?, ?)", true, &[0]);
    /// let insert = session.prepare_typed(INSERT).await?;
    /// let (name, data): (&str, &[u8]) = ("a.txt", b"hello");
    /// session.execute_borrowed(&insert, (7, name, data)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn execute_borrowed<Args, Out>(
        &self,
        prepared: &Prepared<Args, Out>,
        values: impl BindArgs<Args>,
    ) -> Result<QueryResult, QueryError> {
        self.execute(&prepared.statement, values).await
    }

    /// Executes a prepared SELECT and reads every row as `Out`, following the pages (one page
    /// request after the other); use [`Session::stream_typed`] to process rows while they arrive.
    pub async fn fetch_all<Args: SerializeRow, Out>(
        &self,
        prepared: &Prepared<Args, Out>,
        values: Args,
    ) -> Result<Vec<Out>, FetchError>
    where
        Out: for<'frame> DeserializeRow<'frame>,
    {
        let mut stream = self
            .stream_typed(prepared, values)
            .await
            .map_err(FetchError::Query)?;
        let mut rows = Vec::new();
        while let Some(row) = stream.next().await {
            rows.push(row.map_err(FetchError::Query)?);
        }
        Ok(rows)
    }

    /// Executes a prepared SELECT and reads its first row, if any (for example `T::get()`).
    pub async fn fetch_optional<Args: SerializeRow, Out>(
        &self,
        prepared: &Prepared<Args, Out>,
        values: Args,
    ) -> Result<Option<Out>, FetchError>
    where
        Out: for<'frame> DeserializeRow<'frame>,
    {
        let result = self
            .execute_typed(prepared, values)
            .await
            .map_err(FetchError::Query)?;
        result.maybe_first_row::<Out>().map_err(FetchError::Rows)
    }

    /// Streams the rows of a prepared SELECT as `Out`, one page in memory at a time.
    pub async fn stream_typed<Args: SerializeRow, Out>(
        &self,
        prepared: &Prepared<Args, Out>,
        values: Args,
    ) -> Result<RowStream<Out>, QueryError>
    where
        Out: for<'frame> DeserializeRow<'frame>,
    {
        self.execute_stream(&prepared.statement, values).await
    }

    /// Executes a prepared lightweight transaction and tells whether it was applied.
    pub async fn apply<Args: SerializeRow>(
        &self,
        prepared: &Prepared<Args, Applied>,
        values: Args,
    ) -> Result<bool, FetchError> {
        let result = self
            .execute_typed(prepared, values)
            .await
            .map_err(FetchError::Query)?;
        result.was_applied().map_err(FetchError::Rows)
    }
}
