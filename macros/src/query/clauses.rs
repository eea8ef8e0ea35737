//! WHERE clauses, IF conditions and the bind types of their markers.

use proc_macro2::TokenStream;
use quote::quote;
use ringbolt_cql::ast::{
    self, ColumnTarget, IfClause, Operator, Relation, RelationTarget, RelationValue, TermKind,
};

use super::{Checker, WhereKind};
use crate::model::{strip_option, Field, Role};

impl Checker<'_, '_> {
    /// Checks a WHERE clause and records its markers' types: UPDATE needs the whole primary key,
    /// SELECT (without ALLOW FILTERING) and DELETE a whole partition key, and clustering columns
    /// are restricted in order. Returns whether the whole partition key is restricted by `=` or
    /// `IN`.
    pub(super) fn where_clause(
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
                                } else if !allow_filtering {
                                    // Reported here; not again as a missing key column.
                                    if let Some(slot) = pk_restricted.get_mut(i) {
                                        *slot = true;
                                    }
                                    self.error(
                                        r.op_span,
                                        format!(
                                            "partition key column `{}` can only be restricted by `=` or `IN`; \
                                             use `token({})` for ranges",
                                            field.column,
                                            pk.iter().map(|f| f.column.as_str()).collect::<Vec<_>>().join(", ")
                                        ),
                                    );
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

    pub(super) fn if_clause(&mut self, clause: &Option<IfClause>) {
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
}
