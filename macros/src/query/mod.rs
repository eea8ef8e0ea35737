//! Hand-written queries: the CQL is parsed at compile time and checked against the struct's
//! table; bind value types come from the columns each marker is compared with.
//!
//! Errors point into the CQL string literal when the compiler can (`Literal::subspan`, which
//! only nightly compilers implement today); on stable they point at the whole literal and the
//! message quotes the offending token and its column in the text.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use ringbolt_cql::ast::{self, BindMarkerKind, Operator, Statement, Term, TermKind, UsingKind};
use syn::{LitStr, Type};

use crate::attr::QueryDef;
use crate::ctxt::Ctxt;
use crate::expand::StatementFn;
use crate::model::{strip_option, Field, Model, Shape};

/// A checked hand-written query.
pub struct QueryPlan {
    pub statement: StatementFn,
}

/// Functions whose result differs on every call: a statement using them is not idempotent.
const NON_DETERMINISTIC: &[&str] = &[
    "now",
    "uuid",
    "currenttimestamp",
    "currentdate",
    "currenttime",
    "currenttimeuuid",
];

struct Checker<'m, 'a> {
    cx: &'m Ctxt,
    model: &'m Model<'a>,
    lit: &'m LitStr,
    text: String,
    /// Bind value type per marker index.
    markers: Vec<Option<TokenStream>>,
    /// Why the statement is not idempotent, with where.
    not_idempotent: Vec<(ast::Span, String)>,
    /// Marker index bound to each partition key column by `=`.
    pk_markers: Vec<Option<usize>>,
    named: Option<ast::Span>,
    positional: Option<ast::Span>,
}

pub fn check_query(cx: &Ctxt, model: &Model<'_>, q: &QueryDef) -> Option<QueryPlan> {
    let text = q.cql.value();
    let stmt = match ringbolt_cql::parse_statement(&text) {
        Ok(s) => s,
        Err(e) => {
            let span = e.span;
            let checker = Checker::new(cx, model, &q.cql, text);
            checker.error(span, format!("invalid CQL: {}", e.message));
            return None;
        }
    };
    let mut c = Checker::new(cx, model, &q.cql, text);
    let out = match &stmt {
        Statement::Select(s) => c.select(s),
        Statement::Insert(s) => c.insert(s),
        Statement::Update(s) => c.update(s),
        Statement::Delete(s) => c.delete(s),
        Statement::Batch(b) => {
            // Point at `BEGIN [UNLOGGED|COUNTER] BATCH`, not at the whole batch.
            let head = c
                .text
                .get(b.span.start..b.span.end)
                .and_then(|t| t.to_ascii_uppercase().find("BATCH"))
                .map_or(b.span, |i| ast::Span {
                    start: b.span.start,
                    end: b.span.start + i + "BATCH".len(),
                });
            c.error(
                head,
                "BATCH is not supported in `#[query]`: declare each statement as its own \
                 `#[query]` and run them together with a `BatchStatement`"
                    .to_owned(),
            );
            None
        }
        other => {
            c.error(
                other.span(),
                "a table's query must be SELECT, INSERT, UPDATE or DELETE".to_owned(),
            );
            None
        }
    };
    if let (Some(n), Some(_)) = (c.named, c.positional) {
        c.error(
            n,
            "do not mix named (`:name`) and positional (`?`) bind markers".to_owned(),
        );
    }
    if c.markers.len() > usize::from(u16::MAX) {
        c.error(
            stmt.span(),
            format!(
                "{} bind markers; the protocol allows at most 65535",
                c.markers.len()
            ),
        );
    }
    let inferred = c.not_idempotent.is_empty();
    if let Some(claim) = &q.idempotent {
        if claim.value && !inferred {
            let reasons: Vec<String> = c
                .not_idempotent
                .iter()
                .map(|(span, why)| format!("{why} (at `{}`)", c.excerpt(*span)))
                .collect();
            cx.error_spanned_by(
                claim,
                format!(
                    "`idempotent = true` contradicts the statement: {}; running it twice is not the same as \
                     running it once, so it must not be retried",
                    reasons.join("; ")
                ),
            );
        }
    }
    let out = out?;
    let mut args = Vec::with_capacity(c.markers.len());
    for (i, m) in c.markers.iter().enumerate() {
        match m {
            Some(t) => args.push(t.clone()),
            None => {
                // Reported where the marker was found; keep going for the other errors.
                let _ = i;
                return None;
            }
        }
    }
    let pk_indexes = if c.pk_markers.iter().all(Option::is_some) {
        c.pk_markers.iter().flatten().copied().collect()
    } else {
        Vec::new()
    };
    let idempotent = q
        .idempotent
        .as_ref()
        .map_or(inferred, |b| b.value && inferred);
    Some(QueryPlan {
        statement: StatementFn {
            name: q.name.clone(),
            doc: format!("Hand-written query `{}`.", q.name),
            cql: c.text.clone(),
            idempotent,
            args,
            out,
            pk_indexes,
        },
    })
}

impl<'m, 'a> Checker<'m, 'a> {
    fn new(cx: &'m Ctxt, model: &'m Model<'a>, lit: &'m LitStr, text: String) -> Self {
        let pk = model.partition_key().count();
        Checker {
            cx,
            model,
            lit,
            text,
            markers: Vec::new(),
            not_idempotent: Vec::new(),
            pk_markers: vec![None; pk],
            named: None,
            positional: None,
        }
    }

    fn excerpt(&self, span: ast::Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// The span of `span`'s bytes inside the literal, when the compiler can make one.
    fn span_in_literal(&self, span: ast::Span) -> Option<Span> {
        let token = self.lit.token();
        let repr = token.to_string();
        // Only a plain or raw string without escapes maps value bytes to source bytes 1:1.
        let offset = if let Some(rest) = repr.strip_prefix('r') {
            let hashes = rest.len() - rest.trim_start_matches('#').len();
            hashes + 2
        } else if repr.starts_with('"') && !repr.contains('\\') {
            1
        } else {
            return None;
        };
        token.subspan(span.start + offset..span.end.max(span.start + 1) + offset)
    }

    fn error(&self, span: ast::Span, msg: String) {
        match self.span_in_literal(span) {
            Some(s) => self.cx.error_at(s, msg),
            None => {
                let (line, col) = ringbolt_cql::line_col(&self.text, span.start);
                let token = self.excerpt(span);
                let at = if token.is_empty() {
                    format!("at the end of the CQL text (line {line}, column {col})")
                } else {
                    format!("at `{token}` (CQL line {line}, column {col})")
                };
                self.cx.error_at(self.lit.span(), format!("{msg}\n  {at}"));
            }
        }
    }

    fn check_table(&self, name: &ast::QualifiedName) {
        if name.name.name != self.model.name {
            self.error(
                name.name.span,
                format!(
                    "unknown table `{}`: queries on `{}` must use its table `{}`",
                    name.name.name, self.model.ident, self.model.name
                ),
            );
        }
        if let (Some(ks), Some(own)) = (&name.keyspace, &self.model.keyspace) {
            if ks.name != own.value() {
                self.error(
                    ks.span,
                    format!(
                        "unknown keyspace `{}`: the table is in `{}`",
                        ks.name,
                        own.value()
                    ),
                );
            }
        }
    }

    fn column(&self, ident: &ast::Ident) -> Option<&'m Field<'a>> {
        let found = self.model.column(&ident.name);
        if found.is_none() {
            self.error(
                ident.span,
                format!(
                    "unknown column `{}` in table `{}`",
                    ident.name, self.model.name
                ),
            );
        }
        found
    }

    fn marker(&mut self, term: &Term, ty: Option<TokenStream>) {
        match &term.kind {
            TermKind::BindMarker(m) => {
                match m.kind {
                    BindMarkerKind::Named(_) => self.named = self.named.or(Some(m.span)),
                    BindMarkerKind::Positional => {
                        self.positional = self.positional.or(Some(m.span))
                    }
                }
                if self.markers.len() <= m.index {
                    self.markers.resize(m.index + 1, None);
                }
                if ty.is_none() {
                    self.error(
                        m.span,
                        "cannot infer the type of this bind marker; compare a column with it"
                            .to_owned(),
                    );
                }
                if let Some(slot) = self.markers.get_mut(m.index) {
                    *slot = ty;
                }
            }
            TermKind::FunctionCall { name, args } => {
                if NON_DETERMINISTIC.contains(&name.name.name.as_str()) {
                    self.not_idempotent.push((
                        term.span,
                        format!(
                            "`{}()` gives a different value on each call",
                            name.name.name
                        ),
                    ));
                }
                for a in args {
                    self.marker(a, None);
                }
            }
            TermKind::List(items) | TermKind::Set(items) | TermKind::Tuple(items) => {
                for t in items {
                    self.marker(t, None);
                }
            }
            TermKind::Map(entries) => {
                for (k, v) in entries {
                    self.marker(k, None);
                    self.marker(v, None);
                }
            }
            TermKind::Udt(fields) => {
                for (_, v) in fields {
                    self.marker(v, None);
                }
            }
            TermKind::TypeHint { term, .. } | TermKind::Negate(term) => self.marker(term, None),
            TermKind::Arithmetic { left, right, .. } => {
                self.marker(left, None);
                self.marker(right, None);
            }
            _ => {}
        }
    }

    fn marker_index(term: &Term) -> Option<usize> {
        match &term.kind {
            TermKind::BindMarker(m) => Some(m.index),
            _ => None,
        }
    }

    fn using(&mut self, using: &[ast::UsingParam]) {
        for u in using {
            let ty = match u.kind {
                UsingKind::Ttl => quote!(::core::primitive::i32),
                UsingKind::Timestamp => quote!(::core::primitive::i64),
            };
            self.marker(&u.value, Some(ty));
        }
    }

    /// The bind type for comparing `field` with `op`.
    fn relation_type(field: &Field<'_>, op: Operator, in_list_marker: bool) -> Option<TokenStream> {
        let inner = strip_option(field.ty);
        match op {
            Operator::In | Operator::NotIn if in_list_marker => {
                Some(quote!(::std::vec::Vec<#inner>))
            }
            Operator::Contains | Operator::NotContains => match field.shape {
                Shape::List | Shape::Set => generic_arg(inner, 0).map(|t| quote!(#t)),
                Shape::Map => generic_arg(inner, 1).map(|t| quote!(#t)),
                _ => None,
            },
            Operator::ContainsKey | Operator::NotContainsKey => match field.shape {
                Shape::Map => generic_arg(inner, 0).map(|t| quote!(#t)),
                _ => None,
            },
            Operator::Like => Some(quote!(::std::string::String)),
            _ => Some(quote!(#inner)),
        }
    }
}

/// Which statement a WHERE clause belongs to: the rules differ.
#[derive(Clone, Copy, PartialEq, Eq)]
enum WhereKind {
    Select,
    Update,
    Delete,
}

/// The `n`th generic type argument of a path type: `HashMap<K, V>` -> K or V.
fn generic_arg(ty: &Type, n: usize) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    args.args
        .iter()
        .filter_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        })
        .nth(n)
}

mod clauses;
mod statements;
#[cfg(test)]
mod tests;
