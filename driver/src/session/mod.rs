//! The [`Session`]: what applications talk to.
//!
//! Build one with [`Session::builder`], then run statements:
//! - [`Session::query`] runs CQL text; with bind values it prepares the text first (cached per
//!   session) so values are checked against the server's types;
//! - [`Session::prepare`] and [`Session::execute`] for prepared statements;
//! - [`Session::batch`] for a [`BatchStatement`];
//! - [`Session::query_stream`] / [`Session::execute_stream`] for results of any size, one page
//!   in memory at a time.
//!
//! Results are [`QueryResult`]s: typed rows through [`QueryResult::rows`], paging state,
//! warnings, tracing id and [`QueryResult::was_applied`] for lightweight transactions.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use futures::TryStreamExt;
//! use ringbolt_driver::protocol::Consistency;
//! use ringbolt_driver::session::{Session, SimpleStatement};
//!
//! let session = Session::builder()
//!     .contact_points(["127.0.0.1:9042"])
//!     .keyspace("shop")
//!     .build()
//!     .await?;
//! // Values are bound, never spliced into the text; the text is prepared once.
//! let result = session
//!     .query("SELECT name, price FROM products WHERE id = ?", (42i32,))
//!     .await?;
//! if let Some((name, price)) = result.maybe_first_row::<(&str, i64)>()? {
//!     println!("{name}: {price}");
//! }
//! // Large results: one page in memory at a time.
//! let all = SimpleStatement::new("SELECT name FROM products")
//!     .with_consistency(Consistency::LocalQuorum)
//!     .with_page_size(500);
//! let mut names = session.query_stream::<(String,)>(all, ()).await?;
//! while let Some((name,)) = names.try_next().await? {
//!     println!("{name}");
//! }
//! # Ok(()) }
//! ```
//!
//! # Retries, speculative executions, timeouts
//!
//! Every request runs in one execution loop: it asks the node picker for a plan (nodes in
//! order), makes attempts, re-prepares statements a node forgot (and replays them), and asks
//! the retry policy what to do after each failure:
//! - the retry policy ([`SessionBuilder::retry_policy`], or per statement with
//!   `with_retry_policy`) is [`DefaultRetryPolicy`](crate::policies::retry::DefaultRetryPolicy)
//!   by default; **its decision table** is documented on
//!   [`DefaultRetryPolicy`](crate::policies::retry::DefaultRetryPolicy);
//! - whatever the policy decides, the idempotency [`gate`](crate::policies::retry::gate) then
//!   applies: a statement not marked idempotent (`with_idempotent(true)`; prepared statements
//!   inherit the flag of their text's statement, derived statements carry theirs) is sent again
//!   **only** after UNAVAILABLE, OVERLOADED, IS_BOOTSTRAPPING, UNPREPARED or when the request
//!   provably never left the client. Never after a write timeout, a connection lost after
//!   sending, a client-side timeout or a server error: the caller gets that error;
//! - speculative executions ([`SessionBuilder::speculative_execution`]) start only for
//!   idempotent statements; the first answer wins;
//! - the request timeout (12 s, [`SessionBuilder::request_timeout`], per statement with
//!   `with_timeout`) bounds everything, retries included; an optional per-attempt timeout
//!   ([`SessionBuilder::attempt_timeout`]) turns a node that hangs into a client timeout the
//!   policy decides on. While a request waits for its answer, both are enforced by its
//!   connection, which sweeps its waiting requests every 5 ms (no timer per request): a
//!   timeout ends the request at most 5 ms after it is due;
//! - [`SessionBuilder::throttle`] limits requests in flight, with a bounded queue.
//!
//! When every node tried failed, the error is [`QueryError::AllNodesFailed`], listing each node
//! and its answer. [`Session::request_stats`] counts retries and speculative executions.

mod attempts;
mod batch;
mod builder;
mod config;
mod db_error;
mod errors;
mod execute;
pub mod metrics;
mod ops;
mod plan;
mod prepared_cache;
mod reprepare;
mod result;
mod statement;
mod stream;
mod throttle;

#[cfg(test)]
mod execute_tests;
#[cfg(test)]
mod tests;

pub use attempts::{
    ExecutionOptions, RequestStats, StatementRetryPolicy, StreamUsage, DEFAULT_MAX_ORPHANED_STREAMS,
};
pub use batch::{BatchEntry, BatchStatement, BatchValues};
pub use builder::SessionBuilder;
pub use config::{ContactPoint, SessionConfig, DEFAULT_PORT};
pub use db_error::DbError;
pub use errors::{NewSessionError, PrepareError, QueryError, RowsError};
pub use metrics::SessionMetrics;
pub use result::{QueryResult, TypedRows};
pub use statement::{PagingState, PreparedStatement, SimpleStatement, StatementOptions};
pub use stream::RowStream;

use crate::protocol::ProtocolVersion;
use std::sync::{Arc, PoisonError, RwLock};

use execute::Executor;
use plan::NodePicker;
use prepared_cache::PreparedCache;

/// A connected session. Cheap to clone; clones share connections and caches.
#[derive(Clone)]
pub struct Session {
    inner: Arc<SessionInner>,
}

struct SessionInner {
    config: SessionConfig,
    picker: Arc<dyn NodePicker>,
    executor: Executor,
    prepared: PreparedCache,
    keyspace: RwLock<Option<String>>,
    metrics: metrics::Metrics,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("config", &self.inner.config)
            .field("keyspace", &self.keyspace())
            .finish()
    }
}

impl Session {
    /// Starts building a session.
    pub fn builder() -> SessionBuilder {
        SessionBuilder::new()
    }

    pub(crate) fn from_parts(config: SessionConfig, picker: Arc<dyn NodePicker>) -> Session {
        let keyspace = RwLock::new(config.keyspace.clone());
        let executor = Executor::new(config.execution.clone());
        let states = picker.subscribe_state();
        let inner = Arc::new(SessionInner {
            config,
            picker,
            executor,
            prepared: PreparedCache::default(),
            keyspace,
            metrics: metrics::Metrics::default(),
        });
        if let Some(states) = states {
            reprepare::reprepare_on_up(Arc::downgrade(&inner), states);
        }
        Session { inner }
    }

    /// The settings the session was built with.
    pub fn config(&self) -> &SessionConfig {
        &self.inner.config
    }

    /// The protocol version negotiated with the cluster (`None` while no connection is open).
    pub fn protocol_version(&self) -> Option<ProtocolVersion> {
        self.inner.picker.protocol_version()
    }

    /// The keyspace in use (from the configuration or the last `USE`).
    pub fn keyspace(&self) -> Option<String> {
        self.inner
            .keyspace
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set_keyspace(&self, keyspace: &str) {
        *self
            .inner
            .keyspace
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Some(keyspace.to_owned());
    }

    /// What the execution loop did so far: retries, speculative executions, timeouts.
    pub fn request_stats(&self) -> RequestStats {
        self.inner.executor.counters.snapshot()
    }

    /// Stream ids in use on the connections the session would send a request to now (with a
    /// cluster-aware picker: the nodes of an unrouted plan). After requests are cancelled or
    /// time out, `orphaned` returns to 0 as their late answers arrive.
    pub fn stream_usage(&self) -> StreamUsage {
        let routing = plan::RoutingInfo {
            keyspace: None,
            routing_key: None,
            target_node: None,
            serial_consistency: None,
            consistency: self.inner.config.default_consistency,
            idempotent: false,
        };
        let mut usage = StreamUsage::default();
        for target in self.inner.picker.plan(&routing) {
            usage.connections += 1;
            usage.in_flight += target.connection.in_flight();
            usage.orphaned += target.connection.orphaned_streams();
        }
        usage
    }

    /// Re-prepares every statement this session prepared on `connection` (a node that came
    /// back, a new connection); returns how many succeeded. The cluster layer calls it when a
    /// node comes back up.
    pub async fn reprepare_on(&self, connection: &crate::connection::Connection) -> usize {
        let statements = self.inner.prepared.all();
        reprepare::reprepare_all(connection, &statements).await
    }

    /// Closes every connection (and stops reconnecting); requests in flight fail with a
    /// connection error.
    pub async fn close(&self) {
        self.inner.picker.close().await;
    }
}
