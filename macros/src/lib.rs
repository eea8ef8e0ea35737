//! `#[derive(Table)]` and `#[derive(UserType)]` for Ringbolt.
//!
//! Each derive reads the struct into a typed model ([`model`]), checks it and any hand-written
//! queries, collecting every error with the span of the offending token ([`ctxt`]), then
//! generates one `const _: () = { ... };` block that calls the runtime in
//! `ringbolt::mapping::__private` ([`expand`]). See the `ringbolt` crate for the attributes.

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
/// Attributes: `#[table(name = "...", keyspace = "...", crate = path, query(...))]`,
/// `#[query(name = "...", cql = "...", idempotent = bool)]`, and on fields `#[partition_key]`,
/// `#[clustering_key]` / `#[clustering_key(desc)]`, `#[column(name = "...", timeuuid)]`,
/// `#[static_column]`, `#[counter]`, `#[skip]`.
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
    let queries: Vec<query::QueryPlan> = model
        .queries
        .iter()
        .filter_map(|q| query::check_query(&cx, &model, q))
        .collect();
    cx.check()?;
    Ok(expand::expand_table(&model, queries))
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
