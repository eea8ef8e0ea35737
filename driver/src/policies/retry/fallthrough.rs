//! A policy that never retries.

use super::{RequestFailure, RetryDecision, RetryPolicy};

/// Never retries: every failure goes to the caller (`Rethrow`), including `Unprepared` if the
/// loop ever asks about it. For applications that implement retries themselves.
///
/// ```
/// use ringbolt_driver::policies::retry::{FallthroughRetryPolicy, RequestFailure, RetryDecision, RetryPolicy};
/// assert_eq!(FallthroughRetryPolicy.decide(&RequestFailure::Overloaded, 0, true), RetryDecision::Rethrow);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct FallthroughRetryPolicy;

impl RetryPolicy for FallthroughRetryPolicy {
    fn decide(&self, _: &RequestFailure, _: u32, _: bool) -> RetryDecision {
        RetryDecision::Rethrow
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Consistency;

    #[test]
    fn rethrows_everything() {
        let failures = [
            RequestFailure::Overloaded,
            RequestFailure::IsBootstrapping,
            RequestFailure::Unprepared,
            RequestFailure::RequestNotSent,
            RequestFailure::Unavailable {
                consistency: Consistency::One,
                required: 1,
                alive: 0,
            },
            RequestFailure::ReadTimeout {
                consistency: Consistency::One,
                received: 1,
                block_for: 1,
                data_present: false,
            },
        ];
        for f in &failures {
            for idempotent in [false, true] {
                assert_eq!(
                    FallthroughRetryPolicy.decide(f, 0, idempotent),
                    RetryDecision::Rethrow
                );
            }
        }
    }
}
