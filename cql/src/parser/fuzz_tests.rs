//! Deterministic fuzzing: random bytes, random token soups and mutated valid statements must
//! give a statement or an error with a valid span, never a panic; whatever parses prints back
//! to text that parses to the same printout.

use crate::parse_statement;

/// xorshift64*: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const VALID: &[&str] = &[
    "SELECT a, b AS c, COUNT(*), WRITETIME(d), TTL(d), token(a), CAST(e AS text), f.g, h['k'], s[1..?] FROM ks.t WHERE a = ? AND (b, c) > (1, 2) AND d IN (1, 2) AND e CONTAINS KEY 'x' AND f IS NOT NULL GROUP BY a ORDER BY b DESC PER PARTITION LIMIT 3 LIMIT :l ALLOW FILTERING",
    "SELECT JSON DISTINCT * FROM t WHERE token(a, b) >= token(?, ?)",
    "SELECT a + 1, -b, (c * ?) - d, (int) e, (a, 1), [a, b], {a, :x}, {a: b}, 1 + 2, (1 + a) * 3 AS z FROM t",
    "INSERT INTO ks.t (a, b, c, d) VALUES (?, 'x''y', {1: [2, 3]}, {f: (1, 'a'), g: 0xff}) IF NOT EXISTS USING TTL 10 AND TIMESTAMP ?",
    "INSERT INTO t JSON '{}' DEFAULT UNSET",
    "UPDATE t USING TTL ? SET a = a + [1], b = [0] + b, c = c - {'x'}, m['k'] = -1.5e3, u.f = NaN, n += 1 WHERE k = ? IF a = 1 AND m['k'] IN (1, 2)",
    "DELETE a, m[?], u.f FROM t USING TIMESTAMP 5 WHERE k = 123e4567-e89b-12d3-a456-426614174000 IF EXISTS",
    "BEGIN UNLOGGED BATCH USING TIMESTAMP 1 INSERT INTO t (a) VALUES (1); UPDATE t SET b = (int) ? WHERE a = 2; DELETE FROM t WHERE a = 3; APPLY BATCH",
    "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1} AND durable_writes = true",
    "CREATE TABLE IF NOT EXISTS ks.t (a int, b text, c frozen<map<text, list<int>>> STATIC, d vector<float, 4>, e tuple<int, ks.u>, PRIMARY KEY ((a, b), c)) WITH CLUSTERING ORDER BY (c DESC) AND comment = 'x' AND gc_grace_seconds = 10",
    "ALTER TABLE t ADD (x int, y set<text>)",
    "ALTER TABLE t RENAME a TO b AND c TO d",
    "CREATE TYPE ks.u (a int, b frozen<list<text>>)",
    "ALTER TYPE u ADD c int",
    "CREATE CUSTOM INDEX IF NOT EXISTS i ON t (KEYS(m)) USING 'cls' WITH OPTIONS = {'a': 'b'}",
    "DROP INDEX ks.i",
    "TRUNCATE TABLE ks.t",
    "UPDATE t SET v = toTimestamp(now()), w = 1h30m, x = -P1D, y = 1 + 2 * -3 WHERE k = 1",
    "SELECT m['a'..'c'], l[..?], -(-a), - -1, {x: 1, y: a}, (text) 'x' FROM t WHERE k = 1 AND (c) > (1) AND (c, d) IN ((1, 2), ?)",
    "DELETE l[1], m[:k] FROM ks.t WHERE k IN ? AND c = 0x00 IF m[:k] != null AND v > -Infinity",
];

const FRAGMENTS: &[&str] = &[
    "SELECT",
    "FROM",
    "WHERE",
    "AND",
    "INSERT",
    "INTO",
    "VALUES",
    "UPDATE",
    "SET",
    "DELETE",
    "IF",
    "NOT",
    "EXISTS",
    "BEGIN",
    "BATCH",
    "APPLY",
    "CREATE",
    "TABLE",
    "KEYSPACE",
    "TYPE",
    "INDEX",
    "ALTER",
    "DROP",
    "ADD",
    "WITH",
    "PRIMARY",
    "KEY",
    "USING",
    "TTL",
    "TIMESTAMP",
    "IN",
    "CONTAINS",
    "IS",
    "NULL",
    "token",
    "count",
    "CAST",
    "AS",
    "frozen",
    "map",
    "list",
    "set",
    "tuple",
    "vector",
    "int",
    "text",
    "a",
    "b",
    "\"Q\"",
    "?",
    ":n",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "<",
    ">",
    ",",
    ";",
    ".",
    ":",
    "=",
    "+",
    "-",
    "*",
    "/",
    "%",
    "+=",
    "!=",
    "<=",
    "'s'",
    "$$d$$",
    "1",
    "-2",
    "1.5",
    "0xab",
    "1h",
    "P1D",
    "NaN",
    "Infinity",
    "true",
    "--c\n",
    "/*x*/",
    "é",
    "\u{0}",
];

/// Checks one input; returns true when it parsed.
fn check(text: &str) -> bool {
    if let Err(e) = crate::parse_statements(text) {
        assert!(
            e.span.start <= e.span.end && e.span.end <= text.len(),
            "{text:?}: {e:?}"
        );
    }
    match parse_statement(text) {
        Ok(stmt) => {
            let printed = stmt.to_string();
            match parse_statement(&printed) {
                Ok(again) => assert_eq!(printed, again.to_string(), "from {text:?}"),
                Err(e) => panic!("{text:?} printed as {printed:?} which fails: {e}"),
            }
            let markers = stmt.bind_markers();
            for (i, m) in markers.iter().enumerate() {
                assert_eq!(m.index, i, "{text:?}");
                assert!(m.span.end <= text.len());
            }
            true
        }
        Err(e) => {
            assert!(e.span.start <= e.span.end, "{text:?}: {e:?}");
            assert!(e.span.end <= text.len(), "{text:?}: {e:?}");
            assert!(text.is_char_boundary(e.span.start), "{text:?}: {e:?}");
            assert!(text.is_char_boundary(e.span.end), "{text:?}: {e:?}");
            assert!(!e.message.is_empty());
            false
        }
    }
}

#[test]
fn valid_statements_round_trip() {
    for text in VALID {
        let stmt = parse_statement(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let printed = stmt.to_string();
        assert_eq!(
            parse_statement(&printed).map(|s| s.to_string()),
            Ok(printed)
        );
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let len = rng.below(60);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        check(&String::from_utf8_lossy(&bytes));
        let ascii: String = (0..len)
            .map(|_| char::from(b' ' + (rng.below(95) as u8)))
            .collect();
        check(&ascii);
    }
}

#[test]
fn token_soups_never_panic() {
    let mut rng = Rng(42);
    for _ in 0..5000 {
        let n = rng.below(25);
        let mut text = String::new();
        for _ in 0..n {
            text.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]);
            text.push(' ');
        }
        check(&text);
    }
}

#[test]
fn mutated_statements_never_panic() {
    let mut rng = Rng(7);
    let mut parsed = 0;
    for round in 0..20_000 {
        let base = VALID[round % VALID.len()];
        let mut text: Vec<char> = base.chars().collect();
        for _ in 0..=rng.below(3) {
            let pos = rng.below(text.len() + 1);
            match rng.below(4) {
                0 if pos < text.len() => {
                    text.remove(pos);
                }
                1 => {
                    let frag = FRAGMENTS[rng.below(FRAGMENTS.len())];
                    for (i, c) in frag.chars().enumerate() {
                        text.insert(pos + i, c);
                    }
                }
                2 if pos < text.len() => {
                    let end = (pos + rng.below(12)).min(text.len());
                    text.drain(pos..end);
                }
                _ => text.truncate(pos),
            }
        }
        let text: String = text.into_iter().collect();
        parsed += usize::from(check(&text));
    }
    // Many mutations (a removed optional clause, a changed literal) still parse and were
    // checked for printing back.
    assert!(parsed > 1000, "only {parsed} mutated statements parsed");
}
