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
//! Every request runs in one execution loop (the `execute` module): it asks the node picker
//! for a plan, makes attempts, re-prepares statements a node forgot, and asks a decision for
//! each failure.

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
mod result;
mod statement;
mod stream;

#[cfg(test)]
mod tests;

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

use execute::{Decide, NoRetry};
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
    decider: Arc<dyn Decide>,
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
        Session {
            inner: Arc::new(SessionInner {
                config,
                picker,
                decider: Arc::new(NoRetry),
                prepared: PreparedCache::default(),
                keyspace,
                metrics: metrics::Metrics::default(),
            }),
        }
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

    /// Closes every connection (and stops reconnecting); requests in flight fail with a
    /// connection error.
    pub async fn close(&self) {
        self.inner.picker.close().await;
    }
}
