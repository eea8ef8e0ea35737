//! ALTER TABLE and ALTER TYPE.

use super::errors::{invalid, ExecResult};
use super::exec::Run;
use super::exec_ddl::convert_type;
use super::schema::{ColumnDef, ColumnKind, OptionValue, TableDef};
use ringbolt_cql::ast::{self, AlterTableAction, AlterTypeAction, PropertyValue};
use ringbolt_driver::protocol::response::{
    ResultBody, SchemaChange, SchemaChangeTarget, SchemaChangeType,
};
use ringbolt_driver::protocol::{ColumnType, UdtType};
use std::sync::Arc;

fn updated(target: SchemaChangeTarget) -> ResultBody {
    ResultBody::SchemaChange(SchemaChange {
        change: SchemaChangeType::Updated,
        target,
    })
}

/// ALTER TABLE.
pub(crate) fn alter_table(
    run: &mut Run<'_, '_, '_>,
    a: &ast::AlterTable,
) -> ExecResult<ResultBody> {
    let ks_name = run.keyspace_of(&a.name)?;
    let table_name = a.name.name.name.clone();
    let Some(ks) = run.state.catalog.keyspaces.get(&ks_name) else {
        return Err(invalid(format!("Keyspace '{ks_name}' doesn't exist")));
    };
    let Some(old) = ks.tables.get(&table_name).cloned() else {
        if a.if_exists {
            return Ok(ResultBody::Void);
        }
        return Err(invalid(format!(
            "Table '{ks_name}.{table_name}' doesn't exist"
        )));
    };
    if old.is_virtual || super::schema::is_system_keyspace(&ks_name) {
        return Err(super::errors::unauthorized(format!(
            "{ks_name} keyspace is not user-modifiable."
        )));
    }
    let mut columns = old.columns.clone();
    let mut options = old.options.clone();
    match &a.action {
        AlterTableAction::Add {
            if_not_exists,
            columns: added,
        } => {
            for col in added {
                if columns.iter().any(|c| c.name == col.name.name) {
                    if *if_not_exists {
                        continue;
                    }
                    return Err(invalid(format!(
                        "Column with name '{}' already exists",
                        col.name.name
                    )));
                }
                let typ = convert_type(&col.ty, ks)?;
                if (typ.typ == ColumnType::Counter) != old.is_counter() {
                    return Err(invalid(
                        "Cannot mix counter and non counter columns in the same table",
                    ));
                }
                if col.is_static && old.clustering_len() == 0 {
                    return Err(invalid(format!(
                        "Static columns are not allowed in COMPACT STORAGE tables or tables without clustering columns (column {})",
                        col.name.name
                    )));
                }
                let kind = if col.is_static {
                    ColumnKind::Static
                } else {
                    ColumnKind::Regular
                };
                columns.push(ColumnDef {
                    name: col.name.name.clone(),
                    typ,
                    kind,
                    position: -1,
                    reversed: false,
                });
            }
        }
        AlterTableAction::Drop {
            if_exists,
            columns: dropped,
            ..
        } => {
            for name in dropped {
                match columns.iter().position(|c| c.name == name.name) {
                    None if *if_exists => {}
                    None => {
                        return Err(invalid(format!(
                            "Column {} was not found in table '{table_name}'",
                            name.name
                        )));
                    }
                    Some(i) => {
                        let dependent: Vec<&str> = old
                            .indexes
                            .iter()
                            .filter(|x| x.column == name.name)
                            .map(|x| x.name.as_str())
                            .collect();
                        if !dependent.is_empty() {
                            return Err(invalid(format!(
                                "Cannot drop column {} because it has dependent secondary indexes ({})",
                                name.name,
                                dependent.join(", ")
                            )));
                        }
                        if matches!(
                            columns[i].kind,
                            ColumnKind::PartitionKey | ColumnKind::Clustering
                        ) {
                            return Err(invalid(format!(
                                "Cannot drop PRIMARY KEY column {}",
                                name.name
                            )));
                        }
                        columns.remove(i);
                        purge_column(run, &ks_name, &table_name, &name.name);
                    }
                }
            }
        }
        AlterTableAction::Rename { if_exists, renames } => {
            for (from, to) in renames {
                let Some(i) = columns.iter().position(|c| c.name == from.name) else {
                    if *if_exists {
                        continue;
                    }
                    return Err(invalid(format!(
                        "Column {} was not found in table '{table_name}'",
                        from.name
                    )));
                };
                if !matches!(
                    columns[i].kind,
                    ColumnKind::PartitionKey | ColumnKind::Clustering
                ) {
                    return Err(invalid(format!(
                        "Cannot rename non PRIMARY KEY column {}",
                        from.name
                    )));
                }
                if columns.iter().any(|c| c.name == to.name) {
                    return Err(invalid(format!(
                        "Cannot rename column {} to {} in table '{table_name}'; another column with that name already exists",
                        from.name, to.name
                    )));
                }
                columns[i].name = to.name.clone();
            }
        }
        AlterTableAction::With(props) => {
            for p in props {
                let value = match &p.value {
                    PropertyValue::Map(m) => {
                        OptionValue::Map(m.iter().map(|(k, v)| (lit(k), lit(v))).collect())
                    }
                    PropertyValue::Constant(l) => OptionValue::Text(lit(l)),
                    PropertyValue::Identifier(i) => OptionValue::Text(i.name.clone()),
                };
                options
                    .set(&p.name.name, &value)
                    .map_err(super::errors::syntax)?;
            }
        }
    }
    let mut table = TableDef::new(&ks_name, &table_name, columns, options);
    table.id = old.id;
    table.indexes = old.indexes.clone();
    if let AlterTableAction::Rename { renames, .. } = &a.action {
        rename_data(run, &ks_name, &table_name, renames);
    }
    if let Some(ks) = run.state.catalog.keyspaces.get_mut(&ks_name) {
        ks.tables.insert(table_name.clone(), Arc::new(table));
    }
    Ok(updated(SchemaChangeTarget::Table(ks_name, table_name)))
}

fn lit(l: &ast::Literal) -> String {
    match l {
        ast::Literal::String(s) | ast::Literal::Integer(s) | ast::Literal::Float(s) => s.clone(),
        ast::Literal::Boolean(b) => b.to_string(),
        _ => String::new(),
    }
}

/// Key columns are stored by position, so a rename changes no data; kept for clarity.
fn rename_data(
    _run: &mut Run<'_, '_, '_>,
    _ks: &str,
    _table: &str,
    _renames: &[(ast::Ident, ast::Ident)],
) {
}

/// ALTER TYPE.
pub(crate) fn alter_type(run: &mut Run<'_, '_, '_>, a: &ast::AlterType) -> ExecResult<ResultBody> {
    let ks_name = run.keyspace_of(&a.name)?;
    let name = a.name.name.name.clone();
    let Some(ks) = run.state.catalog.keyspaces.get(&ks_name) else {
        return Err(invalid(format!("Keyspace '{ks_name}' doesn't exist")));
    };
    let Some(old) = ks.types.get(&name).cloned() else {
        if a.if_exists {
            return Ok(ResultBody::Void);
        }
        return Err(invalid(format!("Type {ks_name}.{name} doesn't exist")));
    };
    let mut fields = old.fields.clone();
    match &a.action {
        AlterTypeAction::Add {
            if_not_exists,
            field,
        } => {
            if fields.iter().any(|(n, _)| *n == field.name.name) {
                if !*if_not_exists {
                    return Err(invalid(format!(
                        "Cannot add new field {} to type {ks_name}.{name}: a field with name {} already exists",
                        field.name.name, field.name.name
                    )));
                }
            } else {
                fields.push((field.name.name.clone(), convert_type(&field.ty, ks)?.typ));
            }
        }
        AlterTypeAction::Rename { if_exists, renames } => {
            for (from, to) in renames {
                match fields.iter_mut().find(|(n, _)| *n == from.name) {
                    Some(f) => f.0 = to.name.clone(),
                    None if *if_exists => {}
                    None => {
                        return Err(invalid(format!(
                            "Unknown field {} in user type {ks_name}.{name}",
                            from.name
                        )));
                    }
                }
            }
        }
    }
    let udt = Arc::new(UdtType {
        keyspace: ks_name.clone(),
        name: name.clone(),
        fields,
    });
    if let Some(ks) = run.state.catalog.keyspaces.get_mut(&ks_name) {
        ks.types.insert(name.clone(), udt.clone());
        let tables: Vec<Arc<TableDef>> = ks.tables.values().cloned().collect();
        for t in tables {
            let mut t2 = (*t).clone();
            for c in &mut t2.columns {
                replace_udt(&mut c.typ.typ, &udt);
            }
            ks.tables.insert(t2.name.clone(), Arc::new(t2));
        }
    }
    Ok(updated(SchemaChangeTarget::Type(ks_name, name)))
}

fn replace_udt(t: &mut ColumnType, udt: &Arc<UdtType>) {
    match t {
        ColumnType::Udt(u) if u.name == udt.name && u.keyspace == udt.keyspace => *u = udt.clone(),
        ColumnType::List(e) | ColumnType::Set(e) | ColumnType::Vector(e, _) => replace_udt(e, udt),
        ColumnType::Map(k, v) => {
            replace_udt(k, udt);
            replace_udt(v, udt);
        }
        ColumnType::Tuple(ts) => ts.iter_mut().for_each(|t| replace_udt(t, udt)),
        _ => {}
    }
}

/// Forgets a dropped column's cells so that re-adding the column does not resurrect them.
fn purge_column(run: &mut Run<'_, '_, '_>, ks: &str, table: &str, column: &str) {
    if let Some(data) = run.state.data.get_mut(&(ks.to_string(), table.to_string())) {
        for p in data.partitions.values_mut() {
            p.statics.cells.remove(column);
            p.statics.collections.remove(column);
            for r in p.rows.values_mut() {
                r.cells.remove(column);
                r.collections.remove(column);
            }
        }
    }
}
