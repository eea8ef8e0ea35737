//! Which simulated nodes replicate a token, using the driver's ring and replication code, and the
//! per-node counters of single-partition requests.

use crate::topology::{ClusterSnapshot, NodeStats};
use ringbolt_driver::cluster::replicas::natural_replicas;
use ringbolt_driver::cluster::{NodeInfo, ReplicationStrategy, Token, TokenRing};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::Ordering;

/// The replicas (node indexes) of a token for a keyspace's replication map.
pub fn replicas(
    cluster: &ClusterSnapshot,
    replication: &BTreeMap<String, String>,
    token: i64,
) -> Vec<usize> {
    let map: HashMap<String, String> = replication
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let Ok(strategy) = ReplicationStrategy::from_replication_map(&map) else {
        return Vec::new();
    };
    let nodes: Vec<NodeInfo> = cluster
        .nodes
        .iter()
        .map(|n| {
            NodeInfo::new(
                n.host_id,
                SocketAddr::new(n.address, n.port),
                n.datacenter.clone(),
                n.rack.clone(),
            )
            .with_tokens(n.tokens.clone())
        })
        .collect();
    match strategy {
        ReplicationStrategy::Local => Vec::new(),
        ReplicationStrategy::Everywhere => (0..nodes.len()).collect(),
        s => {
            let ring = TokenRing::new(&nodes);
            natural_replicas(&s, &nodes, &ring, Token(token))
        }
    }
}

/// Counts a request that addressed exactly one partition of a user table.
pub fn count(
    cluster: &ClusterSnapshot,
    stats: &[NodeStats],
    coordinator: usize,
    replication: &BTreeMap<String, String>,
    token: i64,
) {
    let Some(s) = stats.get(coordinator) else {
        return;
    };
    s.coordinated.fetch_add(1, Ordering::Relaxed);
    if replicas(cluster, replication, token).contains(&coordinator) {
        s.as_replica.fetch_add(1, Ordering::Relaxed);
    }
}
