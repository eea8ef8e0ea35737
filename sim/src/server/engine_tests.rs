//! The server with the real CQL engine behind it: schema events, keyspaces per connection,
//! fault rules on prepared statements, node counters.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use ringbolt_driver::protocol::request::{EventType, Execute, Prepare, Register, Request};
use ringbolt_driver::protocol::response::{ErrorCode, Event, Response, ResultBody, WriteType};
use ringbolt_driver::protocol::{Opcode, ProtocolVersion};

use super::test_client::TestClient;
use crate::fault::FaultRule;
use crate::SimCluster;

fn rows_count(response: &Response) -> Option<i32> {
    match response {
        Response::Result(ResultBody::Rows(rows)) => Some(rows.rows_count),
        _ => None,
    }
}

#[tokio::test]
async fn cql_through_the_engine_with_events_and_faults() {
    let cluster = SimCluster::builder()
        .nodes(2)
        .base_address(IpAddr::V4(Ipv4Addr::new(127, 0, 40, 1)))
        .port(0)
        .start()
        .await
        .expect("start");
    let points = cluster.contact_points();

    let mut listener = TestClient::connect(points[1], ProtocolVersion::V5).await;
    assert_eq!(listener.startup().await, Response::Ready);
    let register = Register {
        events: vec![EventType::SchemaChange],
    };
    listener.send(1, Request::Register(register)).await;
    assert_eq!(listener.recv().await.response, Response::Ready);

    let mut c = TestClient::connect(points[0], ProtocolVersion::V5).await;
    assert_eq!(c.startup().await, Response::Ready);
    let created = c
        .query(
            1,
            "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        )
        .await;
    assert!(matches!(
        created.response,
        Response::Result(ResultBody::SchemaChange(_))
    ));
    let event = listener.recv().await;
    assert_eq!(event.stream, -1);
    assert!(matches!(event.response, Response::Event(Event::Schema(_))));

    let used = c.query(2, "USE ks").await;
    assert_eq!(
        used.response,
        Response::Result(ResultBody::SetKeyspace("ks".to_string()))
    );
    c.query(3, "CREATE TABLE t (id int PRIMARY KEY, v text)")
        .await;
    assert!(matches!(
        listener.recv().await.response,
        Response::Event(Event::Schema(_))
    ));

    // The keyspace belongs to the connection that said USE.
    c.send(
        4,
        Request::Prepare(Prepare {
            query: "INSERT INTO t (id, v) VALUES (1, 'one')".to_string(),
            keyspace: None,
        }),
    )
    .await;
    let Response::Result(ResultBody::Prepared(prepared)) = c.recv().await.response else {
        panic!("expected PREPARED");
    };
    let execute = Request::Execute(Execute {
        id: prepared.id.clone().into(),
        result_metadata_id: prepared.result_metadata_id.clone().map(Into::into),
        params: Default::default(),
    });

    // ApplyThenFail on EXECUTE, matched by the prepared statement's text.
    cluster.inject(
        FaultRule::new()
            .opcode(Opcode::Execute)
            .query_contains("INSERT INTO t")
            .times(1)
            .apply_then_fail(),
    );
    c.send(5, execute.clone()).await;
    let answer = c.recv().await;
    let Response::Error(e) = answer.response else {
        panic!("expected WRITE_TIMEOUT");
    };
    assert!(matches!(
        e.code,
        ErrorCode::WriteTimeout {
            write_type: WriteType::Simple,
            ..
        }
    ));
    let selected = c.query(6, "SELECT * FROM ks.t WHERE id = 1").await;
    assert_eq!(rows_count(&selected.response), Some(1));

    // Without the rule the EXECUTE succeeds.
    c.send(7, execute).await;
    assert_eq!(c.recv().await.response, Response::Result(ResultBody::Void));

    // Another connection has no keyspace.
    let mut other = TestClient::connect(points[0], ProtocolVersion::V4).await;
    assert_eq!(other.startup().await, Response::Ready);
    assert!(matches!(
        other.query(1, "SELECT * FROM t").await.response,
        Response::Error(_)
    ));

    let (coordinated, _) = cluster.node_stats(0);
    assert!(coordinated >= 1, "node 0 coordinated {coordinated}");
    assert_eq!(cluster.node_stats(99), (0, 0));

    // A stopped coordinator: its clients see the connection close.
    cluster.stop_node(0).await.expect("stop");
    assert!(c.closed_within(Duration::from_secs(2)).await);
}
