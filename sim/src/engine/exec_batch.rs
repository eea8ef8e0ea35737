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
    let mut cases = Vec::new();
    let saved_binds = std::mem::take(&mut run.binds);
    let saved_ks = run.keyspace.clone();
    let mut batch_ts = run.timestamp;
    for (st, binds, ks) in items {
        run.binds = binds;
        if ks.is_some() && run.keyspace.is_none() {
            run.keyspace = ks;
        }
        let planned = plan(run, &st);
        run.keyspace = saved_ks.clone();
        let planned = planned?;
        if let Some(t) = planned.timestamp {
            if planned.cas.is_some() || !cases.is_empty() {
                return Err(invalid(
                    "Cannot provide custom timestamp for conditional BATCH",
                ));
            }
            batch_ts = batch_ts.or(Some(t));
        }
        for m in &planned.mutations {
            let counter = m.table.is_counter();
            match kind {
                BatchType::Counter if !counter => {
                    return Err(invalid(
                        "Cannot include non-counter statement in a counter batch",
                    ));
                }
                BatchType::Logged | BatchType::Unlogged if counter => {
                    let what = if kind == BatchType::Logged {
                        "logged"
                    } else {
                        "unlogged"
                    };
                    return Err(invalid(format!(
                        "Counter and non-counter mutations cannot exist in the same batch ({what})"
                    )));
                }
                _ => {}
            }
        }
        if let Some(c) = planned.cas {
            cases.push(c);
        }
        mutations.extend(planned.mutations);
    }
    run.binds = saved_binds;
    run.timestamp = batch_ts;
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
    let ts = run.write_timestamp();
    apply_all(run, &mutations, ts);
    Ok(ResultBody::Void)
}
