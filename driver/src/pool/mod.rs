//! Connections to one node.
//!
//! A [`NodePool`] holds the open connections to a node and picks the least busy one for each
//! request. When every connection has closed, the pool reconnects in the background with
//! exponential backoff and jitter (100 ms doubling up to 10 s); requests made meanwhile find no
//! connection and fail fast rather than wait. Sizing per distance belongs here as the cluster
//! layer grows; choosing *which node* does not.

mod reconnect;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use crate::connection::{tcp_connector, Connection, ConnectionConfig, ConnectionError, Connector};

/// The connections to one node. Cheap to clone; clones share the connections.
#[derive(Clone)]
pub struct NodePool {
    inner: Arc<PoolInner>,
}

struct PoolInner {
    address: Option<SocketAddr>,
    connector: Connector,
    config: ConnectionConfig,
    connections: RwLock<Vec<Connection>>,
    reconnecting: AtomicBool,
    closed: AtomicBool,
}

impl std::fmt::Debug for NodePool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodePool")
            .field("address", &self.inner.address)
            .field("connections", &self.connections().len())
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
        Ok(NodePool {
            inner: Arc::new(PoolInner {
                address,
                connector,
                config,
                connections: RwLock::new(vec![first]),
                reconnecting: AtomicBool::new(false),
                closed: AtomicBool::new(false),
            }),
        })
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

    /// The open connection with the fewest requests in flight. `None` when all are closed;
    /// a reconnection then starts in the background (unless the pool was closed).
    pub fn pick(&self) -> Option<Connection> {
        let picked = self
            .inner
            .connections
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|c| !c.is_closed())
            .min_by_key(|c| c.in_flight())
            .cloned();
        if picked.is_none() && !self.inner.closed.load(Ordering::Acquire) {
            reconnect::start(self.inner.clone());
        }
        picked
    }

    /// Closes every connection and stops reconnecting.
    pub async fn close(&self) {
        self.inner.closed.store(true, Ordering::Release);
        for connection in self.connections() {
            connection.close().await;
        }
    }
}
