//! Optional concurrency limit: at most N requests run at once, at most M wait; more are
//! refused at once with [`QueryError::Throttled`] (never a hang: waiting is also bounded by the
//! request's deadline, applied by the caller).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::errors::QueryError;

/// A semaphore of running requests and a counter of waiting ones.
#[derive(Debug)]
pub(crate) struct Throttle {
    running: Arc<Semaphore>,
    max_running: usize,
    queued: AtomicUsize,
    max_queued: usize,
}

/// Decrements the queue counter however the wait ends (slot, error, or cancellation).
struct Queued<'a>(&'a AtomicUsize);

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Throttle {
    pub(crate) fn new(max_running: usize, max_queued: usize) -> Throttle {
        let max_running = max_running.clamp(1, Semaphore::MAX_PERMITS);
        Throttle {
            running: Arc::new(Semaphore::new(max_running)),
            max_running,
            queued: AtomicUsize::new(0),
            max_queued,
        }
    }

    /// A slot to run one request; waits in the queue when all are taken and the queue has room.
    pub(crate) async fn acquire(&self) -> Result<OwnedSemaphorePermit, QueryError> {
        if let Ok(permit) = self.running.clone().try_acquire_owned() {
            return Ok(permit);
        }
        let previous = self.queued.fetch_add(1, Ordering::AcqRel);
        let _queued = Queued(&self.queued);
        if previous >= self.max_queued {
            return Err(QueryError::Throttled {
                in_flight: self.max_running,
                queued: self.max_queued,
            });
        }
        // The semaphore is never closed, so acquiring fails only if it were.
        self.running
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| QueryError::NoConnection)
    }

    #[cfg(test)]
    pub(crate) fn queued(&self) -> usize {
        self.queued.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn full_queue_refuses_at_once_and_slots_come_back() {
        let throttle = Arc::new(Throttle::new(1, 1));
        let first = throttle.acquire().await.unwrap();
        let waiting = {
            let throttle = throttle.clone();
            tokio::spawn(async move { throttle.acquire().await.map(drop) })
        };
        tokio::time::timeout(Duration::from_secs(10), async {
            while throttle.queued() != 1 {
                tokio::task::yield_now().await;
            }
        })
        .await
        .unwrap();
        assert!(matches!(
            throttle.acquire().await,
            Err(QueryError::Throttled {
                in_flight: 1,
                queued: 1
            })
        ));
        drop(first);
        tokio::time::timeout(Duration::from_secs(10), waiting)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        assert_eq!(throttle.queued(), 0);
        drop(throttle.acquire().await.unwrap());
    }

    #[tokio::test]
    async fn cancelled_waiters_leave_the_queue() {
        let throttle = Throttle::new(1, 4);
        let _held = throttle.acquire().await.unwrap();
        let gave_up = tokio::time::timeout(Duration::from_millis(10), throttle.acquire()).await;
        assert!(gave_up.is_err());
        assert_eq!(throttle.queued(), 0);
    }
}
