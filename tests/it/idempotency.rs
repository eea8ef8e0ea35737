//! Safe retries against a 3-node `ringbolt-sim` cluster with fault injection: the idempotency
//! gate, retry policies, speculative executions, per-attempt timeouts, throttling, stream ids.
//!
//! Addresses: this module uses 127.0.30.1 – 127.0.39.x, one third octet per test.
//! Faults are injected on every node (no `on_node`), so the tests hold whatever node picker
//! the session has: the single-node picker retries on the same node (one more pass over a
//! single-node plan), a cluster-aware one on the next node.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use ringbolt::policies::retry::{RequestFailure, RetryDecision, RetryPolicy};
use ringbolt::policies::speculative::ConstantSpeculativeExecutionPolicy;
use ringbolt::protocol::response::{ErrorBody, WriteType};
use ringbolt::protocol::{Consistency, Opcode};
use ringbolt::session::{DbError, QueryError, Session, SessionBuilder, SimpleStatement};
use ringbolt_sim::fault::errors;
use ringbolt_sim::{FaultRule, SimCluster};

/// Generous bound for any wait (never a timed assertion).
const WAIT: Duration = Duration::from_secs(30);

async fn cluster(third_octet: u8) -> SimCluster {
    SimCluster::builder()
        .nodes(3)
        .base_address(IpAddr::V4(Ipv4Addr::new(127, 0, third_octet, 1)))
        .port(0)
        .start()
        .await
        .expect("sim cluster starts")
}

async fn session_with(cluster: &SimCluster, builder: SessionBuilder) -> Session {
    let session = builder
        .contact_points(cluster.contact_points())
        .request_timeout(WAIT)
        .build()
        .await
        .expect("session connects");
    session
        .query(
            "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = \
             {'class': 'SimpleStrategy', 'replication_factor': 3}",
            (),
        )
        .await
        .expect("keyspace");
    session
        .query(
            "CREATE TABLE IF NOT EXISTS ks.kv (k int PRIMARY KEY, v text)",
            (),
        )
        .await
        .expect("kv table");
    session
        .query(
            "CREATE TABLE IF NOT EXISTS ks.hits (k int PRIMARY KEY, n counter)",
            (),
        )
        .await
        .expect("counter table");
    session
}

/// Retries everything on the next node, up to 4 times: only the gate keeps it safe.
struct Reckless;

impl RetryPolicy for Reckless {
    fn decide(&self, _: &RequestFailure, attempt: u32, _: bool) -> RetryDecision {
        if attempt < 4 {
            RetryDecision::RetryNextNode(None)
        } else {
            RetryDecision::Rethrow
        }
    }
}

async fn counter(session: &Session, k: i32) -> i64 {
    let result = session
        .query(
            SimpleStatement::new("SELECT n FROM ks.hits WHERE k = ?").with_idempotent(true),
            (k,),
        )
        .await
        .expect("counter read");
    let (n,): (i64,) = result.first_row().expect("one counter row");
    n
}

fn increment() -> SimpleStatement {
    // Counter updates are never idempotent.
    SimpleStatement::new("UPDATE ks.hits SET n = n + 1 WHERE k = ?")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applied_counter_increment_answered_write_timeout_counts_once() {
    let cluster = cluster(30).await;
    // Even a policy that retries everything cannot resend it: the gate applies.
    let session = session_with(
        &cluster,
        Session::builder().retry_policy(Arc::new(Reckless)),
    )
    .await;
    session
        .query(increment(), (1i32,))
        .await
        .expect("first increment");
    let rule = cluster.inject(
        FaultRule::new()
            .opcode(Opcode::Execute)
            .query_contains("n = n + 1")
            .times(2)
            .apply_then_fail(),
    );
    let before = session.request_stats();
    let error = session
        .query(increment(), (1i32,))
        .await
        .expect_err("the caller sees the write timeout");
    assert!(
        matches!(error.db_error(), Some(DbError::WriteTimeout { .. })),
        "{error:?}"
    );
    assert_eq!(session.request_stats().retries, before.retries);
    // Applied exactly once by the faulty attempt, never resent (the rule has a use left).
    assert_eq!(counter(&session, 1).await, 2);
    assert!(cluster.remove_fault(rule), "the increment was sent twice");
}

/// A fault that makes a node fail a request once, by name.
fn faults() -> Vec<(&'static str, FaultRule)> {
    let q = Consistency::Quorum;
    vec![
        (
            "read timeout",
            FaultRule::new().reply_error(errors::read_timeout(q, 2, 2, false)),
        ),
        (
            "write timeout",
            FaultRule::new().reply_error(errors::write_timeout(q, 1, 2, WriteType::Simple)),
        ),
        (
            "unavailable",
            FaultRule::new().reply_error(errors::unavailable(q, 2, 1)),
        ),
        (
            "overloaded",
            FaultRule::new().reply_error(errors::overloaded()),
        ),
        (
            "bootstrapping",
            FaultRule::new().reply_error(errors::is_bootstrapping()),
        ),
        (
            "server error",
            FaultRule::new().reply_error(errors::server_error("boom")),
        ),
        ("dropped connection", FaultRule::new().close_connection()),
    ]
}

fn with_marker(rule: FaultRule, marker: &str, times: u32) -> FaultRule {
    FaultRule {
        opcode: Some(Opcode::Execute),
        query_contains: Some(marker.to_owned()),
        times: Some(times),
        ..rule
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotent_statements_survive_one_failing_attempt() {
    let cluster = cluster(31).await;
    let session = session_with(
        &cluster,
        Session::builder().retry_policy(Arc::new(Reckless)),
    )
    .await;
    for (i, (name, rule)) in faults().into_iter().enumerate() {
        let marker = format!("'idem-{i}'");
        let rule = cluster.inject(with_marker(rule, &marker, 1));
        let before = session.request_stats().retries;
        let text = format!("INSERT INTO ks.kv (k, v) VALUES (?, {marker})");
        let statement = SimpleStatement::new(text).with_idempotent(true);
        session
            .query(statement, (i as i32,))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!cluster.remove_fault(rule), "{name}: the fault never fired");
        assert!(
            session.request_stats().retries > before,
            "{name}: the retry is not counted"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_policy_retries_what_its_table_says() {
    let cluster = cluster(32).await;
    let session = session_with(&cluster, Session::builder()).await;
    let q = Consistency::Quorum;
    let retried = [
        (
            "read timeout, data missing",
            errors::read_timeout(q, 2, 2, false),
        ),
        (
            "batch log write timeout",
            errors::write_timeout(q, 0, 2, WriteType::BatchLog),
        ),
        ("unavailable", errors::unavailable(q, 2, 1)),
        ("overloaded", errors::overloaded()),
        ("bootstrapping", errors::is_bootstrapping()),
    ];
    for (i, (name, error)) in retried.into_iter().enumerate() {
        let marker = format!("'default-{i}'");
        cluster.inject(with_marker(FaultRule::new().reply_error(error), &marker, 1));
        let before = session.request_stats().retries;
        let text = format!("INSERT INTO ks.kv (k, v) VALUES (?, {marker})");
        session
            .query(
                SimpleStatement::new(text).with_idempotent(true),
                (i as i32,),
            )
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(session.request_stats().retries, before + 1, "{name}");
    }
    // Rows of the table that rethrow even for an idempotent statement.
    let rethrown: [(&str, ErrorBody); 2] = [
        (
            "read timeout, data present",
            errors::read_timeout(q, 2, 2, true),
        ),
        (
            "simple write timeout",
            errors::write_timeout(q, 1, 2, WriteType::Simple),
        ),
    ];
    for (i, (name, error)) in rethrown.into_iter().enumerate() {
        let marker = format!("'rethrown-{i}'");
        cluster.inject(with_marker(FaultRule::new().reply_error(error), &marker, 1));
        let before = session.request_stats().retries;
        let text = format!("INSERT INTO ks.kv (k, v) VALUES (?, {marker})");
        let result = session
            .query(
                SimpleStatement::new(text).with_idempotent(true),
                (i as i32,),
            )
            .await;
        assert!(result.is_err(), "{name}");
        assert_eq!(session.request_stats().retries, before, "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_idempotent_statements_are_retried_only_when_not_applied() {
    let cluster = cluster(33).await;
    let session = session_with(
        &cluster,
        Session::builder().retry_policy(Arc::new(Reckless)),
    )
    .await;
    for (i, (name, rule)) in faults().into_iter().enumerate() {
        let marker = format!("'once-{i}'");
        let may_retry = matches!(name, "unavailable" | "overloaded" | "bootstrapping");
        // Where a resend is forbidden, a second use stays for a resend to consume.
        let rule = cluster.inject(with_marker(rule, &marker, if may_retry { 1 } else { 2 }));
        let before = session.request_stats().retries;
        let text = format!("INSERT INTO ks.kv (k, v) VALUES (?, {marker})");
        let result = session.query(SimpleStatement::new(text), (i as i32,)).await;
        let after = session.request_stats().retries;
        if may_retry {
            result.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!cluster.remove_fault(rule), "{name}: never fired");
            assert_eq!(
                after,
                before + 1,
                "{name}: resent after a failure proving it was not applied"
            );
        } else {
            let error = result.expect_err(name);
            assert_eq!(after, before, "{name}: retried ({error})");
            assert!(cluster.remove_fault(rule), "{name}: sent twice");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gate_table_at_session_level() {
    // Each row of the gate's table, observed through a real session with a policy that
    // always wants to retry: idempotent -> retried; not idempotent -> retried only if the
    // failure proves the statement was not applied.
    let cluster = cluster(34).await;
    let session = session_with(
        &cluster,
        Session::builder().retry_policy(Arc::new(Reckless)),
    )
    .await;
    let mut row = 0;
    for idempotent in [true, false] {
        for (name, rule) in faults() {
            row += 1;
            let marker = format!("'gate-{row}'");
            cluster.inject(with_marker(rule, &marker, 1));
            let before = session.request_stats().retries;
            let text = format!("INSERT INTO ks.kv (k, v) VALUES (?, {marker})");
            let statement = SimpleStatement::new(text).with_idempotent(idempotent);
            let result = session.query(statement, (row,)).await;
            let retried = session.request_stats().retries > before;
            let not_applied = matches!(name, "unavailable" | "overloaded" | "bootstrapping");
            assert_eq!(
                retried,
                idempotent || not_applied,
                "{name}, idempotent {idempotent}"
            );
            assert_eq!(result.is_ok(), retried, "{name}, idempotent {idempotent}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn speculative_execution_answers_while_a_node_is_slow() {
    let cluster = cluster(35).await;
    let policy = ConstantSpeculativeExecutionPolicy::new(Duration::from_millis(100), 2);
    let session = session_with(
        &cluster,
        Session::builder().speculative_execution(Arc::new(policy)),
    )
    .await;
    // The first execution is never answered: only a speculative one can answer.
    let slow = cluster.inject(
        FaultRule::new()
            .opcode(Opcode::Query)
            .query_contains("WHERE k = 101")
            .times(1)
            .no_response(),
    );
    let statement = SimpleStatement::new("SELECT v FROM ks.kv WHERE k = 101").with_idempotent(true);
    session
        .query(statement, ())
        .await
        .expect("speculative answer");
    assert!(!cluster.remove_fault(slow));
    assert_eq!(session.request_stats().speculative_executions, 1);

    // A node 500 ms slow: a speculative execution starts after 100 ms.
    let slow = cluster.inject(
        FaultRule::new()
            .opcode(Opcode::Query)
            .query_contains("WHERE k = 102")
            .times(1)
            .delay(Duration::from_millis(500)),
    );
    let statement = SimpleStatement::new("SELECT v FROM ks.kv WHERE k = 102").with_idempotent(true);
    session.query(statement, ()).await.expect("answer");
    assert!(!cluster.remove_fault(slow));
    assert_eq!(session.request_stats().speculative_executions, 2);

    // Never for a non-idempotent statement: the slow answer is awaited, nothing else sent.
    let slow = cluster.inject(
        FaultRule::new()
            .opcode(Opcode::Query)
            .query_contains("'spec-write'")
            .times(1)
            .delay(Duration::from_millis(500)),
    );
    let tripwire = cluster.inject(
        FaultRule::new()
            .opcode(Opcode::Query)
            .query_contains("'spec-write'")
            .times(1)
            .reply_error(errors::server_error("sent twice")),
    );
    session
        .query("INSERT INTO ks.kv (k, v) VALUES (7, 'spec-write')", ())
        .await
        .expect("the slow answer");
    assert!(!cluster.remove_fault(slow));
    assert!(
        cluster.remove_fault(tripwire),
        "a second execution was sent"
    );
    assert_eq!(session.request_stats().speculative_executions, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attempt_timeout_is_a_client_timeout_for_the_policy() {
    let cluster = cluster(36).await;
    let session = session_with(
        &cluster,
        Session::builder().attempt_timeout(Duration::from_millis(200)),
    )
    .await;
    cluster.inject(
        FaultRule::new()
            .opcode(Opcode::Query)
            .query_contains("'hang-idem'")
            .times(1)
            .no_response(),
    );
    let statement = SimpleStatement::new("INSERT INTO ks.kv (k, v) VALUES (8, 'hang-idem')")
        .with_idempotent(true);
    session
        .query(statement, ())
        .await
        .expect("retried after the attempt timeout");
    let stats = session.request_stats();
    assert_eq!(stats.attempt_timeouts, 1);
    assert_eq!(stats.retries, 1);

    cluster.inject(
        FaultRule::new()
            .opcode(Opcode::Query)
            .query_contains("'hang-write'")
            .times(1)
            .no_response(),
    );
    let error = session
        .query("INSERT INTO ks.kv (k, v) VALUES (9, 'hang-write')", ())
        .await
        .expect_err("not idempotent: the client timeout is the answer");
    assert!(matches!(error, QueryError::AttemptTimeout(_)), "{error:?}");
    assert_eq!(session.request_stats().retries, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_node_failing_lists_each_attempt() {
    let cluster = cluster(37).await;
    let session = session_with(&cluster, Session::builder()).await;
    cluster.inject(
        FaultRule::new()
            .opcode(Opcode::Query)
            .query_contains("WHERE k = 103")
            .reply_error(errors::overloaded()),
    );
    let error = session
        .query("SELECT v FROM ks.kv WHERE k = 103", ())
        .await
        .expect_err("every node is overloaded");
    let QueryError::AllNodesFailed { attempts } = &error else {
        panic!("{error:?}");
    };
    assert!(attempts.len() >= 2, "{attempts:?}");
    for (node, failure) in attempts {
        assert!(node.is_some());
        assert!(
            matches!(failure.db_error(), Some(DbError::Overloaded)),
            "{failure:?}"
        );
    }
    let text = error.to_string();
    let first = attempts[0].0.expect("address").to_string();
    assert!(text.contains(&first), "{text}");
    assert!(text.contains("overloaded"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_throttle_queue_is_an_error_not_a_hang() {
    let cluster = cluster(38).await;
    let session = session_with(&cluster, Session::builder().throttle(1, 0)).await;
    cluster.inject(
        FaultRule::new()
            .opcode(Opcode::Query)
            .query_contains("'hold-slot'")
            .times(1)
            .no_response(),
    );
    let holder = {
        let session = session.clone();
        tokio::spawn(async move {
            let statement =
                SimpleStatement::new("INSERT INTO ks.kv (k, v) VALUES (10, 'hold-slot')")
                    .with_timeout(Duration::from_secs(20));
            session.query(statement, ()).await
        })
    };
    // Once the holder's request is on the wire it holds the only slot.
    let sent = tokio::time::timeout(WAIT, async {
        while session.stream_usage().in_flight == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    assert!(sent.is_ok(), "the holder never sent its request");
    let refused = tokio::time::timeout(WAIT, session.query("SELECT k FROM ks.kv WHERE k = 0", ()))
        .await
        .expect("refused at once, not a hang");
    assert!(
        matches!(
            refused,
            Err(QueryError::Throttled {
                in_flight: 1,
                queued: 0
            })
        ),
        "{refused:?}"
    );
    assert!(session.request_stats().throttled >= 1);
    holder.abort();
    let _ = holder.await;
    // The slot came back with the aborted request.
    session
        .query("SELECT k FROM ks.kv WHERE k = 0", ())
        .await
        .expect("served again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_abandoned_requests_leak_no_stream_id() {
    let cluster = cluster(39).await;
    let session = session_with(&cluster, Session::builder()).await;
    cluster.inject(
        FaultRule::new()
            .opcode(Opcode::Query)
            .query_contains("SELECT v FROM ks.kv WHERE k =")
            .delay(Duration::from_millis(20)),
    );
    let mut abandoned = 0u32;
    for wave in 0..10 {
        let requests = (0..1000).map(|i| {
            let session = &session;
            async move {
                let text = format!("SELECT v FROM ks.kv WHERE k = {}", wave * 1000 + i);
                let statement = SimpleStatement::new(text).with_idempotent(i % 2 == 0);
                if i % 3 == 0 {
                    // Cancelled by the caller: the future is dropped mid-flight.
                    tokio::time::timeout(Duration::from_millis(1), session.query(statement, ()))
                        .await
                        .is_err()
                } else {
                    // Timed out by the session.
                    let statement = statement.with_timeout(Duration::from_millis(1));
                    matches!(
                        session.query(statement, ()).await,
                        Err(QueryError::Timeout(_))
                    )
                }
            }
        });
        abandoned += futures::future::join_all(requests)
            .await
            .into_iter()
            .filter(|gave_up| *gave_up)
            .count() as u32;
    }
    assert!(abandoned > 0);
    let drained = tokio::time::timeout(WAIT, async {
        loop {
            let usage = session.stream_usage();
            if usage.connections > 0 && usage.orphaned == 0 && usage.in_flight == 0 {
                break usage;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(
        drained.is_ok(),
        "stream ids leaked: {:?}",
        session.stream_usage()
    );
    let result = session
        .query("SELECT k FROM ks.kv WHERE k = 1", ())
        .await
        .expect("the session still serves requests");
    assert!(result.rows::<(i32,)>().is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unprepared_is_reprepared_and_replayed_for_executes_and_batches() {
    // Nodes 127.0.30.11-13: the 127.0.30.x octet of the first test, other host numbers.
    let cluster = SimCluster::builder()
        .nodes(3)
        .base_address(IpAddr::V4(Ipv4Addr::new(127, 0, 30, 11)))
        .port(0)
        .start()
        .await
        .expect("sim cluster starts");
    let session = session_with(&cluster, Session::builder()).await;
    let prepared = session
        .prepare("INSERT INTO ks.kv (k, v) VALUES (?, 'forgotten')")
        .await
        .expect("prepare");
    let forget = |opcode| {
        FaultRule::new()
            .opcode(opcode)
            .query_contains("'forgotten'")
            .times(1)
            .reply_error(errors::unprepared(prepared.id()))
    };
    // Not idempotent: replaying after UNPREPARED is safe, the node ran nothing.
    let rule = cluster.inject(forget(Opcode::Execute));
    session.execute(&prepared, (1i32,)).await.expect("replayed");
    assert!(!cluster.remove_fault(rule));
    assert_eq!(session.request_stats().reprepared, 1);

    let rule = cluster.inject(forget(Opcode::Batch));
    let mut batch = ringbolt::session::BatchStatement::logged();
    batch.append(prepared.clone());
    session
        .batch(&batch, ((2i32,),))
        .await
        .expect("replayed batch");
    assert!(!cluster.remove_fault(rule));
    let stats = session.request_stats();
    assert_eq!(stats.reprepared, 2);
    assert_eq!(stats.retries, 0, "a re-prepare is not a retry");
    let rows = session
        .query("SELECT k FROM ks.kv WHERE k = 2", ())
        .await
        .expect("read back");
    assert_eq!(rows.rows_num(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_with_too_many_orphaned_streams_is_replaced() {
    // Nodes 127.0.31.11-13.
    let cluster = SimCluster::builder()
        .nodes(3)
        .base_address(IpAddr::V4(Ipv4Addr::new(127, 0, 31, 11)))
        .port(0)
        .start()
        .await
        .expect("sim cluster starts");
    let session = session_with(&cluster, Session::builder().max_orphaned_streams(4)).await;
    cluster.inject(
        FaultRule::new()
            .opcode(Opcode::Query)
            .query_contains("WHERE k = 404")
            .no_response(),
    );
    // All on one node (the session balances over the three otherwise), so one connection
    // collects the orphans; its pool must be open first (or the requests fail as
    // NoConnection instead of timing out).
    let node = cluster.contact_points()[0];
    let deadline = tokio::time::Instant::now() + WAIT;
    while !session
        .cluster_state()
        .iter()
        .any(|n| n.address == node && n.open_connections > 0)
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no pool connection to {node}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let hung = (0..6).map(|_| {
        let statement = SimpleStatement::new("SELECT v FROM ks.kv WHERE k = 404")
            .with_target_node(node)
            .with_timeout(Duration::from_millis(50));
        session.query(statement, ())
    });
    for result in futures::future::join_all(hung).await {
        assert!(matches!(result, Err(QueryError::Timeout(_))), "{result:?}");
    }
    assert!(session.stream_usage().orphaned > 4);
    // The next request finds the connection unusable before sending (so even a
    // non-idempotent statement may move on) and is served on a fresh connection.
    session
        .query(
            SimpleStatement::new("SELECT v FROM ks.kv WHERE k = 1").with_target_node(node),
            (),
        )
        .await
        .expect("served on a fresh connection");
    assert_eq!(session.request_stats().connections_replaced, 1);
    assert_eq!(session.stream_usage().orphaned, 0);
}

/// Waits (bounded) until the session sees the node at `index` in `state`.
async fn wait_for_state(
    session: &Session,
    cluster: &SimCluster,
    index: usize,
    state: ringbolt::cluster::NodeState,
) {
    let address = cluster.contact_points()[index];
    let deadline = tokio::time::Instant::now() + WAIT;
    while !session
        .cluster_state()
        .iter()
        .any(|node| node.address == address && node.state == state)
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "node {address} never became {state:?}: {:?}",
            session.cluster_state()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statements_are_prepared_again_on_a_node_that_comes_back_up() {
    use ringbolt::cluster::NodeState;
    // Addresses 127.0.91.x.
    let cluster = cluster(91).await;
    let session = session_with(&cluster, Session::builder()).await;
    session
        .prepare("SELECT v FROM ks.kv WHERE k = ?")
        .await
        .expect("prepare");
    session
        .prepare("INSERT INTO ks.kv (k, v) VALUES (?, ?)")
        .await
        .expect("prepare");
    assert_eq!(session.request_stats().reprepared_on_up, 0);

    cluster.stop_node(2).await.expect("stop node 2");
    wait_for_state(&session, &cluster, 2, NodeState::Down).await;
    // A tripwire: the next PREPARE that node 2 receives uses it up (and is answered as usual).
    let tripwire = cluster.inject(
        FaultRule::new()
            .on_node(2)
            .opcode(Opcode::Prepare)
            .times(1)
            .delay(Duration::ZERO),
    );
    cluster.start_node(2).await.expect("start node 2");
    wait_for_state(&session, &cluster, 2, NodeState::Up).await;

    let deadline = tokio::time::Instant::now() + WAIT;
    while session.request_stats().reprepared_on_up < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "statements were not prepared again: {:?}",
            session.request_stats()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        !cluster.remove_fault(tripwire),
        "node 2 received no PREPARE after it came back"
    );
    // Nothing was answered UNPREPARED on the way.
    assert_eq!(session.request_stats().reprepared, 0);
    cluster.shutdown().await;
}
