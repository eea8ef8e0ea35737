//! The system tables whose rows the engine computes when read: `system.local`, `system.peers`,
//! `system.peers_v2`, `system_schema.*` and `system_views.sim_node_stats`.

use super::exec::Run;
use super::mutation::{apply, Mutation, WriteOp};
use super::schema::{Catalog, ColumnKind, TableDef};
use super::storage::TableData;
use super::types::{build_collection, CqlType};
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;

type Values = Vec<(&'static str, Option<Vec<u8>>)>;

fn text(s: &str) -> Option<Vec<u8>> {
    Some(s.as_bytes().to_vec())
}

fn inet(ip: IpAddr) -> Option<Vec<u8>> {
    Some(match ip {
        IpAddr::V4(v) => v.octets().to_vec(),
        IpAddr::V6(v) => v.octets().to_vec(),
    })
}

fn int(v: i32) -> Option<Vec<u8>> {
    Some(v.to_be_bytes().to_vec())
}

fn bigint(v: i64) -> Option<Vec<u8>> {
    Some(v.to_be_bytes().to_vec())
}

fn double(v: f64) -> Option<Vec<u8>> {
    Some(v.to_be_bytes().to_vec())
}

fn boolean(v: bool) -> Option<Vec<u8>> {
    Some(vec![u8::from(v)])
}

fn uuid(u: uuid::Uuid) -> Option<Vec<u8>> {
    Some(u.as_bytes().to_vec())
}

fn text_list<S: AsRef<str>>(items: &[S]) -> Option<Vec<u8>> {
    Some(build_collection(
        items.len(),
        items.iter().map(|s| s.as_ref().as_bytes()),
    ))
}

fn text_map(m: &BTreeMap<String, String>) -> Option<Vec<u8>> {
    Some(build_collection(
        m.len(),
        m.iter().flat_map(|(k, v)| [k.as_bytes(), v.as_bytes()]),
    ))
}

fn put(data: &mut TableData, table: &Arc<TableDef>, values: Values) {
    let mut key = vec![Vec::new(); table.partition_key_len()];
    let mut clustering = vec![Vec::new(); table.clustering_len()];
    let mut ops = vec![WriteOp::Marker];
    for (name, v) in values {
        let Some(col) = table.column(name) else {
            continue;
        };
        let pos = usize::try_from(col.position).unwrap_or(0);
        match (col.kind, v) {
            (ColumnKind::PartitionKey, Some(v)) => {
                if let Some(slot) = key.get_mut(pos) {
                    *slot = v;
                }
            }
            (ColumnKind::Clustering, Some(v)) => {
                if let Some(slot) = clustering.get_mut(pos) {
                    *slot = v;
                }
            }
            (_, Some(v)) if col.typ.is_multi_cell() => {
                ops.push(WriteOp::SetCollection(col.name.clone(), Some(v)))
            }
            (_, Some(v)) => ops.push(WriteOp::Set(col.name.clone(), Some(v))),
            _ => {}
        }
    }
    let m = Mutation {
        table: table.clone(),
        key,
        clustering: (table.clustering_len() > 0).then_some(clustering),
        ops,
        ranges: Vec::new(),
        delete_partition: false,
        ttl: 0,
    };
    apply(data, &m, 1, 0);
}

/// The rows of a computed system table, or None for a table stored normally.
pub(crate) fn materialize(run: &Run<'_, '_, '_>, table: &Arc<TableDef>) -> Option<TableData> {
    let mut data = TableData::default();
    let catalog = &run.state.catalog;
    let version = catalog.version();
    let cluster = run.ctx.cluster;
    match (table.keyspace.as_str(), table.name.as_str()) {
        ("system", "local") => {
            if let Some(n) = cluster.nodes.get(run.ctx.coordinator) {
                let tokens: Vec<String> = n.tokens.iter().map(i64::to_string).collect();
                put(
                    &mut data,
                    table,
                    vec![
                        ("key", text("local")),
                        ("bootstrapped", text("COMPLETED")),
                        ("broadcast_address", inet(n.address)),
                        ("broadcast_port", int(7000)),
                        ("cluster_name", text(&cluster.cluster_name)),
                        ("cql_version", text("3.4.5")),
                        ("data_center", text(&n.datacenter)),
                        ("gossip_generation", int(1_700_000_000)),
                        ("host_id", uuid(n.host_id)),
                        ("listen_address", inet(n.address)),
                        ("listen_port", int(7000)),
                        ("native_protocol_version", text("5")),
                        (
                            "partitioner",
                            text("org.apache.cassandra.dht.Murmur3Partitioner"),
                        ),
                        ("rack", text(&n.rack)),
                        ("release_version", text(&n.release_version)),
                        ("rpc_address", inet(n.address)),
                        ("rpc_port", int(i32::from(n.port))),
                        ("schema_version", uuid(version)),
                        ("tokens", text_list(&tokens)),
                    ],
                );
            }
        }
        ("system", "peers") | ("system", "peers_v2") => {
            let v2 = table.name == "peers_v2";
            for n in cluster
                .nodes
                .iter()
                .filter(|n| n.index != run.ctx.coordinator)
            {
                let tokens: Vec<String> = n.tokens.iter().map(i64::to_string).collect();
                let mut row: Values = vec![
                    ("peer", inet(n.address)),
                    ("data_center", text(&n.datacenter)),
                    ("host_id", uuid(n.host_id)),
                    ("rack", text(&n.rack)),
                    ("release_version", text(&n.release_version)),
                    ("schema_version", uuid(version)),
                    ("tokens", text_list(&tokens)),
                ];
                if v2 {
                    row.push(("peer_port", int(7000)));
                    row.push(("native_address", inet(n.address)));
                    row.push(("native_port", int(i32::from(n.port))));
                } else {
                    row.push(("rpc_address", inet(n.address)));
                }
                put(&mut data, table, row);
            }
        }
        ("system_schema", name) => schema_rows(catalog, table, name, &mut data),
        ("system_virtual_schema", name) => virtual_schema_rows(catalog, table, name, &mut data),
        ("system_views", "sim_node_stats") => {
            for (n, s) in cluster.nodes.iter().zip(run.ctx.stats) {
                put(
                    &mut data,
                    table,
                    vec![
                        ("address", inet(n.address)),
                        ("datacenter", text(&n.datacenter)),
                        (
                            "coordinated",
                            bigint(s.coordinated.load(Ordering::Relaxed) as i64),
                        ),
                        (
                            "as_replica",
                            bigint(s.as_replica.load(Ordering::Relaxed) as i64),
                        ),
                    ],
                );
            }
        }
        (_, _) if table.is_virtual => {}
        _ => return None,
    }
    Some(data)
}

fn schema_rows(catalog: &Catalog, table: &Arc<TableDef>, name: &str, data: &mut TableData) {
    for ks in catalog.keyspaces.values().filter(|k| !k.is_virtual) {
        match name {
            "keyspaces" => put(
                data,
                table,
                vec![
                    ("keyspace_name", text(&ks.name)),
                    ("durable_writes", boolean(ks.durable_writes)),
                    ("replication", text_map(&ks.replication)),
                ],
            ),
            "tables" => {
                for t in ks.tables.values() {
                    let o = &t.options;
                    let flags: Vec<&str> = if t.is_counter() {
                        vec!["compound", "counter"]
                    } else {
                        vec!["compound"]
                    };
                    put(
                        data,
                        table,
                        vec![
                            ("keyspace_name", text(&ks.name)),
                            ("table_name", text(&t.name)),
                            ("additional_write_policy", text(&o.additional_write_policy)),
                            ("bloom_filter_fp_chance", double(o.bloom_filter_fp_chance)),
                            ("caching", text_map(&o.caching)),
                            ("cdc", boolean(o.cdc)),
                            ("comment", text(&o.comment)),
                            ("compaction", text_map(&o.compaction)),
                            ("compression", text_map(&o.compression)),
                            ("crc_check_chance", double(o.crc_check_chance)),
                            ("dclocal_read_repair_chance", double(0.0)),
                            ("default_time_to_live", int(o.default_time_to_live)),
                            ("extensions", Some(build_collection(0, []))),
                            ("flags", text_list(&flags)),
                            ("gc_grace_seconds", int(o.gc_grace_seconds)),
                            ("id", uuid(t.id)),
                            ("max_index_interval", int(o.max_index_interval)),
                            (
                                "memtable_flush_period_in_ms",
                                int(o.memtable_flush_period_in_ms),
                            ),
                            ("min_index_interval", int(o.min_index_interval)),
                            ("read_repair", text(&o.read_repair)),
                            ("read_repair_chance", double(0.0)),
                            ("speculative_retry", text(&o.speculative_retry)),
                        ],
                    );
                }
            }
            "columns" => {
                for t in ks.tables.values() {
                    for c in &t.columns {
                        let order = match c.kind {
                            ColumnKind::Clustering if c.reversed => "desc",
                            ColumnKind::Clustering => "asc",
                            _ => "none",
                        };
                        put(
                            data,
                            table,
                            vec![
                                ("keyspace_name", text(&ks.name)),
                                ("table_name", text(&t.name)),
                                ("column_name", text(&c.name)),
                                ("clustering_order", text(order)),
                                ("column_name_bytes", Some(c.name.as_bytes().to_vec())),
                                ("kind", text(c.kind.as_str())),
                                ("position", int(c.position)),
                                ("type", text(&c.typ.to_cql())),
                            ],
                        );
                    }
                }
            }
            "indexes" => {
                for t in ks.tables.values() {
                    for i in &t.indexes {
                        let options = BTreeMap::from([("target".to_string(), i.target.clone())]);
                        put(
                            data,
                            table,
                            vec![
                                ("keyspace_name", text(&ks.name)),
                                ("table_name", text(&t.name)),
                                ("index_name", text(&i.name)),
                                ("kind", text("COMPOSITES")),
                                ("options", text_map(&options)),
                            ],
                        );
                    }
                }
            }
            "types" => {
                for u in ks.types.values() {
                    let names: Vec<&str> = u.fields.iter().map(|(n, _)| n.as_str()).collect();
                    let types: Vec<String> = u
                        .fields
                        .iter()
                        .map(|(_, t)| {
                            CqlType {
                                typ: t.clone(),
                                frozen: true,
                            }
                            .to_cql()
                        })
                        .collect();
                    put(
                        data,
                        table,
                        vec![
                            ("keyspace_name", text(&ks.name)),
                            ("type_name", text(&u.name)),
                            ("field_names", text_list(&names)),
                            ("field_types", text_list(&types)),
                        ],
                    );
                }
            }
            _ => {}
        }
    }
}

fn virtual_schema_rows(catalog: &Catalog, table: &Arc<TableDef>, name: &str, data: &mut TableData) {
    for ks in catalog.keyspaces.values().filter(|k| k.is_virtual) {
        match name {
            "keyspaces" => put(data, table, vec![("keyspace_name", text(&ks.name))]),
            "tables" => {
                for t in ks.tables.values() {
                    put(
                        data,
                        table,
                        vec![
                            ("keyspace_name", text(&ks.name)),
                            ("table_name", text(&t.name)),
                            ("comment", text(&t.options.comment)),
                        ],
                    );
                }
            }
            "columns" => {
                for t in ks.tables.values() {
                    for c in &t.columns {
                        let order = match c.kind {
                            ColumnKind::Clustering if c.reversed => "desc",
                            ColumnKind::Clustering => "asc",
                            _ => "none",
                        };
                        put(
                            data,
                            table,
                            vec![
                                ("keyspace_name", text(&ks.name)),
                                ("table_name", text(&t.name)),
                                ("column_name", text(&c.name)),
                                ("clustering_order", text(order)),
                                ("column_name_bytes", Some(c.name.as_bytes().to_vec())),
                                ("kind", text(c.kind.as_str())),
                                ("position", int(c.position)),
                                ("type", text(&c.typ.to_cql())),
                            ],
                        );
                    }
                }
            }
            _ => {}
        }
    }
}
