//! Unit tests of the hand-written query checks.

use super::*;
use crate::attr::ContainerKind;
use crate::ctxt::Ctxt;
use crate::expand::StatementFn;
use crate::model::Model;
use syn::DeriveInput;

const FIELDS: &str = "{ #[partition_key] tenant: String, #[partition_key] day: i32, \
    #[clustering_key] at: i64, #[clustering_key] seq: i32, body: Option<String>, tags: Vec<String>, \
    labels: std::collections::HashSet<String>, attrs: std::collections::HashMap<String, i32> }";

/// Runs the checks on one query; returns the generated statement or the error messages.
fn run(cql: &str, idempotent: Option<bool>) -> Result<StatementFn, Vec<String>> {
    let idem = idempotent.map_or(String::new(), |b| format!(", idempotent = {b}"));
    let src = format!("#[query(name = \"q\", cql = {cql:?}{idem})] struct Event {FIELDS}");
    let input: DeriveInput = syn::parse_str(&src).unwrap();
    let cx = Ctxt::new();
    let model = Model::from_ast(&cx, &input, ContainerKind::Table).unwrap();
    let plan = check_query(&cx, &model, &model.queries[0]);
    match cx.check() {
        Ok(()) => Ok(plan.unwrap().statement),
        Err(e) => Err(e.into_iter().map(|e| e.to_string()).collect()),
    }
}

fn args(s: &StatementFn) -> Vec<String> {
    s.args
        .iter()
        .map(|t| t.to_string().replace(' ', ""))
        .collect()
}

#[test]
fn select_by_partition_with_range_and_limit() {
    let s = run(
        "SELECT * FROM event WHERE tenant = ? AND day = ? AND at > ? LIMIT ?",
        None,
    )
    .unwrap();
    assert_eq!(args(&s), ["String", "i32", "i64", "::core::primitive::i32"]);
    assert!(s.idempotent);
    assert_eq!(s.pk_indexes, [0, 1]);
    assert_eq!(s.out.to_string(), "Event");
}

#[test]
fn in_marker_binds_a_vec_and_selected_columns_a_tuple() {
    let s = run(
        "SELECT body, at FROM event WHERE tenant IN ? AND day = ?",
        None,
    )
    .unwrap();
    assert_eq!(args(&s), ["::std::vec::Vec<String>", "i32"]);
    assert_eq!(s.out.to_string().replace(' ', ""), "(Option<String>,i64,)");
    assert!(s.pk_indexes.is_empty());
}

#[test]
fn idempotency_is_inferred_from_the_statement() {
    let key = "WHERE tenant = ? AND day = ? AND at = ? AND seq = ?";
    for (cql, expected) in [
        (format!("UPDATE event SET body = ? {key}"), true),
        (format!("UPDATE event SET labels = labels + ? {key}"), true),
        (format!("UPDATE event SET attrs = attrs + ? {key}"), true),
        (format!("UPDATE event SET tags = tags + ? {key}"), false),
        (format!("UPDATE event SET tags = ? + tags {key}"), false),
        (format!("UPDATE event SET tags = tags - ? {key}"), false),
        (format!("UPDATE event SET body = ? {key} IF EXISTS"), false),
        (format!("DELETE FROM event {key}"), true),
        (format!("DELETE FROM event {key} IF body = ?"), false),
        (
            "INSERT INTO event (tenant, day, at, seq, body) VALUES (?, ?, ?, ?, ?)".into(),
            true,
        ),
        (
            "INSERT INTO event (tenant, day, at, seq) VALUES (?, ?, ?, ?) IF NOT EXISTS".into(),
            false,
        ),
        (
            "INSERT INTO event (tenant, day, at, seq, body) VALUES (?, ?, ?, ?, toJson(now()))"
                .into(),
            false,
        ),
    ] {
        let s = run(&cql, None).unwrap_or_else(|e| panic!("{cql}: {e:?}"));
        assert_eq!(s.idempotent, expected, "{cql}");
    }
}

#[test]
fn claimed_idempotency_contradicted() {
    let e = run(
        "UPDATE event SET tags = tags + ? WHERE tenant = ? AND day = ? AND at = ? AND seq = ?",
        Some(true),
    )
    .unwrap_err();
    assert_eq!(e.len(), 1);
    assert!(e[0].contains("appends to the list `tags`"), "{e:?}");
    // Claiming less than the statement allows is fine.
    let s = run(
        "DELETE FROM event WHERE tenant = ? AND day = ?",
        Some(false),
    )
    .unwrap();
    assert!(!s.idempotent);
}

#[test]
fn where_rules() {
    let e = run("SELECT * FROM event WHERE tenant = ?", None).unwrap_err();
    assert!(e[0].contains("missing `day`"), "{e:?}");
    assert!(run("SELECT * FROM event WHERE tenant = ? ALLOW FILTERING", None).is_ok());
    assert!(run("SELECT * FROM event", None).is_ok());
    assert!(run("SELECT * FROM event WHERE token(tenant, day) > ?", None).is_ok());
    let e = run(
        "SELECT * FROM event WHERE tenant = ? AND day = ? AND seq = ?",
        None,
    )
    .unwrap_err();
    assert!(e[0].contains("`at`, which precedes it"), "{e:?}");
    let e = run(
        "SELECT * FROM event WHERE tenant = ? AND day = ? AND at < ? AND seq = ?",
        None,
    )
    .unwrap_err();
    assert!(e[0].contains("after a range on `at`"), "{e:?}");
    let e = run(
        "SELECT * FROM event WHERE tenant = ? AND day = ? ORDER BY body",
        None,
    )
    .unwrap_err();
    assert!(e[0].contains("only clustering columns"), "{e:?}");
    let e = run(
        "UPDATE event SET body = ? WHERE tenant = ? AND day = ? AND at = ?",
        None,
    )
    .unwrap_err();
    assert!(e[0].contains("missing clustering column `seq`"), "{e:?}");
}

#[test]
fn every_error_of_a_query_is_reported() {
    let e = run("SELECT nope FROM events WHERE day = ? ORDER BY tags", None).unwrap_err();
    assert_eq!(e.len(), 4, "{e:?}");
    assert!(e[0].contains("unknown table `events`"));
    assert!(e[1].contains("unknown column `nope`"));
    assert!(e[2].contains("missing `tenant`"));
    assert!(e[3].contains("ORDER BY `tags`"));
    // On stable the span is the literal's; the message quotes the token and its column.
    assert!(e[1].contains("at `nope` (CQL line 1, column 7)"), "{e:?}");
}

#[test]
fn markers_need_a_type() {
    let e = run(
        "SELECT * FROM event WHERE tenant = ? AND day = ? AND at = blobAsBigint(?)",
        None,
    )
    .unwrap_err();
    assert!(
        e[0].contains("cannot infer the type of this bind marker"),
        "{e:?}"
    );
    let e = run("SELECT * FROM event WHERE tenant = :t AND day = ?", None).unwrap_err();
    assert!(e[0].contains("do not mix named"), "{e:?}");
}

#[test]
fn map_and_list_elements() {
    let s = run(
        "UPDATE event SET attrs[?] = ?, tags[?] = ? WHERE tenant = ? AND day = ? AND at = ? AND seq = ?",
        None,
    )
    .unwrap();
    assert_eq!(
        args(&s)[..4],
        ["String", "i32", "::core::primitive::i32", "String"]
    );
    let s = run(
        "SELECT * FROM event WHERE tenant = ? AND day = ? AND labels CONTAINS ? ALLOW FILTERING",
        None,
    )
    .unwrap();
    assert_eq!(args(&s)[2], "String");
}

#[test]
fn partition_key_ranges_order_by_and_json() {
    let e = run("SELECT * FROM event WHERE tenant > ? AND day = ?", None).unwrap_err();
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].contains("`tenant` can only be restricted by `=` or `IN`"),
        "{e:?}"
    );
    assert!(e[0].contains("at `>`"), "{e:?}");
    let e = run("SELECT * FROM event ORDER BY at", None).unwrap_err();
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].contains("ORDER BY needs the partition key"), "{e:?}");
    assert!(run(
        "SELECT * FROM event WHERE tenant = ? AND day = ? ORDER BY at DESC",
        None
    )
    .is_ok());
    let s = run(
        "SELECT JSON * FROM event WHERE tenant = ? AND day = ?",
        None,
    )
    .unwrap();
    assert_eq!(
        s.out.to_string().replace(' ', ""),
        "(::std::string::String,)"
    );
}
