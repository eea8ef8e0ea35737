//! SELECT statements: selectors, WHERE relations, ordering and limits.

use super::Parser;
use crate::ast::{
    Operator, Order, Ordering, Relation, RelationTarget, RelationValue, Select, Selection, Term,
    TermKind,
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
        let value = if matches!(target, RelationTarget::Tuple(_)) {
            self.tuple_relation_value(op)?
        } else {
            self.operator_value(op)?
        };
        out.push(Relation {
            target,
            op,
            op_span,
            value,
            span: self.since(start),
        });
        Ok(())
    }

    pub(super) fn operator(&mut self) -> Result<Operator, ParseError> {
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
    /// The right-hand side of a multi-column relation: tuple literals stay tuples even with one
    /// element, so `(a) = (1)` keeps its parentheses.
    fn tuple_relation_value(&mut self, op: Operator) -> Result<RelationValue, ParseError> {
        let is_in = matches!(op, Operator::In | Operator::NotIn);
        if is_in && self.is_punct(Punct::LParen) {
            self.bump();
            let mut items = Vec::new();
            if !self.is_punct(Punct::RParen) {
                loop {
                    items.push(self.tuple_or_term()?);
                    if self.eat_punct(Punct::Comma).is_none() {
                        break;
                    }
                }
            }
            self.expect_punct(Punct::RParen)?;
            return Ok(RelationValue::List(items));
        }
        if !is_in && self.is_punct(Punct::LParen) {
            return Ok(RelationValue::Term(self.tuple_or_term()?));
        }
        self.operator_value(op)
    }

    /// A parenthesized tuple literal (kept as a tuple even with one element), or a term.
    fn tuple_or_term(&mut self) -> Result<Term, ParseError> {
        if !self.is_punct(Punct::LParen) || self.is_type_hint_start() {
            return self.term();
        }
        let start = self.bump().span;
        self.enter()?;
        let items = self.term_list_until(Punct::RParen);
        self.leave();
        let items = items?;
        let end = self.expect_punct(Punct::RParen)?;
        Ok(Term {
            kind: TermKind::Tuple(items),
            span: start.to(end),
        })
    }

    pub(super) fn operator_value(&mut self, op: Operator) -> Result<RelationValue, ParseError> {
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
}
