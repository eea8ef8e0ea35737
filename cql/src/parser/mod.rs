//! A recursive-descent parser from tokens to [`crate::ast`].

mod ddl;
mod modify;
mod select;
mod selector;
mod term;

use crate::ast::{Ident, QualifiedName, Span, Statement};
use crate::error::{line_col, ParseError, ParseErrorKind};
use crate::lexer::{tokenize, Punct, Token, TokenKind};

/// How deep terms, types and selectors may nest before the parser gives up: a guard against
/// stack exhaustion on hostile input. Real statements nest a handful of levels; at this limit
/// the worst input measured needs about 1 MiB of stack in an unoptimized build, half of what a
/// tokio worker thread has.
const MAX_DEPTH: usize = 40;

/// Keywords that cannot be used as unquoted identifiers (Cassandra 4.0 reserved keywords, plus
/// the boolean literals).
const RESERVED: &[&str] = &[
    "add",
    "allow",
    "alter",
    "and",
    "apply",
    "asc",
    "authorize",
    "batch",
    "begin",
    "by",
    "columnfamily",
    "create",
    "default",
    "delete",
    "desc",
    "describe",
    "drop",
    "entries",
    "execute",
    "false",
    "from",
    "full",
    "grant",
    "if",
    "in",
    "index",
    "infinity",
    "insert",
    "into",
    "is",
    "keyspace",
    "limit",
    "materialized",
    "mbean",
    "mbeans",
    "modify",
    "nan",
    "norecursive",
    "not",
    "null",
    "of",
    "on",
    "or",
    "order",
    "primary",
    "rename",
    "replace",
    "revoke",
    "schema",
    "select",
    "set",
    "table",
    "to",
    "token",
    "true",
    "truncate",
    "unlogged",
    "unset",
    "update",
    "use",
    "using",
    "view",
    "where",
    "with",
];

/// True when `word` (in any case) is a reserved keyword: it must be double-quoted to be used as
/// a column, table or keyspace name.
///
/// ```
/// assert!(ringbolt_cql::is_reserved_keyword("Select"));
/// assert!(!ringbolt_cql::is_reserved_keyword("ttl")); // a non-reserved keyword
/// ```
pub fn is_reserved_keyword(word: &str) -> bool {
    RESERVED.contains(&word.to_ascii_lowercase().as_str())
}

pub(crate) struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    next_marker: usize,
    depth: usize,
}

/// Parses exactly one statement, optionally followed by `;`.
///
/// ```
/// use ringbolt_cql::{ast::Statement, parse_statement};
/// let stmt = parse_statement("INSERT INTO ks.t (k, v) VALUES (?, ?) USING TTL 60;").unwrap();
/// assert!(matches!(stmt, Statement::Insert(_)));
/// assert_eq!(stmt.to_string(), "INSERT INTO ks.t (k, v) VALUES (?, ?) USING TTL 60");
/// assert!(parse_statement("INSERT INTO t (k) VALUES (1); INSERT").is_err());
/// ```
pub fn parse_statement(text: &str) -> Result<Statement, ParseError> {
    let mut p = Parser::new(text)?;
    let stmt = p.statement()?;
    p.eat_punct(Punct::Semicolon);
    if !p.at_eof() {
        return Err(p.unexpected("end of statement"));
    }
    Ok(stmt)
}

/// Parses a script: statements separated by `;` (bind markers are numbered per statement).
///
/// ```
/// let script = "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};
///               CREATE TABLE ks.t (k int PRIMARY KEY, v text);";
/// assert_eq!(ringbolt_cql::parse_statements(script).unwrap().len(), 2);
/// ```
pub fn parse_statements(text: &str) -> Result<Vec<Statement>, ParseError> {
    let mut p = Parser::new(text)?;
    let mut out = Vec::new();
    loop {
        while p.eat_punct(Punct::Semicolon).is_some() {}
        if p.at_eof() {
            return Ok(out);
        }
        p.next_marker = 0;
        out.push(p.statement()?);
        if p.eat_punct(Punct::Semicolon).is_none() && !p.at_eof() {
            return Err(p.unexpected("';'"));
        }
    }
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Result<Parser<'a>, ParseError> {
        Ok(Parser {
            text,
            tokens: tokenize(text)?,
            pos: 0,
            next_marker: 0,
            depth: 0,
        })
    }

    // ----- token access -----

    fn peek_nth(&self, n: usize) -> &Token {
        let i = self.pos.saturating_add(n);
        match self.tokens.get(i) {
            Some(t) => t,
            None => self.eof_token(),
        }
    }

    fn eof_token(&self) -> &Token {
        // `tokenize` always ends with Eof, so the last token exists.
        static FALLBACK: Token = Token {
            kind: TokenKind::Eof,
            span: Span { start: 0, end: 0 },
        };
        self.tokens.last().unwrap_or(&FALLBACK)
    }

    fn peek(&self) -> &Token {
        self.peek_nth(0)
    }

    fn span(&self) -> Span {
        self.peek().span
    }

    /// The span of the previous token (or an empty span at the start).
    fn prev_span(&self) -> Span {
        self.pos
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .map_or(Span::new(0, 0), |t| t.span)
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.tokens.len() {
            self.pos += 1;
        }
        t
    }

    fn at_eof(&self) -> bool {
        matches!(self.peek().kind, TokenKind::Eof)
    }

    fn is_punct_at(&self, n: usize, p: Punct) -> bool {
        matches!(&self.peek_nth(n).kind, TokenKind::Punct(q) if *q == p)
    }

    fn is_punct(&self, p: Punct) -> bool {
        self.is_punct_at(0, p)
    }

    fn eat_punct(&mut self, p: Punct) -> Option<Span> {
        if self.is_punct(p) {
            Some(self.bump().span)
        } else {
            None
        }
    }

    fn expect_punct(&mut self, p: Punct) -> Result<Span, ParseError> {
        match self.eat_punct(p) {
            Some(s) => Ok(s),
            None => Err(self.unexpected(&format!("'{}'", p.as_str()))),
        }
    }

    fn is_kw_at(&self, n: usize, kw: &str) -> bool {
        matches!(&self.peek_nth(n).kind, TokenKind::Word(w) if w == kw)
    }

    fn is_kw(&self, kw: &str) -> bool {
        self.is_kw_at(0, kw)
    }

    fn eat_kw(&mut self, kw: &str) -> Option<Span> {
        if self.is_kw(kw) {
            Some(self.bump().span)
        } else {
            None
        }
    }

    fn expect_kw(&mut self, kw: &str) -> Result<Span, ParseError> {
        match self.eat_kw(kw) {
            Some(s) => Ok(s),
            None => Err(self.unexpected(&kw.to_ascii_uppercase())),
        }
    }

    /// `IF NOT EXISTS`, returning true when present.
    fn if_not_exists(&mut self) -> Result<bool, ParseError> {
        if self.is_kw("if") && self.is_kw_at(1, "not") {
            self.bump();
            self.bump();
            self.expect_kw("exists")?;
            return Ok(true);
        }
        Ok(false)
    }

    /// `IF EXISTS`, returning true when present.
    fn if_exists(&mut self) -> Result<bool, ParseError> {
        if self.is_kw("if") && self.is_kw_at(1, "exists") {
            self.bump();
            self.bump();
            return Ok(true);
        }
        Ok(false)
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.enter_weighted(1)
    }

    /// Enters a construct whose parsing uses about `weight` times the stack of a term level.
    fn enter_weighted(&mut self, weight: usize) -> Result<(), ParseError> {
        if self.depth.saturating_add(weight) > MAX_DEPTH {
            return Err(ParseError::new(
                ParseErrorKind::Invalid,
                self.span(),
                format!(
                    "{} nesting is too deep (more than {MAX_DEPTH} levels)",
                    self.position(self.span())
                ),
            ));
        }
        self.depth += weight;
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    // ----- errors -----

    fn position(&self, span: Span) -> String {
        let (line, col) = line_col(self.text, span.start);
        format!("line {line}:{col}")
    }

    fn token_text(&self, t: &Token) -> String {
        match t.kind {
            TokenKind::Eof => "<EOF>".to_string(),
            _ => self
                .text
                .get(t.span.start..t.span.end)
                .unwrap_or_default()
                .to_string(),
        }
    }

    /// A "mismatched input" error at the current token.
    fn unexpected(&self, expected: &str) -> ParseError {
        let t = self.peek();
        let kind = if matches!(t.kind, TokenKind::Eof) {
            ParseErrorKind::UnexpectedEnd
        } else {
            ParseErrorKind::UnexpectedToken
        };
        ParseError::new(
            kind,
            t.span,
            format!(
                "{} mismatched input '{}' expecting {expected}",
                self.position(t.span),
                self.token_text(t)
            ),
        )
    }

    fn invalid(&self, span: Span, message: impl AsRef<str>) -> ParseError {
        ParseError::new(
            ParseErrorKind::Invalid,
            span,
            format!("{} {}", self.position(span), message.as_ref()),
        )
    }

    fn unsupported(&self, span: Span, what: &str) -> ParseError {
        ParseError::new(
            ParseErrorKind::Unsupported,
            span,
            format!(
                "{} {what} statements are not supported by Ringbolt's CQL parser",
                self.position(span)
            ),
        )
    }

    // ----- names -----

    fn is_ident_at(&self, n: usize) -> bool {
        match &self.peek_nth(n).kind {
            TokenKind::Word(w) => !is_reserved_keyword(w),
            TokenKind::QuotedIdent(_) => true,
            _ => false,
        }
    }

    fn is_ident(&self) -> bool {
        self.is_ident_at(0)
    }

    fn ident(&mut self) -> Result<Ident, ParseError> {
        let t = self.peek().clone();
        match t.kind {
            TokenKind::Word(w) if !is_reserved_keyword(&w) => {
                self.bump();
                Ok(Ident {
                    name: w,
                    quoted: false,
                    span: t.span,
                })
            }
            TokenKind::QuotedIdent(name) => {
                self.bump();
                Ok(Ident {
                    name,
                    quoted: true,
                    span: t.span,
                })
            }
            TokenKind::Word(_) => Err(ParseError::new(
                ParseErrorKind::UnexpectedToken,
                t.span,
                format!(
                    "{} mismatched input '{}' expecting an identifier ('{}' is a reserved keyword: quote it to use it as a name)",
                    self.position(t.span),
                    self.token_text(&t),
                    self.token_text(&t),
                ),
            )),
            _ => Err(self.unexpected("an identifier")),
        }
    }

    /// `[keyspace '.'] name`.
    fn qualified_name(&mut self) -> Result<QualifiedName, ParseError> {
        let first = self.ident()?;
        if self.is_punct(Punct::Dot) {
            self.bump();
            let name = self.ident()?;
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

    fn ident_list(&mut self) -> Result<Vec<Ident>, ParseError> {
        let mut out = vec![self.ident()?];
        while self.eat_punct(Punct::Comma).is_some() {
            out.push(self.ident()?);
        }
        Ok(out)
    }

    // ----- statements -----

    fn statement(&mut self) -> Result<Statement, ParseError> {
        let t = self.peek().clone();
        let TokenKind::Word(w) = &t.kind else {
            return Err(self.no_viable());
        };
        match w.as_str() {
            "select" => self.select().map(Statement::Select),
            "insert" => self.insert().map(Statement::Insert),
            "update" => self.update().map(Statement::Update),
            "delete" => self.delete().map(Statement::Delete),
            "begin" => self.batch().map(Statement::Batch),
            "use" => self.use_statement().map(Statement::Use),
            "create" => self.create(),
            "alter" => self.alter(),
            "drop" => self.drop_statement(),
            "truncate" => self.truncate().map(Statement::Truncate),
            "grant" | "revoke" => Err(self.unsupported(t.span, "permission")),
            "list" => Err(self.unsupported(t.span, "LIST")),
            "describe" | "desc" => Err(self.unsupported(t.span, "DESCRIBE")),
            _ => Err(self.no_viable()),
        }
    }

    fn no_viable(&self) -> ParseError {
        let t = self.peek();
        let kind = if matches!(t.kind, TokenKind::Eof) {
            ParseErrorKind::UnexpectedEnd
        } else {
            ParseErrorKind::UnexpectedToken
        };
        ParseError::new(
            kind,
            t.span,
            format!(
                "{} no viable alternative at input '{}'",
                self.position(t.span),
                self.token_text(t)
            ),
        )
    }

    /// Claims the next bind-marker index.
    fn marker_index(&mut self) -> usize {
        let i = self.next_marker;
        self.next_marker = self.next_marker.saturating_add(1);
        i
    }
}

#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod tests;
