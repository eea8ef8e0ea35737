//! Connection tests against the scripted fake peer.

use std::sync::atomic::Ordering;
use std::time::Duration;

use super::fake_peer::{fake_cluster, Action, PeerConfig};
use super::*;
use crate::protocol::request::{EventType, Query, QueryParameters, Request};
use crate::protocol::response::{Event, Response, ResultBody, StatusChange};
use crate::protocol::ProtocolVersion;

/// Answers a QUERY by echoing its text as a Set_keyspace result (so routing can be checked).
fn echo(delay: impl Fn(&str) -> Duration + Send + Sync + 'static) -> PeerConfig {
    PeerConfig::new(move |frame| match &frame.request {
        Request::Query(q) => Action::Delayed(
            delay(&q.query),
            Response::Result(ResultBody::SetKeyspace(q.query.clone())),
        ),
        Request::Register(_) => Action::Reply(Response::Ready),
        _ => Action::Ignore,
    })
}

fn query(text: &str) -> Request {
    Request::Query(Query {
        query: text.to_owned(),
        params: QueryParameters::default(),
    })
}

fn echoed(frame: crate::protocol::frame::ResponseFrame) -> String {
    match frame.response {
        Response::Result(ResultBody::SetKeyspace(text)) => text,
        other => panic!("unexpected answer {other:?}"),
    }
}

fn quiet_config() -> ConnectionConfig {
    ConnectionConfig {
        heartbeat_interval: None,
        ..ConnectionConfig::default()
    }
}

async fn open(
    peer: PeerConfig,
    config: &ConnectionConfig,
) -> (Connection, std::sync::Arc<super::fake_peer::PeerControl>) {
    let (connector, control) = fake_cluster(peer);
    let connection = Connection::open(connector, None, config)
        .await
        .expect("connects");
    (connection, control)
}

#[tokio::test]
async fn handshake_negotiates_v5_and_uses_segments() {
    let (conn, control) = open(echo(|_| Duration::ZERO), &quiet_config()).await;
    assert_eq!(conn.protocol_version(), ProtocolVersion::V5);
    assert_eq!(*control.startup_versions.lock().unwrap(), vec![5]);
    assert_eq!(echoed(conn.send(query("hello")).await.unwrap()), "hello");
    assert!(!conn.supported().options.is_empty());
    let options = control.startup_options.lock().unwrap().clone();
    assert!(options.contains(&("CQL_VERSION".into(), "3.0.0".into())));
    assert!(options.contains(&("DRIVER_NAME".into(), "Ringbolt".into())));
    assert!(options
        .iter()
        .any(|(k, v)| k == "DRIVER_VERSION" && v == DRIVER_VERSION));
}

#[tokio::test]
async fn falls_back_to_v4_on_protocol_error() {
    let mut peer = echo(|_| Duration::ZERO);
    peer.max_version = 4;
    let (conn, control) = open(peer, &quiet_config()).await;
    assert_eq!(conn.protocol_version(), ProtocolVersion::V4);
    assert_eq!(control.connections.load(Ordering::SeqCst), 2);
    assert_eq!(*control.startup_versions.lock().unwrap(), vec![4]);
    assert_eq!(echoed(conn.send(query("v4")).await.unwrap()), "v4");
}

#[tokio::test]
async fn falls_back_to_v4_when_the_server_closes() {
    let mut peer = echo(|_| Duration::ZERO);
    peer.max_version = 4;
    peer.close_on_bad_version = true;
    let (conn, _) = open(peer, &quiet_config()).await;
    assert_eq!(conn.protocol_version(), ProtocolVersion::V4);
}

#[tokio::test]
async fn pinned_version_is_not_negotiated() {
    let config = ConnectionConfig {
        protocol_version: Some(ProtocolVersion::V4),
        ..quiet_config()
    };
    let (conn, control) = open(echo(|_| Duration::ZERO), &config).await;
    assert_eq!(conn.protocol_version(), ProtocolVersion::V4);
    assert_eq!(control.connections.load(Ordering::SeqCst), 1);

    let mut old = echo(|_| Duration::ZERO);
    old.max_version = 4;
    let (connector, _) = fake_cluster(old);
    let pinned_v5 = ConnectionConfig {
        protocol_version: Some(ProtocolVersion::V5),
        ..quiet_config()
    };
    let err = Connection::open(connector, None, &pinned_v5)
        .await
        .unwrap_err();
    match err {
        ConnectionError::VersionNegotiation { tried, message } => {
            assert_eq!(tried, vec![ProtocolVersion::V5]);
            assert!(
                message.contains("unsupported protocol version"),
                "{message}"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
}

fn with_credentials() -> PeerConfig {
    let mut peer = echo(|_| Duration::ZERO);
    peer.credentials = Some(("app".into(), "s3cret".into()));
    peer
}

#[tokio::test]
async fn password_authentication_succeeds() {
    let config = ConnectionConfig {
        authenticator: Some(std::sync::Arc::new(PasswordAuthenticator::new(
            "app", "s3cret",
        ))),
        ..quiet_config()
    };
    let (conn, _) = open(with_credentials(), &config).await;
    assert_eq!(conn.protocol_version(), ProtocolVersion::V5);
    assert_eq!(
        echoed(conn.send(query("after auth")).await.unwrap()),
        "after auth"
    );
}

#[tokio::test]
async fn wrong_password_is_a_typed_error_without_the_password() {
    let config = ConnectionConfig {
        authenticator: Some(std::sync::Arc::new(PasswordAuthenticator::new(
            "app", "wrong-pw",
        ))),
        ..quiet_config()
    };
    let (connector, _) = fake_cluster(with_credentials());
    let err = Connection::open(connector, None, &config)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ConnectionError::AuthenticationFailed { .. }),
        "{err:?}"
    );
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("incorrect"), "{shown}");
    assert!(!shown.contains("wrong-pw"));
}

#[tokio::test]
async fn missing_credentials_say_what_to_configure() {
    let (connector, _) = fake_cluster(with_credentials());
    let err = Connection::open(connector, None, &quiet_config())
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        ConnectionError::AuthenticationRequired { .. }
    ));
    assert!(err.to_string().contains("configure credentials"));
}

#[tokio::test]
async fn keyspace_is_used_on_connect() {
    let config = ConnectionConfig {
        keyspace: Some("shop".into()),
        ..quiet_config()
    };
    let (conn, _) = open(echo(|_| Duration::ZERO), &config).await;
    assert!(!conn.is_closed());
}

#[tokio::test(start_paused = true)]
async fn answers_are_routed_by_stream_id_out_of_order() {
    // Later requests are answered first.
    let (conn, _) = open(
        echo(|text| {
            let n: u64 = text.parse().unwrap_or(0);
            Duration::from_millis(1000 - n)
        }),
        &quiet_config(),
    )
    .await;
    let requests = (0..500u64).map(|i| {
        let conn = conn.clone();
        async move { (i, conn.send(query(&i.to_string())).await) }
    });
    for (i, answer) in futures::future::join_all(requests).await {
        assert_eq!(echoed(answer.unwrap()), i.to_string());
    }
    assert_eq!(conn.in_flight(), 0);
}

#[tokio::test(start_paused = true)]
async fn cancelled_requests_do_not_leak_stream_ids() {
    let (conn, _) = open(echo(|_| Duration::from_millis(50)), &quiet_config()).await;
    let cancelled = (0..10_000).map(|i| {
        let conn = conn.clone();
        async move {
            let r =
                tokio::time::timeout(Duration::from_millis(1), conn.send(query(&i.to_string())))
                    .await;
            assert!(r.is_err(), "request {i} should have timed out");
        }
    });
    futures::future::join_all(cancelled).await;
    assert_eq!(conn.orphaned_streams(), 10_000);
    assert_eq!(conn.in_flight(), 10_000);
    // Dropping a future after its first poll orphans its id too.
    {
        let fut = conn.send(query("dropped"));
        futures::pin_mut!(fut);
        assert!(futures::poll!(fut.as_mut()).is_pending());
    }
    assert_eq!(conn.orphaned_streams(), 10_001);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(conn.orphaned_streams(), 0);
    assert_eq!(conn.in_flight(), 0);
    assert_eq!(
        echoed(conn.send(query("still fine")).await.unwrap()),
        "still fine"
    );
}

#[tokio::test(start_paused = true)]
async fn orphaned_ids_are_not_reused_until_answered() {
    let config = ConnectionConfig {
        max_streams: 4,
        ..quiet_config()
    };
    let (conn, _) = open(echo(|_| Duration::from_secs(3600)), &config).await;
    for i in 0..4 {
        let r =
            tokio::time::timeout(Duration::from_millis(1), conn.send(query(&i.to_string()))).await;
        assert!(r.is_err());
    }
    assert_eq!(conn.orphaned_streams(), 4);
    let err = conn.send(query("one too many")).await.unwrap_err();
    assert!(
        matches!(err, ConnectionError::StreamIdsExhausted),
        "{err:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_request_past_its_deadline_ends_and_its_id_waits_for_the_late_answer() {
    use super::tasks::DEADLINE_TICK;
    let (conn, _) = open(
        echo(|q| {
            if q == "slow" {
                Duration::from_secs(10)
            } else {
                Duration::ZERO
            }
        }),
        &quiet_config(),
    )
    .await;
    let start = tokio::time::Instant::now();
    let deadline = start + Duration::from_millis(50);
    let err = conn
        .send_until(&query("slow"), false, None, Some(deadline))
        .await
        .unwrap_err();
    assert!(matches!(err, SendError::DeadlineReached), "{err:?}");
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(50) && waited <= Duration::from_millis(50) + DEADLINE_TICK,
        "ended after {waited:?}"
    );
    assert_eq!((conn.in_flight(), conn.orphaned_streams()), (1, 1));
    // A request answered in time is unaffected by its deadline.
    let in_time = conn
        .send_until(
            &query("fast"),
            false,
            None,
            Some(start + Duration::from_secs(60)),
        )
        .await
        .unwrap();
    assert_eq!(echoed(in_time), "fast");
    // The late answer frees the expired request's id.
    tokio::time::sleep(Duration::from_secs(11)).await;
    assert_eq!((conn.in_flight(), conn.orphaned_streams()), (0, 0));
}

#[tokio::test]
async fn queued_frames_are_coalesced_into_few_writes() {
    let (conn, _) = open(echo(|_| Duration::ZERO), &quiet_config()).await;
    let before = conn.write_calls();
    let requests = (0..200).map(|i| conn.send(query(&i.to_string())));
    let answers = futures::future::join_all(requests).await;
    assert!(answers.iter().all(Result::is_ok));
    let writes = conn.write_calls() - before;
    assert!(writes <= 5, "200 requests took {writes} write calls");
}

#[tokio::test]
async fn frames_larger_than_a_segment_cross_several_segments() {
    use crate::protocol::response::{ColumnSpec, Rows, RowsMetadata};
    use crate::protocol::ColumnType;
    // Answers with the query text as one blob cell, so both directions carry 300 kB frames.
    let peer = PeerConfig::new(|frame| match &frame.request {
        Request::Query(q) => {
            let metadata = RowsMetadata {
                columns_count: 1,
                columns: vec![ColumnSpec {
                    keyspace: "ks".into(),
                    table: "t".into(),
                    name: "b".into(),
                    typ: ColumnType::Blob,
                }]
                .into(),
                ..RowsMetadata::default()
            };
            let rows = Rows::from_cells(metadata, [[Some(q.query.as_bytes())]]).unwrap();
            Action::Reply(Response::Result(ResultBody::Rows(rows)))
        }
        _ => Action::Ignore,
    });
    let (conn, _) = open(peer, &quiet_config()).await;
    assert_eq!(conn.protocol_version(), ProtocolVersion::V5);
    let big = "x".repeat(300_000);
    let answer = conn.send(query(&big)).await.unwrap();
    let Response::Result(ResultBody::Rows(rows)) = answer.response else {
        panic!("expected rows");
    };
    let mut reader = rows.reader();
    let mut cells = Vec::new();
    assert!(reader.next_row(&mut cells).unwrap());
    assert_eq!(cells[0], Some(big.as_bytes()));
}

#[tokio::test(start_paused = true)]
async fn heartbeats_keep_an_idle_connection() {
    let config = ConnectionConfig {
        heartbeat_interval: Some(Duration::from_secs(1)),
        heartbeat_timeout: Duration::from_secs(1),
        ..ConnectionConfig::default()
    };
    let (conn, control) = open(echo(|_| Duration::ZERO), &config).await;
    tokio::time::sleep(Duration::from_millis(5500)).await;
    let beats = control.heartbeats.load(Ordering::SeqCst);
    assert!((3..=6).contains(&beats), "{beats} heartbeats");
    assert!(!conn.is_closed());
}

#[tokio::test(start_paused = true)]
async fn unanswered_heartbeat_breaks_the_connection() {
    let config = ConnectionConfig {
        heartbeat_interval: Some(Duration::from_secs(1)),
        heartbeat_timeout: Duration::from_secs(2),
        ..ConnectionConfig::default()
    };
    let mut peer = echo(|_| Duration::from_secs(3600));
    peer.answer_heartbeats = false;
    let (conn, _) = open(peer, &config).await;
    let pending = tokio::spawn({
        let conn = conn.clone();
        async move { conn.send(query("never answered")).await }
    });
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert!(conn.is_closed());
    let Some(ConnectionError::HeartbeatFailed(cause)) = conn.close_reason() else {
        panic!(
            "expected a heartbeat failure, got {:?}",
            conn.close_reason()
        );
    };
    assert!(matches!(
        *cause,
        ConnectionError::Timeout {
            what: "heartbeat",
            ..
        }
    ));
    let err = pending.await.unwrap().unwrap_err();
    assert!(
        matches!(err, ConnectionError::HeartbeatFailed(_)),
        "{err:?}"
    );
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn events_reach_subscribers() {
    let (conn, control) = open(echo(|_| Duration::ZERO), &quiet_config()).await;
    let mut events = conn.subscribe_events();
    conn.register(vec![EventType::StatusChange]).await.unwrap();
    let event = Event::Status(StatusChange::Down("127.0.0.2:9042".parse().unwrap()));
    control.push_event(event.clone());
    let received = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(received, event);
}

#[tokio::test]
async fn close_fails_requests_in_flight() {
    let (conn, _) = open(echo(|_| Duration::from_secs(3600)), &quiet_config()).await;
    let pending = tokio::spawn({
        let conn = conn.clone();
        async move { conn.send(query("pending")).await }
    });
    tokio::task::yield_now().await;
    conn.close().await;
    let err = pending.await.unwrap().unwrap_err();
    assert!(matches!(err, ConnectionError::Closed { .. }), "{err:?}");
    assert!(conn.is_closed());
    assert!(matches!(
        conn.send(query("late")).await,
        Err(ConnectionError::Closed { .. })
    ));
}

#[tokio::test]
async fn server_closing_fails_requests_in_flight() {
    let peer = PeerConfig::new(|frame| match &frame.request {
        Request::Query(q) if q.query == "bye" => Action::Close,
        _ => Action::Ignore,
    });
    let (conn, _) = open(peer, &quiet_config()).await;
    let err = conn.send(query("bye")).await.unwrap_err();
    assert!(matches!(err, ConnectionError::Closed { .. }), "{err:?}");
    assert!(err.to_string().contains("server closed"));
}

#[tokio::test]
async fn connect_timeout_is_enforced() {
    let peer = PeerConfig::new(|_| Action::Ignore);
    let (connector, _) = fake_cluster(peer);
    // A connector whose server never answers the handshake.
    let silent: Connector = std::sync::Arc::new(move || {
        let _ = &connector;
        let (client, server) = tokio::io::duplex(64);
        Box::pin(async move {
            tokio::spawn(async move {
                let _server = server;
                tokio::time::sleep(Duration::from_secs(3600)).await;
            });
            Ok(Box::new(client) as BoxStream)
        })
    });
    let config = ConnectionConfig {
        connect_timeout: Duration::from_millis(50),
        ..quiet_config()
    };
    let err = Connection::open(silent, None, &config).await.unwrap_err();
    assert!(matches!(err, ConnectionError::Timeout { .. }), "{err:?}");
}
