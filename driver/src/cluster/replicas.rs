//! Replica placement: which nodes hold a token's data under a [`ReplicationStrategy`].
//!
//! [`natural_replicas`] walks the ring once for one token, as Cassandra does; a [`ReplicaMap`]
//! does that walk once per ring range up front, so a request's lookup is a binary search.
//!
//! `NetworkTopologyStrategy` follows Cassandra's `calculateNaturalEndpoints`: walking the ring
//! clockwise from the token, each datacenter takes `min(rf, nodes in the DC)` distinct nodes,
//! preferring a rack it has not used yet; a node on an already used rack is accepted only while
//! the datacenter may still repeat racks (`rf - racks in the DC` repeats, taken in ring order),
//! and is otherwise passed over.
//!
//! ```
//! use std::sync::Arc;
//! use ringbolt_driver::cluster::replicas::ReplicaMap;
//! use ringbolt_driver::cluster::replication::ReplicationStrategy;
//! use ringbolt_driver::cluster::ring::TokenRing;
//! use ringbolt_driver::cluster::token::Token;
//! use ringbolt_driver::cluster::topology::NodeInfo;
//!
//! let nodes: Vec<NodeInfo> = (0..3u8)
//!     .map(|i| {
//!         NodeInfo::new(uuid::Uuid::from_u128(i.into()), ([127, 0, 0, i + 1], 9042).into(), "dc1", "r1")
//!             .with_tokens(vec![i64::from(i) * 100])
//!     })
//!     .collect();
//! let ring = Arc::new(TokenRing::new(&nodes));
//! let map = ReplicaMap::compute(&ReplicationStrategy::Simple { replication_factor: 2 }, &nodes, ring);
//! assert_eq!(map.replicas(Token(150)), [2, 0]);
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use super::replication::ReplicationStrategy;
use super::ring::TokenRing;
use super::token::Token;
use super::topology::NodeInfo;

/// The replicas of every ring range for one strategy: an immutable snapshot, shared through
/// `Arc` by every request that reads it.
#[derive(Debug, Clone)]
pub struct ReplicaMap {
    ring: Arc<TokenRing>,
    strategy: ReplicationStrategy,
    /// `by_position[i]`: replicas of the range ending at ring entry `i`.
    by_position: Vec<Box<[usize]>>,
}

impl ReplicaMap {
    /// Computes the replicas of every range of `ring` (built from `nodes`).
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use ringbolt_driver::cluster::{replicas::ReplicaMap, replication::ReplicationStrategy, ring::TokenRing, token::Token};
    /// let map = ReplicaMap::compute(&ReplicationStrategy::Local, &[], Arc::new(TokenRing::default()));
    /// assert!(map.replicas(Token(0)).is_empty());
    /// ```
    pub fn compute(
        strategy: &ReplicationStrategy,
        nodes: &[NodeInfo],
        ring: Arc<TokenRing>,
    ) -> ReplicaMap {
        let placement = Placement::new(strategy, nodes, &ring);
        let by_position = (0..ring.len())
            .map(|p| placement.replicas_from(&ring, p).into_boxed_slice())
            .collect();
        ReplicaMap {
            ring,
            strategy: strategy.clone(),
            by_position,
        }
    }

    /// The replicas (node indexes) of `token`, the first being the primary; empty for
    /// `LocalStrategy` and an empty ring.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use ringbolt_driver::cluster::{replicas::ReplicaMap, replication::ReplicationStrategy, ring::TokenRing, token::Token};
    /// let map = ReplicaMap::compute(&ReplicationStrategy::Everywhere, &[], Arc::new(TokenRing::default()));
    /// assert_eq!(map.replicas(Token(1)), &[] as &[usize]);
    /// ```
    pub fn replicas(&self, token: Token) -> &[usize] {
        self.ring
            .position(token)
            .and_then(|p| self.by_position.get(p))
            .map_or(&[], |r| r)
    }

    /// The strategy this map was computed for.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use ringbolt_driver::cluster::{replicas::ReplicaMap, replication::ReplicationStrategy, ring::TokenRing};
    /// let map = ReplicaMap::compute(&ReplicationStrategy::Local, &[], Arc::new(TokenRing::default()));
    /// assert_eq!(map.strategy(), &ReplicationStrategy::Local);
    /// ```
    pub fn strategy(&self) -> &ReplicationStrategy {
        &self.strategy
    }
}

/// The replicas of one token, computed by walking the ring (no precomputation).
///
/// ```
/// # use ringbolt_driver::cluster::{replicas::natural_replicas, replication::ReplicationStrategy, ring::TokenRing, token::Token, topology::NodeInfo};
/// let n = NodeInfo::new(uuid::Uuid::nil(), "127.0.0.1:9042".parse().unwrap(), "dc1", "r1")
///     .with_tokens(vec![0]);
/// let ring = TokenRing::new(std::slice::from_ref(&n));
/// let s = ReplicationStrategy::Simple { replication_factor: 3 };
/// assert_eq!(natural_replicas(&s, &[n], &ring, Token(5)), [0]);
/// ```
pub fn natural_replicas(
    strategy: &ReplicationStrategy,
    nodes: &[NodeInfo],
    ring: &TokenRing,
    token: Token,
) -> Vec<usize> {
    match ring.position(token) {
        Some(p) => Placement::new(strategy, nodes, ring).replicas_from(ring, p),
        None => Vec::new(),
    }
}

/// A datacenter's quota: how many replicas it still needs and how many rack repeats it allows.
#[derive(Debug, Clone)]
struct DcQuota {
    rf_left: usize,
    rack_repeats_left: usize,
}

/// `NetworkTopologyStrategy` facts as small integers, so each walk indexes vectors instead of
/// hashing datacenter and rack names.
#[derive(Debug)]
struct NtsLayout {
    /// Per node index: its datacenter's quota slot and its `(datacenter, rack)` id; `None`
    /// when its datacenter gets no replicas.
    slots: Vec<Option<(usize, usize)>>,
    /// Initial quota per replicated datacenter that has nodes.
    quotas: Vec<DcQuota>,
    /// Number of distinct `(datacenter, rack)` ids.
    rack_ids: usize,
}

impl NtsLayout {
    fn new(datacenters: &BTreeMap<String, usize>, nodes: &[NodeInfo], ring: &TokenRing) -> Self {
        // Nodes and racks per DC, counting only nodes that own ring tokens (Cassandra's
        // topology holds the token-owning endpoints).
        let mut ring_nodes: Vec<usize> = ring.entries().iter().map(|e| e.1).collect();
        ring_nodes.sort_unstable();
        ring_nodes.dedup();
        let mut dc_nodes: HashMap<&str, usize> = HashMap::new();
        let mut dc_racks: HashMap<&str, HashSet<&str>> = HashMap::new();
        for n in ring_nodes.iter().filter_map(|&i| nodes.get(i)) {
            *dc_nodes.entry(n.datacenter.as_str()).or_default() += 1;
            dc_racks
                .entry(n.datacenter.as_str())
                .or_default()
                .insert(n.rack.as_str());
        }
        let mut slot_of: HashMap<&str, usize> = HashMap::new();
        let mut quotas = Vec::new();
        for (dc, &rf) in datacenters {
            let count = dc_nodes.get(dc.as_str()).copied().unwrap_or(0);
            let racks = dc_racks.get(dc.as_str()).map_or(0, HashSet::len);
            if rf > 0 && count > 0 {
                slot_of.insert(dc.as_str(), quotas.len());
                quotas.push(DcQuota {
                    rf_left: rf.min(count),
                    rack_repeats_left: rf.saturating_sub(racks),
                });
            }
        }
        let mut rack_id: HashMap<(&str, &str), usize> = HashMap::new();
        let slots = nodes
            .iter()
            .map(|n| {
                let slot = *slot_of.get(n.datacenter.as_str())?;
                let next = rack_id.len();
                let rack = *rack_id
                    .entry((n.datacenter.as_str(), n.rack.as_str()))
                    .or_insert(next);
                Some((slot, rack))
            })
            .collect();
        NtsLayout {
            slots,
            quotas,
            rack_ids: rack_id.len(),
        }
    }

    /// Cassandra's walk: see the [module documentation](self).
    fn replicas_from(&self, ring: &TokenRing, position: usize) -> Vec<usize> {
        let mut quotas = self.quotas.clone();
        let mut dcs_to_fill = quotas.len();
        let mut seen_racks = vec![false; self.rack_ids];
        let mut replicas: Vec<usize> = Vec::new();
        for (_, node) in ring.walk_from(position) {
            if dcs_to_fill == 0 {
                break;
            }
            let Some(Some((slot, rack))) = self.slots.get(node).copied() else {
                continue;
            };
            let Some(quota) = quotas.get_mut(slot) else {
                continue;
            };
            if quota.rf_left == 0 || replicas.contains(&node) {
                continue;
            }
            match seen_racks.get_mut(rack) {
                Some(seen) if !*seen => *seen = true,
                // A rack this DC already holds a replica on: accept only while repeats remain.
                _ if quota.rack_repeats_left > 0 => quota.rack_repeats_left -= 1,
                _ => continue,
            }
            replicas.push(node);
            quota.rf_left -= 1;
            if quota.rf_left == 0 {
                dcs_to_fill -= 1;
            }
        }
        replicas
    }
}

/// What the walk needs to know, computed once per strategy.
enum Placement {
    None,
    Simple {
        rf: usize,
        node_count: usize,
    },
    Everywhere {
        ring_nodes: usize,
        node_count: usize,
    },
    NetworkTopology(NtsLayout),
}

impl Placement {
    fn new(strategy: &ReplicationStrategy, nodes: &[NodeInfo], ring: &TokenRing) -> Self {
        let ring_nodes = || {
            ring.entries()
                .iter()
                .map(|e| e.1)
                .collect::<HashSet<_>>()
                .len()
        };
        match strategy {
            ReplicationStrategy::Local => Placement::None,
            ReplicationStrategy::Everywhere => Placement::Everywhere {
                ring_nodes: ring_nodes(),
                node_count: nodes.len(),
            },
            ReplicationStrategy::Simple { replication_factor } => Placement::Simple {
                rf: (*replication_factor).min(ring_nodes()),
                node_count: nodes.len(),
            },
            ReplicationStrategy::NetworkTopology { datacenters } => {
                Placement::NetworkTopology(NtsLayout::new(datacenters, nodes, ring))
            }
        }
    }

    fn replicas_from(&self, ring: &TokenRing, position: usize) -> Vec<usize> {
        match self {
            Placement::None => Vec::new(),
            Placement::Simple { rf, node_count } => {
                distinct_owners(ring, position, *rf, *node_count)
            }
            // Stop once every node is seen instead of walking the whole ring each time.
            Placement::Everywhere {
                ring_nodes,
                node_count,
            } => distinct_owners(ring, position, *ring_nodes, *node_count),
            Placement::NetworkTopology(layout) => layout.replicas_from(ring, position),
        }
    }
}

/// The first `limit` distinct owners clockwise from `position`; `node_count` bounds the node
/// indexes (a bitmap replaces a linear `contains` when the limit is large).
fn distinct_owners(
    ring: &TokenRing,
    position: usize,
    limit: usize,
    node_count: usize,
) -> Vec<usize> {
    let mut out = Vec::new();
    let mut seen = vec![false; node_count];
    for (_, node) in ring.walk_from(position) {
        if out.len() >= limit {
            break;
        }
        if let Some(s) = seen.get_mut(node) {
            if !*s {
                *s = true;
                out.push(node);
            }
        }
    }
    out
}

#[cfg(test)]
#[path = "replicas_tests.rs"]
mod tests;
