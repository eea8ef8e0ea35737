//! Reading `#[table(...)]`, `#[query(...)]`, `#[user_type(...)]` and the field attributes.
//!
//! Every problem is reported to the [`Ctxt`] at the offending token and parsing goes on, so one
//! compilation shows all of them. A repeated attribute is reported at its second occurrence.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, LitBool, LitStr, Token};

use crate::ctxt::Ctxt;
use crate::symbol::*;

/// One attribute value, remembering where it was first set.
pub struct Attr<'c, T> {
    cx: &'c Ctxt,
    name: Symbol,
    value: Option<(Span, T)>,
}

impl<'c, T> Attr<'c, T> {
    pub fn none(cx: &'c Ctxt, name: Symbol) -> Self {
        Attr {
            cx,
            name,
            value: None,
        }
    }

    /// Sets the value; a second occurrence is an error at `obj`.
    pub fn set<A: ToTokens>(&mut self, obj: A, value: T) {
        let tokens = obj.into_token_stream();
        if self.value.is_some() {
            self.cx
                .error_spanned_by(tokens, format!("duplicate attribute `{}`", self.name));
        } else {
            let span = first_span(&tokens);
            self.value = Some((span, value));
        }
    }

    pub fn get(self) -> Option<(Span, T)> {
        self.value
    }
}

fn first_span(tokens: &TokenStream) -> Span {
    tokens
        .clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |t| t.span())
}

/// `Spanned` value from an attribute.
#[derive(Clone)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    fn from_attr(a: Option<(Span, T)>) -> Option<Self> {
        a.map(|(span, value)| Spanned { value, span })
    }
}

/// A hand-written query attached to the struct.
pub struct QueryDef {
    /// The generated function's name.
    pub name: syn::Ident,
    /// The CQL text.
    pub cql: LitStr,
    /// `idempotent = ...`, when the user claims it.
    pub idempotent: Option<LitBool>,
}

/// `#[table(...)]` / `#[user_type(...)]` and `#[query(...)]`.
pub struct Container {
    pub name: Option<Spanned<String>>,
    pub keyspace: Option<LitStr>,
    pub krate: Option<syn::Path>,
    pub queries: Vec<QueryDef>,
}

/// Which container attribute this derive reads.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    Table,
    UserType,
}

impl Container {
    pub fn from_attrs(cx: &Ctxt, attrs: &[Attribute], kind: ContainerKind) -> Container {
        let own = match kind {
            ContainerKind::Table => TABLE,
            ContainerKind::UserType => USER_TYPE,
        };
        let mut name: Attr<LitStr> = Attr::none(cx, NAME);
        let mut keyspace: Attr<LitStr> = Attr::none(cx, KEYSPACE);
        let mut krate: Attr<syn::Path> = Attr::none(cx, CRATE);
        let mut queries = Vec::new();
        for attr in attrs {
            if attr.path() == QUERY && kind == ContainerKind::Table {
                if let Some(q) = parse_query(cx, attr, |f| attr.parse_nested_meta(f)) {
                    queries.push(q);
                }
                continue;
            }
            if attr.path() != own {
                continue;
            }
            let res = attr.parse_nested_meta(|meta| {
                if meta.path == NAME {
                    let lit: LitStr = meta.value()?.parse()?;
                    name.set(&meta.path, lit);
                } else if meta.path == KEYSPACE {
                    let lit: LitStr = meta.value()?.parse()?;
                    keyspace.set(&meta.path, lit);
                } else if meta.path == CRATE {
                    let value = meta.value()?;
                    let path = if value.peek(LitStr) {
                        value.parse::<LitStr>()?.parse::<syn::Path>()?
                    } else {
                        value.call(syn::Path::parse_mod_style)?
                    };
                    krate.set(&meta.path, path);
                } else if meta.path == QUERY && kind == ContainerKind::Table {
                    if let Some(q) = parse_query(cx, &meta.path, |f| meta.parse_nested_meta(f)) {
                        queries.push(q);
                    }
                } else {
                    let keys = match kind {
                        ContainerKind::Table => "name, keyspace, crate, query",
                        ContainerKind::UserType => "name, keyspace, crate",
                    };
                    cx.error_spanned_by(
                        &meta.path,
                        format!(
                            "unknown `{own}` attribute `{}`; expected one of: {keys}",
                            path_to_string(&meta.path)
                        ),
                    );
                    skip_meta(&meta)?;
                }
                Ok(())
            });
            if let Err(e) = res {
                cx.syn_error(e);
            }
        }
        let name_lit = name.get().map(|(_, l)| l);
        Container {
            name: name_lit.as_ref().map(|l| Spanned {
                value: l.value(),
                span: l.span(),
            }),
            keyspace: keyspace.get().map(|(_, l)| l),
            krate: krate.get().map(|(_, p)| p),
            queries,
        }
    }
}

fn parse_query<T: ToTokens>(
    cx: &Ctxt,
    at: T,
    parse: impl FnOnce(&mut dyn FnMut(ParseNestedMeta) -> syn::Result<()>) -> syn::Result<()>,
) -> Option<QueryDef> {
    let mut name: Attr<LitStr> = Attr::none(cx, NAME);
    let mut cql: Attr<LitStr> = Attr::none(cx, CQL);
    let mut idempotent: Attr<LitBool> = Attr::none(cx, IDEMPOTENT);
    let res = parse(&mut |meta: ParseNestedMeta| {
        if meta.path == NAME {
            name.set(&meta.path, meta.value()?.parse()?);
        } else if meta.path == CQL {
            cql.set(&meta.path, meta.value()?.parse()?);
        } else if meta.path == IDEMPOTENT {
            idempotent.set(&meta.path, meta.value()?.parse()?);
        } else {
            cx.error_spanned_by(
                &meta.path,
                format!(
                    "unknown `query` attribute `{}`; expected one of: name, cql, idempotent",
                    path_to_string(&meta.path)
                ),
            );
            skip_meta(&meta)?;
        }
        Ok(())
    });
    if let Err(e) = res {
        cx.syn_error(e);
        return None;
    }
    let (Some((_, name)), Some((_, cql))) = (name.get(), cql.get()) else {
        cx.error_spanned_by(at, "a query needs `name = \"...\"` and `cql = \"...\"`");
        return None;
    };
    let ident = match syn::parse_str::<syn::Ident>(&name.value()) {
        Ok(i) => syn::Ident::new(&i.to_string(), name.span()),
        Err(_) => {
            cx.error_spanned_by(
                &name,
                "a query's name must be a Rust identifier; it names the generated function",
            );
            return None;
        }
    };
    Some(QueryDef {
        name: ident,
        cql,
        idempotent: idempotent.get().map(|(_, b)| b),
    })
}

/// How a clustering column is ordered.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Order {
    Asc,
    Desc,
}

/// The attributes of one field.
pub struct FieldAttrs {
    pub partition_key: Option<Span>,
    pub clustering_key: Option<Spanned<Order>>,
    pub name: Option<LitStr>,
    pub timeuuid: Option<Span>,
    pub static_column: Option<Span>,
    pub counter: Option<Span>,
    pub skip: Option<Span>,
}

impl FieldAttrs {
    pub fn from_attrs(cx: &Ctxt, attrs: &[Attribute], kind: ContainerKind) -> FieldAttrs {
        let mut partition_key: Attr<()> = Attr::none(cx, PARTITION_KEY);
        let mut clustering_key: Attr<Order> = Attr::none(cx, CLUSTERING_KEY);
        let mut name: Attr<LitStr> = Attr::none(cx, NAME);
        let mut timeuuid: Attr<()> = Attr::none(cx, TIMEUUID);
        let mut static_column: Attr<()> = Attr::none(cx, STATIC_COLUMN);
        let mut counter: Attr<()> = Attr::none(cx, COUNTER);
        let mut skip: Attr<()> = Attr::none(cx, SKIP);
        let column_attr = match kind {
            ContainerKind::Table => COLUMN,
            ContainerKind::UserType => FIELD,
        };
        for attr in attrs {
            let path = attr.path();
            if kind == ContainerKind::Table && path == PARTITION_KEY {
                marker(cx, attr, &mut partition_key);
            } else if kind == ContainerKind::Table && path == STATIC_COLUMN {
                marker(cx, attr, &mut static_column);
            } else if kind == ContainerKind::Table && path == COUNTER {
                marker(cx, attr, &mut counter);
            } else if path == SKIP {
                marker(cx, attr, &mut skip);
            } else if kind == ContainerKind::Table && path == CLUSTERING_KEY {
                let mut order: Attr<Order> = Attr::none(cx, CLUSTERING_KEY);
                if let syn::Meta::List(_) = &attr.meta {
                    let res = attr.parse_nested_meta(|meta| {
                        if meta.path == ASC {
                            order.set(&meta.path, Order::Asc);
                        } else if meta.path == DESC {
                            order.set(&meta.path, Order::Desc);
                        } else {
                            cx.error_spanned_by(
                                &meta.path,
                                format!(
                                    "unknown `clustering_key` attribute `{}`; expected `asc` or `desc`",
                                    path_to_string(&meta.path)
                                ),
                            );
                            skip_meta(&meta)?;
                        }
                        Ok(())
                    });
                    if let Err(e) = res {
                        cx.syn_error(e);
                    }
                } else if let syn::Meta::NameValue(nv) = &attr.meta {
                    cx.error_spanned_by(
                        nv.eq_token,
                        "write `#[clustering_key]` or `#[clustering_key(desc)]`",
                    );
                }
                let order = order.get().map_or(Order::Asc, |(_, o)| o);
                clustering_key.set(path, order);
            } else if path == column_attr {
                let res = attr.parse_nested_meta(|meta| {
                    if meta.path == NAME {
                        name.set(&meta.path, meta.value()?.parse()?);
                    } else if kind == ContainerKind::Table && meta.path == TIMEUUID {
                        timeuuid.set(&meta.path, ());
                    } else {
                        let keys = match kind {
                            ContainerKind::Table => "name, timeuuid",
                            ContainerKind::UserType => "name",
                        };
                        cx.error_spanned_by(
                            &meta.path,
                            format!(
                                "unknown `{column_attr}` attribute `{}`; expected one of: {keys}",
                                path_to_string(&meta.path)
                            ),
                        );
                        skip_meta(&meta)?;
                    }
                    Ok(())
                });
                if let Err(e) = res {
                    cx.syn_error(e);
                }
            }
        }
        FieldAttrs {
            partition_key: partition_key.get().map(|(s, _)| s),
            clustering_key: Spanned::from_attr(clustering_key.get()),
            name: name.get().map(|(_, l)| l),
            timeuuid: timeuuid.get().map(|(s, _)| s),
            static_column: static_column.get().map(|(s, _)| s),
            counter: counter.get().map(|(s, _)| s),
            skip: skip.get().map(|(s, _)| s),
        }
    }
}

/// A flag attribute such as `#[partition_key]`: no arguments.
fn marker(cx: &Ctxt, attr: &Attribute, slot: &mut Attr<()>) {
    match &attr.meta {
        syn::Meta::Path(p) => slot.set(p, ()),
        syn::Meta::List(l) => {
            cx.error_at(
                l.delimiter.span().join(),
                format!("`#[{}]` takes no arguments", path_to_string(&l.path)),
            );
            slot.set(&l.path, ());
        }
        syn::Meta::NameValue(nv) => {
            cx.error_spanned_by(
                nv.eq_token,
                format!("`#[{}]` takes no value", path_to_string(&nv.path)),
            );
            slot.set(&nv.path, ());
        }
    }
}

/// Consumes the value of an unknown key so that parsing goes on after it.
fn skip_meta(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| skip_meta(&inner))?;
    }
    Ok(())
}

pub fn path_to_string(path: &syn::Path) -> String {
    path.to_token_stream().to_string().replace(' ', "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::DeriveInput;

    fn container(src: &str) -> (Option<String>, Vec<String>) {
        let input: DeriveInput = syn::parse_str(src).unwrap();
        let cx = Ctxt::new();
        let c = Container::from_attrs(&cx, &input.attrs, ContainerKind::Table);
        let errors = match cx.check() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        };
        (c.krate.map(|p| path_to_string(&p)), errors)
    }

    #[test]
    fn crate_path_as_path_or_string() {
        assert_eq!(
            container("#[table(crate = rb)] struct S;").0.as_deref(),
            Some("rb")
        );
        assert_eq!(
            container("#[table(crate = \"::a::b\")] struct S;")
                .0
                .as_deref(),
            Some("::a::b")
        );
    }

    #[test]
    fn unknown_keys_do_not_stop_parsing() {
        let (_, errors) =
            container("#[table(ttl = 5, name = \"a\", name = \"b\", other(x))] struct S;");
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].starts_with("unknown `table` attribute `ttl`"));
        assert_eq!(errors[1], "duplicate attribute `name`");
        assert!(errors[2].starts_with("unknown `table` attribute `other`"));
    }

    #[test]
    fn queries_from_both_forms() {
        let input: DeriveInput = syn::parse_str(
            "#[query(name = \"a\", cql = \"SELECT\")] #[table(query(name = \"b\", cql = \"X\", idempotent = false))] struct S;",
        )
        .unwrap();
        let cx = Ctxt::new();
        let c = Container::from_attrs(&cx, &input.attrs, ContainerKind::Table);
        cx.check().unwrap();
        let names: Vec<String> = c.queries.iter().map(|q| q.name.to_string()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(
            c.queries[1].idempotent.as_ref().map(|b| b.value),
            Some(false)
        );
    }
}
