//! Speculative execution: starting another execution of a slow request on the next node of
//! its plan, keeping whichever answers first.
//!
//! **Only idempotent statements** may be executed speculatively, since several executions may
//! all be applied. The policies here do not know the statement; the execution loop must check
//! idempotency before asking them, and never speculate on a non-idempotent statement.
//!
//! ```
//! use std::time::Duration;
//! use ringbolt_driver::policies::speculative::{ConstantSpeculativeExecutionPolicy, SpeculativeExecutionPolicy};
//!
//! let policy = ConstantSpeculativeExecutionPolicy::new(Duration::from_millis(50), 3);
//! assert_eq!(policy.next_execution_delay(1), Some(Duration::from_millis(50)));
//! assert_eq!(policy.next_execution_delay(2), Some(Duration::from_millis(50)));
//! assert_eq!(policy.next_execution_delay(3), None);
//! ```

use std::sync::Arc;
use std::time::Duration;

/// When to start the next execution of an idempotent request.
pub trait SpeculativeExecutionPolicy: Send + Sync {
    /// Given the executions started so far (1 after the initial one), how long to wait
    /// before starting another, or `None` for no more executions.
    fn next_execution_delay(&self, started: u32) -> Option<Duration>;
}

impl<P: SpeculativeExecutionPolicy + ?Sized> SpeculativeExecutionPolicy for Arc<P> {
    fn next_execution_delay(&self, started: u32) -> Option<Duration> {
        (**self).next_execution_delay(started)
    }
}

impl<P: SpeculativeExecutionPolicy + ?Sized> SpeculativeExecutionPolicy for Box<P> {
    fn next_execution_delay(&self, started: u32) -> Option<Duration> {
        (**self).next_execution_delay(started)
    }
}

/// Never speculates (the default).
///
/// ```
/// use ringbolt_driver::policies::speculative::{NoSpeculativeExecutionPolicy, SpeculativeExecutionPolicy};
/// assert_eq!(NoSpeculativeExecutionPolicy.next_execution_delay(1), None);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSpeculativeExecutionPolicy;

impl SpeculativeExecutionPolicy for NoSpeculativeExecutionPolicy {
    fn next_execution_delay(&self, _: u32) -> Option<Duration> {
        None
    }
}

/// Starts a new execution every `delay`, up to `max_executions` in total (the initial one
/// included, so 1 means no speculation).
///
/// ```
/// use std::time::Duration;
/// use ringbolt_driver::policies::speculative::{ConstantSpeculativeExecutionPolicy, SpeculativeExecutionPolicy};
/// let policy = ConstantSpeculativeExecutionPolicy::new(Duration::from_millis(10), 1);
/// assert_eq!(policy.next_execution_delay(1), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConstantSpeculativeExecutionPolicy {
    /// Wait between two executions.
    pub delay: Duration,
    /// Executions in total, the initial one included.
    pub max_executions: u32,
}

impl ConstantSpeculativeExecutionPolicy {
    /// A policy waiting `delay` between executions, `max_executions` in total.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use ringbolt_driver::policies::speculative::ConstantSpeculativeExecutionPolicy;
    /// let policy = ConstantSpeculativeExecutionPolicy::new(Duration::from_millis(100), 2);
    /// assert_eq!(policy.max_executions, 2);
    /// ```
    pub fn new(delay: Duration, max_executions: u32) -> Self {
        ConstantSpeculativeExecutionPolicy {
            delay,
            max_executions,
        }
    }
}

impl SpeculativeExecutionPolicy for ConstantSpeculativeExecutionPolicy {
    fn next_execution_delay(&self, started: u32) -> Option<Duration> {
        (started < self.max_executions).then_some(self.delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_policy_counts_the_initial_execution() {
        let p = ConstantSpeculativeExecutionPolicy::new(Duration::from_millis(20), 3);
        let delays: Vec<_> = (0..5).map(|n| p.next_execution_delay(n)).collect();
        let d = Some(Duration::from_millis(20));
        assert_eq!(delays, [d, d, d, None, None]);
        let none = ConstantSpeculativeExecutionPolicy::new(Duration::ZERO, 0);
        assert_eq!(none.next_execution_delay(1), None);
    }

    #[test]
    fn no_policy_and_wrappers() {
        let p: Arc<dyn SpeculativeExecutionPolicy> = Arc::new(NoSpeculativeExecutionPolicy);
        assert_eq!(p.next_execution_delay(1), None);
        let b: Box<dyn SpeculativeExecutionPolicy> = Box::new(
            ConstantSpeculativeExecutionPolicy::new(Duration::from_millis(5), 2),
        );
        assert_eq!(b.next_execution_delay(1), Some(Duration::from_millis(5)));
        assert_eq!(b.next_execution_delay(2), None);
    }
}
