//! What the server needs from the CQL engine, as a trait, so the network side can be tested on
//! its own and the engine plugged in behind it.
//!
//! `RequestContext` and `Outcome` are the engine's own types (the engine contract of the
//! project brief), re-exported here for other backends.

use ringbolt_driver::protocol::request::{Batch, Execute, Prepare, Query};
use ringbolt_driver::protocol::response::ErrorBody;

pub use crate::engine::{Outcome, RequestContext};

/// An outcome that is only an error.
pub fn error_outcome(error: ErrorBody) -> Outcome {
    Outcome {
        result: Err(error),
        warnings: Vec::new(),
        schema_change: None,
    }
}

/// The CQL engine as the server calls it. One value serves every node of a cluster.
pub trait Backend: Send + Sync + 'static {
    /// QUERY.
    fn query(&self, ctx: &mut RequestContext<'_>, q: &Query) -> Outcome;
    /// PREPARE.
    fn prepare(&self, ctx: &mut RequestContext<'_>, p: &Prepare) -> Outcome;
    /// EXECUTE.
    fn execute(&self, ctx: &mut RequestContext<'_>, e: &Execute) -> Outcome;
    /// BATCH.
    fn batch(&self, ctx: &mut RequestContext<'_>, b: &Batch) -> Outcome;
}
