//! Session metrics: requests, errors by kind, retries, requests in flight per node and a
//! latency histogram, read with [`Session::metrics`].
//!
//! Counters are atomics updated by the execution path; reading them takes a consistent-enough
//! copy ([`SessionMetrics`]) without stopping traffic.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::errors::QueryError;
use super::Session;
use crate::cluster::NodeStatus;

/// Histogram buckets: bucket `i` counts latencies below `2^i` microseconds (the last one
/// everything above), so 1 µs to about 35 minutes in 32 buckets.
pub const LATENCY_BUCKETS: usize = 32;

/// The upper bound (exclusive) of latency bucket `i`, in microseconds.
///
/// ```
/// use ringbolt_driver::session::metrics::bucket_upper_bound_micros;
/// assert_eq!(bucket_upper_bound_micros(0), 1);
/// assert_eq!(bucket_upper_bound_micros(10), 1024);
/// ```
pub fn bucket_upper_bound_micros(i: usize) -> u64 {
    1u64.checked_shl(u32::try_from(i).unwrap_or(u32::MAX))
        .unwrap_or(u64::MAX)
}

fn bucket_of(latency: Duration) -> usize {
    let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
    let bits = u64::BITS - micros.leading_zeros();
    usize::try_from(bits)
        .unwrap_or(usize::MAX)
        .min(LATENCY_BUCKETS - 1)
}

const ERROR_KINDS: [&str; 8] = [
    "server",
    "timeout",
    "connection",
    "no_connection",
    "prepare",
    "serialize",
    "unexpected_response",
    "other",
];

fn error_kind(error: &QueryError) -> usize {
    match error {
        QueryError::Db { .. } => 0,
        QueryError::Timeout(_) => 1,
        QueryError::Connection(_) => 2,
        QueryError::NoConnection => 3,
        QueryError::Prepare(_) => 4,
        QueryError::Serialize(_) => 5,
        QueryError::UnexpectedResponse { .. } => 6,
        _ => 7,
    }
}

/// The session's live counters.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    requests: AtomicU64,
    errors: [AtomicU64; ERROR_KINDS.len()],
    latency: [AtomicU64; LATENCY_BUCKETS],
}

impl Metrics {
    /// Records one finished request.
    pub(crate) fn record<T>(&self, started: tokio::time::Instant, result: &Result<T, QueryError>) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        if let Err(e) = result {
            if let Some(counter) = self.errors.get(error_kind(e)) {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }
        if let Some(bucket) = self.latency.get(bucket_of(started.elapsed())) {
            bucket.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// A copy of the session's metrics at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionMetrics {
    /// Requests finished (successfully or not), page fetches and preparations included.
    pub requests: u64,
    /// Failed requests by kind: `server`, `timeout`, `connection`, `no_connection`,
    /// `prepare`, `serialize`, `unexpected_response`, `other` (kinds with no error omitted).
    pub errors: BTreeMap<&'static str, u64>,
    /// Attempts made again after a failure (the execution loop's
    /// [`RequestStats::retries`](super::RequestStats::retries)).
    pub retries: u64,
    /// Requests in flight per node with a pool.
    pub in_flight: Vec<(SocketAddr, usize)>,
    /// Latency histogram: entry `i` counts requests that took less than
    /// [`bucket_upper_bound_micros`]`(i)` µs (and at least the previous bound).
    pub latency_buckets: [u64; LATENCY_BUCKETS],
}

impl SessionMetrics {
    /// Total errors of every kind.
    pub fn total_errors(&self) -> u64 {
        self.errors.values().sum()
    }

    /// An upper bound of the `q` quantile of latency (`q` in `[0, 1]`), from the histogram;
    /// `None` before any request.
    pub fn latency_quantile(&self, q: f64) -> Option<Duration> {
        let total: u64 = self.latency_buckets.iter().sum();
        if total == 0 {
            return None;
        }
        let wanted = (q.clamp(0.0, 1.0) * total as f64).ceil() as u64;
        let mut seen = 0u64;
        for (i, n) in self.latency_buckets.iter().enumerate() {
            seen = seen.saturating_add(*n);
            if seen >= wanted.max(1) {
                return Some(Duration::from_micros(bucket_upper_bound_micros(i)));
            }
        }
        None
    }
}

impl Session {
    /// The session's metrics so far.
    pub fn metrics(&self) -> SessionMetrics {
        let m = &self.inner.metrics;
        let errors = ERROR_KINDS
            .iter()
            .zip(&m.errors)
            .map(|(k, c)| (*k, c.load(Ordering::Relaxed)))
            .filter(|(_, n)| *n > 0)
            .collect();
        let mut latency_buckets = [0u64; LATENCY_BUCKETS];
        for (out, bucket) in latency_buckets.iter_mut().zip(&m.latency) {
            *out = bucket.load(Ordering::Relaxed);
        }
        SessionMetrics {
            requests: m.requests.load(Ordering::Relaxed),
            errors,
            retries: self.request_stats().retries,
            in_flight: self.inner.picker.in_flight_by_node(),
            latency_buckets,
        }
    }

    /// Every node the session knows with its datacenter, rack, host id and state (what a
    /// health check reports). Empty when the session could not read the cluster's topology
    /// and talks to its contact point only.
    pub fn cluster_state(&self) -> Vec<NodeStatus> {
        self.inner.picker.cluster_state()
    }

    /// A receiver that sees the node list whenever a node goes up or down or the topology
    /// changes (`None` without topology information).
    pub fn cluster_state_changes(&self) -> Option<tokio::sync::watch::Receiver<Vec<NodeStatus>>> {
        self.inner.picker.subscribe_state()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_logarithmic() {
        assert_eq!(bucket_of(Duration::ZERO), 0);
        assert_eq!(bucket_of(Duration::from_micros(1)), 1);
        assert_eq!(bucket_of(Duration::from_micros(1023)), 10);
        assert_eq!(bucket_of(Duration::from_micros(1024)), 11);
        assert_eq!(bucket_of(Duration::from_secs(100_000)), LATENCY_BUCKETS - 1);
    }

    #[test]
    fn quantiles_come_from_buckets() {
        let mut latency_buckets = [0u64; LATENCY_BUCKETS];
        latency_buckets[3] = 90;
        latency_buckets[10] = 10;
        let m = SessionMetrics {
            requests: 100,
            errors: BTreeMap::new(),
            retries: 0,
            in_flight: Vec::new(),
            latency_buckets,
        };
        assert_eq!(m.latency_quantile(0.5), Some(Duration::from_micros(8)));
        assert_eq!(m.latency_quantile(0.99), Some(Duration::from_micros(1024)));
        assert_eq!(m.total_errors(), 0);
    }
}
