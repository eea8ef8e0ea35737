//! Reconnection: how long to wait before trying to reconnect to a node.
//!
//! The pool asks the policy for the delay before attempt `n` (0 for the first retry after a
//! failure), passing a random source so delays can be jittered (spreading reconnections of
//! many clients) and tests can be reproducible.
//!
//! ```
//! use std::time::Duration;
//! use rand::SeedableRng;
//! use ringbolt_driver::policies::reconnection::{ExponentialReconnectionPolicy, ReconnectionPolicy};
//!
//! let policy = ExponentialReconnectionPolicy::default(); // 1 s doubling up to 60 s, ±15 %
//! let mut rng = rand::rngs::StdRng::seed_from_u64(1);
//! let first = policy.delay(0, &mut rng);
//! assert!(first >= Duration::from_millis(850) && first <= Duration::from_millis(1150));
//! assert!(policy.delay(30, &mut rng) <= Duration::from_secs(60));
//! ```

use std::sync::Arc;
use std::time::Duration;

use rand::{Rng, RngCore};

/// The delay before each reconnection attempt.
pub trait ReconnectionPolicy: Send + Sync {
    /// The wait before attempt `attempt` (0-based), drawing any randomness from `random`.
    fn delay(&self, attempt: u32, random: &mut dyn RngCore) -> Duration;
}

impl<P: ReconnectionPolicy + ?Sized> ReconnectionPolicy for Arc<P> {
    fn delay(&self, attempt: u32, random: &mut dyn RngCore) -> Duration {
        (**self).delay(attempt, random)
    }
}

impl<P: ReconnectionPolicy + ?Sized> ReconnectionPolicy for Box<P> {
    fn delay(&self, attempt: u32, random: &mut dyn RngCore) -> Duration {
        (**self).delay(attempt, random)
    }
}

/// `base * 2^attempt`, capped at `max`, then multiplied by a random factor in
/// `[1 - jitter, 1 + jitter]` and capped at `max` again.
///
/// ```
/// use std::time::Duration;
/// use ringbolt_driver::policies::reconnection::{ExponentialReconnectionPolicy, ReconnectionPolicy};
/// let policy = ExponentialReconnectionPolicy::new(Duration::from_millis(100), Duration::from_secs(1))
///     .jitter(0.0);
/// let mut rng = rand::thread_rng();
/// assert_eq!(policy.delay(2, &mut rng), Duration::from_millis(400));
/// assert_eq!(policy.delay(9, &mut rng), Duration::from_secs(1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExponentialReconnectionPolicy {
    base: Duration,
    max: Duration,
    jitter: f64,
}

impl Default for ExponentialReconnectionPolicy {
    /// Base 1 s, max 60 s, jitter 15 %.
    fn default() -> Self {
        ExponentialReconnectionPolicy::new(Duration::from_secs(1), Duration::from_secs(60))
    }
}

impl ExponentialReconnectionPolicy {
    /// Doubling from `base` up to `max`, with 15 % jitter.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use ringbolt_driver::policies::reconnection::ExponentialReconnectionPolicy;
    /// let p = ExponentialReconnectionPolicy::new(Duration::from_millis(500), Duration::from_secs(30));
    /// assert_eq!(p.raw_delay(1), Duration::from_secs(1));
    /// ```
    pub fn new(base: Duration, max: Duration) -> Self {
        ExponentialReconnectionPolicy {
            base,
            max,
            jitter: 0.15,
        }
    }

    /// Sets the jitter fraction, clamped to `[0, 1]` (0 disables jitter).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use ringbolt_driver::policies::reconnection::{ExponentialReconnectionPolicy, ReconnectionPolicy};
    /// let p = ExponentialReconnectionPolicy::default().jitter(0.0);
    /// assert_eq!(p.delay(0, &mut rand::thread_rng()), Duration::from_secs(1));
    /// ```
    pub fn jitter(mut self, fraction: f64) -> Self {
        self.jitter = if fraction.is_nan() {
            0.0
        } else {
            fraction.clamp(0.0, 1.0)
        };
        self
    }

    /// The delay before jitter: `base * 2^attempt`, capped at `max` (no overflow for any
    /// attempt).
    ///
    /// ```
    /// use std::time::Duration;
    /// use ringbolt_driver::policies::reconnection::ExponentialReconnectionPolicy;
    /// let p = ExponentialReconnectionPolicy::default();
    /// assert_eq!(p.raw_delay(3), Duration::from_secs(8));
    /// assert_eq!(p.raw_delay(u32::MAX), Duration::from_secs(60));
    /// ```
    pub fn raw_delay(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt).unwrap_or(u32::MAX);
        self.base
            .checked_mul(factor)
            .map_or(self.max, |d| d.min(self.max))
    }
}

impl ReconnectionPolicy for ExponentialReconnectionPolicy {
    fn delay(&self, attempt: u32, random: &mut dyn RngCore) -> Duration {
        let raw = self.raw_delay(attempt);
        if self.jitter == 0.0 {
            return raw;
        }
        let factor = random.gen_range((1.0 - self.jitter)..=(1.0 + self.jitter));
        raw.mul_f64(factor).min(self.max)
    }
}

/// The same delay before every attempt.
///
/// ```
/// use std::time::Duration;
/// use ringbolt_driver::policies::reconnection::{ConstantReconnectionPolicy, ReconnectionPolicy};
/// let policy = ConstantReconnectionPolicy::new(Duration::from_secs(2));
/// assert_eq!(policy.delay(7, &mut rand::thread_rng()), Duration::from_secs(2));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConstantReconnectionPolicy {
    /// The delay.
    pub delay: Duration,
}

impl ConstantReconnectionPolicy {
    /// Waits `delay` before each attempt.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use ringbolt_driver::policies::reconnection::ConstantReconnectionPolicy;
    /// assert_eq!(ConstantReconnectionPolicy::new(Duration::from_secs(1)).delay, Duration::from_secs(1));
    /// ```
    pub fn new(delay: Duration) -> Self {
        ConstantReconnectionPolicy { delay }
    }
}

impl ReconnectionPolicy for ConstantReconnectionPolicy {
    fn delay(&self, _: u32, _: &mut dyn RngCore) -> Duration {
        self.delay
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn exponential_doubles_and_caps() {
        let p = ExponentialReconnectionPolicy::default().jitter(0.0);
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let secs: Vec<u64> = (0..9).map(|n| p.delay(n, &mut rng).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(p.delay(1000, &mut rng), Duration::from_secs(60));
    }

    #[test]
    fn jitter_stays_within_bounds_and_varies() {
        let p = ExponentialReconnectionPolicy::default();
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let d = p.delay(2, &mut rng);
            assert!(d >= Duration::from_millis(3400) && d <= Duration::from_millis(4600));
            seen.insert(d);
            assert!(p.delay(10, &mut rng) <= Duration::from_secs(60));
        }
        assert!(seen.len() > 100);
    }

    #[test]
    fn jitter_is_clamped() {
        let p = ExponentialReconnectionPolicy::new(Duration::from_secs(1), Duration::from_secs(4))
            .jitter(5.0);
        let mut rng = rand::rngs::StdRng::seed_from_u64(5);
        for _ in 0..100 {
            assert!(p.delay(0, &mut rng) <= Duration::from_secs(2));
        }
        assert_eq!(
            ExponentialReconnectionPolicy::default()
                .jitter(f64::NAN)
                .jitter,
            0.0
        );
    }

    #[test]
    fn constant_and_wrappers() {
        let p: Box<dyn ReconnectionPolicy> =
            Box::new(ConstantReconnectionPolicy::new(Duration::from_millis(250)));
        let mut rng = rand::rngs::StdRng::seed_from_u64(0);
        assert_eq!(p.delay(0, &mut rng), Duration::from_millis(250));
        assert_eq!(p.delay(99, &mut rng), Duration::from_millis(250));
    }
}
