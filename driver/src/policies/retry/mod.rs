//! Retry: what the execution loop does after a request fails on a node.
//!
//! The loop describes the failure as a [`RequestFailure`] and asks the session's
//! [`RetryPolicy`] for a [`RetryDecision`]. Then, whatever the policy said, it passes the
//! decision through the idempotency [`gate`]: a non-idempotent statement is resent only when
//! the server proved it did not apply it. So a custom policy cannot break that guarantee.
//!
//! Built-ins: [`DefaultRetryPolicy`], [`FallthroughRetryPolicy`],
//! [`DowngradingConsistencyRetryPolicy`].
//!
//! ```
//! use ringbolt_driver::policies::retry::{gate, DefaultRetryPolicy, RequestFailure, RetryDecision, RetryPolicy};
//! use ringbolt_driver::protocol::Consistency;
//!
//! let failure = RequestFailure::ReadTimeout {
//!     consistency: Consistency::Quorum,
//!     received: 2,
//!     block_for: 2,
//!     data_present: false,
//! };
//! let decision = DefaultRetryPolicy.decide(&failure, 0, true);
//! assert_eq!(gate(decision, &failure, true), RetryDecision::RetrySameNode(None));
//! ```

mod default;
mod downgrading;
mod fallthrough;
mod gate;

use std::sync::Arc;

pub use default::DefaultRetryPolicy;
pub use downgrading::DowngradingConsistencyRetryPolicy;
pub use fallthrough::FallthroughRetryPolicy;
pub use gate::gate;

use crate::protocol::response::{ErrorCode, WriteType};
use crate::protocol::Consistency;

/// How one attempt of a request failed: the facts a retry policy decides on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestFailure {
    /// READ_TIMEOUT: the coordinator did not get enough replica answers in time.
    ReadTimeout {
        /// The request's consistency.
        consistency: Consistency,
        /// Replica answers received.
        received: i32,
        /// Answers the consistency needs.
        block_for: i32,
        /// Whether the replica asked for the data (not just a digest) answered.
        data_present: bool,
    },
    /// WRITE_TIMEOUT: not enough replicas acknowledged in time; the write may have been
    /// applied on some of them.
    WriteTimeout {
        /// The request's consistency.
        consistency: Consistency,
        /// Acknowledgements received.
        received: i32,
        /// Acknowledgements the consistency needs.
        block_for: i32,
        /// The kind of write.
        write_type: WriteType,
    },
    /// UNAVAILABLE: the coordinator knew too few replicas were alive and did not try; nothing
    /// was applied.
    Unavailable {
        /// The request's consistency.
        consistency: Consistency,
        /// Replicas the consistency needs.
        required: i32,
        /// Replicas known alive.
        alive: i32,
    },
    /// OVERLOADED: the coordinator refused the request before processing it.
    Overloaded,
    /// SERVER_ERROR: the server failed in an unexpected way; the request may have been applied.
    ServerError,
    /// IS_BOOTSTRAPPING: the node is joining and refused the request.
    IsBootstrapping,
    /// TRUNCATE_ERROR: a TRUNCATE failed.
    TruncateError,
    /// READ_FAILURE: replicas answered with errors (for example too many tombstones).
    ReadFailure {
        /// The request's consistency.
        consistency: Consistency,
        /// Replica answers received.
        received: i32,
        /// Answers the consistency needs.
        block_for: i32,
        /// Replicas that failed.
        num_failures: i32,
        /// Whether the replica asked for the data answered.
        data_present: bool,
    },
    /// WRITE_FAILURE: replicas answered a write with errors; it may be applied on others.
    WriteFailure {
        /// The request's consistency.
        consistency: Consistency,
        /// Acknowledgements received.
        received: i32,
        /// Acknowledgements the consistency needs.
        block_for: i32,
        /// Replicas that failed.
        num_failures: i32,
        /// The kind of write.
        write_type: WriteType,
    },
    /// CAS_WRITE_UNKNOWN (v5): the outcome of a lightweight transaction's commit is unknown.
    CasWriteUnknown {
        /// The request's consistency.
        consistency: Consistency,
        /// Acknowledgements received.
        received: i32,
        /// Acknowledgements the consistency needs.
        block_for: i32,
    },
    /// The connection closed (or its heartbeat failed) after the request was written: the
    /// server may have applied it.
    ConnectionClosed,
    /// The connection failed before the request was written: no server saw it.
    RequestNotSent,
    /// The driver stopped waiting for this node's answer (per-attempt timeout); the request
    /// may still be applied.
    ClientTimeout,
    /// UNPREPARED: the node did not know the prepared statement id and executed nothing; the
    /// loop re-prepares before retrying.
    Unprepared,
}

impl RequestFailure {
    /// The retry facts of a server error, or `None` for errors that no retry can fix
    /// (syntax, invalid, unauthorized, already exists, function failure, protocol or
    /// authentication errors, CDC write failure): those go straight to the caller.
    ///
    /// ```
    /// use ringbolt_driver::policies::retry::RequestFailure;
    /// use ringbolt_driver::protocol::response::ErrorCode;
    /// assert_eq!(RequestFailure::from_error_code(&ErrorCode::Overloaded), Some(RequestFailure::Overloaded));
    /// assert_eq!(RequestFailure::from_error_code(&ErrorCode::SyntaxError), None);
    /// ```
    pub fn from_error_code(code: &ErrorCode) -> Option<RequestFailure> {
        Some(match code {
            ErrorCode::ServerError => RequestFailure::ServerError,
            ErrorCode::Overloaded => RequestFailure::Overloaded,
            ErrorCode::IsBootstrapping => RequestFailure::IsBootstrapping,
            ErrorCode::TruncateError => RequestFailure::TruncateError,
            ErrorCode::Unprepared { .. } => RequestFailure::Unprepared,
            ErrorCode::Unavailable {
                consistency,
                required,
                alive,
            } => RequestFailure::Unavailable {
                consistency: *consistency,
                required: *required,
                alive: *alive,
            },
            ErrorCode::ReadTimeout {
                consistency,
                received,
                block_for,
                data_present,
            } => RequestFailure::ReadTimeout {
                consistency: *consistency,
                received: *received,
                block_for: *block_for,
                data_present: *data_present,
            },
            ErrorCode::WriteTimeout {
                consistency,
                received,
                block_for,
                write_type,
                ..
            } => RequestFailure::WriteTimeout {
                consistency: *consistency,
                received: *received,
                block_for: *block_for,
                write_type: *write_type,
            },
            ErrorCode::ReadFailure {
                consistency,
                received,
                block_for,
                num_failures,
                data_present,
                ..
            } => RequestFailure::ReadFailure {
                consistency: *consistency,
                received: *received,
                block_for: *block_for,
                num_failures: *num_failures,
                data_present: *data_present,
            },
            ErrorCode::WriteFailure {
                consistency,
                received,
                block_for,
                num_failures,
                write_type,
                ..
            } => RequestFailure::WriteFailure {
                consistency: *consistency,
                received: *received,
                block_for: *block_for,
                num_failures: *num_failures,
                write_type: *write_type,
            },
            ErrorCode::CasWriteUnknown {
                consistency,
                received,
                block_for,
            } => RequestFailure::CasWriteUnknown {
                consistency: *consistency,
                received: *received,
                block_for: *block_for,
            },
            _ => return None,
        })
    }

    /// Whether the failure proves the server did not apply the request, so even a
    /// non-idempotent statement may be sent again: UNAVAILABLE, OVERLOADED, IS_BOOTSTRAPPING,
    /// UNPREPARED, and a request never written to a connection.
    ///
    /// ```
    /// use ringbolt_driver::policies::retry::RequestFailure;
    /// assert!(RequestFailure::Overloaded.proves_not_applied());
    /// assert!(!RequestFailure::ServerError.proves_not_applied());
    /// ```
    pub fn proves_not_applied(&self) -> bool {
        matches!(
            self,
            RequestFailure::Unavailable { .. }
                | RequestFailure::Overloaded
                | RequestFailure::IsBootstrapping
                | RequestFailure::Unprepared
                | RequestFailure::RequestNotSent
        )
    }
}

/// What the execution loop does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RetryDecision {
    /// Send again to the same node, at the given consistency (`None`: unchanged).
    RetrySameNode(Option<Consistency>),
    /// Send to the next node of the query plan, at the given consistency (`None`: unchanged).
    RetryNextNode(Option<Consistency>),
    /// Give the error to the caller.
    Rethrow,
    /// Report success with an empty result (a write the policy deems good enough).
    Ignore,
}

/// Decides what to do after a failed attempt. Implementations are pure; `attempt` is the
/// number of retries already made for this request (0 after the first failure), and
/// `idempotent` whether the statement may safely be applied twice.
///
/// Whatever a policy returns, the execution loop applies [`gate`] afterwards.
///
/// ```
/// use ringbolt_driver::policies::retry::{RequestFailure, RetryDecision, RetryPolicy};
///
/// /// Retries everything on the next node, three times at most.
/// struct Stubborn;
/// impl RetryPolicy for Stubborn {
///     fn decide(&self, _: &RequestFailure, attempt: u32, _: bool) -> RetryDecision {
///         if attempt < 3 { RetryDecision::RetryNextNode(None) } else { RetryDecision::Rethrow }
///     }
/// }
/// assert_eq!(Stubborn.decide(&RequestFailure::Overloaded, 3, true), RetryDecision::Rethrow);
/// ```
pub trait RetryPolicy: Send + Sync {
    /// The decision for one failure.
    fn decide(&self, failure: &RequestFailure, attempt: u32, idempotent: bool) -> RetryDecision;
}

impl<P: RetryPolicy + ?Sized> RetryPolicy for Arc<P> {
    fn decide(&self, failure: &RequestFailure, attempt: u32, idempotent: bool) -> RetryDecision {
        (**self).decide(failure, attempt, idempotent)
    }
}

impl<P: RetryPolicy + ?Sized> RetryPolicy for Box<P> {
    fn decide(&self, failure: &RequestFailure, attempt: u32, idempotent: bool) -> RetryDecision {
        (**self).decide(failure, attempt, idempotent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::response::FailureReason;

    #[test]
    fn error_codes_map_to_facts() {
        let c = Consistency::Quorum;
        let cases = [
            (ErrorCode::ServerError, Some(RequestFailure::ServerError)),
            (
                ErrorCode::IsBootstrapping,
                Some(RequestFailure::IsBootstrapping),
            ),
            (
                ErrorCode::TruncateError,
                Some(RequestFailure::TruncateError),
            ),
            (
                ErrorCode::Unprepared { id: vec![1] },
                Some(RequestFailure::Unprepared),
            ),
            (
                ErrorCode::Unavailable {
                    consistency: c,
                    required: 2,
                    alive: 1,
                },
                Some(RequestFailure::Unavailable {
                    consistency: c,
                    required: 2,
                    alive: 1,
                }),
            ),
            (
                ErrorCode::ReadTimeout {
                    consistency: c,
                    received: 1,
                    block_for: 2,
                    data_present: true,
                },
                Some(RequestFailure::ReadTimeout {
                    consistency: c,
                    received: 1,
                    block_for: 2,
                    data_present: true,
                }),
            ),
            (
                ErrorCode::WriteTimeout {
                    consistency: c,
                    received: 0,
                    block_for: 2,
                    write_type: WriteType::BatchLog,
                    contentions: None,
                },
                Some(RequestFailure::WriteTimeout {
                    consistency: c,
                    received: 0,
                    block_for: 2,
                    write_type: WriteType::BatchLog,
                }),
            ),
            (
                ErrorCode::ReadFailure {
                    consistency: c,
                    received: 1,
                    block_for: 2,
                    reasons: vec![FailureReason {
                        endpoint: [127, 0, 0, 1].into(),
                        code: 1,
                    }],
                    num_failures: 1,
                    data_present: false,
                },
                Some(RequestFailure::ReadFailure {
                    consistency: c,
                    received: 1,
                    block_for: 2,
                    num_failures: 1,
                    data_present: false,
                }),
            ),
            (
                ErrorCode::WriteFailure {
                    consistency: c,
                    received: 1,
                    block_for: 2,
                    reasons: vec![],
                    num_failures: 1,
                    write_type: WriteType::Simple,
                },
                Some(RequestFailure::WriteFailure {
                    consistency: c,
                    received: 1,
                    block_for: 2,
                    num_failures: 1,
                    write_type: WriteType::Simple,
                }),
            ),
            (
                ErrorCode::CasWriteUnknown {
                    consistency: c,
                    received: 0,
                    block_for: 1,
                },
                Some(RequestFailure::CasWriteUnknown {
                    consistency: c,
                    received: 0,
                    block_for: 1,
                }),
            ),
            (ErrorCode::Invalid, None),
            (ErrorCode::Unauthorized, None),
            (ErrorCode::ProtocolError, None),
            (ErrorCode::CdcWriteFailure, None),
        ];
        for (code, expected) in cases {
            assert_eq!(RequestFailure::from_error_code(&code), expected, "{code:?}");
        }
    }
}
