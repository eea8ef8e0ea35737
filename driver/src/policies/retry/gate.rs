//! The idempotency gate, applied to every retry decision whatever the policy.

use super::{RequestFailure, RetryDecision};

/// Overrides a retry policy's decision so that a non-idempotent statement is never applied
/// twice: it may be sent again only when the failure proves the server did not apply it
/// ([`RequestFailure::proves_not_applied`]).
///
/// | statement | failure | result |
/// |---|---|---|
/// | idempotent | any | the policy's decision, unchanged |
/// | not idempotent | `Unavailable`, `Overloaded`, `IsBootstrapping`, `Unprepared`, `RequestNotSent` | the policy's decision, unchanged |
/// | not idempotent | any other (`ReadTimeout`, `WriteTimeout`, `ServerError`, `ConnectionClosed`, `ClientTimeout`, `TruncateError`, `ReadFailure`, `WriteFailure`, `CasWriteUnknown`) | `Rethrow` |
///
/// In the last row even `Ignore` becomes `Rethrow`: the outcome of a non-idempotent write is
/// unknown, and only the application can decide what that means.
///
/// ```
/// use ringbolt_driver::policies::retry::{gate, RequestFailure, RetryDecision};
/// let retry = RetryDecision::RetryNextNode(None);
/// assert_eq!(gate(retry, &RequestFailure::ConnectionClosed, false), RetryDecision::Rethrow);
/// assert_eq!(gate(retry, &RequestFailure::ConnectionClosed, true), retry);
/// assert_eq!(gate(retry, &RequestFailure::Overloaded, false), retry);
/// ```
pub fn gate(decision: RetryDecision, failure: &RequestFailure, idempotent: bool) -> RetryDecision {
    if idempotent || failure.proves_not_applied() {
        decision
    } else {
        RetryDecision::Rethrow
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::response::WriteType;
    use crate::protocol::Consistency;
    use RetryDecision::{Ignore, Rethrow, RetryNextNode, RetrySameNode};

    const DECISIONS: [RetryDecision; 5] = [
        RetrySameNode(None),
        RetrySameNode(Some(Consistency::One)),
        RetryNextNode(None),
        Rethrow,
        Ignore,
    ];

    fn not_applied() -> Vec<RequestFailure> {
        vec![
            RequestFailure::Unavailable {
                consistency: Consistency::Quorum,
                required: 2,
                alive: 1,
            },
            RequestFailure::Overloaded,
            RequestFailure::IsBootstrapping,
            RequestFailure::Unprepared,
            RequestFailure::RequestNotSent,
        ]
    }

    fn maybe_applied() -> Vec<RequestFailure> {
        let c = Consistency::Quorum;
        vec![
            RequestFailure::ReadTimeout {
                consistency: c,
                received: 2,
                block_for: 2,
                data_present: false,
            },
            RequestFailure::WriteTimeout {
                consistency: c,
                received: 1,
                block_for: 2,
                write_type: WriteType::BatchLog,
            },
            RequestFailure::ServerError,
            RequestFailure::ConnectionClosed,
            RequestFailure::ClientTimeout,
            RequestFailure::TruncateError,
            RequestFailure::ReadFailure {
                consistency: c,
                received: 1,
                block_for: 2,
                num_failures: 1,
                data_present: true,
            },
            RequestFailure::WriteFailure {
                consistency: c,
                received: 1,
                block_for: 2,
                num_failures: 1,
                write_type: WriteType::Simple,
            },
            RequestFailure::CasWriteUnknown {
                consistency: c,
                received: 0,
                block_for: 2,
            },
        ]
    }

    #[test]
    fn row_idempotent_passes_every_decision() {
        for f in not_applied().iter().chain(maybe_applied().iter()) {
            for d in DECISIONS {
                assert_eq!(gate(d, f, true), d, "{f:?} {d:?}");
            }
        }
    }

    #[test]
    fn row_not_idempotent_proven_not_applied_passes() {
        for f in &not_applied() {
            assert!(f.proves_not_applied());
            for d in DECISIONS {
                assert_eq!(gate(d, f, false), d, "{f:?} {d:?}");
            }
        }
    }

    #[test]
    fn row_not_idempotent_maybe_applied_rethrows() {
        for f in &maybe_applied() {
            assert!(!f.proves_not_applied());
            for d in DECISIONS {
                assert_eq!(gate(d, f, false), Rethrow, "{f:?} {d:?}");
            }
        }
    }
}
