//! PREPARE: statement ids, bind marker metadata (names and types as Cassandra computes them),
//! partition key indexes and result metadata.

use super::errors::{invalid, ExecResult};
use super::exec::syntax_error;
use super::results::{metadata_id, spec};
use super::schema::{ColumnKind, TableDef};
use super::select_plan;
use super::{PreparedStatement, RequestContext, State};
use ringbolt_cql::ast::{
    AssignmentOp, BindMarker, BindMarkerKind, ColumnTarget, IfClause, InsertValues, Operator,
    QualifiedName, Relation, RelationTarget, RelationValue, Statement, Term, TermKind, UsingKind,
    UsingParam,
};
use ringbolt_driver::protocol::request::Prepare;
use ringbolt_driver::protocol::response::{
    ColumnSpec, PreparedMetadata, PreparedResult, ResultBody, RowsMetadata,
};
use ringbolt_driver::protocol::{ColumnType, ProtocolVersion};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The prepared id: MD5 of the keyspace (when any) followed by the query text.
pub(crate) fn prepared_id(keyspace: Option<&str>, query: &str) -> Vec<u8> {
    use md5::{Digest, Md5};
    let mut h = Md5::new();
    if let Some(k) = keyspace {
        h.update(k.as_bytes());
    }
    h.update(query.as_bytes());
    h.finalize().to_vec()
}

/// Collects bind marker specs by index.
struct Markers<'t> {
    table: Option<&'t TableDef>,
    specs: BTreeMap<usize, (String, ColumnType)>,
    pk: BTreeMap<usize, usize>,
}

impl Markers<'_> {
    fn add(&mut self, m: &BindMarker, name: &str, typ: ColumnType) {
        let name = match &m.kind {
            BindMarkerKind::Named(n) => n.clone(),
            BindMarkerKind::Positional => name.to_string(),
        };
        self.specs.entry(m.index).or_insert((name, typ));
    }

    /// A term for a receiver: a marker directly, or markers inside literals.
    fn term(&mut self, t: &Term, name: &str, typ: &ColumnType) {
        match &t.kind {
            TermKind::BindMarker(m) => self.add(m, name, typ.clone()),
            TermKind::List(items) | TermKind::Set(items) => {
                let e = match typ {
                    ColumnType::List(e) | ColumnType::Set(e) | ColumnType::Vector(e, _) => {
                        e.as_ref().clone()
                    }
                    _ => ColumnType::Blob,
                };
                items.iter().for_each(|i| self.term(i, name, &e));
            }
            TermKind::Map(pairs) => {
                if let ColumnType::Map(k, v) = typ {
                    for (a, b) in pairs {
                        self.term(a, name, k);
                        self.term(b, name, v);
                    }
                }
            }
            TermKind::Tuple(items) => {
                if let ColumnType::Tuple(ts) = typ {
                    items
                        .iter()
                        .zip(ts)
                        .for_each(|(i, t)| self.term(i, name, t));
                }
            }
            TermKind::Udt(fields) => {
                if let ColumnType::Udt(u) = typ {
                    for (f, v) in fields {
                        if let Some((_, ft)) = u.fields.iter().find(|(n, _)| *n == f.name) {
                            self.term(v, name, ft);
                        }
                    }
                }
            }
            TermKind::TypeHint { term, .. } | TermKind::Negate(term) => self.term(term, name, typ),
            TermKind::FunctionCall { name: f, args } => {
                let fname = f.name.name.to_ascii_lowercase();
                for (i, a) in args.iter().enumerate() {
                    self.term(
                        a,
                        &format!("arg{i}(system.{fname})"),
                        &ColumnType::Timestamp,
                    );
                }
            }
            _ => {}
        }
    }

    fn column(&self, name: &str) -> ExecResult<(ColumnType, ColumnKind, i32)> {
        let t = self.table.ok_or_else(|| invalid("unconfigured table"))?;
        let c = t
            .column(name)
            .ok_or_else(|| invalid(format!("Undefined column name {name}")))?;
        Ok((c.typ.typ.clone(), c.kind, c.position))
    }

    fn relations(&mut self, rels: &[Relation]) -> ExecResult<()> {
        for r in rels {
            match &r.target {
                RelationTarget::Column(c) => {
                    let (typ, kind, pos) = self.column(&c.name)?;
                    match (&r.op, &r.value) {
                        (Operator::In | Operator::NotIn, RelationValue::Term(t)) => self.term(
                            t,
                            &format!("in({})", c.name),
                            &ColumnType::List(Box::new(typ)),
                        ),
                        (Operator::In | Operator::NotIn, RelationValue::List(ts)) => {
                            ts.iter().for_each(|t| self.term(t, &c.name, &typ))
                        }
                        (Operator::Contains, RelationValue::Term(t)) => {
                            let e = match &typ {
                                ColumnType::List(e)
                                | ColumnType::Set(e)
                                | ColumnType::Map(_, e) => e.as_ref().clone(),
                                other => other.clone(),
                            };
                            self.term(t, &c.name, &e)
                        }
                        (Operator::ContainsKey, RelationValue::Term(t)) => {
                            let k = match &typ {
                                ColumnType::Map(k, _) => k.as_ref().clone(),
                                other => other.clone(),
                            };
                            self.term(t, &c.name, &k)
                        }
                        (op, RelationValue::Term(t)) => {
                            if *op == Operator::Eq && kind == ColumnKind::PartitionKey {
                                if let TermKind::BindMarker(m) = &t.kind {
                                    self.pk.insert(usize::try_from(pos).unwrap_or(0), m.index);
                                }
                            }
                            self.term(t, &c.name, &typ)
                        }
                        _ => {}
                    }
                }
                RelationTarget::Token(_) => {
                    if let RelationValue::Term(t) = &r.value {
                        self.term(t, "partition key token", &ColumnType::Bigint);
                    }
                }
                RelationTarget::Tuple(cols) => {
                    let mut types = Vec::new();
                    for c in cols {
                        types.push(self.column(&c.name)?.0);
                    }
                    let label = format!(
                        "({})",
                        cols.iter()
                            .map(|c| c.name.as_str())
                            .collect::<Vec<_>>()
                            .join(",")
                    );
                    let tuple = ColumnType::Tuple(types);
                    match &r.value {
                        RelationValue::Term(t) if r.op == Operator::In => self.term(
                            t,
                            &format!("in({label})"),
                            &ColumnType::List(Box::new(tuple)),
                        ),
                        RelationValue::Term(t) => self.term(t, &label, &tuple),
                        RelationValue::List(ts) => {
                            ts.iter().for_each(|t| self.term(t, &label, &tuple))
                        }
                        RelationValue::Null => {}
                    }
                }
                RelationTarget::Element { column, key } => {
                    let (typ, _, _) = self.column(&column.name)?;
                    if let ColumnType::Map(k, v) = typ {
                        self.term(key, &format!("key({})", column.name), &k);
                        if let RelationValue::Term(t) = &r.value {
                            self.term(t, &format!("value({})", column.name), &v);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn using(&mut self, using: &[UsingParam]) {
        for u in using {
            match u.kind {
                UsingKind::Ttl => self.term(&u.value, "[ttl]", &ColumnType::Int),
                UsingKind::Timestamp => self.term(&u.value, "[timestamp]", &ColumnType::Bigint),
            }
        }
    }

    fn target(&mut self, target: &ColumnTarget, value: Option<(&Term, bool)>) -> ExecResult<()> {
        let name = &target.column().name;
        let (typ, _, _) = self.column(name)?;
        match target {
            ColumnTarget::Column(_) => {
                if let Some((t, remove)) = value {
                    let typ = match (&typ, remove) {
                        (ColumnType::Map(k, _), true) => ColumnType::Set(k.clone()),
                        _ => typ,
                    };
                    self.term(t, name, &typ);
                }
            }
            ColumnTarget::Element { key, .. } => {
                let (kt, vt, kname) = match &typ {
                    ColumnType::List(e) => {
                        (ColumnType::Int, e.as_ref().clone(), format!("idx({name})"))
                    }
                    ColumnType::Map(k, v) => (
                        k.as_ref().clone(),
                        v.as_ref().clone(),
                        format!("key({name})"),
                    ),
                    ColumnType::Set(e) => (
                        e.as_ref().clone(),
                        ColumnType::Boolean,
                        format!("key({name})"),
                    ),
                    other => (ColumnType::Int, other.clone(), format!("idx({name})")),
                };
                self.term(key, &kname, &kt);
                if let Some((t, _)) = value {
                    self.term(t, &format!("value({name})"), &vt);
                }
            }
            ColumnTarget::Field { field, .. } => {
                if let (ColumnType::Udt(u), Some((t, _))) = (&typ, value) {
                    if let Some((_, ft)) = u.fields.iter().find(|(n, _)| *n == field.name) {
                        self.term(t, &format!("{name}.{}", field.name), ft);
                    }
                }
            }
        }
        Ok(())
    }

    fn conditions(&mut self, clause: Option<&IfClause>) -> ExecResult<()> {
        if let Some(IfClause::Conditions(conds)) = clause {
            for c in conds {
                let name = &c.target.column().name;
                let (typ, _, _) = self.column(name)?;
                match (&c.target, &c.value) {
                    (ColumnTarget::Element { key, .. }, RelationValue::Term(t)) => {
                        let (kt, vt) = match &typ {
                            ColumnType::Map(k, v) => (k.as_ref().clone(), v.as_ref().clone()),
                            ColumnType::List(e) => (ColumnType::Int, e.as_ref().clone()),
                            other => (other.clone(), other.clone()),
                        };
                        self.term(key, &format!("key({name})"), &kt);
                        self.term(t, &format!("value({name})"), &vt);
                    }
                    (_, RelationValue::Term(t)) if c.op == Operator::In => {
                        self.term(t, &format!("in({name})"), &ColumnType::List(Box::new(typ)))
                    }
                    (_, RelationValue::Term(t)) => self.term(t, name, &typ),
                    (_, RelationValue::List(ts)) => {
                        ts.iter().for_each(|t| self.term(t, name, &typ))
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }
}

/// Every marker of a statement, by index, with the name the client may bind it by.
pub(crate) fn marker_names(st: &Statement) -> Vec<Option<String>> {
    fn walk_term(t: &Term, out: &mut Vec<(usize, Option<String>)>) {
        match &t.kind {
            TermKind::BindMarker(m) => out.push((
                m.index,
                match &m.kind {
                    BindMarkerKind::Named(n) => Some(n.to_lowercase()),
                    BindMarkerKind::Positional => None,
                },
            )),
            TermKind::List(i) | TermKind::Set(i) | TermKind::Tuple(i) => {
                i.iter().for_each(|x| walk_term(x, out))
            }
            TermKind::FunctionCall { args, .. } => args.iter().for_each(|x| walk_term(x, out)),
            TermKind::Map(p) => p.iter().for_each(|(a, b)| {
                walk_term(a, out);
                walk_term(b, out);
            }),
            TermKind::Udt(f) => f.iter().for_each(|(_, x)| walk_term(x, out)),
            TermKind::TypeHint { term, .. } | TermKind::Negate(term) => walk_term(term, out),
            _ => {}
        }
    }
    let mut found = Vec::new();
    let rel_terms = |rels: &[Relation], out: &mut Vec<(usize, Option<String>)>| {
        for r in rels {
            if let RelationTarget::Element { key, .. } = &r.target {
                walk_term(key, out);
            }
            match &r.value {
                RelationValue::Term(t) => walk_term(t, out),
                RelationValue::List(ts) => ts.iter().for_each(|t| walk_term(t, out)),
                RelationValue::Null => {}
            }
        }
    };
    match st {
        Statement::Select(s) => {
            rel_terms(&s.where_clause, &mut found);
            s.per_partition_limit
                .iter()
                .chain(&s.limit)
                .for_each(|t| walk_term(t, &mut found));
        }
        Statement::Insert(i) => {
            if let InsertValues::Columns { values, .. } = &i.values {
                values.iter().for_each(|t| walk_term(t, &mut found));
            }
            i.using.iter().for_each(|u| walk_term(&u.value, &mut found));
        }
        Statement::Update(u) => {
            u.using.iter().for_each(|x| walk_term(&x.value, &mut found));
            for a in &u.assignments {
                if let ColumnTarget::Element { key, .. } = &a.target {
                    walk_term(key, &mut found);
                }
                walk_term(a.op.term(), &mut found);
            }
            rel_terms(&u.where_clause, &mut found);
        }
        Statement::Delete(d) => {
            d.using.iter().for_each(|x| walk_term(&x.value, &mut found));
            rel_terms(&d.where_clause, &mut found);
        }
        Statement::Batch(b) => {
            for s in &b.statements {
                for (i, n) in marker_names(s).into_iter().enumerate() {
                    found.push((i, n));
                }
            }
        }
        _ => {}
    }
    let max = found.iter().map(|(i, _)| *i + 1).max().unwrap_or(0);
    let mut out = vec![None; max.min(65_536)];
    for (i, n) in found {
        if let Some(slot) = out.get_mut(i) {
            if slot.is_none() {
                *slot = n;
            }
        }
    }
    out
}

fn table_for(
    state: &State,
    keyspace: Option<&str>,
    name: &QualifiedName,
) -> ExecResult<Arc<TableDef>> {
    let ks = name
        .keyspace
        .as_ref()
        .map(|k| k.name.as_str())
        .or(keyspace)
        .ok_or_else(|| invalid("No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename"))?;
    let Some(k) = state.catalog.keyspaces.get(ks) else {
        return Err(invalid(format!("keyspace {ks} does not exist")));
    };
    k.tables
        .get(&name.name.name)
        .cloned()
        .ok_or_else(|| invalid(format!("unconfigured table {}", name.name.name)))
}

/// The names values may be bound by: each marker's receiver name (or its own `:name`).
pub(crate) fn bind_names(
    state: &State,
    keyspace: Option<&str>,
    st: &Statement,
) -> Vec<Option<String>> {
    match describe(state, keyspace, st) {
        Ok((specs, _, _)) if !specs.is_empty() => specs
            .into_iter()
            .map(|s| Some(s.name.to_lowercase()))
            .collect(),
        _ => marker_names(st),
    }
}

/// Bind specs, pk indexes and result columns of a statement.
fn describe(
    state: &State,
    keyspace: Option<&str>,
    st: &Statement,
) -> ExecResult<(Vec<ColumnSpec>, Vec<u16>, Vec<ColumnSpec>)> {
    let table = match st {
        Statement::Select(s) => Some(table_for(state, keyspace, &s.table)?),
        Statement::Insert(i) => Some(table_for(state, keyspace, &i.table)?),
        Statement::Update(u) => Some(table_for(state, keyspace, &u.table)?),
        Statement::Delete(d) => Some(table_for(state, keyspace, &d.table)?),
        _ => None,
    };
    let mut m = Markers {
        table: table.as_deref(),
        specs: BTreeMap::new(),
        pk: BTreeMap::new(),
    };
    let mut result = Vec::new();
    match st {
        Statement::Select(s) => {
            m.relations(&s.where_clause)?;
            if let Some(t) = &s.per_partition_limit {
                m.term(t, "[per_partition_limit]", &ColumnType::Int);
            }
            if let Some(t) = &s.limit {
                m.term(t, "[limit]", &ColumnType::Int);
            }
            if let Some(t) = &table {
                result = select_plan::plan(t, &s.selection)?.columns;
                if s.json {
                    result = vec![spec(&t.keyspace, &t.name, "[json]", ColumnType::Text)];
                }
            }
        }
        Statement::Insert(i) => {
            if let InsertValues::Columns { columns, values } = &i.values {
                for (c, v) in columns.iter().zip(values) {
                    let (typ, kind, pos) = m.column(&c.name)?;
                    if kind == ColumnKind::PartitionKey {
                        if let TermKind::BindMarker(b) = &v.kind {
                            m.pk.insert(usize::try_from(pos).unwrap_or(0), b.index);
                        }
                    }
                    m.term(v, &c.name, &typ);
                }
            }
            m.using(&i.using);
        }
        Statement::Update(u) => {
            m.using(&u.using);
            for a in &u.assignments {
                let remove = matches!(a.op, AssignmentOp::Remove(_));
                m.target(&a.target, Some((a.op.term(), remove)))?;
            }
            m.relations(&u.where_clause)?;
            m.conditions(u.if_clause.as_ref())?;
        }
        Statement::Delete(d) => {
            for t in &d.columns {
                m.target(&t.target, None)?;
            }
            m.using(&d.using);
            m.relations(&d.where_clause)?;
            m.conditions(d.if_clause.as_ref())?;
        }
        _ => {}
    }
    let (ks_name, table_name) = table.as_ref().map_or((String::new(), String::new()), |t| {
        (t.keyspace.clone(), t.name.clone())
    });
    let count = m.specs.keys().map(|i| i + 1).max().unwrap_or(0);
    let mut specs = Vec::with_capacity(count);
    for i in 0..count {
        let (name, typ) = m
            .specs
            .get(&i)
            .cloned()
            .unwrap_or_else(|| (format!("[bind{i}]"), ColumnType::Blob));
        specs.push(spec(&ks_name, &table_name, &name, typ));
    }
    let pk_len = table.as_ref().map_or(0, |t| t.partition_key_len());
    let pk_indexes: Vec<u16> = if pk_len > 0 && m.pk.len() == pk_len {
        m.pk.values()
            .map(|i| u16::try_from(*i).unwrap_or(u16::MAX))
            .collect()
    } else {
        Vec::new()
    };
    Ok((specs, pk_indexes, result))
}

/// PREPARE.
pub(crate) fn prepare(
    state: &mut State,
    ctx: &mut RequestContext<'_>,
    p: &Prepare,
) -> ExecResult<ResultBody> {
    let statement =
        ringbolt_cql::parse_statement(&p.query).map_err(|e| syntax_error(&p.query, &e))?;
    let keyspace = p.keyspace.clone().or_else(|| ctx.keyspace.clone());
    let (columns, pk_indexes, result) = describe(state, keyspace.as_deref(), &statement)?;
    validate(state, keyspace.as_deref(), &statement)?;
    let id = prepared_id(keyspace.as_deref(), &p.query);
    let names: Vec<Option<String>> = columns
        .iter()
        .map(|c| Some(c.name.to_lowercase()))
        .collect();
    let names = if names.is_empty() {
        marker_names(&statement)
    } else {
        names
    };
    state.prepared.insert(
        id.clone(),
        PreparedStatement {
            statement,
            keyspace,
            marker_names: names,
        },
    );
    let result_metadata_id = (ctx.version == ProtocolVersion::V5).then(|| metadata_id(&result));
    Ok(ResultBody::Prepared(PreparedResult {
        id,
        result_metadata_id,
        metadata: PreparedMetadata {
            pk_indexes,
            columns,
        },
        result_metadata: RowsMetadata {
            columns_count: i32::try_from(result.len()).unwrap_or(i32::MAX),
            paging_state: None,
            new_metadata_id: None,
            columns: result.into(),
        },
    }))
}

/// Checks at PREPARE what Cassandra checks then: the WHERE clause rules, ORDER BY and DISTINCT.
fn validate(state: &State, keyspace: Option<&str>, st: &Statement) -> ExecResult<()> {
    use super::restrict::{analyse, Purpose};
    let binds = super::binds::Binds::dry();
    let ctx = super::values::EvalCtx {
        binds: &binds,
        now_micros: 0,
    };
    match st {
        Statement::Select(s) => {
            let table = table_for(state, keyspace, &s.table)?;
            select_plan::plan(&table, &s.selection)?;
            let purpose = Purpose::Select {
                allow_filtering: s.allow_filtering,
            };
            let r = analyse(&table, &s.where_clause, purpose, &ctx)?;
            if s.distinct {
                super::exec_select::check_distinct(&table, s)?;
            }
            super::exec_select::order_reversed(&table, s, &r)?;
        }
        Statement::Update(u) => {
            let table = table_for(state, keyspace, &u.table)?;
            let r = analyse(&table, &u.where_clause, Purpose::Update, &ctx)?;
            let only_static = u.assignments.iter().all(|a| {
                table
                    .column(&a.target.column().name)
                    .is_some_and(|c| c.kind == super::schema::ColumnKind::Static)
            });
            let clustering_ok = table.clustering_len() == 0
                || r.full_clusterings.is_some()
                || (only_static && !r.clustering_restricted);
            if !clustering_ok {
                let names: Vec<&str> = table.clustering().map(|c| c.name.as_str()).collect();
                return Err(invalid(format!(
                    "Some clustering keys are missing: {}",
                    names.join(", ")
                )));
            }
        }
        Statement::Delete(d) => {
            let table = table_for(state, keyspace, &d.table)?;
            analyse(&table, &d.where_clause, Purpose::Delete, &ctx)?;
        }
        _ => {}
    }
    Ok(())
}
