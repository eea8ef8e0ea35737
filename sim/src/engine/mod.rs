//! The CQL engine of `ringbolt-sim`: one logical copy of the data shared by every simulated node.
//!
//! [`Engine`] takes protocol requests (QUERY, PREPARE, EXECUTE, BATCH) with the context of the
//! node and connection that received them, and answers with a RESULT or an ERROR body worded as
//! Cassandra 4.0 words it. It keeps the schema catalog, the data, the prepared statements and the
//! per-node request counters that `system_views.sim_node_stats` shows.
//!
//! Layout: [`schema`] and [`sysload`] hold the catalog (system keyspaces read from the DESCRIBE
//! output of Cassandra 4.0.13); [`storage`] the cells, rows and partitions; `restrict` analyses
//! WHERE clauses; `exec_*` run statements; `system_rows` computes `system.local`, `system.peers*`,
//! `system_schema.*`, `system_virtual_schema.*` and `system_views.sim_node_stats`.
//!
//! Not supported (answered with an Invalid error that says so):
//! arithmetic in terms, custom indexes, materialized views, user-defined
//! functions and aggregates. Non-frozen UDTs are stored as one cell per field, as in Cassandra 4.0.
//! GROUP BY pages by groups (each page regroups from the start).

mod backend_impl;
pub mod binds;
pub mod clock;
mod clustering;
pub mod compare;
pub mod errors;
mod exec;
mod exec_assign;
mod exec_batch;
mod exec_ddl;
mod exec_ddl_alter;
mod exec_index;
mod exec_select;
mod exec_write;
pub mod functions;
mod json;
mod json_in;
mod lwt;
mod mutation;
mod paging;
pub mod placement;
mod prepare;
mod read;
mod restrict;
mod results;
pub mod schema;
mod select_plan;
pub mod storage;
pub mod sysload;
mod system_rows;
pub mod types;
pub mod values;

#[cfg(test)]
mod tests;

pub use clock::Clock;

use crate::topology::{ClusterSnapshot, NodeStats};
use binds::Binds;
use ringbolt_driver::protocol::request::{Batch, Execute, Prepare, Query};
use ringbolt_driver::protocol::response::{ErrorBody, ResultBody, SchemaChange};
use ringbolt_driver::protocol::ProtocolVersion;
use schema::Catalog;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use storage::TableData;

/// Who is asking: the coordinator node, the cluster, the connection's keyspace and the counters.
pub struct RequestContext<'a> {
    /// The index of the node that received the request.
    pub coordinator: usize,
    /// The cluster as it is now.
    pub cluster: &'a ClusterSnapshot,
    /// The connection's protocol version.
    pub version: ProtocolVersion,
    /// The connection's current keyspace (`USE` changes it).
    pub keyspace: &'a mut Option<String>,
    /// Per-node request counters, indexed like `cluster.nodes`.
    pub stats: &'a [NodeStats],
}

/// What to answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The RESULT body or the ERROR body.
    pub result: Result<ResultBody, ErrorBody>,
    /// Warnings for the response frame.
    pub warnings: Vec<String>,
    /// A schema change to announce to registered connections.
    pub schema_change: Option<SchemaChange>,
}

impl Outcome {
    fn from_result(result: Result<ResultBody, ErrorBody>, warnings: Vec<String>) -> Outcome {
        let schema_change = match &result {
            Ok(ResultBody::SchemaChange(c)) => Some(c.clone()),
            _ => None,
        };
        Outcome {
            result,
            warnings,
            schema_change,
        }
    }
}

/// A statement kept by PREPARE.
#[derive(Debug, Clone)]
pub(crate) struct PreparedStatement {
    /// The statement.
    pub statement: ringbolt_cql::ast::Statement,
    /// The keyspace it was prepared in.
    pub keyspace: Option<String>,
    /// Bind marker names by index.
    pub marker_names: Vec<Option<String>>,
}

/// Everything the engine holds.
#[derive(Debug)]
pub(crate) struct State {
    pub catalog: Catalog,
    pub data: HashMap<(String, String), TableData>,
    pub prepared: HashMap<Vec<u8>, PreparedStatement>,
    pub last_timestamp: i64,
    /// Warnings of the request being served.
    pub warnings: Vec<String>,
}

/// The engine shared by all simulated nodes.
#[derive(Debug)]
pub struct Engine {
    state: Mutex<State>,
    clock: Arc<Clock>,
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

impl Engine {
    /// An engine with only the system keyspaces, on the system clock.
    pub fn new() -> Engine {
        Engine::with_clock(Arc::new(Clock::system()))
    }

    /// An engine on the given clock (tests set it to expire TTLs).
    pub fn with_clock(clock: Arc<Clock>) -> Engine {
        let state = State {
            catalog: sysload::system_catalog(),
            data: HashMap::new(),
            prepared: HashMap::new(),
            last_timestamp: i64::MIN,
            warnings: Vec::new(),
        };
        Engine {
            state: Mutex::new(state),
            clock,
        }
    }

    /// The engine's clock.
    pub fn clock(&self) -> &Arc<Clock> {
        &self.clock
    }

    /// The current schema version (the same on every node).
    pub fn schema_version(&self) -> uuid::Uuid {
        self.lock().catalog.version()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs a QUERY.
    pub fn query(&self, ctx: &mut RequestContext<'_>, q: &Query) -> Outcome {
        let mut state = self.lock();
        let now = self.clock.now_micros();
        let result = exec::run_query(&mut state, ctx, q, now);
        Outcome::from_result(result, std::mem::take(&mut state.warnings))
    }

    /// Runs a PREPARE.
    pub fn prepare(&self, ctx: &mut RequestContext<'_>, p: &Prepare) -> Outcome {
        let mut state = self.lock();
        let result = prepare::prepare(&mut state, ctx, p);
        Outcome::from_result(result, std::mem::take(&mut state.warnings))
    }

    /// Runs an EXECUTE.
    pub fn execute(&self, ctx: &mut RequestContext<'_>, e: &Execute) -> Outcome {
        let mut state = self.lock();
        let now = self.clock.now_micros();
        let result = exec::run_execute(&mut state, ctx, e, now);
        Outcome::from_result(result, std::mem::take(&mut state.warnings))
    }

    /// Runs a BATCH.
    pub fn batch(&self, ctx: &mut RequestContext<'_>, b: &Batch) -> Outcome {
        let mut state = self.lock();
        let now = self.clock.now_micros();
        let result = exec::run_batch(&mut state, ctx, b, now);
        Outcome::from_result(result, std::mem::take(&mut state.warnings))
    }
}

/// Parses bind values, mapping a malformed body to a protocol error.
pub(crate) fn parse_binds(
    v: &ringbolt_driver::protocol::request::SerializedValues,
) -> Result<Binds, ErrorBody> {
    Binds::parse(v).map_err(errors::protocol)
}
