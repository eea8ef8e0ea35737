//! CREATE INDEX and DROP INDEX: secondary indexes let a query restrict an indexed column
//! without ALLOW FILTERING (the engine answers them by scanning, as it answers filtering).

use super::errors::{already_exists, invalid, ExecResult};
use super::exec::Run;
use super::schema::{ColumnKind, IndexDef, TableDef};
use ringbolt_cql::ast::{self, IndexTargetKind};
use ringbolt_driver::protocol::response::{
    ResultBody, SchemaChange, SchemaChangeTarget, SchemaChangeType,
};
use ringbolt_driver::protocol::ColumnType;
use std::sync::Arc;

fn table_updated(ks: String, table: String) -> ResultBody {
    ResultBody::SchemaChange(SchemaChange {
        change: SchemaChangeType::Updated,
        target: SchemaChangeTarget::Table(ks, table),
    })
}

fn index_exists(run: &Run<'_, '_, '_>, ks: &str, name: &str) -> Option<Arc<TableDef>> {
    let keyspace = run.state.catalog.keyspaces.get(ks)?;
    keyspace
        .tables
        .values()
        .find(|t| t.indexes.iter().any(|i| i.name == name))
        .cloned()
}

/// CREATE INDEX.
pub(crate) fn create_index(
    run: &mut Run<'_, '_, '_>,
    c: &ast::CreateIndex,
) -> ExecResult<ResultBody> {
    let table = run.table(&c.table)?;
    if table.is_virtual || super::schema::is_system_keyspace(&table.keyspace) {
        return Err(super::errors::unauthorized(format!(
            "{} keyspace is not user-modifiable.",
            table.keyspace
        )));
    }
    if c.custom || c.using.is_some() {
        return Err(invalid("Custom indexes are not supported by ringbolt-sim"));
    }
    let [target] = c.targets.as_slice() else {
        return Err(invalid("Only CUSTOM indexes support multiple columns"));
    };
    let Some(col) = table.column(&target.column.name) else {
        return Err(invalid(format!("Column {} not found", target.column.name)));
    };
    if table.is_counter() {
        return Err(invalid(
            "Secondary indexes on counter tables are not supported",
        ));
    }
    if col.kind == ColumnKind::PartitionKey && table.partition_key_len() == 1 {
        return Err(invalid(format!(
            "Cannot create secondary index on the only partition key column {}",
            col.name
        )));
    }
    let is_collection = matches!(
        col.typ.typ,
        ColumnType::List(_) | ColumnType::Set(_) | ColumnType::Map(_, _)
    );
    let target_text = match target.kind {
        IndexTargetKind::Simple if is_collection && col.typ.frozen => format!("full({})", col.name),
        IndexTargetKind::Simple if is_collection => format!("values({})", col.name),
        IndexTargetKind::Simple => col.name.clone(),
        IndexTargetKind::Values => format!("values({})", col.name),
        IndexTargetKind::Keys => format!("keys({})", col.name),
        IndexTargetKind::Entries => format!("entries({})", col.name),
        IndexTargetKind::Full => format!("full({})", col.name),
    };
    let name = c
        .name
        .as_ref()
        .map(|n| n.name.clone())
        .unwrap_or_else(|| format!("{}_{}_idx", table.name, col.name));
    if index_exists(run, &table.keyspace, &name).is_some() {
        if c.if_not_exists {
            return Ok(ResultBody::Void);
        }
        return Err(already_exists(&table.keyspace, &name));
    }
    if table.indexes.iter().any(|i| i.target == target_text) {
        if c.if_not_exists {
            return Ok(ResultBody::Void);
        }
        return Err(invalid(format!(
            "Index {name} is a duplicate of existing index {}",
            table
                .indexes
                .iter()
                .find(|i| i.target == target_text)
                .map_or("", |i| i.name.as_str())
        )));
    }
    let mut updated = (*table).clone();
    updated.indexes.push(IndexDef {
        name,
        column: col.name.clone(),
        target: target_text,
    });
    let (ks, t) = (table.keyspace.clone(), table.name.clone());
    if let Some(keyspace) = run.state.catalog.keyspaces.get_mut(&ks) {
        keyspace.tables.insert(t.clone(), Arc::new(updated));
    }
    Ok(table_updated(ks, t))
}

/// DROP INDEX.
pub(crate) fn drop_index(run: &mut Run<'_, '_, '_>, d: &ast::DropIndex) -> ExecResult<ResultBody> {
    let ks = run.keyspace_of(&d.name)?;
    let name = d.name.name.name.clone();
    let Some(table) = index_exists(run, &ks, &name) else {
        if d.if_exists {
            return Ok(ResultBody::Void);
        }
        return Err(invalid(format!("Index '{ks}.{name}' doesn't exist")));
    };
    let mut updated = (*table).clone();
    updated.indexes.retain(|i| i.name != name);
    let t = table.name.clone();
    if let Some(keyspace) = run.state.catalog.keyspaces.get_mut(&ks) {
        keyspace.tables.insert(t.clone(), Arc::new(updated));
    }
    Ok(table_updated(ks, t))
}
