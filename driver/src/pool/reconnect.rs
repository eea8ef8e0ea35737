//! Filling a node's pool: opens connections until the pool has its target size, one attempt at
//! a time, waiting between failures as the reconnection policy says.

use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};

use super::PoolInner;
use crate::cluster::NodeState;
use crate::connection::Connection;

/// Starts filling unless a filler is already running.
pub(super) fn start(pool: Arc<PoolInner>) {
    if pool.filling.swap(true, Ordering::AcqRel) {
        return;
    }
    tokio::spawn(async move {
        fill(&pool).await;
        pool.filling.store(false, Ordering::Release);
    });
}

fn open_count(pool: &PoolInner) -> usize {
    let mut connections = pool
        .connections
        .write()
        .unwrap_or_else(PoisonError::into_inner);
    connections.retain(|c| !c.is_closed());
    connections.len()
}

fn report(pool: &PoolInner, state: NodeState) {
    if let (Some(listener), Some(address)) = (&pool.listener, pool.address) {
        listener(address, state);
    }
}

async fn fill(pool: &PoolInner) {
    let mut failures = 0u32;
    while !pool.closed.load(Ordering::Acquire) {
        let open = open_count(pool);
        if open >= pool.target.load(Ordering::Acquire) {
            return;
        }
        let config = crate::connection::ConnectionConfig {
            keyspace: pool
                .keyspace
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
            ..pool.config.clone()
        };
        match Connection::open(pool.connector.clone(), pool.address, &config).await {
            Ok(connection) => {
                if pool.closed.load(Ordering::Acquire) {
                    connection.close().await;
                    return;
                }
                pool.connections
                    .write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(connection);
                failures = 0;
                report(pool, NodeState::Up);
            }
            Err(e) => {
                tracing::warn!(address = ?pool.address, error = %e, "opening a connection failed");
                if open_count(pool) == 0 {
                    report(pool, NodeState::Down);
                }
                let delay = pool.reconnection.delay(failures, &mut rand::thread_rng());
                failures = failures.saturating_add(1);
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    _ = pool.wake.notified() => failures = 0,
                }
            }
        }
    }
}
