//! The server over real TCP on 127.0.0.x, with a small test engine behind it.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ringbolt_driver::protocol::request::{
    Batch, BatchStatement, BatchType, EventType, Execute, Options, Prepare, Query, Register,
    Request,
};
use ringbolt_driver::protocol::response::{
    ErrorBody, ErrorCode, Event, PreparedResult, Response, ResultBody, SchemaChange,
    SchemaChangeTarget, SchemaChangeType, StatusChange, TopologyChange, WriteType,
};
use ringbolt_driver::protocol::{Consistency, ProtocolVersion};

use super::test_client::{query, TestClient};
use crate::backend::{Backend, Outcome, RequestContext};
use crate::fault::{errors, FaultRule};
use crate::{SimCluster, SimError};
use ringbolt_driver::protocol::Opcode;

/// A test engine: a few magic statements, and a count of writes applied.
#[derive(Default)]
struct TestEngine {
    applied: AtomicUsize,
}

fn ok(result: ResultBody) -> Outcome {
    Outcome {
        result: Ok(result),
        warnings: Vec::new(),
        schema_change: None,
    }
}

impl Backend for TestEngine {
    fn query(&self, ctx: &mut RequestContext<'_>, q: &Query) -> Outcome {
        let text = q.query.as_str();
        if let Some(ks) = text.strip_prefix("USE ") {
            *ctx.keyspace = Some(ks.to_string());
            return ok(ResultBody::SetKeyspace(ks.to_string()));
        }
        match text {
            "KEYSPACE?" => ok(ResultBody::SetKeyspace(
                ctx.keyspace.clone().unwrap_or_else(|| "none".to_string()),
            )),
            "COORDINATOR?" => ok(ResultBody::SetKeyspace(format!(
                "node{} of {}",
                ctx.coordinator,
                ctx.cluster.nodes.len()
            ))),
            "CREATE TABLE ks.t" => {
                let change = SchemaChange {
                    change: SchemaChangeType::Created,
                    target: SchemaChangeTarget::Table("ks".to_string(), "t".to_string()),
                };
                Outcome {
                    result: Ok(ResultBody::SchemaChange(change.clone())),
                    warnings: Vec::new(),
                    schema_change: Some(change),
                }
            }
            "WARN" => Outcome {
                result: Ok(ResultBody::Void),
                warnings: vec!["careful".to_string()],
                schema_change: None,
            },
            _ if text.starts_with("INSERT") => {
                self.applied.fetch_add(1, Ordering::SeqCst);
                ok(ResultBody::Void)
            }
            _ => crate::backend::error_outcome(ErrorBody {
                code: ErrorCode::SyntaxError,
                message: format!("test engine does not know {text:?}"),
            }),
        }
    }

    fn prepare(&self, _: &mut RequestContext<'_>, p: &Prepare) -> Outcome {
        ok(ResultBody::Prepared(PreparedResult {
            id: p.query.as_bytes().iter().take(8).copied().collect(),
            result_metadata_id: None,
            metadata: Default::default(),
            result_metadata: Default::default(),
        }))
    }

    fn execute(&self, _: &mut RequestContext<'_>, _: &Execute) -> Outcome {
        self.applied.fetch_add(1, Ordering::SeqCst);
        ok(ResultBody::Void)
    }

    fn batch(&self, _: &mut RequestContext<'_>, b: &Batch) -> Outcome {
        self.applied.fetch_add(b.statements.len(), Ordering::SeqCst);
        ok(ResultBody::Void)
    }
}

/// Each test uses its own base address so tests can run in parallel with port 0.
async fn cluster(base: u8, nodes: usize) -> (SimCluster, Arc<TestEngine>) {
    let engine = Arc::new(TestEngine::default());
    let cluster = SimCluster::builder()
        .nodes(nodes)
        .base_address(IpAddr::V4(Ipv4Addr::new(127, 0, base, 1)))
        .port(0)
        .backend(engine.clone())
        .start()
        .await
        .expect("start");
    (cluster, engine)
}

fn addr(cluster: &SimCluster, node: usize) -> SocketAddr {
    cluster.contact_points()[node]
}

async fn ready(cluster: &SimCluster, node: usize, v: ProtocolVersion) -> TestClient {
    let mut c = TestClient::connect(addr(cluster, node), v).await;
    assert_eq!(c.startup().await, Response::Ready);
    c
}

fn error_of(response: Response) -> ErrorBody {
    match response {
        Response::Error(e) => e,
        other => panic!("expected an error, got {other:?}"),
    }
}

#[tokio::test]
async fn nodes_share_a_port_on_consecutive_addresses() {
    let (cluster, _) = cluster(10, 3).await;
    let points = cluster.contact_points();
    assert_eq!(points.len(), 3);
    assert_ne!(cluster.port(), 0);
    assert!(points.iter().all(|p| p.port() == cluster.port()));
    assert_eq!(points[2].ip(), IpAddr::V4(Ipv4Addr::new(127, 0, 10, 3)));
    let nodes = cluster.nodes();
    assert!(nodes
        .iter()
        .all(|n| n.tokens.len() == 16 && n.rack == "rack1"));
    assert_eq!(nodes[0].release_version, "4.0.13");
    assert_eq!(cluster.snapshot().cluster_name, "Ringbolt Sim");
    let mut c = ready(&cluster, 2, ProtocolVersion::V4).await;
    let answer = c.query(3, "COORDINATOR?").await;
    assert_eq!(
        answer.response,
        Response::Result(ResultBody::SetKeyspace("node2 of 3".to_string()))
    );
    assert_eq!(answer.stream, 3);
}

#[tokio::test]
async fn datacenters_and_errors_of_the_builder() {
    let cluster = SimCluster::builder()
        .datacenter("dc1", 2)
        .datacenter("dc2", 1)
        .racks(2)
        .base_address(IpAddr::V4(Ipv4Addr::new(127, 0, 11, 1)))
        .port(0)
        .start()
        .await
        .expect("start");
    let nodes = cluster.nodes();
    let dcs: Vec<_> = nodes
        .iter()
        .map(|n| (n.datacenter.as_str(), n.rack.as_str()))
        .collect();
    assert_eq!(dcs, [("dc1", "rack1"), ("dc1", "rack2"), ("dc2", "rack1")]);
    assert!(matches!(
        SimCluster::builder().start().await,
        Err(SimError::NoNodes)
    ));
    assert!(matches!(
        SimCluster::builder().nodes(1).vnodes(0).start().await,
        Err(SimError::InvalidVnodes(0))
    ));
    // Without a backend given, the built-in engine answers.
    let mut c = ready(&cluster, 0, ProtocolVersion::V4).await;
    let local = c
        .query(1, "SELECT data_center, rack FROM system.local")
        .await;
    assert!(matches!(
        local.response,
        Response::Result(ResultBody::Rows(_))
    ));
    assert!(matches!(
        cluster.add_node("nowhere").await,
        Err(SimError::UnknownDatacenter(_))
    ));
}

#[tokio::test]
async fn options_and_requests_before_startup() {
    let (cluster, _) = cluster(12, 1).await;
    let mut c = TestClient::connect(addr(&cluster, 0), ProtocolVersion::V4).await;
    c.send(5, Request::Options(Options)).await;
    let supported = c.recv().await;
    assert_eq!(supported.stream, 5);
    let Response::Supported(s) = supported.response else {
        panic!("expected SUPPORTED");
    };
    let versions = s.options.iter().find(|(k, _)| k == "PROTOCOL_VERSIONS");
    assert_eq!(
        versions.map(|(_, v)| v.clone()),
        Some(vec![
            "3/v3".to_string(),
            "4/v4".to_string(),
            "5/v5".to_string()
        ])
    );
    let e = error_of(c.query(6, "INSERT").await.response);
    assert_eq!(e.code, ErrorCode::ProtocolError);
    assert_eq!(
        e.message,
        "Unexpected message QUERY, expecting STARTUP or OPTIONS"
    );
    assert_eq!(c.startup().await, Response::Ready);
    let e = error_of(c.startup().await);
    assert_eq!(e.code, ErrorCode::ProtocolError);
}

#[tokio::test]
async fn unsupported_versions_are_refused_in_a_v4_header() {
    let (cluster, _) = cluster(13, 1).await;
    for version in [3u8, 6, 0x42] {
        let mut c = TestClient::connect(addr(&cluster, 0), ProtocolVersion::V4).await;
        // OPTIONS in a v3-style header, stream 7.
        c.send_raw(&[version, 0, 0, 7, 0x05, 0, 0, 0, 0]).await;
        let (h, frame) = c.recv_frame().await.expect("an answer");
        assert_eq!(h.version, 4);
        assert!(h.is_response);
        assert_eq!(frame.stream, 7);
        let e = error_of(frame.response);
        assert_eq!(e.code, ErrorCode::ProtocolError);
        assert!(e.message.starts_with(&format!(
            "Invalid or unsupported protocol version ({version})"
        )));
        assert!(c.closed_within(Duration::from_secs(2)).await);
    }
    // v2 headers are 8 bytes with a one-byte stream: still answered.
    let mut c = TestClient::connect(addr(&cluster, 0), ProtocolVersion::V4).await;
    c.send_raw(&[2, 0, 9, 0x05, 0, 0, 0, 0]).await;
    let (_, frame) = c.recv_frame().await.expect("an answer");
    assert_eq!(frame.stream, 9);
}

#[tokio::test]
async fn password_authentication() {
    let engine = Arc::new(TestEngine::default());
    let cluster = SimCluster::builder()
        .nodes(1)
        .base_address(IpAddr::V4(Ipv4Addr::new(127, 0, 14, 1)))
        .port(0)
        .credentials("cassandra", "s3cret")
        .backend(engine)
        .start()
        .await
        .expect("start");
    for v in [ProtocolVersion::V4, ProtocolVersion::V5] {
        let mut c = TestClient::connect(addr(&cluster, 0), v).await;
        let Response::Authenticate(a) = c.startup().await else {
            panic!("expected AUTHENTICATE");
        };
        assert_eq!(
            a.authenticator,
            "org.apache.cassandra.auth.PasswordAuthenticator"
        );
        let e = error_of(c.query(2, "INSERT").await.response);
        assert_eq!(
            e.message,
            "Unexpected message QUERY, expecting SASL_RESPONSE"
        );
        let e = error_of(c.login("cassandra", "wrong").await);
        assert_eq!(e.code, ErrorCode::AuthenticationError);
        assert_eq!(
            e.message,
            "Provided username cassandra and/or password are incorrect"
        );
        assert!(matches!(
            c.login("cassandra", "s3cret").await,
            Response::AuthSuccess(_)
        ));
        let answer = c.query(3, "INSERT").await;
        assert_eq!(answer.response, Response::Result(ResultBody::Void));
    }
}

#[tokio::test]
async fn v5_switches_to_segments_after_ready() {
    let (cluster, engine) = cluster(15, 1).await;
    let mut c = ready(&cluster, 0, ProtocolVersion::V5).await;
    let answer = c.query(1, "INSERT").await;
    assert_eq!(answer.response, Response::Result(ResultBody::Void));
    // A frame larger than one segment travels in several segments, both ways.
    let big = format!("INSERT {}", "x".repeat(300_000));
    let answer = c.query(2, &big).await;
    assert_eq!(answer.response, Response::Result(ResultBody::Void));
    assert_eq!(engine.applied.load(Ordering::SeqCst), 2);
    // A v4 frame on a v5 connection is refused.
    let mut other = ready(&cluster, 0, ProtocolVersion::V5).await;
    other.version = ProtocolVersion::V4;
    other.send(4, query("INSERT")).await;
    let e = error_of(other.recv().await.response);
    assert!(e.message.starts_with("Invalid message version"));
}

#[tokio::test]
async fn keyspace_warnings_and_tracing() {
    let (cluster, _) = cluster(16, 1).await;
    let mut c = ready(&cluster, 0, ProtocolVersion::V4).await;
    let ks = |s: &str| Response::Result(ResultBody::SetKeyspace(s.to_string()));
    assert_eq!(c.query(1, "KEYSPACE?").await.response, ks("none"));
    assert_eq!(c.query(1, "USE shop").await.response, ks("shop"));
    assert_eq!(c.query(1, "KEYSPACE?").await.response, ks("shop"));
    let mut other = ready(&cluster, 0, ProtocolVersion::V4).await;
    assert_eq!(other.query(1, "KEYSPACE?").await.response, ks("none"));
    let warned = c.query(2, "WARN").await;
    assert_eq!(warned.warnings, vec!["careful".to_string()]);
    c.send_traced(3, query("INSERT"), true).await;
    assert!(c.recv().await.tracing_id.is_some());
    assert!(c.query(4, "INSERT").await.tracing_id.is_none());
}

#[tokio::test]
async fn requests_run_concurrently_and_answer_out_of_order() {
    let (cluster, engine) = cluster(17, 1).await;
    cluster.inject(
        FaultRule::new()
            .query_contains("INSERT slow")
            .delay(Duration::from_millis(300)),
    );
    let mut c = ready(&cluster, 0, ProtocolVersion::V4).await;
    c.send(1, query("INSERT slow")).await;
    c.send(2, query("INSERT fast")).await;
    assert_eq!(c.recv().await.stream, 2);
    // A delayed request is applied at once; only its answer waits.
    assert_eq!(engine.applied.load(Ordering::SeqCst), 2);
    assert_eq!(c.recv().await.stream, 1);
}

#[tokio::test]
async fn events_on_stop_start_and_add() {
    let (cluster, _) = cluster(18, 2).await;
    let port = cluster.port();
    let mut c = ready(&cluster, 0, ProtocolVersion::V5).await;
    let register = Register {
        events: vec![EventType::StatusChange, EventType::TopologyChange],
    };
    c.send(1, Request::Register(register)).await;
    assert_eq!(c.recv().await.response, Response::Ready);
    let mut on_node1 = ready(&cluster, 1, ProtocolVersion::V4).await;

    cluster.stop_node(1).await.expect("stop");
    let node1 = addr(&cluster, 1);
    let event = c.recv().await;
    assert_eq!(event.stream, -1);
    assert_eq!(
        event.response,
        Response::Event(Event::Status(StatusChange::Down(node1)))
    );
    assert!(on_node1.closed_within(Duration::from_secs(2)).await);
    assert!(tokio::net::TcpStream::connect(node1).await.is_err());
    assert!(!cluster.nodes()[1].up);

    cluster.start_node(1).await.expect("start");
    assert_eq!(
        c.recv().await.response,
        Response::Event(Event::Status(StatusChange::Up(node1)))
    );
    let mut again = ready(&cluster, 1, ProtocolVersion::V4).await;
    assert_eq!(again.query(1, "INSERT").await.stream, 1);

    let index = cluster.add_node("dc1").await.expect("add");
    assert_eq!(index, 2);
    let node2 = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 18, 3)), port);
    assert_eq!(
        c.recv().await.response,
        Response::Event(Event::Topology(TopologyChange::NewNode(node2)))
    );
    let mut fresh = ready(&cluster, 2, ProtocolVersion::V4).await;
    assert_eq!(
        fresh.query(1, "COORDINATOR?").await.response,
        Response::Result(ResultBody::SetKeyspace("node2 of 3".to_string()))
    );
    let tokens: Vec<i64> = cluster
        .nodes()
        .iter()
        .flat_map(|n| n.tokens.clone())
        .collect();
    let distinct: std::collections::HashSet<_> = tokens.iter().collect();
    assert_eq!(distinct.len(), tokens.len());
    cluster.shutdown().await;
    assert!(c.closed_within(Duration::from_secs(2)).await);
}

#[tokio::test]
async fn schema_changes_reach_every_registered_connection() {
    let (cluster, _) = cluster(19, 2).await;
    let mut listeners = Vec::new();
    for node in 0..2 {
        let mut c = ready(&cluster, node, ProtocolVersion::V4).await;
        let register = Register {
            events: vec![EventType::SchemaChange],
        };
        c.send(1, Request::Register(register)).await;
        assert_eq!(c.recv().await.response, Response::Ready);
        listeners.push(c);
    }
    let mut writer = ready(&cluster, 1, ProtocolVersion::V4).await;
    let created = writer.query(1, "CREATE TABLE ks.t").await;
    assert!(matches!(
        created.response,
        Response::Result(ResultBody::SchemaChange(_))
    ));
    for c in &mut listeners {
        let event = c.recv().await;
        assert_eq!(event.stream, -1);
        assert!(matches!(event.response, Response::Event(Event::Schema(_))));
    }
    // Not registered: no event.
    assert!(writer.silent_for(Duration::from_millis(200)).await);
}

#[tokio::test]
async fn fault_rules() {
    let (cluster, engine) = cluster(20, 2).await;
    let mut c = ready(&cluster, 0, ProtocolVersion::V4).await;

    // An error twice, then normal answers.
    cluster.inject(
        FaultRule::new()
            .on_node(0)
            .opcode(Opcode::Query)
            .query_contains("INSERT")
            .times(2)
            .reply_error(errors::read_timeout(Consistency::Quorum, 1, 2, false)),
    );
    for _ in 0..2 {
        let e = error_of(c.query(1, "INSERT").await.response);
        assert!(matches!(
            e.code,
            ErrorCode::ReadTimeout { block_for: 2, .. }
        ));
    }
    assert_eq!(
        c.query(1, "INSERT").await.response,
        Response::Result(ResultBody::Void)
    );

    // Another node is not affected by a rule for node 1.
    let id = cluster.inject(
        FaultRule::new()
            .on_node(1)
            .reply_error(errors::overloaded()),
    );
    assert_eq!(
        c.query(1, "INSERT").await.response,
        Response::Result(ResultBody::Void)
    );
    assert!(cluster.remove_fault(id));

    // EXECUTE is matched by the prepared statement's text.
    c.send(
        2,
        Request::Prepare(Prepare {
            query: "INSERT INTO t".to_string(),
            keyspace: None,
        }),
    )
    .await;
    let Response::Result(ResultBody::Prepared(prepared)) = c.recv().await.response else {
        panic!("expected PREPARED");
    };
    cluster.inject(
        FaultRule::new()
            .opcode(Opcode::Execute)
            .query_contains("INTO t")
            .times(1)
            .reply_error(errors::unprepared(&prepared.id)),
    );
    let execute = Request::Execute(Execute {
        id: prepared.id.clone().into(),
        result_metadata_id: None,
        params: Default::default(),
    });
    c.send(3, execute.clone()).await;
    let e = error_of(c.recv().await.response);
    assert_eq!(
        e.code,
        ErrorCode::Unprepared {
            id: prepared.id.clone()
        }
    );
    c.send(3, execute).await;
    assert_eq!(c.recv().await.response, Response::Result(ResultBody::Void));

    // ApplyThenFail: the write happens, the client hears WRITE_TIMEOUT.
    let before = engine.applied.load(Ordering::SeqCst);
    cluster.inject(
        FaultRule::new()
            .opcode(Opcode::Batch)
            .times(1)
            .apply_then_fail(),
    );
    let batch = Batch {
        batch_type: BatchType::Unlogged,
        statements: vec![BatchStatement::Query {
            query: "INSERT".to_string(),
            values: Default::default(),
        }],
        consistency: Consistency::LocalQuorum,
        serial_consistency: None,
        default_timestamp: None,
        keyspace: None,
        now_in_seconds: None,
    };
    c.send(4, Request::Batch(batch)).await;
    let e = error_of(c.recv().await.response);
    assert!(matches!(
        e.code,
        ErrorCode::WriteTimeout {
            write_type: WriteType::UnloggedBatch,
            consistency: Consistency::LocalQuorum,
            ..
        }
    ));
    assert_eq!(engine.applied.load(Ordering::SeqCst), before + 1);

    // No response for one request; the connection keeps working.
    cluster.inject(
        FaultRule::new()
            .query_contains("INSERT lost")
            .times(1)
            .no_response(),
    );
    c.send(5, query("INSERT lost")).await;
    assert!(c.silent_for(Duration::from_millis(200)).await);
    assert_eq!(c.query(6, "INSERT").await.stream, 6);

    // Closing the connection.
    cluster.inject(
        FaultRule::new()
            .opcode(Opcode::Options)
            .times(1)
            .close_connection(),
    );
    c.send(7, Request::Options(Options)).await;
    assert!(c.closed_within(Duration::from_secs(2)).await);

    // clear_faults removes everything.
    cluster.inject(FaultRule::new().reply_error(errors::is_bootstrapping()));
    cluster.clear_faults();
    let mut c = ready(&cluster, 0, ProtocolVersion::V4).await;
    assert_eq!(
        c.query(1, "INSERT").await.response,
        Response::Result(ResultBody::Void)
    );
}

#[tokio::test]
async fn garbage_gets_an_error_and_a_close_never_a_panic() {
    let engine = Arc::new(TestEngine::default());
    let cluster = SimCluster::builder()
        .nodes(1)
        .base_address(IpAddr::V4(Ipv4Addr::new(127, 0, 21, 1)))
        .port(0)
        .max_frame_length(1024)
        .backend(engine)
        .start()
        .await
        .expect("start");
    // A frame announcing more than the maximum.
    let mut c = TestClient::connect(addr(&cluster, 0), ProtocolVersion::V4).await;
    c.send_raw(&[4, 0, 0, 1, 0x07, 0, 1, 0, 0]).await;
    let e = error_of(c.recv().await.response);
    assert_eq!(e.code, ErrorCode::ProtocolError);
    assert!(c.closed_within(Duration::from_secs(2)).await);
    // An unknown opcode.
    let mut c = TestClient::connect(addr(&cluster, 0), ProtocolVersion::V4).await;
    c.send_raw(&[4, 0, 0, 1, 0x77, 0, 0, 0, 0]).await;
    let answer = c.recv().await;
    assert_eq!(answer.stream, 1);
    assert!(matches!(answer.response, Response::Error(_)));
    // A body that does not parse: an error on its stream, the connection stays usable.
    let mut c = TestClient::connect(addr(&cluster, 0), ProtocolVersion::V4).await;
    c.send_raw(&[4, 0, 0, 3, 0x01, 0, 0, 0, 2, 0xFF, 0xFF])
        .await;
    let answer = c.recv().await;
    assert_eq!(answer.stream, 3);
    assert!(matches!(answer.response, Response::Error(_)));
    assert_eq!(c.startup().await, Response::Ready);
    // Random bytes, including after a v5 handshake: the server survives.
    let mut seed = 0x1234_5678_u64;
    for round in 0..20 {
        let v = if round % 2 == 0 {
            ProtocolVersion::V4
        } else {
            ProtocolVersion::V5
        };
        let mut c = ready(&cluster, 0, v).await;
        let bytes: Vec<u8> = (0..64)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (seed >> 33) as u8
            })
            .collect();
        c.send_raw(&bytes).await;
    }
    let mut c = ready(&cluster, 0, ProtocolVersion::V5).await;
    assert_eq!(c.query(1, "INSERT").await.stream, 1);
}

#[tokio::test]
async fn a_client_that_pipelines_without_reading_gets_every_answer() {
    use bytes::BytesMut;
    use ringbolt_driver::protocol::frame::{
        decode_response, encode_request, FrameDecoder, RequestFrame,
    };
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let (cluster, engine) = cluster(22, 1).await;
    let mut c = ready(&cluster, 0, ProtocolVersion::V4).await;
    assert_eq!(c.query(1, "INSERT").await.stream, 1);
    let socket = tokio::net::TcpStream::connect(addr(&cluster, 0))
        .await
        .unwrap();
    let (mut rd, mut wr) = socket.into_split();
    const N: usize = 5000;
    let text = format!("INSERT {}", "x".repeat(2000));
    let writer = tokio::spawn(async move {
        let mut out = Vec::new();
        let startup = ringbolt_driver::protocol::request::Startup {
            options: vec![("CQL_VERSION".to_string(), "3.0.0".to_string())],
        };
        let frames = std::iter::once(Request::Startup(startup)).chain((0..N).map(|_| query(&text)));
        for (i, request) in frames.enumerate() {
            let frame = RequestFrame {
                stream: (i % 30_000) as i16,
                tracing: false,
                custom_payload: None,
                request,
            };
            encode_request(ProtocolVersion::V4, &frame, &mut out).unwrap();
        }
        wr.write_all(&out).await.unwrap();
        wr
    });
    // Let the server fill its queues before reading anything.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut buf = BytesMut::new();
    let mut frames = FrameDecoder::new(1 << 20);
    let mut answers = 0;
    let read_all = async {
        while answers < N + 1 {
            while let Some((h, body)) = frames.decode(&mut buf).unwrap() {
                decode_response(&h, body).unwrap();
                answers += 1;
            }
            if answers < N + 1 {
                assert!(rd.read_buf(&mut buf).await.unwrap() > 0, "closed early");
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), read_all)
        .await
        .expect("all answers");
    let _wr = writer.await.unwrap();
    assert_eq!(engine.applied.load(Ordering::SeqCst), N + 1);
}

#[tokio::test]
async fn a_taken_port_is_a_bind_error_naming_the_node() {
    let (first, _) = cluster(23, 1).await;
    let second = SimCluster::builder()
        .nodes(2)
        .base_address(IpAddr::V4(Ipv4Addr::new(127, 0, 23, 0)))
        .port(first.port())
        .start()
        .await;
    match second {
        Err(SimError::Bind { index, address, .. }) => {
            assert_eq!(index, 1);
            assert_eq!(address, addr(&first, 0));
        }
        other => panic!("expected a bind error, got {other:?}"),
    }
}
