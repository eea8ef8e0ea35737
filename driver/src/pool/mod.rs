//! Connections to one node.
//!
//! A [`NodePool`] holds the open connections to a node and picks the least busy one for each
//! request. Sizing per distance and reconnection with backoff belong here as the cluster layer
//! grows; choosing *which node* does not.

use crate::connection::Connection;

/// The connections to one node.
#[derive(Debug, Clone, Default)]
pub struct NodePool {
    connections: Vec<Connection>,
}

impl NodePool {
    /// A pool of these connections.
    pub fn new(connections: Vec<Connection>) -> Self {
        NodePool { connections }
    }

    /// All connections, open or not.
    pub fn connections(&self) -> &[Connection] {
        &self.connections
    }

    /// The open connection with the fewest requests in flight; `None` when all are closed.
    pub fn pick(&self) -> Option<Connection> {
        self.connections
            .iter()
            .filter(|c| !c.is_closed())
            .min_by_key(|c| c.in_flight())
            .cloned()
    }

    /// Closes every connection.
    pub async fn close(&self) {
        for connection in &self.connections {
            connection.close().await;
        }
    }
}
