use super::*;
use ringbolt_driver::protocol::response::{SchemaChangeTarget, SchemaChangeType};

#[test]
fn create_keyspace_and_table_announce_changes() {
    let mut h = Harness::new();
    let v0 = h.engine.schema_version();
    let o = h.q("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    let change = o.schema_change.expect("schema change");
    assert_eq!(change.change, SchemaChangeType::Created);
    assert_eq!(change.target, SchemaChangeTarget::Keyspace("ks".into()));
    assert_ne!(h.engine.schema_version(), v0);
    let e = h.err("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    assert_eq!(
        e.code,
        ErrorCode::AlreadyExists {
            keyspace: "ks".into(),
            table: String::new()
        }
    );
    assert_eq!(h.ok("CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"), ResultBody::Void);
    assert_eq!(h.ok("USE ks"), ResultBody::SetKeyspace("ks".into()));
    assert_eq!(h.keyspace.as_deref(), Some("ks"));
    let o = h.q("CREATE TABLE t (k int PRIMARY KEY, v text)");
    assert_eq!(
        o.schema_change.map(|c| c.target),
        Some(SchemaChangeTarget::Table("ks".into(), "t".into()))
    );
    let e = h.err("CREATE TABLE t (k int PRIMARY KEY, v text)");
    assert_eq!(
        e.code,
        ErrorCode::AlreadyExists {
            keyspace: "ks".into(),
            table: "t".into()
        }
    );
}

#[test]
fn ddl_errors_are_cassandras() {
    let mut h = Harness::with_ks();
    is_invalid(&h.err("USE nope"), "Keyspace 'nope' does not exist");
    is_invalid(&h.err("SELECT * FROM nope"), "unconfigured table nope");
    is_invalid(
        &h.err("CREATE TABLE c (k int PRIMARY KEY, n counter, v int)"),
        "Cannot mix counter and non counter columns in the same table",
    );
    is_invalid(
        &h.err("CREATE TABLE s (k int PRIMARY KEY, v int static)"),
        "Static columns are only useful (and thus allowed) if the table has at least one clustering column",
    );
    let e = h.err("CREATE KEYSPACE k2 WITH replication = {'class': 'SimpleStrategy'}");
    assert_eq!(e.code, ErrorCode::ConfigError);
    is_invalid(
        &h.err("DROP KEYSPACE nope"),
        "Keyspace 'nope' doesn't exist",
    );
    is_invalid(
        &h.err("CREATE TYPE ks.a (x int, x int)"),
        "Duplicate field name 'x' in type 'a'",
    );
    h.ok("CREATE TYPE a (x int)");
    is_invalid(
        &h.err("CREATE TYPE a (x int)"),
        "A user type with name 'a' already exists",
    );
    is_invalid(
        &h.err("CREATE TABLE nopk (k int, v int)"),
        "No PRIMARY KEY specifed (exactly one required)",
    );
    let e = h.err("SELEC * FROM t");
    assert_eq!(e.code, ErrorCode::SyntaxError);
    let e = h.err("DROP TABLE system.local");
    assert_eq!(e.code, ErrorCode::Unauthorized);
}

#[test]
fn alter_and_drop_table_and_types() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TYPE addr (street text, zip int)");
    h.ok("CREATE TABLE t (k int PRIMARY KEY, a frozen<addr>)");
    h.ok("ALTER TABLE t ADD v int");
    h.ok("INSERT INTO t (k, v) VALUES (1, 2)");
    assert_eq!(h.ints("SELECT k, v FROM t"), vec![vec![1, 2]]);
    is_invalid(
        &h.err("ALTER TABLE t ADD v int"),
        "Column with name 'v' already exists",
    );
    is_invalid(
        &h.err("ALTER TABLE t DROP k"),
        "Cannot drop PRIMARY KEY column k",
    );
    h.ok("ALTER TABLE t DROP v");
    is_invalid(&h.err("SELECT v FROM t"), "Undefined column name v");
    h.ok("ALTER TABLE t WITH comment = 'hello' AND default_time_to_live = 10");
    h.ok("ALTER TYPE addr ADD city text");
    let rows = h.rows("SELECT field_names FROM system_schema.types WHERE keyspace_name = 'ks'");
    let names = super::super::types::collection_items(rows[0][0].as_ref().unwrap()).len();
    assert_eq!(names, 3);
    is_invalid(
        &h.err("DROP TYPE addr"),
        "Cannot drop user type 'ks.addr' as it is still used by a table",
    );
    h.ok("DROP TABLE t");
    h.ok("DROP TYPE addr");
    is_invalid(&h.err("DROP TABLE t"), "Table 'ks.t' doesn't exist");
    assert_eq!(h.ok("DROP TABLE IF EXISTS t"), ResultBody::Void);
    h.ok("DROP KEYSPACE ks");
    assert_eq!(h.keyspace, None);
}

#[test]
fn truncate_empties_a_table() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int PRIMARY KEY, v int)");
    h.ok("INSERT INTO t (k, v) VALUES (1, 1)");
    h.ok("TRUNCATE t");
    assert!(h.rows("SELECT * FROM t").is_empty());
}

#[test]
fn dropped_columns_do_not_come_back() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int PRIMARY KEY, v int)");
    h.ok("INSERT INTO t (k, v) VALUES (1, 1)");
    h.ok("ALTER TABLE t DROP v");
    h.ok("ALTER TABLE t ADD v int");
    assert_eq!(h.ints("SELECT k, v FROM t"), vec![vec![1, -1]]);
}

#[test]
fn secondary_indexes_serve_queries_without_filtering() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int PRIMARY KEY, v int, w int, s set<text>)");
    h.ok("INSERT INTO t (k, v, w, s) VALUES (1, 5, 1, {'a'})");
    h.ok("INSERT INTO t (k, v, w, s) VALUES (2, 6, 1, {'b'})");
    is_invalid(
        &h.err("SELECT k FROM t WHERE v = 5"),
        super::super::errors::FILTERING,
    );
    let o = h.q("CREATE INDEX ON t (v)");
    assert_eq!(
        o.schema_change.map(|c| (c.change, c.target)),
        Some((
            SchemaChangeType::Updated,
            SchemaChangeTarget::Table("ks".into(), "t".into())
        ))
    );
    h.ok("CREATE INDEX s_idx ON t (s)");
    assert_eq!(h.ints("SELECT k FROM t WHERE v = 5"), vec![vec![1]]);
    assert_eq!(
        h.ints("SELECT k FROM t WHERE s CONTAINS 'b'"),
        vec![vec![2]]
    );
    is_invalid(
        &h.err("SELECT k FROM t WHERE v = 5 AND w = 1"),
        super::super::errors::FILTERING,
    );
    let rows =
        h.rows("SELECT index_name, options FROM system_schema.indexes WHERE keyspace_name = 'ks'");
    let names: Vec<String> = rows.iter().map(|r| text(&r[0])).collect();
    assert_eq!(names, ["s_idx", "t_v_idx"]);
    is_invalid(
        &h.err("ALTER TABLE t DROP v"),
        "Cannot drop column v because it has dependent secondary indexes (t_v_idx)",
    );
    let e = h.err("CREATE INDEX t_v_idx ON t (w)");
    assert!(matches!(e.code, ErrorCode::AlreadyExists { .. }), "{e:?}");
    h.ok("DROP INDEX t_v_idx");
    is_invalid(
        &h.err("SELECT k FROM t WHERE v = 5"),
        super::super::errors::FILTERING,
    );
}
