//! Cluster awareness against an in-process two-datacenter `ringbolt-sim` cluster: token-aware
//! routing to local replicas, datacenter locality, node failure and recovery, new nodes and
//! replication changes picked up without restarting the session.
//!
//! Addresses: 127.0.20.x to 127.0.29.x (p1's range), one third octet per test.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use ringbolt::cluster::{composite_routing_key, murmur3_token};
use ringbolt::cluster::{ClusterSnapshot, NodeInfo, NodeState, ReplicationStrategy, Token};
use ringbolt::protocol::Opcode;
use ringbolt::session::{NewSessionError, PreparedStatement, Session};
use ringbolt_sim::{FaultRule, SimCluster};

const WAIT: Duration = Duration::from_secs(30);

async fn start(octet: u8) -> SimCluster {
    SimCluster::builder()
        .datacenter("dc1", 3)
        .datacenter("dc2", 3)
        .base_address(IpAddr::V4(Ipv4Addr::new(127, 0, octet, 1)))
        .port(0)
        .start()
        .await
        .expect("the sim cluster starts")
}

async fn connect(cluster: &SimCluster) -> Session {
    Session::builder()
        .contact_point(cluster.contact_points()[0])
        .local_datacenter("dc1")
        .heartbeat_interval(None)
        .topology_refresh(Duration::from_millis(100), Duration::from_secs(60))
        .build()
        .await
        .expect("the session connects")
}

/// The replicas of `key` in a keyspace with `strategy`, computed from the sim's own topology.
fn replicas(cluster: &SimCluster, strategy: &ReplicationStrategy, key: &[u8]) -> Vec<usize> {
    let nodes: Vec<NodeInfo> = cluster
        .nodes()
        .into_iter()
        .map(|n| {
            NodeInfo::new(n.host_id, (n.address, n.port).into(), n.datacenter, n.rack)
                .with_tokens(n.tokens)
        })
        .collect();
    let snapshot = ClusterSnapshot::new(nodes, [("ks".to_string(), strategy.clone())]);
    snapshot.replicas("ks", Token(murmur3_token(key))).to_vec()
}

fn coordinated(cluster: &SimCluster) -> Vec<u64> {
    (0..cluster.nodes().len())
        .map(|i| cluster.node_stats(i).0)
        .collect()
}

fn datacenter(cluster: &SimCluster, index: usize) -> String {
    cluster.nodes()[index].datacenter.clone()
}

/// Runs `prepared` once per key and counts requests coordinated by the best node the policy
/// can choose: a dc1 replica when the key has one, else a dc1 node. Returns (best, measured).
async fn measure<K>(
    cluster: &SimCluster,
    session: &Session,
    prepared: &PreparedStatement,
    strategy: &ReplicationStrategy,
    keys: impl IntoIterator<Item = (K, Vec<u8>)>,
) -> (usize, usize)
where
    K: ringbolt::types::SerializeRow,
{
    let (mut best, mut measured) = (0, 0);
    for (values, routing_key) in keys {
        let before = coordinated(cluster);
        session.execute(prepared, values).await.expect("request");
        let after = coordinated(cluster);
        let moved: Vec<usize> = (0..after.len())
            .filter(|&i| after[i] > before.get(i).copied().unwrap_or(0))
            .collect();
        let [node] = moved.as_slice() else {
            continue; // another request (a metadata refresh) ran at the same time
        };
        measured += 1;
        let local_replicas: Vec<usize> = replicas(cluster, strategy, &routing_key)
            .into_iter()
            .filter(|&r| datacenter(cluster, r) == "dc1")
            .collect();
        let ok = if local_replicas.is_empty() {
            datacenter(cluster, *node) == "dc1"
        } else {
            local_replicas.contains(node)
        };
        if ok {
            best += 1;
        }
    }
    (best, measured)
}

fn strategy(map: &[(&str, &str)]) -> ReplicationStrategy {
    let map: HashMap<String, String> = map
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    ReplicationStrategy::from_replication_map(&map).unwrap()
}

async fn wait_for(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !check() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn state_of(session: &Session, cluster: &SimCluster, index: usize) -> Option<(NodeState, usize)> {
    let node = &cluster.nodes()[index];
    session
        .cluster_state()
        .into_iter()
        .find(|n| n.address.ip() == node.address)
        .map(|n| (n.state, n.open_connections))
}

#[tokio::test]
async fn prepared_requests_go_to_local_replicas() {
    let cluster = start(20).await;
    let session = connect(&cluster).await;
    let simple = [("class", "SimpleStrategy"), ("replication_factor", "3")];
    let nts = [
        ("class", "NetworkTopologyStrategy"),
        ("dc1", "2"),
        ("dc2", "2"),
    ];
    for (ks, map) in [("simple_ks", &simple[..]), ("nts_ks", &nts[..])] {
        let options: Vec<String> = map.iter().map(|(k, v)| format!("'{k}': '{v}'")).collect();
        session
            .query(
                format!(
                    "CREATE KEYSPACE {ks} WITH replication = {{{}}}",
                    options.join(", ")
                ),
                (),
            )
            .await
            .unwrap();
        session
            .query(
                format!("CREATE TABLE {ks}.single (id int PRIMARY KEY, v text)"),
                (),
            )
            .await
            .unwrap();
        session
            .query(
                format!("CREATE TABLE {ks}.composite (a int, b text, c int, v int, PRIMARY KEY ((a, b), c))"),
                (),
            )
            .await
            .unwrap();
    }
    // Let the schema events refresh the session's replica maps.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut total = (0, 0);
    for (ks, map) in [("simple_ks", &simple[..]), ("nts_ks", &nts[..])] {
        let strategy = strategy(map);
        let single = session
            .prepare(format!("INSERT INTO {ks}.single (id, v) VALUES (?, ?)"))
            .await
            .unwrap();
        let keys = (0..150i32).map(|i| ((i, format!("v{i}")), i.to_be_bytes().to_vec()));
        let (best, measured) = measure(&cluster, &session, &single, &strategy, keys).await;
        println!("{ks}.single: {best}/{measured} to the best local node");
        total = (total.0 + best, total.1 + measured);

        let composite = session
            .prepare(format!(
                "SELECT v FROM {ks}.composite WHERE a = ? AND b = ?"
            ))
            .await
            .unwrap();
        let keys = (0..150i32).map(|i| {
            let b = format!("k{i}");
            let key = composite_routing_key(&[&i.to_be_bytes(), b.as_bytes()]);
            ((i, b), key)
        });
        let (best, measured) = measure(&cluster, &session, &composite, &strategy, keys).await;
        println!("{ks}.composite: {best}/{measured} to the best local node");
        total = (total.0 + best, total.1 + measured);
    }
    assert!(total.1 >= 500, "too few measurable requests: {total:?}");
    assert!(
        total.0 * 100 >= total.1 * 99,
        "only {}/{} requests went to a local replica",
        total.0,
        total.1
    );
    // No request reached dc2.
    for i in 3..6 {
        assert_eq!(
            cluster.node_stats(i).0,
            0,
            "node {i} (dc2) coordinated requests"
        );
    }
    let metrics = session.metrics();
    assert!(metrics.requests >= 600, "{metrics:?}");
    assert_eq!(
        metrics.latency_buckets.iter().sum::<u64>(),
        metrics.requests
    );
    assert_eq!(metrics.total_errors(), 0, "{metrics:?}");
    let state = session.cluster_state();
    assert_eq!(state.len(), 6);
    assert!(state
        .iter()
        .filter(|n| n.datacenter == "dc1")
        .all(|n| n.state == NodeState::Up));
    session.close().await;
}

#[tokio::test]
async fn requests_without_routing_key_stay_local_and_spread() {
    let cluster = start(21).await;
    let session = connect(&cluster).await;
    session
        .query("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}", ())
        .await
        .unwrap();
    session
        .query("CREATE TABLE ks.t (id int PRIMARY KEY, v int)", ())
        .await
        .unwrap();
    // `USE` switches every connection of every pool, so unqualified names work on all nodes.
    session.query("USE ks", ()).await.unwrap();
    assert_eq!(session.keyspace().as_deref(), Some("ks"));
    let before = coordinated(&cluster);
    // CQL text without values: no routing key, so plans rotate over the local nodes.
    for _ in 0..60 {
        session
            .query("SELECT v FROM t WHERE id = 1", ())
            .await
            .unwrap();
    }
    let after = coordinated(&cluster);
    for i in 0..3 {
        assert!(
            after[i] > before[i],
            "dc1 node {i} got no request: {after:?}"
        );
    }
    for i in 3..6 {
        assert_eq!(after[i], 0, "dc2 node {i} got requests: {after:?}");
    }
    // With every local node down, LOCAL_ONE requests do not go to dc2 by default.
    for i in 0..3 {
        cluster.stop_node(i).await.unwrap();
    }
    wait_for("the local nodes to be marked down", || {
        (0..3).all(|i| matches!(state_of(&session, &cluster, i), Some((NodeState::Down, _))))
    })
    .await;
    let err = session.query("SELECT v FROM ks.t WHERE id = 1", ()).await;
    assert!(err.is_err(), "{err:?}");
    for i in 3..6 {
        assert_eq!(cluster.node_stats(i).0, 0, "dc2 node {i} got requests");
    }
    session.close().await;
}

#[tokio::test]
async fn a_stopped_node_is_avoided_marked_down_and_comes_back() {
    let cluster = start(22).await;
    let session = connect(&cluster).await;
    session
        .query("CREATE KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 1}", ())
        .await
        .unwrap();
    session
        .query("CREATE TABLE ks.t (id int PRIMARY KEY, v int)", ())
        .await
        .unwrap();
    let mut insert = session
        .prepare("INSERT INTO ks.t (id, v) VALUES (?, ?)")
        .await
        .unwrap();
    insert.options_mut().idempotent = true;
    // Node 1 is not the control node (node 0), so the control connection stays put.
    let stopped = 1;
    // Eight concurrent writers; the node stops while they run.
    const WRITERS: i32 = 8;
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let session = session.clone();
            let insert = insert.clone();
            tokio::spawn(async move {
                let mut failures = 0u32;
                for i in 0..60i32 {
                    let id = w * 1000 + i;
                    if session.execute(&insert, (id, id)).await.is_err() {
                        failures += 1;
                    }
                }
                failures
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(20)).await;
    cluster.stop_node(stopped).await.unwrap();
    let mut failures = 0;
    for writer in writers {
        failures += writer.await.unwrap();
    }
    println!(
        "requests failed while node {stopped} stopped: {failures} of {}",
        WRITERS * 60
    );
    // Without retries, only requests in flight on the stopped node may fail: at most one per
    // writer.
    assert!(failures <= WRITERS as u32, "{failures} requests failed");
    let metrics = session.metrics();
    assert_eq!(metrics.total_errors(), u64::from(failures), "{metrics:?}");
    wait_for("the stopped node to be marked down", || {
        matches!(
            state_of(&session, &cluster, stopped),
            Some((NodeState::Down, _))
        )
    })
    .await;
    for i in 100..150i32 {
        session
            .execute(&insert, (i, i))
            .await
            .expect("requests avoid the down node");
    }
    let coordinated_while_down = cluster.node_stats(stopped).0;
    cluster.start_node(stopped).await.unwrap();
    wait_for(
        "the restarted node to be up with a connection",
        || matches!(state_of(&session, &cluster, stopped), Some((NodeState::Up, n)) if n >= 1),
    )
    .await;
    for i in 150..250i32 {
        session.execute(&insert, (i, i)).await.unwrap();
    }
    assert!(
        cluster.node_stats(stopped).0 > coordinated_while_down,
        "the restarted node gets requests again"
    );
    session.close().await;
}

#[tokio::test]
async fn new_nodes_and_replication_changes_update_routing() {
    let cluster = start(23).await;
    let session = connect(&cluster).await;
    session
        .query("CREATE KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 1, 'dc2': 1}", ())
        .await
        .unwrap();
    session
        .query("CREATE TABLE ks.t (id int PRIMARY KEY, v int)", ())
        .await
        .unwrap();
    let added = cluster.add_node("dc1").await.unwrap();
    wait_for(
        "the new node to be known and up",
        || matches!(state_of(&session, &cluster, added), Some((NodeState::Up, n)) if n >= 1),
    )
    .await;
    let insert = session
        .prepare("INSERT INTO ks.t (id, v) VALUES (?, ?)")
        .await
        .unwrap();
    let rf1 = strategy(&[
        ("class", "NetworkTopologyStrategy"),
        ("dc1", "1"),
        ("dc2", "1"),
    ]);
    let keys = (0..200i32).map(|i| ((i, i), i.to_be_bytes().to_vec()));
    let (best, measured) = measure(&cluster, &session, &insert, &rf1, keys).await;
    println!("after NEW_NODE: {best}/{measured} to the local replica");
    assert!(
        best * 100 >= measured * 99 && measured >= 150,
        "{best}/{measured}"
    );
    assert!(
        cluster.node_stats(added).0 > 0,
        "the new node coordinates its ranges"
    );

    session
        .query("ALTER KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 1}", ())
        .await
        .unwrap();
    let rf2 = strategy(&[
        ("class", "NetworkTopologyStrategy"),
        ("dc1", "2"),
        ("dc2", "1"),
    ]);
    // With two dc1 replicas the policy spreads requests over both: some now reach the
    // replica that RF 1 did not have.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let (mut to_new_replica, mut to_replica, mut measured) = (0, 0, 0);
        for i in 0..200i32 {
            let before = coordinated(&cluster);
            session.execute(&insert, (i, i)).await.unwrap();
            let after = coordinated(&cluster);
            let moved: Vec<usize> = (0..after.len())
                .filter(|&n| after[n] > before.get(n).copied().unwrap_or(0))
                .collect();
            let [node] = moved.as_slice() else { continue };
            measured += 1;
            let key = i.to_be_bytes();
            let old = replicas(&cluster, &rf1, &key);
            let new = replicas(&cluster, &rf2, &key);
            if new.contains(node) && datacenter(&cluster, *node) == "dc1" {
                to_replica += 1;
                if !old.contains(node) {
                    to_new_replica += 1;
                }
            }
        }
        println!(
            "after ALTER KEYSPACE: {to_replica}/{measured} to a local replica, \
             {to_new_replica} to the added replica"
        );
        if to_replica * 100 >= measured * 99 && measured >= 150 && to_new_replica >= 20 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "routing never followed the new replication"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    session.close().await;
}

#[tokio::test]
async fn the_local_datacenter_must_be_one_of_the_cluster() {
    let cluster = start(24).await;
    let err = Session::builder()
        .contact_point(cluster.contact_points()[0])
        .local_datacenter("dc9")
        .build()
        .await
        .unwrap_err();
    assert!(
        matches!(err, NewSessionError::LocalDatacenter(_)),
        "{err:?}"
    );
    let cause = std::error::Error::source(&err).unwrap().to_string();
    assert!(cause.contains("dc1, dc2"), "{cause}");
    let err = Session::builder()
        .contact_point(cluster.contact_points()[0])
        .build()
        .await
        .unwrap_err();
    assert!(
        matches!(err, NewSessionError::LocalDatacenter(_)),
        "{err:?}"
    );
}

/// The node that coordinated `run`, when exactly one node's counter moved.
async fn coordinator_of<F, T>(cluster: &SimCluster, run: F) -> Option<usize>
where
    F: std::future::Future<Output = T>,
{
    let before = coordinated(cluster);
    run.await;
    let after = coordinated(cluster);
    let moved: Vec<usize> = (0..after.len())
        .filter(|&n| after[n] > before.get(n).copied().unwrap_or(0))
        .collect();
    match moved.as_slice() {
        [node] => Some(*node),
        _ => None,
    }
}

#[tokio::test]
async fn routing_keys_target_nodes_and_batches_route_as_asked() {
    use ringbolt::session::{BatchStatement, SimpleStatement};

    let cluster = start(25).await;
    let session = connect(&cluster).await;
    session
        .query("CREATE KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 1, 'dc2': 1}", ())
        .await
        .unwrap();
    session
        .query("CREATE TABLE ks.t (id int PRIMARY KEY, v int)", ())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rf1 = strategy(&[
        ("class", "NetworkTopologyStrategy"),
        ("dc1", "1"),
        ("dc2", "1"),
    ]);
    let local_replica = |key: i32| {
        replicas(&cluster, &rf1, &key.to_be_bytes())
            .into_iter()
            .find(|&r| datacenter(&cluster, r) == "dc1")
    };

    // A routing key set on CQL text routes it like a prepared statement.
    let (mut right, mut measured) = (0, 0);
    for id in 0..50i32 {
        let statement = SimpleStatement::new(format!("SELECT v FROM ks.t WHERE id = {id}"))
            .with_routing_keyspace("ks")
            .with_routing_key(id.to_be_bytes().to_vec());
        if let Some(node) = coordinator_of(&cluster, async {
            session.query(statement, ()).await.unwrap()
        })
        .await
        {
            measured += 1;
            right += usize::from(Some(node) == local_replica(id));
        }
    }
    assert!(
        right * 100 >= measured * 99 && measured >= 40,
        "{right}/{measured}"
    );

    // A target node gets the request, whatever the key's replicas.
    for target in 0..3 {
        let address = cluster.contact_points()[target];
        for id in 0..5 {
            let statement = SimpleStatement::new(format!("SELECT v FROM ks.t WHERE id = {id}"))
                .with_routing_keyspace("ks")
                .with_routing_key(i32::to_be_bytes(id).to_vec())
                .with_target_node(address);
            let node = coordinator_of(&cluster, async {
                session.query(statement, ()).await.unwrap()
            })
            .await;
            assert!(
                node.is_none() || node == Some(target),
                "{node:?} instead of {target}"
            );
        }
    }
    // A node the policy ignores (remote datacenter, no remote nodes allowed) has no pool.
    let remote = SimpleStatement::new("SELECT v FROM ks.t WHERE id = 1")
        .with_target_node(cluster.contact_points()[4]);
    assert!(session.query(remote, ()).await.is_err());

    // A batch routes by its first statement's partition key.
    let insert = session
        .prepare("INSERT INTO ks.t (id, v) VALUES (?, ?)")
        .await
        .unwrap();
    // The sim does not count batches per node, so every other dc1 node refuses batches: a
    // batch sent anywhere but the first key's replica fails (the session does not retry).
    let mut failed = 0;
    for id in 0..50i32 {
        let Some(replica) = local_replica(id) else {
            continue;
        };
        let rules: Vec<_> = (0..3)
            .filter(|&n| n != replica)
            .map(|n| {
                cluster.inject(
                    FaultRule::new()
                        .on_node(n)
                        .opcode(Opcode::Batch)
                        .reply_error(ringbolt_sim::fault::errors::server_error(
                            "batch on a non-replica",
                        )),
                )
            })
            .collect();
        let mut batch = BatchStatement::unlogged();
        batch.append(insert.clone()).append(insert.clone());
        if session
            .batch(&batch, ((id, 1), (id + 1000, 2)))
            .await
            .is_err()
        {
            failed += 1;
        }
        for rule in rules {
            cluster.remove_fault(rule);
        }
    }
    assert!(
        failed == 0,
        "{failed} batches did not go to their first key's replica"
    );
    session.close().await;
}

#[tokio::test]
async fn the_control_connection_moves_when_its_node_stops() {
    let cluster = start(26).await;
    let session = connect(&cluster).await;
    // Node 0 was the contact point, so it holds the control connection.
    cluster.stop_node(0).await.unwrap();
    wait_for("node 0 to be marked down", || {
        matches!(state_of(&session, &cluster, 0), Some((NodeState::Down, _)))
    })
    .await;
    // Only a control connection on another node can learn about the new node.
    let added = cluster.add_node("dc1").await.unwrap();
    wait_for(
        "the new node to be known and up",
        || matches!(state_of(&session, &cluster, added), Some((NodeState::Up, n)) if n >= 1),
    )
    .await;
    let mut changes = session.cluster_state_changes().expect("topology is known");
    cluster.start_node(0).await.unwrap();
    tokio::time::timeout(WAIT, async {
        loop {
            let up = changes
                .borrow_and_update()
                .iter()
                .any(|n| n.address == cluster.contact_points()[0] && n.state == NodeState::Up);
            if up {
                return;
            }
            changes.changed().await.unwrap();
        }
    })
    .await
    .expect("node 0 comes back up");
    session.close().await;
}

#[tokio::test]
async fn remote_nodes_are_used_only_when_local_ones_are_down_and_the_policy_allows() {
    use ringbolt::policies::load_balancing::DefaultLoadBalancingPolicy;
    use std::sync::Arc;

    let cluster = start(27).await;
    let policy = DefaultLoadBalancingPolicy::new()
        .local_datacenter("dc1")
        .max_nodes_per_remote_dc(2)
        .allow_remote_dcs_for_local_consistency(true);
    let session = Session::builder()
        .contact_point(cluster.contact_points()[0])
        .local_datacenter("dc1")
        .heartbeat_interval(None)
        .load_balancing_policy(Arc::new(policy))
        .pool_size(2, 1)
        .max_requests_per_connection(64)
        .build()
        .await
        .unwrap();
    session
        .query("CREATE KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 1, 'dc2': 1}", ())
        .await
        .unwrap();
    session
        .query("CREATE TABLE ks.t (id int PRIMARY KEY, v int)", ())
        .await
        .unwrap();
    let insert = session
        .prepare("INSERT INTO ks.t (id, v) VALUES (?, ?)")
        .await
        .unwrap();
    // Pools are sized by distance: two connections per local node, one per remote node.
    wait_for("pools sized by distance", || {
        let state = session.cluster_state();
        state.len() == 6
            && state.iter().all(|n| match n.datacenter.as_str() {
                "dc1" => n.open_connections == 2,
                _ => n.open_connections == 1,
            })
    })
    .await;
    for i in 0..50i32 {
        session.execute(&insert, (i, i)).await.unwrap();
    }
    for i in 3..6 {
        assert_eq!(
            cluster.node_stats(i).0,
            0,
            "dc2 node {i} coordinated while dc1 is up"
        );
    }
    for i in 0..3 {
        cluster.stop_node(i).await.unwrap();
    }
    wait_for("the local nodes to be marked down", || {
        (0..3).all(|i| matches!(state_of(&session, &cluster, i), Some((NodeState::Down, _))))
    })
    .await;
    for i in 0..50i32 {
        session
            .execute(&insert, (i, i))
            .await
            .expect("remote nodes take over when the policy allows");
    }
    let remote: u64 = (3..6).map(|i| cluster.node_stats(i).0).sum();
    assert!(remote >= 50, "dc2 coordinated {remote} requests");
    session.close().await;
}
