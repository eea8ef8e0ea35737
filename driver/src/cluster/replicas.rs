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

use std::collections::{HashMap, HashSet};
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

/// What the walk needs to know, computed once per strategy.
enum Placement<'a> {
    None,
    Simple {
        rf: usize,
    },
    Everywhere,
    NetworkTopology {
        nodes: &'a [NodeInfo],
        quotas: HashMap<&'a str, DcQuota>,
    },
}

impl<'a> Placement<'a> {
    fn new(strategy: &'a ReplicationStrategy, nodes: &'a [NodeInfo], ring: &TokenRing) -> Self {
        let ring_nodes: HashSet<usize> = ring.entries().iter().map(|e| e.1).collect();
        match strategy {
            ReplicationStrategy::Local => Placement::None,
            ReplicationStrategy::Everywhere => Placement::Everywhere,
            ReplicationStrategy::Simple { replication_factor } => Placement::Simple {
                rf: (*replication_factor).min(ring_nodes.len()),
            },
            ReplicationStrategy::NetworkTopology { datacenters } => {
                // Nodes and racks per DC, counting only nodes that own ring tokens (Cassandra's
                // topology holds the token-owning endpoints).
                let mut dc_nodes: HashMap<&str, usize> = HashMap::new();
                let mut dc_racks: HashMap<&str, HashSet<&str>> = HashMap::new();
                for n in ring_nodes.iter().filter_map(|&i| nodes.get(i)) {
                    *dc_nodes.entry(n.datacenter.as_str()).or_default() += 1;
                    dc_racks
                        .entry(n.datacenter.as_str())
                        .or_default()
                        .insert(n.rack.as_str());
                }
                let quotas = datacenters
                    .iter()
                    .filter_map(|(dc, &rf)| {
                        let count = dc_nodes.get(dc.as_str()).copied().unwrap_or(0);
                        let racks = dc_racks.get(dc.as_str()).map_or(0, HashSet::len);
                        (rf > 0 && count > 0).then(|| {
                            (
                                dc.as_str(),
                                DcQuota {
                                    rf_left: rf.min(count),
                                    rack_repeats_left: rf.saturating_sub(racks),
                                },
                            )
                        })
                    })
                    .collect();
                Placement::NetworkTopology { nodes, quotas }
            }
        }
    }

    fn replicas_from(&self, ring: &TokenRing, position: usize) -> Vec<usize> {
        match self {
            Placement::None => Vec::new(),
            Placement::Simple { rf } => distinct_owners(ring, position, *rf),
            Placement::Everywhere => distinct_owners(ring, position, usize::MAX),
            Placement::NetworkTopology { nodes, quotas } => {
                network_topology(nodes, quotas.clone(), ring, position)
            }
        }
    }
}

/// The first `limit` distinct owners clockwise from `position`.
fn distinct_owners(ring: &TokenRing, position: usize, limit: usize) -> Vec<usize> {
    let mut out = Vec::new();
    for (_, node) in ring.walk_from(position) {
        if out.len() >= limit {
            break;
        }
        if !out.contains(&node) {
            out.push(node);
        }
    }
    out
}

fn network_topology(
    nodes: &[NodeInfo],
    mut quotas: HashMap<&str, DcQuota>,
    ring: &TokenRing,
    position: usize,
) -> Vec<usize> {
    let mut dcs_to_fill = quotas.len();
    let mut replicas: Vec<usize> = Vec::new();
    let mut seen_racks: HashSet<(&str, &str)> = HashSet::new();
    for (_, node) in ring.walk_from(position) {
        if dcs_to_fill == 0 {
            break;
        }
        let Some(info) = nodes.get(node) else {
            continue;
        };
        let Some(quota) = quotas.get_mut(info.datacenter.as_str()) else {
            continue;
        };
        if quota.rf_left == 0 || replicas.contains(&node) {
            continue;
        }
        if !seen_racks.insert((info.datacenter.as_str(), info.rack.as_str())) {
            // A rack this DC already holds a replica on: accept only while repeats remain.
            if quota.rack_repeats_left == 0 {
                continue;
            }
            quota.rack_repeats_left -= 1;
        }
        replicas.push(node);
        quota.rf_left -= 1;
        if quota.rf_left == 0 {
            dcs_to_fill -= 1;
        }
    }
    replicas
}

#[cfg(test)]
#[path = "replicas_tests.rs"]
mod tests;
