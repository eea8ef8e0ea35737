//! Preparing statements on more nodes: every node of the plan at prepare time, again on a node
//! that answered UNPREPARED, and every cached statement on a node that came back.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Weak};

use tokio::sync::watch;

use super::attempts::Counters;
use super::errors::PrepareError;
use super::plan::Target;
use super::statement::PreparedInner;
use super::SessionInner;
use crate::cluster::{NodeState, NodeStatus};
use crate::connection::Connection;
use crate::protocol::frame::ResponseFrame;
use crate::protocol::request::{Prepare, Request};
use crate::protocol::response::{Response, ResultBody};

/// Sends `prepare` on each target concurrently; failures are logged, not returned.
pub(crate) async fn prepare_on_all(targets: &[Target], prepare: &Prepare) {
    let sends = targets.iter().map(|target| async move {
        let request = Request::Prepare(prepare.clone());
        match target.connection.send(request).await {
            Ok(ResponseFrame {
                response: Response::Result(ResultBody::Prepared(_)),
                ..
            }) => {}
            other => {
                tracing::debug!(node = ?target.node, ?other, "preparing on another node failed")
            }
        }
    });
    futures::future::join_all(sends).await;
}

/// Re-prepares `statements` on `connection` (for example a node that came back up, or a new
/// connection); returns how many succeeded. The cluster layer calls this through
/// [`Session::reprepare_on`](super::Session::reprepare_on).
pub(crate) async fn reprepare_all(
    connection: &Connection,
    statements: &[Arc<PreparedInner>],
) -> usize {
    let sends = statements.iter().map(|s| reprepare(connection, s));
    futures::future::join_all(sends)
        .await
        .into_iter()
        .filter(Result::is_ok)
        .count()
}

/// Prepares `statement` again on `connection` after the node answered UNPREPARED.
pub(crate) async fn reprepare(
    connection: &Connection,
    statement: &PreparedInner,
) -> Result<(), PrepareError> {
    let request = Request::Prepare(Prepare {
        query: statement.text.clone(),
        keyspace: None,
    });
    let frame = connection
        .send(request)
        .await
        .map_err(PrepareError::Connection)?;
    match frame.response {
        Response::Result(ResultBody::Prepared(prepared)) => {
            if prepared.id != statement.id {
                tracing::warn!(
                    text = %statement.text,
                    "re-preparing returned a different id; the statement's keyspace or text may have changed"
                );
            }
            Ok(())
        }
        Response::Error(body) => Err(PrepareError::Db {
            error: (&body.code).into(),
            message: body.message,
        }),
        other => Err(PrepareError::UnexpectedResponse {
            got: crate::connection::response_name(&other),
        }),
    }
}

/// Watches node states and prepares every cached statement again on a node that goes from
/// down to up, so its first requests do not each pay an UNPREPARED round trip (the Java
/// driver's "re-prepare on up"). The task ends with the session.
pub(super) fn reprepare_on_up(
    session: Weak<SessionInner>,
    mut states: watch::Receiver<Vec<NodeStatus>>,
) {
    let state_map = |nodes: &[NodeStatus]| -> HashMap<SocketAddr, NodeState> {
        nodes
            .iter()
            .map(|node| (node.address, node.state))
            .collect()
    };
    let mut last = state_map(&states.borrow_and_update());
    tokio::spawn(async move {
        while states.changed().await.is_ok() {
            let now = state_map(&states.borrow_and_update());
            let back: Vec<SocketAddr> = now
                .iter()
                .filter(|(address, state)| {
                    **state == NodeState::Up && last.get(*address) == Some(&NodeState::Down)
                })
                .map(|(address, _)| *address)
                .collect();
            last = now;
            if back.is_empty() {
                continue;
            }
            let Some(inner) = session.upgrade() else {
                return;
            };
            let statements = inner.prepared.all();
            for address in back {
                for connection in inner.picker.node_connections(address) {
                    let done = reprepare_all(&connection, &statements).await;
                    for _ in 0..done {
                        Counters::bump(&inner.executor.counters.reprepared_on_up);
                    }
                    tracing::debug!(node = %address, done, total = statements.len(), "prepared again on a node that came back up");
                }
            }
        }
    });
}
