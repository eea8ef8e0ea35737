//! The session's operations: query, prepare, execute, batch and page fetches. Each builds a
//! request and hands it to the execution loop.

use std::sync::Arc;
use std::time::Duration;

use super::batch::{BatchEntry, BatchStatement, BatchValues};
use super::errors::{PrepareError, QueryError};
use super::execute::{run, RequestSpec};
use super::plan::RoutingInfo;
use super::result::QueryResult;
use super::statement::{
    PagingState, PreparedInner, PreparedStatement, SimpleStatement, StatementOptions,
};
use super::stream::{PageSource, RowStream};
use super::Session;
use crate::connection::response_name;
use crate::protocol::frame::ResponseFrame;
use crate::protocol::request::{
    Batch, BatchStatement as WireBatchStatement, Execute, Prepare, Query, QueryParameters, Request,
    SerializedValues,
};
use crate::protocol::response::{ColumnSpec, Response, ResultBody};
use crate::types::{DeserializeRow, SerializeRow};

impl Session {
    /// Runs CQL text. Without values it is sent as is; with values the text is prepared first
    /// (once per session and keyspace) and executed, so the values are checked against the
    /// types the server reports.
    pub async fn query(
        &self,
        statement: impl Into<SimpleStatement>,
        values: impl SerializeRow,
    ) -> Result<QueryResult, QueryError> {
        let statement = statement.into();
        if values.is_empty() {
            let paging = statement.options.paging_state.clone();
            return self.query_page(&statement, paging.as_ref()).await;
        }
        let inner = self
            .prepare_cached(statement.text(), &statement.options)
            .await
            .map_err(|e| QueryError::Prepare(Box::new(e)))?;
        let prepared = PreparedStatement::new(inner, statement.options);
        self.execute(&prepared, values).await
    }

    /// Prepares a statement (or returns the session's cached preparation of the same text).
    /// The statement's options carry over to the prepared statement.
    pub async fn prepare(
        &self,
        statement: impl Into<SimpleStatement>,
    ) -> Result<PreparedStatement, PrepareError> {
        let statement = statement.into();
        let inner = self
            .prepare_cached(statement.text(), &statement.options)
            .await?;
        Ok(PreparedStatement::new(inner, statement.options))
    }

    /// Runs a prepared statement with `values` (type-checked against its bind markers).
    pub async fn execute(
        &self,
        prepared: &PreparedStatement,
        values: impl SerializeRow,
    ) -> Result<QueryResult, QueryError> {
        let values = prepared
            .serialize_values(&values)
            .map_err(QueryError::Serialize)?;
        let paging = prepared.options.paging_state.clone();
        self.execute_page(prepared, values, paging.as_ref()).await
    }

    /// Runs a batch with one value set per statement (`()` for statements without markers).
    /// Simple statements with values are prepared first.
    pub async fn batch(
        &self,
        batch: &BatchStatement,
        values: impl BatchValues,
    ) -> Result<QueryResult, QueryError> {
        let entries = batch.statements();
        if values.len() != entries.len() {
            return Err(QueryError::BatchValueCount {
                statements: entries.len(),
                values: values.len(),
            });
        }
        let mut statements = Vec::with_capacity(entries.len());
        let mut prepared = Vec::new();
        let mut batch_route: Option<(Vec<u8>, Option<String>)> = None;
        for (index, entry) in entries.iter().enumerate() {
            let inner = match entry {
                BatchEntry::Simple(simple) if values.is_empty_at(index) => {
                    statements.push(WireBatchStatement::Query {
                        query: simple.text().to_owned(),
                        values: SerializedValues::default(),
                    });
                    continue;
                }
                BatchEntry::Simple(simple) => self
                    .prepare_cached(simple.text(), &batch.options)
                    .await
                    .map_err(|e| QueryError::Prepare(Box::new(e)))?,
                BatchEntry::Prepared(p) => p.inner.clone(),
            };
            let mut serialized = SerializedValues::default();
            values
                .serialize_at(index, &inner.bind_markers, &mut serialized)
                .map_err(QueryError::Serialize)?;
            if index == 0 {
                // A batch routes by its first statement's partition key.
                let first = PreparedStatement::new(inner.clone(), StatementOptions::default());
                batch_route = first
                    .routing_key(&serialized)
                    .map(|key| (key, routing_keyspace(&inner).map(str::to_owned)));
            }
            statements.push(WireBatchStatement::Prepared {
                id: inner.id.clone(),
                values: serialized,
            });
            prepared.push(inner);
        }
        let options = &batch.options;
        let request = Request::Batch(Batch {
            batch_type: batch.batch_type(),
            statements,
            consistency: self.consistency(options),
            serial_consistency: options
                .serial_consistency
                .or(self.inner.config.default_serial_consistency),
            default_timestamp: options.timestamp,
            keyspace: None,
            now_in_seconds: None,
        });
        let session_keyspace = self.keyspace();
        let (key, keyspace) = match &batch_route {
            Some((key, ks)) => (
                Some(key.as_slice()),
                ks.as_deref().or(session_keyspace.as_deref()),
            ),
            None => (None, session_keyspace.as_deref()),
        };
        let frame = self
            .run(&request, options, keyspace, key, &prepared, None)
            .await?;
        self.to_result(frame, None, "BATCH")
    }

    /// Streams the rows of CQL text as `T`, fetching each page when the previous one is used up.
    pub async fn query_stream<T>(
        &self,
        statement: impl Into<SimpleStatement>,
        values: impl SerializeRow,
    ) -> Result<RowStream<T>, QueryError>
    where
        T: for<'frame> DeserializeRow<'frame>,
    {
        let statement = statement.into();
        if values.is_empty() {
            let paging = statement.options.paging_state.clone();
            return Ok(RowStream::new(
                self.clone(),
                PageSource::Simple(statement),
                paging,
            ));
        }
        let inner = self
            .prepare_cached(statement.text(), &statement.options)
            .await
            .map_err(|e| QueryError::Prepare(Box::new(e)))?;
        let prepared = PreparedStatement::new(inner, statement.options);
        self.execute_stream(&prepared, values).await
    }

    /// Streams the rows of a prepared statement as `T`, one page in memory at a time.
    pub async fn execute_stream<T>(
        &self,
        prepared: &PreparedStatement,
        values: impl SerializeRow,
    ) -> Result<RowStream<T>, QueryError>
    where
        T: for<'frame> DeserializeRow<'frame>,
    {
        let values = prepared
            .serialize_values(&values)
            .map_err(QueryError::Serialize)?;
        let paging = prepared.options.paging_state.clone();
        Ok(RowStream::new(
            self.clone(),
            PageSource::Prepared(prepared.clone(), values),
            paging,
        ))
    }

    /// One page of CQL text run without values.
    pub(crate) async fn query_page(
        &self,
        statement: &SimpleStatement,
        paging: Option<&PagingState>,
    ) -> Result<QueryResult, QueryError> {
        let options = &statement.options;
        let request = Request::Query(Query {
            query: statement.text().to_owned(),
            params: self.parameters(options, SerializedValues::default(), paging, false),
        });
        let keyspace = self.keyspace();
        let frame = self
            .run(&request, options, keyspace.as_deref(), None, &[], None)
            .await?;
        let result = self.to_result(frame, None, "QUERY")?;
        if let Some(keyspace) = result.set_keyspace() {
            // `USE` ran on one connection; every other connection follows.
            self.inner.picker.use_keyspace(keyspace).await;
        }
        Ok(result)
    }

    /// One page of a prepared statement with serialized values.
    pub(crate) async fn execute_page(
        &self,
        prepared: &PreparedStatement,
        values: SerializedValues,
        paging: Option<&PagingState>,
    ) -> Result<QueryResult, QueryError> {
        let inner = &prepared.inner;
        let cached = inner.result_metadata();
        // The server may skip the result columns only when it can tell us they changed (v5).
        let skip_metadata = cached.id.is_some() && !cached.columns.is_empty();
        let options = &prepared.options;
        let request = Request::Execute(Execute {
            id: inner.id.clone(),
            result_metadata_id: cached.id.clone(),
            params: self.parameters(options, values, paging, skip_metadata),
        });
        // Borrowed from the request's values (a one-column key is not copied).
        let routing_key = match &request {
            Request::Execute(execute) => prepared.routing_key_ref(&execute.params.values),
            _ => None,
        };
        // The answer's rows are decoded against the columns prepared (shared, not copied).
        let known_columns = Some(&cached.columns).filter(|columns| !columns.is_empty());
        let frame = self
            .run(
                &request,
                options,
                routing_keyspace(inner),
                routing_key.as_deref(),
                std::slice::from_ref(inner),
                known_columns,
            )
            .await?;
        if let Response::Result(ResultBody::Rows(rows)) = &frame.response {
            if let Some(new_id) = &rows.metadata.new_metadata_id {
                if !rows.metadata.columns.is_empty() {
                    inner.update_result_metadata(new_id.clone(), rows.metadata.columns.clone());
                }
            }
        }
        self.to_result(frame, Some(cached.columns), "EXECUTE")
    }

    async fn prepare_cached(
        &self,
        text: &str,
        options: &StatementOptions,
    ) -> Result<Arc<PreparedInner>, PrepareError> {
        let keyspace = self.keyspace();
        if let Some(hit) = self.inner.prepared.get(text, keyspace.as_deref()) {
            return Ok(hit);
        }
        let request = Request::Prepare(Prepare {
            query: text.to_owned(),
            keyspace: None,
        });
        let frame = self
            .run(&request, options, keyspace.as_deref(), None, &[], None)
            .await?;
        match frame.response {
            Response::Result(ResultBody::Prepared(result)) => {
                let inner = Arc::new(PreparedInner::new(text.to_owned(), keyspace, result));
                self.inner.prepared.insert(inner.clone());
                Ok(inner)
            }
            other => Err(PrepareError::UnexpectedResponse {
                got: response_name(&other),
            }),
        }
    }

    fn consistency(&self, options: &StatementOptions) -> crate::protocol::Consistency {
        options
            .consistency
            .unwrap_or(self.inner.config.default_consistency)
    }

    fn timeout(&self, options: &StatementOptions) -> Duration {
        options.timeout.unwrap_or(self.inner.config.request_timeout)
    }

    fn parameters(
        &self,
        options: &StatementOptions,
        values: SerializedValues,
        paging: Option<&PagingState>,
        skip_metadata: bool,
    ) -> QueryParameters {
        QueryParameters {
            consistency: self.consistency(options),
            values,
            skip_metadata,
            page_size: Some(
                options
                    .page_size
                    .unwrap_or(self.inner.config.default_page_size),
            ),
            paging_state: paging.map(|p| p.as_bytes().to_vec()),
            serial_consistency: options
                .serial_consistency
                .or(self.inner.config.default_serial_consistency),
            default_timestamp: options.timestamp,
            keyspace: None,
            now_in_seconds: None,
        }
    }

    async fn run(
        &self,
        request: &Request,
        options: &StatementOptions,
        keyspace: Option<&str>,
        routing_key: Option<&[u8]>,
        prepared: &[Arc<PreparedInner>],
        known_columns: Option<&Arc<[ColumnSpec]>>,
    ) -> Result<ResponseFrame, QueryError> {
        let spec = RequestSpec {
            request,
            tracing: options.tracing,
            routing: RoutingInfo {
                keyspace: options.routing_keyspace.as_deref().or(keyspace),
                routing_key: options.routing_key.as_deref().or(routing_key),
                target_node: options.target_node,
                consistency: self.consistency(options),
                serial_consistency: options
                    .serial_consistency
                    .or(self.inner.config.default_serial_consistency),
                idempotent: options.idempotent,
            },
            timeout: self.timeout(options),
            prepared,
            retry_policy: options.retry_policy.as_ref().map(|p| p.0.clone()),
            known_columns,
        };
        let started = tokio::time::Instant::now();
        let deadline = started + spec.timeout;
        let span = tracing::debug_span!(
            "request",
            keyspace = ?spec.routing.keyspace,
            consistency = ?spec.routing.consistency,
            routed = spec.routing.routing_key.is_some(),
        );
        let result = tracing::Instrument::instrument(
            run(&*self.inner.picker, &self.inner.executor, &spec, deadline),
            span,
        )
        .await;
        if let Err(error) = &result {
            tracing::debug!(%error, "request failed");
        }
        self.inner.metrics.record(started, &result);
        result
    }

    fn to_result(
        &self,
        frame: ResponseFrame,
        cached_columns: Option<Arc<[ColumnSpec]>>,
        request: &'static str,
    ) -> Result<QueryResult, QueryError> {
        match frame.response {
            Response::Result(body) => {
                if let ResultBody::SetKeyspace(keyspace) = &body {
                    self.set_keyspace(keyspace);
                }
                Ok(QueryResult::new(
                    body,
                    cached_columns,
                    frame.warnings,
                    frame.tracing_id,
                ))
            }
            other => Err(QueryError::UnexpectedResponse {
                request,
                got: response_name(&other),
            }),
        }
    }
}

/// The keyspace a prepared statement's partition lives in: that of its bound columns (a
/// qualified table name), else the keyspace it was prepared in.
fn routing_keyspace(inner: &PreparedInner) -> Option<&str> {
    inner
        .bind_markers
        .first()
        .map(|c| c.keyspace.as_str())
        .filter(|k| !k.is_empty())
        .or(inner.keyspace.as_deref())
}
