//! The system keyspaces, read from the `DESCRIBE` output of a real Cassandra 4.0.13 node
//! (`system_schema_4.0.13.cql`), plus `system_views.sim_node_stats`, which only the simulator has.

use super::schema::{
    qualify_strategy, Catalog, ColumnDef, ColumnKind, KeyspaceDef, OptionValue, TableDef,
    TableOptions,
};
use super::types::{parse_type_text, CqlType, NoUdts};
use ringbolt_driver::protocol::ColumnType;
use std::collections::BTreeMap;

const DESCRIBE: &str = include_str!("system_schema_4.0.13.cql");

/// The system keyspaces, in the order Cassandra lists them.
pub fn system_catalog() -> Catalog {
    let mut catalog = Catalog::default();
    let mut lines = DESCRIBE.lines().peekable();
    while let Some(line) = lines.next() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("CREATE KEYSPACE ") {
            if let Some(ks) = parse_keyspace(rest) {
                catalog.keyspaces.insert(ks.name.clone(), ks);
            }
        } else if let Some(rest) = line.strip_prefix("VIRTUAL KEYSPACE ") {
            let name = rest.trim_end_matches(';').trim();
            let mut ks = KeyspaceDef::new(name, local_strategy(), false);
            ks.is_virtual = true;
            catalog.keyspaces.insert(name.to_string(), ks);
        } else if let Some(rest) = line
            .strip_prefix("CREATE TABLE ")
            .or_else(|| line.strip_prefix("VIRTUAL TABLE "))
        {
            let is_virtual = line.starts_with("VIRTUAL");
            let mut body = Vec::new();
            for l in lines.by_ref() {
                let l = l.trim();
                if l == "*/" || l.ends_with(';') {
                    body.push(l.trim_end_matches(';'));
                    break;
                }
                body.push(l);
            }
            if let Some(mut table) = parse_table(rest, &body) {
                table.is_virtual = is_virtual;
                if let Some(ks) = catalog.keyspaces.get_mut(&table.keyspace) {
                    ks.tables
                        .insert(table.name.clone(), std::sync::Arc::new(table));
                }
            }
        }
    }
    add_node_stats(&mut catalog);
    catalog
}

fn local_strategy() -> BTreeMap<String, String> {
    BTreeMap::from([("class".to_string(), qualify_strategy("LocalStrategy"))])
}

fn add_node_stats(catalog: &mut Catalog) {
    let col = |name: &str, typ: ColumnType, kind: ColumnKind, position: i32| ColumnDef {
        name: name.into(),
        typ: CqlType::plain(typ),
        kind,
        position,
        reversed: false,
    };
    let columns = vec![
        col("address", ColumnType::Inet, ColumnKind::PartitionKey, 0),
        col("datacenter", ColumnType::Text, ColumnKind::Regular, -1),
        col("coordinated", ColumnType::Bigint, ColumnKind::Regular, -1),
        col("as_replica", ColumnType::Bigint, ColumnKind::Regular, -1),
    ];
    let options = TableOptions {
        comment: "requests per simulated node".into(),
        ..TableOptions::default()
    };
    let mut table = TableDef::new("system_views", "sim_node_stats", columns, options);
    table.is_virtual = true;
    if let Some(ks) = catalog.keyspaces.get_mut("system_views") {
        ks.tables
            .insert(table.name.clone(), std::sync::Arc::new(table));
    }
}

/// `system WITH replication = {...}  AND durable_writes = true;`
fn parse_keyspace(rest: &str) -> Option<KeyspaceDef> {
    let name = rest.split_whitespace().next()?;
    let open = rest.find('{')?;
    let close = rest.find('}')?;
    let replication: BTreeMap<String, String> = parse_map(rest.get(open..=close)?)
        .into_iter()
        .map(|(k, v)| {
            if k == "class" {
                (k, qualify_strategy(&v))
            } else {
                (k, v)
            }
        })
        .collect();
    let durable = !rest.contains("durable_writes = false");
    Some(KeyspaceDef::new(name, replication, durable))
}

/// `{'a': 'b', 'c': 'd'}` into pairs.
pub fn parse_map(text: &str) -> Vec<(String, String)> {
    let inner = text.trim().trim_start_matches('{').trim_end_matches('}');
    let mut out = Vec::new();
    for pair in inner.split(", '") {
        let mut kv = pair.splitn(2, ": ");
        let (Some(k), Some(v)) = (kv.next(), kv.next()) else {
            continue;
        };
        out.push((unquote(k), unquote(v)));
    }
    out
}

fn unquote(s: &str) -> String {
    s.trim().trim_matches('\'').replace("''", "'")
}

fn ident(s: &str) -> String {
    let s = s.trim();
    match s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => s.to_string(),
    }
}

fn parse_table(header: &str, body: &[&str]) -> Option<TableDef> {
    let full = header.trim_end_matches('(').trim();
    let (ks, name) = full.split_once('.')?;
    let mut declared: Vec<(String, CqlType, bool)> = Vec::new();
    let mut pk: Vec<String> = Vec::new();
    let mut ck: Vec<String> = Vec::new();
    let mut desc: Vec<String> = Vec::new();
    let mut options = TableOptions::default();
    for line in body {
        let line = line.trim().trim_end_matches(',');
        if let Some(keys) = line.strip_prefix("PRIMARY KEY (") {
            let keys = keys.strip_suffix(')').unwrap_or(keys);
            let (part, clust) = if let Some(inner) = keys.strip_prefix('(') {
                let (p, c) = inner.split_once(')')?;
                (p.to_string(), c.trim_start_matches(',').to_string())
            } else {
                match keys.split_once(',') {
                    Some((p, c)) => (p.to_string(), c.to_string()),
                    None => (keys.to_string(), String::new()),
                }
            };
            pk = part
                .split(',')
                .map(ident)
                .filter(|s| !s.is_empty())
                .collect();
            ck = clust
                .split(',')
                .map(ident)
                .filter(|s| !s.is_empty())
                .collect();
        } else if let Some(order) = line.strip_prefix(") WITH CLUSTERING ORDER BY (") {
            for item in order.trim_end_matches(')').split(',') {
                let mut it = item.split_whitespace();
                if let (Some(col), Some("DESC")) = (it.next(), it.next()) {
                    desc.push(ident(col));
                }
            }
        } else if let Some(opt) = line
            .strip_prefix("AND ")
            .or_else(|| line.strip_prefix(") WITH "))
        {
            let Some((k, v)) = opt.split_once(" = ") else {
                continue;
            };
            let value = if v.trim_start().starts_with('{') {
                OptionValue::Map(parse_map(v))
            } else {
                OptionValue::Text(unquote(v))
            };
            options.set(k.trim(), &value).ok()?;
        } else if line.starts_with(')') || line.is_empty() {
            continue;
        } else {
            let (col, rest) = if line.starts_with('"') {
                let end = line.get(1..)?.find('"')? + 2;
                (line.get(..end)?, line.get(end..)?)
            } else {
                line.split_once(' ')?
            };
            let (typ_text, inline_pk) = match rest.trim().strip_suffix(" PRIMARY KEY") {
                Some(t) => (t, true),
                None => (rest.trim(), false),
            };
            let typ = parse_type_text(typ_text.trim_end_matches(" static"), &NoUdts).ok()?;
            let is_static = typ_text.ends_with(" static");
            if inline_pk {
                pk = vec![ident(col)];
            }
            declared.push((ident(col), typ, is_static));
        }
    }
    let columns = declared
        .into_iter()
        .map(|(name, typ, is_static)| {
            let (kind, position) = if let Some(p) = pk.iter().position(|k| *k == name) {
                (ColumnKind::PartitionKey, p as i32)
            } else if let Some(p) = ck.iter().position(|k| *k == name) {
                (ColumnKind::Clustering, p as i32)
            } else if is_static {
                (ColumnKind::Static, -1)
            } else {
                (ColumnKind::Regular, -1)
            };
            let reversed = desc.contains(&name);
            ColumnDef {
                name,
                typ,
                kind,
                position,
                reversed,
            }
        })
        .collect();
    Some(TableDef::new(ks, &ident(name), columns, options))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_keyspaces_are_all_there() {
        let c = system_catalog();
        let names: Vec<&str> = c.keyspaces.keys().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "system",
                "system_auth",
                "system_distributed",
                "system_schema",
                "system_traces",
                "system_views",
                "system_virtual_schema"
            ]
        );
        assert!(c.keyspaces["system_views"].is_virtual);
        assert_eq!(
            c.keyspaces["system_auth"]
                .replication
                .get("class")
                .map(String::as_str),
            Some("org.apache.cassandra.locator.SimpleStrategy")
        );
    }

    #[test]
    fn system_local_matches_reference() {
        let c = system_catalog();
        let local = c.table("system", "local").expect("system.local");
        let names: Vec<&str> = local.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names[0], "key");
        assert!(names.contains(&"schema_version"));
        assert_eq!(
            local.column("tokens").map(|c| c.typ.to_cql()),
            Some("set<text>".into())
        );
        assert_eq!(local.options.comment, "information about the local node");
        assert_eq!(local.options.gc_grace_seconds, 0);
        let peers = c.table("system", "peers_v2").expect("peers_v2");
        assert_eq!(
            peers.column("peer_port").map(|c| c.kind),
            Some(ColumnKind::Clustering)
        );
        assert!(c.table("system", "IndexInfo").is_some());
        let cols = c.table("system_schema", "columns").expect("columns");
        assert_eq!(cols.clustering_len(), 2);
        let stats = c.table("system_views", "sim_node_stats").expect("stats");
        assert_eq!(stats.columns.len(), 4);
        let clients = c.table("system_views", "clients").expect("clients");
        assert_eq!(clients.partition_key_len(), 1);
        assert_eq!(clients.clustering_len(), 1);
        let tables = c.keyspaces.values().map(|k| k.tables.len()).sum::<usize>();
        assert_eq!(tables, 62);
    }
}
