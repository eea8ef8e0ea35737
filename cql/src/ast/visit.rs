//! Walking the terms of a statement (to list its bind markers).

use super::{
    AlterTableAction, AssignmentOp, BindMarker, ColumnTarget, IfClause, InsertValues, Relation,
    RelationTarget, RelationValue, Selection, SelectorExpr, SelectorKind, Statement, Term,
    TermKind, UsingParam,
};

impl Statement {
    /// The bind markers of the statement in order of appearance (a batch lists those of all its
    /// statements). `marker.index` equals the position in this list.
    ///
    /// ```
    /// use ringbolt_cql::{ast::BindMarkerKind, parse_statement};
    /// let s = parse_statement("UPDATE t SET v = ? WHERE k = :key").unwrap();
    /// let markers = s.bind_markers();
    /// assert_eq!(markers.len(), 2);
    /// assert_eq!(markers[1].kind, BindMarkerKind::Named("key".into()));
    /// ```
    pub fn bind_markers(&self) -> Vec<&BindMarker> {
        let mut out = Vec::new();
        self.for_each_term(&mut |t| collect_markers(t, &mut out));
        out.sort_by_key(|m| m.index);
        out
    }

    /// Calls `f` on every top-level term of the statement, in order of appearance (nested
    /// terms are reached through the term itself).
    pub fn for_each_term<'a>(&'a self, f: &mut dyn FnMut(&'a Term)) {
        match self {
            Statement::Select(s) => {
                if let Selection::Selectors(sel) = &s.selection {
                    for selector in sel {
                        selector_terms(&selector.expr, f);
                    }
                }
                relations_terms(&s.where_clause, f);
                if let Some(t) = &s.per_partition_limit {
                    f(t);
                }
                if let Some(t) = &s.limit {
                    f(t);
                }
            }
            Statement::Insert(s) => {
                match &s.values {
                    InsertValues::Columns { values, .. } => values.iter().for_each(&mut *f),
                    InsertValues::Json { value, .. } => f(value),
                }
                using_terms(&s.using, f);
            }
            Statement::Update(s) => {
                using_terms(&s.using, f);
                for a in &s.assignments {
                    target_terms(&a.target, f);
                    match &a.op {
                        AssignmentOp::Set(t)
                        | AssignmentOp::Add(t)
                        | AssignmentOp::Prepend(t)
                        | AssignmentOp::Remove(t) => f(t),
                    }
                }
                relations_terms(&s.where_clause, f);
                if_terms(s.if_clause.as_ref(), f);
            }
            Statement::Delete(s) => {
                for c in &s.columns {
                    target_terms(&c.target, f);
                }
                using_terms(&s.using, f);
                relations_terms(&s.where_clause, f);
                if_terms(s.if_clause.as_ref(), f);
            }
            Statement::Batch(b) => {
                using_terms(&b.using, f);
                for s in &b.statements {
                    s.for_each_term(f);
                }
            }
            Statement::AlterTable(a) => {
                if let AlterTableAction::Drop {
                    timestamp: Some(t), ..
                } = &a.action
                {
                    f(t);
                }
            }
            Statement::Use(_)
            | Statement::CreateKeyspace(_)
            | Statement::AlterKeyspace(_)
            | Statement::DropKeyspace(_)
            | Statement::CreateTable(_)
            | Statement::DropTable(_)
            | Statement::Truncate(_)
            | Statement::CreateType(_)
            | Statement::AlterType(_)
            | Statement::DropType(_)
            | Statement::CreateIndex(_)
            | Statement::DropIndex(_) => {}
        }
    }
}

impl Term {
    /// The bind markers inside this term, in order.
    pub fn bind_markers(&self) -> Vec<&BindMarker> {
        let mut out = Vec::new();
        collect_markers(self, &mut out);
        out
    }
}

fn collect_markers<'a>(t: &'a Term, out: &mut Vec<&'a BindMarker>) {
    match &t.kind {
        TermKind::BindMarker(m) => out.push(m),
        TermKind::Literal(_) => {}
        TermKind::List(items) | TermKind::Set(items) | TermKind::Tuple(items) => {
            items.iter().for_each(|i| collect_markers(i, out))
        }
        TermKind::Map(entries) => entries.iter().for_each(|(k, v)| {
            collect_markers(k, out);
            collect_markers(v, out);
        }),
        TermKind::Udt(fields) => fields.iter().for_each(|(_, v)| collect_markers(v, out)),
        TermKind::FunctionCall { args, .. } => args.iter().for_each(|a| collect_markers(a, out)),
        TermKind::TypeHint { term, .. } | TermKind::Negate(term) => collect_markers(term, out),
        TermKind::Arithmetic { left, right, .. } => {
            collect_markers(left, out);
            collect_markers(right, out);
        }
    }
}

fn selector_terms<'a>(e: &'a SelectorExpr, f: &mut dyn FnMut(&'a Term)) {
    match &e.kind {
        SelectorKind::Term(t) => f(t),
        SelectorKind::Function { args, .. } => args.iter().for_each(|a| selector_terms(a, f)),
        SelectorKind::Cast { expr, .. } | SelectorKind::Field { expr, .. } => {
            selector_terms(expr, f)
        }
        SelectorKind::Arithmetic { left, right, .. } => {
            selector_terms(left, f);
            selector_terms(right, f);
        }
        SelectorKind::Negate(expr) | SelectorKind::TypeHint { expr, .. } => selector_terms(expr, f),
        SelectorKind::Tuple(items) | SelectorKind::List(items) | SelectorKind::Set(items) => {
            items.iter().for_each(|i| selector_terms(i, f))
        }
        SelectorKind::Map(entries) => entries.iter().for_each(|(k, v)| {
            selector_terms(k, f);
            selector_terms(v, f);
        }),
        SelectorKind::Slice { expr, from, to } => {
            selector_terms(expr, f);
            from.iter().chain(to.iter()).for_each(f);
        }
        SelectorKind::Element { expr, key } => {
            selector_terms(expr, f);
            f(key);
        }
        SelectorKind::Column(_)
        | SelectorKind::CountAll
        | SelectorKind::WriteTime(_)
        | SelectorKind::Ttl(_) => {}
    }
}

fn relations_terms<'a>(relations: &'a [Relation], f: &mut dyn FnMut(&'a Term)) {
    for r in relations {
        if let RelationTarget::Element { key, .. } = &r.target {
            f(key);
        }
        value_terms(&r.value, f);
    }
}

fn value_terms<'a>(v: &'a RelationValue, f: &mut dyn FnMut(&'a Term)) {
    match v {
        RelationValue::Term(t) => f(t),
        RelationValue::List(items) => items.iter().for_each(f),
        RelationValue::Null => {}
    }
}

fn using_terms<'a>(using: &'a [UsingParam], f: &mut dyn FnMut(&'a Term)) {
    for u in using {
        f(&u.value);
    }
}

fn target_terms<'a>(t: &'a ColumnTarget, f: &mut dyn FnMut(&'a Term)) {
    if let ColumnTarget::Element { key, .. } = t {
        f(key);
    }
}

fn if_terms<'a>(clause: Option<&'a IfClause>, f: &mut dyn FnMut(&'a Term)) {
    if let Some(IfClause::Conditions(conds)) = clause {
        for c in conds {
            target_terms(&c.target, f);
            value_terms(&c.value, f);
        }
    }
}
