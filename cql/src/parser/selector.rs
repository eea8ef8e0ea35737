//! Selectors of a SELECT clause: columns, terms, function calls, COUNT/WRITETIME/TTL/CAST,
//! field and element access, arithmetic, tuples and collections of selectors.

use super::Parser;
use crate::ast::{ArithmeticOp, Selector, SelectorExpr, SelectorKind};
use crate::error::ParseError;
use crate::lexer::{Punct, TokenKind};

/// The depth a nested selector counts for (see `Parser::enter_weighted`).
const SELECTOR_WEIGHT: usize = 4;

impl Parser<'_> {
    pub(super) fn selector(&mut self) -> Result<Selector, ParseError> {
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

    pub(super) fn selector_expr(&mut self) -> Result<SelectorExpr, ParseError> {
        let depth = self.depth;
        // A selector level goes through more (and larger) frames than a term level.
        let r = self
            .enter_weighted(SELECTOR_WEIGHT)
            .and_then(|()| self.selector_additive());
        self.depth = depth;
        r
    }

    fn selector_additive(&mut self) -> Result<SelectorExpr, ParseError> {
        let mut left = self.selector_multiplicative()?;
        loop {
            let op = if self.is_punct(Punct::Plus) {
                ArithmeticOp::Add
            } else if self.is_punct(Punct::Minus) {
                ArithmeticOp::Sub
            } else {
                return Ok(left);
            };
            self.enter()?;
            self.bump();
            let right = self.selector_multiplicative()?;
            left = selector_arithmetic(op, left, right);
        }
    }

    fn selector_multiplicative(&mut self) -> Result<SelectorExpr, ParseError> {
        let mut left = self.selector_postfix()?;
        loop {
            let op = if self.is_punct(Punct::Star) {
                ArithmeticOp::Mul
            } else if self.is_punct(Punct::Slash) {
                ArithmeticOp::Div
            } else if self.is_punct(Punct::Percent) {
                ArithmeticOp::Rem
            } else {
                return Ok(left);
            };
            self.enter()?;
            self.bump();
            let right = self.selector_postfix()?;
            left = selector_arithmetic(op, left, right);
        }
    }

    /// A primary selector followed by `.field`, `[key]` or `[from..to]` accesses.
    fn selector_postfix(&mut self) -> Result<SelectorExpr, ParseError> {
        let depth = self.depth;
        let r = self.selector_postfix_inner();
        self.depth = depth;
        r
    }

    fn selector_postfix_inner(&mut self) -> Result<SelectorExpr, ParseError> {
        let start = self.span();
        let mut expr = self.selector_primary()?;
        loop {
            // Each access adds a level of nesting.
            self.enter()?;
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
                let from = if self.is_range_dots() {
                    None
                } else {
                    Some(self.term()?)
                };
                let kind = if self.is_range_dots() {
                    self.bump();
                    self.bump();
                    let to = if self.is_punct(Punct::RBracket) {
                        None
                    } else {
                        Some(self.term()?)
                    };
                    SelectorKind::Slice {
                        expr: Box::new(expr),
                        from,
                        to,
                    }
                } else {
                    match from {
                        Some(key) => SelectorKind::Element {
                            expr: Box::new(expr),
                            key,
                        },
                        None => return Err(self.unexpected("a term")),
                    }
                };
                self.expect_punct(Punct::RBracket)?;
                expr = SelectorExpr {
                    kind,
                    span: self.since(start),
                };
            } else {
                return Ok(expr);
            }
        }
    }

    /// A function call, a column, a term, or a tuple/collection/type hint/negation of selectors.
    fn selector_primary(&mut self) -> Result<SelectorExpr, ParseError> {
        if self.is_function_call_start() {
            return self.selector_call();
        }
        if self.is_ident() {
            let column = self.ident()?;
            return Ok(SelectorExpr {
                span: column.span,
                kind: SelectorKind::Column(column),
            });
        }
        // A selector made only of values is a term; otherwise it mixes in columns.
        let saved = (self.pos, self.next_marker, self.depth);
        let as_term = match self.term() {
            Ok(term) => {
                return Ok(SelectorExpr {
                    span: term.span,
                    kind: SelectorKind::Term(term),
                })
            }
            Err(e) => e,
        };
        (self.pos, self.next_marker, self.depth) = saved;
        match self.selector_composite() {
            Ok(expr) => Ok(expr),
            Err(e) if e.span.start >= as_term.span.start => Err(e),
            Err(_) => Err(as_term),
        }
    }

    fn selector_composite(&mut self) -> Result<SelectorExpr, ParseError> {
        let start = self.span();
        let kind = if let Some(minus) = self.eat_punct(Punct::Minus) {
            self.enter()?;
            let inner = self.selector_postfix()?;
            match inner.kind {
                SelectorKind::Term(t) => SelectorKind::Term(super::term::negate(minus, t)),
                kind => SelectorKind::Negate(Box::new(SelectorExpr {
                    kind,
                    span: inner.span,
                })),
            }
        } else if self.is_punct(Punct::LParen) && self.is_type_hint_start() {
            self.bump();
            let ty = self.cql_type()?;
            self.expect_punct(Punct::RParen)?;
            self.enter()?;
            SelectorKind::TypeHint {
                ty,
                expr: Box::new(self.selector_postfix()?),
            }
        } else if self.eat_punct(Punct::LParen).is_some() {
            let mut items = self.selectors_until(Punct::RParen)?;
            let end = self.expect_punct(Punct::RParen)?;
            if items.len() == 1 {
                if let Some(mut only) = items.pop() {
                    only.span = start.to(end);
                    return Ok(only);
                }
            }
            if items.is_empty() {
                return Err(
                    self.invalid(start.to(end), "an empty tuple '()' is not a valid selector")
                );
            }
            SelectorKind::Tuple(items)
        } else if self.eat_punct(Punct::LBracket).is_some() {
            let items = self.selectors_until(Punct::RBracket)?;
            self.expect_punct(Punct::RBracket)?;
            SelectorKind::List(items)
        } else if self.eat_punct(Punct::LBrace).is_some() {
            let kind = self.brace_selector()?;
            self.expect_punct(Punct::RBrace)?;
            kind
        } else {
            // A value operand of an arithmetic selector; the operators are handled above.
            SelectorKind::Term(self.primary()?)
        };
        Ok(SelectorExpr {
            kind,
            span: self.since(start),
        })
    }

    /// The inside of `{...}`: a map or a set of selectors.
    fn brace_selector(&mut self) -> Result<SelectorKind, ParseError> {
        if self.is_punct(Punct::RBrace) {
            return Ok(SelectorKind::Map(Vec::new()));
        }
        let first = self.selector_expr()?;
        if self.eat_punct(Punct::Colon).is_some() {
            let mut entries = vec![(first, self.selector_expr()?)];
            while self.eat_punct(Punct::Comma).is_some() {
                let k = self.selector_expr()?;
                self.expect_punct(Punct::Colon)?;
                entries.push((k, self.selector_expr()?));
            }
            return Ok(SelectorKind::Map(entries));
        }
        let mut items = vec![first];
        while self.eat_punct(Punct::Comma).is_some() {
            items.push(self.selector_expr()?);
        }
        Ok(SelectorKind::Set(items))
    }

    /// Comma-separated selectors up to (not including) `close`; may be empty.
    fn selectors_until(&mut self, close: Punct) -> Result<Vec<SelectorExpr>, ParseError> {
        let mut items = Vec::new();
        if self.is_punct(close) {
            return Ok(items);
        }
        loop {
            items.push(self.selector_expr()?);
            if self.eat_punct(Punct::Comma).is_none() {
                return Ok(items);
            }
        }
    }

    /// True at `..` (two adjacent dots) in a collection slice.
    fn is_range_dots(&self) -> bool {
        self.is_punct(Punct::Dot)
            && self.is_punct_at(1, Punct::Dot)
            && self.peek().span.end == self.peek_nth(1).span.start
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
}

fn selector_arithmetic(op: ArithmeticOp, left: SelectorExpr, right: SelectorExpr) -> SelectorExpr {
    let span = left.span.to(right.span);
    SelectorExpr {
        kind: SelectorKind::Arithmetic {
            op,
            left: Box::new(left),
            right: Box::new(right),
        },
        span,
    }
}
