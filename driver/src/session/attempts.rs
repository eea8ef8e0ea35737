//! Settings and counters of the execution loop: retry and speculative-execution policies,
//! per-attempt timeout, throttling, and what the loop did (retries, speculative executions).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::policies::retry::{DefaultRetryPolicy, RetryPolicy};
use crate::policies::speculative::{NoSpeculativeExecutionPolicy, SpeculativeExecutionPolicy};

/// Connections with more orphaned stream ids than this are closed (and reopened by their
/// pool) by default: their node has stopped answering part of the requests.
pub const DEFAULT_MAX_ORPHANED_STREAMS: usize = 1024;

/// How the execution loop runs requests. Set through
/// [`SessionBuilder`](super::SessionBuilder); see the [`session`](super) docs.
#[derive(Clone)]
pub struct ExecutionOptions {
    /// What to do after a failed attempt ([`DefaultRetryPolicy`] by default; its decision
    /// table is in [`DefaultRetryPolicy`]'s docs). The idempotency [`gate`](crate::policies::retry::gate)
    /// applies to whatever it decides.
    pub retry_policy: Arc<dyn RetryPolicy>,
    /// When to start extra executions of a slow idempotent request (never by default).
    pub speculative_execution: Arc<dyn SpeculativeExecutionPolicy>,
    /// Longest wait for one node's answer; then the attempt fails as a client timeout and the
    /// retry policy decides. `None` (default): only the request timeout applies.
    pub attempt_timeout: Option<Duration>,
    /// Requests that may run at once; `None` (default): no limit.
    pub max_concurrent_requests: Option<usize>,
    /// Requests that may wait for a slot when `max_concurrent_requests` are running; more fail
    /// at once with [`QueryError::Throttled`](super::QueryError::Throttled).
    pub max_queued_requests: usize,
    /// A connection with more orphaned stream ids (requests given up on, answer still
    /// pending) is closed so that its pool opens a fresh one.
    pub max_orphaned_streams: usize,
}

impl Default for ExecutionOptions {
    fn default() -> Self {
        ExecutionOptions {
            retry_policy: Arc::new(DefaultRetryPolicy),
            speculative_execution: Arc::new(NoSpeculativeExecutionPolicy),
            attempt_timeout: None,
            max_concurrent_requests: None,
            max_queued_requests: 0,
            max_orphaned_streams: DEFAULT_MAX_ORPHANED_STREAMS,
        }
    }
}

impl fmt::Debug for ExecutionOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExecutionOptions")
            .field("attempt_timeout", &self.attempt_timeout)
            .field("max_concurrent_requests", &self.max_concurrent_requests)
            .field("max_queued_requests", &self.max_queued_requests)
            .field("max_orphaned_streams", &self.max_orphaned_streams)
            .finish_non_exhaustive()
    }
}

/// A retry policy set on one statement, overriding the session's.
#[derive(Clone)]
pub struct StatementRetryPolicy(pub Arc<dyn RetryPolicy>);

impl fmt::Debug for StatementRetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StatementRetryPolicy(..)")
    }
}

impl PartialEq for StatementRetryPolicy {
    /// The same policy instance.
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// What the execution loop did so far, counted over the session's life.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestStats {
    /// Attempts sent again after a failure (same or next node), re-prepares excluded.
    pub retries: u64,
    /// Speculative executions started.
    pub speculative_executions: u64,
    /// Attempts that hit the per-attempt timeout.
    pub attempt_timeouts: u64,
    /// Failures a retry policy chose to ignore (reported as an empty success).
    pub ignored: u64,
    /// Requests refused because the throttle's queue was full.
    pub throttled: u64,
    /// Statements re-prepared on a node that answered UNPREPARED.
    pub reprepared: u64,
    /// Statements prepared again on a node that came back up (before any UNPREPARED).
    pub reprepared_on_up: u64,
    /// Connections closed because too many of their stream ids were orphaned.
    pub connections_replaced: u64,
}

/// Stream ids in use on the connections a request would be sent to now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StreamUsage {
    /// Open connections counted.
    pub connections: usize,
    /// Requests sent and not yet answered (orphaned ones included).
    pub in_flight: usize,
    /// Stream ids whose caller gave up, waiting for their late answer.
    pub orphaned: usize,
}

/// The live counters behind [`RequestStats`].
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) retries: AtomicU64,
    pub(crate) speculative_executions: AtomicU64,
    pub(crate) attempt_timeouts: AtomicU64,
    pub(crate) ignored: AtomicU64,
    pub(crate) throttled: AtomicU64,
    pub(crate) reprepared: AtomicU64,
    pub(crate) reprepared_on_up: AtomicU64,
    pub(crate) connections_replaced: AtomicU64,
}

impl Counters {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> RequestStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        RequestStats {
            retries: get(&self.retries),
            speculative_executions: get(&self.speculative_executions),
            attempt_timeouts: get(&self.attempt_timeouts),
            ignored: get(&self.ignored),
            throttled: get(&self.throttled),
            reprepared: get(&self.reprepared),
            reprepared_on_up: get(&self.reprepared_on_up),
            connections_replaced: get(&self.connections_replaced),
        }
    }
}
