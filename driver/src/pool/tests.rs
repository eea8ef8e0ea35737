use std::sync::Mutex;
use std::time::Duration;

use super::*;
use crate::connection::fake_peer::{fake_cluster, Action, PeerConfig};
use crate::policies::reconnection::ConstantReconnectionPolicy;
use crate::protocol::request::{Query, Request};
use crate::protocol::response::Response;

fn config() -> ConnectionConfig {
    ConnectionConfig {
        heartbeat_interval: None,
        ..ConnectionConfig::default()
    }
}

fn settings(size: usize, max: usize) -> PoolSettings {
    PoolSettings {
        size,
        max_requests_per_connection: max,
        reconnection: Arc::new(ConstantReconnectionPolicy::new(Duration::from_millis(10))),
    }
}

fn recorder() -> (StateListener, Arc<Mutex<Vec<NodeState>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let listener: StateListener = Arc::new(move |_, state| sink.lock().unwrap().push(state));
    (listener, seen)
}

async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !check() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn the_filler_opens_the_target_size_and_reports_up() {
    let (connector, _control) = fake_cluster(PeerConfig::new(|_| Action::Reply(Response::Ready)));
    let (listener, seen) = recorder();
    let address: SocketAddr = "127.0.0.1:9042".parse().unwrap();
    let pool = NodePool::new(
        connector,
        Some(address),
        config(),
        settings(3, 8),
        Some(listener),
    );
    pool.ensure_filled();
    eventually("three connections", || pool.open_connections() == 3).await;
    assert!(seen.lock().unwrap().contains(&NodeState::Up));
    pool.resize(1);
    assert_eq!(pool.connections().len(), 1);
    pool.close().await;
}

#[tokio::test]
async fn a_full_connection_is_not_picked() {
    // The peer never answers queries, so they stay in flight.
    let (connector, _control) = fake_cluster(PeerConfig::new(|frame| match frame.request {
        Request::Query(_) => Action::Ignore,
        _ => Action::Reply(Response::Ready),
    }));
    let pool = NodePool::new(connector.clone(), None, config(), settings(1, 2), None);
    let connection = Connection::open(connector, None, &config()).await.unwrap();
    pool.push(connection.clone());
    assert!(pool.pick().is_some());
    for _ in 0..2 {
        let c = connection.clone();
        tokio::spawn(async move {
            let _ = c
                .send(Request::Query(Query {
                    query: "SELECT 1".into(),
                    params: Default::default(),
                }))
                .await;
        });
    }
    eventually("two requests in flight", || pool.in_flight() == 2).await;
    assert!(pool.pick().is_none(), "a connection at its cap is skipped");
    pool.close().await;
}

#[tokio::test]
async fn a_node_that_refuses_connections_is_reported_down() {
    let (listener, seen) = recorder();
    // Port 1 on loopback refuses connections.
    let address: SocketAddr = "127.0.0.1:1".parse().unwrap();
    let pool = NodePool::spawn(address, config(), settings(1, 8), listener).unwrap();
    eventually("a down report", || {
        seen.lock().unwrap().contains(&NodeState::Down)
    })
    .await;
    assert!(pool.pick().is_none());
    pool.close().await;
}

mod cluster_pools {
    use super::*;
    use crate::cluster::{ClusterSnapshot, NodeInfo};
    use crate::policies::load_balancing::DefaultLoadBalancingPolicy;
    use crate::pool::cluster::{ClusterPoolSettings, ClusterPools};

    fn node(i: u8, dc: &str) -> NodeInfo {
        // Port 1 refuses connections: the pools keep failing, which these tests ignore.
        NodeInfo::new(
            uuid::Uuid::from_u128(i.into()),
            ([127, 0, 0, i + 1], 1).into(),
            dc,
            "r1",
        )
        .with_tokens(vec![i64::from(i) * 100])
    }

    fn pools(nodes: Vec<NodeInfo>) -> Arc<ClusterPools> {
        ClusterPools::new(
            ClusterSnapshot::new(nodes, []),
            Arc::new(DefaultLoadBalancingPolicy::new().local_datacenter("dc1")),
            ClusterPoolSettings {
                local_size: 2,
                remote_size: 1,
                max_requests_per_connection: 8,
                reconnection: Arc::new(ConstantReconnectionPolicy::new(Duration::from_secs(60))),
                connection: config(),
            },
        )
    }

    #[tokio::test]
    async fn pools_follow_distance_and_topology() {
        let all = vec![node(0, "dc1"), node(1, "dc1"), node(2, "dc2")];
        let pools = pools(all.clone());
        let address = |i: usize| all[i].address;
        assert!(pools.pool(address(0)).is_some());
        assert!(pools.pool(address(1)).is_some());
        assert!(
            pools.pool(address(2)).is_none(),
            "remote nodes are ignored by default"
        );

        // A state survives a refresh; a node that left loses its pool.
        pools.set_state(address(2), NodeState::Down);
        assert_eq!(pools.snapshot().state(2), Some(NodeState::Down));
        // Plans read the same through the view: pools by node index, states included.
        let view = pools.view();
        assert_eq!(view.snapshot().state(2), Some(NodeState::Down));
        assert_eq!(view.pool(1).and_then(NodePool::address), Some(address(1)));
        assert!(view.pool(2).is_none());
        pools.apply_topology(ClusterSnapshot::new(
            vec![all[0].clone(), all[2].clone()],
            [],
        ));
        let snapshot = pools.snapshot();
        assert_eq!(snapshot.nodes().len(), 2);
        assert_eq!(snapshot.state(1), Some(NodeState::Down));
        assert!(pools.pool(address(1)).is_none());
        let view = pools.view();
        assert_eq!(view.snapshot().nodes().len(), 2);
        assert_eq!(view.pool(0).and_then(NodePool::address), Some(address(0)));
        assert!(view.pool(1).is_none(), "the remote node has no pool");
        let statuses = pools.node_statuses();
        assert_eq!(statuses.len(), 2);
        assert_eq!(statuses[1].datacenter, "dc2");
        assert_eq!(statuses[1].state, NodeState::Down);
        pools.close().await;
        assert!(pools.pool(address(0)).is_none());
        assert!(
            pools.view().pool(0).is_none(),
            "closed pools leave the view"
        );
    }

    #[tokio::test]
    async fn state_changes_reach_subscribers() {
        let all = vec![node(0, "dc1"), node(1, "dc2")];
        let pools = pools(all.clone());
        let mut changes = pools.subscribe();
        changes.borrow_and_update();
        pools.set_state(all[1].address, NodeState::Up);
        tokio::time::timeout(Duration::from_secs(10), changes.changed())
            .await
            .unwrap()
            .unwrap();
        let list = changes.borrow().clone();
        assert!(list
            .iter()
            .any(|n| n.address == all[1].address && n.state == NodeState::Up));
        // Unknown addresses are ignored.
        pools.set_state("10.9.9.9:9042".parse().unwrap(), NodeState::Down);
        assert_eq!(pools.node_statuses().len(), 2);
        pools.close().await;
    }

    #[tokio::test]
    async fn a_state_reported_before_its_node_is_published_is_kept() {
        // A new node's pool can connect (and report Up) before the topology that lists the
        // node is published; the state must not be lost, or the node stays Unknown for good.
        let all = vec![node(0, "dc1"), node(1, "dc1")];
        let pools = pools(vec![all[0].clone()]);
        pools.set_state(all[1].address, NodeState::Up);
        assert_eq!(pools.node_statuses().len(), 1);
        pools.apply_topology(ClusterSnapshot::new(all.clone(), []));
        assert_eq!(pools.snapshot().state(1), Some(NodeState::Up));
        assert!(pools
            .node_statuses()
            .iter()
            .any(|n| n.address == all[1].address && n.state == NodeState::Up));
        pools.close().await;
    }
}
