//! INSERT, UPDATE, DELETE and BATCH: building mutations, checking them as Cassandra does, and
//! applying them (through lightweight transactions when they carry IF).

use super::binds::Binds;
use super::errors::{invalid, ExecResult};
use super::exec::Run;
use super::lwt::{self, Cas};
use super::mutation::{apply, Mutation, WriteOp};
use super::restrict::{analyse, PartitionSelect, Purpose};
use super::schema::{ColumnKind, TableDef};
use super::types::build_collection;
use super::values::{eval, Val};
use ringbolt_cql::ast::{
    self, AssignmentOp, ColumnTarget, InsertValues, Statement, UsingKind, UsingParam,
};
use ringbolt_driver::protocol::request::BatchType;
use ringbolt_driver::protocol::response::ResultBody;
use ringbolt_driver::protocol::ColumnType;
use std::sync::Arc;

/// `USING TIMESTAMP t`.
pub(crate) fn using_timestamp(run: &Run<'_, '_, '_>, u: &UsingParam) -> ExecResult<i64> {
    match eval(
        &u.value,
        "[timestamp]",
        &ColumnType::Bigint,
        &run.eval_ctx(),
    )
    .map_err(invalid)?
    {
        Val::Bytes(b) => Ok(<[u8; 8]>::try_from(b.as_slice())
            .map(i64::from_be_bytes)
            .unwrap_or(0)),
        Val::Null => Err(invalid("Invalid null value of timestamp")),
        Val::Unset => Ok(run.now_micros),
    }
}

/// The TTL of a write: `USING TTL`, else the table's default.
fn ttl_of(run: &Run<'_, '_, '_>, table: &TableDef, using: &[UsingParam]) -> ExecResult<i32> {
    let Some(u) = using.iter().find(|u| u.kind == UsingKind::Ttl) else {
        return Ok(table.options.default_time_to_live);
    };
    let ttl = match eval(&u.value, "[ttl]", &ColumnType::Int, &run.eval_ctx()).map_err(invalid)? {
        Val::Bytes(b) => <[u8; 4]>::try_from(b.as_slice())
            .map(i32::from_be_bytes)
            .unwrap_or(0),
        Val::Null => return Err(invalid("Invalid null value of TTL")),
        Val::Unset => return Ok(table.options.default_time_to_live),
    };
    if ttl < 0 {
        return Err(invalid(format!(
            "A TTL must be greater or equal to 0, but was {ttl}"
        )));
    }
    if ttl > 630_720_000 {
        return Err(invalid(format!(
            "ttl is too large. requested ({ttl}) maximum (630720000)"
        )));
    }
    if table.is_counter() && u.kind == UsingKind::Ttl {
        return Err(invalid("A TTL must not be specified for counter updates"));
    }
    Ok(ttl)
}

fn writable(table: &TableDef) -> ExecResult<()> {
    if table.is_virtual || table.keyspace.starts_with("system") {
        return Err(super::errors::unauthorized(format!(
            "{} keyspace is not user-modifiable.",
            table.keyspace
        )));
    }
    Ok(())
}

/// A planned write: its mutations and its LWT condition.
pub(crate) struct Planned {
    pub mutations: Vec<Mutation>,
    pub cas: Option<Cas>,
    pub timestamp: Option<i64>,
}

fn plan(run: &mut Run<'_, '_, '_>, st: &Statement) -> ExecResult<Planned> {
    match st {
        Statement::Insert(i) => plan_insert(run, i),
        Statement::Update(u) => plan_update(run, u),
        Statement::Delete(d) => plan_delete(run, d),
        _ => Err(invalid(
            "Invalid statement in batch: only UPDATE, INSERT and DELETE statements are allowed.",
        )),
    }
}

fn timestamp_of(run: &Run<'_, '_, '_>, using: &[UsingParam]) -> ExecResult<Option<i64>> {
    using
        .iter()
        .find(|u| u.kind == UsingKind::Timestamp)
        .map(|u| using_timestamp(run, u))
        .transpose()
}

/// Runs a single write statement.
fn run_single(run: &mut Run<'_, '_, '_>, st: &Statement) -> ExecResult<ResultBody> {
    let planned = plan(run, st)?;
    if let Some(t) = planned.timestamp {
        run.timestamp = Some(t);
    }
    if let [m] = planned.mutations.as_slice() {
        count_stats(run, m);
    }
    check_list_indexes(run, &planned.mutations)?;
    match planned.cas {
        Some(cas) => lwt::execute(run, planned.mutations, vec![cas], false),
        None => {
            let ts = run.write_timestamp();
            apply_all(run, &planned.mutations, ts);
            Ok(ResultBody::Void)
        }
    }
}

fn count_stats(run: &Run<'_, '_, '_>, m: &Mutation) {
    if m.table.keyspace.starts_with("system") {
        return;
    }
    if let Some(ks) = run.state.catalog.keyspaces.get(&m.table.keyspace) {
        let (token, _) = m.position();
        super::placement::count(
            run.ctx.cluster,
            run.ctx.stats,
            run.ctx.coordinator,
            &ks.replication,
            token,
        );
    }
}

pub(crate) fn apply_all(run: &mut Run<'_, '_, '_>, mutations: &[Mutation], ts: i64) {
    let now_s = run.now_s();
    for m in mutations {
        let data = run
            .state
            .data
            .entry((m.table.keyspace.clone(), m.table.name.clone()))
            .or_default();
        apply(data, m, ts, now_s);
    }
}

/// INSERT.
pub(crate) fn insert(run: &mut Run<'_, '_, '_>, i: &ast::Insert) -> ExecResult<ResultBody> {
    run_single(run, &Statement::Insert(i.clone()))
}

/// UPDATE.
pub(crate) fn update(run: &mut Run<'_, '_, '_>, u: &ast::Update) -> ExecResult<ResultBody> {
    run_single(run, &Statement::Update(u.clone()))
}

/// DELETE.
pub(crate) fn delete(run: &mut Run<'_, '_, '_>, d: &ast::Delete) -> ExecResult<ResultBody> {
    run_single(run, &Statement::Delete(d.clone()))
}

fn plan_insert(run: &mut Run<'_, '_, '_>, i: &ast::Insert) -> ExecResult<Planned> {
    let table = run.table(&i.table)?;
    writable(&table)?;
    if table.is_counter() {
        return Err(invalid(
            "INSERT statements are not allowed on counter tables, use UPDATE instead",
        ));
    }
    let InsertValues::Columns { columns, values } = &i.values else {
        return Err(invalid("INSERT JSON is not supported by ringbolt-sim"));
    };
    if columns.len() != values.len() {
        return Err(invalid("Unmatched column names/values"));
    }
    let ctx = run.eval_ctx();
    let mut key = vec![None; table.partition_key_len()];
    let mut clustering = vec![None; table.clustering_len()];
    let mut ops = vec![WriteOp::Marker];
    for (idx, (c, t)) in columns.iter().zip(values).enumerate() {
        let Some(col) = table.column(&c.name) else {
            return Err(invalid(format!("Undefined column name {}", c.name)));
        };
        if columns[..idx].iter().any(|p| p.name == c.name) {
            return Err(invalid(format!(
                "Multiple definitions found for column {}",
                c.name
            )));
        }
        let v = eval(t, &col.name, &col.typ.typ, &ctx).map_err(invalid)?;
        match col.kind {
            ColumnKind::PartitionKey | ColumnKind::Clustering => {
                let b = match v {
                    Val::Bytes(b) => b,
                    Val::Null => {
                        return Err(invalid(format!(
                            "Invalid null value in condition for column {}",
                            col.name
                        )))
                    }
                    Val::Unset => {
                        return Err(invalid(format!(
                            "Invalid unset value for column {}",
                            col.name
                        )))
                    }
                };
                let pos = usize::try_from(col.position).unwrap_or(0);
                if col.kind == ColumnKind::PartitionKey {
                    if let Some(slot) = key.get_mut(pos) {
                        *slot = Some(b);
                    }
                } else if let Some(slot) = clustering.get_mut(pos) {
                    *slot = Some(b);
                }
            }
            _ => match v {
                Val::Unset => {}
                Val::Null if col.typ.is_multi_cell() => {
                    ops.push(WriteOp::SetCollection(col.name.clone(), None))
                }
                Val::Null => ops.push(WriteOp::Set(col.name.clone(), None)),
                Val::Bytes(b) if col.typ.is_multi_cell() => {
                    ops.push(WriteOp::SetCollection(col.name.clone(), Some(b)))
                }
                Val::Bytes(b) => ops.push(WriteOp::Set(col.name.clone(), Some(b))),
            },
        }
    }
    let missing: Vec<&str> = table
        .partition_key()
        .zip(&key)
        .filter(|(_, v)| v.is_none())
        .map(|(c, _)| c.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(invalid(format!(
            "Some partition key parts are missing: {}",
            missing.join(", ")
        )));
    }
    let missing: Vec<&str> = table
        .clustering()
        .zip(&clustering)
        .filter(|(_, v)| v.is_none())
        .map(|(c, _)| c.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(invalid(format!(
            "Some clustering keys are missing: {}",
            missing.join(", ")
        )));
    }
    let key: Vec<Vec<u8>> = key.into_iter().flatten().collect();
    check_key(&table, &key)?;
    let clustering: Vec<Vec<u8>> = clustering.into_iter().flatten().collect();
    let ttl = ttl_of(run, &table, &i.using)?;
    let timestamp = timestamp_of(run, &i.using)?;
    let m = Mutation {
        table: table.clone(),
        key,
        clustering: (table.clustering_len() > 0).then_some(clustering),
        ops,
        ranges: Vec::new(),
        delete_partition: false,
        ttl,
    };
    let cas = i.if_not_exists.then(|| Cas::not_exists(&m));
    Ok(Planned {
        mutations: vec![m],
        cas,
        timestamp,
    })
}

fn check_key(table: &TableDef, key: &[Vec<u8>]) -> ExecResult<()> {
    if table.partition_key_len() == 1 && key.first().is_some_and(|k| k.is_empty()) {
        return Err(invalid("Key may not be empty"));
    }
    if key.iter().any(|k| k.len() > 65_535) {
        return Err(invalid(
            "Key length of 65536 is longer than maximum of 65535",
        ));
    }
    Ok(())
}

/// The partitions and rows a WHERE clause of a write designates.
fn write_targets(
    run: &Run<'_, '_, '_>,
    table: &Arc<TableDef>,
    where_clause: &[ast::Relation],
    purpose: Purpose,
) -> ExecResult<(Vec<Vec<Vec<u8>>>, super::restrict::Restrictions)> {
    let r = analyse(table, where_clause, purpose, &run.eval_ctx())?;
    let PartitionSelect::Keys(keys) = &r.partitions else {
        let missing: Vec<&str> = table.partition_key().map(|c| c.name.as_str()).collect();
        return Err(invalid(format!(
            "Some partition key parts are missing: {}",
            missing.join(", ")
        )));
    };
    for k in keys {
        check_key(table, k)?;
    }
    Ok((keys.clone(), r))
}

fn missing_clustering<T>(table: &TableDef) -> ExecResult<T> {
    let names: Vec<&str> = table.clustering().map(|c| c.name.as_str()).collect();
    Err(invalid(format!(
        "Some clustering keys are missing: {}",
        names.join(", ")
    )))
}

fn plan_update(run: &mut Run<'_, '_, '_>, u: &ast::Update) -> ExecResult<Planned> {
    let table = run.table(&u.table)?;
    writable(&table)?;
    let ttl = ttl_of(run, &table, &u.using)?;
    let timestamp = timestamp_of(run, &u.using)?;
    let mut ops = Vec::with_capacity(u.assignments.len());
    let mut only_static = true;
    for a in &u.assignments {
        let col_name = &a.target.column().name;
        let Some(col) = table.column(col_name) else {
            return Err(invalid(format!("Undefined column name {col_name}")));
        };
        if matches!(col.kind, ColumnKind::PartitionKey | ColumnKind::Clustering) {
            return Err(invalid(format!(
                "PRIMARY KEY part {col_name} found in SET part"
            )));
        }
        only_static &= col.kind == ColumnKind::Static;
        if let Some(op) = assignment(run, &table, col, a)? {
            ops.push(op);
        }
    }
    let (keys, r) = write_targets(run, &table, &u.where_clause, Purpose::Update)?;
    let clusterings: Vec<Option<Vec<Vec<u8>>>> = if table.clustering_len() == 0 {
        vec![None]
    } else if let Some(full) = &r.full_clusterings {
        full.iter().cloned().map(Some).collect()
    } else if only_static && !r.clustering_restricted {
        vec![None]
    } else {
        return missing_clustering(&table);
    };
    let mut mutations = Vec::new();
    for k in &keys {
        for c in &clusterings {
            mutations.push(Mutation {
                table: table.clone(),
                key: k.clone(),
                clustering: c.clone(),
                ops: ops.clone(),
                ranges: Vec::new(),
                delete_partition: false,
                ttl,
            });
        }
    }
    let cas = lwt::cas_of(run, &table, u.if_clause.as_ref(), &mutations)?;
    Ok(Planned {
        mutations,
        cas,
        timestamp,
    })
}

fn assignment(
    run: &Run<'_, '_, '_>,
    table: &TableDef,
    col: &super::schema::ColumnDef,
    a: &ast::Assignment,
) -> ExecResult<Option<WriteOp>> {
    let ctx = run.eval_ctx();
    let name = col.name.clone();
    let typ = &col.typ.typ;
    let is_counter = *typ == ColumnType::Counter;
    match (&a.target, &a.op) {
        (ColumnTarget::Column(_), AssignmentOp::Set(t)) => {
            if is_counter {
                return Err(invalid(format!(
                    "Cannot set the value of counter column {name} (counters can only be incremented/decremented, not set)"
                )));
            }
            Ok(match eval(t, &name, typ, &ctx).map_err(invalid)? {
                Val::Unset => None,
                Val::Null if col.typ.is_multi_cell() => Some(WriteOp::SetCollection(name, None)),
                Val::Null => Some(WriteOp::Set(name, None)),
                Val::Bytes(b) if col.typ.is_multi_cell() => Some(WriteOp::SetCollection(name, Some(b))),
                Val::Bytes(b) => Some(WriteOp::Set(name, Some(b))),
            })
        }
        (ColumnTarget::Column(_), AssignmentOp::Add(t) | AssignmentOp::Remove(t)) if is_counter => {
            let v = eval(t, &name, &ColumnType::Bigint, &ctx).map_err(invalid)?;
            let Val::Bytes(b) = v else {
                return match v {
                    Val::Unset => Ok(None),
                    _ => Err(invalid("Invalid null value for counter increment")),
                };
            };
            let n = <[u8; 8]>::try_from(b.as_slice()).map(i64::from_be_bytes).unwrap_or(0);
            let delta = if matches!(a.op, AssignmentOp::Remove(_)) { n.wrapping_neg() } else { n };
            Ok(Some(WriteOp::Counter(name, delta)))
        }
        (ColumnTarget::Column(_), op) => {
            if table.is_counter() {
                return Err(invalid(format!("Invalid operation for counter column {name}")));
            }
            if !col.typ.is_multi_cell() {
                let what = if matches!(col.typ.typ, ColumnType::List(_) | ColumnType::Set(_) | ColumnType::Map(_, _)) {
                    format!("Invalid operation ({name} = {name} + ?) for frozen collection column {name}")
                } else {
                    format!("Invalid operation ({name} = {name} + ?) for non counter column {name}")
                };
                return Err(invalid(what));
            }
            let (term, remove) = match op {
                AssignmentOp::Add(t) | AssignmentOp::Prepend(t) => (t, false),
                AssignmentOp::Remove(t) => (t, true),
                AssignmentOp::Set(t) => (t, false),
            };
            let operand_type = match (typ, remove) {
                (ColumnType::Map(k, _), true) => ColumnType::Set(k.clone()),
                _ => typ.clone(),
            };
            if matches!(op, AssignmentOp::Prepend(_)) && !matches!(typ, ColumnType::List(_)) {
                return Err(invalid(format!("Invalid operation ({name} = ? + {name}) for non list column {name}")));
            }
            let v = match eval(term, &name, &operand_type, &ctx).map_err(invalid)? {
                Val::Bytes(b) => b,
                Val::Unset => return Ok(None),
                Val::Null if remove => return Ok(None),
                Val::Null => build_collection(0, []),
            };
            Ok(Some(match op {
                AssignmentOp::Prepend(_) => WriteOp::Prepend(name, v),
                AssignmentOp::Remove(_) => WriteOp::Remove(name, v),
                _ => WriteOp::Add(name, v),
            }))
        }
        (ColumnTarget::Element { key, .. }, AssignmentOp::Set(t)) => match typ {
            ColumnType::List(e) if col.typ.is_multi_cell() => {
                let idx = match eval(key, &format!("idx({name})"), &ColumnType::Int, &ctx).map_err(invalid)? {
                    Val::Bytes(b) => <[u8; 4]>::try_from(b.as_slice()).map(i32::from_be_bytes).unwrap_or(-1),
                    _ => return Err(invalid("Invalid null value for list index")),
                };
                let v = eval(t, &format!("value({name})"), e, &ctx).map_err(invalid)?;
                Ok(Some(WriteOp::SetIndex(name, idx, v.bytes().map(<[u8]>::to_vec))))
            }
            ColumnType::Map(k, v) if col.typ.is_multi_cell() => {
                let kb = match eval(key, &format!("key({name})"), k, &ctx).map_err(invalid)? {
                    Val::Bytes(b) => b,
                    _ => return Err(invalid("Invalid null value for map key")),
                };
                let vb = eval(t, &format!("value({name})"), v, &ctx).map_err(invalid)?;
                Ok(Some(WriteOp::SetKey(name, kb, vb.bytes().map(<[u8]>::to_vec))))
            }
            _ => Err(invalid(format!("Invalid operation ({name}[?] = ?) for non list/map column {name}"))),
        },
        (ColumnTarget::Field { .. }, _) => Err(invalid(format!(
            "Setting a single field of {name} is not supported by ringbolt-sim; assign the whole value"
        ))),
        _ => Err(invalid(format!("Invalid operation on {name}"))),
    }
}

fn plan_delete(run: &mut Run<'_, '_, '_>, d: &ast::Delete) -> ExecResult<Planned> {
    let table = run.table(&d.table)?;
    writable(&table)?;
    if d.using.iter().any(|u| u.kind == UsingKind::Ttl) {
        return Err(invalid("TTL attribute is not allowed for deletes"));
    }
    let timestamp = timestamp_of(run, &d.using)?;
    let ctx = run.eval_ctx();
    let mut ops = Vec::new();
    let mut only_static = true;
    for t in &d.columns {
        let col_name = &t.target.column().name;
        let Some(col) = table.column(col_name) else {
            return Err(invalid(format!("Undefined column name {col_name}")));
        };
        if matches!(col.kind, ColumnKind::PartitionKey | ColumnKind::Clustering) {
            return Err(invalid(format!(
                "Invalid identifier {col_name} for deletion (should not be a PRIMARY KEY part)"
            )));
        }
        only_static &= col.kind == ColumnKind::Static;
        match &t.target {
            ColumnTarget::Column(_) => ops.push(WriteOp::DeleteColumn(col.name.clone())),
            ColumnTarget::Element { key, .. } => match &col.typ.typ {
                ColumnType::List(_) => {
                    let idx = match eval(key, &format!("idx({})", col.name), &ColumnType::Int, &ctx)
                        .map_err(invalid)?
                    {
                        Val::Bytes(b) => <[u8; 4]>::try_from(b.as_slice())
                            .map(i32::from_be_bytes)
                            .unwrap_or(-1),
                        _ => return Err(invalid("Invalid null value for list index")),
                    };
                    ops.push(WriteOp::SetIndex(col.name.clone(), idx, None));
                }
                ColumnType::Map(k, _) | ColumnType::Set(k) => {
                    if let Val::Bytes(b) =
                        eval(key, &format!("key({})", col.name), k, &ctx).map_err(invalid)?
                    {
                        ops.push(WriteOp::SetKey(col.name.clone(), b, None));
                    }
                }
                _ => {
                    return Err(invalid(format!(
                        "Invalid element deletion on non-collection column {}",
                        col.name
                    )))
                }
            },
            ColumnTarget::Field { .. } => {
                return Err(invalid(
                    "Deleting UDT fields is not supported by ringbolt-sim",
                ));
            }
        }
    }
    let (keys, r) = write_targets(run, &table, &d.where_clause, Purpose::Delete)?;
    let mut mutations = Vec::new();
    for k in &keys {
        let base = Mutation {
            table: table.clone(),
            key: k.clone(),
            clustering: None,
            ops: Vec::new(),
            ranges: Vec::new(),
            delete_partition: false,
            ttl: 0,
        };
        if !ops.is_empty() {
            if table.clustering_len() == 0 || (only_static && !r.clustering_restricted) {
                mutations.push(Mutation {
                    ops: ops.clone(),
                    ..base
                });
            } else if let Some(full) = &r.full_clusterings {
                for c in full {
                    mutations.push(Mutation {
                        clustering: Some(c.clone()),
                        ops: ops.clone(),
                        ..base.clone()
                    });
                }
            } else {
                return missing_clustering(&table);
            }
        } else if table.clustering_len() > 0 && r.full_clusterings.is_some() {
            for c in r.full_clusterings.iter().flatten() {
                mutations.push(Mutation {
                    clustering: Some(c.clone()),
                    ops: vec![WriteOp::DeleteRow],
                    ..base.clone()
                });
            }
        } else if r.clustering_restricted {
            if d.if_clause.is_some() {
                return Err(invalid("DELETE statements must restrict all PRIMARY KEY columns with equality relations in order to use IF conditions"));
            }
            mutations.push(Mutation {
                ranges: r.slices.clone(),
                ..base
            });
        } else {
            mutations.push(Mutation {
                delete_partition: true,
                ..base
            });
        }
    }
    let cas = lwt::cas_of(run, &table, d.if_clause.as_ref(), &mutations)?;
    Ok(Planned {
        mutations,
        cas,
        timestamp,
    })
}

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

/// Refuses `l[i] = v` and `DELETE l[i]` beyond the list's end, as Cassandra does.
fn check_list_indexes(run: &Run<'_, '_, '_>, mutations: &[Mutation]) -> ExecResult<()> {
    let now_s = run.now_s();
    for m in mutations {
        for op in &m.ops {
            let WriteOp::SetIndex(col, idx, _) = op else {
                continue;
            };
            let Some(def) = m.table.column(col) else {
                continue;
            };
            let data = run
                .state
                .data
                .get(&(m.table.keyspace.clone(), m.table.name.clone()));
            let partition = data.and_then(|d| d.partitions.get(&m.position()));
            let key = match &m.clustering {
                Some(c) => super::restrict::clustering_key(&m.table, c),
                None => Vec::new(),
            };
            let len = partition
                .and_then(|p| {
                    let row = if def.kind == ColumnKind::Static {
                        None
                    } else {
                        p.rows.get_key_value(&key).map(|(k, r)| (k.as_slice(), r))
                    };
                    super::read::RowRef { partition: p, row }.value(def, now_s)
                })
                .map(|v| super::types::collection_items(&v).len());
            match len {
                None => {
                    return Err(invalid(
                        "Attempted to set an element on a list which is null",
                    ))
                }
                Some(n) if usize::try_from(*idx).map_or(true, |i| i >= n) => {
                    return Err(invalid(format!(
                        "List index {idx} out of bound, list has size {n}"
                    )));
                }
                _ => {}
            }
        }
    }
    Ok(())
}
