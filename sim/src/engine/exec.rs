//! One request's run: parsing, the effective keyspace, timestamps, and dispatch by statement kind.

use super::binds::Binds;
use super::errors::{invalid, syntax, unprepared, ExecResult};
use super::schema::TableDef;
use super::values::EvalCtx;
use super::{exec_batch, exec_ddl, exec_select, exec_write, parse_binds, RequestContext, State};
use ringbolt_cql::ast::{QualifiedName, Statement};
use ringbolt_cql::ParseError;
use ringbolt_driver::protocol::request::{Batch, BatchStatement, Execute, Query, QueryParameters};
use ringbolt_driver::protocol::response::{ResultBody, RowsMetadata};
use std::sync::Arc;

/// The state of one statement's execution.
pub(crate) struct Run<'s, 'r, 'c> {
    pub state: &'s mut State,
    pub ctx: &'r mut RequestContext<'c>,
    pub binds: Binds,
    pub now_micros: i64,
    pub timestamp: Option<i64>,
    pub keyspace: Option<String>,
    pub page_size: Option<i32>,
    pub paging_state: Option<Vec<u8>>,
    pub skip_metadata: bool,
}

impl Run<'_, '_, '_> {
    /// Seconds since the epoch, for TTLs.
    pub fn now_s(&self) -> i64 {
        self.now_micros.div_euclid(1_000_000)
    }

    /// The write timestamp: the client's, or a server one that never goes backwards.
    pub fn write_timestamp(&mut self) -> i64 {
        if let Some(t) = self.timestamp {
            return t;
        }
        let ts = self
            .now_micros
            .max(self.state.last_timestamp.saturating_add(1));
        self.state.last_timestamp = ts;
        self.timestamp = Some(ts);
        ts
    }

    /// Evaluation context for terms.
    pub fn eval_ctx(&self) -> EvalCtx<'_> {
        EvalCtx {
            binds: &self.binds,
            now_micros: self.now_micros,
        }
    }

    /// The keyspace a name refers to.
    pub fn keyspace_of(&self, name: &QualifiedName) -> ExecResult<String> {
        match (&name.keyspace, &self.keyspace) {
            (Some(k), _) => Ok(k.name.clone()),
            (None, Some(k)) => Ok(k.clone()),
            (None, None) => Err(invalid(
                "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename",
            )),
        }
    }

    /// The table a name refers to.
    pub fn table(&self, name: &QualifiedName) -> ExecResult<Arc<TableDef>> {
        let ks = self.keyspace_of(name)?;
        let Some(keyspace) = self.state.catalog.keyspaces.get(&ks) else {
            return Err(invalid(format!("keyspace {ks} does not exist")));
        };
        keyspace
            .tables
            .get(&name.name.name)
            .cloned()
            .ok_or_else(|| invalid(format!("unconfigured table {}", name.name.name)))
    }
}

/// A parse error as Cassandra reports a syntax error.
pub(crate) fn syntax_error(
    text: &str,
    e: &ParseError,
) -> ringbolt_driver::protocol::response::ErrorBody {
    if e.message.starts_with("line ") {
        return syntax(e.message.clone());
    }
    let (line, col) = e.line_col(text);
    syntax(format!("line {line}:{col} {}", e.message))
}

fn new_run<'s, 'r, 'c>(
    state: &'s mut State,
    ctx: &'r mut RequestContext<'c>,
    params: &QueryParameters,
    binds: Binds,
    now: i64,
) -> Run<'s, 'r, 'c> {
    let keyspace = params.keyspace.clone().or_else(|| ctx.keyspace.clone());
    let now_micros = params
        .now_in_seconds
        .map_or(now, |s| i64::from(s) * 1_000_000);
    Run {
        state,
        ctx,
        binds,
        now_micros,
        timestamp: params.default_timestamp,
        keyspace,
        page_size: params.page_size.filter(|p| *p > 0),
        paging_state: params.paging_state.clone(),
        skip_metadata: params.skip_metadata,
    }
}

/// QUERY.
pub(crate) fn run_query(
    state: &mut State,
    ctx: &mut RequestContext<'_>,
    q: &Query,
    now: i64,
) -> ExecResult<ResultBody> {
    let statement =
        ringbolt_cql::parse_statement(&q.query).map_err(|e| syntax_error(&q.query, &e))?;
    let binds = parse_binds(&q.params.values)?;
    let mut run = new_run(state, ctx, &q.params, binds, now);
    run.binds.marker_names = if q.params.values.named {
        super::prepare::bind_names(run.state, run.keyspace.as_deref(), &statement)
    } else {
        super::prepare::marker_names(&statement)
    };
    check_count(&run.binds, q.params.values.named, "there")?;
    run_statement(&mut run, &statement)
}

/// Cassandra's check that as many values were sent as the statement has markers.
fn check_count(binds: &Binds, named: bool, lead: &str) -> ExecResult<()> {
    let markers = binds.marker_names.len();
    if named || (binds.is_empty() && markers == 0) || binds.len() == markers {
        return Ok(());
    }
    Err(invalid(format!(
        "{lead} were {markers} markers(?) in CQL but {} bound variables",
        binds.len()
    )))
}

/// EXECUTE.
pub(crate) fn run_execute(
    state: &mut State,
    ctx: &mut RequestContext<'_>,
    e: &Execute,
    now: i64,
) -> ExecResult<ResultBody> {
    let Some(prepared) = state.prepared.get(&e.id[..]).cloned() else {
        return Err(unprepared(&e.id));
    };
    let mut binds = parse_binds(&e.params.values)?;
    binds.marker_names = prepared.marker_names.clone();
    check_count(&binds, e.params.values.named, "there")?;
    let mut run = new_run(state, ctx, &e.params, binds, now);
    if e.params.keyspace.is_none() && prepared.keyspace.is_some() {
        run.keyspace = prepared.keyspace.clone();
    }
    let v5 = run.ctx.version == ringbolt_driver::protocol::ProtocolVersion::V5;
    let skip = run.skip_metadata;
    run.skip_metadata = false;
    let mut result = run_statement(&mut run, &prepared.statement)?;
    if let ResultBody::Rows(rows) = &mut result {
        let current = super::results::metadata_id(&rows.metadata.columns);
        let changed = v5
            && matches!(prepared.statement, Statement::Select(_))
            && e.result_metadata_id
                .as_ref()
                .is_some_and(|id| *id != current);
        if changed {
            rows.metadata.new_metadata_id = Some(current);
        } else if skip {
            rows.metadata.columns = RowsMetadata::no_columns();
        }
    }
    Ok(result)
}

/// BATCH.
pub(crate) fn run_batch(
    state: &mut State,
    ctx: &mut RequestContext<'_>,
    b: &Batch,
    now: i64,
) -> ExecResult<ResultBody> {
    let mut items = Vec::with_capacity(b.statements.len());
    for s in &b.statements {
        match s {
            BatchStatement::Query { query, values } => {
                let st =
                    ringbolt_cql::parse_statement(query).map_err(|e| syntax_error(query, &e))?;
                let mut binds = parse_binds(values)?;
                binds.marker_names = super::prepare::marker_names(&st);
                check_count(&binds, false, "There")?;
                items.push((st, binds, None));
            }
            BatchStatement::Prepared { id, values } => {
                let Some(p) = state.prepared.get(&id[..]).cloned() else {
                    return Err(unprepared(id));
                };
                let mut binds = parse_binds(values)?;
                binds.marker_names = p.marker_names.clone();
                check_count(&binds, false, "There")?;
                items.push((p.statement, binds, p.keyspace));
            }
        }
    }
    let params = QueryParameters {
        consistency: b.consistency,
        default_timestamp: b.default_timestamp,
        keyspace: b.keyspace.clone(),
        now_in_seconds: b.now_in_seconds,
        ..QueryParameters::default()
    };
    let mut run = new_run(state, ctx, &params, Binds::default(), now);
    exec_batch::batch(&mut run, b.batch_type, items)
}

/// Runs one parsed statement.
pub(crate) fn run_statement(
    run: &mut Run<'_, '_, '_>,
    statement: &Statement,
) -> ExecResult<ResultBody> {
    match statement {
        Statement::Use(u) => {
            let name = u.keyspace.name.clone();
            if !run.state.catalog.keyspaces.contains_key(&name) {
                return Err(invalid(format!("Keyspace '{name}' does not exist")));
            }
            *run.ctx.keyspace = Some(name.clone());
            Ok(ResultBody::SetKeyspace(name))
        }
        Statement::Select(s) => exec_select::select(run, s),
        Statement::Insert(i) => exec_write::insert(run, i),
        Statement::Update(u) => exec_write::update(run, u),
        Statement::Delete(d) => exec_write::delete(run, d),
        Statement::Batch(b) => {
            let kind = match b.kind {
                ringbolt_cql::ast::BatchKind::Logged => {
                    ringbolt_driver::protocol::request::BatchType::Logged
                }
                ringbolt_cql::ast::BatchKind::Unlogged => {
                    ringbolt_driver::protocol::request::BatchType::Unlogged
                }
                ringbolt_cql::ast::BatchKind::Counter => {
                    ringbolt_driver::protocol::request::BatchType::Counter
                }
            };
            if let Some(u) = b
                .using
                .iter()
                .find(|u| u.kind == ringbolt_cql::ast::UsingKind::Timestamp)
            {
                run.timestamp = Some(exec_write::using_timestamp(run, u)?);
            }
            let items = b
                .statements
                .iter()
                .map(|s| (s.clone(), run.binds.clone(), None))
                .collect();
            exec_batch::batch(run, kind, items)
        }
        Statement::Truncate(t) => exec_ddl::truncate(run, t),
        other if other.is_schema_change() => exec_ddl::ddl(run, other),
        _ => Err(invalid("This statement is not supported by ringbolt-sim")),
    }
}
