//! Reopening a node's connection after all of them closed: one attempt at a time, with
//! exponential backoff and jitter between failures.

use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use rand::Rng;

use super::PoolInner;
use crate::connection::Connection;

const FIRST_DELAY: Duration = Duration::from_millis(100);
const MAX_DELAY: Duration = Duration::from_secs(10);

/// The delay before attempt `failures + 1`: doubling from 100 ms, capped at 10 s, plus up to
/// 20% jitter so many clients do not reconnect in lockstep.
pub(super) fn backoff(failures: u32) -> Duration {
    let base = FIRST_DELAY
        .saturating_mul(1u32.checked_shl(failures.min(16)).unwrap_or(u32::MAX))
        .min(MAX_DELAY);
    let jitter_ms = rand::thread_rng().gen_range(0..=base.as_millis() / 5);
    base + Duration::from_millis(u64::try_from(jitter_ms).unwrap_or(0))
}

/// Starts reconnecting unless a reconnection is already running.
pub(super) fn start(pool: Arc<PoolInner>) {
    if pool.reconnecting.swap(true, Ordering::AcqRel) {
        return;
    }
    tokio::spawn(async move {
        let mut failures = 0u32;
        while !pool.closed.load(Ordering::Acquire) {
            match Connection::open(pool.connector.clone(), pool.address, &pool.config).await {
                Ok(connection) => {
                    if pool.closed.load(Ordering::Acquire) {
                        connection.close().await;
                    } else {
                        let mut connections = pool
                            .connections
                            .write()
                            .unwrap_or_else(PoisonError::into_inner);
                        connections.retain(|c| !c.is_closed());
                        connections.push(connection);
                    }
                    break;
                }
                Err(e) => {
                    tracing::warn!(address = ?pool.address, error = %e, "reconnecting failed");
                    tokio::time::sleep(backoff(failures)).await;
                    failures = failures.saturating_add(1);
                }
            }
        }
        pool.reconnecting.store(false, Ordering::Release);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        for (failures, base_ms) in [(0, 100), (1, 200), (3, 800), (7, 10_000), (40, 10_000)] {
            let d = backoff(failures).as_millis();
            assert!(
                d >= base_ms && d <= base_ms + base_ms / 5,
                "{failures}: {d}"
            );
        }
    }
}
