//! The simulated cluster's shape: its nodes and their per-node counters.

use std::net::IpAddr;
use std::sync::atomic::AtomicU64;
use uuid::Uuid;

/// One node of the simulated cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimNode {
    /// Position in the cluster (0-based).
    pub index: usize,
    /// The address it listens on.
    pub address: IpAddr,
    /// The native-protocol port.
    pub port: u16,
    /// Its datacenter.
    pub datacenter: String,
    /// Its rack.
    pub rack: String,
    /// Its host id.
    pub host_id: Uuid,
    /// The tokens it owns.
    pub tokens: Vec<i64>,
    /// Whether it is running.
    pub up: bool,
    /// The Cassandra version it reports.
    pub release_version: String,
}

/// The whole cluster at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterSnapshot {
    /// The cluster's name.
    pub cluster_name: String,
    /// Its nodes.
    pub nodes: Vec<SimNode>,
}

/// Per-node counters of the requests a node saw.
#[derive(Debug, Default)]
pub struct NodeStats {
    /// Requests this node coordinated that addressed exactly one partition.
    pub coordinated: AtomicU64,
    /// Of those, requests for which this node was also a replica.
    pub as_replica: AtomicU64,
}
