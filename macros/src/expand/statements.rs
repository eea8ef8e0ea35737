//! The statements every table gets: insert, get, select by partition / clustering prefix /
//! range, update, increment and decrement, delete.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Type;

use super::{private, StatementFn};
use crate::model::{Field, Model};

fn ty_tokens(ty: &Type) -> TokenStream {
    quote!(#ty)
}

fn where_eq(fields: &[&Field<'_>]) -> String {
    fields
        .iter()
        .map(|f| format!("{} = ?", f.column))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The names of the functions generated for every statement of the table.
pub fn generated_names(model: &Model<'_>) -> Vec<String> {
    table_statements(model)
        .iter()
        .map(|s| s.name.to_string())
        .collect()
}

/// The statements every table gets.
pub(super) fn table_statements(model: &Model<'_>) -> Vec<StatementFn> {
    let p = private(model);
    let q = model.qualified_name();
    let this = {
        let ident = model.ident;
        quote!(#ident)
    };
    let cols: Vec<&Field<'_>> = model.columns().collect();
    let pk: Vec<&Field<'_>> = model.partition_key().collect();
    let ck: Vec<&Field<'_>> = model.clustering_key().collect();
    let key: Vec<&Field<'_>> = pk.iter().chain(ck.iter()).copied().collect();
    let non_key: Vec<&Field<'_>> = cols.iter().filter(|f| !f.is_key()).copied().collect();
    let col_list = cols
        .iter()
        .map(|f| f.column.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let pk_first: Vec<usize> = (0..pk.len()).collect();
    let mut out = Vec::new();
    let types = |fs: &[&Field<'_>]| fs.iter().map(|f| ty_tokens(f.ty)).collect::<Vec<_>>();

    if !model.is_counter_table() {
        let marks = vec!["?"; cols.len()].join(", ");
        let insert = format!("INSERT INTO {q} ({col_list}) VALUES ({marks})");
        let pk_in_cols: Vec<usize> = pk
            .iter()
            .filter_map(|k| cols.iter().position(|c| c.column == k.column))
            .collect();
        out.push(StatementFn {
            name: format_ident!("insert"),
            doc: "Inserts (or overwrites) a row; bind every column in field order.".into(),
            cql: insert.clone(),
            idempotent: true,
            args: types(&cols),
            out: quote!(()),
            pk_indexes: pk_in_cols.clone(),
        });
        out.push(StatementFn {
            name: format_ident!("insert_if_not_exists"),
            doc: "Inserts a row unless one exists with the same primary key (a lightweight transaction; \
                  not idempotent)."
                .into(),
            cql: format!("{insert} IF NOT EXISTS"),
            idempotent: false,
            args: types(&cols),
            out: quote!(#p::Applied),
            pk_indexes: pk_in_cols,
        });
    }
    out.push(StatementFn {
        name: format_ident!("get"),
        doc: "Reads the row with the given full primary key (partition key, then clustering columns).".into(),
        cql: format!("SELECT {col_list} FROM {q} WHERE {}", where_eq(&key)),
        idempotent: true,
        args: types(&key),
        out: this.clone(),
        pk_indexes: pk_first.clone(),
    });
    out.push(StatementFn {
        name: format_ident!("select_partition"),
        doc: "Reads every row of one partition, in clustering order.".into(),
        cql: format!("SELECT {col_list} FROM {q} WHERE {}", where_eq(&pk)),
        idempotent: true,
        args: types(&pk),
        out: this.clone(),
        pk_indexes: pk_first.clone(),
    });
    for n in 1..ck.len() {
        let prefix: Vec<&Field<'_>> = pk.iter().chain(ck.iter().take(n)).copied().collect();
        let suffix = ck
            .iter()
            .take(n)
            .map(|f| f.column.as_str())
            .collect::<Vec<_>>()
            .join("_");
        out.push(StatementFn {
            name: format_ident!("select_by_partition_and_{}", suffix),
            doc: format!("Reads the rows of one partition whose first {n} clustering column(s) are equal to the values."),
            cql: format!("SELECT {col_list} FROM {q} WHERE {}", where_eq(&prefix)),
            idempotent: true,
            args: types(&prefix),
            out: this.clone(),
            pk_indexes: pk_first.clone(),
        });
    }
    for (n, c) in ck.iter().enumerate() {
        let prefix: Vec<&Field<'_>> = pk.iter().chain(ck.iter().take(n)).copied().collect();
        let mut args = types(&prefix);
        args.push(ty_tokens(c.ty));
        args.push(ty_tokens(c.ty));
        out.push(StatementFn {
            name: format_ident!("select_range_{}", c.column),
            doc: format!(
                "Reads the rows of one partition{} whose `{}` is in the half-open range [from, to).",
                if n > 0 { " (and clustering prefix)" } else { "" },
                c.column
            ),
            cql: format!(
                "SELECT {col_list} FROM {q} WHERE {}{}{} >= ? AND {} < ?",
                where_eq(&prefix),
                " AND ",
                c.column,
                c.column
            ),
            idempotent: true,
            args,
            out: this.clone(),
            pk_indexes: pk_first.clone(),
        });
    }
    let settable: Vec<&Field<'_>> = non_key.iter().filter(|f| !f.counter).copied().collect();
    if !settable.is_empty() {
        let set = settable
            .iter()
            .map(|f| format!("{} = ?", f.column))
            .collect::<Vec<_>>()
            .join(", ");
        let all: Vec<&Field<'_>> = settable.iter().chain(key.iter()).copied().collect();
        out.push(StatementFn {
            name: format_ident!("update"),
            doc: "Sets every non-key column of the row with the given primary key; bind the non-key columns \
                  in field order, then the primary key."
                .into(),
            cql: format!("UPDATE {q} SET {set} WHERE {}", where_eq(&key)),
            idempotent: true,
            args: types(&all),
            out: quote!(()),
            pk_indexes: (settable.len()..settable.len() + pk.len()).collect(),
        });
    }
    let counters: Vec<&Field<'_>> = non_key.iter().filter(|f| f.counter).copied().collect();
    if !counters.is_empty() {
        for (name, op, doc) in [("increment", "+", "Adds"), ("decrement", "-", "Subtracts")] {
            let set = counters
                .iter()
                .map(|f| format!("{c} = {c} {op} ?", c = f.column))
                .collect::<Vec<_>>()
                .join(", ");
            let mut args: Vec<TokenStream> = counters
                .iter()
                .map(|_| quote!(::core::primitive::i64))
                .collect();
            args.extend(types(&key));
            out.push(StatementFn {
                name: format_ident!("{}", name),
                doc: format!(
                    "{doc} the deltas to the counters (in field order) of the row with the given primary key. \
                     Not idempotent: a retry could count twice."
                ),
                cql: format!("UPDATE {q} SET {set} WHERE {}", where_eq(&key)),
                idempotent: false,
                args,
                out: quote!(()),
                pk_indexes: (counters.len()..counters.len() + pk.len()).collect(),
            });
        }
    }
    out.push(StatementFn {
        name: format_ident!("delete"),
        doc: "Deletes the row with the given full primary key.".into(),
        cql: format!("DELETE FROM {q} WHERE {}", where_eq(&key)),
        idempotent: true,
        args: types(&key),
        out: quote!(()),
        pk_indexes: pk_first.clone(),
    });
    if !ck.is_empty() {
        out.push(StatementFn {
            name: format_ident!("delete_partition"),
            doc: "Deletes every row of one partition.".into(),
            cql: format!("DELETE FROM {q} WHERE {}", where_eq(&pk)),
            idempotent: true,
            args: types(&pk),
            out: quote!(()),
            pk_indexes: pk_first,
        });
    }
    out
}
