//! Query plan tests on a hand-built three-datacenter cluster.

use std::collections::{BTreeMap, HashSet};

use super::*;
use crate::cluster::{NodeInfo, NodeState, ReplicationStrategy};

/// dc1: n0 (token 0), n1 (100), n2 (200), n3 (300); dc2: n4 (50), n5 (150), n6 (250);
/// dc3: n7 (350). Every node on its own rack. Keyspace `ks`: NTS dc1 2, dc2 1, dc3 1.
/// Token 90 -> walk from 100: n1 (dc1), n5 (dc2, done), n2 (dc1, done), n6 (dc2 full),
/// n3 (dc1 full), n7 (dc3, done): replicas [1, 5, 2, 7].
fn cluster() -> ClusterSnapshot {
    let spec = [
        ("dc1", 0),
        ("dc1", 100),
        ("dc1", 200),
        ("dc1", 300),
        ("dc2", 50),
        ("dc2", 150),
        ("dc2", 250),
        ("dc3", 350),
    ];
    let nodes = spec
        .iter()
        .enumerate()
        .map(|(i, (dc, t))| {
            let last = u8::try_from(i + 1).unwrap();
            NodeInfo::new(
                uuid::Uuid::from_u128(i as u128),
                ([127, 0, 0, last], 9042).into(),
                *dc,
                format!("rack{i}"),
            )
            .with_tokens(vec![*t])
        })
        .collect();
    let nts = ReplicationStrategy::NetworkTopology {
        datacenters: BTreeMap::from([("dc1".into(), 2), ("dc2".into(), 1), ("dc3".into(), 1)]),
    };
    ClusterSnapshot::new(nodes, [("ks".to_string(), nts)])
}

fn request(consistency: Consistency) -> RoutingInfo<'static> {
    let mut r = RoutingInfo::new(consistency);
    r.keyspace = Some("ks");
    r.token = Some(Token(90));
    r
}

fn set(items: &[usize]) -> HashSet<usize> {
    items.iter().copied().collect()
}

fn default_policy() -> DefaultLoadBalancingPolicy {
    DefaultLoadBalancingPolicy::new()
        .local_datacenter("dc1")
        .with_seed(7)
}

#[test]
fn replicas_check() {
    assert_eq!(cluster().replicas("ks", Token(90)), [1, 5, 2, 7]);
}

#[test]
fn local_replicas_then_local_nodes_and_no_remote_for_local_quorum() {
    let c = cluster();
    let p = default_policy().max_nodes_per_remote_dc(2);
    let plan = p.plan(&request(Consistency::LocalQuorum), &c);
    let s = plan.as_slice();
    assert_eq!(s.len(), 4, "{s:?}");
    assert_eq!(set(&s[..2]), set(&[1, 2]));
    assert_eq!(set(&s[2..]), set(&[0, 3]));
}

#[test]
fn remote_datacenters_bounded_with_replicas_first() {
    let c = cluster();
    let p = default_policy().max_nodes_per_remote_dc(1);
    let plan = p.plan(&request(Consistency::Quorum), &c);
    let s = plan.as_slice();
    // local: {1, 2} then {0, 3}; dc2: its replica n5; dc3: its replica n7.
    assert_eq!(s.len(), 6, "{s:?}");
    assert_eq!(&s[4..], [5, 7]);

    let p = default_policy().max_nodes_per_remote_dc(2);
    let plan = p.plan(&request(Consistency::Quorum), &c);
    let s = plan.as_slice();
    // dc2: n5 then one of n4/n6; dc3 has only n7.
    assert_eq!(s.len(), 7, "{s:?}");
    assert_eq!(s[4], 5);
    assert!(s[5] == 4 || s[5] == 6);
    assert_eq!(s[6], 7);
}

#[test]
fn no_remote_nodes_by_default() {
    let c = cluster();
    let plan = default_policy().plan(&request(Consistency::Quorum), &c);
    assert_eq!(set(plan.as_slice()), set(&[0, 1, 2, 3]));
}

#[test]
fn local_consistency_may_go_remote_when_allowed() {
    let c = cluster();
    let p = default_policy()
        .max_nodes_per_remote_dc(1)
        .allow_remote_dcs_for_local_consistency(true);
    for cl in [
        Consistency::LocalOne,
        Consistency::LocalQuorum,
        Consistency::LocalSerial,
    ] {
        let plan = p.plan(&request(cl), &c);
        assert_eq!(&plan.as_slice()[4..], [5, 7], "{cl:?}");
    }
}

#[test]
fn local_serial_keeps_the_plan_local() {
    let c = cluster();
    let p = default_policy().max_nodes_per_remote_dc(3);
    let mut r = request(Consistency::One);
    r.serial_consistency = Some(SerialConsistency::LocalSerial);
    assert_eq!(p.plan(&r, &c).len(), 4);
    r.serial_consistency = Some(SerialConsistency::Serial);
    assert_eq!(p.plan(&r, &c).len(), 4 + 3 + 1);
    for cl in [Consistency::LocalOne, Consistency::LocalSerial] {
        assert_eq!(p.plan(&request(cl), &c).len(), 4, "{cl:?}");
    }
}

#[test]
fn down_nodes_are_left_out() {
    let c = cluster()
        .with_state(1, NodeState::Down)
        .with_state(5, NodeState::Down)
        .with_state(0, NodeState::Up);
    let p = default_policy().max_nodes_per_remote_dc(1);
    let plan = p.plan(&request(Consistency::Quorum), &c);
    let s = plan.as_slice();
    assert_eq!(s[0], 2);
    assert!(!s.contains(&1) && !s.contains(&5));
    // dc2's replica is down: one other dc2 node instead.
    assert_eq!(s.len(), 5, "{s:?}");
    assert!(s[3] == 4 || s[3] == 6);
    assert_eq!(s[4], 7);
}

#[test]
fn busy_replicas_move_back() {
    let c = cluster();
    let p = default_policy();
    let in_flight = [0, 500, 3, 0, 0, 0, 0, 0];
    for _ in 0..20 {
        let mut r = request(Consistency::LocalOne);
        r.in_flight = &in_flight;
        let plan = p.plan(&r, &c);
        assert_eq!(&plan.as_slice()[..2], [2, 1]);
    }
    // Below the threshold nothing moves: both orders appear.
    let p = default_policy().busy_threshold(1000);
    let mut firsts = HashSet::new();
    for _ in 0..40 {
        let mut r = request(Consistency::LocalOne);
        r.in_flight = &in_flight;
        firsts.insert(p.plan(&r, &c).as_slice()[0]);
    }
    assert_eq!(firsts, set(&[1, 2]));
}

#[test]
fn replicas_are_shuffled_and_other_nodes_rotate() {
    let c = cluster();
    let p = default_policy();
    let mut replica_orders = HashSet::new();
    let mut rest_orders = HashSet::new();
    for _ in 0..40 {
        let plan = p.plan(&request(Consistency::LocalOne), &c);
        let s = plan.as_slice().to_vec();
        replica_orders.insert((s[0], s[1]));
        rest_orders.insert((s[2], s[3]));
    }
    assert_eq!(replica_orders.len(), 2);
    assert_eq!(rest_orders.len(), 2);
}

#[test]
fn without_token_or_keyspace_plans_local_nodes_round_robin() {
    let c = cluster();
    let p = default_policy();
    let mut r = request(Consistency::One);
    r.token = None;
    let first = p.plan(&r, &c);
    let second = p.plan(&r, &c);
    assert_eq!(set(first.as_slice()), set(&[0, 1, 2, 3]));
    assert_ne!(first, second);
    let mut r = request(Consistency::One);
    r.keyspace = Some("other");
    assert_eq!(p.plan(&r, &c).len(), 4);
}

#[test]
fn without_local_datacenter_every_node_is_local() {
    let c = cluster();
    let p = DefaultLoadBalancingPolicy::new().with_seed(1);
    let plan = p.plan(&request(Consistency::LocalOne), &c);
    let s = plan.as_slice();
    assert_eq!(s.len(), 8);
    assert_eq!(set(&s[..4]), set(&[1, 5, 2, 7]));
}

#[test]
fn target_node_is_the_whole_plan() {
    let c = cluster().with_state(6, NodeState::Down);
    let p = default_policy();
    let mut r = request(Consistency::One);
    r.target_node = Some(6);
    assert_eq!(p.plan(&r, &c).as_slice(), [6]);
    r.target_node = Some(99);
    assert!(p.plan(&r, &c).is_empty());
    assert_eq!(RoundRobinPolicy::new().plan(&r, &c).len(), 0);
    r.target_node = Some(3);
    assert_eq!(RoundRobinPolicy::new().plan(&r, &c).as_slice(), [3]);
}

#[test]
fn round_robin_rotates_and_skips_down_nodes() {
    let c = cluster().with_state(2, NodeState::Down);
    let p = RoundRobinPolicy::new();
    let r = request(Consistency::One);
    assert_eq!(p.plan(&r, &c).as_slice(), [0, 1, 3, 4, 5, 6, 7]);
    assert_eq!(p.plan(&r, &c).as_slice(), [1, 3, 4, 5, 6, 7, 0]);
    assert_eq!(p.plan(&r, &c).as_slice(), [3, 4, 5, 6, 7, 0, 1]);
    let empty = ClusterSnapshot::new(Vec::new(), []);
    assert!(p.plan(&r, &empty).is_empty());
}

#[test]
fn dc_aware_round_robin_ignores_tokens() {
    let c = cluster();
    let p = DcAwareRoundRobinPolicy::new("dc1").max_nodes_per_remote_dc(1);
    let r = request(Consistency::Quorum);
    let mut firsts = Vec::new();
    for _ in 0..4 {
        let plan = p.plan(&r, &c);
        assert_eq!(set(&plan.as_slice()[..4]), set(&[0, 1, 2, 3]));
        assert_eq!(plan.len(), 6);
        firsts.push(plan.as_slice()[0]);
    }
    assert_eq!(firsts, [0, 1, 2, 3]);
    let local = DcAwareRoundRobinPolicy::new("dc1")
        .max_nodes_per_remote_dc(1)
        .allow_remote_dcs_for_local_consistency(false);
    assert_eq!(local.plan(&request(Consistency::LocalOne), &c).len(), 4);
}

#[test]
fn allow_list_filters_the_inner_plan() {
    let c = cluster();
    let allowed =
        ["127.0.0.3:9042", "127.0.0.6:9042", "127.0.0.9:9042"].map(|a| a.parse().unwrap());
    let p = AllowListPolicy::new(default_policy().max_nodes_per_remote_dc(1), allowed);
    // n2 (127.0.0.3) is a local replica; n5 (127.0.0.6) the dc2 replica.
    assert_eq!(p.plan(&request(Consistency::Quorum), &c).as_slice(), [2, 5]);
    assert!(p.allows(&c, 2) && !p.allows(&c, 0) && !p.allows(&c, 42));
    let boxed: Box<dyn LoadBalancingPolicy> = Box::new(RoundRobinPolicy::new());
    let p = AllowListPolicy::new(std::sync::Arc::new(boxed), allowed);
    assert_eq!(p.plan(&request(Consistency::One), &c).as_slice(), [2, 5]);
}

#[test]
fn plans_never_repeat_a_node() {
    let c = cluster();
    let p = DefaultLoadBalancingPolicy::new()
        .local_datacenter("dc2")
        .max_nodes_per_remote_dc(10);
    for cl in [Consistency::One, Consistency::LocalOne] {
        let plan = p.plan(&request(cl), &c);
        let unique: HashSet<_> = plan.iter().collect();
        assert_eq!(unique.len(), plan.len());
    }
    assert_eq!(p.plan(&request(Consistency::One), &c).len(), 8);
    let s = p.plan(&request(Consistency::One), &c);
    assert_eq!(s.as_slice()[0], 5);
}

#[test]
fn distances_follow_the_plans() {
    let c = cluster();
    let local_only = default_policy();
    assert_eq!(local_only.distance(&c, 0), NodeDistance::Local);
    assert_eq!(local_only.distance(&c, 4), NodeDistance::Ignored);
    assert_eq!(local_only.distance(&c, 99), NodeDistance::Ignored);
    let with_remote = default_policy().max_nodes_per_remote_dc(1);
    assert_eq!(with_remote.distance(&c, 3), NodeDistance::Local);
    assert_eq!(with_remote.distance(&c, 7), NodeDistance::Remote);
    let dc_aware = DcAwareRoundRobinPolicy::new("dc2").max_nodes_per_remote_dc(1);
    assert_eq!(dc_aware.distance(&c, 4), NodeDistance::Local);
    assert_eq!(dc_aware.distance(&c, 0), NodeDistance::Remote);
    assert_eq!(RoundRobinPolicy::new().distance(&c, 7), NodeDistance::Local);
    let allow = AllowListPolicy::new(with_remote, ["127.0.0.8:9042".parse().unwrap()]);
    assert_eq!(allow.distance(&c, 7), NodeDistance::Remote);
    assert_eq!(allow.distance(&c, 0), NodeDistance::Ignored);
    let shared: std::sync::Arc<dyn LoadBalancingPolicy> = std::sync::Arc::new(allow);
    assert_eq!(shared.distance(&c, 7), NodeDistance::Remote);
}
