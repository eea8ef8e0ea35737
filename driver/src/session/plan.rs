//! Where requests go: the boundary between the execution loop and node selection.
//!
//! The loop asks a [`NodePicker`] for a plan (connections to try, in order) for each request.
//! Today the session uses [`SingleNode`]: the one node it connected to. The cluster layer
//! replaces it with a picker driven by the load-balancing policy and per-node pools.

use std::net::SocketAddr;

use futures::future::BoxFuture;

use crate::connection::Connection;
use crate::pool::NodePool;
use crate::protocol::Consistency;

/// What the picker may use to choose nodes for one request.
// `SingleNode` ignores routing; the load-balancing picker of the cluster layer reads it.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct RoutingInfo<'a> {
    /// The keyspace the statement runs in, when known.
    pub(crate) keyspace: Option<&'a str>,
    /// The serialized partition key, when known (prepared statements).
    pub(crate) routing_key: Option<&'a [u8]>,
    /// The consistency of the request.
    pub(crate) consistency: Consistency,
    /// Whether the request may run more than once.
    pub(crate) idempotent: bool,
}

/// One place to send an attempt.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) connection: Connection,
    pub(crate) node: Option<SocketAddr>,
}

/// Chooses connections for requests.
pub(crate) trait NodePicker: Send + Sync {
    /// The targets to try for one request, best first.
    fn plan(&self, routing: &RoutingInfo<'_>) -> Vec<Target>;
    /// Closes every connection and stops reconnecting.
    fn close(&self) -> BoxFuture<'_, ()>;
    /// The protocol version the open connections negotiated, if any is open.
    fn protocol_version(&self) -> Option<crate::protocol::ProtocolVersion>;
}

/// The session's picker until the cluster layer is wired in: the connections of one node.
pub(crate) struct SingleNode {
    pub(crate) pool: NodePool,
}

impl NodePicker for SingleNode {
    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(self.pool.close())
    }

    fn protocol_version(&self) -> Option<crate::protocol::ProtocolVersion> {
        self.pool
            .connections()
            .first()
            .map(Connection::protocol_version)
    }

    fn plan(&self, _routing: &RoutingInfo<'_>) -> Vec<Target> {
        self.pool
            .pick()
            .map(|connection| Target {
                node: connection.address(),
                connection,
            })
            .into_iter()
            .collect()
    }
}
