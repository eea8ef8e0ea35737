use super::*;
use ringbolt_driver::protocol::ColumnType;

#[test]
fn insert_select_ordering_and_clustering() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int, c int, v text, PRIMARY KEY (k, c))");
    for c in [3, -1, 2, 10] {
        h.ok(&format!("INSERT INTO t (k, c, v) VALUES (1, {c}, 'v{c}')"));
    }
    let cs: Vec<i64> = h
        .ints("SELECT c FROM t WHERE k = 1")
        .into_iter()
        .map(|r| r[0])
        .collect();
    assert_eq!(cs, [-1, 2, 3, 10]);
    let cs: Vec<i64> = h
        .ints("SELECT c FROM t WHERE k = 1 ORDER BY c DESC")
        .into_iter()
        .map(|r| r[0])
        .collect();
    assert_eq!(cs, [10, 3, 2, -1]);
    let cs: Vec<i64> = h
        .ints("SELECT c FROM t WHERE k = 1 AND c > -1 AND c <= 3")
        .into_iter()
        .map(|r| r[0])
        .collect();
    assert_eq!(cs, [2, 3]);
    let cs: Vec<i64> = h
        .ints("SELECT c FROM t WHERE k = 1 AND c IN (10, 2, 7)")
        .into_iter()
        .map(|r| r[0])
        .collect();
    assert_eq!(cs, [2, 10]);
    let cs: Vec<i64> = h
        .ints("SELECT c FROM t WHERE k = 1 LIMIT 2")
        .into_iter()
        .map(|r| r[0])
        .collect();
    assert_eq!(cs, [-1, 2]);
    assert_eq!(h.ints("SELECT COUNT(*) FROM t WHERE k = 1"), vec![vec![4]]);
    assert_eq!(h.names("SELECT COUNT(*) FROM t"), ["count"]);
}

#[test]
fn descending_tables_and_multi_column_slices() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int, a int, b int, PRIMARY KEY (k, a, b)) WITH CLUSTERING ORDER BY (a DESC, b ASC)");
    for a in 0..3 {
        for b in 0..2 {
            h.ok(&format!("INSERT INTO t (k, a, b) VALUES (0, {a}, {b})"));
        }
    }
    let got: Vec<(i64, i64)> = h
        .ints("SELECT a, b FROM t WHERE k = 0")
        .into_iter()
        .map(|r| (r[0], r[1]))
        .collect();
    assert_eq!(got, [(2, 0), (2, 1), (1, 0), (1, 1), (0, 0), (0, 1)]);
    let got: Vec<(i64, i64)> = h
        .ints("SELECT a, b FROM t WHERE k = 0 AND a > 0")
        .into_iter()
        .map(|r| (r[0], r[1]))
        .collect();
    assert_eq!(got, [(2, 0), (2, 1), (1, 0), (1, 1)]);
    let got: Vec<(i64, i64)> = h
        .ints("SELECT a, b FROM t WHERE k = 0 ORDER BY a ASC")
        .into_iter()
        .map(|r| (r[0], r[1]))
        .collect();
    assert_eq!(got, [(0, 1), (0, 0), (1, 1), (1, 0), (2, 1), (2, 0)]);
    let got: Vec<(i64, i64)> = h
        .ints("SELECT a, b FROM t WHERE k = 0 AND a = 1 AND b >= 1")
        .into_iter()
        .map(|r| (r[0], r[1]))
        .collect();
    assert_eq!(got, [(1, 1)]);
}

#[test]
fn text_and_timeuuid_clustering_order() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int, c text, PRIMARY KEY (k, c))");
    for c in ["b", "a", "ab", "B"] {
        h.ok(&format!("INSERT INTO t (k, c) VALUES (0, '{c}')"));
    }
    let got: Vec<String> = h
        .rows("SELECT c FROM t WHERE k = 0")
        .iter()
        .map(|r| text(&r[0]))
        .collect();
    assert_eq!(got, ["B", "a", "ab", "b"]);
    h.ok("CREATE TABLE u (k int, t timeuuid, PRIMARY KEY (k, t))");
    h.ok("INSERT INTO u (k, t) VALUES (0, maxTimeuuid('2020-01-02'))");
    h.ok("INSERT INTO u (k, t) VALUES (0, minTimeuuid('2020-01-01'))");
    let rows = h.rows("SELECT toUnixTimestamp(t) FROM u WHERE k = 0");
    let ms: Vec<i64> = rows
        .iter()
        .map(|r| int_of(r[0].as_ref().unwrap()))
        .collect();
    assert_eq!(ms, [1_577_836_800_000, 1_577_923_200_000]);
}

#[test]
fn filtering_rules_and_messages() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int, c int, v int, PRIMARY KEY (k, c))");
    h.ok("INSERT INTO t (k, c, v) VALUES (1, 1, 5)");
    h.ok("INSERT INTO t (k, c, v) VALUES (2, 1, 6)");
    is_invalid(
        &h.err("SELECT * FROM t WHERE v = 5"),
        super::super::errors::FILTERING,
    );
    is_invalid(
        &h.err("SELECT * FROM t WHERE c = 1"),
        super::super::errors::FILTERING,
    );
    assert_eq!(
        h.ints("SELECT k FROM t WHERE v = 6 ALLOW FILTERING"),
        vec![vec![2]]
    );
    is_invalid(
        &h.err("SELECT * FROM t WHERE x = 1"),
        "Undefined column name x",
    );
    is_invalid(&h.err("SELECT x FROM t"), "Undefined column name x");
    is_invalid(
        &h.err("INSERT INTO t (c, v) VALUES (1, 1)"),
        "Some partition key parts are missing: k",
    );
    is_invalid(
        &h.err("INSERT INTO t (k, v) VALUES (1, 1)"),
        "Some clustering keys are missing: c",
    );
    is_invalid(
        &h.err("UPDATE t SET v = 1 WHERE k = 1"),
        "Some clustering keys are missing: c",
    );
    is_invalid(
        &h.err("SELECT * FROM nope.t"),
        "keyspace nope does not exist",
    );
}

#[test]
fn deletes_rows_ranges_partitions_and_columns() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int, c int, v int, PRIMARY KEY (k, c))");
    for c in 0..6 {
        h.ok(&format!("INSERT INTO t (k, c, v) VALUES (0, {c}, {c})"));
    }
    h.ok("DELETE FROM t WHERE k = 0 AND c = 0");
    h.ok("DELETE FROM t WHERE k = 0 AND c >= 4");
    h.ok("DELETE v FROM t WHERE k = 0 AND c = 1");
    assert_eq!(
        h.ints("SELECT c, v FROM t WHERE k = 0"),
        vec![vec![1, -1], vec![2, 2], vec![3, 3]]
    );
    h.ok("DELETE FROM t WHERE k = 0");
    assert!(h.rows("SELECT * FROM t WHERE k = 0").is_empty());
    h.ok("INSERT INTO t (k, c, v) VALUES (0, 9, 9)");
    assert_eq!(h.ints("SELECT c FROM t WHERE k = 0"), vec![vec![9]]);
}

#[test]
fn ttl_expires_with_the_clock_and_writetime_is_reported() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int PRIMARY KEY, v int, w int)");
    h.ok("INSERT INTO t (k, v) VALUES (1, 1) USING TTL 10");
    h.ok("UPDATE t USING TIMESTAMP 42 SET w = 2 WHERE k = 1");
    assert_eq!(
        h.ints("SELECT TTL(v), WRITETIME(w) FROM t WHERE k = 1"),
        vec![vec![10, 42]]
    );
    h.engine.clock().advance_secs(4);
    assert_eq!(h.ints("SELECT TTL(v) FROM t WHERE k = 1"), vec![vec![6]]);
    h.engine.clock().advance_secs(6);
    // The row marker and v expired; w (no TTL) keeps the row alive.
    assert_eq!(h.ints("SELECT k, v, w FROM t"), vec![vec![1, -1, 2]]);
    h.ok("INSERT INTO t (k, v) VALUES (2, 2) USING TTL 1");
    h.engine.clock().advance_secs(1);
    assert!(h.rows("SELECT * FROM t WHERE k = 2").is_empty());
}

#[test]
fn last_write_wins_by_timestamp() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int PRIMARY KEY, v int)");
    h.ok("INSERT INTO t (k, v) VALUES (1, 1) USING TIMESTAMP 100");
    h.ok("INSERT INTO t (k, v) VALUES (1, 2) USING TIMESTAMP 50");
    assert_eq!(h.ints("SELECT v FROM t WHERE k = 1"), vec![vec![1]]);
    h.ok("DELETE FROM t USING TIMESTAMP 99 WHERE k = 1");
    assert_eq!(h.ints("SELECT v FROM t WHERE k = 1"), vec![vec![1]]);
    h.ok("DELETE FROM t USING TIMESTAMP 100 WHERE k = 1");
    assert!(h.rows("SELECT v FROM t WHERE k = 1").is_empty());
}

#[test]
fn lightweight_transactions() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int PRIMARY KEY, v int)");
    assert_eq!(
        h.names("INSERT INTO t (k, v) VALUES (1, 1) IF NOT EXISTS"),
        ["[applied]"]
    );
    let rows = h.rows("INSERT INTO t (k, v) VALUES (1, 2) IF NOT EXISTS");
    assert_eq!(
        rows,
        vec![vec![
            Some(vec![0]),
            Some(1i32.to_be_bytes().to_vec()),
            Some(1i32.to_be_bytes().to_vec())
        ]]
    );
    assert_eq!(
        h.names("UPDATE t SET v = 3 WHERE k = 1 IF v = 7"),
        ["[applied]", "v"]
    );
    assert_eq!(
        h.ints("UPDATE t SET v = 3 WHERE k = 1 IF v = 1"),
        vec![vec![1]]
    );
    assert_eq!(h.ints("SELECT v FROM t WHERE k = 1"), vec![vec![3]]);
    assert_eq!(
        h.ints("UPDATE t SET v = 4 WHERE k = 2 IF EXISTS"),
        vec![vec![0]]
    );
    assert!(h.rows("SELECT v FROM t WHERE k = 2").is_empty());
    assert_eq!(h.ints("DELETE FROM t WHERE k = 1 IF v > 2"), vec![vec![1]]);
    assert!(h.rows("SELECT v FROM t WHERE k = 1").is_empty());
}

#[test]
fn counters() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE c (k int PRIMARY KEY, n counter)");
    h.ok("UPDATE c SET n = n + 5 WHERE k = 1");
    h.ok("UPDATE c SET n = n - 2 WHERE k = 1");
    assert_eq!(h.ints("SELECT n FROM c WHERE k = 1"), vec![vec![3]]);
    is_invalid(
        &h.err("INSERT INTO c (k, n) VALUES (1, 1)"),
        "INSERT statements are not allowed on counter tables, use UPDATE instead",
    );
    is_invalid(
        &h.err("UPDATE c SET n = 1 WHERE k = 1"),
        "Cannot set the value of counter column n (counters can only be incremented/decremented, not set)",
    );
    let e = h.err("BEGIN BATCH UPDATE c SET n = n + 1 WHERE k = 1; APPLY BATCH");
    assert_eq!(e.code, ErrorCode::Invalid);
    h.ok("BEGIN COUNTER BATCH UPDATE c SET n = n + 1 WHERE k = 1; UPDATE c SET n = n + 1 WHERE k = 2; APPLY BATCH");
    assert_eq!(
        h.ints("SELECT k, n FROM c WHERE k IN (1, 2)"),
        vec![vec![1, 4], vec![2, 1]]
    );
}

#[test]
fn collections() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int PRIMARY KEY, l list<int>, s set<text>, m map<text, int>, f frozen<list<int>>)");
    h.ok("INSERT INTO t (k, l, s, m, f) VALUES (1, [1, 2], {'b', 'a'}, {'x': 1}, [3, 3])");
    h.ok("UPDATE t SET l = l + [3], s = s + {'c'}, m['y'] = 2 WHERE k = 1");
    h.ok("UPDATE t SET l = [0] + l, s = s - {'a'}, m = m - {'x'} WHERE k = 1");
    h.ok("UPDATE t SET l[1] = 10 WHERE k = 1");
    h.ok("DELETE l[0] FROM t WHERE k = 1");
    let r = h.rows("SELECT l, s, m, f FROM t WHERE k = 1");
    let items = |b: &Option<Vec<u8>>| -> Vec<Vec<u8>> {
        super::super::types::collection_items(b.as_ref().unwrap())
            .into_iter()
            .map(<[u8]>::to_vec)
            .collect()
    };
    let l: Vec<i64> = items(&r[0][0]).iter().map(|b| int_of(b)).collect();
    assert_eq!(l, [10, 2, 3]);
    let s: Vec<String> = items(&r[0][1])
        .into_iter()
        .map(|b| String::from_utf8(b).unwrap())
        .collect();
    assert_eq!(s, ["b", "c"]);
    let m = items(&r[0][2]);
    assert_eq!(m, vec![b"y".to_vec(), 2i32.to_be_bytes().to_vec()]);
    assert_eq!(items(&r[0][3]).len(), 2);
    h.ok("UPDATE t SET s = {} WHERE k = 1");
    assert_eq!(h.rows("SELECT s FROM t WHERE k = 1"), vec![vec![None]]);
}

#[test]
fn static_columns_and_distinct() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int, c int, s int static, v int, PRIMARY KEY (k, c))");
    h.ok("UPDATE t SET s = 7 WHERE k = 1");
    assert_eq!(h.ints("SELECT k, c, s, v FROM t"), vec![vec![1, -1, 7, -1]]);
    h.ok("INSERT INTO t (k, c, v) VALUES (1, 1, 1)");
    h.ok("INSERT INTO t (k, c, v) VALUES (1, 2, 2)");
    assert_eq!(
        h.ints("SELECT c, s FROM t WHERE k = 1"),
        vec![vec![1, 7], vec![2, 7]]
    );
    assert_eq!(h.ints("SELECT DISTINCT k, s FROM t"), vec![vec![1, 7]]);
    assert_eq!(
        h.ints("SELECT k, c FROM t PER PARTITION LIMIT 1"),
        vec![vec![1, 1]]
    );
}

#[test]
fn batches_share_one_timestamp() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int PRIMARY KEY, v int)");
    h.ok("BEGIN BATCH INSERT INTO t (k, v) VALUES (1, 1); INSERT INTO t (k, v) VALUES (2, 2); APPLY BATCH");
    let rows = h.ints("SELECT WRITETIME(v) FROM t");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0], rows[1]);
}

#[test]
fn bind_values_and_prepared_statements() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int, c int, v text, PRIMARY KEY (k, c))");
    let params = QueryParameters {
        values: values(&[
            Some(1i32.to_be_bytes().to_vec()),
            Some(2i32.to_be_bytes().to_vec()),
            Some(b"x".to_vec()),
        ]),
        ..QueryParameters::default()
    };
    h.run("INSERT INTO t (k, c, v) VALUES (?, ?, ?)", params)
        .result
        .unwrap();
    let mut ks = h.keyspace.clone();
    let mut ctx = RequestContext {
        coordinator: 0,
        cluster: &h.cluster,
        version: ProtocolVersion::V5,
        keyspace: &mut ks,
        stats: &h.stats,
    };
    let query = "SELECT v FROM t WHERE k = ? AND c IN ? LIMIT ?";
    let out = h.engine.prepare(
        &mut ctx,
        &Prepare {
            query: query.into(),
            keyspace: None,
        },
    );
    let Ok(ResultBody::Prepared(p)) = out.result else {
        panic!("{out:?}")
    };
    let names: Vec<&str> = p.metadata.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["k", "in(c)", "[limit]"]);
    assert_eq!(
        p.metadata.columns[1].typ,
        ColumnType::List(Box::new(ColumnType::Int))
    );
    assert_eq!(p.metadata.pk_indexes, [0]);
    assert_eq!(p.result_metadata.columns.len(), 1);
    assert_eq!(p.id, super::super::prepare::prepared_id(Some("ks"), query));
    assert!(p.result_metadata_id.is_some());
    let list = super::super::types::build_collection(1, [2i32.to_be_bytes().as_slice()]);
    let e = Execute {
        id: p.id.clone().into(),
        result_metadata_id: None,
        params: QueryParameters {
            values: values(&[
                Some(1i32.to_be_bytes().to_vec()),
                Some(list),
                Some(5i32.to_be_bytes().to_vec()),
            ]),
            ..QueryParameters::default()
        },
    };
    let out = h.engine.execute(&mut ctx, &e);
    let Ok(ResultBody::Rows(r)) = out.result else {
        panic!("{out:?}")
    };
    assert_eq!(decode_rows(&r), vec![vec![Some(b"x".to_vec())]]);
    let out = h.engine.execute(
        &mut ctx,
        &Execute {
            id: vec![1, 2, 3].into(),
            ..e
        },
    );
    assert!(matches!(
        out.result,
        Err(ErrorBody {
            code: ErrorCode::Unprepared { .. },
            ..
        })
    ));
}

#[test]
fn hostile_input_never_panics() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int, c int, v blob, PRIMARY KEY (k, c))");
    for cql in [
        "SELECT * FROM t WHERE k = 1 AND c > 5 AND c < 2",
        "SELECT * FROM t WHERE token(k) > 9223372036854775807",
        "SELECT * FROM t WHERE token(k) < -9223372036854775808",
        "SELECT * FROM t WHERE k = 1 AND c IN ()",
        "INSERT INTO t (k, c, v) VALUES (1, 1, 0x)",
        "SELECT * FROM t WHERE k IN ? ",
        "SELECT * FROM t LIMIT 0",
        "SELECT * FROM t WHERE k = 99999999999",
        "UPDATE t SET v = v + 0x01 WHERE k = 1 AND c = 1",
        "",
    ] {
        let _ = h.q(cql);
    }
    let params = QueryParameters {
        paging_state: Some(vec![1, 2, 3]),
        page_size: Some(2),
        ..QueryParameters::default()
    };
    assert!(h.run("SELECT * FROM t", params).result.is_err());
    let params = QueryParameters {
        values: SerializedValues {
            count: 3,
            named: false,
            bytes: vec![0, 0, 0, 9],
        },
        ..QueryParameters::default()
    };
    assert!(h.run("SELECT * FROM t WHERE k = ?", params).result.is_err());
}

#[test]
fn named_values_bind_by_receiver_name() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int PRIMARY KEY, v text)");
    let mut bytes = Vec::new();
    for (name, value) in [("v", b"hi".to_vec()), ("k", 7i32.to_be_bytes().to_vec())] {
        bytes.extend_from_slice(&(name.len() as u16).to_be_bytes());
        bytes.extend_from_slice(name.as_bytes());
        bytes.extend_from_slice(&(value.len() as i32).to_be_bytes());
        bytes.extend_from_slice(&value);
    }
    let params = QueryParameters {
        values: SerializedValues {
            count: 2,
            named: true,
            bytes,
        },
        ..QueryParameters::default()
    };
    h.run("INSERT INTO t (k, v) VALUES (?, ?)", params)
        .result
        .unwrap();
    assert_eq!(
        h.rows("SELECT v FROM t WHERE k = 7"),
        vec![vec![Some(b"hi".to_vec())]]
    );
}

#[test]
fn list_index_errors() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int PRIMARY KEY, l list<int>)");
    is_invalid(
        &h.err("UPDATE t SET l[0] = 1 WHERE k = 1"),
        "Attempted to set an element on a list which is null",
    );
    h.ok("INSERT INTO t (k, l) VALUES (1, [1, 2])");
    is_invalid(
        &h.err("UPDATE t SET l[2] = 1 WHERE k = 1"),
        "List index 2 out of bound, list has size 2",
    );
    h.ok("UPDATE t SET l[1] = 5 WHERE k = 1");
    let r = h.rows("SELECT l FROM t WHERE k = 1");
    let items: Vec<i64> = super::super::types::collection_items(r[0][0].as_ref().unwrap())
        .iter()
        .map(|b| int_of(b))
        .collect();
    assert_eq!(items, [1, 5]);
}

#[test]
fn batch_statements_keep_their_own_timestamps() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int PRIMARY KEY, v int)");
    h.ok("BEGIN BATCH USING TIMESTAMP 10 INSERT INTO t (k, v) VALUES (1, 1); INSERT INTO t (k, v) VALUES (2, 2) USING TIMESTAMP 20; APPLY BATCH");
    assert_eq!(
        h.ints("SELECT k, WRITETIME(v) FROM t WHERE k IN (1, 2)"),
        vec![vec![1, 10], vec![2, 20]]
    );
    h.ok("CREATE TABLE c (k int PRIMARY KEY, n counter)");
    h.ok("BEGIN UNLOGGED BATCH UPDATE c SET n = n + 1 WHERE k = 1; APPLY BATCH");
    is_invalid(
        &h.err("BEGIN BATCH UPDATE c SET n = n + 1 WHERE k = 1; APPLY BATCH"),
        "Cannot include a counter statement in a logged batch",
    );
    is_invalid(
        &h.err("BEGIN UNLOGGED BATCH UPDATE c SET n = n + 1 WHERE k = 1; INSERT INTO t (k, v) VALUES (3, 3); APPLY BATCH"),
        "Counter and non-counter mutations cannot exist in the same batch",
    );
}

#[test]
fn aggregates_without_partition_key_warn() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int PRIMARY KEY, v int)");
    h.ok("INSERT INTO t (k, v) VALUES (1, 4)");
    h.ok("INSERT INTO t (k, v) VALUES (2, 6)");
    let o = h.q("SELECT COUNT(*), max(v), min(v), sum(v) FROM t");
    assert_eq!(o.warnings, ["Aggregation query used without partition key"]);
    assert_eq!(
        h.ints("SELECT COUNT(*), max(v), min(v), sum(v) FROM t"),
        vec![vec![2, 6, 4, 10]]
    );
    assert!(h
        .q("SELECT COUNT(*) FROM t WHERE k = 1")
        .warnings
        .is_empty());
}

#[test]
fn field_and_element_selectors() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TYPE pt (x int, y int)");
    h.ok("CREATE TABLE t (k int PRIMARY KEY, p frozen<pt>, m map<text, int>, l list<int>)");
    h.ok("INSERT INTO t (k, p, m, l) VALUES (1, {x: 3, y: 4}, {'a': 7, 'b': 8}, [5, 6])");
    assert_eq!(
        h.ints("SELECT p.y, m['b'], l[1], m['zz'] FROM t WHERE k = 1"),
        vec![vec![4, 8, 6, -1]]
    );
    assert_eq!(h.names("SELECT p.y FROM t")[0], "p.y");
}

#[test]
fn non_frozen_udt_fields_update() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TYPE pt (x int, y int)");
    h.ok("CREATE TABLE t (k int PRIMARY KEY, p pt, f frozen<pt>)");
    h.ok("INSERT INTO t (k, p) VALUES (1, {x: 1, y: 2})");
    h.ok("UPDATE t SET p.y = 9 WHERE k = 1");
    assert_eq!(
        h.ints("SELECT p.x, p.y FROM t WHERE k = 1"),
        vec![vec![1, 9]]
    );
    h.ok("DELETE p.x FROM t WHERE k = 1");
    assert_eq!(
        h.ints("SELECT p.x, p.y FROM t WHERE k = 1"),
        vec![vec![-1, 9]]
    );
    is_invalid(
        &h.err("UPDATE t SET f.x = 1 WHERE k = 1"),
        "Invalid operation (f.x = ?) for frozen UDT column f",
    );
}

#[test]
fn prepare_checks_the_where_clause() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int, c int, v int, PRIMARY KEY (k, c))");
    let mut ks = h.keyspace.clone();
    let mut ctx = RequestContext {
        coordinator: 0,
        cluster: &h.cluster,
        version: ProtocolVersion::V4,
        keyspace: &mut ks,
        stats: &h.stats,
    };
    let prep = |ctx: &mut RequestContext<'_>, q: &str| {
        h.engine
            .prepare(
                ctx,
                &Prepare {
                    query: q.into(),
                    keyspace: None,
                },
            )
            .result
    };
    let e = prep(&mut ctx, "SELECT * FROM t WHERE v = ?").unwrap_err();
    is_invalid(&e, super::super::errors::FILTERING);
    let e = prep(&mut ctx, "UPDATE t SET v = ? WHERE k = ?").unwrap_err();
    is_invalid(&e, "Some clustering keys are missing: c");
    assert!(prep(
        &mut ctx,
        "SELECT * FROM t WHERE k = ? AND c IN ? ORDER BY c DESC"
    )
    .is_ok());
    assert!(prep(&mut ctx, "SELECT * FROM t WHERE token(k) > ? LIMIT ?").is_ok());
}

#[test]
fn prepare_accepts_multi_column_markers() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int, a int, b int, PRIMARY KEY (k, a, b))");
    let mut ks = h.keyspace.clone();
    let mut ctx = RequestContext {
        coordinator: 0,
        cluster: &h.cluster,
        version: ProtocolVersion::V4,
        keyspace: &mut ks,
        stats: &h.stats,
    };
    for q in [
        "SELECT * FROM t WHERE k = ? AND (a, b) > ?",
        "SELECT * FROM t WHERE k = ? AND (a, b) IN ?",
        "SELECT * FROM t WHERE k = ? AND (a, b) = (?, ?)",
    ] {
        let out = h.engine.prepare(
            &mut ctx,
            &Prepare {
                query: q.into(),
                keyspace: None,
            },
        );
        assert!(out.result.is_ok(), "{q}: {out:?}");
    }
}

#[test]
fn conditional_update_restrictions() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int PRIMARY KEY, v int)");
    h.ok("CREATE TABLE c (k int PRIMARY KEY, n counter)");
    is_invalid(
        &h.err("INSERT INTO t (k, v) VALUES (1, 1) IF NOT EXISTS USING TIMESTAMP 5"),
        "Cannot provide custom timestamp for conditional updates",
    );
    is_invalid(
        &h.err("UPDATE c SET n = n + 1 WHERE k = 1 IF EXISTS"),
        "Conditional updates are not supported on counter tables",
    );
}

#[test]
fn malformed_bind_values_are_refused_with_cassandras_message() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int PRIMARY KEY, v text)");
    let params = QueryParameters {
        values: values(&[Some(vec![0, 0, 1]), Some(b"x".to_vec())]),
        ..QueryParameters::default()
    };
    let e = h
        .run("INSERT INTO t (k, v) VALUES (?, ?)", params)
        .result
        .unwrap_err();
    is_invalid(&e, "Expected 4 or 0 byte int (3)");
    let params = QueryParameters {
        values: values(&[Some(vec![0, 0, 0, 1]), Some(vec![0xff])]),
        ..QueryParameters::default()
    };
    let e = h
        .run("INSERT INTO t (k, v) VALUES (?, ?)", params)
        .result
        .unwrap_err();
    is_invalid(&e, "String didn't validate.");
}

#[test]
fn select_json() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int PRIMARY KEY, v text, l list<int>)");
    h.ok("INSERT INTO t (k, v, l) VALUES (1, 'x', [1, 2])");
    assert_eq!(h.names("SELECT JSON * FROM t"), ["[json]"]);
    let rows = h.rows("SELECT JSON k, v, l FROM t");
    assert_eq!(text(&rows[0][0]), "{\"k\": 1, \"v\": \"x\", \"l\": [1, 2]}");
}

#[test]
fn bind_value_count_must_match_markers() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int PRIMARY KEY, v int)");
    let params = QueryParameters {
        values: values(&[Some(1i32.to_be_bytes().to_vec())]),
        ..QueryParameters::default()
    };
    let e = h
        .run("INSERT INTO t (k, v) VALUES (?, ?)", params)
        .result
        .unwrap_err();
    is_invalid(&e, "there were 2 markers(?) in CQL but 1 bound variables");
}

#[test]
fn insert_json() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int PRIMARY KEY, v text, l list<int>, w int)");
    h.ok("INSERT INTO t (k, w) VALUES (1, 5)");
    h.ok(r#"INSERT INTO t JSON '{"k": 1, "v": "x", "l": [3, 4]}'"#);
    let rows = h.rows("SELECT JSON k, v, l, w FROM t WHERE k = 1");
    assert_eq!(
        text(&rows[0][0]),
        r#"{"k": 1, "v": "x", "l": [3, 4], "w": null}"#
    );
    h.ok(r#"INSERT INTO t JSON '{"k": 2, "v": "y"}' DEFAULT UNSET"#);
    h.ok(r#"INSERT INTO t JSON '{"k": 2, "w": 9}' DEFAULT UNSET"#);
    assert_eq!(
        text(&h.rows("SELECT JSON v, w FROM t WHERE k = 2")[0][0]),
        r#"{"v": "y", "w": 9}"#
    );
    is_invalid(
        &h.err(r#"INSERT INTO t JSON '{"k": 3, "nope": 1}'"#),
        "JSON values map contains unrecognized column: nope",
    );
}

#[test]
fn cast_selectors() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int PRIMARY KEY, d double, ts timestamp)");
    h.ok("INSERT INTO t (k, d, ts) VALUES (1, 2.75, '2020-01-02 03:04:05+0000')");
    let rows = h
        .rows("SELECT CAST(k AS text), CAST(d AS int), CAST(ts AS date), CAST(k AS double) FROM t");
    assert_eq!(text(&rows[0][0]), "1");
    assert_eq!(int_of(rows[0][1].as_ref().unwrap()), 2);
    assert_eq!(
        rows[0][2],
        Some(((1u32 << 31) + 18_263).to_be_bytes().to_vec())
    );
    assert_eq!(rows[0][3], Some(1f64.to_be_bytes().to_vec()));
    assert_eq!(
        h.names("SELECT CAST(k AS text) FROM t"),
        ["cast(k as text)"]
    );
    is_invalid(
        &h.err("SELECT CAST(ts AS int) FROM t"),
        "timestamp cannot be cast to int",
    );
}

#[test]
fn group_by_primary_key_prefix() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int, c int, d int, v int, PRIMARY KEY (k, c, d))");
    for (k, c, d, v) in [(1, 1, 1, 10), (1, 1, 2, 20), (1, 2, 1, 5), (2, 1, 1, 7)] {
        h.ok(&format!(
            "INSERT INTO t (k, c, d, v) VALUES ({k}, {c}, {d}, {v})"
        ));
    }
    assert_eq!(
        h.ints("SELECT k, c, sum(v), count(*) FROM t WHERE k = 1 GROUP BY k, c"),
        vec![vec![1, 1, 30, 2], vec![1, 2, 5, 1]]
    );
    let mut per_k = h.ints("SELECT k, max(v) FROM t GROUP BY k");
    per_k.sort();
    assert_eq!(per_k, vec![vec![1, 20], vec![2, 7]]);
    is_invalid(
        &h.err("SELECT k, max(v) FROM t GROUP BY c"),
        "Group by currently only support groups of columns following their declared order in the PRIMARY KEY",
    );
}

#[test]
fn decimal_clustering_orders_exactly() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE td (k int, c decimal, v int, PRIMARY KEY (k, c))");
    // Both first values are 1.0 as f64, and the smaller one has the larger scale.
    let values = [
        "1.0000000000000001",
        "1.00000000000000002",
        "-0.5",
        "0.25",
        "1E+400",
        "-3E+2",
        "0",
    ];
    for (i, c) in values.iter().enumerate() {
        h.ok(&format!("INSERT INTO td (k, c, v) VALUES (0, {c}, {i})"));
    }
    let order: Vec<i64> = h
        .ints("SELECT v FROM td WHERE k = 0")
        .into_iter()
        .map(|r| r[0])
        .collect();
    assert_eq!(order, [5, 2, 6, 3, 1, 0, 4]);
    let above_one: Vec<i64> = h
        .ints("SELECT v FROM td WHERE k = 0 AND c > 1")
        .into_iter()
        .map(|r| r[0])
        .collect();
    assert_eq!(above_one, [1, 0, 4]);
    // 1.0 and 1.00 are the same clustering (BigDecimal.compareTo), and match each other.
    h.ok("INSERT INTO td (k, c, v) VALUES (1, 1.0, 1)");
    h.ok("INSERT INTO td (k, c, v) VALUES (1, 1.00, 2)");
    assert_eq!(h.ints("SELECT v FROM td WHERE k = 1"), vec![vec![2]]);
    assert_eq!(
        h.ints("SELECT v FROM td WHERE k = 1 AND c = 1"),
        vec![vec![2]]
    );
}

#[test]
fn multi_column_slices_on_mixed_clustering_order() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE tm (k int, a int, b int, PRIMARY KEY (k, a, b)) WITH CLUSTERING ORDER BY (a DESC, b ASC)");
    for a in 0..3 {
        for b in 0..3 {
            h.ok(&format!("INSERT INTO tm (k, a, b) VALUES (0, {a}, {b})"));
        }
    }
    let pairs = |h: &mut Harness, q: &str| -> Vec<(i64, i64)> {
        h.ints(q).into_iter().map(|r| (r[0], r[1])).collect()
    };
    // Tuple comparison in each type's natural order, rows in clustering order.
    for (q, want) in [
        (
            "SELECT a, b FROM tm WHERE k = 0 AND (a, b) > (1, 1)",
            vec![(2, 0), (2, 1), (2, 2), (1, 2)],
        ),
        (
            "SELECT a, b FROM tm WHERE k = 0 AND (a, b) <= (1, 1)",
            vec![(1, 0), (1, 1), (0, 0), (0, 1), (0, 2)],
        ),
        (
            "SELECT a, b FROM tm WHERE k = 0 AND (a, b) > (0, 1) AND (a, b) < (2, 1)",
            vec![(2, 0), (1, 0), (1, 1), (1, 2), (0, 2)],
        ),
        (
            "SELECT a, b FROM tm WHERE k = 0 AND (a, b) >= (1, 1) ORDER BY a ASC",
            vec![(1, 2), (1, 1), (2, 2), (2, 1), (2, 0)],
        ),
    ] {
        assert_eq!(pairs(&mut h, q), want, "{q}");
    }
}

#[test]
fn non_frozen_udt_fields_are_cells_with_their_own_timestamps() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TYPE pt (x int, y int)");
    h.ok("CREATE TABLE u (k int PRIMARY KEY, p pt)");
    let xy = |h: &mut Harness| h.ints("SELECT p.x, p.y FROM u WHERE k = 1");
    // Field writes reconcile one by one: an older write of y survives a newer x.
    h.ok("UPDATE u USING TIMESTAMP 100 SET p.x = 1 WHERE k = 1");
    h.ok("UPDATE u USING TIMESTAMP 50 SET p.y = 2 WHERE k = 1");
    assert_eq!(xy(&mut h), vec![vec![1, 2]]);
    h.ok("UPDATE u USING TIMESTAMP 60 SET p.x = 7 WHERE k = 1");
    assert_eq!(xy(&mut h), vec![vec![1, 2]]);
    // A whole value deletes the older fields: y is gone, and a late older y stays shadowed.
    h.ok("UPDATE u USING TIMESTAMP 200 SET p = {x: 3} WHERE k = 1");
    assert_eq!(xy(&mut h), vec![vec![3, -1]]);
    h.ok("UPDATE u USING TIMESTAMP 150 SET p.y = 4 WHERE k = 1");
    assert_eq!(xy(&mut h), vec![vec![3, -1]]);
    h.ok("UPDATE u USING TIMESTAMP 250 SET p.y = 5 WHERE k = 1");
    assert_eq!(xy(&mut h), vec![vec![3, 5]]);
    // Deleting one field at a newer timestamp, then the whole column.
    h.ok("DELETE p.x FROM u USING TIMESTAMP 300 WHERE k = 1");
    assert_eq!(xy(&mut h), vec![vec![-1, 5]]);
    // Null deletes every field; the row was made by UPDATE only, so it is gone.
    h.ok("UPDATE u USING TIMESTAMP 400 SET p = null WHERE k = 1");
    assert!(h.rows("SELECT p FROM u WHERE k = 1").is_empty());
    h.ok("INSERT INTO u (k) VALUES (1)");
    assert_eq!(h.rows("SELECT p FROM u WHERE k = 1"), vec![vec![None]]);
    // The whole value comes back with every field.
    h.ok("INSERT INTO u (k, p) VALUES (2, {y: 8})");
    let mut want = (-1i32).to_be_bytes().to_vec();
    want.extend(4i32.to_be_bytes());
    want.extend(8i32.to_be_bytes());
    assert_eq!(
        h.rows("SELECT p FROM u WHERE k = 2"),
        vec![vec![Some(want)]]
    );
    is_invalid(
        &h.err("SELECT writetime(p) FROM u"),
        "Cannot use selection function writeTime on non-frozen UDT p",
    );
}
