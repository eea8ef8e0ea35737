//! The typed model of a `#[derive(Table)]` or `#[derive(UserType)]` input.

use proc_macro2::Span;
use syn::spanned::Spanned as _;
use syn::{Data, DeriveInput, Fields, Ident, LitStr, Type};

use crate::attr::{Container, ContainerKind, FieldAttrs, Order, QueryDef};
use crate::ctxt::Ctxt;

/// A struct read as a table or a user-defined type.
pub struct Model<'a> {
    pub ident: &'a Ident,
    /// The path of the facade crate in generated code.
    pub krate: syn::Path,
    /// The CQL name of the table or type.
    pub name: String,
    /// Where the name came from: `#[table(name = ...)]` or the struct's identifier.
    pub name_span: Span,
    pub keyspace: Option<LitStr>,
    pub fields: Vec<Field<'a>>,
    pub queries: Vec<QueryDef>,
}

/// The role of a field's column.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Role {
    PartitionKey,
    Clustering(Order),
    Static,
    Regular,
}

/// What a field's Rust type is, as far as its syntax tells (an alias hides it: `Unknown`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Shape {
    List,
    Set,
    Map,
    Counter,
    Other,
}

pub struct Field<'a> {
    pub ident: &'a Ident,
    pub ty: &'a Type,
    /// The CQL column (or UDT field) name.
    pub column: String,
    /// The `name = "..."` literal or the field's identifier.
    pub column_span: Span,
    pub attrs: FieldAttrs,
    pub role: Role,
    /// A counter column: `#[counter]` or a `Counter` type.
    pub counter: bool,
    pub shape: Shape,
}

impl Field<'_> {
    pub fn skipped(&self) -> bool {
        self.attrs.skip.is_some()
    }

    pub fn is_key(&self) -> bool {
        matches!(self.role, Role::PartitionKey | Role::Clustering(_))
    }
}

impl<'a> Model<'a> {
    /// Reads `input`; `None` when it is not a struct with named fields and no generics (the
    /// errors are in `cx`).
    pub fn from_ast(cx: &Ctxt, input: &'a DeriveInput, kind: ContainerKind) -> Option<Model<'a>> {
        let what = match kind {
            ContainerKind::Table => "#[derive(Table)]",
            ContainerKind::UserType => "#[derive(UserType)]",
        };
        let container = Container::from_attrs(cx, &input.attrs, kind);
        if !input.generics.params.is_empty() {
            cx.error_spanned_by(
                &input.generics,
                format!("{what} does not support generic parameters; a column needs one concrete CQL type"),
            );
        }
        let fields = match &input.data {
            Data::Struct(s) => match &s.fields {
                Fields::Named(named) => &named.named,
                Fields::Unnamed(unnamed) => {
                    cx.error_spanned_by(
                        unnamed,
                        format!("{what} needs named fields: each field names a column; a tuple struct has none"),
                    );
                    return None;
                }
                Fields::Unit => {
                    cx.error_spanned_by(
                        &input.ident,
                        format!("{what} needs named fields: a unit struct has no columns"),
                    );
                    return None;
                }
            },
            Data::Enum(e) => {
                cx.error_spanned_by(
                    e.enum_token,
                    format!("{what} needs a struct with named fields, not an enum"),
                );
                return None;
            }
            Data::Union(u) => {
                cx.error_spanned_by(
                    u.union_token,
                    format!("{what} needs a struct with named fields, not a union"),
                );
                return None;
            }
        };
        let fields = fields
            .iter()
            .filter_map(|f| {
                let ident = f.ident.as_ref()?;
                let attrs = FieldAttrs::from_attrs(cx, &f.attrs, kind);
                let (column, column_span) = match &attrs.name {
                    Some(lit) => (lit.value(), lit.span()),
                    None => (unraw(ident), ident.span()),
                };
                let role = if attrs.partition_key.is_some() {
                    Role::PartitionKey
                } else if let Some(c) = &attrs.clustering_key {
                    Role::Clustering(c.value)
                } else if attrs.static_column.is_some() {
                    Role::Static
                } else {
                    Role::Regular
                };
                let shape = shape_of(&f.ty);
                let counter = attrs.counter.is_some() || shape == Shape::Counter;
                Some(Field {
                    ident,
                    ty: &f.ty,
                    column,
                    column_span,
                    attrs,
                    role,
                    counter,
                    shape,
                })
            })
            .collect();
        let (name, name_span) = match container.name {
            Some(n) => (n.value, n.span),
            None => (snake_case(&unraw(&input.ident)), input.ident.span()),
        };
        let krate = container
            .krate
            .unwrap_or_else(|| syn::parse_quote!(::ringbolt));
        Some(Model {
            ident: &input.ident,
            krate,
            name,
            name_span,
            keyspace: container.keyspace,
            fields,
            queries: container.queries,
        })
    }

    /// Fields that map to columns.
    pub fn columns(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields.iter().filter(|f| !f.skipped())
    }

    pub fn partition_key(&self) -> impl Iterator<Item = &Field<'a>> {
        self.columns().filter(|f| f.role == Role::PartitionKey)
    }

    pub fn clustering_key(&self) -> impl Iterator<Item = &Field<'a>> {
        self.columns()
            .filter(|f| matches!(f.role, Role::Clustering(_)))
    }

    /// Partition key then clustering columns: the primary key in key order.
    pub fn primary_key(&self) -> impl Iterator<Item = &Field<'a>> {
        self.partition_key().chain(self.clustering_key())
    }

    pub fn column(&self, name: &str) -> Option<&Field<'a>> {
        self.columns().find(|f| f.column == name)
    }

    pub fn is_counter_table(&self) -> bool {
        self.columns().any(|f| f.counter)
    }

    /// `ks.table` or `table`.
    pub fn qualified_name(&self) -> String {
        match &self.keyspace {
            Some(ks) => format!("{}.{}", ks.value(), self.name),
            None => self.name.clone(),
        }
    }
}

fn unraw(ident: &Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_owned).unwrap_or(s)
}

/// `UserEvent` -> `user_event`, `HTTPLog` -> `http_log`.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev = i.checked_sub(1).and_then(|p| chars.get(p));
            let next = chars.get(i + 1);
            let boundary = match prev {
                None => false,
                Some(p) if *p == '_' => false,
                Some(p) if p.is_lowercase() || p.is_ascii_digit() => true,
                Some(p) => p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()),
            };
            if boundary {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The last path segment of a type, looking through `Option`.
pub fn shape_of(ty: &Type) -> Shape {
    let Some(seg) = last_segment(ty) else {
        return Shape::Other;
    };
    let name = seg.ident.to_string();
    match name.as_str() {
        "Option" => first_generic(seg).map_or(Shape::Other, shape_of),
        "Vec" => match first_generic(seg).and_then(last_segment) {
            Some(inner) if inner.ident == "u8" => Shape::Other,
            _ => Shape::List,
        },
        "HashSet" | "BTreeSet" => Shape::Set,
        "HashMap" | "BTreeMap" => Shape::Map,
        "Counter" => Shape::Counter,
        _ => Shape::Other,
    }
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        Type::Group(g) => last_segment(&g.elem),
        Type::Paren(p) => last_segment(&p.elem),
        _ => None,
    }
}

fn first_generic(seg: &syn::PathSegment) -> Option<&Type> {
    match &seg.arguments {
        syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|arg| match arg {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

/// `Option<T>` -> `T`; other types unchanged.
pub fn strip_option(ty: &Type) -> &Type {
    match last_segment(ty) {
        Some(seg) if seg.ident == "Option" => first_generic(seg).unwrap_or(ty),
        _ => ty,
    }
}

/// The span of a type, for errors about it.
pub fn type_span(ty: &Type) -> Span {
    ty.span()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_cases_struct_names() {
        assert_eq!(snake_case("UserEvent"), "user_event");
        assert_eq!(snake_case("HTTPLog"), "http_log");
        assert_eq!(snake_case("Sensor2Reading"), "sensor2_reading");
        assert_eq!(snake_case("already_snake"), "already_snake");
        assert_eq!(snake_case("A"), "a");
    }

    #[test]
    fn shapes_from_syntax() {
        let t = |s: &str| shape_of(&syn::parse_str::<Type>(s).unwrap());
        assert_eq!(t("Vec<String>"), Shape::List);
        assert_eq!(t("Vec<u8>"), Shape::Other);
        assert_eq!(t("Option<std::collections::HashSet<i32>>"), Shape::Set);
        assert_eq!(t("BTreeMap<i32, i32>"), Shape::Map);
        assert_eq!(t("ringbolt::types::Counter"), Shape::Counter);
        assert_eq!(t("i64"), Shape::Other);
    }

    #[test]
    fn strips_option() {
        let ty: Type = syn::parse_str("Option<i64>").unwrap();
        let inner = strip_option(&ty);
        assert_eq!(quote::quote!(#inner).to_string(), "i64");
    }
}
