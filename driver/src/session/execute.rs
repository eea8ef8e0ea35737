//! The one execution loop: every request (query, execute, batch, prepare, page fetch) runs here.
//!
//! For one request the loop:
//! 1. waits for a slot when the session throttles (a full queue fails at once with
//!    [`QueryError::Throttled`]), all within the request deadline ([`QueryError::Timeout`]);
//! 2. asks the node picker for a plan (targets in order) and starts an *execution* on the first
//!    target; for an idempotent statement, the speculative-execution policy may start more
//!    executions on the next targets while the first is slow (the first answer wins, the
//!    others are dropped: their stream ids become orphans, freed when the late answers come);
//! 3. in each execution, makes attempts: a failure becomes facts
//!    ([`RequestFailure`]), the retry policy decides, and the idempotency [`gate`] overrides
//!    the decision (a non-idempotent statement is sent again only when the server proved it
//!    did not apply it). UNPREPARED is not a retry: the loop re-prepares on that node and
//!    replays, once per node.
//!
//! The decision table of the default policy is in
//! [`DefaultRetryPolicy`](crate::policies::retry::DefaultRetryPolicy), the gate's in [`gate`].
//! When every target failed, the error is [`QueryError::AllNodesFailed`] listing each attempt.
//! A plan of a single node gets one more pass (on a fresh plan from the picker), so a
//! single-node session still survives one transient failure.

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::stream::{FuturesUnordered, StreamExt};
use tokio::time::Instant;

use super::attempts::{Counters, ExecutionOptions};
use super::errors::QueryError;
use super::plan::{NodePicker, Plan, RoutingInfo, Target};
use super::reprepare::{prepare_on_all, reprepare};
use super::statement::PreparedInner;
use super::throttle::Throttle;
use crate::connection::{Connection, ConnectionError, SendError};
use crate::policies::retry::{gate, RequestFailure, RetryDecision, RetryPolicy};
use crate::protocol::frame::ResponseFrame;
use crate::protocol::request::Request;
use crate::protocol::response::{ColumnSpec, ErrorBody, ErrorCode, Response, ResultBody};
use crate::protocol::Consistency;

/// How long a single-node plan waits for its pool to reopen a connection before the second
/// pass (the request deadline bounds it too).
const REPLAN_WAIT: Duration = Duration::from_secs(2);
const REPLAN_POLL: Duration = Duration::from_millis(20);

/// A request ready to run, with what the loop needs to act on failures.
pub(crate) struct RequestSpec<'a> {
    pub(crate) request: &'a Request,
    pub(crate) tracing: bool,
    pub(crate) routing: RoutingInfo<'a>,
    pub(crate) timeout: Duration,
    /// Prepared statements the request uses, to re-prepare when a node forgot them.
    pub(crate) prepared: &'a [Arc<PreparedInner>],
    /// The statement's own retry policy, overriding the session's.
    pub(crate) retry_policy: Option<Arc<dyn RetryPolicy>>,
    /// The result columns the answer is expected to have (an EXECUTE of a prepared statement
    /// that returns rows): decoding the answer shares them rather than copying its own.
    pub(crate) known_columns: Option<&'a Arc<[ColumnSpec]>>,
}

impl RequestSpec<'_> {
    /// Whether the request may run more than once: the statement's flag, and always for
    /// PREPARE (preparing twice changes nothing).
    fn idempotent(&self) -> bool {
        self.routing.idempotent || matches!(self.request, Request::Prepare(_))
    }
}

/// The session's execution settings, throttle and counters.
pub(crate) struct Executor {
    pub(crate) options: ExecutionOptions,
    throttle: Option<Throttle>,
    pub(crate) counters: Counters,
}

impl Executor {
    pub(crate) fn new(options: ExecutionOptions) -> Executor {
        let throttle = options
            .max_concurrent_requests
            .map(|running| Throttle::new(running, options.max_queued_requests));
        Executor {
            options,
            throttle,
            counters: Counters::default(),
        }
    }
}

/// Why one attempt failed.
#[derive(Debug)]
pub(crate) enum AttemptError {
    /// The node answered with an error.
    Db(ErrorBody),
    /// The connection failed after the request may have been written.
    Connection(ConnectionError),
    /// The request was provably not written (the connection was already closed, no stream id).
    NotSent(ConnectionError),
    /// No answer within the per-attempt timeout.
    Timeout(Duration),
    /// The request's deadline (its timeout, given here) passed: the request ends.
    RequestTimeout(Duration),
}

impl AttemptError {
    /// The facts for the retry policy; `None` when no retry can help.
    pub(crate) fn facts(&self) -> Option<RequestFailure> {
        match self {
            AttemptError::Db(body) => RequestFailure::from_error_code(&body.code),
            AttemptError::Connection(ConnectionError::Encode(_)) => None,
            AttemptError::Connection(_) => Some(RequestFailure::ConnectionClosed),
            AttemptError::NotSent(_) => Some(RequestFailure::RequestNotSent),
            AttemptError::Timeout(_) => Some(RequestFailure::ClientTimeout),
            AttemptError::RequestTimeout(_) => None,
        }
    }

    fn into_query_error(self) -> QueryError {
        match self {
            AttemptError::Db(body) => QueryError::from_error_body(body),
            AttemptError::Connection(e) | AttemptError::NotSent(e) => QueryError::Connection(e),
            AttemptError::Timeout(after) => QueryError::AttemptTimeout(after),
            AttemptError::RequestTimeout(after) => QueryError::Timeout(after),
        }
    }
}

/// Runs `spec` until `deadline` (its start plus its timeout). Returns the first non-error
/// answer.
pub(crate) async fn run(
    picker: &dyn NodePicker,
    executor: &Executor,
    spec: &RequestSpec<'_>,
    deadline: Instant,
) -> Result<ResponseFrame, QueryError> {
    let timed_out = |_| QueryError::Timeout(spec.timeout);
    let _slot = match &executor.throttle {
        Some(throttle) => {
            let slot = tokio::time::timeout_at(deadline, throttle.acquire())
                .await
                .map_err(timed_out)?;
            if let Err(QueryError::Throttled { .. }) = &slot {
                Counters::bump(&executor.counters.throttled);
            }
            Some(slot?)
        }
        None => None,
    };
    // No timer wraps the plan: each wait in it ends at `deadline` by itself (attempts through
    // their connection's deadline sweep, the rare waits through their own timers).
    let (frame, node) = run_plan(picker, executor, spec, deadline).await?;
    if let Request::Prepare(prepare) = spec.request {
        // Prepare on every other node of the plan too, so executions routed there do not
        // start with UNPREPARED. Best effort, within what is left of the deadline.
        let others: Vec<Target> = picker
            .plan(&spec.routing)
            .filter(|t| t.node.is_some() && t.node != node)
            .collect();
        // Boxed: a rare path, kept out of every request's future.
        let _ = Box::pin(tokio::time::timeout_at(
            deadline,
            prepare_on_all(&others, prepare),
        ))
        .await;
    }
    Ok(frame)
}

/// How one execution ended (short-lived, one per execution: its size does not matter).
#[allow(clippy::large_enum_variant)]
enum ExecutionEnd {
    Done(Result<(ResponseFrame, Option<SocketAddr>), QueryError>),
    /// The plan has no target left for it.
    Exhausted,
}

/// The plan, shared by the executions of one request.
struct PlanCursor {
    plan: Plan,
    /// The next target, taken from the plan ahead of time.
    peeked: Option<Target>,
    /// Targets handed out so far.
    taken: usize,
    /// Whether the extra pass of a single-node plan was taken.
    second_pass: bool,
}

impl PlanCursor {
    fn next(&mut self) -> Option<Target> {
        let next = self.peeked.take().or_else(|| self.plan.next());
        self.taken += usize::from(next.is_some());
        next
    }

    fn has_next(&mut self) -> bool {
        if self.peeked.is_none() {
            self.peeked = self.plan.next();
        }
        self.peeked.is_some()
    }

    /// Whether the plan held a single target, all used, and its extra pass is still to take.
    fn second_pass_due(&mut self) -> bool {
        self.taken == 1 && !self.second_pass && !self.has_next()
    }
}

/// State shared by the executions of one request.
struct Run<'a> {
    picker: &'a dyn NodePicker,
    executor: &'a Executor,
    spec: &'a RequestSpec<'a>,
    /// When the request gives up ([`QueryError::Timeout`]).
    deadline: Instant,
    policy: &'a dyn RetryPolicy,
    plan: Mutex<PlanCursor>,
    /// Retries made so far (all executions), as the policy's `attempt`.
    retries: AtomicU32,
    /// Every failed attempt that led to a retry, in order.
    attempts: Mutex<Vec<(Option<SocketAddr>, QueryError)>>,
}

impl Run<'_> {
    fn has_next(&self) -> bool {
        let mut plan = self.plan.lock().unwrap_or_else(PoisonError::into_inner);
        plan.has_next() || plan.second_pass_due()
    }

    async fn next_target(&self) -> Option<Target> {
        {
            let mut plan = self.plan.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(target) = plan.next() {
                return Some(target);
            }
            if !plan.second_pass_due() {
                return None;
            }
            plan.second_pass = true;
        }
        // A single-node plan: one more pass on a fresh plan, waiting briefly for the pool to
        // reopen a connection that dropped (boxed: a rare path, kept out of every request's
        // future).
        Box::pin(wait_for_target(
            self.picker,
            &self.spec.routing,
            self.deadline,
        ))
        .await
    }

    fn record(&self, node: Option<SocketAddr>, error: QueryError) {
        self.attempts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((node, error));
    }

    /// One execution: attempts on targets taken from the shared plan until an answer, a final
    /// error, or no target left.
    /// The first attempt goes to `first` when given, else to the plan's next target.
    async fn execution(&self, first: Option<Target>) -> ExecutionEnd {
        let first = match first {
            Some(target) => Some(target),
            None => self.next_target().await,
        };
        let Some(mut target) = first else {
            return self.exhausted();
        };
        let idempotent = self.spec.idempotent();
        let counters = &self.executor.counters;
        let mut request = Cow::Borrowed(self.spec.request);
        let mut reprepared = false;
        loop {
            let error = match self.attempt(&target, &request).await {
                Ok(frame) => return ExecutionEnd::Done(Ok((frame, target.node))),
                Err(error) => error,
            };
            if let AttemptError::Db(ErrorBody {
                code: ErrorCode::Unprepared { id },
                ..
            }) = &error
            {
                let statement = self.spec.prepared.iter().find(|p| p.id == id);
                if let (false, Some(statement)) = (reprepared, statement) {
                    // Boxed: a rare path, kept out of every request's future.
                    let prepared = Box::pin(tokio::time::timeout_at(
                        self.deadline,
                        reprepare(&target.connection, statement),
                    ))
                    .await;
                    match prepared {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) => {
                            return ExecutionEnd::Done(Err(QueryError::Prepare(Box::new(e))))
                        }
                        Err(_) => {
                            return ExecutionEnd::Done(Err(QueryError::Timeout(self.spec.timeout)))
                        }
                    }
                    Counters::bump(&counters.reprepared);
                    reprepared = true;
                    continue;
                }
            }
            let Some(failure) = error.facts() else {
                return ExecutionEnd::Done(Err(error.into_query_error()));
            };
            let retries = self.retries.load(Ordering::Relaxed);
            let mut decision = self.policy.decide(&failure, retries, idempotent);
            if failure == RequestFailure::Unprepared && reprepared {
                // Still unknown right after re-preparing there: try elsewhere.
                decision = RetryDecision::RetryNextNode(None);
            }
            let decision = gate(decision, &failure, idempotent);
            tracing::debug!(?error, ?failure, ?decision, node = ?target.node, retries, "attempt failed");
            let consistency = match decision {
                RetryDecision::Rethrow => {
                    return ExecutionEnd::Done(Err(error.into_query_error()));
                }
                RetryDecision::Ignore => {
                    Counters::bump(&counters.ignored);
                    return ExecutionEnd::Done(Ok((ignored_frame(), target.node)));
                }
                RetryDecision::RetrySameNode(consistency) => {
                    self.record(target.node, error.into_query_error());
                    consistency
                }
                RetryDecision::RetryNextNode(consistency) => {
                    self.record(target.node, error.into_query_error());
                    match self.next_target().await {
                        Some(next) => target = next,
                        None => return self.exhausted(),
                    }
                    reprepared = false;
                    consistency
                }
            };
            self.retries.fetch_add(1, Ordering::Relaxed);
            Counters::bump(&counters.retries);
            if let Some(consistency) = consistency {
                request = Cow::Owned(with_consistency(self.spec.request, consistency));
            }
        }
    }

    /// One attempt on one target, within the per-attempt timeout.
    async fn attempt(
        &self,
        target: &Target,
        request: &Request,
    ) -> Result<ResponseFrame, AttemptError> {
        let connection = &target.connection;
        if let Some(reason) = connection.close_reason() {
            return Err(AttemptError::NotSent(reason));
        }
        if connection.orphaned_streams() > self.executor.options.max_orphaned_streams {
            self.replace(connection);
            return Err(AttemptError::NotSent(ConnectionError::Closed {
                reason: "too many orphaned stream ids; the connection is being replaced".into(),
            }));
        }
        // The attempt ends at the request's deadline, or earlier at the per-attempt timeout.
        let attempt_limit = self
            .executor
            .options
            .attempt_timeout
            .map(|limit| (limit, Instant::now() + limit))
            .filter(|(_, until)| *until < self.deadline);
        let until = attempt_limit.map_or(self.deadline, |(_, until)| until);
        let sent = connection
            .send_until(
                request,
                self.spec.tracing,
                self.spec.known_columns,
                Some(until),
            )
            .await;
        let frame = match sent {
            Ok(frame) => frame,
            Err(SendError::DeadlineReached) => {
                let Some((limit, _)) = attempt_limit else {
                    return Err(AttemptError::RequestTimeout(self.spec.timeout));
                };
                Counters::bump(&self.executor.counters.attempt_timeouts);
                if connection.orphaned_streams() > self.executor.options.max_orphaned_streams {
                    self.replace(connection);
                }
                return Err(AttemptError::Timeout(limit));
            }
            Err(SendError::Connection(e @ ConnectionError::StreamIdsExhausted)) => {
                return Err(AttemptError::NotSent(e))
            }
            Err(SendError::Connection(e)) => return Err(AttemptError::Connection(e)),
        };
        match frame.response {
            Response::Error(body) => Err(AttemptError::Db(body)),
            _ => Ok(frame),
        }
    }

    /// Closes a connection whose node stopped answering part of its requests; its pool opens
    /// a fresh one (requests still waiting on it fail as connection failures).
    fn replace(&self, connection: &Connection) {
        tracing::warn!(
            node = ?connection.address(),
            orphaned = connection.orphaned_streams(),
            "closing a connection with too many orphaned stream ids"
        );
        Counters::bump(&self.executor.counters.connections_replaced);
        // Closed now, so the next plan does not pick it while it shuts down.
        connection.start_closing("too many orphaned stream ids; the connection is being replaced");
        let connection = connection.clone();
        tokio::spawn(async move { connection.close().await });
    }
}

async fn run_plan(
    picker: &dyn NodePicker,
    executor: &Executor,
    spec: &RequestSpec<'_>,
    deadline: Instant,
) -> Result<(ResponseFrame, Option<SocketAddr>), QueryError> {
    let mut plan = picker.plan(&spec.routing);
    // No node to try at all: fail fast (the pool is reconnecting in the background).
    let Some(first) = plan.next() else {
        return Err(QueryError::NoConnection);
    };
    let run = Run {
        picker,
        executor,
        spec,
        deadline,
        policy: spec
            .retry_policy
            .as_deref()
            .unwrap_or(&*executor.options.retry_policy),
        plan: Mutex::new(PlanCursor {
            plan,
            peeked: None,
            taken: 1,
            second_pass: false,
        }),
        retries: AtomicU32::new(0),
        attempts: Mutex::new(Vec::new()),
    };
    let speculative = &*executor.options.speculative_execution;
    // Never speculate on a statement that must not run twice.
    let next_start = |started: u32| {
        spec.idempotent()
            .then(|| speculative.next_execution_delay(started))
            .flatten()
            .map(|delay| Instant::now() + delay)
    };
    let mut next = next_start(1);
    if next.is_none() {
        // One execution only: run it in place (no set of executions to poll).
        return match run.execution(Some(first)).await {
            ExecutionEnd::Done(answer) => answer,
            ExecutionEnd::Exhausted => Err(run.all_nodes_failed()),
        };
    }
    let mut executions = FuturesUnordered::new();
    executions.push(run.execution(Some(first)));
    let mut started = 1u32;
    let mut last_error = None;
    while !executions.is_empty() {
        let timer = async move {
            match next {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            ended = executions.next() => match ended {
                Some(ExecutionEnd::Done(Ok(answer))) => return Ok(answer),
                Some(ExecutionEnd::Done(Err(error))) => last_error = Some(error),
                Some(ExecutionEnd::Exhausted) | None => {}
            },
            () = timer => {
                next = None;
                if run.has_next() {
                    started = started.saturating_add(1);
                    Counters::bump(&executor.counters.speculative_executions);
                    tracing::debug!(started, "starting a speculative execution");
                    executions.push(run.execution(None));
                    next = next_start(started);
                }
            }
        }
    }
    drop(executions);
    match last_error {
        Some(error) => Err(error),
        None => Err(run.all_nodes_failed()),
    }
}

impl Run<'_> {
    /// How an execution ends when the plan has no target left for it: a timeout once the
    /// deadline passed (the replan wait ended there), else exhausted.
    fn exhausted(&self) -> ExecutionEnd {
        if Instant::now() >= self.deadline {
            ExecutionEnd::Done(Err(QueryError::Timeout(self.spec.timeout)))
        } else {
            ExecutionEnd::Exhausted
        }
    }

    /// The error when no execution got an answer: every failed attempt, in order.
    fn all_nodes_failed(&self) -> QueryError {
        let attempts =
            std::mem::take(&mut *self.attempts.lock().unwrap_or_else(PoisonError::into_inner));
        QueryError::AllNodesFailed { attempts }
    }
}

/// The picker's first target; when there is none (a node's connections just dropped and its
/// pool is reopening them), asks again for up to [`REPLAN_WAIT`], never past `deadline`.
/// `None`: still none.
async fn wait_for_target(
    picker: &dyn NodePicker,
    routing: &RoutingInfo<'_>,
    deadline: Instant,
) -> Option<Target> {
    let give_up = deadline.min(Instant::now() + REPLAN_WAIT);
    loop {
        if let Some(target) = picker.plan(routing).next() {
            return Some(target);
        }
        let now = Instant::now();
        if now >= give_up {
            return None;
        }
        tokio::time::sleep_until(give_up.min(now + REPLAN_POLL)).await;
    }
}

/// The answer reported when a retry policy ignores a failure: an empty (Void) result.
fn ignored_frame() -> ResponseFrame {
    ResponseFrame {
        stream: 0,
        tracing_id: None,
        warnings: vec!["a failure was ignored by the retry policy".to_owned()],
        custom_payload: None,
        response: Response::Result(ResultBody::Void),
    }
}

/// `request` at another consistency level (requests without one are returned unchanged).
fn with_consistency(request: &Request, consistency: Consistency) -> Request {
    let mut request = request.clone();
    match &mut request {
        Request::Query(query) => query.params.consistency = consistency,
        Request::Execute(execute) => execute.params.consistency = consistency,
        Request::Batch(batch) => batch.consistency = consistency,
        _ => {}
    }
    request
}
