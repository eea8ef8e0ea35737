//! SELECT, INSERT, UPDATE, DELETE, BATCH and their clauses.

use super::Parser;
use crate::ast::{
    Assignment, AssignmentOp, Batch, BatchKind, ColumnTarget, Condition, Delete, DeleteTarget,
    Ident, IfClause, Insert, InsertValues, Literal, Operator, Order, Ordering, Relation,
    RelationTarget, RelationValue, Select, Selection, Selector, SelectorExpr, SelectorKind,
    Statement, Term, TermKind, Update, UsingKind, UsingParam,
};
use crate::error::ParseError;
use crate::lexer::{Punct, TokenKind};

impl Parser<'_> {
    pub(super) fn select(&mut self) -> Result<Select, ParseError> {
        let start = self.expect_kw("select")?;
        let json = self.modifier_keyword("json");
        let distinct = self.modifier_keyword("distinct");
        let selection = if let Some(star) = self.eat_punct(Punct::Star) {
            Selection::Wildcard(star)
        } else {
            let mut selectors = vec![self.selector()?];
            while self.eat_punct(Punct::Comma).is_some() {
                selectors.push(self.selector()?);
            }
            Selection::Selectors(selectors)
        };
        self.expect_kw("from")?;
        let table = self.qualified_name()?;
        let where_clause = if self.eat_kw("where").is_some() {
            self.where_clause()?
        } else {
            Vec::new()
        };
        let mut group_by = Vec::new();
        if self.is_kw("group") && self.is_kw_at(1, "by") {
            self.bump();
            self.bump();
            group_by = self.ident_list()?;
        }
        let mut order_by = Vec::new();
        if self.eat_kw("order").is_some() {
            self.expect_kw("by")?;
            loop {
                let column = self.ident()?;
                let order = self.order()?;
                let span = self.since(column.span);
                order_by.push(Ordering {
                    column,
                    order,
                    span,
                });
                if self.eat_punct(Punct::Comma).is_none() {
                    break;
                }
            }
        }
        let mut per_partition_limit = None;
        if self.is_kw("per") {
            self.bump();
            self.expect_kw("partition")?;
            self.expect_kw("limit")?;
            per_partition_limit = Some(self.int_or_marker()?);
        }
        let mut limit = None;
        if self.eat_kw("limit").is_some() {
            limit = Some(self.int_or_marker()?);
        }
        let mut allow_filtering = false;
        if self.eat_kw("allow").is_some() {
            self.expect_kw("filtering")?;
            allow_filtering = true;
        }
        Ok(Select {
            json,
            distinct,
            selection,
            table,
            where_clause,
            group_by,
            order_by,
            per_partition_limit,
            limit,
            allow_filtering,
            span: self.since(start),
        })
    }

    /// `JSON`/`DISTINCT` after SELECT, unless the word is a column name.
    fn modifier_keyword(&mut self, kw: &str) -> bool {
        if !self.is_kw(kw) {
            return false;
        }
        let next = &self.peek_nth(1).kind;
        let used_as_column = matches!(next, TokenKind::Word(w) if w == "from" || w == "as")
            || matches!(
                next,
                TokenKind::Punct(Punct::Comma | Punct::Dot | Punct::LBracket | Punct::LParen)
            );
        if used_as_column {
            return false;
        }
        self.bump();
        true
    }

    fn order(&mut self) -> Result<Order, ParseError> {
        if self.eat_kw("desc").is_some() {
            Ok(Order::Desc)
        } else {
            self.eat_kw("asc");
            Ok(Order::Asc)
        }
    }

    fn selector(&mut self) -> Result<Selector, ParseError> {
        let start = self.span();
        let expr = self.selector_expr()?;
        let alias = if self.eat_kw("as").is_some() {
            Some(self.ident()?)
        } else {
            None
        };
        Ok(Selector {
            expr,
            alias,
            span: self.since(start),
        })
    }

    fn selector_expr(&mut self) -> Result<SelectorExpr, ParseError> {
        self.enter()?;
        let r = self.selector_expr_inner();
        self.leave();
        r
    }

    fn selector_expr_inner(&mut self) -> Result<SelectorExpr, ParseError> {
        let start = self.span();
        let mut expr = if self.is_function_call_start() {
            self.selector_call()?
        } else if self.is_ident() {
            let column = self.ident()?;
            SelectorExpr {
                span: column.span,
                kind: SelectorKind::Column(column),
            }
        } else {
            let term = self.term()?;
            SelectorExpr {
                span: term.span,
                kind: SelectorKind::Term(term),
            }
        };
        loop {
            if self.eat_punct(Punct::Dot).is_some() {
                let field = self.ident()?;
                expr = SelectorExpr {
                    kind: SelectorKind::Field {
                        expr: Box::new(expr),
                        field,
                    },
                    span: self.since(start),
                };
            } else if self.eat_punct(Punct::LBracket).is_some() {
                let key = self.term()?;
                self.expect_punct(Punct::RBracket)?;
                expr = SelectorExpr {
                    kind: SelectorKind::Element {
                        expr: Box::new(expr),
                        key,
                    },
                    span: self.since(start),
                };
            } else {
                return Ok(expr);
            }
            // Each postfix adds a level of nesting.
            self.enter()?;
        }
    }

    /// `name(...)`, with COUNT, WRITETIME, TTL and CAST handled specially.
    fn selector_call(&mut self) -> Result<SelectorExpr, ParseError> {
        let start = self.span();
        let name = self.function_name()?;
        self.expect_punct(Punct::LParen)?;
        let special = if name.keyspace.is_none() {
            name.name.name.as_str()
        } else {
            ""
        };
        let kind = match special {
            "count" if self.is_punct(Punct::Star) => {
                self.bump();
                SelectorKind::CountAll
            }
            "count"
                if matches!(&self.peek().kind, TokenKind::Integer(s) if s == "1")
                    && self.is_punct_at(1, Punct::RParen) =>
            {
                self.bump();
                SelectorKind::CountAll
            }
            "writetime" if !name.name.quoted => SelectorKind::WriteTime(self.ident()?),
            "ttl" if !name.name.quoted => SelectorKind::Ttl(self.ident()?),
            "cast" if !name.name.quoted => {
                let expr = self.selector_expr()?;
                self.expect_kw("as")?;
                let ty = self.cql_type()?;
                SelectorKind::Cast {
                    expr: Box::new(expr),
                    ty,
                }
            }
            _ => {
                let mut args = Vec::new();
                if !self.is_punct(Punct::RParen) {
                    loop {
                        args.push(self.selector_expr()?);
                        if self.eat_punct(Punct::Comma).is_none() {
                            break;
                        }
                    }
                }
                SelectorKind::Function { name, args }
            }
        };
        self.expect_punct(Punct::RParen)?;
        Ok(SelectorExpr {
            kind,
            span: self.since(start),
        })
    }

    pub(super) fn where_clause(&mut self) -> Result<Vec<Relation>, ParseError> {
        let mut out = Vec::new();
        loop {
            self.relation_into(&mut out)?;
            if self.eat_kw("and").is_none() {
                return Ok(out);
            }
        }
    }

    /// One relation, or a parenthesized group of them, appended to `out`.
    fn relation_into(&mut self, out: &mut Vec<Relation>) -> Result<(), ParseError> {
        let start = self.span();
        // '(' relation ')' versus a multi-column '(' a, b ')' op ...
        if self.is_punct(Punct::LParen)
            && !(self.is_ident_at(1)
                && (self.is_punct_at(2, Punct::Comma) || self.is_punct_at(2, Punct::RParen)))
        {
            self.enter()?;
            self.bump();
            let r = self.relation_into(out);
            self.leave();
            r?;
            self.expect_punct(Punct::RParen)?;
            return Ok(());
        }
        let target = if self.is_kw("token") && self.is_punct_at(1, Punct::LParen) {
            self.bump();
            self.bump();
            let columns = self.ident_list()?;
            self.expect_punct(Punct::RParen)?;
            RelationTarget::Token(columns)
        } else if self.eat_punct(Punct::LParen).is_some() {
            let columns = self.ident_list()?;
            self.expect_punct(Punct::RParen)?;
            RelationTarget::Tuple(columns)
        } else {
            let column = self.ident()?;
            if self.eat_punct(Punct::LBracket).is_some() {
                let key = self.term()?;
                self.expect_punct(Punct::RBracket)?;
                RelationTarget::Element { column, key }
            } else {
                RelationTarget::Column(column)
            }
        };
        let op_start = self.span();
        let op = self.operator()?;
        let op_span = self.since(op_start);
        let value = self.operator_value(op)?;
        out.push(Relation {
            target,
            op,
            op_span,
            value,
            span: self.since(start),
        });
        Ok(())
    }

    fn operator(&mut self) -> Result<Operator, ParseError> {
        let t = self.peek().clone();
        let op = match &t.kind {
            TokenKind::Punct(Punct::Eq) => Operator::Eq,
            TokenKind::Punct(Punct::Ne) => Operator::Ne,
            TokenKind::Punct(Punct::Lt) => Operator::Lt,
            TokenKind::Punct(Punct::Le) => Operator::Le,
            TokenKind::Punct(Punct::Gt) => Operator::Gt,
            TokenKind::Punct(Punct::Ge) => Operator::Ge,
            TokenKind::Word(w) => match w.as_str() {
                "in" => Operator::In,
                "like" => Operator::Like,
                "contains" => {
                    self.bump();
                    if self.eat_kw("key").is_some() {
                        return Ok(Operator::ContainsKey);
                    }
                    return Ok(Operator::Contains);
                }
                "is" => {
                    self.bump();
                    self.expect_kw("not")?;
                    return Ok(Operator::IsNot);
                }
                "not" => {
                    self.bump();
                    if self.eat_kw("in").is_some() {
                        return Ok(Operator::NotIn);
                    }
                    self.expect_kw("contains")?;
                    if self.eat_kw("key").is_some() {
                        return Ok(Operator::NotContainsKey);
                    }
                    return Ok(Operator::NotContains);
                }
                _ => return Err(self.unexpected("an operator")),
            },
            _ => return Err(self.unexpected("an operator")),
        };
        self.bump();
        Ok(op)
    }

    /// The right-hand side after `op`.
    fn operator_value(&mut self, op: Operator) -> Result<RelationValue, ParseError> {
        match op {
            Operator::IsNot => {
                self.expect_kw("null")?;
                Ok(RelationValue::Null)
            }
            Operator::In | Operator::NotIn if self.is_punct(Punct::LParen) => {
                self.bump();
                let items = self.term_list_until(Punct::RParen)?;
                self.expect_punct(Punct::RParen)?;
                Ok(RelationValue::List(items))
            }
            Operator::In | Operator::NotIn => match self.bind_marker()? {
                Some(m) => Ok(RelationValue::Term(Term {
                    span: m.span,
                    kind: TermKind::BindMarker(m),
                })),
                None => Err(self.unexpected("'(' or a bind marker")),
            },
            _ => Ok(RelationValue::Term(self.term()?)),
        }
    }

    /// `USING TTL t AND TIMESTAMP t`, when present.
    fn using_clause(&mut self) -> Result<Vec<UsingParam>, ParseError> {
        let mut out = Vec::new();
        if self.eat_kw("using").is_none() {
            return Ok(out);
        }
        loop {
            let start = self.span();
            let kind = if self.eat_kw("ttl").is_some() {
                UsingKind::Ttl
            } else if self.eat_kw("timestamp").is_some() {
                UsingKind::Timestamp
            } else {
                return Err(self.unexpected("TTL or TIMESTAMP"));
            };
            if out.iter().any(|p: &UsingParam| p.kind == kind) {
                return Err(self.invalid(start, "duplicate USING parameter"));
            }
            let value = self.int_or_marker()?;
            out.push(UsingParam {
                kind,
                value,
                span: self.since(start),
            });
            if self.eat_kw("and").is_none() {
                return Ok(out);
            }
        }
    }

    pub(super) fn insert(&mut self) -> Result<Insert, ParseError> {
        let start = self.expect_kw("insert")?;
        self.expect_kw("into")?;
        let table = self.qualified_name()?;
        let values = if self.eat_kw("json").is_some() {
            let value = match self.bind_marker()? {
                Some(m) => Term {
                    span: m.span,
                    kind: TermKind::BindMarker(m),
                },
                None => {
                    let s = self.span();
                    match &self.peek().kind {
                        TokenKind::Str(v) => {
                            let v = v.clone();
                            self.bump();
                            Term {
                                kind: TermKind::Literal(Literal::String(v)),
                                span: s,
                            }
                        }
                        _ => return Err(self.unexpected("a JSON string or a bind marker")),
                    }
                }
            };
            let mut default_unset = false;
            if self.eat_kw("default").is_some() {
                if self.eat_kw("unset").is_some() {
                    default_unset = true;
                } else {
                    self.expect_kw("null")?;
                }
            }
            InsertValues::Json {
                value,
                default_unset,
            }
        } else {
            let open = self.expect_punct(Punct::LParen)?;
            let columns = self.ident_list()?;
            self.expect_punct(Punct::RParen)?;
            self.expect_kw("values")?;
            let values_open = self.expect_punct(Punct::LParen)?;
            let values = self.term_list_until(Punct::RParen)?;
            self.expect_punct(Punct::RParen)?;
            if values.len() != columns.len() {
                return Err(self.invalid(
                    values_open.to(self.prev_span()),
                    format!(
                        "unmatched column names/values: {} columns ({}) but {} values",
                        columns.len(),
                        self.text
                            .get(open.start..values_open.start)
                            .unwrap_or("")
                            .trim(),
                        values.len()
                    ),
                ));
            }
            InsertValues::Columns { columns, values }
        };
        let if_not_exists = self.if_not_exists()?;
        let using = self.using_clause()?;
        Ok(Insert {
            table,
            values,
            if_not_exists,
            using,
            span: self.since(start),
        })
    }

    /// `c`, `c[key]` or `c.field`.
    fn column_target(&mut self) -> Result<ColumnTarget, ParseError> {
        let column = self.ident()?;
        if self.eat_punct(Punct::LBracket).is_some() {
            let key = self.term()?;
            self.expect_punct(Punct::RBracket)?;
            return Ok(ColumnTarget::Element { column, key });
        }
        if self.eat_punct(Punct::Dot).is_some() {
            let field = self.ident()?;
            return Ok(ColumnTarget::Field { column, field });
        }
        Ok(ColumnTarget::Column(column))
    }

    pub(super) fn update(&mut self) -> Result<Update, ParseError> {
        let start = self.expect_kw("update")?;
        let table = self.qualified_name()?;
        let using = self.using_clause()?;
        self.expect_kw("set")?;
        let mut assignments = vec![self.assignment()?];
        while self.eat_punct(Punct::Comma).is_some() {
            assignments.push(self.assignment()?);
        }
        self.expect_kw("where")?;
        let where_clause = self.where_clause()?;
        let if_clause = self.if_clause()?;
        Ok(Update {
            table,
            using,
            assignments,
            where_clause,
            if_clause,
            span: self.since(start),
        })
    }

    fn is_same_column(&self, n: usize, column: &Ident) -> bool {
        match &self.peek_nth(n).kind {
            TokenKind::Word(w) => !names_differ(column, w, false),
            TokenKind::QuotedIdent(q) => !names_differ(column, q, true),
            _ => false,
        }
    }

    fn assignment(&mut self) -> Result<Assignment, ParseError> {
        let start = self.span();
        let target = self.column_target()?;
        let op = if self.eat_punct(Punct::PlusEq).is_some() {
            AssignmentOp::Add(self.term()?)
        } else if self.eat_punct(Punct::MinusEq).is_some() {
            AssignmentOp::Remove(self.term()?)
        } else {
            self.expect_punct(Punct::Eq)?;
            let column = match &target {
                ColumnTarget::Column(c) => Some(c.clone()),
                _ => None,
            };
            match column {
                Some(c)
                    if self.is_same_column(0, &c)
                        && (self.is_punct_at(1, Punct::Plus)
                            || self.is_punct_at(1, Punct::Minus)) =>
                {
                    self.bump();
                    let plus = self.bump().kind == TokenKind::Punct(Punct::Plus);
                    let term = self.term()?;
                    if plus {
                        AssignmentOp::Add(term)
                    } else {
                        AssignmentOp::Remove(term)
                    }
                }
                Some(c) => {
                    let left = self.multiplicative()?;
                    if self.is_punct(Punct::Plus)
                        && self.is_same_column(1, &c)
                        && !self.is_punct_at(2, Punct::LParen)
                        && !self.is_punct_at(2, Punct::Dot)
                    {
                        self.bump();
                        self.bump();
                        AssignmentOp::Prepend(left)
                    } else {
                        AssignmentOp::Set(self.additive_from(left)?)
                    }
                }
                None => AssignmentOp::Set(self.term()?),
            }
        };
        Ok(Assignment {
            target,
            op,
            span: self.since(start),
        })
    }

    /// `IF EXISTS` or `IF cond AND ...`, when present.
    fn if_clause(&mut self) -> Result<Option<IfClause>, ParseError> {
        let Some(if_span) = self.eat_kw("if") else {
            return Ok(None);
        };
        if let Some(exists) = self.eat_kw("exists") {
            return Ok(Some(IfClause::Exists(if_span.to(exists))));
        }
        let mut conditions = Vec::new();
        loop {
            let start = self.span();
            let target = self.column_target()?;
            let op = self.operator()?;
            let value = self.operator_value(op)?;
            conditions.push(Condition {
                target,
                op,
                value,
                span: self.since(start),
            });
            if self.eat_kw("and").is_none() {
                return Ok(Some(IfClause::Conditions(conditions)));
            }
        }
    }

    pub(super) fn delete(&mut self) -> Result<Delete, ParseError> {
        let start = self.expect_kw("delete")?;
        let mut columns = Vec::new();
        if !self.is_kw("from") {
            loop {
                let s = self.span();
                let target = self.column_target()?;
                columns.push(DeleteTarget {
                    target,
                    span: self.since(s),
                });
                if self.eat_punct(Punct::Comma).is_none() {
                    break;
                }
            }
        }
        self.expect_kw("from")?;
        let table = self.qualified_name()?;
        let using = self.using_clause()?;
        if let Some(ttl) = using.iter().find(|u| u.kind == UsingKind::Ttl) {
            return Err(self.invalid(
                ttl.span,
                "a DELETE cannot have a TTL: use USING TIMESTAMP only",
            ));
        }
        self.expect_kw("where")?;
        let where_clause = self.where_clause()?;
        let if_clause = self.if_clause()?;
        Ok(Delete {
            columns,
            table,
            using,
            where_clause,
            if_clause,
            span: self.since(start),
        })
    }

    pub(super) fn batch(&mut self) -> Result<Batch, ParseError> {
        let start = self.expect_kw("begin")?;
        let kind = if self.eat_kw("unlogged").is_some() {
            BatchKind::Unlogged
        } else if self.eat_kw("counter").is_some() {
            BatchKind::Counter
        } else {
            BatchKind::Logged
        };
        self.expect_kw("batch")?;
        let using = self.using_clause()?;
        if let Some(ttl) = using.iter().find(|u| u.kind == UsingKind::Ttl) {
            return Err(self.invalid(
                ttl.span,
                "a BATCH cannot have a TTL: set it on each statement",
            ));
        }
        let mut statements = Vec::new();
        loop {
            if self.eat_kw("apply").is_some() {
                self.expect_kw("batch")?;
                break;
            }
            let stmt = if self.is_kw("insert") {
                Statement::Insert(self.insert()?)
            } else if self.is_kw("update") {
                Statement::Update(self.update()?)
            } else if self.is_kw("delete") {
                Statement::Delete(self.delete()?)
            } else {
                return Err(self.unexpected("INSERT, UPDATE, DELETE or APPLY BATCH"));
            };
            statements.push(stmt);
            self.eat_punct(Punct::Semicolon);
        }
        Ok(Batch {
            kind,
            using,
            statements,
            span: self.since(start),
        })
    }

    pub(super) fn use_statement(&mut self) -> Result<crate::ast::Use, ParseError> {
        let start = self.expect_kw("use")?;
        let keyspace = self.ident()?;
        Ok(crate::ast::Use {
            keyspace,
            span: self.since(start),
        })
    }
}

/// True when a token spelled `text` (quoted or not) names a different identifier than `column`.
fn names_differ(column: &Ident, text: &str, quoted: bool) -> bool {
    if quoted {
        column.name != text
    } else {
        column.name != text.to_ascii_lowercase()
    }
}
