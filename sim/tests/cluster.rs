//! The simulated cluster seen through the bundled driver: events on a registered connection,
//! every fault action, schema agreement and the error messages Cassandra sends.
//!
//! Addresses: 127.0.80.x–127.0.89.x, one third octet per test.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use ringbolt_driver::connection::{Connection, ConnectionConfig};
use ringbolt_driver::policies::retry::FallthroughRetryPolicy;
use ringbolt_driver::protocol::request::{EventType, Execute, Request};
use ringbolt_driver::protocol::response::{
    ErrorCode, Event, Response, SchemaChange, SchemaChangeTarget, SchemaChangeType, StatusChange,
    TopologyChange, WriteType,
};
use ringbolt_driver::protocol::{Consistency, Opcode};
use ringbolt_driver::session::{DbError, QueryError, Session};
use ringbolt_sim::fault::errors;
use ringbolt_sim::{FaultRule, SimCluster};

/// Generous bound on every wait: never a timing assertion, only a guard against hangs.
const WAIT: Duration = Duration::from_secs(10);

async fn start(octet: u8, nodes: usize) -> SimCluster {
    SimCluster::builder()
        .nodes(nodes)
        .base_address(IpAddr::V4(Ipv4Addr::new(127, 0, octet, 1)))
        .port(0)
        .start()
        .await
        .expect("start the cluster")
}

/// A session that reports every fault as it comes: these tests watch what the sim sends, so
/// the driver must not retry it away.
async fn session(cluster: &SimCluster, node: usize) -> Session {
    Session::builder()
        .contact_point(cluster.contact_points()[node])
        .retry_policy(Arc::new(FallthroughRetryPolicy))
        .request_timeout(Duration::from_secs(10))
        .build()
        .await
        .expect("connect a session")
}

async fn next_event(rx: &mut tokio::sync::broadcast::Receiver<Event>) -> Event {
    tokio::time::timeout(WAIT, rx.recv())
        .await
        .expect("an event within the wait")
        .expect("the event channel is open")
}

#[tokio::test]
async fn a_registered_connection_hears_status_topology_and_schema_events() {
    let cluster = start(80, 2).await;
    let points = cluster.contact_points();
    let conn = Connection::connect(points[0], &ConnectionConfig::default())
        .await
        .expect("connect");
    let mut events = conn.subscribe_events();
    conn.register(vec![
        EventType::StatusChange,
        EventType::TopologyChange,
        EventType::SchemaChange,
    ])
    .await
    .expect("register");

    cluster.stop_node(1).await.expect("stop node 1");
    assert_eq!(
        next_event(&mut events).await,
        Event::Status(StatusChange::Down(points[1]))
    );
    // A stopped node refuses connections.
    let refused = Connection::connect(points[1], &ConnectionConfig::default()).await;
    assert!(refused.is_err(), "a stopped node accepted a connection");

    cluster.start_node(1).await.expect("start node 1");
    assert_eq!(
        next_event(&mut events).await,
        Event::Status(StatusChange::Up(points[1]))
    );
    Connection::connect(points[1], &ConnectionConfig::default())
        .await
        .expect("a restarted node accepts connections");

    let index = cluster.add_node("dc1").await.expect("add a node");
    let added = SocketAddr::new(
        IpAddr::V4(Ipv4Addr::new(127, 0, 80, 1 + index as u8)),
        cluster.port(),
    );
    assert_eq!(
        next_event(&mut events).await,
        Event::Topology(TopologyChange::NewNode(added))
    );

    // DDL through another node reaches the registered connection.
    let s = session(&cluster, 1).await;
    s.query(
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        (),
    )
    .await
    .expect("create keyspace");
    let Event::Schema(change) = next_event(&mut events).await else {
        panic!("expected a schema change");
    };
    assert_eq!(change.change, SchemaChangeType::Created);
    assert_eq!(
        change.target,
        SchemaChangeTarget::Keyspace("ks".to_string())
    );
    s.query("CREATE TABLE ks.t (k int PRIMARY KEY, v text)", ())
        .await
        .expect("create table");
    let Event::Schema(change) = next_event(&mut events).await else {
        panic!("expected a schema change");
    };
    assert_schema_change(&change, SchemaChangeType::Created, "ks", "t");
    cluster.shutdown().await;
}

fn assert_schema_change(change: &SchemaChange, kind: SchemaChangeType, ks: &str, table: &str) {
    assert_eq!(change.change, kind);
    assert_eq!(
        change.target,
        SchemaChangeTarget::Table(ks.to_string(), table.to_string())
    );
}

fn db_error(result: Result<impl std::fmt::Debug, QueryError>) -> (DbError, String) {
    match result {
        Err(QueryError::Db { error, message }) => (error, message),
        other => panic!("expected a server error, got {other:?}"),
    }
}

#[tokio::test]
async fn every_fault_action_as_a_session_sees_it() {
    let cluster = start(81, 1).await;
    let s = session(&cluster, 0).await;
    s.query(
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        (),
    )
    .await
    .expect("create keyspace");
    s.query("CREATE TABLE ks.t (k int PRIMARY KEY, v int)", ())
        .await
        .expect("create table");

    // reply_error with each error kind, once, then normal answers.
    let kinds = [
        (
            errors::read_timeout(Consistency::Quorum, 1, 2, false),
            DbError::ReadTimeout {
                consistency: Consistency::Quorum,
                received: 1,
                block_for: 2,
                data_present: false,
            },
        ),
        (
            errors::unavailable(Consistency::All, 3, 1),
            DbError::Unavailable {
                consistency: Consistency::All,
                required: 3,
                alive: 1,
            },
        ),
        (errors::overloaded(), DbError::Overloaded),
        (errors::is_bootstrapping(), DbError::IsBootstrapping),
        (errors::server_error("boom"), DbError::ServerError),
    ];
    for (body, expected) in kinds {
        let message = body.message.clone();
        cluster.inject(
            FaultRule::new()
                .query_contains("SELECT v FROM ks.t")
                .times(1)
                .reply_error(body),
        );
        let (error, got) = db_error(s.query("SELECT v FROM ks.t WHERE k = 1", ()).await);
        assert_eq!(error, expected);
        assert_eq!(got, message);
        s.query("SELECT v FROM ks.t WHERE k = 1", ())
            .await
            .expect("normal after one");
    }
    for write_type in [
        WriteType::Simple,
        WriteType::Batch,
        WriteType::UnloggedBatch,
        WriteType::Counter,
        WriteType::BatchLog,
        WriteType::Cas,
        WriteType::View,
        WriteType::Cdc,
    ] {
        cluster.inject(
            FaultRule::new()
                .opcode(Opcode::Query)
                .query_contains("INSERT INTO ks.t")
                .times(1)
                .reply_error(errors::write_timeout(
                    Consistency::LocalQuorum,
                    1,
                    2,
                    write_type,
                )),
        );
        let (error, _) = db_error(s.query("INSERT INTO ks.t (k, v) VALUES (1, 1)", ()).await);
        assert_eq!(
            error,
            DbError::WriteTimeout {
                consistency: Consistency::LocalQuorum,
                received: 1,
                block_for: 2,
                write_type,
                // v5 always carries the CAS contention count.
                contentions: (write_type == WriteType::Cas).then_some(0),
            }
        );
    }

    // times(n): n failures, then normal.
    cluster.inject(
        FaultRule::new()
            .query_contains("WHERE k = 2")
            .times(3)
            .reply_error(errors::overloaded()),
    );
    for _ in 0..3 {
        let (error, _) = db_error(s.query("SELECT v FROM ks.t WHERE k = 2", ()).await);
        assert_eq!(error, DbError::Overloaded);
    }
    s.query("SELECT v FROM ks.t WHERE k = 2", ())
        .await
        .expect("normal after three");

    // apply_then_fail: the client hears WRITE_TIMEOUT, the write is there.
    cluster.inject(
        FaultRule::new()
            .query_contains("VALUES (5, 50)")
            .times(1)
            .apply_then_fail(),
    );
    let (error, _) = db_error(s.query("INSERT INTO ks.t (k, v) VALUES (5, 50)", ()).await);
    assert!(
        matches!(
            error,
            DbError::WriteTimeout {
                write_type: WriteType::Simple,
                ..
            }
        ),
        "{error:?}"
    );
    let read = s
        .query("SELECT v FROM ks.t WHERE k = 5", ())
        .await
        .expect("read back");
    assert_eq!(read.first_row::<(i32,)>().expect("one row"), (50,));

    // delay: the answer still comes, and it is the normal one.
    cluster.inject(
        FaultRule::new()
            .query_contains("WHERE k = 5")
            .times(1)
            .delay(Duration::from_millis(50)),
    );
    let read = s
        .query("SELECT v FROM ks.t WHERE k = 5", ())
        .await
        .expect("a delayed answer");
    assert_eq!(read.first_row::<(i32,)>().expect("one row"), (50,));
    cluster.shutdown().await;
}

#[tokio::test]
async fn no_response_and_close_connection_as_a_session_sees_them() {
    let cluster = start(82, 1).await;
    let s = Session::builder()
        .contact_point(cluster.contact_points()[0])
        .retry_policy(Arc::new(FallthroughRetryPolicy))
        .request_timeout(Duration::from_millis(300))
        .build()
        .await
        .expect("connect");
    cluster.inject(
        FaultRule::new()
            .query_contains("system.local")
            .times(1)
            .no_response(),
    );
    let lost = s
        .query("SELECT release_version FROM system.local", ())
        .await;
    assert!(matches!(lost, Err(QueryError::Timeout(_))), "{lost:?}");
    s.query("SELECT release_version FROM system.local", ())
        .await
        .expect("normal after the lost answer");

    cluster.inject(
        FaultRule::new()
            .query_contains("system.local")
            .times(1)
            .close_connection(),
    );
    let closed = s
        .query("SELECT release_version FROM system.local", ())
        .await;
    assert!(
        matches!(
            closed,
            Err(QueryError::Connection(_) | QueryError::NoConnection)
        ),
        "{closed:?}"
    );
    cluster.shutdown().await;
}

#[tokio::test]
async fn every_node_reports_the_same_schema_version_after_ddl() {
    let cluster = start(83, 3).await;
    let sessions = [
        session(&cluster, 0).await,
        session(&cluster, 1).await,
        session(&cluster, 2).await,
    ];
    let versions = |_: ()| async {
        let mut out = Vec::new();
        for s in &sessions {
            let r = s
                .query("SELECT schema_version FROM system.local", ())
                .await
                .expect("system.local");
            let (v,) = r.first_row::<(uuid::Uuid,)>().expect("schema_version");
            let peers = s
                .query("SELECT peer, schema_version FROM system.peers", ())
                .await
                .expect("system.peers");
            let peer_versions: Vec<(IpAddr, uuid::Uuid)> = peers
                .rows::<(IpAddr, uuid::Uuid)>()
                .expect("rows")
                .collect::<Result<_, _>>()
                .expect("decode");
            assert_eq!(peer_versions.len(), 2);
            for (_, pv) in peer_versions {
                assert_eq!(pv, v, "a peer disagrees");
            }
            out.push(v);
        }
        out
    };
    let before = versions(()).await;
    assert!(before.iter().all(|v| *v == before[0]));
    sessions[1]
        .query(
            "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}",
            (),
        )
        .await
        .expect("create keyspace");
    sessions[1]
        .query("CREATE TABLE ks.t (k int PRIMARY KEY, v int)", ())
        .await
        .expect("create table");
    let after = versions(()).await;
    assert!(after.iter().all(|v| *v == after[0]), "{after:?}");
    assert_ne!(after[0], before[0], "DDL must change the schema version");
    sessions[2]
        .query("ALTER TABLE ks.t ADD w text", ())
        .await
        .expect("alter");
    let altered = versions(()).await;
    assert!(altered.iter().all(|v| *v == altered[0]));
    assert_ne!(altered[0], after[0]);
    cluster.shutdown().await;
}

#[tokio::test]
async fn errors_carry_cassandras_codes_messages_and_fields() {
    let cluster = start(84, 1).await;
    let s = session(&cluster, 0).await;
    let keyspace =
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}";
    s.query(keyspace, ()).await.expect("create keyspace");
    s.query(
        "CREATE TABLE ks.t (p int, c1 int, c2 int, v int, PRIMARY KEY (p, c1, c2))",
        (),
    )
    .await
    .expect("create table");
    const FILTERING: &str = "Cannot execute this query as it might involve data filtering and \
        thus may have unpredictable performance. If you want to execute this query despite the \
        performance unpredictability, use ALLOW FILTERING";
    let invalid = [
        ("SELECT * FROM ks.t WHERE v = 1", FILTERING),
        ("SELECT * FROM ks.t WHERE c1 = 1", FILTERING),
        (
            "SELECT * FROM ks.t WHERE p > 1",
            "Only EQ and IN relation are supported on the partition key (unless you use the \
             token() function or allow filtering)",
        ),
        (
            "SELECT * FROM ks.t WHERE p = 1 AND c2 = 1",
            "PRIMARY KEY column \"c2\" cannot be restricted as preceding column \"c1\" is not \
             restricted",
        ),
        (
            "SELECT * FROM ks.t ORDER BY c1 DESC",
            "ORDER BY is only supported when the partition key is restricted by an EQ or an IN.",
        ),
        (
            "SELECT * FROM ks.t WHERE p = 1 ORDER BY c2 DESC",
            "Order by currently only supports the ordering of columns following their declared \
             order in the PRIMARY KEY",
        ),
        (
            "SELECT * FROM ks.t WHERE p = 1 AND c1 > 1 AND c1 = 2",
            "c1 cannot be restricted by more than one relation if it includes an Equal",
        ),
        ("SELECT * FROM ks.nope", "unconfigured table nope"),
        ("SELECT nope FROM ks.t", "Undefined column name nope"),
        (
            "INSERT INTO ks.t (p, c1) VALUES (1, 1)",
            "Some clustering keys are missing: c2",
        ),
        (
            "UPDATE ks.t SET v = 1 WHERE p = 1",
            "Some clustering keys are missing: c1, c2",
        ),
        (
            "DELETE FROM ks.t WHERE c1 = 1",
            "Some partition key parts are missing: p",
        ),
    ];
    for (query, expected) in invalid {
        let (error, message) = db_error(s.query(query, ()).await);
        assert_eq!(error, DbError::Invalid, "{query}");
        assert_eq!(message, expected, "{query}");
    }
    // Accepted by Cassandra 4.0: IN on a non-last clustering column, token() ranges,
    // filtering when asked for.
    for query in [
        "SELECT * FROM ks.t WHERE p = 1 AND c1 IN (1, 2) AND c2 = 1",
        "SELECT * FROM ks.t WHERE token(p) > 0",
        "SELECT * FROM ks.t WHERE v = 1 ALLOW FILTERING",
    ] {
        s.query(query, ()).await.expect(query);
    }

    let (error, message) = db_error(s.query("CREATE TABLE ks.t (k int PRIMARY KEY)", ()).await);
    assert_eq!(
        error,
        DbError::AlreadyExists {
            keyspace: "ks".to_string(),
            table: "t".to_string()
        }
    );
    assert_eq!(
        message,
        "Cannot add already existing table \"t\" to keyspace \"ks\""
    );
    let (error, message) = db_error(s.query(keyspace, ()).await);
    assert_eq!(
        error,
        DbError::AlreadyExists {
            keyspace: "ks".to_string(),
            table: String::new()
        }
    );
    assert_eq!(message, "Cannot add existing keyspace \"ks\"");

    let (error, message) = db_error(s.query("SELEC * FROM ks.t", ()).await);
    assert_eq!(error, DbError::SyntaxError);
    assert_eq!(message, "line 1:0 no viable alternative at input 'SELEC'");

    // EXECUTE with an id the node never prepared.
    let conn = Connection::connect(cluster.contact_points()[0], &ConnectionConfig::default())
        .await
        .expect("connect");
    let unknown = vec![0xAB; 16];
    let answer = conn
        .send(Request::Execute(Execute {
            id: unknown.clone().into(),
            result_metadata_id: Some(vec![0; 16].into()),
            params: Default::default(),
        }))
        .await
        .expect("an answer");
    let Response::Error(body) = answer.response else {
        panic!("expected UNPREPARED, got {:?}", answer.response);
    };
    assert_eq!(body.code, ErrorCode::Unprepared { id: unknown });
    assert!(
        body.message.starts_with("Prepared query with ID abababab"),
        "{}",
        body.message
    );
    cluster.shutdown().await;
}

#[tokio::test]
async fn an_unprepared_fault_on_execute_makes_the_session_prepare_again() {
    let cluster = start(85, 1).await;
    let s = session(&cluster, 0).await;
    let prepared = s
        .prepare("SELECT release_version FROM system.local WHERE key = ?")
        .await
        .expect("prepare");
    cluster.inject(
        FaultRule::new()
            .opcode(Opcode::Execute)
            .query_contains("FROM system.local WHERE key")
            .times(1)
            .reply_error(errors::unprepared(prepared.id())),
    );
    let r = s
        .execute(&prepared, ("local",))
        .await
        .expect("re-prepared and executed");
    let (version,) = r.first_row::<(String,)>().expect("one row");
    assert_eq!(version, "4.0.13");
    // A node that keeps answering UNPREPARED: the session re-prepares a bounded number of
    // times, then reports it (it never loops forever).
    let stubborn = cluster.inject(
        FaultRule::new()
            .opcode(Opcode::Execute)
            .reply_error(errors::unprepared(prepared.id())),
    );
    let failed = tokio::time::timeout(WAIT, s.execute(&prepared, ("local",)))
        .await
        .expect("an answer, not a hang")
        .expect_err("UNPREPARED every time");
    assert_eq!(
        failed.db_error(),
        Some(&DbError::Unprepared {
            id: prepared.id().to_vec()
        }),
        "{failed:?}"
    );
    assert!(cluster.remove_fault(stubborn));
    s.execute(&prepared, ("local",))
        .await
        .expect("normal once the rule is gone");
    cluster.shutdown().await;
}
