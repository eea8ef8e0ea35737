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
