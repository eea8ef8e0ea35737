//! The selection of a SELECT: which values each output column computes, with its name and type.

use super::errors::{invalid, ExecResult};
use super::functions;
use super::read::RowRef;
use super::schema::{ColumnKind, TableDef};
use super::storage::partition_key_bytes;
use super::types::{compare_values, type_text};
use ringbolt_cql::ast::{Selection, SelectorExpr, SelectorKind};
use ringbolt_driver::cluster::murmur3_token;
use ringbolt_driver::protocol::response::ColumnSpec;
use ringbolt_driver::protocol::ColumnType;

/// One computed output value.
#[derive(Debug, Clone, PartialEq)]
pub enum Sel {
    /// A column.
    Column(usize),
    /// `WRITETIME(c)`.
    WriteTime(usize),
    /// `TTL(c)`.
    Ttl(usize),
    /// `token(pk...)`.
    Token,
    /// A scalar native function.
    Func(String, Vec<(Sel, ColumnType)>),
    /// A constant argument.
    Const(Option<Vec<u8>>),
    /// `CAST(x AS type)`: the value, its type and the target type.
    Cast(Box<Sel>, ColumnType, ColumnType),
    /// `udt.field`: the value and the field's position.
    Field(Box<Sel>, usize),
    /// `map[key]` or `list[index]`: the value, its type and the key.
    Element(Box<Sel>, ColumnType, Vec<u8>),
    /// An aggregate: `count(*)`, `count(c)`, `min(c)`, `max(c)`, `sum(c)`.
    Agg(AggKind, Box<Sel>, ColumnType),
}

/// Aggregate functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggKind {
    /// Rows (or non-null values) counted.
    Count,
    /// Smallest value.
    Min,
    /// Largest value.
    Max,
    /// Sum of integers.
    Sum,
}

/// The analysed selection.
#[derive(Debug, Clone)]
pub struct SelectPlan {
    /// The output values.
    pub items: Vec<Sel>,
    /// The output columns.
    pub columns: Vec<ColumnSpec>,
    /// Whether the query aggregates every row into one.
    pub aggregate: bool,
}

fn col_spec(t: &TableDef, name: &str, typ: ColumnType) -> ColumnSpec {
    ColumnSpec {
        keyspace: t.keyspace.clone(),
        table: t.name.clone(),
        name: name.into(),
        typ,
    }
}

/// Analyses the selection against the table.
pub fn plan(table: &TableDef, selection: &Selection) -> ExecResult<SelectPlan> {
    let mut items = Vec::new();
    let mut columns = Vec::new();
    match selection {
        Selection::Wildcard(_) => {
            for (i, c) in table.columns.iter().enumerate() {
                items.push(Sel::Column(i));
                columns.push(col_spec(table, &c.name, c.typ.typ.clone()));
            }
        }
        Selection::Selectors(sels) => {
            for s in sels {
                let (sel, name, typ) = selector(table, &s.expr, 0)?;
                items.push(sel);
                let name = s.alias.as_ref().map_or(name, |a| a.name.clone());
                columns.push(col_spec(table, &name, typ));
            }
        }
    }
    let aggs = items.iter().filter(|i| matches!(i, Sel::Agg(..))).count();
    Ok(SelectPlan {
        items,
        columns,
        aggregate: aggs > 0,
    })
}

fn column(table: &TableDef, name: &str) -> ExecResult<usize> {
    table
        .column_index(name)
        .ok_or_else(|| invalid(format!("Undefined column name {name}")))
}

fn selector(
    table: &TableDef,
    e: &SelectorExpr,
    depth: usize,
) -> ExecResult<(Sel, String, ColumnType)> {
    if depth > 16 {
        return Err(invalid("Selector nested too deeply"));
    }
    Ok(match &e.kind {
        SelectorKind::Column(id) => {
            let i = column(table, &id.name)?;
            (
                Sel::Column(i),
                id.name.clone(),
                table.columns[i].typ.typ.clone(),
            )
        }
        SelectorKind::CountAll => (
            Sel::Agg(AggKind::Count, Box::new(Sel::Token), ColumnType::Bigint),
            "count".into(),
            ColumnType::Bigint,
        ),
        SelectorKind::WriteTime(id) | SelectorKind::Ttl(id) => {
            let i = column(table, &id.name)?;
            let c = &table.columns[i];
            let fname = if matches!(e.kind, SelectorKind::WriteTime(_)) {
                "writetime"
            } else {
                "ttl"
            };
            let java = if fname == "writetime" {
                "writeTime"
            } else {
                "ttl"
            };
            if matches!(c.kind, ColumnKind::PartitionKey | ColumnKind::Clustering) {
                return Err(invalid(format!(
                    "Cannot use selection function {java} on PRIMARY KEY part {}",
                    c.name
                )));
            }
            if c.typ.is_multi_cell() || c.typ.is_field_cells() {
                let what = if c.typ.is_multi_cell() {
                    "collection"
                } else {
                    "UDT"
                };
                return Err(invalid(format!(
                    "Cannot use selection function {java} on non-frozen {what} {}",
                    c.name
                )));
            }
            if fname == "writetime" {
                (
                    Sel::WriteTime(i),
                    format!("writetime({})", c.name),
                    ColumnType::Bigint,
                )
            } else {
                (Sel::Ttl(i), format!("ttl({})", c.name), ColumnType::Int)
            }
        }
        SelectorKind::Function { name, args } => {
            let fname = name.name.name.to_ascii_lowercase();
            if fname == "token" {
                let given: Vec<String> = args
                    .iter()
                    .map(|a| match &a.kind {
                        SelectorKind::Column(c) => c.name.clone(),
                        _ => String::new(),
                    })
                    .collect();
                let pk: Vec<String> = table.partition_key().map(|c| c.name.clone()).collect();
                if given != pk {
                    return Err(invalid(format!(
                        "Invalid number of arguments in call to function system.token: {} required but {} provided",
                        pk.len(),
                        given.len()
                    )));
                }
                return Ok((
                    Sel::Token,
                    format!("system.token({})", given.join(", ")),
                    ColumnType::Bigint,
                ));
            }
            let mut parsed = Vec::with_capacity(args.len());
            for a in args {
                if let SelectorKind::Term(term) = &a.kind {
                    let typ = functions::default_arg_type(&fname);
                    let binds = super::binds::Binds::default();
                    let ctx = super::values::EvalCtx {
                        binds: &binds,
                        now_micros: 0,
                    };
                    let v = super::values::eval(term, &fname, &typ, &ctx).map_err(invalid)?;
                    parsed.push((
                        Sel::Const(v.bytes().map(<[u8]>::to_vec)),
                        "?".to_string(),
                        typ,
                    ));
                    continue;
                }
                parsed.push(selector(table, a, depth + 1)?);
            }
            let arg_names: Vec<String> = parsed.iter().map(|(_, n, _)| n.clone()).collect();
            let label = format!("system.{fname}({})", arg_names.join(", "));
            let agg = match fname.as_str() {
                "count" => Some(AggKind::Count),
                "min" => Some(AggKind::Min),
                "max" => Some(AggKind::Max),
                "sum" => Some(AggKind::Sum),
                _ => None,
            };
            if let Some(kind) = agg {
                let Some((inner, _, t)) = parsed.into_iter().next() else {
                    return Err(invalid(format!(
                        "Invalid number of arguments in call to function system.{fname}"
                    )));
                };
                let out = if kind == AggKind::Count {
                    ColumnType::Bigint
                } else {
                    t.clone()
                };
                if kind == AggKind::Sum
                    && !matches!(
                        t,
                        ColumnType::Int
                            | ColumnType::Bigint
                            | ColumnType::Smallint
                            | ColumnType::Tinyint
                            | ColumnType::Counter
                    )
                {
                    return Err(invalid(format!(
                        "sum is not supported by ringbolt-sim for type {}",
                        type_text(&t)
                    )));
                }
                return Ok((Sel::Agg(kind, Box::new(inner), out.clone()), label, out));
            }
            let types: Vec<ColumnType> = parsed.iter().map(|(_, _, t)| t.clone()).collect();
            let ret = functions::return_type(&fname, &types).map_err(invalid)?;
            let args = parsed.into_iter().map(|(s, _, t)| (s, t)).collect();
            (Sel::Func(fname, args), label, ret)
        }
        SelectorKind::Field { expr, field } => {
            let (inner, name, typ) = selector(table, expr, depth + 1)?;
            let ColumnType::Udt(u) = &typ else {
                return Err(invalid(format!(
                    "Invalid field selection: {name} of type {} is not a user type",
                    type_text(&typ)
                )));
            };
            let Some(pos) = u.fields.iter().position(|(n, _)| *n == field.name) else {
                return Err(invalid(format!(
                    "{} of type {} has no field {}",
                    name, u.name, field.name
                )));
            };
            let ft = u
                .fields
                .get(pos)
                .map(|(_, t)| t.clone())
                .unwrap_or(ColumnType::Blob);
            (
                Sel::Field(Box::new(inner), pos),
                format!("{name}.{}", field.name),
                ft,
            )
        }
        SelectorKind::Element { expr, key } => {
            let (inner, name, typ) = selector(table, expr, depth + 1)?;
            let (kt, vt) = match &typ {
                ColumnType::Map(k, v) => (k.as_ref().clone(), v.as_ref().clone()),
                ColumnType::List(e) => (ColumnType::Int, e.as_ref().clone()),
                ColumnType::Set(e) => (e.as_ref().clone(), e.as_ref().clone()),
                other => {
                    return Err(invalid(format!(
                        "Invalid element selection: {name} is of type {} is not a collection",
                        type_text(other)
                    )))
                }
            };
            let binds = super::binds::Binds::default();
            let ctx = super::values::EvalCtx {
                binds: &binds,
                now_micros: 0,
            };
            let Some(k) = super::values::eval(key, &name, &kt, &ctx)
                .map_err(invalid)?
                .bytes()
                .map(<[u8]>::to_vec)
            else {
                return Err(invalid(format!(
                    "Invalid null value for element selection on {name}"
                )));
            };
            (
                Sel::Element(Box::new(inner), typ.clone(), k),
                format!("{name}[?]"),
                vt,
            )
        }
        SelectorKind::Cast { expr, ty } => {
            let (inner, name, from) = selector(table, expr, depth + 1)?;
            let to = match ty {
                ringbolt_cql::ast::CqlType::Native(n) => super::values::native_type(*n),
                _ => return Err(invalid("CAST is only supported to native types")),
            };
            if !super::json::castable(&from, &to) {
                return Err(invalid(format!(
                    "{} cannot be cast to {}",
                    type_text(&from),
                    type_text(&to)
                )));
            }
            let label = format!("cast({name} as {})", type_text(&to));
            (Sel::Cast(Box::new(inner), from, to.clone()), label, to)
        }
        SelectorKind::Term(_) => {
            return Err(invalid("This selector is not supported by ringbolt-sim"));
        }
        _ => return Err(invalid("This selector is not supported by ringbolt-sim")),
    })
}

/// Computes one non-aggregate value for a row.
pub fn value(
    table: &TableDef,
    sel: &Sel,
    row: &RowRef<'_>,
    now_s: i64,
    now_micros: i64,
) -> Option<Vec<u8>> {
    match sel {
        Sel::Column(i) => row.value(table.columns.get(*i)?, now_s),
        Sel::WriteTime(i) => row
            .cell(table.columns.get(*i)?, now_s)
            .map(|c| c.ts.to_be_bytes().to_vec()),
        Sel::Ttl(i) => row
            .cell(table.columns.get(*i)?, now_s)
            .and_then(|c| c.remaining_ttl(now_s))
            .map(|t| t.to_be_bytes().to_vec()),
        Sel::Token => Some(
            murmur3_token(&partition_key_bytes(&row.partition.key))
                .to_be_bytes()
                .to_vec(),
        ),
        Sel::Func(name, args) => {
            let evaluated: Vec<(ColumnType, Option<Vec<u8>>)> = args
                .iter()
                .map(|(s, t)| (t.clone(), value(table, s, row, now_s, now_micros)))
                .collect();
            functions::apply(name, &evaluated, now_micros)
                .ok()
                .flatten()
        }
        Sel::Const(v) => v.clone(),
        Sel::Cast(inner, from, to) => {
            let v = value(table, inner, row, now_s, now_micros)?;
            super::json::cast(from, to, &v)
        }
        Sel::Field(inner, pos) => {
            let whole = value(table, inner, row, now_s, now_micros)?;
            let mut rest = whole.as_slice();
            let mut out = None;
            for _ in 0..=*pos {
                out = super::types::take_value(&mut rest)?;
            }
            out.map(<[u8]>::to_vec)
        }
        Sel::Element(inner, typ, key) => {
            let whole = value(table, inner, row, now_s, now_micros)?;
            let items = super::types::collection_items(&whole);
            match typ {
                ColumnType::Map(kt, _) => items
                    .chunks(2)
                    .find(|p| {
                        p.first()
                            .is_some_and(|k| compare_values(kt, k, key).is_eq())
                    })
                    .and_then(|p| p.get(1))
                    .map(|v| v.to_vec()),
                ColumnType::List(_) => {
                    let idx = <[u8; 4]>::try_from(key.as_slice())
                        .map(i32::from_be_bytes)
                        .ok()?;
                    items.get(usize::try_from(idx).ok()?).map(|v| v.to_vec())
                }
                ColumnType::Set(e) => items
                    .iter()
                    .find(|v| compare_values(e, v, key).is_eq())
                    .map(|v| v.to_vec()),
                _ => None,
            }
        }
        Sel::Agg(..) => None,
    }
}

/// Running state of the aggregates of one query.
#[derive(Debug, Clone)]
pub struct Aggregator {
    acc: Vec<Option<Vec<u8>>>,
    counts: Vec<i64>,
    first: Option<Vec<Option<Vec<u8>>>>,
}

impl Aggregator {
    /// A fresh aggregator for a plan.
    pub fn new(plan: &SelectPlan) -> Aggregator {
        Aggregator {
            acc: vec![None; plan.items.len()],
            counts: vec![0; plan.items.len()],
            first: None,
        }
    }

    /// Adds one row.
    pub fn add(
        &mut self,
        table: &TableDef,
        plan: &SelectPlan,
        row: &RowRef<'_>,
        now_s: i64,
        now_micros: i64,
    ) {
        let mut firsts = Vec::with_capacity(plan.items.len());
        for (i, sel) in plan.items.iter().enumerate() {
            match sel {
                Sel::Agg(kind, inner, typ) => {
                    let v = if *kind == AggKind::Count && **inner == Sel::Token {
                        Some(Vec::new())
                    } else {
                        value(table, inner, row, now_s, now_micros)
                    };
                    let Some(v) = v else { continue };
                    if let Some(c) = self.counts.get_mut(i) {
                        *c += 1;
                    }
                    let slot = &mut self.acc[i];
                    match kind {
                        AggKind::Count => {}
                        AggKind::Min | AggKind::Max => {
                            let better = match slot.as_ref() {
                                None => true,
                                Some(cur) => {
                                    let o = compare_values(typ, &v, cur);
                                    if *kind == AggKind::Min {
                                        o.is_lt()
                                    } else {
                                        o.is_gt()
                                    }
                                }
                            };
                            if better {
                                *slot = Some(v);
                            }
                        }
                        AggKind::Sum => {
                            let add = int_of(&v);
                            let cur = slot.as_deref().map_or(0, int_of);
                            *slot = Some(int_bytes(typ, cur.wrapping_add(add)));
                        }
                    }
                    firsts.push(None);
                }
                other => firsts.push(value(table, other, row, now_s, now_micros)),
            }
        }
        if self.first.is_none() {
            self.first = Some(firsts);
        }
    }

    /// The single result row.
    pub fn finish(self, plan: &SelectPlan) -> Vec<Option<Vec<u8>>> {
        let first = self.first.unwrap_or_default();
        plan.items
            .iter()
            .enumerate()
            .map(|(i, sel)| match sel {
                Sel::Agg(AggKind::Count, ..) => Some(
                    self.counts
                        .get(i)
                        .copied()
                        .unwrap_or(0)
                        .to_be_bytes()
                        .to_vec(),
                ),
                Sel::Agg(AggKind::Sum, _, typ) => {
                    Some(self.acc[i].clone().unwrap_or_else(|| int_bytes(typ, 0)))
                }
                Sel::Agg(..) => self.acc[i].clone(),
                _ => first.get(i).cloned().flatten(),
            })
            .collect()
    }
}

fn int_of(v: &[u8]) -> i64 {
    match v.len() {
        1 => i64::from(v[0] as i8),
        2 => i64::from(i16::from_be_bytes([v[0], v[1]])),
        4 => i64::from(i32::from_be_bytes([v[0], v[1], v[2], v[3]])),
        8 => <[u8; 8]>::try_from(v).map(i64::from_be_bytes).unwrap_or(0),
        _ => 0,
    }
}

fn int_bytes(t: &ColumnType, v: i64) -> Vec<u8> {
    match t {
        ColumnType::Tinyint => vec![v as i8 as u8],
        ColumnType::Smallint => (v as i16).to_be_bytes().to_vec(),
        ColumnType::Int => (v as i32).to_be_bytes().to_vec(),
        _ => v.to_be_bytes().to_vec(),
    }
}
