//! The one execution loop: every request (query, execute, batch, prepare, page fetch) runs here.
//!
//! For each target of the plan the loop makes an attempt; when it fails, it gathers the facts,
//! asks a [`Decide`] for a decision and acts on it. The decision is the seam where the retry,
//! speculative-execution and load-balancing policies plug in; the session's built-in
//! [`NoRetry`] never retries. Re-preparing after UNPREPARED is not a retry (the statement never
//! ran) and the loop does it by itself, once per node.

use std::sync::Arc;
use std::time::Duration;

use super::errors::{PrepareError, QueryError};
use super::plan::{NodePicker, RoutingInfo, Target};
use super::statement::PreparedInner;
use crate::connection::{Connection, ConnectionError};
use crate::protocol::frame::ResponseFrame;
use crate::protocol::request::{Prepare, Request};
use crate::protocol::response::{ErrorBody, ErrorCode, Response, ResultBody};

/// A request ready to run, with what the loop needs to act on failures.
pub(crate) struct RequestSpec<'a> {
    pub(crate) request: Request,
    pub(crate) tracing: bool,
    pub(crate) routing: RoutingInfo<'a>,
    pub(crate) timeout: Duration,
    /// Prepared statements the request uses, to re-prepare when a node forgot them.
    pub(crate) prepared: Vec<Arc<PreparedInner>>,
}

/// Why one attempt failed.
#[derive(Debug)]
pub(crate) enum AttemptError {
    /// The node answered with an error.
    Db(ErrorBody),
    /// The connection failed.
    Connection(ConnectionError),
}

impl AttemptError {
    fn into_query_error(self) -> QueryError {
        match self {
            AttemptError::Db(body) => QueryError::from_error_body(body),
            AttemptError::Connection(e) => QueryError::Connection(e),
        }
    }
}

/// Facts about a failed attempt, for the decision.
// Read by the retry policies of the cluster layer when they replace `NoRetry`.
#[allow(dead_code)]
#[derive(Debug)]
pub(crate) struct AttemptFacts<'a> {
    pub(crate) error: &'a AttemptError,
    /// Whether the statement may run more than once.
    pub(crate) idempotent: bool,
    /// Attempts made so far for this request (1 for the first).
    pub(crate) attempt: u32,
}

/// What to do after a failed attempt.
// `NoRetry` only fails; the retry policies of the cluster layer return the other decisions.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Give up and return the error.
    Fail,
    /// Try again on the same connection.
    RetrySameNode,
    /// Try the next target of the plan.
    TryNextNode,
}

/// Decides what to do after a failed attempt. Implementations never do I/O.
pub(crate) trait Decide: Send + Sync {
    /// The decision for these facts.
    fn decide(&self, facts: &AttemptFacts<'_>) -> Decision;
}

/// The built-in decision until the retry policies are wired in: never retry.
pub(crate) struct NoRetry;

impl Decide for NoRetry {
    fn decide(&self, _facts: &AttemptFacts<'_>) -> Decision {
        Decision::Fail
    }
}

/// Runs `spec` within its timeout. Returns the first non-error answer.
pub(crate) async fn run(
    picker: &dyn NodePicker,
    decider: &dyn Decide,
    spec: &RequestSpec<'_>,
) -> Result<ResponseFrame, QueryError> {
    tokio::time::timeout(spec.timeout, run_plan(picker, decider, spec))
        .await
        .map_err(|_| QueryError::Timeout(spec.timeout))?
}

async fn run_plan(
    picker: &dyn NodePicker,
    decider: &dyn Decide,
    spec: &RequestSpec<'_>,
) -> Result<ResponseFrame, QueryError> {
    let plan = picker.plan(&spec.routing);
    let mut last_error = None;
    let mut attempt = 0u32;
    'targets: for target in &plan {
        let mut reprepared = false;
        loop {
            attempt = attempt.saturating_add(1);
            let error = match attempt_once(target, spec).await {
                Ok(frame) => return Ok(frame),
                Err(error) => error,
            };
            if let AttemptError::Db(ErrorBody {
                code: ErrorCode::Unprepared { id },
                ..
            }) = &error
            {
                if !reprepared {
                    if let Some(statement) = spec.prepared.iter().find(|p| &p.id == id) {
                        reprepare(&target.connection, statement)
                            .await
                            .map_err(|e| QueryError::Prepare(Box::new(e)))?;
                        reprepared = true;
                        continue;
                    }
                }
            }
            let decision = decider.decide(&AttemptFacts {
                error: &error,
                idempotent: spec.routing.idempotent,
                attempt,
            });
            tracing::debug!(?error, ?decision, node = ?target.node, "attempt failed");
            let error = error.into_query_error();
            match decision {
                Decision::Fail => return Err(error),
                Decision::RetrySameNode => drop(error),
                Decision::TryNextNode => {
                    last_error = Some(error);
                    continue 'targets;
                }
            }
        }
    }
    Err(last_error.unwrap_or(QueryError::NoConnection))
}

async fn attempt_once(
    target: &Target,
    spec: &RequestSpec<'_>,
) -> Result<ResponseFrame, AttemptError> {
    let frame = target
        .connection
        .send_traced(spec.request.clone(), spec.tracing)
        .await
        .map_err(AttemptError::Connection)?;
    match frame.response {
        Response::Error(body) => Err(AttemptError::Db(body)),
        _ => Ok(frame),
    }
}

/// Prepares `statement` again on `connection` after the node answered UNPREPARED.
async fn reprepare(connection: &Connection, statement: &PreparedInner) -> Result<(), PrepareError> {
    let request = Request::Prepare(Prepare {
        query: statement.text.clone(),
        keyspace: None,
    });
    let frame = connection
        .send(request)
        .await
        .map_err(PrepareError::Connection)?;
    match frame.response {
        Response::Result(ResultBody::Prepared(prepared)) => {
            if prepared.id != statement.id {
                tracing::warn!(
                    text = %statement.text,
                    "re-preparing returned a different id; the statement's keyspace or text may have changed"
                );
            }
            Ok(())
        }
        Response::Error(body) => Err(PrepareError::Db {
            error: (&body.code).into(),
            message: body.message,
        }),
        other => Err(PrepareError::UnexpectedResponse {
            got: crate::connection::response_name(&other),
        }),
    }
}
