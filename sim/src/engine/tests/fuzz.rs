//! Mutated statements and bind values: the engine answers every one without panicking.

use super::*;

const CORPUS: &[&str] = &[
    "INSERT INTO t (k, c, v, l, s, m, f) VALUES (1, 2, 'x', [1, 2], {'a'}, {'k': 1}, (1, 'y'))",
    "UPDATE t SET v = 'y', l = l + [3], s = s - {'a'}, m['z'] = 2 WHERE k = 1 AND c = 2",
    "UPDATE t SET l[0] = 9 WHERE k = 1 AND c = 2 IF v = 'y'",
    "DELETE l[1], m['k'] FROM t WHERE k = 1 AND c = 2",
    "DELETE FROM t WHERE k = 1 AND c > 0 AND c <= 5",
    "SELECT k, c, v, writetime(v), ttl(v), token(k) FROM t WHERE k IN (1, 2) AND c >= 1 ORDER BY c DESC LIMIT 3",
    "SELECT * FROM t WHERE token(k) > -100 AND token(k) <= 100 ALLOW FILTERING",
    "SELECT DISTINCT k, st FROM t PER PARTITION LIMIT 1",
    "SELECT COUNT(*), max(c), min(v), sum(c) FROM t WHERE k = 1",
    "SELECT * FROM t WHERE v = 'x' AND m CONTAINS KEY 'k' AND s CONTAINS 'a' ALLOW FILTERING",
    "SELECT toTimestamp(now()), toDate(now()), toUnixTimestamp(now()), blobAsInt(intAsBlob(3)) FROM t",
    "INSERT INTO t (k, c) VALUES (3, 4) IF NOT EXISTS USING TTL 5",
    "UPDATE c SET n = n + 5 WHERE k = 1",
    "BEGIN BATCH INSERT INTO t (k, c) VALUES (5, 5); DELETE FROM t WHERE k = 6; APPLY BATCH",
    "SELECT * FROM t WHERE (c) > (1) AND k = 1",
    "SELECT * FROM t WHERE k = 1 AND (c) IN ((1), (2))",
    "INSERT INTO t (k, c, ts, d, tm, u, tu, i, du) VALUES (1, 1, '2020-01-01 10:00:00+0000', '2020-01-01', '10:00:00', uuid(), now(), '127.0.0.1', 1h30m)",
    "ALTER TABLE t ADD extra int",
    "SELECT * FROM system.local WHERE key = 'local'",
    "SELECT * FROM system_schema.columns WHERE keyspace_name = 'ks' AND table_name = 't'",
];

const SWAPS: &[(&str, &str)] = &[
    ("1", "-2147483649"),
    ("1", "99999999999999999999999"),
    ("2", "null"),
    ("'x'", "0x00"),
    ("'x'", "?"),
    ("k", "c"),
    ("c", "v"),
    ("v", "l"),
    ("IN", "="),
    (">", "<"),
    ("t ", "system.local "),
    ("t ", "c "),
    ("[1, 2]", "[]"),
    ("{'a'}", "{}"),
    ("3", "0"),
    ("ALLOW FILTERING", ""),
    ("WHERE", "WHERE k = 1 AND"),
    ("DESC", "ASC"),
    ("now()", "minTimeuuid('9999-12-31')"),
    ("(1, 'y')", "(1, 'y', 3)"),
];

fn garbage_values(seed: u64) -> SerializedValues {
    let mut x = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut next = || {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (x >> 33) as u32
    };
    let n = (next() % 4) as usize;
    let mut vals = Vec::new();
    for _ in 0..n {
        let len = next() % 20;
        vals.push(if len == 19 {
            None
        } else {
            Some((0..len).map(|_| next() as u8).collect())
        });
    }
    values(&vals)
}

#[test]
fn mutated_statements_never_panic() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TYPE pt (x int, y text)");
    h.ok("CREATE TABLE t (k int, c int, st int static, v text, l list<int>, s set<text>, m map<text, int>, f frozen<tuple<int, text>>, ts timestamp, d date, tm time, u uuid, tu timeuuid, i inet, du duration, p frozen<pt>, PRIMARY KEY (k, c))");
    h.ok("CREATE TABLE c (k int PRIMARY KEY, n counter)");
    let mut count = 0;
    for (si, stmt) in CORPUS.iter().enumerate() {
        let mut variants = vec![stmt.to_string()];
        for (a, b) in SWAPS {
            variants.push(stmt.replacen(a, b, 1));
            variants.push(stmt.replace(a, b));
        }
        for (vi, v) in variants.iter().enumerate() {
            for page_size in [None, Some(1)] {
                let params = QueryParameters {
                    values: garbage_values((si * 1000 + vi) as u64),
                    page_size,
                    ..QueryParameters::default()
                };
                let _ = h.run(v, params);
                count += 1;
            }
        }
    }
    assert!(count > 800);
    // The engine still works afterwards.
    h.ok("INSERT INTO t (k, c, v) VALUES (100, 1, 'ok')");
    assert_eq!(
        h.rows("SELECT v FROM t WHERE k = 100"),
        vec![vec![Some(b"ok".to_vec())]]
    );
}

#[test]
fn corpus_statements_succeed() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TYPE pt (x int, y text)");
    h.ok("CREATE TABLE t (k int, c int, st int static, v text, l list<int>, s set<text>, m map<text, int>, f frozen<tuple<int, text>>, ts timestamp, d date, tm time, u uuid, tu timeuuid, i inet, du duration, p frozen<pt>, PRIMARY KEY (k, c))");
    h.ok("CREATE TABLE c (k int PRIMARY KEY, n counter)");
    let mut failures = Vec::new();
    for stmt in CORPUS {
        if let Err(e) = h.q(stmt).result {
            failures.push(format!("{stmt}: {}", e.message));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
