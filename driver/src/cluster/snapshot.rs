//! An immutable picture of the cluster: nodes, their states, the token ring and each
//! keyspace's replica map. The driver swaps in a new snapshot when topology or schema changes;
//! requests read the current one without locks.
//!
//! ```
//! use ringbolt_driver::cluster::replication::ReplicationStrategy;
//! use ringbolt_driver::cluster::snapshot::ClusterSnapshot;
//! use ringbolt_driver::cluster::token::Token;
//! use ringbolt_driver::cluster::topology::NodeInfo;
//!
//! let nodes: Vec<NodeInfo> = (0..3u8)
//!     .map(|i| {
//!         NodeInfo::new(uuid::Uuid::from_u128(i.into()), ([127, 0, 0, i + 1], 9042).into(), "dc1", "r1")
//!             .with_tokens(vec![i64::from(i) * 100])
//!     })
//!     .collect();
//! let snapshot = ClusterSnapshot::new(
//!     nodes,
//!     [("shop".to_string(), ReplicationStrategy::Simple { replication_factor: 2 })],
//! );
//! assert_eq!(snapshot.replicas("shop", Token(50)), [1, 2]);
//! assert!(snapshot.replicas("unknown_keyspace", Token(50)).is_empty());
//! ```

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::Arc;

use uuid::Uuid;

use super::replicas::ReplicaMap;
use super::replication::{ReplicationError, ReplicationStrategy};
use super::ring::TokenRing;
use super::token::Token;
use super::topology::{NodeInfo, NodeState};

/// Nodes, states, ring and replica maps at one moment. Node indexes used everywhere (ring
/// owners, replicas, query plans) index [`nodes`](Self::nodes).
#[derive(Debug, Clone)]
pub struct ClusterSnapshot {
    nodes: Vec<NodeInfo>,
    states: Vec<NodeState>,
    ring: Arc<TokenRing>,
    keyspaces: HashMap<String, Arc<ReplicaMap>>,
    datacenters: BTreeMap<String, Vec<usize>>,
}

impl ClusterSnapshot {
    /// Builds a snapshot: the ring from the nodes' tokens and one replica map per keyspace.
    /// Keyspaces with the same strategy share one map. Every node starts
    /// [`NodeState::Unknown`].
    ///
    /// ```
    /// # use ringbolt_driver::cluster::snapshot::ClusterSnapshot;
    /// let empty = ClusterSnapshot::new(Vec::new(), []);
    /// assert!(empty.nodes().is_empty());
    /// ```
    pub fn new(
        nodes: Vec<NodeInfo>,
        keyspaces: impl IntoIterator<Item = (String, ReplicationStrategy)>,
    ) -> ClusterSnapshot {
        let ring = Arc::new(TokenRing::new(&nodes));
        let mut by_strategy: HashMap<ReplicationStrategy, Arc<ReplicaMap>> = HashMap::new();
        let mut maps = HashMap::new();
        for (name, strategy) in keyspaces {
            let map = by_strategy
                .entry(strategy)
                .or_insert_with_key(|s| Arc::new(ReplicaMap::compute(s, &nodes, ring.clone())))
                .clone();
            maps.insert(name, map);
        }
        let mut datacenters: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, n) in nodes.iter().enumerate() {
            datacenters.entry(n.datacenter.clone()).or_default().push(i);
        }
        ClusterSnapshot {
            states: vec![NodeState::Unknown; nodes.len()],
            nodes,
            ring,
            keyspaces: maps,
            datacenters,
        }
    }

    /// Builds a snapshot from the `replication` maps of `system_schema.keyspaces`, as
    /// [`new`](Self::new) does from parsed strategies. Keyspaces whose map cannot be parsed
    /// (a custom strategy, say) get no replica map, so their requests are not token-aware;
    /// they are returned with the reason, for the caller to log.
    ///
    /// ```
    /// # use std::collections::HashMap;
    /// # use ringbolt_driver::cluster::{snapshot::ClusterSnapshot, replication::ReplicationError};
    /// let simple = HashMap::from([
    ///     ("class".to_string(), "SimpleStrategy".to_string()),
    ///     ("replication_factor".to_string(), "1".to_string()),
    /// ]);
    /// let custom = HashMap::from([("class".to_string(), "com.example.Custom".to_string())]);
    /// let (snapshot, errors) = ClusterSnapshot::from_schema(
    ///     Vec::new(),
    ///     [("ks".to_string(), simple), ("odd".to_string(), custom)],
    /// );
    /// assert!(snapshot.replica_map("ks").is_some());
    /// assert!(snapshot.replica_map("odd").is_none());
    /// assert_eq!(errors.len(), 1);
    /// assert_eq!(errors[0].0, "odd");
    /// ```
    pub fn from_schema(
        nodes: Vec<NodeInfo>,
        keyspaces: impl IntoIterator<Item = (String, HashMap<String, String>)>,
    ) -> (ClusterSnapshot, Vec<(String, ReplicationError)>) {
        let mut errors = Vec::new();
        let mut parsed = Vec::new();
        for (name, map) in keyspaces {
            match ReplicationStrategy::from_replication_map(&map) {
                Ok(strategy) => parsed.push((name, strategy)),
                Err(e) => errors.push((name, e)),
            }
        }
        (ClusterSnapshot::new(nodes, parsed), errors)
    }

    /// The same snapshot with node `index` in `state` (ignored for an unknown index). Cheap:
    /// the ring and replica maps are shared.
    ///
    /// ```
    /// # use ringbolt_driver::cluster::{snapshot::ClusterSnapshot, topology::{NodeInfo, NodeState}};
    /// let n = NodeInfo::new(uuid::Uuid::nil(), "127.0.0.1:9042".parse().unwrap(), "dc1", "r1");
    /// let s = ClusterSnapshot::new(vec![n], []).with_state(0, NodeState::Down);
    /// assert_eq!(s.state(0), Some(NodeState::Down));
    /// ```
    pub fn with_state(mut self, index: usize, state: NodeState) -> ClusterSnapshot {
        if let Some(s) = self.states.get_mut(index) {
            *s = state;
        }
        self
    }

    /// All nodes; their positions are the node indexes.
    ///
    /// ```
    /// # use ringbolt_driver::cluster::{snapshot::ClusterSnapshot, topology::NodeInfo};
    /// let n = NodeInfo::new(uuid::Uuid::nil(), "127.0.0.1:9042".parse().unwrap(), "dc1", "r1");
    /// assert_eq!(ClusterSnapshot::new(vec![n], []).nodes().len(), 1);
    /// ```
    pub fn nodes(&self) -> &[NodeInfo] {
        &self.nodes
    }

    /// One node by index.
    ///
    /// ```
    /// # use ringbolt_driver::cluster::snapshot::ClusterSnapshot;
    /// assert!(ClusterSnapshot::new(Vec::new(), []).node(0).is_none());
    /// ```
    pub fn node(&self, index: usize) -> Option<&NodeInfo> {
        self.nodes.get(index)
    }

    /// A node's state, `None` for an unknown index.
    ///
    /// ```
    /// # use ringbolt_driver::cluster::{snapshot::ClusterSnapshot, topology::{NodeInfo, NodeState}};
    /// let n = NodeInfo::new(uuid::Uuid::nil(), "127.0.0.1:9042".parse().unwrap(), "dc1", "r1");
    /// let s = ClusterSnapshot::new(vec![n], []);
    /// assert_eq!((s.state(0), s.state(1)), (Some(NodeState::Unknown), None));
    /// ```
    pub fn state(&self, index: usize) -> Option<NodeState> {
        self.states.get(index).copied()
    }

    /// Whether node `index` exists and may be put in a query plan (not down).
    ///
    /// ```
    /// # use ringbolt_driver::cluster::{snapshot::ClusterSnapshot, topology::{NodeInfo, NodeState}};
    /// let n = NodeInfo::new(uuid::Uuid::nil(), "127.0.0.1:9042".parse().unwrap(), "dc1", "r1");
    /// let s = ClusterSnapshot::new(vec![n], []);
    /// assert!(s.is_queryable(0));
    /// assert!(!s.with_state(0, NodeState::Down).is_queryable(0));
    /// ```
    pub fn is_queryable(&self, index: usize) -> bool {
        self.state(index).is_some_and(NodeState::may_be_queried)
    }

    /// The token ring.
    ///
    /// ```
    /// # use ringbolt_driver::cluster::{snapshot::ClusterSnapshot, topology::NodeInfo};
    /// let n = NodeInfo::new(uuid::Uuid::nil(), "127.0.0.1:9042".parse().unwrap(), "dc1", "r1")
    ///     .with_tokens(vec![1, 2]);
    /// assert_eq!(ClusterSnapshot::new(vec![n], []).ring().len(), 2);
    /// ```
    pub fn ring(&self) -> &TokenRing {
        &self.ring
    }

    /// A keyspace's replica map, if its strategy was known.
    ///
    /// ```
    /// # use ringbolt_driver::cluster::{snapshot::ClusterSnapshot, ReplicationStrategy};
    /// let s = ClusterSnapshot::new(Vec::new(), [("ks".to_string(), ReplicationStrategy::Local)]);
    /// assert_eq!(s.replica_map("ks").map(|m| m.strategy()), Some(&ReplicationStrategy::Local));
    /// ```
    pub fn replica_map(&self, keyspace: &str) -> Option<&ReplicaMap> {
        self.keyspaces.get(keyspace).map(|m| &**m)
    }

    /// The replicas of `token` in `keyspace`, primary first; empty when the keyspace is
    /// unknown or not token-routable. See the [module example](self).
    pub fn replicas(&self, keyspace: &str, token: Token) -> &[usize] {
        self.replica_map(keyspace)
            .map_or(&[], |m| m.replicas(token))
    }

    /// Datacenter names with their node indexes, in name order.
    ///
    /// ```
    /// # use ringbolt_driver::cluster::{snapshot::ClusterSnapshot, topology::NodeInfo};
    /// let n = NodeInfo::new(uuid::Uuid::nil(), "127.0.0.1:9042".parse().unwrap(), "east", "r1");
    /// let s = ClusterSnapshot::new(vec![n], []);
    /// assert_eq!(s.datacenters().collect::<Vec<_>>(), [("east", &[0usize][..])]);
    /// ```
    pub fn datacenters(&self) -> impl Iterator<Item = (&str, &[usize])> + '_ {
        self.datacenters
            .iter()
            .map(|(dc, nodes)| (dc.as_str(), nodes.as_slice()))
    }

    /// The node indexes of one datacenter (empty when it has no nodes).
    ///
    /// ```
    /// # use ringbolt_driver::cluster::{snapshot::ClusterSnapshot, topology::NodeInfo};
    /// let n = NodeInfo::new(uuid::Uuid::nil(), "127.0.0.1:9042".parse().unwrap(), "east", "r1");
    /// let s = ClusterSnapshot::new(vec![n], []);
    /// assert_eq!(s.datacenter_nodes("east"), [0]);
    /// assert!(s.datacenter_nodes("west").is_empty());
    /// ```
    pub fn datacenter_nodes(&self, datacenter: &str) -> &[usize] {
        self.datacenters.get(datacenter).map_or(&[], Vec::as_slice)
    }

    /// The index of the node with this `host_id`.
    ///
    /// ```
    /// # use ringbolt_driver::cluster::{snapshot::ClusterSnapshot, topology::NodeInfo};
    /// let id = uuid::Uuid::from_u128(9);
    /// let n = NodeInfo::new(id, "127.0.0.1:9042".parse().unwrap(), "dc1", "r1");
    /// assert_eq!(ClusterSnapshot::new(vec![n], []).find_by_host_id(id), Some(0));
    /// ```
    pub fn find_by_host_id(&self, host_id: Uuid) -> Option<usize> {
        self.nodes.iter().position(|n| n.host_id == host_id)
    }

    /// The index of the node with this native address.
    ///
    /// ```
    /// # use ringbolt_driver::cluster::{snapshot::ClusterSnapshot, topology::NodeInfo};
    /// let addr = "127.0.0.1:9042".parse().unwrap();
    /// let n = NodeInfo::new(uuid::Uuid::nil(), addr, "dc1", "r1");
    /// assert_eq!(ClusterSnapshot::new(vec![n], []).find_by_address(addr), Some(0));
    /// ```
    pub fn find_by_address(&self, address: SocketAddr) -> Option<usize> {
        self.nodes.iter().position(|n| n.address == address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(i: u8, dc: &str, tokens: &[i64]) -> NodeInfo {
        NodeInfo::new(
            Uuid::from_u128(i.into()),
            ([127, 0, 0, i + 1], 9042).into(),
            dc,
            "r1",
        )
        .with_tokens(tokens.to_vec())
    }

    fn snapshot() -> ClusterSnapshot {
        ClusterSnapshot::new(
            vec![
                node(0, "dc1", &[0]),
                node(1, "dc2", &[100]),
                node(2, "dc1", &[200]),
            ],
            [
                (
                    "a".to_string(),
                    ReplicationStrategy::Simple {
                        replication_factor: 2,
                    },
                ),
                (
                    "b".to_string(),
                    ReplicationStrategy::Simple {
                        replication_factor: 2,
                    },
                ),
                ("sys".to_string(), ReplicationStrategy::Local),
            ],
        )
    }

    #[test]
    fn replicas_per_keyspace_and_shared_maps() {
        let s = snapshot();
        // 150 -> 200 (n2), wrap 0 (n0).
        assert_eq!(s.replicas("a", Token(150)), [2, 0]);
        assert!(s.replicas("sys", Token(150)).is_empty());
        assert!(s.replicas("nope", Token(150)).is_empty());
        let a = s.keyspaces.get("a").unwrap();
        let b = s.keyspaces.get("b").unwrap();
        assert!(Arc::ptr_eq(a, b));
    }

    #[test]
    fn datacenters_states_and_lookups() {
        let s = snapshot()
            .with_state(1, NodeState::Down)
            .with_state(9, NodeState::Up);
        assert_eq!(s.datacenter_nodes("dc1"), [0, 2]);
        assert_eq!(s.datacenter_nodes("dc9"), &[] as &[usize]);
        assert_eq!(
            s.datacenters().map(|(d, _)| d).collect::<Vec<_>>(),
            ["dc1", "dc2"]
        );
        assert!(s.is_queryable(0));
        assert!(!s.is_queryable(1));
        assert!(!s.is_queryable(3));
        assert_eq!(s.find_by_host_id(Uuid::from_u128(2)), Some(2));
        assert_eq!(
            s.find_by_address("127.0.0.2:9042".parse().unwrap()),
            Some(1)
        );
        assert_eq!(s.ring().len(), 3);
        assert_eq!(s.node(1).map(|n| n.datacenter.as_str()), Some("dc2"));
    }
}
