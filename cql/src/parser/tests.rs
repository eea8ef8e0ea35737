//! Parser tests: every statement kind, spans, errors, bind markers, printing back.

use crate::ast::*;
use crate::{parse_statement, parse_statements, ParseErrorKind};

fn parse(text: &str) -> Statement {
    match parse_statement(text) {
        Ok(s) => s,
        Err(e) => panic!("{text}\n{e} at {:?}", e.span),
    }
}

fn err(text: &str) -> crate::ParseError {
    match parse_statement(text) {
        Ok(s) => panic!("{text} parsed as {s:?}"),
        Err(e) => e,
    }
}

fn slice(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

/// Printing then parsing again prints the same text.
fn assert_round_trip(text: &str) -> String {
    let printed = parse(text).to_string();
    let again = parse(&printed).to_string();
    assert_eq!(printed, again, "from {text}");
    printed
}

fn select(text: &str) -> Select {
    match parse(text) {
        Statement::Select(s) => s,
        other => panic!("not a select: {other:?}"),
    }
}

fn update(text: &str) -> Update {
    match parse(text) {
        Statement::Update(s) => s,
        other => panic!("not an update: {other:?}"),
    }
}

fn integer(t: &Term) -> &str {
    match &t.kind {
        TermKind::Literal(Literal::Integer(s)) => s,
        other => panic!("not an integer: {other:?}"),
    }
}

#[test]
fn select_with_every_clause() {
    let text = "SELECT DISTINCT a, b AS bee, COUNT(*), WRITETIME(c), TTL(c), token(a, b), \
                toTimestamp(now()), CAST(x AS text), m['k'], u.f FROM ks.t \
                WHERE a = ? AND b IN (1, 2) AND c > 3 GROUP BY a ORDER BY b DESC, c \
                PER PARTITION LIMIT 2 LIMIT ? ALLOW FILTERING;";
    let s = select(text);
    assert!(s.distinct && !s.json && s.allow_filtering);
    let Selection::Selectors(sel) = &s.selection else {
        panic!("selectors expected")
    };
    assert_eq!(sel.len(), 10);
    assert_eq!(sel[1].alias.as_ref().map(|a| a.as_str()), Some("bee"));
    assert!(matches!(sel[2].expr.kind, SelectorKind::CountAll));
    assert!(matches!(&sel[3].expr.kind, SelectorKind::WriteTime(c) if c.name == "c"));
    assert!(matches!(&sel[4].expr.kind, SelectorKind::Ttl(c) if c.name == "c"));
    assert!(
        matches!(&sel[5].expr.kind, SelectorKind::Function { name, args } if name.name.name == "token" && args.len() == 2)
    );
    assert!(
        matches!(&sel[6].expr.kind, SelectorKind::Function { name, args } if name.name.name == "totimestamp" && args.len() == 1)
    );
    assert!(matches!(
        &sel[7].expr.kind,
        SelectorKind::Cast {
            ty: CqlType::Native(NativeType::Text),
            ..
        }
    ));
    assert!(matches!(&sel[8].expr.kind, SelectorKind::Element { .. }));
    assert!(matches!(&sel[9].expr.kind, SelectorKind::Field { field, .. } if field.name == "f"));
    assert_eq!(slice(text, sel[7].span), "CAST(x AS text)");
    assert_eq!(s.table.keyspace.as_ref().map(|k| k.as_str()), Some("ks"));
    assert_eq!(s.where_clause.len(), 3);
    assert_eq!(s.group_by.len(), 1);
    assert_eq!(s.order_by[0].order, Order::Desc);
    assert_eq!(s.order_by[1].order, Order::Asc);
    assert_eq!(integer(s.per_partition_limit.as_ref().unwrap()), "2");
    assert!(matches!(
        s.limit.as_ref().map(|t| &t.kind),
        Some(TermKind::BindMarker(BindMarker { index: 1, .. }))
    ));
    assert_eq!(s.span, Span::new(0, text.len() - 1));
    assert_round_trip(text);
}

#[test]
fn select_star_json_and_count_one() {
    let s = select("select json * from t");
    assert!(s.json);
    assert!(matches!(
        s.selection,
        Selection::Wildcard(Span { start: 12, end: 13 })
    ));
    let s = select("SELECT count(1) FROM t");
    let Selection::Selectors(sel) = &s.selection else {
        panic!()
    };
    assert!(matches!(sel[0].expr.kind, SelectorKind::CountAll));
    // `json` and `distinct` are also valid column names.
    let s = select("SELECT json, distinct FROM t");
    let Selection::Selectors(sel) = &s.selection else {
        panic!()
    };
    assert!(!s.json && !s.distinct && sel.len() == 2);
}

#[test]
fn relations_of_every_kind() {
    let text = "SELECT * FROM t WHERE token(a, b) > token(?, ?) AND (c, d) >= (1, 'x') \
                AND (c, d) IN ((1, 'a'), (2, 'b')) AND e IN ? AND f CONTAINS 3 \
                AND g CONTAINS KEY 'k' AND h LIKE 'abc%' AND i IS NOT NULL AND m['k'] = 5 \
                AND j != 4 AND k <= 5 AND l < 6 AND n NOT IN (1)";
    let s = select(text);
    let w = &s.where_clause;
    assert!(matches!(&w[0].target, RelationTarget::Token(c) if c.len() == 2));
    assert_eq!(w[0].op, Operator::Gt);
    assert!(
        matches!(&w[0].value, RelationValue::Term(Term { kind: TermKind::FunctionCall { args, .. }, .. }) if args.len() == 2)
    );
    assert!(matches!(&w[1].target, RelationTarget::Tuple(c) if c.len() == 2));
    assert!(
        matches!(&w[1].value, RelationValue::Term(Term { kind: TermKind::Tuple(t), .. }) if t.len() == 2)
    );
    assert!(matches!(&w[2].value, RelationValue::List(items) if items.len() == 2));
    assert_eq!(w[3].op, Operator::In);
    assert!(matches!(
        &w[3].value,
        RelationValue::Term(Term {
            kind: TermKind::BindMarker(_),
            ..
        })
    ));
    assert_eq!(w[4].op, Operator::Contains);
    assert_eq!(w[5].op, Operator::ContainsKey);
    assert_eq!(w[6].op, Operator::Like);
    assert_eq!(w[7].op, Operator::IsNot);
    assert_eq!(w[7].value, RelationValue::Null);
    assert!(matches!(&w[8].target, RelationTarget::Element { column, .. } if column.name == "m"));
    assert_eq!(w[9].op, Operator::Ne);
    assert_eq!(w[10].op, Operator::Le);
    assert_eq!(w[11].op, Operator::Lt);
    assert_eq!(w[12].op, Operator::NotIn);
    assert_eq!(slice(text, w[7].span), "i IS NOT NULL");
    assert_eq!(slice(text, w[5].op_span), "CONTAINS KEY");
    assert_round_trip(text);
}

#[test]
fn parenthesized_relations() {
    let s = select("SELECT * FROM t WHERE (a = 1) AND ((b = 2))");
    assert_eq!(s.where_clause.len(), 2);
}

#[test]
fn insert_with_options() {
    let text = "INSERT INTO ks.users (id, name, tags, props, addr) VALUES \
                (?, 'bob', {'a', 'b'}, {'k': 1}, {street: 'x', \"Zip\": 75}) \
                IF NOT EXISTS USING TTL 86400 AND TIMESTAMP :ts";
    let Statement::Insert(i) = parse(text) else {
        panic!()
    };
    assert!(i.if_not_exists);
    assert_eq!(i.using.len(), 2);
    assert_eq!(i.using[0].kind, UsingKind::Ttl);
    assert_eq!(integer(&i.using[0].value), "86400");
    let InsertValues::Columns { columns, values } = &i.values else {
        panic!()
    };
    assert_eq!(columns.len(), 5);
    assert!(matches!(&values[2].kind, TermKind::Set(v) if v.len() == 2));
    assert!(matches!(&values[3].kind, TermKind::Map(v) if v.len() == 1));
    let TermKind::Udt(fields) = &values[4].kind else {
        panic!("udt expected")
    };
    assert_eq!(fields[1].0.name, "Zip");
    assert!(fields[1].0.quoted);
    assert_round_trip(text);
}

#[test]
fn insert_json() {
    let Statement::Insert(i) = parse("INSERT INTO t JSON '{\"a\": 1}' DEFAULT UNSET") else {
        panic!()
    };
    assert!(matches!(
        i.values,
        InsertValues::Json {
            default_unset: true,
            ..
        }
    ));
    assert_round_trip("INSERT INTO t JSON ? DEFAULT NULL");
}

#[test]
fn insert_column_value_count_mismatch_is_an_error() {
    let e = err("INSERT INTO t (a, b) VALUES (1)");
    assert_eq!(e.kind, ParseErrorKind::Invalid);
    assert!(e.message.contains("unmatched"), "{}", e.message);
}

#[test]
fn update_assignments() {
    let text = "UPDATE t USING TTL 10 SET a = 1, l = l + [2], l = [0] + l, s = s - {'x'}, \
                m['k'] = 'v', u.f = 3, c = c + ?, d = d - 1, e += 5, g -= 2, \
                x = 1 + 2 WHERE k = ? IF a = 1 AND m['k'] != 'v' AND u.f > 2";
    let u = update(text);
    assert_eq!(u.using.len(), 1);
    let ops: Vec<&AssignmentOp> = u.assignments.iter().map(|a| &a.op).collect();
    assert!(matches!(ops[0], AssignmentOp::Set(_)));
    assert!(matches!(
        ops[1],
        AssignmentOp::Add(Term {
            kind: TermKind::List(_),
            ..
        })
    ));
    assert!(matches!(
        ops[2],
        AssignmentOp::Prepend(Term {
            kind: TermKind::List(_),
            ..
        })
    ));
    assert!(matches!(
        ops[3],
        AssignmentOp::Remove(Term {
            kind: TermKind::Set(_),
            ..
        })
    ));
    assert!(matches!(
        &u.assignments[4].target,
        ColumnTarget::Element { .. }
    ));
    assert!(
        matches!(&u.assignments[5].target, ColumnTarget::Field { field, .. } if field.name == "f")
    );
    assert!(matches!(
        ops[6],
        AssignmentOp::Add(Term {
            kind: TermKind::BindMarker(BindMarker { index: 0, .. }),
            ..
        })
    ));
    assert!(matches!(ops[7], AssignmentOp::Remove(_)));
    assert!(matches!(ops[8], AssignmentOp::Add(_)));
    assert!(matches!(ops[9], AssignmentOp::Remove(_)));
    let Some(IfClause::Conditions(c)) = &u.if_clause else {
        panic!()
    };
    assert_eq!(c.len(), 3);
    assert_eq!(c[1].op, Operator::Ne);
    assert_round_trip(text);
}

#[test]
fn assigning_a_column_to_itself_is_an_error() {
    let e = err("UPDATE t SET h = h WHERE k = 1");
    assert_eq!(e.span, Span::new(17, 18));
    assert!(e.message.contains("expecting a term"), "{}", e.message);
}

#[test]
fn update_if_exists_and_arithmetic() {
    let u = update("UPDATE t SET x = 1 + 2 * 3 WHERE k = 1 IF EXISTS");
    assert!(matches!(u.if_clause, Some(IfClause::Exists(_))));
    let AssignmentOp::Set(t) = &u.assignments[0].op else {
        panic!()
    };
    let TermKind::Arithmetic { op, right, .. } = &t.kind else {
        panic!("{t:?}")
    };
    assert_eq!(*op, ArithmeticOp::Add);
    assert!(matches!(
        right.kind,
        TermKind::Arithmetic {
            op: ArithmeticOp::Mul,
            ..
        }
    ));
}

#[test]
fn delete_forms() {
    let text = "DELETE a, m['k'], u.f FROM ks.t USING TIMESTAMP 123 WHERE k = ? IF EXISTS";
    let Statement::Delete(d) = parse(text) else {
        panic!()
    };
    assert_eq!(d.columns.len(), 3);
    assert_eq!(slice(text, d.columns[1].span), "m['k']");
    assert!(matches!(d.if_clause, Some(IfClause::Exists(_))));
    assert_round_trip(text);
    assert_round_trip("DELETE FROM t WHERE k = 1 IF v = 2");
    assert_eq!(
        err("DELETE FROM t USING TTL 3 WHERE k = 1").kind,
        ParseErrorKind::Invalid
    );
}

#[test]
fn batches() {
    let text = "BEGIN UNLOGGED BATCH USING TIMESTAMP ? \
                INSERT INTO t (a) VALUES (?); UPDATE t SET b = ? WHERE a = ?; \
                DELETE FROM t WHERE a = :x APPLY BATCH;";
    let s = parse(text);
    let Statement::Batch(b) = &s else { panic!() };
    assert_eq!(b.kind, BatchKind::Unlogged);
    assert_eq!(b.statements.len(), 3);
    let markers = s.bind_markers();
    assert_eq!(markers.len(), 5);
    for (i, m) in markers.iter().enumerate() {
        assert_eq!(m.index, i);
    }
    assert_eq!(markers[4].kind, BindMarkerKind::Named("x".into()));
    assert_round_trip(text);
    let Statement::Batch(b) =
        parse("BEGIN COUNTER BATCH UPDATE c SET n = n + 1 WHERE k = 1 APPLY BATCH")
    else {
        panic!()
    };
    assert_eq!(b.kind, BatchKind::Counter);
    assert!(parse_statement("BEGIN BATCH SELECT * FROM t APPLY BATCH").is_err());
    assert!(parse_statement("BEGIN BATCH INSERT INTO t (a) VALUES (1)").is_err());
}

#[test]
fn bind_markers_are_numbered_in_order_of_appearance() {
    let text = "SELECT * FROM t WHERE a = ? AND b = :Named AND c IN (?, :\"Q\") LIMIT ?";
    let s = parse(text);
    let m = s.bind_markers();
    assert_eq!(m.len(), 5);
    assert_eq!(m[0].kind, BindMarkerKind::Positional);
    assert_eq!(m[1].kind, BindMarkerKind::Named("named".into()));
    assert_eq!(m[3].kind, BindMarkerKind::Named("Q".into()));
    assert_eq!(slice(text, m[1].span), ":Named");
    assert_eq!(slice(text, m[4].span), "?");
    assert_eq!(
        m.iter().map(|m| m.index).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4]
    );
}

#[test]
fn scripts_number_markers_per_statement() {
    let all =
        parse_statements("USE ks; INSERT INTO t (a) VALUES (?);; SELECT * FROM t WHERE a = ?")
            .unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[2].bind_markers()[0].index, 0);
    assert!(parse_statements("").unwrap().is_empty());
    assert!(parse_statements("USE a USE b").is_err());
}

#[test]
fn keyspaces() {
    let text = "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = \
                {'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': '2'} AND durable_writes = false";
    let Statement::CreateKeyspace(k) = parse(text) else {
        panic!()
    };
    assert!(k.if_not_exists);
    let rep = find_property(&k.properties, "replication").unwrap();
    assert_eq!(rep.value.as_map().unwrap().len(), 3);
    assert_eq!(
        find_property(&k.properties, "durable_writes").map(|p| &p.value),
        Some(&PropertyValue::Constant(Literal::Boolean(false)))
    );
    assert_round_trip(text);
    assert_round_trip("ALTER KEYSPACE ks WITH durable_writes = true");
    assert_round_trip("DROP KEYSPACE IF EXISTS ks");
    assert_round_trip("USE \"MyKs\"");
}

#[test]
fn create_table_forms() {
    let text = "CREATE TABLE IF NOT EXISTS ks.events (\
                tenant text, day date, ts timeuuid, kind text static, \
                data frozen<map<text, list<int>>>, addr ks.address, v vector<float, 3>, \
                t tuple<int, text>, c 'org.example.Custom', \
                PRIMARY KEY ((tenant, day), ts, kind)) \
                WITH CLUSTERING ORDER BY (ts DESC, kind ASC) AND default_time_to_live = 3600 \
                AND comment = 'x' AND compaction = {'class': 'LeveledCompactionStrategy'}";
    let Statement::CreateTable(t) = parse(text) else {
        panic!()
    };
    assert_eq!(t.columns.len(), 9);
    assert!(t.columns[3].is_static);
    assert_eq!(t.columns[4].ty.to_string(), "frozen<map<text, list<int>>>");
    assert_eq!(
        slice(text, t.columns[4].ty_span),
        "frozen<map<text, list<int>>>"
    );
    assert_eq!(t.columns[5].ty.to_string(), "ks.address");
    assert_eq!(
        t.columns[6].ty,
        CqlType::Vector(Box::new(CqlType::Native(NativeType::Float)), 3)
    );
    assert_eq!(
        t.columns[8].ty,
        CqlType::Custom("org.example.Custom".into())
    );
    let pk = t.key().unwrap();
    assert_eq!(pk.partition_key.len(), 2);
    assert_eq!(pk.clustering_columns.len(), 2);
    assert_eq!(t.clustering_order.len(), 2);
    assert_eq!(t.clustering_order[0].order, Order::Desc);
    assert_eq!(t.properties.len(), 3);
    assert!(t.compact_storage.is_none());
    assert_round_trip(text);

    let Statement::CreateTable(t) =
        parse("create table T (ID int primary key, v varchar) with compact storage")
    else {
        panic!()
    };
    assert_eq!(t.name.name.name, "t");
    assert_eq!(t.key().unwrap().partition_key[0].name, "id");
    assert_eq!(t.columns[1].ty, CqlType::Native(NativeType::Text));
    assert!(t.compact_storage.is_some());
    assert_eq!(
        err("CREATE TABLE t (a int PRIMARY KEY, b int, PRIMARY KEY (b))").kind,
        ParseErrorKind::Invalid
    );
}

#[test]
fn alter_drop_truncate_tables() {
    for text in [
        "ALTER TABLE ks.t ADD c int",
        "ALTER TABLE t ADD (c int, d set<text>)",
        "ALTER TABLE t DROP c",
        "ALTER TABLE t DROP (c, d) USING TIMESTAMP 10",
        "ALTER TABLE t RENAME a TO b AND c TO d",
        "ALTER TABLE t WITH gc_grace_seconds = 0 AND comment = 'c'",
        "DROP TABLE IF EXISTS ks.t",
        "TRUNCATE t",
        "TRUNCATE TABLE ks.t",
    ] {
        assert_round_trip(text);
    }
    let Statement::AlterTable(a) = parse("ALTER TABLE t ADD c int, d text") else {
        panic!()
    };
    assert!(matches!(a.action, AlterTableAction::Add { ref columns, .. } if columns.len() == 2));
    assert_eq!(
        err("ALTER TABLE t ALTER c TYPE text").kind,
        ParseErrorKind::Invalid
    );
}

#[test]
fn user_types() {
    let text =
        "CREATE TYPE IF NOT EXISTS ks.address (street text, zip int, tags frozen<set<text>>)";
    let Statement::CreateType(t) = parse(text) else {
        panic!()
    };
    assert_eq!(t.fields.len(), 3);
    assert_eq!(slice(text, t.fields[2].span), "tags frozen<set<text>>");
    assert_round_trip(text);
    assert_round_trip("ALTER TYPE address ADD country text");
    assert_round_trip("ALTER TYPE ks.address RENAME zip TO postcode AND street TO road");
    assert_round_trip("DROP TYPE IF EXISTS ks.address");
}

#[test]
fn indexes() {
    let Statement::CreateIndex(i) = parse("CREATE INDEX IF NOT EXISTS ON ks.t (KEYS(m))") else {
        panic!()
    };
    assert!(i.name.is_none());
    assert_eq!(i.targets[0].kind, IndexTargetKind::Keys);
    assert_round_trip("CREATE INDEX idx ON t (v)");
    assert_round_trip("CREATE INDEX idx ON t (ENTRIES(m))");
    assert_round_trip("CREATE INDEX idx ON t (FULL(l))");
    assert_round_trip("CREATE CUSTOM INDEX idx ON t (v) USING 'org.apache.cassandra.index.sasi.SASIIndex' WITH OPTIONS = {'mode': 'CONTAINS'}");
    assert_round_trip("DROP INDEX IF EXISTS ks.idx");
}

#[test]
fn unsupported_statements_have_their_own_kind() {
    for text in [
        "GRANT SELECT ON ALL KEYSPACES TO bob",
        "CREATE ROLE bob WITH PASSWORD = 'x'",
        "CREATE FUNCTION f (a int) RETURNS int LANGUAGE java AS 'return a;'",
        "CREATE MATERIALIZED VIEW v AS SELECT * FROM t",
        "DROP ROLE bob",
        "LIST ROLES",
        "DESCRIBE KEYSPACES",
    ] {
        assert_eq!(err(text).kind, ParseErrorKind::Unsupported, "{text}");
    }
}

#[test]
fn keywords_are_case_insensitive_and_identifiers_normalized() {
    let s = select("sElEcT \"Quoted\", Plain FrOm Ks.\"Tab\"\"le\" wHeRe K = 1");
    let Selection::Selectors(sel) = &s.selection else {
        panic!()
    };
    assert!(matches!(&sel[0].expr.kind, SelectorKind::Column(c) if c.name == "Quoted" && c.quoted));
    assert!(matches!(&sel[1].expr.kind, SelectorKind::Column(c) if c.name == "plain" && !c.quoted));
    assert_eq!(s.table.keyspace.as_ref().unwrap().name, "ks");
    assert_eq!(s.table.name.name, "Tab\"le");
    assert_eq!(s.table.to_string(), "ks.\"Tab\"\"le\"");
}

#[test]
fn non_reserved_keywords_are_identifiers() {
    let text = "SELECT key, type, ttl, writetime, count, json, value FROM t WHERE key = 1";
    let s = select(text);
    let Selection::Selectors(sel) = &s.selection else {
        panic!()
    };
    assert_eq!(sel.len(), 7);
    assert_round_trip(text);
    parse("CREATE TABLE t (key int PRIMARY KEY, type text, filtering int, static_col int)");
}

#[test]
fn reserved_keywords_need_quotes() {
    let e = err("SELECT from FROM t");
    assert_eq!(e.span, Span::new(7, 11));
    let e = err("CREATE TABLE t (select int PRIMARY KEY)");
    assert!(e.message.contains("reserved"), "{}", e.message);
    assert_eq!(e.span, Span::new(16, 22));
    let s = select("SELECT \"select\" FROM \"table\"");
    assert_eq!(s.to_string(), "SELECT \"select\" FROM \"table\"");
}

#[test]
fn literals() {
    let u = update(
        "UPDATE t SET a = -1, b = 1.5e3, c = NaN, d = -Infinity, e = true, f = 0xcafe, \
         g = 123e4567-e89b-12d3-a456-426614174000, h = 1h30m, i = -P1D, j = null, \
         k = $$it's$$, l = 'it''s', m = (int) ?, n = (frozen<list<int>>) [1], o = now(), \
         p = toTimestamp(now()), q = ks.fn(1, 'a'), r = (1, 'a', [2]), s = {}, \
         v = -(1 + 2) WHERE k = 1",
    );
    let lit = |i: usize| match &u.assignments[i].op {
        AssignmentOp::Set(Term {
            kind: TermKind::Literal(l),
            ..
        }) => l.clone(),
        other => panic!("{i}: {other:?}"),
    };
    assert_eq!(lit(0), Literal::Integer("-1".into()));
    assert_eq!(lit(1), Literal::Float("1.5e3".into()));
    assert_eq!(lit(2), Literal::NaN);
    assert_eq!(lit(3), Literal::Infinity { negative: true });
    assert_eq!(lit(4), Literal::Boolean(true));
    assert_eq!(lit(5), Literal::Blob(vec![0xca, 0xfe]));
    assert!(matches!(lit(6), Literal::Uuid(b) if b[0] == 0x12 && b[15] == 0));
    assert_eq!(lit(7), Literal::Duration("1h30m".into()));
    assert_eq!(lit(8), Literal::Duration("-P1D".into()));
    assert_eq!(lit(9), Literal::Null);
    assert_eq!(lit(10), Literal::String("it's".into()));
    assert_eq!(lit(11), Literal::String("it's".into()));
    let term = |i: usize| u.assignments[i].op.term().kind.clone();
    assert!(matches!(
        term(12),
        TermKind::TypeHint {
            ty: CqlType::Native(NativeType::Int),
            ..
        }
    ));
    assert!(matches!(
        term(13),
        TermKind::TypeHint {
            ty: CqlType::Frozen(_),
            ..
        }
    ));
    assert!(matches!(term(14), TermKind::FunctionCall { ref args, .. } if args.is_empty()));
    assert!(matches!(term(15), TermKind::FunctionCall { ref args, .. } if args.len() == 1));
    assert!(matches!(term(16), TermKind::FunctionCall { ref name, .. } if name.keyspace.is_some()));
    assert!(matches!(term(17), TermKind::Tuple(ref items) if items.len() == 3));
    assert!(matches!(term(18), TermKind::Map(ref e) if e.is_empty()));
    assert!(matches!(term(19), TermKind::Negate(_)));
    let printed = u.to_string();
    assert_eq!(parse(&printed).to_string(), printed);
}

#[test]
fn spans_point_at_the_right_bytes() {
    let text = "UPDATE ks.t SET v = 'x' WHERE k = ? AND c > 5 IF v = 'é'";
    let u = update(text);
    assert_eq!(slice(text, u.table.span), "ks.t");
    assert_eq!(slice(text, u.assignments[0].span), "v = 'x'");
    assert_eq!(slice(text, u.assignments[0].op.term().span), "'x'");
    assert_eq!(slice(text, u.where_clause[1].span), "c > 5");
    let Some(IfClause::Conditions(c)) = &u.if_clause else {
        panic!()
    };
    assert_eq!(slice(text, c[0].span), "v = 'é'");
    assert_eq!(u.span, Span::new(0, text.len()));
}

#[test]
fn error_spans_and_messages() {
    let text = "SELECT * FORM t";
    let e = err(text);
    assert_eq!(slice(text, e.span), "FORM");
    assert_eq!(e.message, "line 1:9 mismatched input 'FORM' expecting FROM");
    assert_eq!(e.kind, ParseErrorKind::UnexpectedToken);
    let e = err("SELECT * FROM");
    assert_eq!(e.kind, ParseErrorKind::UnexpectedEnd);
    assert_eq!(e.span, Span::new(13, 13));
    let e = err("SELEC * FROM t");
    assert!(e.message.contains("no viable alternative at input 'SELEC'"));
    let text = "SELECT a\nFROM t\nWHERE a = = 1";
    let e = err(text);
    assert_eq!(e.line_col(text), (3, 10));
    assert!(e.message.starts_with("line 3:10"), "{}", e.message);
    let e = err("SELECT * FROM t WHERE a = 'open");
    assert_eq!(e.kind, ParseErrorKind::InvalidToken);
    assert_eq!(e.span, Span::new(26, 31));
    let e = err("SELECT * FROM t; SELECT");
    assert_eq!(e.span, Span::new(17, 23));
}

#[test]
fn deep_nesting_is_refused_not_overflowing() {
    let text = format!(
        "SELECT * FROM t WHERE a = {}1{}",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    assert_eq!(err(&text).kind, ParseErrorKind::Invalid);
    let text = format!("SELECT * FROM t WHERE a = {}1", "-".repeat(5000));
    assert!(parse_statement(&text).is_err());
    let text = format!("SELECT * FROM t WHERE a = 1{}", " + 1".repeat(5000));
    assert!(parse_statement(&text).is_err());
    let text = format!("SELECT {}a{} FROM t", "f(".repeat(5000), ")".repeat(5000));
    assert!(parse_statement(&text).is_err());
    let text = format!(
        "CREATE TABLE t (a {}int{} PRIMARY KEY)",
        "list<".repeat(5000),
        ">".repeat(5000)
    );
    assert!(parse_statement(&text).is_err());
    let text = format!(
        "SELECT * FROM t WHERE {}a = 1{}",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    assert!(parse_statement(&text).is_err());
}

#[test]
fn cql_type_display() {
    let Statement::CreateTable(t) = parse(
        "CREATE TABLE t (k int PRIMARY KEY, a FROZEN<Map<TEXT, Int>>, b tuple<int, frozen<\"MyType\">>, c list<varchar>)",
    ) else {
        panic!()
    };
    assert_eq!(t.columns[1].ty.to_string(), "frozen<map<text, int>>");
    assert_eq!(
        t.columns[2].ty.to_string(),
        "tuple<int, frozen<\"MyType\">>"
    );
    assert_eq!(t.columns[3].ty.to_string(), "list<text>");
    assert!(t.columns[1].ty.is_frozen() && t.columns[1].ty.is_collection());
}

#[test]
fn trailing_semicolon_and_comments() {
    parse("SELECT * FROM t; -- trailing comment");
    parse("/* leading */ SELECT * FROM t // end");
    assert!(parse_statement("SELECT * FROM t;;").is_err());
}

#[test]
fn type_hints_versus_parenthesized_terms() {
    let u = update(
        "UPDATE t SET a = (ks.addr) {x: 1}, b = (ks.f(1)), c = (\"T\") ?, d = (1) WHERE k = 1",
    );
    assert!(matches!(
        &u.assignments[0].op.term().kind,
        TermKind::TypeHint {
            ty: CqlType::UserDefined(UserTypeName {
                keyspace: Some(_),
                ..
            }),
            ..
        }
    ));
    assert!(matches!(
        &u.assignments[1].op.term().kind,
        TermKind::FunctionCall { .. }
    ));
    assert!(matches!(
        &u.assignments[2].op.term().kind,
        TermKind::TypeHint { .. }
    ));
    assert_eq!(
        u.assignments[3]
            .op
            .term()
            .as_literal()
            .and_then(Literal::to_i64),
        Some(1)
    );
}

#[test]
fn literal_numeric_helpers() {
    assert_eq!(Literal::Integer("-42".into()).to_i64(), Some(-42));
    assert_eq!(
        Literal::Integer("99999999999999999999".into()).to_i64(),
        None
    );
    assert_eq!(Literal::Float("1.5e2".into()).to_f64(), Some(150.0));
    assert!(Literal::NaN.to_f64().is_some_and(f64::is_nan));
    assert_eq!(Literal::String("1".into()).to_i64(), None);
}

#[test]
fn collection_element_and_slice_selectors() {
    let text = "SELECT m['a'], s[1..2], m['b'..], l[..?] FROM t";
    let s = select(text);
    let Selection::Selectors(sel) = &s.selection else {
        panic!()
    };
    assert!(matches!(&sel[0].expr.kind, SelectorKind::Element { .. }));
    assert!(matches!(
        &sel[1].expr.kind,
        SelectorKind::Slice {
            from: Some(_),
            to: Some(_),
            ..
        }
    ));
    assert!(matches!(
        &sel[2].expr.kind,
        SelectorKind::Slice {
            from: Some(_),
            to: None,
            ..
        }
    ));
    assert!(matches!(
        &sel[3].expr.kind,
        SelectorKind::Slice {
            from: None,
            to: Some(_),
            ..
        }
    ));
    assert_eq!(slice(text, sel[1].span), "s[1..2]");
    assert_eq!(parse(text).bind_markers().len(), 1);
    assert_round_trip(text);
}

#[test]
fn token_prints_bare() {
    assert_eq!(
        assert_round_trip("SELECT token(k) FROM t WHERE token(k) > token(?)"),
        "SELECT token(k) FROM t WHERE token(k) > token(?)"
    );
}

#[test]
fn if_not_exists_on_update_is_explained() {
    let text = "UPDATE t SET a = 1 WHERE k = 1 IF NOT EXISTS";
    let e = err(text);
    assert_eq!(slice(text, e.span), "IF NOT EXISTS");
    assert!(e.message.contains("only valid on INSERT"), "{}", e.message);
}

#[test]
fn single_column_tuple_relations_keep_their_parentheses() {
    let text =
        "SELECT * FROM t WHERE k = 1 AND (c) > (1) AND (c) IN ((2), (3)) AND (c, d) IN (?, (4, 5))";
    let s = select(text);
    assert!(
        matches!(&s.where_clause[1].value, RelationValue::Term(Term { kind: TermKind::Tuple(v), .. }) if v.len() == 1)
    );
    assert!(
        matches!(&s.where_clause[2].value, RelationValue::List(v) if matches!(&v[0].kind, TermKind::Tuple(t) if t.len() == 1))
    );
    assert!(
        matches!(&s.where_clause[3].value, RelationValue::List(v) if matches!(v[0].kind, TermKind::BindMarker(_)))
    );
    assert_eq!(assert_round_trip(text), text);
}

#[test]
fn selector_expressions_mixing_columns() {
    let text = "SELECT a + 1, -b, (c * 2) - d, (int) e, (a, 1), [a, b], {a, 'x'}, {a: b}, 1 + 2, (1 + a) * 3, [1, 2] FROM t";
    let s = select(text);
    let Selection::Selectors(sel) = &s.selection else {
        panic!()
    };
    assert!(matches!(
        &sel[0].expr.kind,
        SelectorKind::Arithmetic {
            op: ArithmeticOp::Add,
            ..
        }
    ));
    assert!(matches!(&sel[1].expr.kind, SelectorKind::Negate(_)));
    assert!(matches!(
        &sel[2].expr.kind,
        SelectorKind::Arithmetic {
            op: ArithmeticOp::Sub,
            ..
        }
    ));
    assert!(matches!(
        &sel[3].expr.kind,
        SelectorKind::TypeHint {
            ty: CqlType::Native(NativeType::Int),
            ..
        }
    ));
    assert!(matches!(&sel[4].expr.kind, SelectorKind::Tuple(v) if v.len() == 2));
    assert!(matches!(&sel[5].expr.kind, SelectorKind::List(v) if v.len() == 2));
    assert!(matches!(&sel[6].expr.kind, SelectorKind::Set(v) if v.len() == 2));
    assert!(matches!(&sel[7].expr.kind, SelectorKind::Map(v) if v.len() == 1));
    // Selectors made only of values stay terms.
    assert!(matches!(
        &sel[8].expr.kind,
        SelectorKind::Term(Term {
            kind: TermKind::Arithmetic { .. },
            ..
        })
    ));
    assert!(matches!(
        &sel[9].expr.kind,
        SelectorKind::Arithmetic {
            op: ArithmeticOp::Mul,
            ..
        }
    ));
    assert!(matches!(
        &sel[10].expr.kind,
        SelectorKind::Term(Term {
            kind: TermKind::List(_),
            ..
        })
    ));
    assert_eq!(slice(text, sel[2].span), "(c * 2) - d");
    assert_round_trip(text);
}

#[test]
fn selector_errors_point_at_the_furthest_token() {
    let text = "SELECT (a + ) FROM t";
    let e = err(text);
    assert_eq!(slice(text, e.span), ")");
}

#[test]
fn many_selectors_with_accesses_do_not_exhaust_the_depth() {
    let selectors = vec!["u.f[1].g"; 300].join(", ");
    let text = format!("SELECT {selectors} FROM t");
    let s = select(&text);
    assert!(matches!(s.selection, Selection::Selectors(ref v) if v.len() == 300));
}

#[test]
fn worst_case_nesting_fits_in_a_small_stack() {
    let n = 5000;
    let cases = [
        format!("SELECT {}a{} FROM t", "(".repeat(n), ")".repeat(n)),
        format!("SELECT {}a{} FROM t", "[".repeat(n), "]".repeat(n)),
        format!("SELECT {}a{} FROM t", "{".repeat(n), "}".repeat(n)),
        format!("SELECT {}a FROM t", "-(".repeat(n)),
        format!("SELECT {}a FROM t", "(int) ".repeat(n)),
        format!("SELECT {}a{} FROM t", "f(".repeat(n), ")".repeat(n)),
        format!("SELECT {}1{} FROM t", "(".repeat(n), ")".repeat(n)),
        format!("SELECT a{} FROM t", "[1]".repeat(n)),
        format!("SELECT a{} FROM t", " + a".repeat(n)),
        format!(
            "SELECT * FROM t WHERE a = {}1{}",
            "{x: ".repeat(n),
            "}".repeat(n)
        ),
        format!(
            "SELECT * FROM t WHERE a = {}1{}",
            "(".repeat(n),
            ")".repeat(n)
        ),
        format!("SELECT * FROM t WHERE a = {}1", "(int) ".repeat(n)),
        format!(
            "SELECT * FROM t WHERE a = {}1{}",
            "f(".repeat(n),
            ")".repeat(n)
        ),
        format!(
            "SELECT * FROM t WHERE {}a = 1{}",
            "(".repeat(n),
            ")".repeat(n)
        ),
        format!(
            "UPDATE t SET a = {}1{} WHERE k = 1",
            "{1: ".repeat(n),
            "}".repeat(n)
        ),
        format!(
            "CREATE TABLE t (a {}int{} PRIMARY KEY)",
            "frozen<".repeat(n),
            ">".repeat(n)
        ),
        format!(
            "SELECT CAST({}a AS int{} FROM t",
            "CAST(".repeat(n),
            " AS int)".repeat(n)
        ),
    ];
    // Less than the 2 MiB that test and tokio worker threads get.
    let handle = std::thread::Builder::new()
        .stack_size(1536 * 1024)
        .spawn(move || {
            for text in &cases {
                assert!(parse_statement(text).is_err());
            }
        })
        .unwrap();
    assert!(handle.join().is_ok());
}

#[test]
fn realistic_nesting_is_accepted() {
    parse("CREATE TABLE t (k int PRIMARY KEY, v frozen<map<text, frozen<list<tuple<int, frozen<set<text>>>>>>>)");
    parse("UPDATE t SET v = {'a': [(1, {'x', 'y'}), (2, {})], 'b': []} WHERE k = 1");
    parse("SELECT toJson(CAST(max(a) AS text)), writetime(b), token(k) FROM t");
    parse("SELECT * FROM t WHERE a = 1 + 2 * 3 - 4 / 5 % 6 + 7 + 8 + 9 + 10 + 11 + 12");
}

#[test]
fn negations_print_without_starting_a_comment() {
    for text in [
        "UPDATE t SET a = - -5, b = -(-1.5), c = - -Infinity, d = -(-f()) WHERE k = 1",
        "SELECT -2-b, - -a, -(-1) FROM t",
    ] {
        let printed = assert_round_trip(text);
        assert!(!printed.contains("--"), "{printed}");
    }
}
