//! What the session currently believes about each node, for applications (health checks,
//! dashboards).

use std::net::SocketAddr;

use uuid::Uuid;

use super::topology::NodeState;

/// One node of the cluster and its state, as listed by
/// [`Session::cluster_state`](crate::session::Session::cluster_state).
///
/// ```
/// use ringbolt_driver::cluster::{NodeState, NodeStatus};
/// let status = NodeStatus {
///     address: "127.0.0.1:9042".parse().unwrap(),
///     datacenter: "dc1".into(),
///     rack: "rack1".into(),
///     host_id: uuid::Uuid::nil(),
///     state: NodeState::Up,
///     open_connections: 1,
/// };
/// assert!(status.state.may_be_queried());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeStatus {
    /// The address clients connect to.
    pub address: SocketAddr,
    /// The node's datacenter.
    pub datacenter: String,
    /// The node's rack.
    pub rack: String,
    /// The node's `host_id`.
    pub host_id: Uuid,
    /// Up, down, or not known yet.
    pub state: NodeState,
    /// Connections the session has open to the node (0 for ignored nodes).
    pub open_connections: usize,
}
