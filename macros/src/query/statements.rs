//! The checks of each statement kind and their result types.

use proc_macro2::TokenStream;
use quote::quote;
use ringbolt_cql::ast::{self, AssignmentOp, ColumnTarget, InsertValues, Selection, SelectorKind};

use super::{generic_arg, Checker, WhereKind};
use crate::model::{strip_option, Role, Shape};

impl Checker<'_, '_> {
    pub(super) fn select(&mut self, s: &ast::Select) -> Option<TokenStream> {
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

    pub(super) fn insert(&mut self, s: &ast::Insert) -> Option<TokenStream> {
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

    pub(super) fn update(&mut self, s: &ast::Update) -> Option<TokenStream> {
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

    pub(super) fn delete(&mut self, s: &ast::Delete) -> Option<TokenStream> {
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

    pub(super) fn write_out(&self, lwt: bool) -> TokenStream {
        if lwt {
            let p = crate::expand::private(self.model);
            quote!(#p::Applied)
        } else {
            quote!(())
        }
    }
}
