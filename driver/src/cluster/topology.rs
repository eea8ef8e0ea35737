//! What the driver knows about each node: identity, address, location and tokens.
//!
//! The control connection fills [`NodeInfo`] from `system.local` and `system.peers_v2` (or
//! `system.peers`); [`NodeState`] is what the driver currently believes about its reachability.
//!
//! ```
//! use ringbolt_driver::cluster::topology::{NodeInfo, NodeState};
//! use uuid::Uuid;
//!
//! let node = NodeInfo::new(Uuid::nil(), "127.0.0.1:9042".parse().unwrap(), "dc1", "rack1")
//!     .with_tokens(vec![-100, 100]);
//! assert_eq!(node.datacenter, "dc1");
//! assert!(NodeState::Unknown.may_be_queried());
//! ```

use std::net::SocketAddr;

use uuid::Uuid;

/// One node of the cluster, as its system tables describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeInfo {
    /// The node's `host_id`, stable across address changes.
    pub host_id: Uuid,
    /// The address and port clients connect to (`rpc_address`/`native_address` and
    /// `native_port`), not the gossip address.
    pub address: SocketAddr,
    /// The node's datacenter (`data_center`).
    pub datacenter: String,
    /// The node's rack.
    pub rack: String,
    /// The ring tokens the node owns (one per vnode).
    pub tokens: Vec<i64>,
    /// The Cassandra version the node reports (`release_version`), when known.
    pub release_version: Option<String>,
}

impl NodeInfo {
    /// A node without tokens or version; add them with [`with_tokens`](Self::with_tokens) and
    /// [`with_release_version`](Self::with_release_version).
    ///
    /// ```
    /// # use ringbolt_driver::cluster::topology::NodeInfo;
    /// let n = NodeInfo::new(uuid::Uuid::nil(), "10.0.0.1:9042".parse().unwrap(), "dc1", "r1");
    /// assert!(n.tokens.is_empty());
    /// ```
    pub fn new(
        host_id: Uuid,
        address: SocketAddr,
        datacenter: impl Into<String>,
        rack: impl Into<String>,
    ) -> NodeInfo {
        NodeInfo {
            host_id,
            address,
            datacenter: datacenter.into(),
            rack: rack.into(),
            tokens: Vec::new(),
            release_version: None,
        }
    }

    /// Sets the node's tokens.
    ///
    /// ```
    /// # use ringbolt_driver::cluster::topology::NodeInfo;
    /// let n = NodeInfo::new(uuid::Uuid::nil(), "10.0.0.1:9042".parse().unwrap(), "dc1", "r1")
    ///     .with_tokens(vec![42]);
    /// assert_eq!(n.tokens, [42]);
    /// ```
    pub fn with_tokens(mut self, tokens: Vec<i64>) -> NodeInfo {
        self.tokens = tokens;
        self
    }

    /// Sets the node's `release_version`.
    ///
    /// ```
    /// # use ringbolt_driver::cluster::topology::NodeInfo;
    /// let n = NodeInfo::new(uuid::Uuid::nil(), "10.0.0.1:9042".parse().unwrap(), "dc1", "r1")
    ///     .with_release_version("4.0.13");
    /// assert_eq!(n.release_version.as_deref(), Some("4.0.13"));
    /// ```
    pub fn with_release_version(mut self, version: impl Into<String>) -> NodeInfo {
        self.release_version = Some(version.into());
        self
    }
}

/// Whether the driver believes a node can serve requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NodeState {
    /// The node answers (its pool has connections, or the server sent an UP event).
    Up,
    /// The node does not answer (its pool could not connect, or the server sent a DOWN event);
    /// load-balancing policies leave it out of query plans.
    Down,
    /// Not known yet (no connection attempted); treated as up.
    #[default]
    Unknown,
}

impl NodeState {
    /// Whether a query plan may include a node in this state (everything but [`NodeState::Down`]).
    ///
    /// ```
    /// # use ringbolt_driver::cluster::topology::NodeState;
    /// assert!(NodeState::Up.may_be_queried());
    /// assert!(!NodeState::Down.may_be_queried());
    /// ```
    pub fn may_be_queried(self) -> bool {
        !matches!(self, NodeState::Down)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_set_fields() {
        let id = Uuid::from_u128(7);
        let n = NodeInfo::new(id, "127.0.0.2:9042".parse().unwrap(), "dc2", "rack3")
            .with_tokens(vec![1, 2])
            .with_release_version("4.0.13");
        assert_eq!(n.host_id, id);
        assert_eq!(n.address.port(), 9042);
        assert_eq!((n.datacenter.as_str(), n.rack.as_str()), ("dc2", "rack3"));
        assert_eq!(n.tokens, [1, 2]);
        assert_eq!(n.release_version.as_deref(), Some("4.0.13"));
    }

    #[test]
    fn state_default_is_unknown_and_queryable() {
        assert_eq!(NodeState::default(), NodeState::Unknown);
        assert!(NodeState::default().may_be_queried());
        assert!(!NodeState::Down.may_be_queried());
    }
}
