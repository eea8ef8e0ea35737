//! The default retry policy (the table of the DataStax Java driver 4).

use super::{RequestFailure, RetryDecision, RetryPolicy};
use crate::protocol::response::WriteType;

/// Retries only where a retry is likely to succeed and safe, at most once for the timeout and
/// unavailable cases. `attempt` is the number of retries already made.
///
/// | failure | decision |
/// |---|---|
/// | `ReadTimeout` | `RetrySameNode(None)` if `attempt == 0`, `received >= block_for` and `!data_present` (enough replicas answered but the data replica did not: ask again); else `Rethrow` |
/// | `WriteTimeout` | `RetrySameNode(None)` if `attempt == 0`, `write_type == BatchLog` and idempotent (the batch log write can be replayed); else `Rethrow` |
/// | `Unavailable` | `RetryNextNode(None)` if `attempt == 0` (another coordinator may see more replicas alive); else `Rethrow` |
/// | `Overloaded` | `RetryNextNode(None)` (the node refused before processing) |
/// | `IsBootstrapping` | `RetryNextNode(None)` (the node refused before processing) |
/// | `RequestNotSent` | `RetryNextNode(None)` (no server saw it) |
/// | `ServerError` | `RetryNextNode(None)` if idempotent; else `Rethrow` |
/// | `ConnectionClosed` | `RetryNextNode(None)` if idempotent; else `Rethrow` |
/// | `ClientTimeout` | `RetryNextNode(None)` if idempotent; else `Rethrow` |
/// | `Unprepared` | `RetrySameNode(None)` (after the loop re-prepares on that node) |
/// | `TruncateError`, `ReadFailure`, `WriteFailure`, `CasWriteUnknown` | `Rethrow` |
///
/// ```
/// use ringbolt_driver::policies::retry::{DefaultRetryPolicy, RequestFailure, RetryDecision, RetryPolicy};
/// assert_eq!(DefaultRetryPolicy.decide(&RequestFailure::TruncateError, 0, true), RetryDecision::Rethrow);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultRetryPolicy;

impl RetryPolicy for DefaultRetryPolicy {
    fn decide(&self, failure: &RequestFailure, attempt: u32, idempotent: bool) -> RetryDecision {
        use RetryDecision::{Rethrow, RetryNextNode, RetrySameNode};
        let first = attempt == 0;
        let next_if_idempotent = if idempotent {
            RetryNextNode(None)
        } else {
            Rethrow
        };
        match failure {
            RequestFailure::ReadTimeout {
                received,
                block_for,
                data_present,
                ..
            } if first && received >= block_for && !data_present => RetrySameNode(None),
            RequestFailure::ReadTimeout { .. } => Rethrow,
            RequestFailure::WriteTimeout {
                write_type: WriteType::BatchLog,
                ..
            } if first && idempotent => RetrySameNode(None),
            RequestFailure::WriteTimeout { .. } => Rethrow,
            RequestFailure::Unavailable { .. } if first => RetryNextNode(None),
            RequestFailure::Unavailable { .. } => Rethrow,
            RequestFailure::Overloaded
            | RequestFailure::IsBootstrapping
            | RequestFailure::RequestNotSent => RetryNextNode(None),
            RequestFailure::ServerError
            | RequestFailure::ConnectionClosed
            | RequestFailure::ClientTimeout => next_if_idempotent,
            RequestFailure::Unprepared => RetrySameNode(None),
            RequestFailure::TruncateError
            | RequestFailure::ReadFailure { .. }
            | RequestFailure::WriteFailure { .. }
            | RequestFailure::CasWriteUnknown { .. } => Rethrow,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Consistency;
    use RetryDecision::{Rethrow, RetryNextNode, RetrySameNode};

    const Q: Consistency = Consistency::Quorum;

    fn read_timeout(received: i32, block_for: i32, data_present: bool) -> RequestFailure {
        RequestFailure::ReadTimeout {
            consistency: Q,
            received,
            block_for,
            data_present,
        }
    }

    fn write_timeout(write_type: WriteType) -> RequestFailure {
        RequestFailure::WriteTimeout {
            consistency: Q,
            received: 1,
            block_for: 2,
            write_type,
        }
    }

    /// (failure, attempt, idempotent, expected), one row per table line and branch.
    fn table() -> Vec<(RequestFailure, u32, bool, RetryDecision)> {
        let unavailable = RequestFailure::Unavailable {
            consistency: Q,
            required: 2,
            alive: 1,
        };
        vec![
            // ReadTimeout
            (read_timeout(2, 2, false), 0, true, RetrySameNode(None)),
            (read_timeout(3, 2, false), 0, false, RetrySameNode(None)),
            (read_timeout(2, 2, false), 1, true, Rethrow),
            (read_timeout(2, 2, true), 0, true, Rethrow),
            (read_timeout(1, 2, false), 0, true, Rethrow),
            // WriteTimeout
            (
                write_timeout(WriteType::BatchLog),
                0,
                true,
                RetrySameNode(None),
            ),
            (write_timeout(WriteType::BatchLog), 0, false, Rethrow),
            (write_timeout(WriteType::BatchLog), 1, true, Rethrow),
            (write_timeout(WriteType::Simple), 0, true, Rethrow),
            (write_timeout(WriteType::Batch), 0, true, Rethrow),
            (write_timeout(WriteType::UnloggedBatch), 0, true, Rethrow),
            (write_timeout(WriteType::Counter), 0, true, Rethrow),
            (write_timeout(WriteType::Cas), 0, true, Rethrow),
            // Unavailable
            (unavailable.clone(), 0, true, RetryNextNode(None)),
            (unavailable.clone(), 0, false, RetryNextNode(None)),
            (unavailable, 1, true, Rethrow),
            // refused before processing, or never sent
            (RequestFailure::Overloaded, 0, false, RetryNextNode(None)),
            (RequestFailure::Overloaded, 5, true, RetryNextNode(None)),
            (
                RequestFailure::IsBootstrapping,
                0,
                false,
                RetryNextNode(None),
            ),
            (
                RequestFailure::RequestNotSent,
                2,
                false,
                RetryNextNode(None),
            ),
            // may have been applied
            (RequestFailure::ServerError, 0, true, RetryNextNode(None)),
            (RequestFailure::ServerError, 0, false, Rethrow),
            (
                RequestFailure::ConnectionClosed,
                0,
                true,
                RetryNextNode(None),
            ),
            (RequestFailure::ConnectionClosed, 0, false, Rethrow),
            (RequestFailure::ClientTimeout, 0, true, RetryNextNode(None)),
            (RequestFailure::ClientTimeout, 0, false, Rethrow),
            // re-prepare
            (RequestFailure::Unprepared, 0, false, RetrySameNode(None)),
            // never retried
            (RequestFailure::TruncateError, 0, true, Rethrow),
            (
                RequestFailure::ReadFailure {
                    consistency: Q,
                    received: 1,
                    block_for: 2,
                    num_failures: 1,
                    data_present: false,
                },
                0,
                true,
                Rethrow,
            ),
            (
                RequestFailure::WriteFailure {
                    consistency: Q,
                    received: 1,
                    block_for: 2,
                    num_failures: 1,
                    write_type: WriteType::Simple,
                },
                0,
                true,
                Rethrow,
            ),
            (
                RequestFailure::CasWriteUnknown {
                    consistency: Q,
                    received: 0,
                    block_for: 2,
                },
                0,
                true,
                Rethrow,
            ),
        ]
    }

    #[test]
    fn decision_table_row_by_row() {
        for (i, (failure, attempt, idempotent, expected)) in table().into_iter().enumerate() {
            assert_eq!(
                DefaultRetryPolicy.decide(&failure, attempt, idempotent),
                expected,
                "row {i}: {failure:?} attempt {attempt} idempotent {idempotent}"
            );
        }
    }
}
