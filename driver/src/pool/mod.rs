//! Connections to one node, and the per-node pools of a cluster.
//!
//! A [`NodePool`] holds the open connections to a node and picks the least busy one for each
//! request, skipping connections that reached their in-flight cap. A background filler keeps
//! the pool at its target size (set from the node's distance): when connections close it
//! reconnects, waiting between failed attempts as the [`ReconnectionPolicy`] says. It reports
//! the node up when a connection opens and down when none is open and an attempt fails.
//! Requests made while no connection is open find none and move to the next node of their
//! plan rather than wait.
//!
//! [`ClusterPools`](cluster::ClusterPools) holds one pool per node of the cluster, the current
//! [`ClusterSnapshot`](crate::cluster::ClusterSnapshot) and the nodes' states.

pub(crate) mod cluster;
mod reconnect;
pub(crate) mod view;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use tokio::sync::Notify;

use crate::cluster::NodeState;
use crate::connection::{tcp_connector, Connection, ConnectionConfig, ConnectionError, Connector};
use crate::policies::reconnection::{ExponentialReconnectionPolicy, ReconnectionPolicy};

/// The default cap of requests in flight on one connection.
pub const DEFAULT_MAX_REQUESTS_PER_CONNECTION: usize = 1024;

/// Called with the node's state when the pool learns it (a connection opened: up; no
/// connection open and an attempt failed: down).
pub(crate) type StateListener = Arc<dyn Fn(SocketAddr, NodeState) + Send + Sync>;

/// How a pool is sized and reconnects.
#[derive(Clone)]
pub(crate) struct PoolSettings {
    /// Connections to keep open.
    pub(crate) size: usize,
    /// Requests in flight on one connection before it counts as full.
    pub(crate) max_requests_per_connection: usize,
    /// Waits between failed connection attempts.
    pub(crate) reconnection: Arc<dyn ReconnectionPolicy>,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            size: 1,
            max_requests_per_connection: DEFAULT_MAX_REQUESTS_PER_CONNECTION,
            reconnection: Arc::new(ExponentialReconnectionPolicy::default()),
        }
    }
}

/// The connections to one node. Cheap to clone; clones share the connections.
#[derive(Clone)]
pub struct NodePool {
    inner: Arc<PoolInner>,
}

struct PoolInner {
    address: Option<SocketAddr>,
    connector: Connector,
    config: ConnectionConfig,
    /// The keyspace new connections `USE` (the configured one, then the last `USE`).
    keyspace: RwLock<Option<String>>,
    connections: RwLock<Vec<Connection>>,
    target: AtomicUsize,
    max_requests: usize,
    reconnection: Arc<dyn ReconnectionPolicy>,
    listener: Option<StateListener>,
    /// Wakes a filler that waits between attempts (the node was reported up).
    wake: Notify,
    filling: AtomicBool,
    closed: AtomicBool,
}

impl std::fmt::Debug for NodePool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodePool")
            .field("address", &self.inner.address)
            .field("connections", &self.connections().len())
            .field("target", &self.inner.target.load(Ordering::Relaxed))
            .field("closed", &self.inner.closed.load(Ordering::Relaxed))
            .finish()
    }
}

impl NodePool {
    /// Opens one connection to the node at `address` (`host` is its configured name, used for
    /// TLS server-name verification).
    pub async fn connect(
        address: SocketAddr,
        host: &str,
        config: ConnectionConfig,
    ) -> Result<NodePool, ConnectionError> {
        let connector = tcp_connector(address, host.to_owned(), config.tls.as_ref())?;
        NodePool::open(connector, Some(address), config).await
    }

    /// Opens one connection through `connector`.
    pub(crate) async fn open(
        connector: Connector,
        address: Option<SocketAddr>,
        config: ConnectionConfig,
    ) -> Result<NodePool, ConnectionError> {
        let first = Connection::open(connector.clone(), address, &config).await?;
        let pool = NodePool::new(connector, address, config, PoolSettings::default(), None);
        pool.push(first);
        Ok(pool)
    }

    /// A pool of `settings.size` connections to `address`, opened in the background.
    pub(crate) fn spawn(
        address: SocketAddr,
        config: ConnectionConfig,
        settings: PoolSettings,
        listener: StateListener,
    ) -> Result<NodePool, ConnectionError> {
        let connector = tcp_connector(address, address.ip().to_string(), config.tls.as_ref())?;
        let pool = NodePool::new(connector, Some(address), config, settings, Some(listener));
        reconnect::start(pool.inner.clone());
        Ok(pool)
    }

    fn new(
        connector: Connector,
        address: Option<SocketAddr>,
        config: ConnectionConfig,
        settings: PoolSettings,
        listener: Option<StateListener>,
    ) -> NodePool {
        NodePool {
            inner: Arc::new(PoolInner {
                address,
                connector,
                keyspace: RwLock::new(config.keyspace.clone()),
                config,
                connections: RwLock::new(Vec::new()),
                target: AtomicUsize::new(settings.size),
                max_requests: settings.max_requests_per_connection.max(1),
                reconnection: settings.reconnection,
                listener,
                wake: Notify::new(),
                filling: AtomicBool::new(false),
                closed: AtomicBool::new(false),
            }),
        }
    }

    fn push(&self, connection: Connection) {
        self.inner
            .connections
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .push(connection);
    }

    /// The node's address.
    pub fn address(&self) -> Option<SocketAddr> {
        self.inner.address
    }

    /// The pool's connections, open or not.
    pub fn connections(&self) -> Vec<Connection> {
        self.inner
            .connections
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// How many connections are open.
    pub fn open_connections(&self) -> usize {
        self.inner
            .connections
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|c| !c.is_closed())
            .count()
    }

    /// Requests in flight over all connections.
    pub fn in_flight(&self) -> usize {
        self.inner
            .connections
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(Connection::in_flight)
            .sum()
    }

    /// The open connection with the fewest requests in flight, if it is below the
    /// per-connection cap. `None` when all are closed or full; when connections are missing a
    /// reconnection starts in the background (unless the pool was closed).
    pub fn pick(&self) -> Option<Connection> {
        let (picked, open) = {
            let connections = self
                .inner
                .connections
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            let open = connections.iter().filter(|c| !c.is_closed()).count();
            let picked = connections
                .iter()
                .filter(|c| !c.is_closed())
                .min_by_key(|c| c.in_flight())
                .filter(|c| c.in_flight() < self.inner.max_requests)
                .cloned();
            (picked, open)
        };
        if open < self.inner.target.load(Ordering::Acquire) {
            self.ensure_filled();
        }
        picked
    }

    /// Starts the background filler when connections are missing.
    pub(crate) fn ensure_filled(&self) {
        let missing = self.open_connections() < self.inner.target.load(Ordering::Acquire);
        if missing && !self.inner.closed.load(Ordering::Acquire) {
            reconnect::start(self.inner.clone());
        }
    }

    /// Changes the number of connections to keep; extra connections are closed at once
    /// (requests in flight on them fail with a connection error).
    pub(crate) fn resize(&self, size: usize) {
        let old = self.inner.target.swap(size, Ordering::AcqRel);
        if size > old {
            self.ensure_filled();
        } else if size < old {
            let extra: Vec<Connection> = {
                let mut connections = self
                    .inner
                    .connections
                    .write()
                    .unwrap_or_else(PoisonError::into_inner);
                let keep = size.min(connections.len());
                connections.split_off(keep)
            };
            tokio::spawn(async move {
                for c in extra {
                    c.close().await;
                }
            });
        }
    }

    /// Switches every open connection to `keyspace` (`USE`), and new connections too. A
    /// connection that refuses is closed, so it reopens in the right keyspace.
    pub(crate) async fn use_keyspace(&self, keyspace: &str) {
        *self
            .inner
            .keyspace
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Some(keyspace.to_owned());
        for connection in self.connections() {
            if connection.is_closed() {
                continue;
            }
            if let Err(e) = connection.use_keyspace(keyspace).await {
                tracing::warn!(address = ?self.inner.address, %keyspace, error = %e, "USE failed; reopening the connection");
                connection.close().await;
                self.ensure_filled();
            }
        }
    }

    /// Tries to connect now instead of waiting out the reconnection delay (the server said the
    /// node is up).
    pub(crate) fn wake(&self) {
        self.inner.wake.notify_one();
        self.ensure_filled();
    }

    /// Closes every connection and stops reconnecting.
    pub async fn close(&self) {
        self.inner.closed.store(true, Ordering::Release);
        self.inner.wake.notify_one();
        for connection in self.connections() {
            connection.close().await;
        }
    }
}

#[cfg(test)]
mod tests;
