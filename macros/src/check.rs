//! Checks of the model that need no CQL parsing: keys, names, counters, static columns.

use proc_macro2::Span;

use crate::attr::ContainerKind;
use crate::ctxt::Ctxt;
use crate::model::Model;

/// Checks a name Ringbolt writes unquoted into CQL: lowercase letters, digits and `_`, not
/// starting with a digit, not a reserved word.
pub fn check_name(cx: &Ctxt, what: &str, name: &str, span: Span, max_len: Option<usize>) {
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        cx.error_at(
            span,
            format!(
                "{what} name `{name}` is not a plain CQL identifier; use lowercase ASCII letters, \
                 digits and `_`, starting with a letter or `_`"
            ),
        );
    } else if ringbolt_cql::is_reserved_keyword(name) {
        cx.error_at(
            span,
            format!("{what} name `{name}` is a reserved CQL keyword; choose another with `name = \"...\"`"),
        );
    } else if let Some(max) = max_len {
        if name.len() > max {
            cx.error_at(
                span,
                format!(
                    "{what} name `{name}` is longer than Cassandra's limit of {max} characters"
                ),
            );
        }
    }
}

pub fn check(cx: &Ctxt, model: &Model<'_>, kind: ContainerKind) {
    let what = match kind {
        ContainerKind::Table => "table",
        ContainerKind::UserType => "type",
    };
    check_name(cx, what, &model.name, model.name_span, Some(48));
    if let Some(ks) = &model.keyspace {
        check_name(cx, "keyspace", &ks.value(), ks.span(), Some(48));
    }
    let column_word = match kind {
        ContainerKind::Table => "column",
        ContainerKind::UserType => "field",
    };
    let mut seen: Vec<&str> = Vec::new();
    for f in model.columns() {
        check_name(cx, column_word, &f.column, f.column_span, None);
        if seen.contains(&f.column.as_str()) {
            cx.error_at(
                f.column_span,
                format!(
                    "duplicate {column_word} name `{}`; rename one with `name = \"...\"`",
                    f.column
                ),
            );
        } else {
            seen.push(&f.column);
        }
    }
    if model.columns().next().is_none() {
        cx.error_spanned_by(
            model.ident,
            format!("a {what} needs at least one {column_word} that is not `#[skip]`"),
        );
    }
    if kind == ContainerKind::Table {
        check_table(cx, model);
    }
}

fn check_table(cx: &Ctxt, model: &Model<'_>) {
    for f in &model.fields {
        let a = &f.attrs;
        if a.skip.is_some() {
            for (span, attr) in [
                (a.partition_key, "#[partition_key]"),
                (
                    a.clustering_key.as_ref().map(|c| c.span),
                    "#[clustering_key]",
                ),
                (a.static_column, "#[static_column]"),
                (a.counter, "#[counter]"),
            ] {
                if let Some(span) = span {
                    cx.error_at(
                        span,
                        format!("{attr} on a `#[skip]` field: a skipped field has no column"),
                    );
                }
            }
            continue;
        }
        if let (Some(_), Some(ck)) = (a.partition_key, &a.clustering_key) {
            cx.error_at(
                ck.span,
                "a column cannot be both in the partition key and a clustering column",
            );
        }
        if let Some(st) = a.static_column {
            if f.is_key() {
                cx.error_at(st, "a primary key column cannot be static");
            } else if model.clustering_key().next().is_none() {
                cx.error_at(
                    st,
                    "a static column needs a table with clustering columns (`#[clustering_key]`)",
                );
            }
        }
        if f.counter && f.is_key() {
            let span = a.counter.unwrap_or_else(|| crate::model::type_span(f.ty));
            cx.error_at(span, "a counter cannot be part of the primary key");
        }
    }
    if model.partition_key().next().is_none() {
        cx.error_at(
            model.name_span,
            "a table needs a partition key: mark at least one field `#[partition_key]`",
        );
    }
    if model.is_counter_table() {
        for f in model.columns() {
            if !f.counter && !f.is_key() {
                cx.error_at(
                    f.column_span,
                    format!(
                        "column `{}` is not a counter, but a table with counters can only have counters \
                         outside its primary key; move it to another table or mark it `#[counter]`",
                        f.column
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::DeriveInput;

    fn errors(src: &str) -> Vec<String> {
        let input: DeriveInput = syn::parse_str(src).unwrap();
        let cx = Ctxt::new();
        if let Some(model) = Model::from_ast(&cx, &input, ContainerKind::Table) {
            check(&cx, &model, ContainerKind::Table);
        }
        match cx.check() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn valid_table_has_no_errors() {
        let e = errors(
            "struct Event { #[partition_key] id: i32, #[clustering_key(desc)] at: i64, \
             #[static_column] owner: String, body: String, #[skip] cache: u8 }",
        );
        assert!(e.is_empty(), "{e:?}");
    }

    #[test]
    fn reports_every_error_not_only_the_first() {
        let e = errors(
            "struct T { id: i32, #[column(name = \"id\")] other: i32, #[skip] #[partition_key] x: i32 }",
        );
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(e[0].contains("duplicate column name `id`"), "{e:?}");
        assert!(e[1].contains("on a `#[skip]` field"), "{e:?}");
        assert!(e[2].contains("needs a partition key"), "{e:?}");
    }

    #[test]
    fn counter_rules() {
        let e = errors("struct C { #[partition_key] id: i32, #[counter] hits: i64, name: String }");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("column `name` is not a counter"), "{e:?}");
        let e = errors("struct C { #[partition_key] #[counter] id: i64 }");
        assert!(
            e[0].contains("counter cannot be part of the primary key"),
            "{e:?}"
        );
    }

    #[test]
    fn static_needs_clustering_columns() {
        let e = errors("struct S { #[partition_key] id: i32, #[static_column] s: i32 }");
        assert_eq!(e.len(), 1);
        assert!(e[0].contains("needs a table with clustering columns"));
    }

    #[test]
    fn names_must_be_plain_identifiers() {
        let e = errors("#[table(name = \"Bad-Name\")] struct S { #[partition_key] order: i32 }");
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].contains("not a plain CQL identifier"));
        assert!(e[1].contains("reserved CQL keyword"));
    }

    #[test]
    fn duplicate_attribute_reported() {
        let e = errors("struct S { #[partition_key] #[partition_key] id: i32 }");
        assert_eq!(e, ["duplicate attribute `partition_key`"]);
    }
}
