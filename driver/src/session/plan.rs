//! Where requests go: the boundary between the execution loop and node selection.
//!
//! The loop asks a [`NodePicker`] for a plan (connections to try, in order) for each request.
//! [`ClusterPicker`] is the session's picker when the cluster's topology is known: it hashes
//! the routing key to a token, asks the load-balancing policy for a query plan and maps each
//! planned node to the least busy connection of its pool, skipping nodes without a usable
//! connection (down, or every connection at its in-flight cap). [`SingleNode`] is the fallback
//! when the topology cannot be read (a server without system tables): the contact point only.

use std::net::SocketAddr;
use std::sync::Arc;

use futures::future::BoxFuture;

use crate::cluster::control::ControlHandle;
use crate::cluster::{murmur3_token, NodeStatus, Token};
use crate::connection::Connection;
use crate::policies::load_balancing::{QueryPlan, RoutingInfo as PolicyRouting};
use crate::pool::cluster::ClusterPools;
use crate::pool::view::ClusterView;
use crate::pool::NodePool;
use crate::protocol::{Consistency, SerialConsistency};

/// What the picker may use to choose nodes for one request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RoutingInfo<'a> {
    /// The keyspace the statement runs in, when known.
    pub(crate) keyspace: Option<&'a str>,
    /// The serialized partition key, when known (prepared statements, or set by the caller).
    pub(crate) routing_key: Option<&'a [u8]>,
    /// The node the caller asked for, if any.
    pub(crate) target_node: Option<SocketAddr>,
    /// The consistency of the request.
    pub(crate) consistency: Consistency,
    /// The serial consistency of a lightweight transaction.
    pub(crate) serial_consistency: Option<SerialConsistency>,
    /// Whether the request may run more than once.
    pub(crate) idempotent: bool,
}

/// One place to send an attempt.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) connection: Connection,
    pub(crate) node: Option<SocketAddr>,
}

/// The targets to try for one request, best first, as an iterator. A cluster plan holds node
/// indexes only and picks each node's connection when the loop gets to it (the least busy
/// connection at that moment, nodes without a usable one skipped), so making a plan
/// allocates nothing.
pub(crate) enum Plan {
    /// At most one target, chosen up front.
    Single(Option<Target>),
    /// Targets chosen up front (test pickers).
    #[cfg(test)]
    List(std::vec::IntoIter<Target>),
    /// Nodes of a cluster snapshot, in the load-balancing policy's order.
    Nodes {
        view: Arc<ClusterView>,
        nodes: QueryPlan,
        next: usize,
    },
}

impl Iterator for Plan {
    type Item = Target;

    fn next(&mut self) -> Option<Target> {
        match self {
            Plan::Single(target) => target.take(),
            #[cfg(test)]
            Plan::List(targets) => targets.next(),
            Plan::Nodes { view, nodes, next } => loop {
                let index = *nodes.as_slice().get(*next)?;
                *next += 1;
                let Some(address) = view.snapshot().node(index).map(|n| n.address) else {
                    continue;
                };
                if let Some(connection) = view.pool(index).and_then(NodePool::pick) {
                    return Some(Target {
                        connection,
                        node: Some(address),
                    });
                }
            },
        }
    }
}

/// Chooses connections for requests.
pub(crate) trait NodePicker: Send + Sync {
    /// The targets to try for one request, best first.
    fn plan(&self, routing: &RoutingInfo<'_>) -> Plan;
    /// Closes every connection and stops reconnecting.
    fn close(&self) -> BoxFuture<'_, ()>;
    /// The protocol version the open connections negotiated, if any is open.
    fn protocol_version(&self) -> Option<crate::protocol::ProtocolVersion>;
    /// The nodes and their states (empty without topology information).
    fn cluster_state(&self) -> Vec<NodeStatus> {
        Vec::new()
    }
    /// Node list updates (`None` without topology information).
    fn subscribe_state(&self) -> Option<tokio::sync::watch::Receiver<Vec<NodeStatus>>> {
        None
    }
    /// The open connections to the node at `address` (none known by default).
    fn node_connections(&self, address: SocketAddr) -> Vec<Connection> {
        let _ = address;
        Vec::new()
    }
    /// Requests in flight per node (none known by default).
    fn in_flight_by_node(&self) -> Vec<(SocketAddr, usize)> {
        Vec::new()
    }
    /// Switches every connection, and future ones, to `keyspace` (after a `USE`); by default
    /// nothing to do (pickers whose connections all ran the `USE`).
    fn use_keyspace<'a>(&'a self, keyspace: &'a str) -> BoxFuture<'a, ()> {
        let _ = keyspace;
        Box::pin(async {})
    }
}

/// The session's picker when the topology cannot be read: the connections of one node.
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

    fn plan(&self, _routing: &RoutingInfo<'_>) -> Plan {
        Plan::Single(self.pool.pick().map(|connection| Target {
            node: connection.address(),
            connection,
        }))
    }

    fn use_keyspace<'a>(&'a self, keyspace: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(self.pool.use_keyspace(keyspace))
    }

    fn in_flight_by_node(&self) -> Vec<(SocketAddr, usize)> {
        self.pool
            .address()
            .map(|a| (a, self.pool.in_flight()))
            .into_iter()
            .collect()
    }
}

/// The cluster-aware picker: token-aware, datacenter-aware plans over per-node pools.
pub(crate) struct ClusterPicker {
    pub(crate) pools: Arc<ClusterPools>,
    pub(crate) control: ControlHandle,
}

impl ClusterPicker {
    pub(crate) fn new(pools: Arc<ClusterPools>, control: ControlHandle) -> ClusterPicker {
        ClusterPicker { pools, control }
    }
}

impl NodePicker for ClusterPicker {
    fn plan(&self, routing: &RoutingInfo<'_>) -> Plan {
        let view = self.pools.view();
        let snapshot = &**view.snapshot();
        let token = routing.routing_key.map(|key| Token(murmur3_token(key)));
        let target_node = routing
            .target_node
            .and_then(|address| snapshot.find_by_address(address));
        if routing.target_node.is_some() && target_node.is_none() {
            // The caller asked for a node the session does not know: nothing to try.
            return Plan::Single(None);
        }
        let request = PolicyRouting {
            keyspace: routing.keyspace,
            token,
            consistency: routing.consistency,
            serial_consistency: routing.serial_consistency,
            target_node,
            in_flight: &*view,
        };
        let nodes = self.pools.policy().plan(&request, snapshot);
        tracing::trace!(?token, keyspace = ?routing.keyspace, nodes = nodes.len(), "query plan");
        Plan::Nodes {
            view,
            nodes,
            next: 0,
        }
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        self.control.stop();
        Box::pin(self.pools.close())
    }

    fn protocol_version(&self) -> Option<crate::protocol::ProtocolVersion> {
        self.pools.protocol_version()
    }

    fn cluster_state(&self) -> Vec<NodeStatus> {
        self.pools.node_statuses()
    }

    fn subscribe_state(&self) -> Option<tokio::sync::watch::Receiver<Vec<NodeStatus>>> {
        Some(self.pools.subscribe())
    }

    fn in_flight_by_node(&self) -> Vec<(SocketAddr, usize)> {
        self.pools.in_flight_by_node()
    }

    fn node_connections(&self, address: SocketAddr) -> Vec<Connection> {
        self.pools
            .pool(address)
            .map(|pool| pool.connections())
            .unwrap_or_default()
    }

    fn use_keyspace<'a>(&'a self, keyspace: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(self.pools.use_keyspace(keyspace))
    }
}
