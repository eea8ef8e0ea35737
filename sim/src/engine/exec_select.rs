//! SELECT: partitions in token (or IN) order, rows in clustering order (or reversed), filters,
//! limits, DISTINCT, aggregates and paging.

use super::errors::{invalid, ExecResult};
use super::exec::Run;
use super::lwt::check;
use super::paging::PagingState;
use super::read::RowRef;
use super::restrict::{analyse, Filter, PartitionSelect, Purpose, Restrictions};
use super::results::rows_body;
use super::schema::{ColumnKind, TableDef};
use super::select_plan::{self, Aggregator, SelectPlan};
use super::storage::{partition_key_bytes, Partition, PartitionPos, TableData};
use super::types::collection_items;
use super::values::{eval, Val};
use ringbolt_cql::ast::{self, Order, Selection, SelectorKind};
use ringbolt_driver::cluster::murmur3_token;
use ringbolt_driver::protocol::response::ResultBody;
use ringbolt_driver::protocol::ColumnType;
use std::ops::Bound;

fn positive(
    run: &Run<'_, '_, '_>,
    term: Option<&ast::Term>,
    name: &str,
    what: &str,
) -> ExecResult<Option<u64>> {
    let Some(t) = term else { return Ok(None) };
    match eval(t, name, &ColumnType::Int, &run.eval_ctx()).map_err(invalid)? {
        Val::Bytes(b) => {
            let n = <[u8; 4]>::try_from(b.as_slice())
                .map(i32::from_be_bytes)
                .unwrap_or(0);
            if n <= 0 {
                return Err(invalid(format!("{what} must be strictly positive")));
            }
            Ok(Some(n as u64))
        }
        Val::Null => Err(invalid(format!(
            "Invalid null value of {}",
            what.to_lowercase()
        ))),
        Val::Unset => Ok(None),
    }
}

/// Whether ORDER BY asks for the reverse of the storage order.
pub(crate) fn order_reversed(
    table: &TableDef,
    s: &ast::Select,
    r: &Restrictions,
) -> ExecResult<bool> {
    if s.order_by.is_empty() {
        return Ok(false);
    }
    if !matches!(r.partitions, PartitionSelect::Keys(_)) {
        return Err(invalid(
            "ORDER BY is only supported when the partition key is restricted by an EQ or an IN.",
        ));
    }
    let clustering: Vec<_> = table.clustering().collect();
    let mut reversed: Option<bool> = None;
    for (i, o) in s.order_by.iter().enumerate() {
        let Some(col) = table.column(&o.column.name) else {
            return Err(invalid(format!("Undefined column name {}", o.column.name)));
        };
        if col.kind != ColumnKind::Clustering {
            return Err(invalid(format!(
                "Order by is currently only supported on the clustered columns of the PRIMARY KEY, got {}",
                col.name
            )));
        }
        if clustering.get(i).map(|c| c.name.as_str()) != Some(col.name.as_str()) {
            return Err(invalid("Order by currently only supports the ordering of columns following their declared order in the PRIMARY KEY"));
        }
        let this = (o.order == Order::Desc) != col.reversed;
        if reversed.is_some_and(|r| r != this) {
            return Err(invalid("Unsupported order by relation"));
        }
        reversed = Some(this);
    }
    Ok(reversed.unwrap_or(false))
}

pub(crate) fn check_distinct(table: &TableDef, s: &ast::Select) -> ExecResult<()> {
    let Selection::Selectors(sels) = &s.selection else {
        return Err(invalid("SELECT DISTINCT queries must only request partition key columns and/or static columns (not all)"));
    };
    let mut pk_seen = 0;
    for sel in sels {
        if let SelectorKind::Column(c) = &sel.expr.kind {
            if let Some(col) = table.column(&c.name) {
                match col.kind {
                    ColumnKind::PartitionKey => pk_seen += 1,
                    ColumnKind::Static => {}
                    _ => {
                        return Err(invalid(format!(
                            "SELECT DISTINCT queries must only request partition key columns and/or static columns (not {})",
                            col.name
                        )))
                    }
                }
            }
        }
    }
    let has_count = sels
        .iter()
        .any(|s| matches!(s.expr.kind, SelectorKind::CountAll));
    if pk_seen < table.partition_key_len() && !has_count {
        let missing: Vec<&str> = table
            .partition_key()
            .filter(|c| {
                !sels
                    .iter()
                    .any(|s| matches!(&s.expr.kind, SelectorKind::Column(x) if x.name == c.name))
            })
            .map(|c| c.name.as_str())
            .collect();
        return Err(invalid(format!(
            "SELECT DISTINCT queries must request all the partition key columns (missing {})",
            missing.join(", ")
        )));
    }
    Ok(())
}

/// One produced row with its position.
struct Produced {
    pos: PartitionPos,
    clustering: Option<Vec<u8>>,
    values: Vec<Option<Vec<u8>>>,
    in_partition: u64,
}

struct Scan<'a> {
    table: &'a TableDef,
    plan: &'a SelectPlan,
    r: &'a Restrictions,
    reversed: bool,
    distinct: bool,
    per_partition: Option<u64>,
    now_s: i64,
    now_micros: i64,
}

impl Scan<'_> {
    fn passes(&self, row: &RowRef<'_>) -> bool {
        self.r
            .filters
            .iter()
            .all(|f| filter_passes(self.table, f, row, self.now_s))
    }

    fn values(&self, row: &RowRef<'_>) -> Vec<Option<Vec<u8>>> {
        self.plan
            .items
            .iter()
            .map(|s| select_plan::value(self.table, s, row, self.now_s, self.now_micros))
            .collect()
    }

    /// Rows of one partition, after `resume` (a clustering key, or the whole partition when None).
    fn partition_rows<'p>(
        &self,
        pos: &PartitionPos,
        p: &'p Partition,
        resume: Option<(&Option<Vec<u8>>, u64)>,
        out: &mut dyn FnMut(Produced, RowRef<'p>) -> bool,
    ) -> bool {
        if let Some((None, _)) = resume {
            return true;
        }
        let mut count = resume.map_or(0, |(_, n)| n);
        if self.distinct {
            let live = p.is_live(self.now_s);
            let row = RowRef {
                partition: p,
                row: None,
            };
            if live && self.passes(&row) {
                let produced = Produced {
                    pos: pos.clone(),
                    clustering: None,
                    values: self.values(&row),
                    in_partition: 1,
                };
                return out(produced, row);
            }
            return true;
        }
        let after = resume.and_then(|(c, _)| c.clone());
        let mut any_row = false;
        let slices: Box<dyn Iterator<Item = &super::restrict::Slice>> = if self.reversed {
            Box::new(self.r.slices.iter().rev())
        } else {
            Box::new(self.r.slices.iter())
        };
        for slice in slices {
            if slice.is_empty() {
                continue;
            }
            let range = p
                .rows
                .range::<Vec<u8>, _>((slice.start.as_ref(), slice.end.as_ref()));
            let iter: Box<dyn Iterator<Item = (&Vec<u8>, &super::storage::Row)>> = if self.reversed
            {
                Box::new(range.rev())
            } else {
                Box::new(range)
            };
            for (k, row) in iter {
                if let Some(a) = &after {
                    if (!self.reversed && k <= a) || (self.reversed && k >= a) {
                        any_row = true;
                        continue;
                    }
                }
                if !row.is_live(self.now_s, p.row_shadow(k)) {
                    continue;
                }
                any_row = true;
                let rr = RowRef {
                    partition: p,
                    row: Some((k.as_slice(), row)),
                };
                if !self.passes(&rr) {
                    continue;
                }
                if self.per_partition.is_some_and(|l| count >= l) {
                    return true;
                }
                count += 1;
                let produced = Produced {
                    pos: pos.clone(),
                    clustering: Some(k.clone()),
                    values: self.values(&rr),
                    in_partition: count,
                };
                if !out(produced, rr) {
                    return false;
                }
            }
        }
        if !any_row
            && after.is_none()
            && !self.r.clustering_restricted
            && p.has_live_statics(self.now_s)
        {
            let rr = RowRef {
                partition: p,
                row: None,
            };
            if self.passes(&rr) && self.per_partition.is_none_or(|l| count < l) {
                let produced = Produced {
                    pos: pos.clone(),
                    clustering: None,
                    values: self.values(&rr),
                    in_partition: count + 1,
                };
                return out(produced, rr);
            }
        }
        true
    }
}

fn filter_passes(table: &TableDef, f: &Filter, row: &RowRef<'_>, now_s: i64) -> bool {
    let Some(col) = table.columns.get(f.column) else {
        return false;
    };
    let mut v = row.value(col, now_s);
    let mut typ = col.typ.typ.clone();
    if let (Some(k), ColumnType::Map(kt, vt)) = (&f.element, &col.typ.typ) {
        let items = v.as_deref().map(collection_items).unwrap_or_default();
        v = items
            .chunks(2)
            .find(|p| {
                p.first()
                    .is_some_and(|x| super::types::compare_values(kt, x, k).is_eq())
            })
            .and_then(|p| p.get(1))
            .map(|x| x.to_vec());
        typ = vt.as_ref().clone();
    }
    if v.is_none() {
        return false;
    }
    let values: Vec<Option<Vec<u8>>> = f.values.iter().cloned().map(Some).collect();
    check(&typ, f.op, v.as_deref(), &values)
}

fn token_start(b: Bound<i64>) -> Bound<PartitionPos> {
    match b {
        Bound::Unbounded => Bound::Unbounded,
        Bound::Included(t) => Bound::Included((t, Vec::new())),
        Bound::Excluded(t) => match t.checked_add(1) {
            Some(n) => Bound::Included((n, Vec::new())),
            None => Bound::Excluded((i64::MAX, vec![0xff; 70_000])),
        },
    }
}

fn token_end(b: Bound<i64>) -> Bound<PartitionPos> {
    match b {
        Bound::Unbounded => Bound::Unbounded,
        Bound::Excluded(t) => Bound::Excluded((t, Vec::new())),
        Bound::Included(t) => match t.checked_add(1) {
            Some(n) => Bound::Excluded((n, Vec::new())),
            None => Bound::Unbounded,
        },
    }
}

/// The GROUP BY columns: a prefix of the primary key, in order.
fn group_columns(table: &TableDef, group_by: &[ast::Ident]) -> ExecResult<Vec<usize>> {
    let mut out = Vec::with_capacity(group_by.len());
    for (i, g) in group_by.iter().enumerate() {
        let Some(idx) = table.column_index(&g.name) else {
            return Err(invalid(format!("Undefined column name {}", g.name)));
        };
        let in_order = table.columns.get(i).is_some_and(|c| {
            c.name == g.name && matches!(c.kind, ColumnKind::PartitionKey | ColumnKind::Clustering)
        });
        if !in_order {
            return Err(invalid(
                "Group by currently only support groups of columns following their declared order in the PRIMARY KEY",
            ));
        }
        out.push(idx);
    }
    Ok(out)
}

/// SELECT.
pub(crate) fn select(run: &mut Run<'_, '_, '_>, s: &ast::Select) -> ExecResult<ResultBody> {
    let table = run.table(&s.table)?;
    let plan = select_plan::plan(&table, &s.selection)?;
    let group_cols = group_columns(&table, &s.group_by)?;
    let r = analyse(
        &table,
        &s.where_clause,
        Purpose::Select {
            allow_filtering: s.allow_filtering,
        },
        &run.eval_ctx(),
    )?;
    if s.distinct {
        check_distinct(&table, s)?;
    }
    let reversed = order_reversed(&table, s, &r)?;
    let limit = positive(run, s.limit.as_ref(), "[limit]", "LIMIT")?;
    let per_partition = positive(
        run,
        s.per_partition_limit.as_ref(),
        "[per_partition_limit]",
        "PER PARTITION LIMIT",
    )?;
    let resume = run
        .paging_state
        .as_deref()
        .map(PagingState::decode)
        .transpose()?;
    if plan.aggregate && !matches!(r.partitions, PartitionSelect::Keys(_)) {
        run.state
            .warnings
            .push("Aggregation query used without partition key".to_string());
    }
    let page_size = if plan.aggregate || !group_cols.is_empty() {
        None
    } else {
        run.page_size.map(|p| p as u64)
    };
    let multi_key = matches!(&r.partitions, PartitionSelect::Keys(k) if k.len() > 1);
    if multi_key && !s.order_by.is_empty() && page_size.is_some() {
        return Err(invalid(
            "Cannot page queries with both ORDER BY and a IN restriction on the partition key; you must either remove the ORDER BY or the IN and sort client side, or disable paging for this query",
        ));
    }

    if let PartitionSelect::Keys(keys) = &r.partitions {
        if keys.len() == 1 && !super::schema::is_system_keyspace(&table.keyspace) {
            if let (Some(ks), Some(k)) = (
                run.state.catalog.keyspaces.get(&table.keyspace),
                keys.first(),
            ) {
                let token = murmur3_token(&partition_key_bytes(k));
                super::placement::count(
                    run.ctx.cluster,
                    run.ctx.stats,
                    run.ctx.coordinator,
                    &ks.replication,
                    token,
                );
            }
        }
    }

    let synthetic = super::system_rows::materialize(run, &table);
    let empty = TableData::default();
    let data: &TableData = match &synthetic {
        Some(d) => d,
        None => run
            .state
            .data
            .get(&(table.keyspace.clone(), table.name.clone()))
            .unwrap_or(&empty),
    };
    let scan = Scan {
        table: &table,
        plan: &plan,
        r: &r,
        reversed,
        distinct: s.distinct,
        per_partition,
        now_s: run.now_s(),
        now_micros: run.now_micros,
    };
    let already = resume.as_ref().map_or(0, |p| p.returned);
    let want = limit.map(|l| l.saturating_sub(already));
    let cap = match (want, page_size) {
        (Some(l), Some(p)) => Some(l.min(p.saturating_add(1))),
        (Some(l), None) => Some(l),
        (None, Some(p)) => Some(p.saturating_add(1)),
        (None, None) => None,
    };
    let sort_all = multi_key && !s.order_by.is_empty();
    let cap = if sort_all || plan.aggregate || !group_cols.is_empty() {
        None
    } else {
        cap
    };

    let mut produced: Vec<Produced> = Vec::new();
    let mut agg = (plan.aggregate && group_cols.is_empty()).then(|| Aggregator::new(&plan));
    let mut groups: Vec<(Cells, Aggregator)> = Vec::new();
    let mut sink = |p: Produced, row: RowRef<'_>| -> bool {
        if !group_cols.is_empty() {
            let key: Cells = group_cols
                .iter()
                .map(|i| table.columns.get(*i).and_then(|c| row.value(c, scan.now_s)))
                .collect();
            if groups.last().is_none_or(|(k, _)| *k != key) {
                groups.push((key, Aggregator::new(&plan)));
            }
            if let Some((_, a)) = groups.last_mut() {
                a.add(&table, &plan, &row, scan.now_s, scan.now_micros);
            }
            return true;
        }
        if let Some(a) = agg.as_mut() {
            a.add(&table, &plan, &row, scan.now_s, scan.now_micros);
            return true;
        }
        produced.push(p);
        cap.is_none_or(|c| (produced.len() as u64) < c)
    };
    // GROUP BY pages count groups: every page regroups from the start and skips the groups
    // already returned (the paging state only carries that count).
    let resume_pos = if group_cols.is_empty() {
        resume.as_ref().map(|p| (p.token, p.partition.clone()))
    } else {
        None
    };
    match &r.partitions {
        PartitionSelect::Keys(keys) => {
            let mut started = resume_pos.is_none();
            for k in keys {
                let bytes = partition_key_bytes(k);
                let pos = (murmur3_token(&bytes), bytes);
                let mut partition_resume = None;
                if !started {
                    if Some(&pos) != resume_pos.as_ref() {
                        continue;
                    }
                    started = true;
                    partition_resume = resume
                        .as_ref()
                        .map(|p| (&p.clustering, p.returned_in_partition));
                }
                if let Some(p) = data.partitions.get(&pos) {
                    if !scan.partition_rows(&pos, p, partition_resume, &mut sink) {
                        break;
                    }
                }
            }
        }
        PartitionSelect::Tokens(lo, hi) => {
            let start = match &resume_pos {
                Some(p) => Bound::Included(p.clone()),
                None => token_start(*lo),
            };
            let end = token_end(*hi);
            let valid = match (&start, &end) {
                (Bound::Included(a), Bound::Excluded(b)) => a < b,
                (Bound::Included(a), Bound::Included(b)) => a <= b,
                (Bound::Excluded(a), Bound::Excluded(b) | Bound::Included(b)) => a < b,
                _ => true,
            };
            if valid {
                for (pos, p) in data.partitions.range((start, end)) {
                    let partition_resume = match &resume_pos {
                        Some(rp) if rp == pos => resume
                            .as_ref()
                            .map(|x| (&x.clustering, x.returned_in_partition)),
                        _ => None,
                    };
                    if !scan.partition_rows(pos, p, partition_resume, &mut sink) {
                        break;
                    }
                }
            }
        }
    }
    if !group_cols.is_empty() {
        let mut rows: Vec<Cells> = groups.into_iter().map(|(_, a)| a.finish(&plan)).collect();
        if let Some(l) = limit {
            rows.truncate(usize::try_from(l).unwrap_or(usize::MAX));
        }
        let skip = usize::try_from(already).unwrap_or(usize::MAX);
        let mut rows: Vec<Cells> = rows.into_iter().skip(skip).collect();
        let mut paging_state = None;
        if let Some(p) = run.page_size.and_then(|p| usize::try_from(p).ok()) {
            if p > 0 && rows.len() > p {
                rows.truncate(p);
                paging_state = Some(
                    PagingState {
                        token: 0,
                        partition: Vec::new(),
                        clustering: None,
                        returned: already.saturating_add(p as u64),
                        returned_in_partition: 0,
                    }
                    .encode(),
                );
            }
        }
        let (columns, rows) = maybe_json(s.json, &plan, rows);
        return Ok(rows_body(columns, &rows, paging_state, run.skip_metadata));
    }
    if let Some(a) = agg {
        let row = a.finish(&plan);
        let (columns, rows) = maybe_json(s.json, &plan, vec![row]);
        return Ok(rows_body(columns, &rows, None, run.skip_metadata));
    }
    if sort_all {
        produced.sort_by(|a, b| a.clustering.cmp(&b.clustering));
        if reversed {
            produced.reverse();
        }
        if let Some(l) = limit {
            produced.truncate(usize::try_from(l).unwrap_or(usize::MAX));
        }
    }
    let mut paging_state = None;
    if let Some(p) = page_size {
        let p = usize::try_from(p).unwrap_or(usize::MAX);
        let limit_reached = want.is_some_and(|w| w <= p as u64);
        if produced.len() > p && !limit_reached {
            produced.truncate(p);
            if let Some(last) = produced.last() {
                paging_state = Some(
                    PagingState {
                        token: last.pos.0,
                        partition: last.pos.1.clone(),
                        clustering: last.clustering.clone(),
                        returned: already + produced.len() as u64,
                        returned_in_partition: last.in_partition,
                    }
                    .encode(),
                );
            }
        }
    }
    let rows: Vec<Vec<Option<Vec<u8>>>> = produced.into_iter().map(|p| p.values).collect();
    let (columns, rows) = maybe_json(s.json, &plan, rows);
    Ok(rows_body(columns, &rows, paging_state, run.skip_metadata))
}

type Cells = Vec<Option<Vec<u8>>>;

/// For `SELECT JSON`, each row becomes one `[json]` text cell.
fn maybe_json(
    json: bool,
    plan: &SelectPlan,
    rows: Vec<Cells>,
) -> (
    Vec<ringbolt_driver::protocol::response::ColumnSpec>,
    Vec<Cells>,
) {
    if !json {
        return (plan.columns.clone(), rows);
    }
    let named: Vec<(String, ColumnType)> = plan
        .columns
        .iter()
        .map(|c| (c.name.clone(), c.typ.clone()))
        .collect();
    let rows = rows
        .iter()
        .map(|r| vec![Some(super::json::row_json(&named, r).into_bytes())])
        .collect();
    let (ks, table) = plan
        .columns
        .first()
        .map_or((String::new(), String::new()), |c| {
            (c.keyspace.clone(), c.table.clone())
        });
    (
        vec![super::results::spec(
            &ks,
            &table,
            "[json]",
            ColumnType::Text,
        )],
        rows,
    )
}
