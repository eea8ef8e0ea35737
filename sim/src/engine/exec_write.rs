//! INSERT, UPDATE, DELETE and BATCH: building mutations, checking them as Cassandra does, and
//! applying them (through lightweight transactions when they carry IF).

use super::errors::{invalid, ExecResult};
use super::exec::Run;
use super::lwt::{self, Cas};
use super::mutation::{apply, Mutation, WriteOp};
use super::restrict::{analyse, PartitionSelect, Purpose};
use super::schema::{ColumnKind, TableDef};
use super::values::{eval, Val};
use ringbolt_cql::ast::{self, ColumnTarget, InsertValues, Statement, UsingKind, UsingParam};
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
    if table.is_virtual || super::schema::is_system_keyspace(&table.keyspace) {
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

pub(crate) fn plan(run: &mut Run<'_, '_, '_>, st: &Statement) -> ExecResult<Planned> {
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
    if planned.cas.is_some() {
        if planned.timestamp.is_some() {
            return Err(invalid(
                "Cannot provide custom timestamp for conditional updates",
            ));
        }
        if planned.mutations.iter().any(|m| m.table.is_counter()) {
            return Err(invalid(
                "Conditional updates are not supported on counter tables",
            ));
        }
    }
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

pub(crate) fn count_stats(run: &Run<'_, '_, '_>, m: &Mutation) {
    if super::schema::is_system_keyspace(&m.table.keyspace) {
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
    let ctx = run.eval_ctx();
    let assigned: Vec<(String, Val)> = match &i.values {
        InsertValues::Columns { columns, values } => {
            if columns.len() != values.len() {
                return Err(invalid("Unmatched column names/values"));
            }
            let mut out = Vec::with_capacity(columns.len());
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
                out.push((
                    c.name.clone(),
                    eval(t, &col.name, &col.typ.typ, &ctx).map_err(invalid)?,
                ));
            }
            out
        }
        InsertValues::Json {
            value,
            default_unset,
        } => super::json_in::insert_values(&table, value, *default_unset, &ctx)?,
    };
    let mut key = vec![None; table.partition_key_len()];
    let mut clustering = vec![None; table.clustering_len()];
    let mut ops = vec![WriteOp::Marker];
    for (cname, v) in assigned {
        let Some(col) = table.column(&cname) else {
            return Err(invalid(format!("Undefined column name {cname}")));
        };
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
        if let Some(op) = super::exec_assign::assignment(run, &table, col, a)? {
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
            ColumnTarget::Field { field, .. } => {
                let (pos, _) = super::exec_assign::udt_field(col, &field.name)?;
                ops.push(WriteOp::SetField(col.name.clone(), pos, None));
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
                Some(c) => super::clustering::clustering_key(&m.table, c),
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
