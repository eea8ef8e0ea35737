//! `#[derive(Table)]` and `#[derive(UserType)]` for Ringbolt.
//!
//! Each derive reads the struct into a typed model (`model.rs`), checks it and any hand-written
//! queries, collecting every error with the span of the offending token (`ctxt.rs`), then
//! generates one `const _: () = { ... };` block that calls the runtime in
//! `ringbolt::mapping::__private` (`expand.rs`). See the `ringbolt` crate for the attributes.
//!
//! Hand-written queries (`#[query(name = "...", cql = "...", idempotent = true)]`) are parsed
//! with `ringbolt_cql` at compile time (`query.rs`). Their errors would ideally underline the
//! offending token inside the string literal, but `proc_macro::Literal::subspan` is still
//! unstable (proc-macro2's `Literal::subspan` returns `None` on stable compilers). The macro
//! tries it, and on stable points at the whole literal with a message that quotes the token and
//! gives its line and column in the CQL text, for example:
//!
//! ```text
//! error: unknown column `bodyy` in table `event`
//!          at `bodyy` (CQL line 1, column 7)
//! ```

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

mod attr;
mod check;
mod ctxt;
mod expand;
mod model;
mod query;
mod symbol;

use attr::ContainerKind;
use ctxt::Ctxt;

/// Maps a struct to a CQL table: metadata, `CREATE TABLE`, a row mapper and typed statements.
///
/// Container attributes:
/// - `#[table(name = "...")]` (default: the struct's name in snake_case), `keyspace = "..."`
///   (default: the session's keyspace), `crate = path` (default `::ringbolt`, for a renamed
///   dependency);
/// - `#[table(query(name = "...", cql = "...", idempotent = bool))]` or
///   `#[query(name = "...", cql = "...", idempotent = bool)]`: a hand-written statement, checked
///   at compile time against the table and generated as `T::name()`.
///
/// Field attributes: `#[partition_key]` (in field order; several make a composite key),
/// `#[clustering_key]` / `#[clustering_key(desc)]`, `#[column(name = "...")]`,
/// `#[column(timeuuid)]`, `#[static_column]`, `#[counter]` (or a `ringbolt::types::Counter`
/// field), `#[skip]` (not a column; filled with `Default::default()` when reading rows).
///
/// Generated: `impl ringbolt::mapping::Table` (`TABLE`, `KEYSPACE`, `COLUMNS`, `PARTITION_KEY`,
/// `CLUSTERING_KEY`, `create_table_cql()`, `create_types_cql()`), `DeserializeRow` by column
/// name, and `Statement<Args, Out>` constructors: `insert`, `insert_if_not_exists`, `get`,
/// `select_partition`, `select_by_partition_and_<c1>[_<c2>...]`, `select_range_<c>`, `update`,
/// `delete`, `delete_partition`, and `increment` / `decrement` for counter tables.
#[proc_macro_derive(
    Table,
    attributes(
        table,
        query,
        partition_key,
        clustering_key,
        column,
        static_column,
        counter,
        skip
    )
)]
pub fn derive_table(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand_table(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Maps a struct to a CQL user-defined type.
///
/// Attributes: `#[user_type(name = "...", keyspace = "...", crate = path)]`, and on fields
/// `#[field(name = "...")]` and `#[skip]`.
#[proc_macro_derive(UserType, attributes(user_type, field, skip))]
pub fn derive_user_type(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand_user_type(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

fn expand_table(input: &DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    let cx = Ctxt::new();
    let Some(model) = model::Model::from_ast(&cx, input, ContainerKind::Table) else {
        cx.check()?;
        return Ok(proc_macro2::TokenStream::new());
    };
    check::check(&cx, &model, ContainerKind::Table);
    check_query_names(&cx, &model);
    let queries: Vec<query::QueryPlan> = model
        .queries
        .iter()
        .filter_map(|q| query::check_query(&cx, &model, q))
        .collect();
    cx.check()?;
    Ok(expand::expand_table(&model, queries))
}

/// A hand-written query's name must not repeat another one's or a generated statement's.
fn check_query_names(cx: &Ctxt, model: &model::Model<'_>) {
    let generated = expand::generated_names(model);
    let mut seen: Vec<String> = Vec::new();
    for q in &model.queries {
        let name = q.name.to_string();
        if generated.contains(&name) {
            cx.error_spanned_by(
                &q.name,
                format!("`{name}` is already generated for this table; choose another query name"),
            );
        } else if seen.contains(&name) {
            cx.error_spanned_by(&q.name, format!("duplicate query name `{name}`"));
        } else {
            seen.push(name);
        }
    }
}

fn expand_user_type(input: &DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    let cx = Ctxt::new();
    let Some(model) = model::Model::from_ast(&cx, input, ContainerKind::UserType) else {
        cx.check()?;
        return Ok(proc_macro2::TokenStream::new());
    };
    check::check(&cx, &model, ContainerKind::UserType);
    cx.check()?;
    Ok(expand::expand_user_type(&model))
}
