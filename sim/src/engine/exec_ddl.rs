//! Schema statements: CREATE/ALTER/DROP KEYSPACE, TABLE and TYPE, and TRUNCATE.

use super::errors::{already_exists, config, invalid, ExecResult};
use super::exec::Run;
use super::schema::{
    qualify_strategy, ColumnDef, ColumnKind, KeyspaceDef, OptionValue, TableDef, TableOptions,
};
use super::types::CqlType;
use super::values::native_type;
use ringbolt_cql::ast::{self, Literal, Order, Property, PropertyValue, Statement};
use ringbolt_driver::protocol::response::{
    ResultBody, SchemaChange, SchemaChangeTarget, SchemaChangeType,
};
use ringbolt_driver::protocol::{ColumnType, UdtType};
use std::collections::BTreeMap;
use std::sync::Arc;

fn change(change: SchemaChangeType, target: SchemaChangeTarget) -> ResultBody {
    ResultBody::SchemaChange(SchemaChange { change, target })
}

fn literal_text(l: &Literal) -> String {
    match l {
        Literal::String(s) | Literal::Integer(s) | Literal::Float(s) | Literal::Duration(s) => {
            s.clone()
        }
        Literal::Boolean(b) => b.to_string(),
        Literal::Uuid(u) => uuid::Uuid::from_bytes(*u).to_string(),
        Literal::NaN => "NaN".into(),
        Literal::Infinity { negative } => {
            if *negative {
                "-Infinity".into()
            } else {
                "Infinity".into()
            }
        }
        Literal::Blob(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
        _ => "null".into(),
    }
}

fn option_value(v: &PropertyValue) -> OptionValue {
    match v {
        PropertyValue::Constant(l) => OptionValue::Text(literal_text(l)),
        PropertyValue::Identifier(i) => OptionValue::Text(i.name.clone()),
        PropertyValue::Map(m) => OptionValue::Map(
            m.iter()
                .map(|(k, v)| (literal_text(k), literal_text(v)))
                .collect(),
        ),
    }
}

fn ensure_not_system(ks: &str) -> ExecResult<()> {
    if super::schema::is_system_keyspace(ks) {
        return Err(super::errors::unauthorized(format!(
            "{ks} keyspace is not user-modifiable."
        )));
    }
    Ok(())
}

/// Reads `replication` and `durable_writes`.
fn keyspace_options(
    properties: &[Property],
    mut replication: BTreeMap<String, String>,
    mut durable: bool,
) -> ExecResult<(BTreeMap<String, String>, bool)> {
    for p in properties {
        match p.name.name.as_str() {
            "replication" => {
                let OptionValue::Map(m) = option_value(&p.value) else {
                    return Err(invalid("Invalid value for property 'replication'"));
                };
                replication = m.into_iter().collect();
            }
            "durable_writes" => {
                durable = option_value(&p.value)
                    .as_text()
                    .eq_ignore_ascii_case("true")
            }
            other => return Err(super::errors::syntax(format!("Unknown property '{other}'"))),
        }
    }
    let Some(class) = replication.get("class").cloned() else {
        return Err(config("Missing replication strategy class"));
    };
    let class = qualify_strategy(&class);
    let short = class.rsplit('.').next().unwrap_or(&class).to_string();
    match short.as_str() {
        "SimpleStrategy" => {
            let Some(rf) = replication.get("replication_factor") else {
                return Err(config(
                    "SimpleStrategy requires a replication_factor strategy option.",
                ));
            };
            if rf.parse::<u32>().is_err() {
                return Err(config(format!(
                    "Replication factor must be non-negative; found {rf}"
                )));
            }
            if let Some(k) = replication
                .keys()
                .find(|k| *k != "class" && *k != "replication_factor")
            {
                return Err(config(format!(
                    "Unrecognized strategy option {{{k}}} passed to SimpleStrategy for keyspace"
                )));
            }
        }
        "NetworkTopologyStrategy" => {
            for (k, v) in &replication {
                if k != "class" && v.parse::<u32>().is_err() {
                    return Err(config(format!(
                        "Replication factor must be non-negative; found {v}"
                    )));
                }
            }
        }
        _ => {
            return Err(config(format!(
                "Unable to find replication strategy class '{class}'"
            )))
        }
    }
    replication.insert("class".into(), class);
    Ok((replication, durable))
}

/// Converts an AST type, resolving UDTs in `ks`.
pub(crate) fn convert_type(t: &ast::CqlType, ks: &KeyspaceDef) -> ExecResult<CqlType> {
    fn inner(t: &ast::CqlType, ks: &KeyspaceDef, depth: usize) -> ExecResult<ColumnType> {
        if depth > 32 {
            return Err(invalid("Type nested too deeply"));
        }
        Ok(match t {
            ast::CqlType::Native(n) => native_type(*n),
            ast::CqlType::List(e) => ColumnType::List(Box::new(inner(e, ks, depth + 1)?)),
            ast::CqlType::Set(e) => ColumnType::Set(Box::new(inner(e, ks, depth + 1)?)),
            ast::CqlType::Map(k, v) => ColumnType::Map(
                Box::new(inner(k, ks, depth + 1)?),
                Box::new(inner(v, ks, depth + 1)?),
            ),
            ast::CqlType::Tuple(ts) => ColumnType::Tuple(
                ts.iter()
                    .map(|t| inner(t, ks, depth + 1))
                    .collect::<ExecResult<_>>()?,
            ),
            ast::CqlType::Frozen(e) => inner(e, ks, depth + 1)?,
            ast::CqlType::Vector(e, n) => {
                ColumnType::Vector(Box::new(inner(e, ks, depth + 1)?), *n)
            }
            ast::CqlType::UserDefined(u) => match ks.types.get(&u.name) {
                Some(udt) => ColumnType::Udt(udt.clone()),
                None => return Err(invalid(format!("Unknown type {}.{}", ks.name, u.name))),
            },
            ast::CqlType::Custom(c) => ColumnType::Custom(Arc::from(c.as_str())),
        })
    }
    let typ = inner(t, ks, 0)?;
    let frozen = t.is_frozen() || matches!(typ, ColumnType::Tuple(_));
    Ok(CqlType { typ, frozen })
}

/// DDL dispatch.
pub(crate) fn ddl(run: &mut Run<'_, '_, '_>, st: &Statement) -> ExecResult<ResultBody> {
    let result = match st {
        Statement::CreateKeyspace(c) => create_keyspace(run, c),
        Statement::AlterKeyspace(a) => {
            ensure_not_system(&a.name.name)?;
            let Some(ks) = run.state.catalog.keyspaces.get(&a.name.name) else {
                if a.if_exists {
                    return Ok(ResultBody::Void);
                }
                return Err(invalid(format!("Keyspace '{}' doesn't exist", a.name.name)));
            };
            let (replication, durable) =
                keyspace_options(&a.properties, ks.replication.clone(), ks.durable_writes)?;
            if let Some(ks) = run.state.catalog.keyspaces.get_mut(&a.name.name) {
                ks.replication = replication;
                ks.durable_writes = durable;
            }
            Ok(change(
                SchemaChangeType::Updated,
                SchemaChangeTarget::Keyspace(a.name.name.clone()),
            ))
        }
        Statement::DropKeyspace(d) => {
            ensure_not_system(&d.name.name)?;
            if run.state.catalog.keyspaces.remove(&d.name.name).is_none() {
                if d.if_exists {
                    return Ok(ResultBody::Void);
                }
                return Err(invalid(format!("Keyspace '{}' doesn't exist", d.name.name)));
            }
            run.state.data.retain(|(ks, _), _| *ks != d.name.name);
            if run.ctx.keyspace.as_deref() == Some(d.name.name.as_str()) {
                *run.ctx.keyspace = None;
            }
            Ok(change(
                SchemaChangeType::Dropped,
                SchemaChangeTarget::Keyspace(d.name.name.clone()),
            ))
        }
        Statement::CreateTable(c) => create_table(run, c),
        Statement::AlterTable(a) => super::exec_ddl_alter::alter_table(run, a),
        Statement::DropTable(d) => {
            let ks = run.keyspace_of(&d.name)?;
            ensure_not_system(&ks)?;
            let table = d.name.name.name.clone();
            let Some(keyspace) = run.state.catalog.keyspaces.get_mut(&ks) else {
                return Err(invalid(format!("Keyspace '{ks}' doesn't exist")));
            };
            if keyspace.tables.remove(&table).is_none() {
                if d.if_exists {
                    return Ok(ResultBody::Void);
                }
                return Err(invalid(format!("Table '{ks}.{table}' doesn't exist")));
            }
            run.state.data.remove(&(ks.clone(), table.clone()));
            Ok(change(
                SchemaChangeType::Dropped,
                SchemaChangeTarget::Table(ks, table),
            ))
        }
        Statement::CreateType(c) => create_type(run, c),
        Statement::AlterType(a) => super::exec_ddl_alter::alter_type(run, a),
        Statement::DropType(d) => {
            let ks = run.keyspace_of(&d.name)?;
            ensure_not_system(&ks)?;
            let name = d.name.name.name.clone();
            let Some(keyspace) = run.state.catalog.keyspaces.get_mut(&ks) else {
                return Err(invalid(format!("Keyspace '{ks}' doesn't exist")));
            };
            let used = keyspace.tables.values().any(|t| {
                t.columns
                    .iter()
                    .any(|c| super::types::type_text(&c.typ.typ).contains(name.as_str()))
            });
            if !keyspace.types.contains_key(&name) {
                if d.if_exists {
                    return Ok(ResultBody::Void);
                }
                return Err(invalid(format!("Type '{ks}.{name}' doesn't exist")));
            }
            if used {
                return Err(invalid(format!(
                    "Cannot drop user type '{ks}.{name}' as it is still used by a table"
                )));
            }
            keyspace.types.remove(&name);
            Ok(change(
                SchemaChangeType::Dropped,
                SchemaChangeTarget::Type(ks, name),
            ))
        }
        Statement::CreateIndex(c) => super::exec_index::create_index(run, c),
        Statement::DropIndex(d) => super::exec_index::drop_index(run, d),
        _ => Err(invalid("This statement is not supported by ringbolt-sim")),
    }?;
    if matches!(result, ResultBody::SchemaChange(_)) {
        run.state.catalog.bump();
    }
    Ok(result)
}

fn create_keyspace(run: &mut Run<'_, '_, '_>, c: &ast::CreateKeyspace) -> ExecResult<ResultBody> {
    let name = c.name.name.clone();
    if run.state.catalog.keyspaces.contains_key(&name) {
        if c.if_not_exists {
            return Ok(ResultBody::Void);
        }
        return Err(already_exists(&name, ""));
    }
    let (replication, durable) = keyspace_options(&c.properties, BTreeMap::new(), true)?;
    run.state
        .catalog
        .keyspaces
        .insert(name.clone(), KeyspaceDef::new(&name, replication, durable));
    Ok(change(
        SchemaChangeType::Created,
        SchemaChangeTarget::Keyspace(name),
    ))
}

fn create_table(run: &mut Run<'_, '_, '_>, c: &ast::CreateTable) -> ExecResult<ResultBody> {
    let ks_name = run.keyspace_of(&c.name)?;
    ensure_not_system(&ks_name)?;
    let table_name = c.name.name.name.clone();
    let Some(ks) = run.state.catalog.keyspaces.get(&ks_name) else {
        return Err(invalid(format!("Keyspace '{ks_name}' doesn't exist")));
    };
    if ks.tables.contains_key(&table_name) {
        if c.if_not_exists {
            return Ok(ResultBody::Void);
        }
        return Err(already_exists(&ks_name, &table_name));
    }
    if c.compact_storage.is_some() {
        return Err(invalid(
            "Compact tables are not allowed in Cassandra starting with 4.0 version.",
        ));
    }
    let inline = c.columns.iter().filter(|col| col.primary_key).count();
    if inline + usize::from(c.primary_key.is_some()) > 1 {
        return Err(invalid(
            "Multiple PRIMARY KEYs specifed (exactly one required)",
        ));
    }
    let Some(key) = c.key() else {
        return Err(invalid("No PRIMARY KEY specifed (exactly one required)"));
    };
    for k in key.partition_key.iter().chain(&key.clustering_columns) {
        if !c.columns.iter().any(|col| col.name.name == k.name) {
            return Err(invalid(format!(
                "Unknown definition {} referenced in PRIMARY KEY",
                k.name
            )));
        }
    }
    let mut columns = Vec::with_capacity(c.columns.len());
    for (i, col) in c.columns.iter().enumerate() {
        if c.columns[..i].iter().any(|p| p.name.name == col.name.name) {
            return Err(invalid(format!(
                "Duplicate column '{}' declaration for table '{ks_name}.{table_name}'",
                col.name.name
            )));
        }
        let typ = convert_type(&col.ty, ks)?;
        let pk_pos = key
            .partition_key
            .iter()
            .position(|k| k.name == col.name.name);
        let ck_pos = key
            .clustering_columns
            .iter()
            .position(|k| k.name == col.name.name);
        let (kind, position) = match (pk_pos, ck_pos) {
            (Some(p), _) => (ColumnKind::PartitionKey, p as i32),
            (None, Some(p)) => (ColumnKind::Clustering, p as i32),
            _ if col.is_static => (ColumnKind::Static, -1),
            _ => (ColumnKind::Regular, -1),
        };
        if matches!(kind, ColumnKind::PartitionKey | ColumnKind::Clustering) {
            if typ.is_multi_cell() || (!typ.frozen && matches!(typ.typ, ColumnType::Udt(_))) {
                let what = if matches!(typ.typ, ColumnType::Udt(_)) {
                    "user-defined type"
                } else {
                    "collection type"
                };
                return Err(invalid(format!(
                    "Invalid non-frozen {what} for PRIMARY KEY component {}",
                    col.name.name
                )));
            }
            if typ.typ == ColumnType::Counter {
                return Err(invalid(format!(
                    "counter type is not supported for PRIMARY KEY part {}",
                    col.name.name
                )));
            }
            if typ.typ == ColumnType::Duration {
                return Err(invalid(format!(
                    "duration type is not supported for PRIMARY KEY column '{}'",
                    col.name.name
                )));
            }
        }
        if col.is_static && key.clustering_columns.is_empty() {
            return Err(invalid("Static columns are only useful (and thus allowed) if the table has at least one clustering column"));
        }
        if col.is_static && kind != ColumnKind::Static {
            return Err(invalid(format!(
                "Static column {} cannot be part of the PRIMARY KEY",
                col.name.name
            )));
        }
        let reversed = c
            .clustering_order
            .iter()
            .any(|o| o.column.name == col.name.name && o.order == Order::Desc);
        columns.push(ColumnDef {
            name: col.name.name.clone(),
            typ,
            kind,
            position,
            reversed,
        });
    }
    for o in &c.clustering_order {
        if !key
            .clustering_columns
            .iter()
            .any(|k| k.name == o.column.name)
        {
            return Err(invalid(format!(
                "Only clustering key columns can be defined in CLUSTERING ORDER directive, {} is not a clustering column",
                o.column.name
            )));
        }
    }
    let orders: Vec<&str> = c
        .clustering_order
        .iter()
        .map(|o| o.column.name.as_str())
        .collect();
    let declared: Vec<&str> = key
        .clustering_columns
        .iter()
        .take(orders.len())
        .map(|k| k.name.as_str())
        .collect();
    if !orders.is_empty() && orders != declared {
        return Err(invalid("The order of columns in the CLUSTERING ORDER directive must be the one of the clustering key"));
    }
    let counters = columns
        .iter()
        .filter(|c| c.typ.typ == ColumnType::Counter)
        .count();
    let non_key = columns
        .iter()
        .filter(|c| matches!(c.kind, ColumnKind::Regular | ColumnKind::Static))
        .count();
    if counters > 0 && counters != non_key {
        return Err(invalid(
            "Cannot mix counter and non counter columns in the same table",
        ));
    }
    let mut options = TableOptions::default();
    for p in &c.properties {
        options
            .set(&p.name.name, &option_value(&p.value))
            .map_err(super::errors::syntax)?;
    }
    if counters > 0 && options.default_time_to_live > 0 {
        return Err(invalid(
            "Cannot set default_time_to_live on a table with counters",
        ));
    }
    let table = TableDef::new(&ks_name, &table_name, columns, options);
    if let Some(ks) = run.state.catalog.keyspaces.get_mut(&ks_name) {
        ks.tables.insert(table_name.clone(), Arc::new(table));
    }
    run.state
        .data
        .remove(&(ks_name.clone(), table_name.clone()));
    Ok(change(
        SchemaChangeType::Created,
        SchemaChangeTarget::Table(ks_name, table_name),
    ))
}

fn create_type(run: &mut Run<'_, '_, '_>, c: &ast::CreateType) -> ExecResult<ResultBody> {
    let ks_name = run.keyspace_of(&c.name)?;
    ensure_not_system(&ks_name)?;
    let name = c.name.name.name.clone();
    let Some(ks) = run.state.catalog.keyspaces.get(&ks_name) else {
        return Err(invalid(format!("Keyspace '{ks_name}' doesn't exist")));
    };
    if ks.types.contains_key(&name) {
        if c.if_not_exists {
            return Ok(ResultBody::Void);
        }
        return Err(invalid(format!(
            "A user type with name '{name}' already exists"
        )));
    }
    let mut fields = Vec::with_capacity(c.fields.len());
    for f in &c.fields {
        if fields
            .iter()
            .any(|(n, _): &(String, ColumnType)| *n == f.name.name)
        {
            return Err(invalid(format!(
                "Duplicate field name '{}' in type '{name}'",
                f.name.name
            )));
        }
        let t = convert_type(&f.ty, ks)?;
        if t.typ == ColumnType::Counter {
            return Err(invalid("A user type cannot contain counters"));
        }
        fields.push((f.name.name.clone(), t.typ));
    }
    let udt = UdtType {
        keyspace: ks_name.clone(),
        name: name.clone(),
        fields,
    };
    if let Some(ks) = run.state.catalog.keyspaces.get_mut(&ks_name) {
        ks.types.insert(name.clone(), Arc::new(udt));
    }
    Ok(change(
        SchemaChangeType::Created,
        SchemaChangeTarget::Type(ks_name, name),
    ))
}

/// TRUNCATE.
pub(crate) fn truncate(run: &mut Run<'_, '_, '_>, t: &ast::Truncate) -> ExecResult<ResultBody> {
    let table = run.table(&t.name)?;
    if table.is_virtual {
        return Err(invalid(
            "Error during truncate: Cannot truncate virtual tables",
        ));
    }
    ensure_not_system(&table.keyspace)?;
    run.state
        .data
        .remove(&(table.keyspace.clone(), table.name.clone()));
    Ok(ResultBody::Void)
}
