//! Retrying at a lower consistency (the DataStax Java driver's semantics).

use super::{DefaultRetryPolicy, RequestFailure, RetryDecision, RetryPolicy};
use crate::protocol::response::WriteType;
use crate::protocol::Consistency;

/// Retries once at a consistency the cluster can still satisfy, trading consistency for
/// availability. Use it only if the application accepts reads and writes weaker than it
/// asked for (and ideally logs when it happens).
///
/// The downgraded level for `n` replicas known to answer is `THREE`, `TWO` or `ONE` for
/// `n >= 3`, 2 or 1, and none (rethrow) for 0; an `EACH_QUORUM` request always becomes
/// `LOCAL_QUORUM` (its counts are not global). Table (`attempt` = retries already made; any
/// `attempt > 0` rethrows the timeout and unavailable cases):
///
/// | failure | decision |
/// |---|---|
/// | `ReadTimeout`, serial consistency | `Rethrow` |
/// | `ReadTimeout`, `received < block_for` | `RetrySameNode(downgrade(received))`, or `Rethrow` when none |
/// | `ReadTimeout`, enough answers, `!data_present` | `RetrySameNode(None)` |
/// | `ReadTimeout`, enough answers, data present | `Rethrow` |
/// | `WriteTimeout`, not idempotent | `Rethrow` |
/// | `WriteTimeout`, `Simple` or `Batch` | `Ignore` if `received > 0` (the write is durable on some replica), else `Rethrow` |
/// | `WriteTimeout`, `UnloggedBatch` | `RetrySameNode(downgrade(received))`, or `Rethrow` when none |
/// | `WriteTimeout`, `BatchLog` | `RetrySameNode(None)` |
/// | `WriteTimeout`, other write types | `Rethrow` |
/// | `Unavailable`, serial consistency | `RetryNextNode(None)` (the coordinator may be isolated) |
/// | `Unavailable` | `RetrySameNode(downgrade(alive))`, or `Rethrow` when none |
/// | anything else | as [`DefaultRetryPolicy`] |
///
/// ```
/// use ringbolt_driver::policies::retry::{DowngradingConsistencyRetryPolicy, RequestFailure, RetryDecision, RetryPolicy};
/// use ringbolt_driver::protocol::Consistency;
/// let failure = RequestFailure::Unavailable { consistency: Consistency::Quorum, required: 2, alive: 1 };
/// assert_eq!(
///     DowngradingConsistencyRetryPolicy.decide(&failure, 0, true),
///     RetryDecision::RetrySameNode(Some(Consistency::One))
/// );
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct DowngradingConsistencyRetryPolicy;

fn is_serial(c: Consistency) -> bool {
    matches!(c, Consistency::Serial | Consistency::LocalSerial)
}

/// The highest level `known_ok` replicas can satisfy, as a retry on the same node.
fn downgrade(known_ok: i32, current: Consistency) -> RetryDecision {
    let level = match (current, known_ok) {
        (Consistency::EachQuorum, _) => Consistency::LocalQuorum,
        (_, n) if n >= 3 => Consistency::Three,
        (_, 2) => Consistency::Two,
        (_, 1) => Consistency::One,
        _ => return RetryDecision::Rethrow,
    };
    RetryDecision::RetrySameNode(Some(level))
}

impl RetryPolicy for DowngradingConsistencyRetryPolicy {
    fn decide(&self, failure: &RequestFailure, attempt: u32, idempotent: bool) -> RetryDecision {
        use RetryDecision::{Ignore, Rethrow, RetryNextNode, RetrySameNode};
        match *failure {
            RequestFailure::ReadTimeout {
                consistency,
                received,
                block_for,
                data_present,
            } => {
                if attempt != 0 || is_serial(consistency) {
                    Rethrow
                } else if received < block_for {
                    downgrade(received, consistency)
                } else if !data_present {
                    RetrySameNode(None)
                } else {
                    Rethrow
                }
            }
            RequestFailure::WriteTimeout {
                consistency,
                received,
                write_type,
                ..
            } => {
                if attempt != 0 || !idempotent {
                    return Rethrow;
                }
                match write_type {
                    WriteType::Simple | WriteType::Batch if received > 0 => Ignore,
                    WriteType::UnloggedBatch => downgrade(received, consistency),
                    WriteType::BatchLog => RetrySameNode(None),
                    _ => Rethrow,
                }
            }
            RequestFailure::Unavailable {
                consistency, alive, ..
            } => {
                if attempt != 0 {
                    Rethrow
                } else if is_serial(consistency) {
                    RetryNextNode(None)
                } else {
                    downgrade(alive, consistency)
                }
            }
            _ => DefaultRetryPolicy.decide(failure, attempt, idempotent),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Consistency::{All, EachQuorum, LocalQuorum, LocalSerial, One, Quorum, Serial, Three, Two};
    use RetryDecision::{Ignore, Rethrow, RetryNextNode, RetrySameNode};

    fn rt(c: Consistency, received: i32, block_for: i32, data_present: bool) -> RequestFailure {
        RequestFailure::ReadTimeout {
            consistency: c,
            received,
            block_for,
            data_present,
        }
    }

    fn wt(c: Consistency, received: i32, write_type: WriteType) -> RequestFailure {
        RequestFailure::WriteTimeout {
            consistency: c,
            received,
            block_for: 3,
            write_type,
        }
    }

    fn un(c: Consistency, alive: i32) -> RequestFailure {
        RequestFailure::Unavailable {
            consistency: c,
            required: 3,
            alive,
        }
    }

    #[test]
    fn decision_table_row_by_row() {
        let rows: Vec<(RequestFailure, u32, bool, RetryDecision)> = vec![
            // ReadTimeout
            (rt(Serial, 0, 2, false), 0, true, Rethrow),
            (rt(LocalSerial, 0, 2, false), 0, true, Rethrow),
            (rt(All, 4, 5, false), 0, true, RetrySameNode(Some(Three))),
            (rt(Quorum, 2, 3, true), 0, true, RetrySameNode(Some(Two))),
            (rt(Quorum, 1, 2, true), 0, true, RetrySameNode(Some(One))),
            (rt(Quorum, 0, 2, false), 0, true, Rethrow),
            (
                rt(EachQuorum, 0, 2, false),
                0,
                true,
                RetrySameNode(Some(LocalQuorum)),
            ),
            (rt(Quorum, 2, 2, false), 0, true, RetrySameNode(None)),
            (rt(Quorum, 2, 2, true), 0, true, Rethrow),
            (rt(Quorum, 1, 2, false), 1, true, Rethrow),
            // WriteTimeout
            (wt(Quorum, 1, WriteType::Simple), 0, false, Rethrow),
            (wt(Quorum, 1, WriteType::Simple), 0, true, Ignore),
            (wt(Quorum, 1, WriteType::Batch), 0, true, Ignore),
            (wt(Quorum, 0, WriteType::Simple), 0, true, Rethrow),
            (
                wt(Quorum, 2, WriteType::UnloggedBatch),
                0,
                true,
                RetrySameNode(Some(Two)),
            ),
            (wt(Quorum, 0, WriteType::UnloggedBatch), 0, true, Rethrow),
            (
                wt(EachQuorum, 0, WriteType::UnloggedBatch),
                0,
                true,
                RetrySameNode(Some(LocalQuorum)),
            ),
            (
                wt(Quorum, 0, WriteType::BatchLog),
                0,
                true,
                RetrySameNode(None),
            ),
            (wt(Quorum, 1, WriteType::Counter), 0, true, Rethrow),
            (wt(Quorum, 1, WriteType::Cas), 0, true, Rethrow),
            (wt(Quorum, 1, WriteType::Simple), 1, true, Rethrow),
            // Unavailable
            (un(Serial, 1), 0, true, RetryNextNode(None)),
            (un(LocalSerial, 0), 0, false, RetryNextNode(None)),
            (un(Quorum, 1), 0, true, RetrySameNode(Some(One))),
            (un(All, 3), 0, false, RetrySameNode(Some(Three))),
            (un(Quorum, 0), 0, true, Rethrow),
            (un(EachQuorum, 0), 0, true, RetrySameNode(Some(LocalQuorum))),
            (un(Quorum, 2), 1, true, Rethrow),
            // as the default policy
            (RequestFailure::Overloaded, 0, false, RetryNextNode(None)),
            (RequestFailure::ServerError, 0, false, Rethrow),
            (RequestFailure::ServerError, 0, true, RetryNextNode(None)),
            (RequestFailure::TruncateError, 0, true, Rethrow),
        ];
        for (i, (failure, attempt, idempotent, expected)) in rows.into_iter().enumerate() {
            assert_eq!(
                DowngradingConsistencyRetryPolicy.decide(&failure, attempt, idempotent),
                expected,
                "row {i}: {failure:?} attempt {attempt} idempotent {idempotent}"
            );
        }
    }
}
