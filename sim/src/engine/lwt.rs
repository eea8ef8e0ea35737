//! Lightweight transactions: IF NOT EXISTS, IF EXISTS and IF conditions, and the `[applied]`
//! result Cassandra returns (with the current values when the condition failed).

use super::clustering::clustering_key;
use super::errors::{invalid, ExecResult};
use super::exec::Run;
use super::exec_write::apply_all;
use super::mutation::Mutation;
use super::read::RowRef;
use super::results::{rows_body, spec};
use super::schema::{ColumnKind, TableDef};
use super::storage::Partition;
use super::types::{collection_items, compare_values};
use super::values::{eval, Val};
use ringbolt_cql::ast::{ColumnTarget, IfClause, Operator, RelationValue};
use ringbolt_driver::protocol::response::ResultBody;
use ringbolt_driver::protocol::ColumnType;
use std::cmp::Ordering;
use std::sync::Arc;

/// The clustering key of the row a condition reads (None: the static row).
type RowKey = Option<(Vec<u8>, bool)>;

/// One evaluated IF condition.
#[derive(Debug, Clone)]
pub(crate) struct Condition {
    column: usize,
    element: Option<Vec<u8>>,
    op: Operator,
    values: Vec<Option<Vec<u8>>>,
}

/// What must hold for the write to apply.
#[derive(Debug, Clone)]
pub(crate) enum CasKind {
    NotExists,
    Exists,
    Conditions(Vec<Condition>),
}

/// A condition on one row.
#[derive(Debug, Clone)]
pub(crate) struct Cas {
    table: Arc<TableDef>,
    key: Vec<Vec<u8>>,
    clustering: Option<Vec<Vec<u8>>>,
    kind: CasKind,
}

impl Cas {
    /// IF NOT EXISTS on the mutation's row.
    pub fn not_exists(m: &Mutation) -> Cas {
        Cas {
            table: m.table.clone(),
            key: m.key.clone(),
            clustering: m.clustering.clone(),
            kind: CasKind::NotExists,
        }
    }
}

/// The Cas of an UPDATE or DELETE's IF clause.
pub(crate) fn cas_of(
    run: &Run<'_, '_, '_>,
    table: &Arc<TableDef>,
    clause: Option<&IfClause>,
    mutations: &[Mutation],
) -> ExecResult<Option<Cas>> {
    let Some(clause) = clause else {
        return Ok(None);
    };
    let [m] = mutations else {
        return Err(invalid(
            "IN on the partition key is not supported with conditional updates",
        ));
    };
    if !m.ranges.is_empty() || m.delete_partition && table.clustering_len() > 0 {
        return Err(invalid(
            "DELETE statements must restrict all PRIMARY KEY columns with equality relations in order to use IF conditions",
        ));
    }
    let kind = match clause {
        IfClause::Exists(_) => CasKind::Exists,
        IfClause::Conditions(conds) => {
            let ctx = run.eval_ctx();
            let mut out = Vec::with_capacity(conds.len());
            for c in conds {
                let name = &c.target.column().name;
                let Some(idx) = table.column_index(name) else {
                    return Err(invalid(format!("Undefined column name {name}")));
                };
                let col = &table.columns[idx];
                if matches!(col.kind, ColumnKind::PartitionKey | ColumnKind::Clustering) {
                    return Err(invalid(format!(
                        "PRIMARY KEY column '{name}' cannot have IF conditions"
                    )));
                }
                let (element, vtype) = match (&c.target, &col.typ.typ) {
                    (ColumnTarget::Element { key, .. }, ColumnType::Map(k, v)) => (
                        eval(key, name, k, &ctx)
                            .map_err(invalid)?
                            .bytes()
                            .map(<[u8]>::to_vec),
                        v.as_ref().clone(),
                    ),
                    (ColumnTarget::Element { key, .. }, ColumnType::List(e)) => (
                        eval(key, name, &ColumnType::Int, &ctx)
                            .map_err(invalid)?
                            .bytes()
                            .map(<[u8]>::to_vec),
                        e.as_ref().clone(),
                    ),
                    (ColumnTarget::Element { .. }, _) => {
                        return Err(invalid(format!(
                            "Invalid element access on non-collection column {name}"
                        )));
                    }
                    (_, t) => (None, t.clone()),
                };
                let vtype = match (c.op, &vtype) {
                    (
                        Operator::Contains,
                        ColumnType::List(e) | ColumnType::Set(e) | ColumnType::Map(_, e),
                    ) => e.as_ref().clone(),
                    (Operator::ContainsKey, ColumnType::Map(k, _)) => k.as_ref().clone(),
                    (_, ColumnType::Counter) => ColumnType::Bigint,
                    _ => vtype,
                };
                let one = |t: &ringbolt_cql::ast::Term| -> ExecResult<Option<Vec<u8>>> {
                    Ok(match eval(t, name, &vtype, &ctx).map_err(invalid)? {
                        Val::Bytes(b) => Some(b),
                        _ => None,
                    })
                };
                let values = match &c.value {
                    RelationValue::Term(t) if c.op == Operator::In => {
                        match eval(t, name, &ColumnType::List(Box::new(vtype.clone())), &ctx)
                            .map_err(invalid)?
                        {
                            Val::Bytes(b) => collection_items(&b)
                                .into_iter()
                                .map(|i| Some(i.to_vec()))
                                .collect(),
                            _ => Vec::new(),
                        }
                    }
                    RelationValue::Term(t) => vec![one(t)?],
                    RelationValue::List(ts) => ts.iter().map(one).collect::<ExecResult<_>>()?,
                    RelationValue::Null => vec![None],
                };
                if matches!(
                    c.op,
                    Operator::Lt | Operator::Le | Operator::Gt | Operator::Ge
                ) && values.iter().any(Option::is_none)
                {
                    return Err(invalid(format!(
                        "Invalid comparison with null for operator \"{}\"",
                        c.op.as_str()
                    )));
                }
                out.push(Condition {
                    column: idx,
                    element,
                    op: c.op,
                    values,
                });
            }
            CasKind::Conditions(out)
        }
    };
    Ok(Some(Cas {
        table: table.clone(),
        key: m.key.clone(),
        clustering: m.clustering.clone(),
        kind,
    }))
}

fn current<'a>(run: &'a Run<'_, '_, '_>, cas: &Cas) -> Option<(&'a Partition, RowKey)> {
    let data = run
        .state
        .data
        .get(&(cas.table.keyspace.clone(), cas.table.name.clone()))?;
    let m = Mutation {
        table: cas.table.clone(),
        key: cas.key.clone(),
        clustering: None,
        ops: Vec::new(),
        ranges: Vec::new(),
        delete_partition: false,
        ttl: 0,
    };
    let p = data.partitions.get(&m.position())?;
    let ck = match &cas.clustering {
        Some(c) => Some((clustering_key(&cas.table, c), true)),
        None if cas.table.clustering_len() == 0 => Some((Vec::new(), true)),
        None => None,
    };
    Some((p, ck))
}

fn row_ref<'a>(p: &'a Partition, ck: &RowKey) -> Option<RowRef<'a>> {
    match ck {
        Some((k, _)) => p.rows.get_key_value(k).map(|(k, r)| RowRef {
            partition: p,
            row: Some((k.as_slice(), r)),
        }),
        None => Some(RowRef {
            partition: p,
            row: None,
        }),
    }
}

fn holds(cas: &Cas, row: Option<RowRef<'_>>, now_s: i64) -> bool {
    let live = row.is_some_and(|r| {
        r.is_live(now_s) || r.partition.has_live_statics(now_s) && r.row.is_none()
    });
    match &cas.kind {
        CasKind::NotExists => !live,
        CasKind::Exists => live,
        CasKind::Conditions(conds) => conds.iter().all(|c| {
            let col = &cas.table.columns[c.column];
            let mut v = row.and_then(|r| r.value(col, now_s));
            let mut typ = col.typ.typ.clone();
            if let Some(e) = &c.element {
                (v, typ) = element_of(&col.typ.typ, v.as_deref(), e);
            }
            check(&typ, c.op, v.as_deref(), &c.values)
        }),
    }
}

fn element_of(t: &ColumnType, v: Option<&[u8]>, key: &[u8]) -> (Option<Vec<u8>>, ColumnType) {
    let items = v.map(collection_items).unwrap_or_default();
    match t {
        ColumnType::Map(k, vt) => {
            let found = items
                .chunks(2)
                .find(|p| p.first().is_some_and(|x| compare_values(k, x, key).is_eq()));
            (
                found.and_then(|p| p.get(1)).map(|x| x.to_vec()),
                vt.as_ref().clone(),
            )
        }
        ColumnType::List(e) => {
            let idx = <[u8; 4]>::try_from(key)
                .map(i32::from_be_bytes)
                .unwrap_or(-1);
            (
                usize::try_from(idx)
                    .ok()
                    .and_then(|i| items.get(i))
                    .map(|x| x.to_vec()),
                e.as_ref().clone(),
            )
        }
        other => (None, other.clone()),
    }
}

/// Whether `current op values` holds.
pub(crate) fn check(
    t: &ColumnType,
    op: Operator,
    current: Option<&[u8]>,
    values: &[Option<Vec<u8>>],
) -> bool {
    let t = if *t == ColumnType::Counter {
        &ColumnType::Bigint
    } else {
        t
    };
    let eq = |a: Option<&[u8]>, b: Option<&[u8]>| match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => compare_values(t, x, y).is_eq(),
        _ => false,
    };
    let first = values.first().and_then(|v| v.as_deref());
    let cmp = |want: &[Ordering]| match (current, first) {
        (Some(c), Some(v)) => want.contains(&compare_values(t, c, v)),
        _ => false,
    };
    match op {
        Operator::Eq => eq(current, first),
        Operator::Ne => !eq(current, first),
        Operator::Lt => cmp(&[Ordering::Less]),
        Operator::Le => cmp(&[Ordering::Less, Ordering::Equal]),
        Operator::Gt => cmp(&[Ordering::Greater]),
        Operator::Ge => cmp(&[Ordering::Greater, Ordering::Equal]),
        Operator::In => values.iter().any(|v| eq(current, v.as_deref())),
        Operator::NotIn => !values.iter().any(|v| eq(current, v.as_deref())),
        Operator::Contains | Operator::ContainsKey => {
            let (Some(c), Some(v)) = (current, first) else {
                return false;
            };
            let items = collection_items(c);
            let (elem_type, picked): (&ColumnType, Vec<&[u8]>) = match (t, op) {
                (ColumnType::Map(k, _), Operator::ContainsKey) => (
                    k,
                    items.chunks(2).filter_map(|p| p.first().copied()).collect(),
                ),
                (ColumnType::Map(_, vt), _) => (
                    vt,
                    items.chunks(2).filter_map(|p| p.get(1).copied()).collect(),
                ),
                (ColumnType::List(e) | ColumnType::Set(e), _) => (e, items),
                _ => return false,
            };
            picked
                .iter()
                .any(|x| compare_values(elem_type, x, v).is_eq())
        }
        _ => false,
    }
}

/// Checks every condition; applies the mutations when all hold.
pub(crate) fn execute(
    run: &mut Run<'_, '_, '_>,
    mutations: Vec<Mutation>,
    cases: Vec<Cas>,
    is_batch: bool,
) -> ExecResult<ResultBody> {
    let now_s = run.now_s();
    let Some(first) = cases.first() else {
        return Ok(ResultBody::Void);
    };
    let table = first.table.clone();
    let mut applied = true;
    for cas in &cases {
        let cur = current(run, cas);
        let row = cur.as_ref().and_then(|(p, ck)| row_ref(p, ck));
        if !holds(cas, row, now_s) {
            applied = false;
        }
    }
    let mut columns = vec![spec(
        &table.keyspace,
        &table.name,
        "[applied]",
        ColumnType::Boolean,
    )];
    let mut row_values = vec![Some(vec![u8::from(applied)])];
    if applied {
        let ts = run.write_timestamp();
        apply_all(run, &mutations, ts);
        return Ok(rows_body(columns, &[row_values], None, false));
    }
    // Not applied: the current values, when the row exists.
    let cas = first;
    let cur = current(run, cas);
    let row = cur
        .as_ref()
        .and_then(|(p, ck)| row_ref(p, ck))
        .filter(|r| r.is_live(now_s) || r.partition.has_live_statics(now_s));
    if let Some(r) = row {
        let mut wanted: Vec<usize> = Vec::new();
        let wildcard = cases
            .iter()
            .any(|c| matches!(c.kind, CasKind::NotExists | CasKind::Exists));
        if wildcard {
            wanted = (0..table.columns.len()).collect();
        } else {
            if is_batch {
                wanted.extend((0..table.columns.len()).filter(|i| {
                    matches!(
                        table.columns[*i].kind,
                        ColumnKind::PartitionKey | ColumnKind::Clustering
                    )
                }));
            }
            for c in &cases {
                if let CasKind::Conditions(conds) = &c.kind {
                    for cond in conds {
                        if !wanted.contains(&cond.column) {
                            wanted.push(cond.column);
                        }
                    }
                }
            }
        }
        for i in wanted {
            let col = &table.columns[i];
            columns.push(spec(
                &table.keyspace,
                &table.name,
                &col.name,
                col.typ.typ.clone(),
            ));
            row_values.push(r.value(col, now_s));
        }
    }
    Ok(rows_body(columns, &[row_values], None, false))
}
