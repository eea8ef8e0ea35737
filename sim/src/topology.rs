//! The simulated cluster's shape: nodes, their datacenters, racks, tokens and host ids.
//!
//! Everything here is deterministic: the same seed gives the same tokens and host ids, so a test
//! that fails can be replayed exactly.

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use uuid::Uuid;

/// The `release_version` every simulated node reports (as `system.local` does).
pub const RELEASE_VERSION: &str = "4.0.13";

/// The `cluster_name` the simulated cluster reports.
pub const CLUSTER_NAME: &str = "Ringbolt Sim";

/// The rack nodes belong to unless the builder spreads them over several racks.
pub const DEFAULT_RACK: &str = "rack1";

/// The seed used when the builder is not given one.
pub const DEFAULT_SEED: u64 = 0x5249_4e47_424f_4c54; // "RINGBOLT"

/// One simulated node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimNode {
    /// Position in the cluster (0-based); the node's address is the base address plus this.
    pub index: usize,
    /// The address the node listens on (its `rpc_address` / `native_address`).
    pub address: IpAddr,
    /// The native-protocol port (the same for every node).
    pub port: u16,
    /// The datacenter name.
    pub datacenter: String,
    /// The rack name.
    pub rack: String,
    /// The node's host id.
    pub host_id: Uuid,
    /// The node's tokens (vnodes), sorted ascending.
    pub tokens: Vec<i64>,
    /// Whether the node is running (accepting connections).
    pub up: bool,
    /// The Cassandra version the node reports.
    pub release_version: String,
}

/// An immutable view of the cluster, handed to the engine with every request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterSnapshot {
    /// The cluster name (`system.local.cluster_name`).
    pub cluster_name: String,
    /// All nodes, indexed by [`SimNode::index`].
    pub nodes: Vec<SimNode>,
}

impl ClusterSnapshot {
    /// The node with this index, if any.
    pub fn node(&self, index: usize) -> Option<&SimNode> {
        self.nodes.get(index)
    }
}

/// Per-node counters: how many requests a node coordinated and how many it served as a replica.
#[derive(Debug, Default)]
pub struct NodeStats {
    /// Requests this node coordinated (received from a client).
    pub coordinated: AtomicU64,
    /// Requests in which this node was a replica of the data touched.
    pub as_replica: AtomicU64,
}

impl NodeStats {
    /// A copy of the current counters: `(coordinated, as_replica)`.
    pub fn load(&self) -> (u64, u64) {
        (
            self.coordinated.load(Ordering::Relaxed),
            self.as_replica.load(Ordering::Relaxed),
        )
    }

    /// New counters starting at the given values.
    pub fn starting_at(coordinated: u64, as_replica: u64) -> NodeStats {
        NodeStats {
            coordinated: AtomicU64::new(coordinated),
            as_replica: AtomicU64::new(as_replica),
        }
    }
}

/// SplitMix64: a small, well-mixed deterministic generator (enough for tokens and ids).
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Generates `count` tokens for node `index`, distinct from every token in `taken` (which is
/// updated). `i64::MIN` is never produced: Murmur3Partitioner reserves it as the minimum token.
pub(crate) fn generate_tokens(
    seed: u64,
    index: usize,
    count: usize,
    taken: &mut HashSet<i64>,
) -> Vec<i64> {
    let mut rng = SplitMix64::new(seed ^ (index as u64).wrapping_mul(0xA24B_AED4_963E_E407));
    let mut tokens = Vec::with_capacity(count.min(4096));
    while tokens.len() < count {
        let token = rng.next_u64() as i64;
        if token != i64::MIN && taken.insert(token) {
            tokens.push(token);
        }
    }
    tokens.sort_unstable();
    tokens
}

/// A deterministic, random-looking (version 4) host id for node `index`.
pub(crate) fn host_id(seed: u64, index: usize) -> Uuid {
    let mut rng = SplitMix64::new(!seed ^ (index as u64).wrapping_mul(0x9FB2_1C65_1E98_DF25));
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&rng.next_u64().to_be_bytes());
    bytes[8..].copy_from_slice(&rng.next_u64().to_be_bytes());
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// The address of node `index`: `base` plus `index`, or `None` when that leaves the address space.
pub(crate) fn node_address(base: IpAddr, index: usize) -> Option<IpAddr> {
    match base {
        IpAddr::V4(v4) => {
            let offset = u32::try_from(index).ok()?;
            u32::from(v4)
                .checked_add(offset)
                .map(|a| IpAddr::V4(a.into()))
        }
        IpAddr::V6(v6) => u128::from(v6)
            .checked_add(index as u128)
            .map(|a| IpAddr::V6(a.into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn tokens_are_deterministic_sorted_and_distinct_across_nodes() {
        let mut taken = HashSet::new();
        let a = generate_tokens(7, 0, 16, &mut taken);
        let b = generate_tokens(7, 1, 16, &mut taken);
        assert_eq!(a.len(), 16);
        assert!(a.windows(2).all(|w| w[0] < w[1]));
        assert!(a.iter().all(|t| !b.contains(t)));
        let mut again = HashSet::new();
        assert_eq!(generate_tokens(7, 0, 16, &mut again), a);
        let mut other_seed = HashSet::new();
        assert_ne!(generate_tokens(8, 0, 16, &mut other_seed), a);
    }

    #[test]
    fn host_ids_are_deterministic_v4_and_distinct() {
        assert_eq!(host_id(1, 0), host_id(1, 0));
        assert_ne!(host_id(1, 0), host_id(1, 1));
        assert_eq!(host_id(1, 2).get_version_num(), 4);
    }

    #[test]
    fn node_addresses_follow_the_base() {
        let base = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
        assert_eq!(
            node_address(base, 2),
            Some(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 3)))
        );
        let last = IpAddr::V4(Ipv4Addr::new(255, 255, 255, 255));
        assert_eq!(node_address(last, 1), None);
    }
}
