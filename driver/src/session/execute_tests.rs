//! The execution loop over a plan of several scripted nodes: moving to the next node, the
//! idempotency gate, speculative executions, consistency downgrades, the all-nodes error.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;

use super::attempts::ExecutionOptions;
use super::plan::{NodePicker, Plan, RoutingInfo, Target};
use super::*;
use crate::connection::fake_peer::{fake_cluster, Action, PeerConfig};
use crate::connection::ConnectionConfig;
use crate::policies::retry::{DefaultRetryPolicy, DowngradingConsistencyRetryPolicy};
use crate::policies::speculative::ConstantSpeculativeExecutionPolicy;
use crate::pool::NodePool;
use crate::protocol::request::Request;
use crate::protocol::response::{ErrorBody, ErrorCode, Response, ResultBody};
use crate::protocol::Consistency;

/// Every node of the list, in order, for every request.
struct ListPicker(Vec<Target>);

impl NodePicker for ListPicker {
    fn plan(&self, _: &RoutingInfo<'_>) -> Plan {
        Plan::List(self.0.clone().into_iter())
    }
    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(async {
            for t in &self.0 {
                t.connection.close().await;
            }
        })
    }
    fn protocol_version(&self) -> Option<crate::protocol::ProtocolVersion> {
        self.0.first().map(|t| t.connection.protocol_version())
    }
}

/// What one scripted node saw: the consistency of every QUERY.
type Seen = Arc<Mutex<Vec<Consistency>>>;

fn address(i: u8) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, i], 9042))
}

/// Starts one node per handler; returns a session over all of them and what each saw.
async fn nodes(
    handlers: Vec<Box<dyn Fn(Consistency) -> Action + Send + Sync>>,
    execution: ExecutionOptions,
) -> (Session, Vec<Seen>) {
    let mut targets = Vec::new();
    let mut seen = Vec::new();
    for (i, handler) in handlers.into_iter().enumerate() {
        let log: Seen = Arc::default();
        let node_log = log.clone();
        let (connector, _control) =
            fake_cluster(PeerConfig::new(move |frame| match &frame.request {
                Request::Query(q) => {
                    node_log.lock().unwrap().push(q.params.consistency);
                    handler(q.params.consistency)
                }
                _ => Action::Ignore,
            }));
        let config = ConnectionConfig {
            heartbeat_interval: None,
            ..ConnectionConfig::default()
        };
        let node = address(u8::try_from(i + 1).unwrap());
        let pool = NodePool::open(connector, Some(node), config).await.unwrap();
        targets.push(Target {
            connection: pool.connections()[0].clone(),
            node: Some(node),
        });
        seen.push(log);
    }
    let config = SessionConfig {
        execution,
        ..SessionConfig::default()
    };
    (
        Session::from_parts(config, Arc::new(ListPicker(targets))),
        seen,
    )
}

fn reply(code: ErrorCode) -> Action {
    Action::Reply(Response::Error(ErrorBody {
        code,
        message: "scripted".into(),
    }))
}

fn ok() -> Action {
    Action::Reply(Response::Result(ResultBody::Void))
}

fn count(seen: &Seen) -> usize {
    seen.lock().unwrap().len()
}

fn statement(idempotent: bool) -> SimpleStatement {
    SimpleStatement::new("INSERT INTO t (k) VALUES (1)").with_idempotent(idempotent)
}

#[tokio::test]
async fn overloaded_node_moves_to_the_next_even_when_not_idempotent() {
    let (session, seen) = nodes(
        vec![
            Box::new(|_| reply(ErrorCode::Overloaded)),
            Box::new(|_| ok()),
        ],
        ExecutionOptions::default(),
    )
    .await;
    session.query(statement(false), ()).await.unwrap();
    assert_eq!((count(&seen[0]), count(&seen[1])), (1, 1));
    assert_eq!(session.request_stats().retries, 1);
}

#[tokio::test]
async fn server_error_moves_on_only_for_idempotent_statements() {
    let (session, seen) = nodes(
        vec![
            Box::new(|_| reply(ErrorCode::ServerError)),
            Box::new(|_| ok()),
        ],
        ExecutionOptions::default(),
    )
    .await;
    let error = session.query(statement(false), ()).await.unwrap_err();
    assert!(matches!(error.db_error(), Some(DbError::ServerError)));
    assert_eq!((count(&seen[0]), count(&seen[1])), (1, 0));
    session.query(statement(true), ()).await.unwrap();
    assert_eq!((count(&seen[0]), count(&seen[1])), (2, 1));
}

#[tokio::test]
async fn every_node_failing_lists_each_node_and_answer() {
    let (session, _) = nodes(
        vec![
            Box::new(|_| reply(ErrorCode::Overloaded)),
            Box::new(|_| reply(ErrorCode::IsBootstrapping)),
        ],
        ExecutionOptions::default(),
    )
    .await;
    let error = session.query(statement(false), ()).await.unwrap_err();
    let QueryError::AllNodesFailed { attempts } = &error else {
        panic!("{error:?}");
    };
    let nodes: Vec<_> = attempts.iter().map(|(node, _)| *node).collect();
    assert_eq!(nodes, vec![Some(address(1)), Some(address(2))]);
    assert!(matches!(
        attempts[0].1.db_error(),
        Some(DbError::Overloaded)
    ));
    assert!(matches!(
        attempts[1].1.db_error(),
        Some(DbError::IsBootstrapping)
    ));
    let text = error.to_string();
    assert!(text.contains("127.0.0.1:9042: ") && text.contains("; 127.0.0.2:9042: "));
}

#[tokio::test]
async fn downgrading_policy_resends_at_the_lower_consistency() {
    let execution = ExecutionOptions {
        retry_policy: Arc::new(DowngradingConsistencyRetryPolicy),
        ..ExecutionOptions::default()
    };
    let (session, seen) = nodes(
        vec![Box::new(|consistency| {
            if consistency == Consistency::Quorum {
                reply(ErrorCode::Unavailable {
                    consistency,
                    required: 2,
                    alive: 1,
                })
            } else {
                ok()
            }
        })],
        execution,
    )
    .await;
    session
        .query(statement(true).with_consistency(Consistency::Quorum), ())
        .await
        .unwrap();
    assert_eq!(
        *seen[0].lock().unwrap(),
        vec![Consistency::Quorum, Consistency::One]
    );
}

#[tokio::test]
async fn per_statement_policy_overrides_the_session_one() {
    let execution = ExecutionOptions {
        retry_policy: Arc::new(crate::policies::retry::FallthroughRetryPolicy),
        ..ExecutionOptions::default()
    };
    let (session, seen) = nodes(
        vec![
            Box::new(|_| reply(ErrorCode::Overloaded)),
            Box::new(|_| ok()),
        ],
        execution,
    )
    .await;
    assert!(session.query(statement(true), ()).await.is_err());
    assert_eq!(count(&seen[1]), 0);
    let with_default = statement(true).with_retry_policy(Arc::new(DefaultRetryPolicy));
    session.query(with_default, ()).await.unwrap();
    assert_eq!(count(&seen[1]), 1);
}

#[tokio::test]
async fn speculative_execution_only_for_idempotent_statements() {
    let execution = ExecutionOptions {
        speculative_execution: Arc::new(ConstantSpeculativeExecutionPolicy::new(
            Duration::from_millis(20),
            2,
        )),
        ..ExecutionOptions::default()
    };
    let slow = || {
        Action::Delayed(
            Duration::from_millis(300),
            Response::Result(ResultBody::Void),
        )
    };
    let (session, seen) = nodes(
        vec![Box::new(move |_| slow()), Box::new(|_| ok())],
        execution,
    )
    .await;
    session.query(statement(true), ()).await.unwrap();
    assert_eq!((count(&seen[0]), count(&seen[1])), (1, 1));
    assert_eq!(session.request_stats().speculative_executions, 1);
    session.query(statement(false), ()).await.unwrap();
    assert_eq!((count(&seen[0]), count(&seen[1])), (2, 1));
    assert_eq!(session.request_stats().speculative_executions, 1);
}

#[test]
fn attempt_errors_become_facts() {
    use super::execute::AttemptError;
    use crate::connection::ConnectionError;
    use crate::policies::retry::RequestFailure;
    let closed = || ConnectionError::closed("gone");
    assert_eq!(
        AttemptError::Connection(closed()).facts(),
        Some(RequestFailure::ConnectionClosed)
    );
    assert_eq!(
        AttemptError::NotSent(closed()).facts(),
        Some(RequestFailure::RequestNotSent)
    );
    assert_eq!(
        AttemptError::Timeout(Duration::from_secs(1)).facts(),
        Some(RequestFailure::ClientTimeout)
    );
    let syntax = ErrorBody {
        code: ErrorCode::SyntaxError,
        message: "bad".into(),
    };
    assert_eq!(AttemptError::Db(syntax).facts(), None);
}
