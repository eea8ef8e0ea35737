//! What the server needs from the CQL engine, as a trait, so the network side can be tested on
//! its own and the engine plugged in behind it.
//!
//! `RequestContext` and `Outcome` follow the engine contract of the project brief. Until the
//! engine module is merged they are defined here; afterwards they are the engine's own types.

use ringbolt_driver::protocol::request::{Batch, Execute, Prepare, Query};
use ringbolt_driver::protocol::response::{ErrorBody, ResultBody, SchemaChange};
use ringbolt_driver::protocol::ProtocolVersion;

use crate::topology::{ClusterSnapshot, NodeStats};

/// Everything the engine may look at while serving one request.
#[derive(Debug)]
pub struct RequestContext<'a> {
    /// The node that received the request.
    pub coordinator: usize,
    /// The cluster at the time of the request.
    pub cluster: &'a ClusterSnapshot,
    /// The connection's protocol version.
    pub version: ProtocolVersion,
    /// The connection's current keyspace (`USE ks` changes it).
    pub keyspace: &'a mut Option<String>,
    /// Per-node counters, indexed like `cluster.nodes`.
    pub stats: &'a [NodeStats],
}

/// What the engine made of a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The RESULT or the ERROR to send.
    pub result: Result<ResultBody, ErrorBody>,
    /// Warnings for the response's warning flag.
    pub warnings: Vec<String>,
    /// A schema change to broadcast as a SCHEMA_CHANGE event.
    pub schema_change: Option<SchemaChange>,
}

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
