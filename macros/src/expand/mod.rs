//! Code generation for `#[derive(Table)]` and `#[derive(UserType)]`: one `const _: () = {...}`
//! block with the trait impls and the typed statements, calling the runtime through
//! `<crate>::mapping::__private`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::attr::Order;
use crate::model::{Field, Model, Role};
use crate::query::QueryPlan;

/// The path of the runtime helpers.
pub fn private(model: &Model<'_>) -> TokenStream {
    let krate = &model.krate;
    quote!(#krate::mapping::__private)
}

/// `<Ty as CqlTyped>::CQL_TYPE`, spanned on the field's type so that an unsupported type is an
/// error on the user's own tokens.
fn cql_type_expr(p: &TokenStream, f: &Field<'_>) -> TokenStream {
    let ty = f.ty;
    let span = ty.span();
    if f.attrs.counter.is_some() {
        quote_spanned!(span=> <#ty as #p::CounterField>::CQL_TYPE)
    } else if f.attrs.timeuuid.is_some() {
        quote_spanned!(span=> <#ty as #p::TimeuuidField>::CQL_TYPE)
    } else {
        quote_spanned!(span=> <#ty as #p::CqlTyped>::CQL_TYPE)
    }
}

fn keyspace_expr(p: &TokenStream, model: &Model<'_>) -> TokenStream {
    match &model.keyspace {
        Some(ks) => quote!(#p::Some(#ks)),
        None => quote!(#p::None),
    }
}

/// A typed statement function.
pub struct StatementFn {
    pub name: syn::Ident,
    pub doc: String,
    pub cql: String,
    pub idempotent: bool,
    pub args: Vec<TokenStream>,
    pub out: TokenStream,
    pub pk_indexes: Vec<usize>,
}

impl std::fmt::Debug for StatementFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatementFn")
            .field("name", &self.name.to_string())
            .field("cql", &self.cql)
            .finish()
    }
}

impl StatementFn {
    fn to_tokens(&self, p: &TokenStream) -> TokenStream {
        let StatementFn {
            name,
            doc,
            cql,
            idempotent,
            args,
            out,
            pk_indexes,
        } = self;
        let doc = format!("{doc}\n\n```cql\n{cql}\n```\n\nIdempotent: {idempotent}.");
        quote! {
            #[doc = #doc]
            #[allow(clippy::type_complexity)]
            pub const fn #name() -> #p::Statement<(#(#args,)*), #out> {
                #p::Statement::new(#cql, #idempotent, &[#(#pk_indexes),*])
            }
        }
    }
}

pub fn expand_table(model: &Model<'_>, queries: Vec<QueryPlan>) -> TokenStream {
    let p = private(model);
    let ident = model.ident;
    let table = &model.name;
    let keyspace = keyspace_expr(&p, model);
    let columns = model.columns().map(|f| {
        let name = &f.column;
        let field = f.ident.to_string();
        let typ = cql_type_expr(&p, f);
        let kind = match f.role {
            Role::PartitionKey => {
                let position = model
                    .partition_key()
                    .position(|k| k.column == f.column)
                    .unwrap_or(0);
                quote!(#p::ColumnKind::PartitionKey { position: #position })
            }
            Role::Clustering(order) => {
                let position = model
                    .clustering_key()
                    .position(|k| k.column == f.column)
                    .unwrap_or(0);
                let order = order_tokens(&p, order);
                quote!(#p::ColumnKind::Clustering { position: #position, order: #order })
            }
            Role::Static => quote!(#p::ColumnKind::Static),
            Role::Regular => quote!(#p::ColumnKind::Regular),
        };
        quote!(#p::ColumnDef { name: #name, field: #field, typ: #typ, kind: #kind })
    });
    let pk_names = model.partition_key().map(|f| &f.column);
    let ck = model.clustering_key().map(|f| {
        let name = &f.column;
        let order = match f.role {
            Role::Clustering(o) => order_tokens(&p, o),
            _ => order_tokens(&p, Order::Asc),
        };
        quote!((#name, #order))
    });
    let row = expand_row(model, &p);
    let mut statements = table_statements(model);
    statements.extend(queries.into_iter().map(|q| q.statement));
    let statements = statements.iter().map(|s| s.to_tokens(&p));
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, unused_qualifications, clippy::all)]
        const _: () = {
            #[automatically_derived]
            impl #p::Table for #ident {
                const TABLE: &'static str = #table;
                const KEYSPACE: #p::Option<&'static str> = #keyspace;
                const COLUMNS: &'static [#p::ColumnDef] = &[#(#columns),*];
                const PARTITION_KEY: &'static [&'static str] = &[#(#pk_names),*];
                const CLUSTERING_KEY: &'static [(&'static str, #p::ClusteringOrder)] = &[#(#ck),*];
            }

            #row

            #[automatically_derived]
            impl #ident {
                #(#statements)*
            }
        };
    }
}

fn order_tokens(p: &TokenStream, order: Order) -> TokenStream {
    match order {
        Order::Asc => quote!(#p::ClusteringOrder::Asc),
        Order::Desc => quote!(#p::ClusteringOrder::Desc),
    }
}

/// `DeserializeRow` by column name: the plan holds each field's column position.
fn expand_row(model: &Model<'_>, p: &TokenStream) -> TokenStream {
    let ident = model.ident;
    let names: Vec<&String> = model.columns().map(|f| &f.column).collect();
    // The plan is an array: one column position per field, nothing allocated per result.
    let count = names.len();
    let checks = model.columns().enumerate().map(|(i, f)| {
        let ty = f.ty;
        let name = &f.column;
        quote_spanned!(ty.span()=> #p::check_column::<#ty>(columns, &plan, #i, #name)?;)
    });
    let mut i = 0usize;
    let inits = model.fields.iter().map(|f| {
        let field = f.ident;
        if f.skipped() {
            let ty = f.ty;
            quote_spanned!(ty.span()=> #field: <#ty as #p::Default>::default())
        } else {
            let ty = f.ty;
            let name = &f.column;
            let idx = i;
            i += 1;
            quote_spanned!(ty.span()=> #field: #p::read_column::<#ty>(plan, columns, cells, #idx, #name)?)
        }
    });
    // Bounds on the field types: an unsupported type is reported once, by `CqlTyped`.
    let bounds = model.columns().map(|f| {
        let ty = f.ty;
        quote_spanned!(ty.span()=> #ty: #p::DeserializeValue<'frame>)
    });
    quote! {
        #[automatically_derived]
        impl<'frame> #p::DeserializeRow<'frame> for #ident
        where
            #(#bounds,)*
        {
            type Plan = [usize; #count];

            fn plan(columns: &[#p::ColumnSpec]) -> #p::Result<Self::Plan, #p::TypeCheckError> {
                let plan = #p::plan_columns(columns, &[#(#names),*])?;
                #(#checks)*
                #p::Ok(plan)
            }

            fn deserialize_row(
                plan: &Self::Plan,
                columns: &[#p::ColumnSpec],
                cells: &[#p::Option<&'frame [u8]>],
            ) -> #p::Result<Self, #p::DeserializeError> {
                #p::Ok(#ident { #(#inits),* })
            }
        }
    }
}

mod statements;
mod user_type;

pub use statements::generated_names;
use statements::table_statements;
pub use user_type::expand_user_type;
