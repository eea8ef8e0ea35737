//! Policies: pure functions from facts to decisions. None of them does I/O; the session's
//! execution loop asks them and acts.
//!
//! - [`load_balancing`]: which nodes to try, in which order ([`LoadBalancingPolicy`]).
//! - [`retry`]: what to do after a failure ([`RetryPolicy`]), and the idempotency
//!   [`gate`](retry::gate) that overrides any policy for non-idempotent statements.
//! - [`speculative`]: when to start another execution of an idempotent statement.
//! - [`reconnection`]: how long to wait before reconnecting to a node.
//!
//! ```
//! use ringbolt_driver::policies::retry::{gate, DefaultRetryPolicy, RequestFailure, RetryDecision, RetryPolicy};
//!
//! let failure = RequestFailure::ServerError;
//! let policy = DefaultRetryPolicy;
//! // An idempotent statement moves to the next node; a non-idempotent one surfaces the error.
//! assert_eq!(gate(policy.decide(&failure, 0, true), &failure, true), RetryDecision::RetryNextNode(None));
//! assert_eq!(gate(policy.decide(&failure, 0, false), &failure, false), RetryDecision::Rethrow);
//! ```

pub mod load_balancing;
pub mod reconnection;
pub mod retry;
pub mod speculative;

pub use load_balancing::{LoadBalancingPolicy, NodeDistance, QueryPlan, RoutingInfo};
pub use reconnection::ReconnectionPolicy;
pub use retry::{RequestFailure, RetryDecision, RetryPolicy};
pub use speculative::SpeculativeExecutionPolicy;
