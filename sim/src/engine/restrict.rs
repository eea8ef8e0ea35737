//! WHERE clauses: which partitions (keys, token range or all), which clustering slices, and which
//! per-row filters, with Cassandra's rules about what needs ALLOW FILTERING.

use super::clustering::{
    bound_key, clustering_component, intersect, make_slice, sort_keys, tuple_slices,
};
use super::errors::{invalid, ExecResult, FILTERING};
use super::schema::{ColumnKind, TableDef};
use super::types::{collection_items, take_value};
use super::values::{eval, EvalCtx, Val};
use ringbolt_cql::ast::{Operator, Relation, RelationTarget, RelationValue, Term, TermKind};
use ringbolt_driver::protocol::ColumnType;
use std::ops::Bound;

/// What the statement does with the restrictions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A SELECT, with or without ALLOW FILTERING.
    Select {
        /// ALLOW FILTERING was given.
        allow_filtering: bool,
    },
    /// An UPDATE or INSERT-like write of whole rows.
    Update,
    /// A DELETE (clustering slices allowed).
    Delete,
}

/// Which partitions.
#[derive(Debug, Clone, PartialEq)]
pub enum PartitionSelect {
    /// These keys (each a list of serialized components), in key order.
    Keys(Vec<Vec<Vec<u8>>>),
    /// A token range.
    Tokens(Bound<i64>, Bound<i64>),
}

/// A range of byte-comparable clustering keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slice {
    /// Lower bound.
    pub start: Bound<Vec<u8>>,
    /// Upper bound.
    pub end: Bound<Vec<u8>>,
}

impl Slice {
    /// Whether the slice can hold no key (BTreeMap::range would refuse it).
    pub fn is_empty(&self) -> bool {
        match (&self.start, &self.end) {
            (Bound::Included(s), Bound::Included(e)) => s > e,
            (Bound::Included(s), Bound::Excluded(e))
            | (Bound::Excluded(s), Bound::Included(e))
            | (Bound::Excluded(s), Bound::Excluded(e)) => s >= e,
            _ => false,
        }
    }
}

/// A per-row condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    /// Index of the column in the table.
    pub column: usize,
    /// The operator.
    pub op: Operator,
    /// The operand(s); several for IN.
    pub values: Vec<Vec<u8>>,
    /// For `m[key] = v`: the key.
    pub element: Option<Vec<u8>>,
}

/// The analysed WHERE clause.
#[derive(Debug, Clone, PartialEq)]
pub struct Restrictions {
    /// Partitions.
    pub partitions: PartitionSelect,
    /// Clustering slices in storage order; one unbounded slice when unrestricted.
    pub slices: Vec<Slice>,
    /// Full clustering keys (serialized components) when every clustering column has EQ/IN.
    pub full_clusterings: Option<Vec<Vec<Vec<u8>>>>,
    /// Whether clustering columns were restricted at all.
    pub clustering_restricted: bool,
    /// Per-row filters.
    pub filters: Vec<Filter>,
}

/// The largest cartesian product of IN values a query may ask for.
const MAX_IN_PRODUCT: usize = 65_535;

fn too_many_keys(n: usize) -> ringbolt_driver::protocol::response::ErrorBody {
    invalid(format!(
        "IN restrictions select {n} combinations of keys; ringbolt-sim accepts at most {MAX_IN_PRODUCT}"
    ))
}

/// A multi-column relation: first column, its columns, operator, value tuples.
type MultiRelation = (usize, Vec<usize>, Operator, Vec<Vec<Vec<u8>>>);

enum ColRestriction {
    Eq(Vec<Vec<u8>>),
    Slice(Vec<(Operator, Vec<u8>)>),
}

/// One value, refusing null and unset as Cassandra does in a WHERE clause.
fn value_of(term: &Term, name: &str, typ: &ColumnType, ctx: &EvalCtx<'_>) -> ExecResult<Vec<u8>> {
    match eval(term, name, typ, ctx).map_err(invalid)? {
        Val::Bytes(b) => Ok(b),
        Val::Null => Err(invalid(format!(
            "Invalid null value in condition for column {name}"
        ))),
        Val::Unset => Err(invalid(format!("Invalid unset value for column {name}"))),
    }
}

/// The values of an IN: a list of terms, or one marker bound to a list.
fn in_values(
    value: &RelationValue,
    name: &str,
    typ: &ColumnType,
    ctx: &EvalCtx<'_>,
) -> ExecResult<Vec<Vec<u8>>> {
    match value {
        RelationValue::List(terms) => terms.iter().map(|t| value_of(t, name, typ, ctx)).collect(),
        RelationValue::Term(t) if matches!(t.kind, TermKind::BindMarker(_)) => {
            let list_type = ColumnType::List(Box::new(typ.clone()));
            match eval(t, name, &list_type, ctx).map_err(invalid)? {
                Val::Bytes(b) => Ok(collection_items(&b)
                    .into_iter()
                    .map(|i| i.to_vec())
                    .collect()),
                Val::Null => Err(invalid(format!(
                    "Invalid null value for IN restriction on {name}"
                ))),
                Val::Unset => Err(invalid(format!("Invalid unset value for column {name}"))),
            }
        }
        RelationValue::Term(t) => match &t.kind {
            TermKind::List(items) | TermKind::Tuple(items) => {
                items.iter().map(|i| value_of(i, name, typ, ctx)).collect()
            }
            _ => Err(invalid(format!("Invalid IN relation on {name}"))),
        },
        RelationValue::Null => Err(invalid(format!(
            "Invalid null value in condition for column {name}"
        ))),
    }
}

fn single(
    value: &RelationValue,
    name: &str,
    typ: &ColumnType,
    ctx: &EvalCtx<'_>,
) -> ExecResult<Vec<u8>> {
    match value {
        RelationValue::Term(t) => value_of(t, name, typ, ctx),
        RelationValue::Null => Err(invalid(format!(
            "Invalid null value in condition for column {name}"
        ))),
        RelationValue::List(_) => Err(invalid(format!("Invalid list value for column {name}"))),
    }
}

fn is_slice(op: Operator) -> bool {
    matches!(
        op,
        Operator::Lt | Operator::Le | Operator::Gt | Operator::Ge
    )
}

/// Analyses a WHERE clause.
pub fn analyse(
    table: &TableDef,
    relations: &[Relation],
    purpose: Purpose,
    ctx: &EvalCtx<'_>,
) -> ExecResult<Restrictions> {
    let allow_filtering = matches!(
        purpose,
        Purpose::Select {
            allow_filtering: true
        }
    );
    let n = table.columns.len();
    let mut per_col: Vec<Option<ColRestriction>> = (0..n).map(|_| None).collect();
    let mut multi: Vec<MultiRelation> = Vec::new();
    let mut filters = Vec::new();
    let mut token: (Bound<i64>, Bound<i64>) = (Bound::Unbounded, Bound::Unbounded);
    let mut has_token = false;
    let mut non_pk_in_write = Vec::new();

    for rel in relations {
        match &rel.target {
            RelationTarget::Token(cols) => {
                let pk: Vec<&str> = table.partition_key().map(|c| c.name.as_str()).collect();
                let given: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
                if given != pk {
                    return Err(invalid(format!(
                        "The token function arguments must be in the partition key order: {}",
                        pk.join(", ")
                    )));
                }
                let v = single(&rel.value, "partition key token", &ColumnType::Bigint, ctx)?;
                let t = <[u8; 8]>::try_from(v.as_slice())
                    .map(i64::from_be_bytes)
                    .unwrap_or(0);
                has_token = true;
                match rel.op {
                    Operator::Eq => token = (Bound::Included(t), Bound::Included(t)),
                    Operator::Gt => token.0 = Bound::Excluded(t),
                    Operator::Ge => token.0 = Bound::Included(t),
                    Operator::Lt => token.1 = Bound::Excluded(t),
                    Operator::Le => token.1 = Bound::Included(t),
                    op => {
                        return Err(invalid(format!(
                            "{} is not a supported operator on token()",
                            op.as_str()
                        )))
                    }
                }
            }
            RelationTarget::Column(ident) => {
                let Some(idx) = table.column_index(&ident.name) else {
                    return Err(invalid(format!("Undefined column name {}", ident.name)));
                };
                let col = &table.columns[idx];
                let typ = &col.typ.typ;
                let key_col = matches!(col.kind, ColumnKind::PartitionKey | ColumnKind::Clustering);
                if !key_col && purpose != (Purpose::Select { allow_filtering }) {
                    non_pk_in_write.push(col.name.clone());
                    continue;
                }
                let filterable_op = matches!(
                    rel.op,
                    Operator::Contains
                        | Operator::ContainsKey
                        | Operator::Ne
                        | Operator::Like
                        | Operator::NotIn
                );
                if !key_col || filterable_op {
                    let values = match rel.op {
                        Operator::In | Operator::NotIn => {
                            in_values(&rel.value, &col.name, typ, ctx)?
                        }
                        Operator::Contains => {
                            let et = match typ {
                                ColumnType::List(e)
                                | ColumnType::Set(e)
                                | ColumnType::Map(_, e) => e.as_ref(),
                                _ => {
                                    return Err(invalid(format!(
                                        "Cannot use CONTAINS on non-collection column {}",
                                        col.name
                                    )))
                                }
                            };
                            vec![single(&rel.value, &col.name, et, ctx)?]
                        }
                        Operator::ContainsKey => {
                            let ColumnType::Map(k, _) = typ else {
                                return Err(invalid(format!(
                                    "Cannot use CONTAINS KEY on non-map column {}",
                                    col.name
                                )));
                            };
                            vec![single(&rel.value, &col.name, k, ctx)?]
                        }
                        Operator::IsNot => continue,
                        _ => vec![single(&rel.value, &col.name, typ, ctx)?],
                    };
                    filters.push(Filter {
                        column: idx,
                        op: rel.op,
                        values,
                        element: None,
                    });
                    continue;
                }
                let entry = &mut per_col[idx];
                match rel.op {
                    Operator::Eq | Operator::In => {
                        let values = if rel.op == Operator::Eq {
                            vec![single(&rel.value, &col.name, typ, ctx)?]
                        } else {
                            in_values(&rel.value, &col.name, typ, ctx)?
                        };
                        if entry.is_some() {
                            return Err(invalid(format!(
                                "{} cannot be restricted by more than one relation if it includes an Equal",
                                col.name
                            )));
                        }
                        *entry = Some(ColRestriction::Eq(values));
                    }
                    op if is_slice(op) => {
                        let v = single(&rel.value, &col.name, typ, ctx)?;
                        match entry {
                            Some(ColRestriction::Slice(list)) => list.push((op, v)),
                            Some(ColRestriction::Eq(_)) => {
                                return Err(invalid(format!(
                                    "{} cannot be restricted by more than one relation if it includes an Equal",
                                    col.name
                                )))
                            }
                            None => *entry = Some(ColRestriction::Slice(vec![(op, v)])),
                        }
                    }
                    op => {
                        return Err(invalid(format!(
                            "Unsupported \"{}\" relation: {}",
                            op.as_str(),
                            col.name
                        )))
                    }
                }
            }
            RelationTarget::Tuple(idents) => {
                let mut idxs = Vec::new();
                for ident in idents {
                    let Some(idx) = table.column_index(&ident.name) else {
                        return Err(invalid(format!("Undefined column name {}", ident.name)));
                    };
                    if table.columns[idx].kind != ColumnKind::Clustering {
                        return Err(invalid(format!(
                            "Multi-column relations can only be applied to clustering columns but was applied to: {}",
                            ident.name
                        )));
                    }
                    idxs.push(idx);
                }
                let types: Vec<ColumnType> = idxs
                    .iter()
                    .map(|i| table.columns[*i].typ.typ.clone())
                    .collect();
                let tuple_type = ColumnType::Tuple(types.clone());
                let label = format!(
                    "({})",
                    idents
                        .iter()
                        .map(|i| i.name.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                );
                let split = |b: &[u8]| -> Vec<Vec<u8>> {
                    let mut rest = b;
                    let mut out = Vec::new();
                    while let Some(Some(v)) = take_value(&mut rest) {
                        out.push(v.to_vec());
                    }
                    out
                };
                let tuples: Vec<Vec<Vec<u8>>> = match (&rel.op, &rel.value) {
                    (Operator::In, RelationValue::List(terms)) => terms
                        .iter()
                        .map(|t| value_of(t, &label, &tuple_type, ctx).map(|b| split(&b)))
                        .collect::<ExecResult<_>>()?,
                    (Operator::In, v) => {
                        let list_type = ColumnType::List(Box::new(tuple_type.clone()));
                        in_values(v, &label, &tuple_type, ctx)
                            .or_else(|_| {
                                single(v, &label, &list_type, ctx).map(|b| {
                                    collection_items(&b)
                                        .into_iter()
                                        .map(|i| i.to_vec())
                                        .collect()
                                })
                            })?
                            .iter()
                            .map(|b| split(b))
                            .collect()
                    }
                    (_, v) => vec![split(&single(v, &label, &tuple_type, ctx)?)],
                };
                if !ctx.binds.dry && tuples.iter().any(|t| t.len() != idxs.len()) {
                    return Err(invalid(format!(
                        "Expected {} elements in value tuple, but got a different count",
                        idxs.len()
                    )));
                }
                let first = idxs.first().copied().unwrap_or(0);
                multi.push((first, idxs, rel.op, tuples));
            }
            RelationTarget::Element { column, key } => {
                let Some(idx) = table.column_index(&column.name) else {
                    return Err(invalid(format!("Undefined column name {}", column.name)));
                };
                let ColumnType::Map(kt, vt) = &table.columns[idx].typ.typ else {
                    return Err(invalid(format!("Column {} is not a map", column.name)));
                };
                let k = value_of(key, &column.name, kt, ctx)?;
                let v = single(&rel.value, &column.name, vt, ctx)?;
                filters.push(Filter {
                    column: idx,
                    op: rel.op,
                    values: vec![v],
                    element: Some(k),
                });
            }
        }
    }

    if !non_pk_in_write.is_empty() {
        return Err(invalid(format!(
            "Non PRIMARY KEY columns found in where clause: {}",
            non_pk_in_write.join(", ")
        )));
    }

    // Partition key.
    let pk_cols: Vec<usize> = (0..n)
        .filter(|i| table.columns[*i].kind == ColumnKind::PartitionKey)
        .collect();
    let restricted: Vec<usize> = pk_cols
        .iter()
        .copied()
        .filter(|i| per_col[*i].is_some())
        .collect();
    let uses_index = filters.iter().any(|f| index_serves(table, f));
    let mut need_filtering = filters.len() > usize::from(uses_index);
    let partitions = if restricted.len() == pk_cols.len() && !pk_cols.is_empty() {
        let mut keys: Vec<Vec<Vec<u8>>> = vec![Vec::new()];
        // A key column restricted by a slice: a filtered token scan. (An empty `IN` — or the
        // unknown values of `IN ?` when preparing — still names partitions: none.)
        let mut key_slice = false;
        for i in &pk_cols {
            let Some(ColRestriction::Eq(values)) = &per_col[*i] else {
                if allow_filtering {
                    keys.clear();
                    key_slice = true;
                    break;
                }
                return Err(invalid(
                    "Only EQ and IN relation are supported on the partition key (unless you use the token() function or allow filtering)",
                ));
            };
            let product = keys.len().saturating_mul(values.len());
            if product > MAX_IN_PRODUCT {
                return Err(too_many_keys(product));
            }
            let mut next = Vec::with_capacity(product);
            for k in &keys {
                for v in values {
                    let mut k2 = k.clone();
                    k2.push(v.clone());
                    next.push(k2);
                }
            }
            keys = next;
        }
        if key_slice {
            for i in &pk_cols {
                push_key_filter(&mut filters, *i, per_col[*i].take());
            }
            need_filtering = true;
            PartitionSelect::Tokens(token.0, token.1)
        } else {
            sort_keys(table, &mut keys);
            PartitionSelect::Keys(keys)
        }
    } else {
        if !restricted.is_empty() {
            if matches!(purpose, Purpose::Update | Purpose::Delete) {
                let missing: Vec<&str> = pk_cols
                    .iter()
                    .filter(|i| per_col[**i].is_none())
                    .map(|i| table.columns[*i].name.as_str())
                    .collect();
                return Err(invalid(format!(
                    "Some partition key parts are missing: {}",
                    missing.join(", ")
                )));
            }
            if !allow_filtering {
                let missing: Vec<&str> = pk_cols
                    .iter()
                    .filter(|i| per_col[**i].is_none())
                    .map(|i| table.columns[*i].name.as_str())
                    .collect();
                return Err(invalid(format!(
                    "Partition key parts: {} must be restricted as other parts are",
                    missing.join(", ")
                )));
            }
            for i in &restricted {
                push_key_filter(&mut filters, *i, per_col[*i].take());
            }
            need_filtering = true;
        }
        if matches!(purpose, Purpose::Update | Purpose::Delete) {
            let missing: Vec<&str> = pk_cols
                .iter()
                .map(|i| table.columns[*i].name.as_str())
                .collect();
            return Err(invalid(format!(
                "Some partition key parts are missing: {}",
                missing.join(", ")
            )));
        }
        let _ = has_token;
        PartitionSelect::Tokens(token.0, token.1)
    };
    let partition_known = matches!(partitions, PartitionSelect::Keys(_));

    // Clustering.
    let ck_cols: Vec<usize> = (0..n)
        .filter(|i| table.columns[*i].kind == ColumnKind::Clustering)
        .collect();
    let clustering_restricted = ck_cols.iter().any(|i| per_col[*i].is_some()) || !multi.is_empty();
    let mut prefixes: Vec<(Vec<u8>, Vec<Vec<u8>>)> = vec![(Vec::new(), Vec::new())];
    let mut slices: Option<Vec<Slice>> = None;
    let mut pos = 0usize;
    let mut stop_reason: Option<(String, bool)> = None; // (column that stopped, was slice)
    while pos < ck_cols.len() {
        let i = ck_cols[pos];
        let col = &table.columns[i];
        if let Some(mi) = multi.iter().position(|m| m.0 == i) {
            let (_, idxs, op, tuples) = multi.remove(mi);
            if stop_reason.is_some() {
                return Err(invalid("Mixing single column relations and multi column relations on clustering columns is not allowed"));
            }
            let cols: Vec<_> = idxs.iter().map(|x| &table.columns[*x]).collect();
            if idxs.iter().zip(&ck_cols[pos..]).any(|(a, b)| a != b) {
                return Err(invalid("Clustering columns must appear in the PRIMARY KEY order in multi-column relations"));
            }
            let enc = |t: &Vec<Vec<u8>>| {
                let mut out = Vec::new();
                for (c, v) in cols.iter().zip(t) {
                    clustering_component(&c.typ.typ, c.reversed, v, &mut out);
                }
                out
            };
            match op {
                Operator::Eq | Operator::In => {
                    let mut next = Vec::new();
                    for (p, vals) in &prefixes {
                        for t in &tuples {
                            let mut p2 = p.clone();
                            p2.extend(enc(t));
                            let mut v2 = vals.clone();
                            v2.extend(t.iter().cloned());
                            next.push((p2, v2));
                        }
                    }
                    prefixes = next;
                    pos += idxs.len();
                    continue;
                }
                op if is_slice(op) => {
                    // Every slice on tuples starting at this column: (a, b) > .. AND (a, b) < ..
                    let mut relations = vec![(idxs, op, tuples.into_iter().next())];
                    while let Some(mj) = multi.iter().position(|m| m.0 == i && is_slice(m.2)) {
                        let (_, more, op, tuples) = multi.remove(mj);
                        if more.iter().zip(&ck_cols[pos..]).any(|(a, b)| a != b) {
                            return Err(invalid("Clustering columns must appear in the PRIMARY KEY order in multi-column relations"));
                        }
                        relations.push((more, op, tuples.into_iter().next()));
                    }
                    let width = relations.iter().map(|r| r.0.len()).max().unwrap_or(1);
                    let mut all = Vec::new();
                    for (p, _) in &prefixes {
                        let mut acc = vec![make_slice(p, &[], false, true)];
                        for (ridx, rop, values) in &relations {
                            let types: Vec<_> = ridx
                                .iter()
                                .map(|x| (&table.columns[*x].typ.typ, table.columns[*x].reversed))
                                .collect();
                            let values = values.as_deref().unwrap_or_default();
                            let parts = tuple_slices(p, &types, *rop, values);
                            acc = acc
                                .iter()
                                .flat_map(|a| parts.iter().map(move |b| intersect(a, b)))
                                .filter(|s| !s.is_empty())
                                .collect();
                        }
                        all.extend(acc);
                    }
                    slices = Some(all);
                    stop_reason = Some((col.name.clone(), true));
                    pos += width;
                    break;
                }
                _ => return Err(invalid("Unsupported multi-column relation")),
            }
        }
        match per_col[i].take() {
            Some(ColRestriction::Eq(values)) => {
                let product = prefixes.len().saturating_mul(values.len());
                if product > MAX_IN_PRODUCT {
                    return Err(too_many_keys(product));
                }
                let mut next = Vec::with_capacity(product);
                for (p, vals) in &prefixes {
                    for v in &values {
                        let mut p2 = p.clone();
                        clustering_component(&col.typ.typ, col.reversed, v, &mut p2);
                        let mut v2 = vals.clone();
                        v2.push(v.clone());
                        next.push((p2, v2));
                    }
                }
                prefixes = next;
                pos += 1;
            }
            Some(ColRestriction::Slice(bounds)) => {
                let mut enc_bounds = Vec::new();
                for (op, v) in bounds {
                    let mut e = Vec::new();
                    clustering_component(&col.typ.typ, col.reversed, &v, &mut e);
                    enc_bounds.push((op, e));
                }
                slices = Some(
                    prefixes
                        .iter()
                        .map(|(p, _)| make_slice(p, &enc_bounds, col.reversed, false))
                        .collect(),
                );
                stop_reason = Some((col.name.clone(), true));
                pos += 1;
                break;
            }
            None => {
                stop_reason = Some((col.name.clone(), false));
                break;
            }
        }
    }
    // Anything restricted after the stop.
    for &i in ck_cols.iter().skip(pos) {
        if let Some(r) = per_col[i].take() {
            let Some((stopper, was_slice)) = &stop_reason else {
                continue;
            };
            if !allow_filtering {
                let name = &table.columns[i].name;
                return Err(invalid(if *was_slice {
                    format!("Clustering column \"{name}\" cannot be restricted (preceding column \"{stopper}\" is restricted by a non-EQ relation)")
                } else {
                    format!("PRIMARY KEY column \"{name}\" cannot be restricted as preceding column \"{stopper}\" is not restricted")
                }));
            }
            push_key_filter(&mut filters, i, Some(r));
            need_filtering = true;
        }
    }
    if !multi.is_empty() {
        return Err(invalid(
            "Clustering columns must appear in the PRIMARY KEY order in multi-column relations",
        ));
    }
    let full = pos >= ck_cols.len() && slices.is_none();
    let full_clusterings = full.then(|| prefixes.iter().map(|(_, v)| v.clone()).collect());
    let mut slices = slices.unwrap_or_else(|| {
        prefixes
            .iter()
            .map(|(p, _)| make_slice(p, &[], false, false))
            .collect()
    });
    slices.sort_by_key(|s| bound_key(&s.start));
    slices.dedup();

    if let Purpose::Select { allow_filtering } = purpose {
        if clustering_restricted && !partition_known && !uses_index {
            need_filtering = true;
        }
        if need_filtering && !allow_filtering {
            return Err(invalid(FILTERING));
        }
    }
    Ok(Restrictions {
        partitions,
        slices,
        full_clusterings,
        clustering_restricted,
        filters,
    })
}

fn push_key_filter(filters: &mut Vec<Filter>, column: usize, r: Option<ColRestriction>) {
    match r {
        Some(ColRestriction::Eq(values)) => {
            let op = if values.len() == 1 {
                Operator::Eq
            } else {
                Operator::In
            };
            filters.push(Filter {
                column,
                op,
                values,
                element: None,
            });
        }
        Some(ColRestriction::Slice(bounds)) => {
            for (op, v) in bounds {
                filters.push(Filter {
                    column,
                    op,
                    values: vec![v],
                    element: None,
                });
            }
        }
        None => {}
    }
}

/// Whether a secondary index answers a filter (so it needs no ALLOW FILTERING).
fn index_serves(table: &TableDef, f: &Filter) -> bool {
    let Some(col) = table.columns.get(f.column) else {
        return false;
    };
    table
        .indexes
        .iter()
        .filter(|i| i.column == col.name)
        .any(|i| {
            let t = i.target.as_str();
            match (f.op, &f.element) {
                (Operator::Eq, Some(_)) => t.starts_with("entries("),
                (Operator::Eq, None) => t == col.name || t.starts_with("full("),
                (Operator::Contains, _) => t.starts_with("values("),
                (Operator::ContainsKey, _) => t.starts_with("keys("),
                _ => false,
            }
        })
}
