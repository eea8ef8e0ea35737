use super::*;

#[test]
fn system_local_describes_the_coordinator() {
    let mut h = Harness::new();
    h.coordinator = 1;
    let names = h.names("SELECT * FROM system.local");
    assert_eq!(names[0], "key");
    for c in [
        "cluster_name",
        "data_center",
        "host_id",
        "rpc_address",
        "schema_version",
        "tokens",
        "partitioner",
    ] {
        assert!(names.iter().any(|n| n == c), "{c} missing");
    }
    let rows = h.rows("SELECT key, cluster_name, rpc_address, release_version, cql_version, partitioner, native_protocol_version, bootstrapped FROM system.local WHERE key = 'local'");
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(text(&r[0]), "local");
    assert_eq!(text(&r[1]), "Test Cluster");
    assert_eq!(r[2], Some(vec![127, 0, 0, 2]));
    assert_eq!(text(&r[3]), "4.0.13");
    assert_eq!(text(&r[4]), "3.4.5");
    assert_eq!(text(&r[5]), "org.apache.cassandra.dht.Murmur3Partitioner");
    assert_eq!(text(&r[6]), "5");
    assert_eq!(text(&r[7]), "COMPLETED");
}

#[test]
fn peers_list_the_other_nodes() {
    let mut h = Harness::new();
    let rows = h.rows("SELECT peer, rpc_address FROM system.peers");
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r[0] != Some(vec![127, 0, 0, 1])));
    let rows = h.rows("SELECT peer, peer_port, native_address, native_port FROM system.peers_v2");
    assert_eq!(rows.len(), 2);
    assert_eq!(int_of(rows[0][3].as_ref().unwrap()), 9042);
    assert_eq!(int_of(rows[0][1].as_ref().unwrap()), 7000);
}

#[test]
fn system_schema_describes_user_tables() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int, c text, s int static, v list<int>, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c DESC)");
    let rows = h.rows("SELECT column_name, kind, position, clustering_order, type FROM system_schema.columns WHERE keyspace_name = 'ks' AND table_name = 't'");
    let got: Vec<(String, String, i64, String, String)> = rows
        .iter()
        .map(|r| {
            (
                text(&r[0]),
                text(&r[1]),
                int_of(r[2].as_ref().unwrap()),
                text(&r[3]),
                text(&r[4]),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "c".into(),
                "clustering".into(),
                0,
                "desc".into(),
                "text".into()
            ),
            (
                "k".into(),
                "partition_key".into(),
                0,
                "none".into(),
                "int".into()
            ),
            ("s".into(), "static".into(), -1, "none".into(), "int".into()),
            (
                "v".into(),
                "regular".into(),
                -1,
                "none".into(),
                "list<int>".into()
            ),
        ]
    );
    let rows = h.rows("SELECT table_name, flags, gc_grace_seconds FROM system_schema.tables WHERE keyspace_name = 'ks'");
    assert_eq!(rows.len(), 1);
    assert_eq!(int_of(rows[0][2].as_ref().unwrap()), 864_000);
    let rows = h.rows("SELECT keyspace_name, durable_writes FROM system_schema.keyspaces");
    let names: Vec<String> = rows.iter().map(|r| text(&r[0])).collect();
    assert!(names.contains(&"ks".to_string()) && names.contains(&"system".to_string()));
    assert!(!names.contains(&"system_views".to_string()));
    assert!(h.rows("SELECT * FROM system_schema.indexes").is_empty());
    assert!(h.rows("SELECT * FROM system_schema.views").is_empty());
}

#[test]
fn system_tables_columns_match_the_reference() {
    let mut h = Harness::new();
    assert_eq!(
        h.names("SELECT * FROM system.peers_v2"),
        [
            "peer",
            "peer_port",
            "data_center",
            "host_id",
            "native_address",
            "native_port",
            "preferred_ip",
            "preferred_port",
            "rack",
            "release_version",
            "schema_version",
            "tokens"
        ]
    );
    assert_eq!(
        h.names("SELECT * FROM system_schema.keyspaces"),
        ["keyspace_name", "durable_writes", "replication"]
    );
    assert_eq!(
        h.names("SELECT * FROM system_schema.columns"),
        [
            "keyspace_name",
            "table_name",
            "column_name",
            "clustering_order",
            "column_name_bytes",
            "kind",
            "position",
            "type"
        ]
    );
}

#[test]
fn node_stats_count_single_partition_requests() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int PRIMARY KEY, v int)");
    for k in 0..30 {
        h.ok(&format!("INSERT INTO t (k, v) VALUES ({k}, {k})"));
    }
    h.rows("SELECT * FROM t WHERE k = 1");
    h.rows("SELECT * FROM t");
    let rows = h.rows("SELECT address, coordinated, as_replica FROM system_views.sim_node_stats");
    assert_eq!(rows.len(), 3);
    let first = rows
        .iter()
        .find(|r| r[0] == Some(vec![127, 0, 0, 1]))
        .unwrap();
    assert_eq!(int_of(first[1].as_ref().unwrap()), 31);
    let replica = int_of(first[2].as_ref().unwrap());
    assert!(replica > 0 && replica < 31, "as_replica {replica}");
}

#[test]
fn the_engine_serves_the_backend_trait() {
    use crate::backend::{Backend, RequestContext as BackendContext};
    let h = Harness::new();
    let mut ks = None;
    let mut ctx = BackendContext {
        coordinator: 2,
        cluster: &h.cluster,
        version: ProtocolVersion::V4,
        keyspace: &mut ks,
        stats: &h.stats,
    };
    let q = Query {
        query: "SELECT rpc_address FROM system.local".into(),
        params: QueryParameters::default(),
    };
    let out = Backend::query(&h.engine, &mut ctx, &q);
    let Ok(ResultBody::Rows(r)) = out.result else {
        panic!("{out:?}")
    };
    assert_eq!(decode_rows(&r), vec![vec![Some(vec![127, 0, 0, 3])]]);
}

#[test]
fn virtual_schema_lists_virtual_tables() {
    let mut h = Harness::new();
    let mut names: Vec<String> = h
        .rows("SELECT keyspace_name FROM system_virtual_schema.keyspaces")
        .iter()
        .map(|r| text(&r[0]))
        .collect();
    names.sort();
    assert_eq!(names, ["system_views", "system_virtual_schema"]);
    let rows = h.rows(
        "SELECT table_name FROM system_virtual_schema.tables WHERE keyspace_name = 'system_views'",
    );
    assert!(rows.iter().any(|r| text(&r[0]) == "sim_node_stats"));
    let rows = h.rows("SELECT column_name, type FROM system_virtual_schema.columns WHERE keyspace_name = 'system_views' AND table_name = 'sim_node_stats'");
    let cols: Vec<(String, String)> = rows.iter().map(|r| (text(&r[0]), text(&r[1]))).collect();
    assert_eq!(
        cols,
        [
            ("address".to_string(), "inet".to_string()),
            ("as_replica".to_string(), "bigint".to_string()),
            ("coordinated".to_string(), "bigint".to_string()),
            ("datacenter".to_string(), "text".to_string())
        ]
    );
}

#[test]
fn every_reference_table_has_its_columns_and_types() {
    let reference = include_str!("../system_schema_4.0.13.cql");
    let catalog = super::super::sysload::system_catalog();
    let mut current: Option<(String, String)> = None;
    let mut checked = 0;
    for line in reference.lines() {
        let trimmed = line.trim();
        let header = trimmed
            .strip_prefix("CREATE TABLE ")
            .or_else(|| trimmed.strip_prefix("VIRTUAL TABLE "));
        if let Some(h) = header {
            let full = h.trim_end_matches(" (");
            let (ks, t) = full.split_once('.').expect("qualified name");
            current = Some((ks.to_string(), t.trim_matches('"').to_string()));
            continue;
        }
        if trimmed.starts_with(')') || trimmed == "*/" {
            current = None;
            continue;
        }
        let Some((ks, t)) = &current else { continue };
        if !line.starts_with("    ") || trimmed.starts_with("PRIMARY KEY") {
            continue;
        }
        let body = trimmed
            .trim_end_matches(',')
            .trim_end_matches(" PRIMARY KEY");
        let (name, typ) = body.split_once(' ').expect("column line");
        let table = catalog
            .table(ks, t)
            .unwrap_or_else(|| panic!("{ks}.{t} missing"));
        let col = table
            .column(name.trim_matches('"'))
            .unwrap_or_else(|| panic!("{ks}.{t}.{name} missing"));
        assert_eq!(
            col.typ.to_cql(),
            typ.trim_end_matches(" static"),
            "{ks}.{t}.{name}"
        );
        checked += 1;
    }
    assert!(checked > 400, "checked {checked} columns");
}
