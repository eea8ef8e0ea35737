//! Terms, bind markers, literals and CQL types.

use super::Parser;
use crate::ast::{
    ArithmeticOp, BindMarker, BindMarkerKind, CqlType, Ident, Literal, NativeType, QualifiedName,
    Span, Term, TermKind, UserTypeName,
};
use crate::error::ParseError;
use crate::lexer::{Punct, TokenKind};

impl Parser<'_> {
    /// A full term, arithmetic included.
    pub(super) fn term(&mut self) -> Result<Term, ParseError> {
        let left = self.multiplicative()?;
        self.additive_from(left)
    }

    /// Continues `left (('+'|'-') multiplicative)*`.
    pub(super) fn additive_from(&mut self, left: Term) -> Result<Term, ParseError> {
        let depth = self.depth;
        let r = self.additive_loop(left);
        self.depth = depth;
        r
    }

    fn additive_loop(&mut self, mut left: Term) -> Result<Term, ParseError> {
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
            let right = self.multiplicative()?;
            left = arithmetic(op, left, right);
        }
    }

    pub(super) fn multiplicative(&mut self) -> Result<Term, ParseError> {
        let depth = self.depth;
        let r = self.multiplicative_loop();
        self.depth = depth;
        r
    }

    fn multiplicative_loop(&mut self) -> Result<Term, ParseError> {
        let mut left = self.unary()?;
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
            let right = self.unary()?;
            left = arithmetic(op, left, right);
        }
    }

    fn unary(&mut self) -> Result<Term, ParseError> {
        if let Some(minus) = self.eat_punct(Punct::Minus) {
            self.enter()?;
            let inner = self.unary();
            self.leave();
            let inner = inner?;
            return Ok(negate(minus, inner));
        }
        self.primary()
    }

    /// A literal constant, when the current token is one.
    pub(super) fn literal(&mut self) -> Option<Literal> {
        let lit = match &self.peek().kind {
            TokenKind::Str(s) => Literal::String(s.clone()),
            TokenKind::Integer(s) => Literal::Integer(s.clone()),
            TokenKind::Float(s) => Literal::Float(s.clone()),
            TokenKind::Uuid(u) => Literal::Uuid(*u),
            TokenKind::Blob(b) => Literal::Blob(b.clone()),
            TokenKind::Duration(d) => Literal::Duration(d.clone()),
            TokenKind::Word(w) => match w.as_str() {
                "true" => Literal::Boolean(true),
                "false" => Literal::Boolean(false),
                "null" => Literal::Null,
                "nan" => Literal::NaN,
                "infinity" => Literal::Infinity { negative: false },
                _ => return None,
            },
            _ => return None,
        };
        self.bump();
        Some(lit)
    }

    /// A constant with an optional leading `-` (for option values).
    pub(super) fn signed_literal(&mut self) -> Result<Literal, ParseError> {
        let start = self.span();
        let negative = self.eat_punct(Punct::Minus).is_some();
        let Some(lit) = self.literal() else {
            return Err(self.unexpected("a constant"));
        };
        if !negative {
            return Ok(lit);
        }
        Ok(match lit {
            Literal::Integer(s) => Literal::Integer(format!("-{s}")),
            Literal::Float(s) => Literal::Float(format!("-{s}")),
            Literal::Duration(s) => Literal::Duration(format!("-{s}")),
            Literal::NaN => Literal::NaN,
            Literal::Infinity { negative } => Literal::Infinity {
                negative: !negative,
            },
            _ => {
                return Err(self.invalid(
                    start.to(self.prev_span()),
                    "only numbers and durations can be negated",
                ))
            }
        })
    }

    /// `?` or `:name`, when the current token starts one.
    pub(super) fn bind_marker(&mut self) -> Result<Option<BindMarker>, ParseError> {
        if let Some(span) = self.eat_punct(Punct::Question) {
            let index = self.marker_index();
            return Ok(Some(BindMarker {
                kind: BindMarkerKind::Positional,
                index,
                span,
            }));
        }
        if let Some(colon) = self.eat_punct(Punct::Colon) {
            let name = self.ident()?;
            let index = self.marker_index();
            return Ok(Some(BindMarker {
                kind: BindMarkerKind::Named(name.name),
                index,
                span: colon.to(name.span),
            }));
        }
        Ok(None)
    }

    /// An integer constant or a bind marker (for LIMIT, TTL, TIMESTAMP).
    pub(super) fn int_or_marker(&mut self) -> Result<Term, ParseError> {
        let start = self.span();
        if let Some(m) = self.bind_marker()? {
            let span = m.span;
            return Ok(Term {
                kind: TermKind::BindMarker(m),
                span,
            });
        }
        let negative = self.eat_punct(Punct::Minus).is_some();
        if let TokenKind::Integer(s) = &self.peek().kind {
            let text = if negative { format!("-{s}") } else { s.clone() };
            let end = self.bump().span;
            return Ok(Term {
                kind: TermKind::Literal(Literal::Integer(text)),
                span: start.to(end),
            });
        }
        Err(self.unexpected("an integer or a bind marker"))
    }

    /// A term without arithmetic: a constant, a marker, a collection, a call...
    pub(super) fn primary(&mut self) -> Result<Term, ParseError> {
        self.enter()?;
        let r = self.primary_inner();
        self.leave();
        r
    }

    fn primary_inner(&mut self) -> Result<Term, ParseError> {
        let start = self.span();
        if let Some(m) = self.bind_marker()? {
            let span = m.span;
            return Ok(Term {
                kind: TermKind::BindMarker(m),
                span,
            });
        }
        if let Some(lit) = self.literal() {
            return Ok(Term {
                kind: TermKind::Literal(lit),
                span: start,
            });
        }
        if self.is_punct(Punct::LBracket) {
            self.bump();
            let items = self.term_list_until(Punct::RBracket)?;
            let end = self.expect_punct(Punct::RBracket)?;
            return Ok(Term {
                kind: TermKind::List(items),
                span: start.to(end),
            });
        }
        if self.is_punct(Punct::LBrace) {
            return self.brace_literal();
        }
        if self.is_punct(Punct::LParen) {
            return self.paren_term();
        }
        if self.is_function_call_start() {
            let name = self.function_name()?;
            self.expect_punct(Punct::LParen)?;
            let args = self.term_list_until(Punct::RParen)?;
            let end = self.expect_punct(Punct::RParen)?;
            return Ok(Term {
                kind: TermKind::FunctionCall { name, args },
                span: start.to(end),
            });
        }
        Err(self.unexpected("a term (a constant, a collection, a bind marker or a function call)"))
    }

    /// True when the next tokens are `name (` or `ks . name (`.
    pub(super) fn is_function_call_start(&self) -> bool {
        let name_like = |n: usize| self.is_ident_at(n) || self.is_kw_at(n, "token");
        (name_like(0) && self.is_punct_at(1, Punct::LParen))
            || (self.is_ident_at(0)
                && self.is_punct_at(1, Punct::Dot)
                && name_like(2)
                && self.is_punct_at(3, Punct::LParen))
    }

    /// A function name, possibly qualified; `token` is accepted although reserved.
    pub(super) fn function_name(&mut self) -> Result<QualifiedName, ParseError> {
        if self.is_kw("token") {
            let span = self.bump().span;
            let name = Ident {
                name: "token".to_string(),
                quoted: false,
                span,
            };
            return Ok(QualifiedName {
                keyspace: None,
                name,
                span,
            });
        }
        let first = self.ident()?;
        if self.eat_punct(Punct::Dot).is_some() {
            let name = if self.is_kw("token") {
                let span = self.bump().span;
                Ident {
                    name: "token".to_string(),
                    quoted: false,
                    span,
                }
            } else {
                self.ident()?
            };
            let span = first.span.to(name.span);
            return Ok(QualifiedName {
                keyspace: Some(first),
                name,
                span,
            });
        }
        let span = first.span;
        Ok(QualifiedName {
            keyspace: None,
            name: first,
            span,
        })
    }

    /// Comma-separated terms up to (not including) `close`; may be empty.
    pub(super) fn term_list_until(&mut self, close: Punct) -> Result<Vec<Term>, ParseError> {
        let mut items = Vec::new();
        if self.is_punct(close) {
            return Ok(items);
        }
        loop {
            items.push(self.term()?);
            if self.eat_punct(Punct::Comma).is_none() {
                return Ok(items);
            }
        }
    }

    /// `{}`, `{a, b}`, `{k: v}` or `{field: v}`.
    fn brace_literal(&mut self) -> Result<Term, ParseError> {
        let start = self.expect_punct(Punct::LBrace)?;
        if let Some(end) = self.eat_punct(Punct::RBrace) {
            return Ok(Term {
                kind: TermKind::Map(Vec::new()),
                span: start.to(end),
            });
        }
        // A UDT literal: identifier followed by ':'.
        if self.is_ident() && self.is_punct_at(1, Punct::Colon) {
            let mut fields = Vec::new();
            loop {
                let name = self.ident()?;
                self.expect_punct(Punct::Colon)?;
                let value = self.term()?;
                fields.push((name, value));
                if self.eat_punct(Punct::Comma).is_none() {
                    break;
                }
            }
            let end = self.expect_punct(Punct::RBrace)?;
            return Ok(Term {
                kind: TermKind::Udt(fields),
                span: start.to(end),
            });
        }
        let first = self.term()?;
        if self.eat_punct(Punct::Colon).is_some() {
            let value = self.term()?;
            let mut entries = vec![(first, value)];
            while self.eat_punct(Punct::Comma).is_some() {
                let k = self.term()?;
                self.expect_punct(Punct::Colon)?;
                let v = self.term()?;
                entries.push((k, v));
            }
            let end = self.expect_punct(Punct::RBrace)?;
            return Ok(Term {
                kind: TermKind::Map(entries),
                span: start.to(end),
            });
        }
        let mut items = vec![first];
        while self.eat_punct(Punct::Comma).is_some() {
            items.push(self.term()?);
        }
        let end = self.expect_punct(Punct::RBrace)?;
        Ok(Term {
            kind: TermKind::Set(items),
            span: start.to(end),
        })
    }

    /// True when the tokens after `(` look like a type (for a type hint).
    pub(super) fn is_type_hint_start(&self) -> bool {
        match &self.peek_nth(1).kind {
            TokenKind::Word(w) => {
                if NativeType::from_name(w).is_some()
                    || matches!(
                        w.as_str(),
                        "list" | "set" | "map" | "tuple" | "frozen" | "vector"
                    )
                {
                    // `set` and friends are types only when followed by '<'; natives are always.
                    return NativeType::from_name(w).is_some() || self.is_punct_at(2, Punct::Lt);
                }
                !super::is_reserved_keyword(w) && self.is_type_name_end()
            }
            TokenKind::QuotedIdent(_) => self.is_type_name_end(),
            _ => false,
        }
    }

    /// After `( name`: true for `)` or `. name )`, a (possibly qualified) user type name.
    fn is_type_name_end(&self) -> bool {
        self.is_punct_at(2, Punct::RParen)
            || (self.is_punct_at(2, Punct::Dot)
                && self.is_ident_at(3)
                && self.is_punct_at(4, Punct::RParen))
    }

    /// `(type) term`, `(a, b, ...)` or `(term)`.
    fn paren_term(&mut self) -> Result<Term, ParseError> {
        let start = self.span();
        if self.is_type_hint_start() {
            self.bump();
            let ty_start = self.span();
            let ty = self.cql_type()?;
            let ty_span = ty_start.to(self.prev_span());
            self.expect_punct(Punct::RParen)?;
            let term = self.unary()?;
            let span = start.to(term.span);
            return Ok(Term {
                kind: TermKind::TypeHint {
                    ty,
                    ty_span,
                    term: Box::new(term),
                },
                span,
            });
        }
        self.expect_punct(Punct::LParen)?;
        let items = self.term_list_until(Punct::RParen)?;
        let end = self.expect_punct(Punct::RParen)?;
        let span = start.to(end);
        let mut items = items;
        if items.len() == 1 {
            if let Some(mut only) = items.pop() {
                only.span = span;
                return Ok(only);
            }
        }
        if items.is_empty() {
            return Err(self.invalid(span, "an empty tuple '()' is not a valid term"));
        }
        Ok(Term {
            kind: TermKind::Tuple(items),
            span,
        })
    }

    /// A CQL type.
    pub(super) fn cql_type(&mut self) -> Result<CqlType, ParseError> {
        self.enter()?;
        let r = self.cql_type_inner();
        self.leave();
        r
    }

    fn cql_type_inner(&mut self) -> Result<CqlType, ParseError> {
        let t = self.peek().clone();
        match &t.kind {
            TokenKind::Str(class) => {
                self.bump();
                Ok(CqlType::Custom(class.clone()))
            }
            TokenKind::Word(w) if self.is_punct_at(1, Punct::Lt) => {
                let w = w.clone();
                match w.as_str() {
                    "list" | "set" | "frozen" => {
                        self.bump();
                        self.bump();
                        let inner = Box::new(self.cql_type()?);
                        self.expect_punct(Punct::Gt)?;
                        Ok(match w.as_str() {
                            "list" => CqlType::List(inner),
                            "set" => CqlType::Set(inner),
                            _ => CqlType::Frozen(inner),
                        })
                    }
                    "map" => {
                        self.bump();
                        self.bump();
                        let k = self.cql_type()?;
                        self.expect_punct(Punct::Comma)?;
                        let v = self.cql_type()?;
                        self.expect_punct(Punct::Gt)?;
                        Ok(CqlType::Map(Box::new(k), Box::new(v)))
                    }
                    "tuple" => {
                        self.bump();
                        self.bump();
                        let mut items = vec![self.cql_type()?];
                        while self.eat_punct(Punct::Comma).is_some() {
                            items.push(self.cql_type()?);
                        }
                        self.expect_punct(Punct::Gt)?;
                        Ok(CqlType::Tuple(items))
                    }
                    "vector" => {
                        self.bump();
                        self.bump();
                        let inner = self.cql_type()?;
                        self.expect_punct(Punct::Comma)?;
                        let dim_tok = self.peek().clone();
                        let dim = match &dim_tok.kind {
                            TokenKind::Integer(s) => s.parse::<u32>().ok().filter(|d| *d > 0),
                            _ => return Err(self.unexpected("the vector dimension")),
                        };
                        let Some(dim) = dim else {
                            return Err(self.invalid(
                                dim_tok.span,
                                "a vector dimension must be a positive 32-bit integer",
                            ));
                        };
                        self.bump();
                        self.expect_punct(Punct::Gt)?;
                        Ok(CqlType::Vector(Box::new(inner), dim))
                    }
                    _ => Err(self.invalid(
                        t.span,
                        format!("unknown parameterized type '{w}': use list, set, map, tuple, frozen or vector"),
                    )),
                }
            }
            TokenKind::Word(w) if NativeType::from_name(w).is_some() => {
                let native = NativeType::from_name(w);
                self.bump();
                match native {
                    Some(n) => Ok(CqlType::Native(n)),
                    None => Err(self.unexpected("a type")),
                }
            }
            TokenKind::Word(w)
                if matches!(w.as_str(), "list" | "set" | "map" | "tuple" | "frozen") =>
            {
                self.bump();
                Err(self.unexpected("'<'"))
            }
            TokenKind::Word(_) | TokenKind::QuotedIdent(_) => {
                let name = self.qualified_name()?;
                Ok(CqlType::UserDefined(UserTypeName {
                    keyspace: name.keyspace.map(|k| k.name),
                    name: name.name.name,
                }))
            }
            _ => Err(self.unexpected("a type")),
        }
    }

    /// The span covering tokens from `start` to the previous token.
    pub(super) fn since(&self, start: Span) -> Span {
        start.to(self.prev_span())
    }
}

/// `-inner`, folded into the literal for numbers and durations.
pub(super) fn negate(minus: Span, inner: Term) -> Term {
    let span = minus.to(inner.span);
    let kind = match inner.kind {
        TermKind::Literal(Literal::Integer(s)) if !s.starts_with('-') => {
            TermKind::Literal(Literal::Integer(format!("-{s}")))
        }
        TermKind::Literal(Literal::Float(s)) if !s.starts_with('-') => {
            TermKind::Literal(Literal::Float(format!("-{s}")))
        }
        TermKind::Literal(Literal::Duration(s)) if !s.starts_with('-') => {
            TermKind::Literal(Literal::Duration(format!("-{s}")))
        }
        TermKind::Literal(Literal::NaN) => TermKind::Literal(Literal::NaN),
        TermKind::Literal(Literal::Infinity { negative }) => TermKind::Literal(Literal::Infinity {
            negative: !negative,
        }),
        other => TermKind::Negate(Box::new(Term {
            kind: other,
            span: inner.span,
        })),
    };
    Term { kind, span }
}

fn arithmetic(op: ArithmeticOp, left: Term, right: Term) -> Term {
    let span = left.span.to(right.span);
    Term {
        kind: TermKind::Arithmetic {
            op,
            left: Box::new(left),
            right: Box::new(right),
        },
        span,
    }
}
