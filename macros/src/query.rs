//! Hand-written queries: the CQL is parsed at compile time and checked against the struct's
//! table; bind value types come from the columns each marker is compared with.
//!
//! Errors point into the CQL string literal when the compiler can (`Literal::subspan`, which
//! only nightly compilers implement today); on stable they point at the whole literal and the
//! message quotes the offending token and its column in the text.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use ringbolt_cql::ast::{
    self, AssignmentOp, BindMarkerKind, ColumnTarget, IfClause, InsertValues, Operator, Relation,
    RelationTarget, RelationValue, Selection, SelectorKind, Statement, Term, TermKind, UsingKind,
};
use syn::{LitStr, Type};

use crate::attr::QueryDef;
use crate::ctxt::Ctxt;
use crate::expand::StatementFn;
use crate::model::{strip_option, Field, Model, Role, Shape};

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

    /// Checks a WHERE clause and records marker types. `need_full_key`: UPDATE needs the whole
    /// primary key; SELECT and DELETE a whole partition key.
    /// Returns whether the whole partition key is restricted by `=` or `IN`.
    fn where_clause(
        &mut self,
        relations: &[Relation],
        allow_filtering: bool,
        kind: WhereKind,
    ) -> bool {
        let pk: Vec<&Field<'_>> = self.model.partition_key().collect();
        let ck: Vec<&Field<'_>> = self.model.clustering_key().collect();
        let mut pk_restricted = vec![false; pk.len()];
        let mut token_restricted = false;
        // Per clustering column: the relation that restricts it and whether by equality.
        let mut ck_restricted: Vec<Option<(ast::Span, bool)>> = vec![None; ck.len()];
        for r in relations {
            match &r.target {
                RelationTarget::Column(ident) => {
                    let Some(field) = self.column(ident) else {
                        self.values_untyped(&r.value);
                        continue;
                    };
                    self.relation_values(field, r);
                    match field.role {
                        Role::PartitionKey => {
                            if let Some(i) = pk.iter().position(|f| f.column == field.column) {
                                if matches!(r.op, Operator::Eq | Operator::In) {
                                    if let Some(slot) = pk_restricted.get_mut(i) {
                                        *slot = true;
                                    }
                                }
                                if r.op == Operator::Eq {
                                    if let (RelationValue::Term(t), Some(slot)) =
                                        (&r.value, self.pk_markers.get_mut(i))
                                    {
                                        *slot = Self::marker_index(t);
                                    }
                                }
                            }
                        }
                        Role::Clustering(_) => {
                            if let Some(i) = ck.iter().position(|f| f.column == field.column) {
                                if let Some(slot) = ck_restricted.get_mut(i) {
                                    *slot =
                                        Some((r.span, matches!(r.op, Operator::Eq | Operator::In)));
                                }
                            }
                        }
                        Role::Static | Role::Regular => {
                            if !allow_filtering && kind == WhereKind::Select {
                                self.error(
                                    ident.span,
                                    format!(
                                        "`{}` is not part of the primary key: restricting it needs ALLOW FILTERING \
                                         (or a secondary index, which Ringbolt does not check)",
                                        field.column
                                    ),
                                );
                            } else if kind != WhereKind::Select {
                                self.error(
                                    ident.span,
                                    format!(
                                        "`{}` is not part of the primary key; UPDATE and DELETE can only be restricted \
                                         by primary key columns (use an IF condition)",
                                        field.column
                                    ),
                                );
                            }
                        }
                    }
                }
                RelationTarget::Token(cols) => {
                    for c in cols {
                        self.column(c);
                    }
                    token_restricted = true;
                    if let RelationValue::Term(t) = &r.value {
                        self.marker(t, Some(quote!(::core::primitive::i64)));
                    }
                }
                RelationTarget::Tuple(cols) => {
                    let fields: Vec<Option<&Field<'_>>> =
                        cols.iter().map(|c| self.column(c)).collect();
                    for (c, f) in cols.iter().zip(&fields) {
                        if let Some(f) = f {
                            if let Some(i) = ck.iter().position(|k| k.column == f.column) {
                                if let Some(slot) = ck_restricted.get_mut(i) {
                                    *slot = Some((r.span, r.op == Operator::Eq));
                                }
                            } else {
                                self.error(c.span, format!("`{}` is not a clustering column; multi-column relations take clustering columns only", f.column));
                            }
                        }
                    }
                    let types: Option<Vec<TokenStream>> = fields
                        .iter()
                        .map(|f| {
                            f.map(|f| {
                                let t = strip_option(f.ty);
                                quote!(#t)
                            })
                        })
                        .collect();
                    match &r.value {
                        RelationValue::Term(t) => match &t.kind {
                            TermKind::Tuple(items) => {
                                for (i, item) in items.iter().enumerate() {
                                    let ty = types.as_ref().and_then(|ts| ts.get(i).cloned());
                                    self.marker(item, ty);
                                }
                            }
                            _ => self.marker(t, types.map(|ts| quote!((#(#ts,)*)))),
                        },
                        RelationValue::List(items) => {
                            for item in items {
                                let ty = types.as_ref().map(|ts| quote!((#(#ts,)*)));
                                self.marker(item, ty);
                            }
                        }
                        RelationValue::Null => {}
                    }
                }
                RelationTarget::Element { column, key } => {
                    self.column(column);
                    self.marker(key, None);
                    self.values_untyped(&r.value);
                }
            }
        }
        let pk_complete = pk_restricted.iter().all(|r| *r);
        if relations.is_empty() && kind == WhereKind::Select {
            return pk_complete;
        }
        let where_span = relations
            .iter()
            .map(|r| r.span)
            .reduce(|a, b| a.to(b))
            .unwrap_or_default();
        let missing: Vec<&str> = pk
            .iter()
            .zip(&pk_restricted)
            .filter(|(_, r)| !**r)
            .map(|(f, _)| f.column.as_str())
            .collect();
        if !missing.is_empty()
            && !token_restricted
            && (!allow_filtering || kind != WhereKind::Select)
        {
            let fix = match kind {
                WhereKind::Select => " or add ALLOW FILTERING",
                _ => "",
            };
            self.error(
                where_span,
                format!(
                    "WHERE does not restrict the whole partition key: missing {}; restrict each with `= ?` or `IN ?`{fix}",
                    missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
                ),
            );
        }
        if !allow_filtering || kind != WhereKind::Select {
            let mut gap: Option<&str> = None;
            let mut after_range: Option<&str> = None;
            for (f, r) in ck.iter().zip(&ck_restricted) {
                match r {
                    None => gap = gap.or(Some(&f.column)),
                    Some((span, eq)) => {
                        if let Some(g) = gap {
                            self.error(
                                *span,
                                format!(
                                    "clustering column `{}` is restricted but `{g}`, which precedes it, is not; \
                                     restrict clustering columns in order",
                                    f.column
                                ),
                            );
                        } else if let Some(prev) = after_range {
                            self.error(
                                *span,
                                format!(
                                    "clustering column `{}` is restricted after a range on `{prev}`; only the last \
                                     restricted clustering column may have a range",
                                    f.column
                                ),
                            );
                        } else if !eq {
                            after_range = Some(&f.column);
                        }
                    }
                }
            }
            if kind == WhereKind::Update {
                if let Some(g) = ck
                    .iter()
                    .zip(&ck_restricted)
                    .find(|(_, r)| r.is_none())
                    .map(|(f, _)| f)
                {
                    if gap.is_some() {
                        self.error(
                            where_span,
                            format!("UPDATE needs the whole primary key: missing clustering column `{}`", g.column),
                        );
                    }
                }
            }
        }
        pk_complete
    }

    fn relation_values(&mut self, field: &Field<'_>, r: &Relation) {
        match &r.value {
            RelationValue::Term(t) => {
                let in_marker = matches!(t.kind, TermKind::BindMarker(_));
                let ty = Self::relation_type(field, r.op, in_marker);
                self.marker(t, ty);
            }
            RelationValue::List(items) => {
                let ty = Self::relation_type(field, Operator::Eq, false);
                for t in items {
                    self.marker(t, ty.clone());
                }
            }
            RelationValue::Null => {}
        }
    }

    fn values_untyped(&mut self, v: &RelationValue) {
        match v {
            RelationValue::Term(t) => self.marker(t, None),
            RelationValue::List(items) => items.iter().for_each(|t| self.marker(t, None)),
            RelationValue::Null => {}
        }
    }

    fn if_clause(&mut self, clause: &Option<IfClause>) {
        match clause {
            None => {}
            Some(IfClause::Exists(span)) => {
                self.not_idempotent.push((
                    *span,
                    "a lightweight transaction (IF EXISTS) reads before it writes".into(),
                ));
            }
            Some(IfClause::Conditions(conds)) => {
                if let Some(first) = conds.first() {
                    let start = self.if_keyword_start(first.span.start);
                    self.not_idempotent.push((
                        ast::Span::new(start, first.span.end),
                        "a lightweight transaction (IF ...) reads before it writes".into(),
                    ));
                }
                for c in conds {
                    let field = self.column(c.target.column());
                    let ty = match (&c.target, field) {
                        (ColumnTarget::Column(_), Some(f)) => Self::relation_type(f, c.op, true),
                        _ => None,
                    };
                    match &c.value {
                        RelationValue::Term(t) => self.marker(t, ty),
                        RelationValue::List(items) => {
                            let ty =
                                field.and_then(|f| Self::relation_type(f, Operator::Eq, false));
                            items.iter().for_each(|t| self.marker(t, ty.clone()));
                        }
                        RelationValue::Null => {}
                    }
                }
            }
        }
    }

    /// Where the `IF` keyword before the condition at `cond_start` begins (the condition's own
    /// start when the text does not have it).
    fn if_keyword_start(&self, cond_start: usize) -> usize {
        let before = self.text.get(..cond_start).unwrap_or("");
        let trimmed = before.trim_end();
        if trimmed.len() >= 2
            && trimmed
                .get(trimmed.len() - 2..)
                .is_some_and(|k| k.eq_ignore_ascii_case("if"))
        {
            trimmed.len() - 2
        } else {
            cond_start
        }
    }

    fn select(&mut self, s: &ast::Select) -> Option<TokenStream> {
        self.check_table(&s.table);
        let ident = self.model.ident;
        let out = match &s.selection {
            _ if s.json => Some(quote!((::std::string::String,))),
            Selection::Wildcard(_) => Some(quote!(#ident)),
            Selection::Selectors(sel) => {
                let mut types = Vec::new();
                let mut names = Vec::new();
                let mut ok = true;
                for selector in sel {
                    match &selector.expr.kind {
                        SelectorKind::Column(c) => {
                            if let Some(f) = self.column(c) {
                                let ty = f.ty;
                                types.push(quote!(#ty));
                                if selector.alias.is_none() {
                                    names.push(f.column.clone());
                                }
                            } else {
                                ok = false;
                            }
                        }
                        SelectorKind::CountAll => types.push(quote!(::core::primitive::i64)),
                        SelectorKind::WriteTime(c) => {
                            self.column(c);
                            types.push(quote!(::core::option::Option<::core::primitive::i64>));
                        }
                        SelectorKind::Ttl(c) => {
                            self.column(c);
                            types.push(quote!(::core::option::Option<::core::primitive::i32>));
                        }
                        _ => {
                            self.error(
                                selector.expr.span,
                                "Ringbolt cannot infer the result type of this selector; select columns, \
                                 COUNT(*), WRITETIME or TTL"
                                    .to_owned(),
                            );
                            ok = false;
                        }
                    }
                }
                let all = self.model.columns().count() == names.len()
                    && self.model.columns().all(|f| names.contains(&f.column));
                if !ok {
                    None
                } else if all {
                    Some(quote!(#ident))
                } else {
                    Some(quote!((#(#types,)*)))
                }
            }
        };
        let pk_complete = self.where_clause(&s.where_clause, s.allow_filtering, WhereKind::Select);
        // (When the WHERE clause restricts part of the key, that error is already reported.)
        let reported = !s.where_clause.is_empty() && !s.allow_filtering;
        if let (Some(first), false, false) = (s.order_by.first(), pk_complete, reported) {
            self.error(
                first.span,
                "ORDER BY needs the partition key restricted by `=` or `IN`: rows are ordered \
                 within one partition only"
                    .to_owned(),
            );
        }
        for o in &s.order_by {
            if let Some(f) = self.column(&o.column) {
                if !matches!(f.role, Role::Clustering(_)) {
                    self.error(
                        o.column.span,
                        format!(
                            "ORDER BY `{}`: only clustering columns can order results",
                            f.column
                        ),
                    );
                }
            }
        }
        for t in [&s.limit, &s.per_partition_limit].into_iter().flatten() {
            self.marker(t, Some(quote!(::core::primitive::i32)));
        }
        out
    }

    fn insert(&mut self, s: &ast::Insert) -> Option<TokenStream> {
        self.check_table(&s.table);
        match &s.values {
            InsertValues::Columns { columns, values } => {
                if columns.len() != values.len() {
                    self.error(
                        s.span,
                        format!("{} columns but {} values", columns.len(), values.len()),
                    );
                }
                let pk: Vec<String> = self
                    .model
                    .partition_key()
                    .map(|f| f.column.clone())
                    .collect();
                for (c, v) in columns.iter().zip(values) {
                    let field = self.column(c);
                    if let Some(f) = field {
                        if f.counter {
                            self.error(
                                c.span,
                                format!(
                                    "`{}` is a counter: counters cannot be inserted, only incremented with \
                                     `UPDATE ... SET {0} = {0} + ?`",
                                    f.column
                                ),
                            );
                        }
                        if let Some(i) = pk.iter().position(|p| *p == f.column) {
                            if let Some(slot) = self.pk_markers.get_mut(i) {
                                *slot = Self::marker_index(v);
                            }
                        }
                    }
                    let ty = field.map(|f| {
                        let t = f.ty;
                        quote!(#t)
                    });
                    self.marker(v, ty);
                }
                let missing: Vec<&str> = self
                    .model
                    .primary_key()
                    .filter(|k| !columns.iter().any(|c| c.name == k.column))
                    .map(|k| k.column.as_str())
                    .collect();
                if !missing.is_empty() {
                    self.error(
                        s.table.span,
                        format!(
                            "INSERT needs every primary key column: missing `{}`",
                            missing.join("`, `")
                        ),
                    );
                }
            }
            InsertValues::Json { value, .. } => {
                self.marker(value, Some(quote!(::std::string::String)));
            }
        }
        self.using(&s.using);
        if s.if_not_exists {
            self.not_idempotent.push((
                s.span,
                "INSERT ... IF NOT EXISTS is a lightweight transaction".into(),
            ));
            let p = crate::expand::private(self.model);
            return Some(quote!(#p::Applied));
        }
        Some(quote!(()))
    }

    fn update(&mut self, s: &ast::Update) -> Option<TokenStream> {
        self.check_table(&s.table);
        self.using(&s.using);
        for a in &s.assignments {
            let Some(field) = self.column(a.target.column()) else {
                self.marker(a.op.term(), None);
                continue;
            };
            if field.is_key() {
                self.error(
                    a.target.column().span,
                    format!(
                        "`{}` is part of the primary key and cannot be SET",
                        field.column
                    ),
                );
            }
            let inner = strip_option(field.ty);
            let ty = match (&a.target, &a.op) {
                (ColumnTarget::Column(_), AssignmentOp::Set(_)) => {
                    if field.counter {
                        self.error(
                            a.span,
                            format!(
                                "`{0}` is a counter and cannot be set to an absolute value; write `{0} = {0} + ?` \
                                 or `{0} = {0} - ?`",
                                field.column
                            ),
                        );
                    }
                    let t = field.ty;
                    Some(quote!(#t))
                }
                (ColumnTarget::Column(_), op) => {
                    if field.counter {
                        self.not_idempotent
                            .push((a.span, format!("counter update of `{}`", field.column)));
                        Some(quote!(::core::primitive::i64))
                    } else {
                        let what = match op {
                            AssignmentOp::Prepend(_) => Some("prepends to"),
                            _ if field.shape == Shape::List => match op {
                                AssignmentOp::Add(_) => Some("appends to"),
                                _ => Some("removes from"),
                            },
                            _ if matches!(field.shape, Shape::Set | Shape::Map) => None,
                            _ => Some("adds to or removes from"),
                        };
                        if let Some(what) = what {
                            self.not_idempotent
                                .push((a.span, format!("{what} the list `{}`", field.column)));
                        }
                        Some(quote!(#inner))
                    }
                }
                (ColumnTarget::Element { key, .. }, AssignmentOp::Set(_)) => {
                    let (k, v) = match field.shape {
                        Shape::Map => (generic_arg(inner, 0), generic_arg(inner, 1)),
                        Shape::List => (None, generic_arg(inner, 0)),
                        _ => (None, None),
                    };
                    let key_ty = match field.shape {
                        Shape::List => Some(quote!(::core::primitive::i32)),
                        _ => k.map(|t| quote!(#t)),
                    };
                    self.marker(key, key_ty);
                    v.map(|t| quote!(#t))
                }
                _ => None,
            };
            self.marker(a.op.term(), ty);
        }
        let _ = self.where_clause(&s.where_clause, false, WhereKind::Update);
        self.if_clause(&s.if_clause);
        Some(self.write_out(s.if_clause.is_some()))
    }

    fn delete(&mut self, s: &ast::Delete) -> Option<TokenStream> {
        self.check_table(&s.table);
        for t in &s.columns {
            if let Some(f) = self.column(t.target.column()) {
                if f.is_key() {
                    self.error(
                        t.span,
                        format!(
                            "`{}` is part of the primary key; delete the row instead",
                            f.column
                        ),
                    );
                }
                if let ColumnTarget::Element { key, .. } = &t.target {
                    let inner = strip_option(f.ty);
                    let ty = match f.shape {
                        Shape::Map => generic_arg(inner, 0).map(|t| quote!(#t)),
                        Shape::List => Some(quote!(::core::primitive::i32)),
                        _ => None,
                    };
                    self.marker(key, ty);
                }
            }
        }
        self.using(&s.using);
        let _ = self.where_clause(&s.where_clause, false, WhereKind::Delete);
        self.if_clause(&s.if_clause);
        Some(self.write_out(s.if_clause.is_some()))
    }

    fn write_out(&self, lwt: bool) -> TokenStream {
        if lwt {
            let p = crate::expand::private(self.model);
            quote!(#p::Applied)
        } else {
            quote!(())
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attr::ContainerKind;
    use syn::DeriveInput;

    const FIELDS: &str = "{ #[partition_key] tenant: String, #[partition_key] day: i32, \
        #[clustering_key] at: i64, #[clustering_key] seq: i32, body: Option<String>, tags: Vec<String>, \
        labels: std::collections::HashSet<String>, attrs: std::collections::HashMap<String, i32> }";

    /// Runs the checks on one query; returns the generated statement or the error messages.
    fn run(cql: &str, idempotent: Option<bool>) -> Result<StatementFn, Vec<String>> {
        let idem = idempotent.map_or(String::new(), |b| format!(", idempotent = {b}"));
        let src = format!("#[query(name = \"q\", cql = {cql:?}{idem})] struct Event {FIELDS}");
        let input: DeriveInput = syn::parse_str(&src).unwrap();
        let cx = Ctxt::new();
        let model = Model::from_ast(&cx, &input, ContainerKind::Table).unwrap();
        let plan = check_query(&cx, &model, &model.queries[0]);
        match cx.check() {
            Ok(()) => Ok(plan.unwrap().statement),
            Err(e) => Err(e.into_iter().map(|e| e.to_string()).collect()),
        }
    }

    fn args(s: &StatementFn) -> Vec<String> {
        s.args
            .iter()
            .map(|t| t.to_string().replace(' ', ""))
            .collect()
    }

    #[test]
    fn select_by_partition_with_range_and_limit() {
        let s = run(
            "SELECT * FROM event WHERE tenant = ? AND day = ? AND at > ? LIMIT ?",
            None,
        )
        .unwrap();
        assert_eq!(args(&s), ["String", "i32", "i64", "::core::primitive::i32"]);
        assert!(s.idempotent);
        assert_eq!(s.pk_indexes, [0, 1]);
        assert_eq!(s.out.to_string(), "Event");
    }

    #[test]
    fn in_marker_binds_a_vec_and_selected_columns_a_tuple() {
        let s = run(
            "SELECT body, at FROM event WHERE tenant IN ? AND day = ?",
            None,
        )
        .unwrap();
        assert_eq!(args(&s), ["::std::vec::Vec<String>", "i32"]);
        assert_eq!(s.out.to_string().replace(' ', ""), "(Option<String>,i64,)");
        assert!(s.pk_indexes.is_empty());
    }

    #[test]
    fn idempotency_is_inferred_from_the_statement() {
        let key = "WHERE tenant = ? AND day = ? AND at = ? AND seq = ?";
        for (cql, expected) in [
            (format!("UPDATE event SET body = ? {key}"), true),
            (format!("UPDATE event SET labels = labels + ? {key}"), true),
            (format!("UPDATE event SET attrs = attrs + ? {key}"), true),
            (format!("UPDATE event SET tags = tags + ? {key}"), false),
            (format!("UPDATE event SET tags = ? + tags {key}"), false),
            (format!("UPDATE event SET tags = tags - ? {key}"), false),
            (format!("UPDATE event SET body = ? {key} IF EXISTS"), false),
            (format!("DELETE FROM event {key}"), true),
            (format!("DELETE FROM event {key} IF body = ?"), false),
            (
                "INSERT INTO event (tenant, day, at, seq, body) VALUES (?, ?, ?, ?, ?)".into(),
                true,
            ),
            (
                "INSERT INTO event (tenant, day, at, seq) VALUES (?, ?, ?, ?) IF NOT EXISTS".into(),
                false,
            ),
            (
                "INSERT INTO event (tenant, day, at, seq, body) VALUES (?, ?, ?, ?, toJson(now()))"
                    .into(),
                false,
            ),
        ] {
            let s = run(&cql, None).unwrap_or_else(|e| panic!("{cql}: {e:?}"));
            assert_eq!(s.idempotent, expected, "{cql}");
        }
    }

    #[test]
    fn claimed_idempotency_contradicted() {
        let e = run(
            "UPDATE event SET tags = tags + ? WHERE tenant = ? AND day = ? AND at = ? AND seq = ?",
            Some(true),
        )
        .unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(e[0].contains("appends to the list `tags`"), "{e:?}");
        // Claiming less than the statement allows is fine.
        let s = run(
            "DELETE FROM event WHERE tenant = ? AND day = ?",
            Some(false),
        )
        .unwrap();
        assert!(!s.idempotent);
    }

    #[test]
    fn where_rules() {
        let e = run("SELECT * FROM event WHERE tenant = ?", None).unwrap_err();
        assert!(e[0].contains("missing `day`"), "{e:?}");
        assert!(run("SELECT * FROM event WHERE tenant = ? ALLOW FILTERING", None).is_ok());
        assert!(run("SELECT * FROM event", None).is_ok());
        assert!(run("SELECT * FROM event WHERE token(tenant, day) > ?", None).is_ok());
        let e = run(
            "SELECT * FROM event WHERE tenant = ? AND day = ? AND seq = ?",
            None,
        )
        .unwrap_err();
        assert!(e[0].contains("`at`, which precedes it"), "{e:?}");
        let e = run(
            "SELECT * FROM event WHERE tenant = ? AND day = ? AND at < ? AND seq = ?",
            None,
        )
        .unwrap_err();
        assert!(e[0].contains("after a range on `at`"), "{e:?}");
        let e = run(
            "SELECT * FROM event WHERE tenant = ? AND day = ? ORDER BY body",
            None,
        )
        .unwrap_err();
        assert!(e[0].contains("only clustering columns"), "{e:?}");
        let e = run(
            "UPDATE event SET body = ? WHERE tenant = ? AND day = ? AND at = ?",
            None,
        )
        .unwrap_err();
        assert!(e[0].contains("missing clustering column `seq`"), "{e:?}");
    }

    #[test]
    fn every_error_of_a_query_is_reported() {
        let e = run("SELECT nope FROM events WHERE day = ? ORDER BY tags", None).unwrap_err();
        assert_eq!(e.len(), 4, "{e:?}");
        assert!(e[0].contains("unknown table `events`"));
        assert!(e[1].contains("unknown column `nope`"));
        assert!(e[2].contains("missing `tenant`"));
        assert!(e[3].contains("ORDER BY `tags`"));
        // On stable the span is the literal's; the message quotes the token and its column.
        assert!(e[1].contains("at `nope` (CQL line 1, column 7)"), "{e:?}");
    }

    #[test]
    fn markers_need_a_type() {
        let e = run(
            "SELECT * FROM event WHERE tenant = ? AND day = ? AND at = blobAsBigint(?)",
            None,
        )
        .unwrap_err();
        assert!(
            e[0].contains("cannot infer the type of this bind marker"),
            "{e:?}"
        );
        let e = run("SELECT * FROM event WHERE tenant = :t AND day = ?", None).unwrap_err();
        assert!(e[0].contains("do not mix named"), "{e:?}");
    }

    #[test]
    fn map_and_list_elements() {
        let s = run(
            "UPDATE event SET attrs[?] = ?, tags[?] = ? WHERE tenant = ? AND day = ? AND at = ? AND seq = ?",
            None,
        )
        .unwrap();
        assert_eq!(
            args(&s)[..4],
            ["String", "i32", "::core::primitive::i32", "String"]
        );
        let s = run("SELECT * FROM event WHERE tenant = ? AND day = ? AND labels CONTAINS ? ALLOW FILTERING", None)
            .unwrap();
        assert_eq!(args(&s)[2], "String");
    }
}
