//! Code generation for `#[derive(Table)]` and `#[derive(UserType)]`: one `const _: () = {...}`
//! block with the trait impls and the typed statements, calling the runtime through
//! `<crate>::mapping::__private`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Type;

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
            type Plan = #p::Vec<usize>;

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
fn table_statements(model: &Model<'_>) -> Vec<StatementFn> {
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

pub fn expand_user_type(model: &Model<'_>) -> TokenStream {
    let p = private(model);
    let ident = model.ident;
    let rust_name = ident.to_string();
    let name = &model.name;
    let keyspace = keyspace_expr(&p, model);
    let defs = model.columns().map(|f| {
        let fname = &f.column;
        let typ = cql_type_expr(&p, f);
        quote!(#p::UdtField { name: #fname, typ: #typ })
    });
    let ser = model.columns().map(|f| {
        let fname = &f.column;
        let field = f.ident;
        quote!((#fname, &self.#field as &dyn #p::SerializeValue))
    });
    let names: Vec<&String> = model.columns().map(|f| &f.column).collect();
    let checks = model.columns().map(|f| {
        let ty = f.ty;
        let fname = &f.column;
        quote_spanned!(ty.span()=> #p::check_udt_field::<#ty>(fields, #fname)?;)
    });
    let inits = model.fields.iter().map(|f| {
        let field = f.ident;
        let ty = f.ty;
        if f.skipped() {
            quote_spanned!(ty.span()=> #field: <#ty as #p::Default>::default())
        } else {
            let fname = &f.column;
            quote_spanned!(ty.span()=> #field: #p::udt_field::<#ty>(&cells, #fname)?)
        }
    });
    // Bounds on the field types: an unsupported type is reported once, by `CqlTyped`.
    let ser_bounds = model.columns().map(|f| {
        let ty = f.ty;
        quote_spanned!(ty.span()=> for<'__a> #ty: #p::SerializeField<'__a>)
    });
    let de_bounds = model.columns().map(|f| {
        let ty = f.ty;
        quote_spanned!(ty.span()=> #ty: #p::DeserializeValue<'frame>)
    });
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, unused_qualifications, clippy::all)]
        const _: () = {
            #[automatically_derived]
            impl #p::UserTypeMeta for #ident {
                const TYPE_NAME: &'static str = #name;
                const DEFINITION: &'static #p::UdtDef = &#p::UdtDef {
                    name: #name,
                    keyspace: #keyspace,
                    fields: &[#(#defs),*],
                };
            }

            #[automatically_derived]
            impl #p::CqlTyped for #ident {
                const CQL_TYPE: #p::CqlType =
                    #p::CqlType::Udt(<#ident as #p::UserTypeMeta>::DEFINITION);
            }

            #[automatically_derived]
            impl #p::SerializeValue for #ident
            where
                #(#ser_bounds,)*
            {
                fn serialize(
                    &self,
                    typ: &#p::ColumnType,
                    out: &mut #p::Vec<u8>,
                ) -> #p::Result<(), #p::SerializeError> {
                    #p::serialize_udt(typ, out, &[#(#ser),*], #rust_name)
                }
            }

            #[automatically_derived]
            impl<'frame> #p::DeserializeValue<'frame> for #ident
            where
                #(#de_bounds,)*
            {
                fn type_check(typ: &#p::ColumnType) -> #p::Result<(), #p::TypeCheckError> {
                    let fields = #p::udt_type_check(typ, #rust_name, &[#(#names),*])?;
                    #(#checks)*
                    let _ = fields;
                    #p::Ok(())
                }

                fn deserialize(
                    typ: &#p::ColumnType,
                    bytes: #p::Option<&'frame [u8]>,
                ) -> #p::Result<Self, #p::DeserializeError> {
                    let cells = #p::udt_cells(typ, bytes, #rust_name)?;
                    #p::Ok(#ident { #(#inits),* })
                }
            }
        };
    }
}
