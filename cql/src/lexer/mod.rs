//! Splits CQL text into tokens with byte spans.

mod duration;
#[cfg(test)]
mod tests;

pub use duration::{parse_duration, DurationValue};
#[cfg(test)]
use duration::{NANOS_PER_HOUR, NANOS_PER_MINUTE, NANOS_PER_SECOND};

use crate::ast::Span;
use crate::error::{ParseError, ParseErrorKind};

/// A lexical token.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TokenKind {
    /// An unquoted identifier or keyword, lowercased.
    Word(String),
    /// A `"quoted"` identifier, unescaped, case kept.
    QuotedIdent(String),
    /// A string literal, unescaped.
    Str(String),
    /// An unsigned integer, as written.
    Integer(String),
    /// An unsigned float, as written.
    Float(String),
    /// A UUID.
    Uuid([u8; 16]),
    /// A blob `0x...`, decoded.
    Blob(Vec<u8>),
    /// A duration, as written.
    Duration(String),
    /// A punctuation or operator.
    Punct(Punct),
    /// The end of the text.
    Eof,
}

/// Punctuation and operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Punct {
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Semicolon,
    Dot,
    Colon,
    Question,
    Star,
    Plus,
    Minus,
    Slash,
    Percent,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    PlusEq,
    MinusEq,
}

impl Punct {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Punct::LParen => "(",
            Punct::RParen => ")",
            Punct::LBracket => "[",
            Punct::RBracket => "]",
            Punct::LBrace => "{",
            Punct::RBrace => "}",
            Punct::Comma => ",",
            Punct::Semicolon => ";",
            Punct::Dot => ".",
            Punct::Colon => ":",
            Punct::Question => "?",
            Punct::Star => "*",
            Punct::Plus => "+",
            Punct::Minus => "-",
            Punct::Slash => "/",
            Punct::Percent => "%",
            Punct::Eq => "=",
            Punct::Ne => "!=",
            Punct::Lt => "<",
            Punct::Le => "<=",
            Punct::Gt => ">",
            Punct::Ge => ">=",
            Punct::PlusEq => "+=",
            Punct::MinusEq => "-=",
        }
    }
}

/// A token and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    pub(crate) span: Span,
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Splits `text` into tokens; the last token is always [`TokenKind::Eof`].
pub(crate) fn tokenize(text: &str) -> Result<Vec<Token>, ParseError> {
    let mut lexer = Lexer {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    let mut tokens = Vec::new();
    loop {
        lexer.skip_trivia()?;
        let start = lexer.pos;
        if start >= lexer.bytes.len() {
            tokens.push(Token {
                kind: TokenKind::Eof,
                span: Span::new(start, start),
            });
            return Ok(tokens);
        }
        let kind = lexer.next_token()?;
        tokens.push(Token {
            kind,
            span: Span::new(start, lexer.pos),
        });
    }
}

struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Lexer<'_> {
    /// The text between two byte offsets (empty if they are not on character boundaries, which
    /// the lexer never produces: it only stops on ASCII bytes).
    fn slice(&self, start: usize, end: usize) -> &str {
        self.text.get(start..end).unwrap_or_default()
    }

    /// The bytes from `start` on.
    fn rest_bytes(&self, start: usize) -> &[u8] {
        self.bytes.get(start..).unwrap_or_default()
    }

    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.pos.checked_add(offset)?).copied()
    }

    fn error(&self, start: usize, end: usize, message: impl Into<String>) -> ParseError {
        let (line, col) = crate::error::line_col(self.text, start);
        ParseError::new(
            ParseErrorKind::InvalidToken,
            Span::new(start, end),
            format!("line {line}:{col} {}", message.into()),
        )
    }

    fn skip_trivia(&mut self) -> Result<(), ParseError> {
        loop {
            match (self.peek_at(0), self.peek_at(1)) {
                (Some(b), _) if b.is_ascii_whitespace() => self.pos += 1,
                (Some(b'-'), Some(b'-')) | (Some(b'/'), Some(b'/')) => {
                    while let Some(b) = self.peek_at(0) {
                        if b == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    let start = self.pos;
                    match self
                        .text
                        .get(self.pos + 2..)
                        .and_then(|rest| rest.find("*/"))
                    {
                        Some(end) => self.pos += 2 + end + 2,
                        None => {
                            return Err(self.error(
                                start,
                                self.bytes.len(),
                                "unterminated comment: add '*/'",
                            ))
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn next_token(&mut self) -> Result<TokenKind, ParseError> {
        let start = self.pos;
        let Some(b) = self.peek_at(0) else {
            return Ok(TokenKind::Eof);
        };
        if b.is_ascii_hexdigit() {
            if let Some(uuid) = self.uuid() {
                return Ok(TokenKind::Uuid(uuid));
            }
        }
        if b.is_ascii_digit() {
            return self.number();
        }
        if b.is_ascii_alphabetic() {
            if b == b'p' || b == b'P' {
                if let Some(len) = duration::iso_len(self.rest_bytes(self.pos)) {
                    if !self.peek_at(len).is_some_and(is_ident_byte) {
                        self.pos += len;
                        return Ok(TokenKind::Duration(self.slice(start, self.pos).to_string()));
                    }
                }
            }
            while self.peek_at(0).is_some_and(is_ident_byte) {
                self.pos += 1;
            }
            return Ok(TokenKind::Word(
                self.slice(start, self.pos).to_ascii_lowercase(),
            ));
        }
        match b {
            b'"' => return self.quoted_ident(),
            b'\'' => return self.string(),
            b'$' if self.peek_at(1) == Some(b'$') => return self.dollar_string(),
            _ => {}
        }
        let two = self.peek_at(1);
        let (punct, len) = match (b, two) {
            (b'!', Some(b'=')) => (Punct::Ne, 2),
            (b'<', Some(b'=')) => (Punct::Le, 2),
            (b'>', Some(b'=')) => (Punct::Ge, 2),
            (b'+', Some(b'=')) => (Punct::PlusEq, 2),
            (b'-', Some(b'=')) => (Punct::MinusEq, 2),
            (b'(', _) => (Punct::LParen, 1),
            (b')', _) => (Punct::RParen, 1),
            (b'[', _) => (Punct::LBracket, 1),
            (b']', _) => (Punct::RBracket, 1),
            (b'{', _) => (Punct::LBrace, 1),
            (b'}', _) => (Punct::RBrace, 1),
            (b',', _) => (Punct::Comma, 1),
            (b';', _) => (Punct::Semicolon, 1),
            (b'.', _) => (Punct::Dot, 1),
            (b':', _) => (Punct::Colon, 1),
            (b'?', _) => (Punct::Question, 1),
            (b'*', _) => (Punct::Star, 1),
            (b'+', _) => (Punct::Plus, 1),
            (b'-', _) => (Punct::Minus, 1),
            (b'/', _) => (Punct::Slash, 1),
            (b'%', _) => (Punct::Percent, 1),
            (b'=', _) => (Punct::Eq, 1),
            (b'<', _) => (Punct::Lt, 1),
            (b'>', _) => (Punct::Gt, 1),
            _ => {
                let ch = self
                    .slice(start, self.bytes.len())
                    .chars()
                    .next()
                    .unwrap_or('?');
                let end = start + ch.len_utf8();
                return Err(self.error(start, end, format!("token recognition error at: '{ch}'")));
            }
        };
        self.pos += len;
        Ok(TokenKind::Punct(punct))
    }

    fn uuid(&mut self) -> Option<[u8; 16]> {
        let s = self.bytes.get(self.pos..self.pos.checked_add(36)?)?;
        let mut out = [0u8; 16];
        let mut nibbles = 0usize;
        for (i, &c) in s.iter().enumerate() {
            if matches!(i, 8 | 13 | 18 | 23) {
                if c != b'-' {
                    return None;
                }
                continue;
            }
            let v = hex_value(c)?;
            let byte = out.get_mut(nibbles / 2)?;
            *byte = (*byte << 4) | v;
            nibbles += 1;
        }
        if self.peek_at(36).is_some_and(is_ident_byte) {
            return None;
        }
        self.pos += 36;
        Some(out)
    }

    fn number(&mut self) -> Result<TokenKind, ParseError> {
        let start = self.pos;
        if self.peek_at(0) == Some(b'0') && matches!(self.peek_at(1), Some(b'x' | b'X')) {
            return self.blob();
        }
        while self.peek_at(0).is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        if self
            .peek_at(0)
            .is_some_and(|b| (b.is_ascii_alphabetic() && b != b'e' && b != b'E') || b == 0xc2)
            || (matches!(self.peek_at(0), Some(b'e' | b'E'))
                && !matches!(self.peek_at(1), Some(b'0'..=b'9' | b'+' | b'-')))
        {
            // A duration like 1h30m.
            let len = duration::units_len(self.rest_bytes(start));
            match len {
                Some(len)
                    if !self
                        .bytes
                        .get(start + len)
                        .copied()
                        .is_some_and(is_ident_byte) =>
                {
                    self.pos = start + len;
                    return Ok(TokenKind::Duration(self.slice(start, self.pos).to_string()));
                }
                _ => {
                    let mut end = self.pos;
                    while self.bytes.get(end).copied().is_some_and(is_ident_byte) {
                        end += 1;
                    }
                    return Err(self.error(
                        start,
                        end,
                        format!(
                            "invalid number or duration '{}': durations use units y, mo, w, d, h, m, s, ms, us, ns",
                            self.slice(start, end)
                        ),
                    ));
                }
            }
        }
        let mut float = false;
        if self.peek_at(0) == Some(b'.')
            && self.peek_at(1) != Some(b'.')
            && !self
                .peek_at(1)
                .is_some_and(|b| b.is_ascii_alphabetic() && b != b'e' && b != b'E')
        {
            float = true;
            self.pos += 1;
            while self.peek_at(0).is_some_and(|b| b.is_ascii_digit()) {
                self.pos += 1;
            }
        }
        if matches!(self.peek_at(0), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(self.peek_at(1), Some(b'+' | b'-')));
            if self.peek_at(1 + sign).is_some_and(|b| b.is_ascii_digit()) {
                float = true;
                self.pos += 1 + sign;
                while self.peek_at(0).is_some_and(|b| b.is_ascii_digit()) {
                    self.pos += 1;
                }
            }
        }
        if self.peek_at(0).is_some_and(is_ident_byte) {
            let mut end = self.pos;
            while self.bytes.get(end).copied().is_some_and(is_ident_byte) {
                end += 1;
            }
            return Err(self.error(
                start,
                end,
                format!("invalid number '{}'", self.slice(start, end)),
            ));
        }
        let text = self.slice(start, self.pos).to_string();
        Ok(if float {
            TokenKind::Float(text)
        } else {
            TokenKind::Integer(text)
        })
    }

    fn blob(&mut self) -> Result<TokenKind, ParseError> {
        let start = self.pos;
        self.pos += 2;
        let digits_start = self.pos;
        while self.peek_at(0).is_some_and(|b| b.is_ascii_hexdigit()) {
            self.pos += 1;
        }
        let digits = self.bytes.get(digits_start..self.pos).unwrap_or_default();
        if self.peek_at(0).is_some_and(is_ident_byte) {
            let mut end = self.pos;
            while self.bytes.get(end).copied().is_some_and(is_ident_byte) {
                end += 1;
            }
            return Err(self.error(
                start,
                end,
                "invalid blob literal: use 0x followed by hex digits",
            ));
        }
        if !digits.chunks_exact(2).remainder().is_empty() {
            return Err(self.error(
                start,
                self.pos,
                "invalid blob literal: an even number of hex digits is needed",
            ));
        }
        let bytes = digits
            .chunks_exact(2)
            .map(|pair| match pair {
                [hi, lo] => (hex_value(*hi).unwrap_or(0) << 4) | hex_value(*lo).unwrap_or(0),
                _ => 0,
            })
            .collect();
        Ok(TokenKind::Blob(bytes))
    }

    fn quoted_ident(&mut self) -> Result<TokenKind, ParseError> {
        let start = self.pos;
        let value = self.delimited(b'"')?;
        if value.is_empty() {
            return Err(self.error(start, self.pos, "empty quoted identifier"));
        }
        Ok(TokenKind::QuotedIdent(value))
    }

    fn string(&mut self) -> Result<TokenKind, ParseError> {
        Ok(TokenKind::Str(self.delimited(b'\'')?))
    }

    /// Reads `q ... q` with `qq` as an escaped `q`; `self.pos` is on the opening quote.
    fn delimited(&mut self, quote: u8) -> Result<String, ParseError> {
        let start = self.pos;
        self.pos += 1;
        let mut value = String::new();
        loop {
            let rest = self.slice(self.pos, self.bytes.len());
            match rest.find(quote as char) {
                None => {
                    let what = if quote == b'"' {
                        "identifier"
                    } else {
                        "string"
                    };
                    return Err(self.error(
                        start,
                        self.bytes.len(),
                        format!(
                            "unterminated quoted {what}: add the closing {}",
                            quote as char
                        ),
                    ));
                }
                Some(i) => {
                    value.push_str(rest.get(..i).unwrap_or_default());
                    self.pos += i + 1;
                    if self.peek_at(0) == Some(quote) {
                        value.push(quote as char);
                        self.pos += 1;
                    } else {
                        return Ok(value);
                    }
                }
            }
        }
    }

    fn dollar_string(&mut self) -> Result<TokenKind, ParseError> {
        let start = self.pos;
        let rest = self.slice(self.pos + 2, self.bytes.len());
        match rest.find("$$") {
            Some(i) => {
                let value = rest.get(..i).unwrap_or_default().to_string();
                self.pos += 2 + i + 2;
                Ok(TokenKind::Str(value))
            }
            None => Err(self.error(
                start,
                self.bytes.len(),
                "unterminated $$ string: add the closing $$",
            )),
        }
    }
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}
