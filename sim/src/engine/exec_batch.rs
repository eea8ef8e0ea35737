//! BATCH: statements planned one by one, applied with one timestamp, conditional batches
//! through one Paxos-like check on a single partition.

use super::binds::Binds;
use super::errors::{invalid, ExecResult};
use super::exec::Run;
use super::exec_write::{apply_all, count_stats, plan};
use super::lwt;
use ringbolt_cql::ast::Statement;
use ringbolt_driver::protocol::request::BatchType;
use ringbolt_driver::protocol::response::ResultBody;

/// BATCH (from the protocol or from `BEGIN BATCH` text).
pub(crate) fn batch(
    run: &mut Run<'_, '_, '_>,
    kind: BatchType,
    items: Vec<(Statement, Binds, Option<String>)>,
) -> ExecResult<ResultBody> {
    let mut mutations = Vec::new();
    let mut own_timestamps: Vec<Option<i64>> = Vec::new();
    let mut cases = Vec::new();
    let (mut counters, mut others) = (false, false);
    let saved_binds = std::mem::take(&mut run.binds);
    let saved_ks = run.keyspace.clone();
    for (st, binds, ks) in items {
        run.binds = binds;
        if ks.is_some() && run.keyspace.is_none() {
            run.keyspace = ks;
        }
        let planned = plan(run, &st);
        run.keyspace = saved_ks.clone();
        let planned = planned?;
        if planned.timestamp.is_some() && (planned.cas.is_some() || !cases.is_empty()) {
            return Err(invalid(
                "Cannot provide custom timestamp for conditional BATCH",
            ));
        }
        for m in &planned.mutations {
            if m.table.is_counter() {
                counters = true;
            } else {
                others = true;
            }
        }
        if let Some(c) = planned.cas {
            cases.push(c);
        }
        own_timestamps.extend(planned.mutations.iter().map(|_| planned.timestamp));
        mutations.extend(planned.mutations);
    }
    run.binds = saved_binds;
    if kind == BatchType::Logged && counters {
        return Err(invalid(
            "Cannot include a counter statement in a logged batch",
        ));
    }
    if counters && others {
        return Err(invalid(
            "Counter and non-counter mutations cannot exist in the same batch",
        ));
    }
    if kind == BatchType::Counter && others {
        return Err(invalid(
            "Cannot include non-counter statement in a counter batch",
        ));
    }
    if let Some(first) = mutations.first() {
        let pos = first.position();
        if mutations
            .iter()
            .all(|m| m.position() == pos && m.table.keyspace == first.table.keyspace)
        {
            count_stats(run, first);
        }
    }
    if !cases.is_empty() {
        let first = mutations
            .first()
            .map(|m| (m.table.keyspace.clone(), m.table.name.clone(), m.position()));
        if mutations
            .iter()
            .any(|m| Some((m.table.keyspace.clone(), m.table.name.clone(), m.position())) != first)
        {
            return Err(invalid(
                "Batch with conditions cannot span multiple partitions",
            ));
        }
        return lwt::execute(run, mutations, cases, true);
    }
    let batch_ts = run.write_timestamp();
    for (m, own) in mutations.iter().zip(own_timestamps) {
        apply_all(run, std::slice::from_ref(m), own.unwrap_or(batch_ts));
    }
    Ok(ResultBody::Void)
}
