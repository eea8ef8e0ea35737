//! Replica placement tests on hand-built rings; expected replicas are worked out by hand in
//! the comments.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use super::*;

fn node(i: usize, dc: &str, rack: &str, tokens: &[i64]) -> NodeInfo {
    let last = u8::try_from(i + 1).unwrap();
    NodeInfo::new(
        uuid::Uuid::from_u128(i as u128),
        ([127, 0, 0, last], 9042).into(),
        dc,
        rack,
    )
    .with_tokens(tokens.to_vec())
}

fn nts(dcs: &[(&str, usize)]) -> ReplicationStrategy {
    ReplicationStrategy::NetworkTopology {
        datacenters: dcs
            .iter()
            .map(|(d, rf)| (d.to_string(), *rf))
            .collect::<BTreeMap<_, _>>(),
    }
}

fn map(strategy: &ReplicationStrategy, nodes: &[NodeInfo]) -> ReplicaMap {
    ReplicaMap::compute(strategy, nodes, Arc::new(TokenRing::new(nodes)))
}

#[test]
fn simple_strategy_walks_distinct_nodes_clockwise() {
    // Ring: 0 -> n0, 100 -> n1, 200 -> n2, 300 -> n3.
    let nodes: Vec<_> = (0..4)
        .map(|i| node(i, "dc1", "r1", &[i as i64 * 100]))
        .collect();
    let m = map(
        &ReplicationStrategy::Simple {
            replication_factor: 3,
        },
        &nodes,
    );
    // 50 falls in (0, 100]: n1, then n2, n3.
    assert_eq!(m.replicas(Token(50)), [1, 2, 3]);
    // 250 -> (200, 300]: n3, then wrap to n0, n1.
    assert_eq!(m.replicas(Token(250)), [3, 0, 1]);
    // A token equal to a ring token belongs to that token's node.
    assert_eq!(m.replicas(Token(300)), [3, 0, 1]);
    // Past the last token wraps to the first: n0, n1, n2.
    assert_eq!(m.replicas(Token(301)), [0, 1, 2]);
    assert_eq!(m.replicas(Token(i64::MIN)), [0, 1, 2]);
}

#[test]
fn simple_strategy_with_vnodes_skips_repeated_nodes() {
    // Ring: 0 -> n0, 100 -> n1, 150 -> n0, 200 -> n2.
    let nodes = vec![
        node(0, "dc1", "r1", &[0, 150]),
        node(1, "dc1", "r1", &[100]),
        node(2, "dc1", "r1", &[200]),
    ];
    let rf2 = map(
        &ReplicationStrategy::Simple {
            replication_factor: 2,
        },
        &nodes,
    );
    // 120 -> 150 (n0), 200 (n2).
    assert_eq!(rf2.replicas(Token(120)), [0, 2]);
    // 50 -> 100 (n1), 150 (n0).
    assert_eq!(rf2.replicas(Token(50)), [1, 0]);
    let rf3 = map(
        &ReplicationStrategy::Simple {
            replication_factor: 3,
        },
        &nodes,
    );
    // 160 -> 200 (n2), wrap 0 (n0), 100 (n1).
    assert_eq!(rf3.replicas(Token(160)), [2, 0, 1]);
    // 50 -> n1, n0 (150), then 200 n2; the second n0 token at 0 is never reached.
    assert_eq!(rf3.replicas(Token(50)), [1, 0, 2]);
    // A factor above the node count gives every node once.
    let rf5 = map(
        &ReplicationStrategy::Simple {
            replication_factor: 5,
        },
        &nodes,
    );
    assert_eq!(rf5.replicas(Token(50)), [1, 0, 2]);
}

/// Ring (token -> node, dc, rack):
/// 0 -> n0 dc1 A, 10 -> n1 dc1 A, 20 -> n2 dc1 B, 30 -> n3 dc2 X,
/// 40 -> n4 dc1 C, 50 -> n5 dc2 X, 60 -> n6 dc2 Y.
/// dc1: 4 nodes on 3 racks; dc2: 3 nodes on 2 racks.
fn two_dc_ring() -> Vec<NodeInfo> {
    vec![
        node(0, "dc1", "A", &[0]),
        node(1, "dc1", "A", &[10]),
        node(2, "dc1", "B", &[20]),
        node(3, "dc2", "X", &[30]),
        node(4, "dc1", "C", &[40]),
        node(5, "dc2", "X", &[50]),
        node(6, "dc2", "Y", &[60]),
    ]
}

#[test]
fn network_topology_prefers_distinct_racks_per_dc() {
    let nodes = two_dc_ring();
    let m = map(&nts(&[("dc1", 3), ("dc2", 2)]), &nodes);
    // From 0: n0 (dc1 A); n1 is dc1 A again and dc1 may not repeat racks (rf 3 - 3 racks = 0):
    // skipped; n2 (dc1 B); n3 (dc2 X); n4 (dc1 C, dc1 done); n5 dc2 X again, dc2 may not
    // repeat (rf 2 - 2 racks): skipped; n6 (dc2 Y, done).
    assert_eq!(m.replicas(Token(0)), [0, 2, 3, 4, 6]);
    // From 50: n5 (dc2 X), n6 (dc2 Y, dc2 done), n0 (dc1 A), n1 skipped (A), n2 (B),
    // n3 ignored (dc2 done), n4 (C).
    assert_eq!(m.replicas(Token(45)), [5, 6, 0, 2, 4]);
    // Only dc2 replicated: from 31 -> 40 is n4 (dc1, ignored), n5 (X), n6 (Y).
    let dc2_only = map(&nts(&[("dc2", 2)]), &nodes);
    assert_eq!(dc2_only.replicas(Token(31)), [5, 6]);
}

#[test]
fn network_topology_reuses_racks_when_racks_run_out() {
    // One DC, rf 3, racks A and B only: 3 - 2 = 1 rack repeat allowed, taken in ring order.
    // Ring: 0 -> n0 A, 10 -> n1 A, 20 -> n2 B, 30 -> n3 A.
    let nodes = vec![
        node(0, "dc1", "A", &[0]),
        node(1, "dc1", "A", &[10]),
        node(2, "dc1", "B", &[20]),
        node(3, "dc1", "A", &[30]),
    ];
    let m = map(&nts(&[("dc1", 3)]), &nodes);
    // From 0: n0 (A), n1 (A again, uses the one repeat), n2 (B).
    assert_eq!(m.replicas(Token(0)), [0, 1, 2]);
    // From 10: n1 (A), n2 (B), n3 (A, the repeat).
    assert_eq!(m.replicas(Token(5)), [1, 2, 3]);
    // From 30: n3 (A), n0 (A, the repeat), n1 (A, no repeat left: skipped), n2 (B).
    assert_eq!(m.replicas(Token(25)), [3, 0, 2]);
}

#[test]
fn network_topology_ignores_nodes_without_tokens_when_counting_racks() {
    // Same as above plus n4 on rack C owning no token: it must not count as a third rack
    // (which would forbid the repeat and leave only two replicas).
    let nodes = vec![
        node(0, "dc1", "A", &[0]),
        node(1, "dc1", "A", &[10]),
        node(2, "dc1", "B", &[20]),
        node(3, "dc1", "A", &[30]),
        node(4, "dc1", "C", &[]),
    ];
    let m = map(&nts(&[("dc1", 3)]), &nodes);
    assert_eq!(m.replicas(Token(0)), [0, 1, 2]);
}

#[test]
fn network_topology_caps_factor_by_nodes_and_skips_unknown_dcs() {
    let nodes = two_dc_ring();
    // dc2 has 3 nodes: rf 5 yields all 3; dc3 does not exist and contributes nothing.
    // From 0: n3 (X), n5 (X, repeat: 5 - 2 racks = 3 repeats allowed), n6 (Y).
    let m = map(&nts(&[("dc2", 5), ("dc3", 2)]), &nodes);
    assert_eq!(m.replicas(Token(0)), [3, 5, 6]);
    // rf 0 for a DC is no replica there.
    let m = map(&nts(&[("dc1", 0), ("dc2", 1)]), &nodes);
    assert_eq!(m.replicas(Token(0)), [3]);
}

#[test]
fn everywhere_and_local() {
    let nodes = two_dc_ring();
    let every = map(&ReplicationStrategy::Everywhere, &nodes);
    assert_eq!(every.replicas(Token(35)), [4, 5, 6, 0, 1, 2, 3]);
    let local = map(&ReplicationStrategy::Local, &nodes);
    assert!(local.replicas(Token(35)).is_empty());
}

/// A deterministic pseudo-random vnode ring: `count` nodes over `dcs` datacenters and
/// `racks` racks per datacenter, `vnodes` tokens each.
fn random_ring(count: usize, dcs: usize, racks: usize, vnodes: usize, seed: u64) -> Vec<NodeInfo> {
    let mut x = seed;
    let mut next = move || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        x as i64
    };
    (0..count)
        .map(|i| {
            let tokens: Vec<i64> = (0..vnodes).map(|_| next()).collect();
            node(
                i,
                &format!("dc{}", i % dcs),
                &format!("r{}", (i / dcs) % racks),
                &tokens,
            )
        })
        .collect()
}

#[test]
fn precomputed_map_agrees_with_the_walk() {
    let nodes = random_ring(9, 2, 2, 16, 42);
    let ring = TokenRing::new(&nodes);
    let strategies = [
        nts(&[("dc0", 3), ("dc1", 2)]),
        ReplicationStrategy::Simple {
            replication_factor: 3,
        },
        ReplicationStrategy::Everywhere,
    ];
    for s in &strategies {
        let m = ReplicaMap::compute(s, &nodes, Arc::new(ring.clone()));
        let mut t = 7i64;
        for _ in 0..500 {
            t = t.wrapping_mul(2862933555777941757).wrapping_add(3037000493);
            assert_eq!(
                m.replicas(Token(t)),
                natural_replicas(s, &nodes, &ring, Token(t)).as_slice()
            );
        }
    }
}

#[test]
fn network_topology_with_one_rack_per_node_matches_simple_in_one_dc() {
    // With every node on its own rack, rack awareness never skips a node: NTS in a single
    // DC must place exactly like SimpleStrategy.
    let nodes: Vec<_> = random_ring(6, 1, 1, 16, 9)
        .into_iter()
        .enumerate()
        .map(|(i, mut n)| {
            n.rack = format!("rack{i}");
            n
        })
        .collect();
    let ring = Arc::new(TokenRing::new(&nodes));
    let a = ReplicaMap::compute(&nts(&[("dc0", 3)]), &nodes, ring.clone());
    let b = ReplicaMap::compute(
        &ReplicationStrategy::Simple {
            replication_factor: 3,
        },
        &nodes,
        ring.clone(),
    );
    for (t, _) in ring.entries() {
        assert_eq!(a.replicas(*t), b.replicas(*t));
        assert_eq!(a.replicas(*t).len(), 3);
    }
}

#[test]
fn network_topology_on_a_large_vnode_ring_meets_every_quota_on_distinct_racks() {
    // 30 nodes, 3 DCs of 10 nodes on 3 racks each, 64 vnodes per node: 1920 ranges.
    let nodes = random_ring(30, 3, 3, 64, 2024);
    let m = map(&nts(&[("dc0", 3), ("dc1", 2), ("dc2", 1)]), &nodes);
    let ring = TokenRing::new(&nodes);
    assert_eq!(ring.len(), 1920);
    for (t, owner) in ring.entries() {
        let replicas = m.replicas(*t);
        assert_eq!(
            replicas.first(),
            Some(owner),
            "the range's owner is its primary"
        );
        assert_eq!(replicas.len(), 6);
        let distinct: HashSet<usize> = replicas.iter().copied().collect();
        assert_eq!(distinct.len(), 6);
        for (dc, rf) in [("dc0", 3), ("dc1", 2), ("dc2", 1)] {
            let racks: HashSet<&str> = replicas
                .iter()
                .map(|&i| &nodes[i])
                .filter(|n| n.datacenter == dc)
                .map(|n| n.rack.as_str())
                .collect();
            // 3 racks per DC >= rf: every replica of a DC on its own rack.
            assert_eq!(racks.len(), rf, "{dc} at {t}");
        }
    }
}

#[path = "replicas_vectors.rs"]
mod vectors;

fn python_topology() -> Vec<NodeInfo> {
    vectors::NODES
        .iter()
        .map(|(i, dc, rack, tokens)| node(*i, dc, rack, tokens))
        .collect()
}

#[test]
fn network_topology_matches_the_python_driver() {
    let nodes = python_topology();
    let m = map(&nts(&[("dc1", 3), ("dc2", 3), ("dc3", 2)]), &nodes);
    assert_eq!(vectors::NTS_REPLICAS.len(), 48);
    for (token, expected) in vectors::NTS_REPLICAS {
        let mut got = m.replicas(Token(*token)).to_vec();
        got.sort_unstable();
        assert_eq!(got, *expected, "token {token}");
        // Tokens just after the previous ring token fall in the same range.
        let mut inner = m.replicas(Token(token.wrapping_sub(1))).to_vec();
        inner.sort_unstable();
        if !vectors::NTS_REPLICAS
            .iter()
            .any(|(t, _)| *t == token.wrapping_sub(1))
        {
            assert_eq!(inner, *expected, "token {token} - 1");
        }
    }
}

#[test]
fn simple_strategy_matches_the_python_driver() {
    let nodes = python_topology();
    let m = map(
        &ReplicationStrategy::Simple {
            replication_factor: 3,
        },
        &nodes,
    );
    assert_eq!(vectors::SIMPLE_REPLICAS.len(), 48);
    for (token, expected) in vectors::SIMPLE_REPLICAS {
        assert_eq!(m.replicas(Token(*token)), *expected, "token {token}");
    }
}
