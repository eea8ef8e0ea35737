//! [`SessionBuilder`]: settings, then `build().await`.

use std::sync::Arc;
use std::time::Duration;

use super::config::{ContactPoint, SessionConfig};
use super::errors::NewSessionError;
use super::plan::{ClusterPicker, SingleNode};
use super::Session;
use crate::cluster::control::{self, ControlSettings};
use crate::cluster::metadata::fetch;
use crate::connection::{
    Authenticator, Connection, ConnectionConfig, PasswordAuthenticator, TlsConfig,
};
use crate::policies::load_balancing::local_datacenter_check;
use crate::policies::reconnection::ReconnectionPolicy;
use crate::policies::retry::RetryPolicy;
use crate::policies::speculative::SpeculativeExecutionPolicy;
use crate::policies::LoadBalancingPolicy;
use crate::pool::cluster::{ClusterPoolSettings, ClusterPools};
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

    /// The load-balancing policy (default: token-aware, datacenter-aware
    /// [`DefaultLoadBalancingPolicy`](crate::policies::load_balancing::DefaultLoadBalancingPolicy)
    /// for the local datacenter).
    pub fn load_balancing_policy(mut self, policy: Arc<dyn LoadBalancingPolicy>) -> Self {
        self.config.load_balancing_policy = Some(policy);
        self
    }

    /// Connections per local node and per remote node (default 1 and 1; at least 1 each).
    pub fn pool_size(mut self, local: usize, remote: usize) -> Self {
        self.config.pool_size_local = local.max(1);
        self.config.pool_size_remote = remote.max(1);
        self
    }

    /// Requests in flight on one connection before the next node of the plan is used
    /// (default 1024).
    pub fn max_requests_per_connection(mut self, max: usize) -> Self {
        self.config.max_requests_per_connection = max.max(1);
        self
    }

    /// How long to wait between reconnection attempts to a node (default exponential from
    /// 1 s to 60 s with jitter).
    pub fn reconnection_policy(mut self, policy: Arc<dyn ReconnectionPolicy>) -> Self {
        self.config.reconnection_policy = policy;
        self
    }

    /// Wait after a topology or schema event before refreshing metadata (default 1 s), and
    /// the longest time between refreshes (default 60 s).
    pub fn topology_refresh(mut self, debounce: Duration, interval: Duration) -> Self {
        self.config.topology_debounce = debounce;
        self.config.topology_refresh_interval = interval.max(Duration::from_millis(100));
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

    /// Connects the control connection to the first reachable contact point, reads the
    /// cluster's topology and opens pools to its nodes. A server whose system tables cannot be
    /// read (not a Cassandra cluster) is used alone, through the contact point.
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
        let control_config = ConnectionConfig {
            keyspace: None,
            ..connection_config.clone()
        };
        let contact_points: Vec<_> = resolved.iter().map(|(_, a)| *a).collect();
        let mut errors = Vec::new();
        for (host, address) in resolved {
            match Connection::connect_named(address, &host, &control_config).await {
                Ok(control) => {
                    let metadata = match fetch(&control, address).await {
                        Ok(metadata) => metadata,
                        Err(e) => {
                            tracing::warn!(
                                %address, error = %e,
                                "cannot read the cluster's topology; using the contact point only"
                            );
                            control.close().await;
                            let pool =
                                match NodePool::connect(address, &host, connection_config.clone())
                                    .await
                                {
                                    Ok(pool) => pool,
                                    Err(e) => {
                                        errors.push((address.to_string(), e));
                                        continue;
                                    }
                                };
                            let picker = SingleNode { pool };
                            return Ok(Session::from_parts(config, Arc::new(picker)));
                        }
                    };
                    if let Err(e) = local_datacenter_check(
                        config.local_datacenter.as_deref(),
                        metadata.datacenters(),
                    ) {
                        control.close().await;
                        return Err(NewSessionError::LocalDatacenter(e));
                    }
                    let pools = ClusterPools::new(
                        metadata.into_snapshot(),
                        config.effective_load_balancing_policy(),
                        ClusterPoolSettings {
                            local_size: config.pool_size_local,
                            remote_size: config.pool_size_remote,
                            max_requests_per_connection: config.max_requests_per_connection,
                            reconnection: config.reconnection_policy.clone(),
                            connection: connection_config.clone(),
                        },
                    );
                    let handle = control::spawn(
                        control,
                        address,
                        pools.clone(),
                        ControlSettings {
                            connection: control_config.clone(),
                            contact_points: contact_points.clone(),
                            debounce: config.topology_debounce,
                            refresh_interval: config.topology_refresh_interval,
                        },
                    );
                    wait_for_a_connection(&pools, config.connect_timeout).await;
                    let picker = ClusterPicker::new(pools, handle);
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

/// Waits until some pool has an open connection (or every pool failed once, or `limit`), so
/// the first request does not find every pool still connecting.
async fn wait_for_a_connection(pools: &ClusterPools, limit: Duration) {
    let mut changes = pools.subscribe();
    let ready = |list: &[crate::cluster::NodeStatus]| {
        list.iter().any(|n| n.open_connections > 0)
            || (!list.is_empty()
                && list
                    .iter()
                    .all(|n| n.state == crate::cluster::NodeState::Down))
    };
    let _ = tokio::time::timeout(limit, async {
        loop {
            if ready(&pools.node_statuses()) {
                return;
            }
            if changes.changed().await.is_err() {
                return;
            }
        }
    })
    .await;
}
