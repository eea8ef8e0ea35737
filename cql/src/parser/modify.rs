//! INSERT, UPDATE, DELETE, BATCH and USE statements.

use super::Parser;
use crate::ast::{
    Assignment, AssignmentOp, Batch, BatchKind, ColumnTarget, Condition, Delete, DeleteTarget,
    Ident, IfClause, Insert, InsertValues, Literal, Statement, Term, TermKind, Update, UsingKind,
    UsingParam,
};
use crate::error::ParseError;
use crate::lexer::{Punct, TokenKind};

impl Parser<'_> {
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
        if self.is_kw("not") && self.is_kw_at(1, "exists") {
            let span = if_span.to(self.peek_nth(1).span);
            return Err(self.invalid(
                span,
                "IF NOT EXISTS is only valid on INSERT: use IF EXISTS or IF conditions",
            ));
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
