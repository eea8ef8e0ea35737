//! `#[derive(UserType)]`: the type's definition, `CqlTyped`, and value (de)serialization.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::{cql_type_expr, keyspace_expr, private};
use crate::model::Model;

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
