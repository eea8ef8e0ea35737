//! [`SessionBuilder`]: settings, then `build().await`.

use std::sync::Arc;
use std::time::Duration;

use super::config::{ContactPoint, SessionConfig};
use super::errors::NewSessionError;
use super::plan::SingleNode;
use super::Session;
use crate::connection::{Authenticator, PasswordAuthenticator, TlsConfig};
use crate::policies::retry::RetryPolicy;
use crate::policies::speculative::SpeculativeExecutionPolicy;
use crate::pool::NodePool;
use crate::protocol::{Consistency, ProtocolVersion, SerialConsistency};

/// Builds a [`Session`].
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use ringbolt_driver::session::Session;
/// let session = Session::builder()
///     .contact_points(["127.0.0.1", "127.0.0.2:9042"])
///     .local_datacenter("dc1")
///     .keyspace("shop")
///     .credentials("app", "secret")
///     .build()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct SessionBuilder {
    config: SessionConfig,
}

impl SessionBuilder {
    /// A builder with default settings and no contact points.
    pub fn new() -> Self {
        SessionBuilder::default()
    }

    /// Adds contact points: `host`, `host:port`, `[v6]:port` strings or socket addresses.
    pub fn contact_points<I>(mut self, points: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<ContactPoint>,
    {
        self.config
            .contact_points
            .extend(points.into_iter().map(Into::into));
        self
    }

    /// Adds one contact point.
    pub fn contact_point(mut self, point: impl Into<ContactPoint>) -> Self {
        self.config.contact_points.push(point.into());
        self
    }

    /// The port for contact points given without one (default 9042).
    pub fn port(mut self, port: u16) -> Self {
        self.config.port = port;
        self
    }

    /// The application's datacenter.
    pub fn local_datacenter(mut self, dc: impl Into<String>) -> Self {
        self.config.local_datacenter = Some(dc.into());
        self
    }

    /// The keyspace to use.
    pub fn keyspace(mut self, keyspace: impl Into<String>) -> Self {
        self.config.keyspace = Some(keyspace.into());
        self
    }

    /// Authenticates with a user name and password (SASL PLAIN).
    pub fn credentials(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.config.authenticator = Some(Arc::new(PasswordAuthenticator::new(user, password)));
        self
    }

    /// Authenticates with a custom SASL authenticator.
    pub fn authenticator(mut self, authenticator: Arc<dyn Authenticator>) -> Self {
        self.config.authenticator = Some(authenticator);
        self
    }

    /// Connects with TLS.
    pub fn tls(mut self, tls: TlsConfig) -> Self {
        self.config.tls = Some(tls);
        self
    }

    /// Consistency for statements that set none (default LOCAL_ONE).
    pub fn default_consistency(mut self, consistency: Consistency) -> Self {
        self.config.default_consistency = consistency;
        self
    }

    /// Serial consistency for statements that set none.
    pub fn default_serial_consistency(mut self, serial: SerialConsistency) -> Self {
        self.config.default_serial_consistency = Some(serial);
        self
    }

    /// Rows per page for statements that set none (default 5000).
    pub fn default_page_size(mut self, rows: i32) -> Self {
        self.config.default_page_size = rows;
        self
    }

    /// Time a request may take (default 12 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.config.request_timeout = timeout;
        self
    }

    /// Time to open a connection (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = timeout;
        self
    }

    /// Uses exactly this protocol version instead of negotiating.
    pub fn protocol_version(mut self, version: ProtocolVersion) -> Self {
        self.config.protocol_version = Some(version);
        self
    }

    /// Heartbeat interval (default 30 s); `None` turns heartbeats off.
    pub fn heartbeat_interval(mut self, interval: Option<Duration>) -> Self {
        self.config.heartbeat_interval = interval;
        self
    }

    /// What to do after a failed attempt (default
    /// [`DefaultRetryPolicy`](crate::policies::retry::DefaultRetryPolicy)). The idempotency
    /// gate applies to its decisions whatever they are.
    pub fn retry_policy(mut self, policy: Arc<dyn RetryPolicy>) -> Self {
        self.config.execution.retry_policy = policy;
        self
    }

    /// Starts extra executions of slow **idempotent** statements on the next nodes (default:
    /// never), for example
    /// [`ConstantSpeculativeExecutionPolicy`](crate::policies::speculative::ConstantSpeculativeExecutionPolicy).
    pub fn speculative_execution(mut self, policy: Arc<dyn SpeculativeExecutionPolicy>) -> Self {
        self.config.execution.speculative_execution = policy;
        self
    }

    /// Longest wait for one node's answer before the attempt counts as a client timeout and
    /// the retry policy decides (default: none, only the request timeout).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.config.execution.attempt_timeout = Some(timeout);
        self
    }

    /// At most `max_concurrent` requests at once, `max_queued` more waiting; beyond that
    /// requests fail at once with [`QueryError::Throttled`](super::QueryError::Throttled).
    pub fn throttle(mut self, max_concurrent: usize, max_queued: usize) -> Self {
        self.config.execution.max_concurrent_requests = Some(max_concurrent);
        self.config.execution.max_queued_requests = max_queued;
        self
    }

    /// Close (and let the pool reopen) a connection with more orphaned stream ids than this
    /// (default 1024).
    pub fn max_orphaned_streams(mut self, max: usize) -> Self {
        self.config.execution.max_orphaned_streams = max;
        self
    }

    /// The settings so far.
    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// Connects to the first reachable contact point.
    pub async fn build(self) -> Result<Session, NewSessionError> {
        let config = self.config;
        if config.contact_points.is_empty() {
            return Err(NewSessionError::NoContactPoints);
        }
        let mut resolved = Vec::new();
        let mut unresolved = Vec::new();
        for point in &config.contact_points {
            let (host, port) = point.host_port(config.port).map_err(|reason| {
                NewSessionError::InvalidContactPoint {
                    point: format!("{point:?}"),
                    reason,
                }
            })?;
            match tokio::net::lookup_host((host.clone(), port)).await {
                Ok(addresses) => resolved.extend(addresses.map(|a| (host.clone(), a))),
                Err(e) => {
                    tracing::warn!(%host, error = %e, "contact point does not resolve");
                    unresolved.push(format!("{host}:{port}"));
                }
            }
        }
        if resolved.is_empty() {
            return Err(NewSessionError::Unresolvable { points: unresolved });
        }
        let connection_config = config.connection_config();
        let mut errors = Vec::new();
        for (host, address) in resolved {
            match NodePool::connect(address, &host, connection_config.clone()).await {
                Ok(pool) => {
                    let picker = SingleNode { pool };
                    return Ok(Session::from_parts(config, Arc::new(picker)));
                }
                Err(e) => {
                    tracing::warn!(%address, error = %e, "contact point refused the connection");
                    errors.push((address.to_string(), e));
                }
            }
        }
        match errors.first() {
            Some((_, first)) => Err(NewSessionError::AllContactPointsFailed {
                first: first.clone(),
                errors,
            }),
            None => Err(NewSessionError::Unresolvable { points: unresolved }),
        }
    }
}
