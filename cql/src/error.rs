//! The error returned when CQL text does not parse.

use crate::ast::Span;

/// CQL text that is not a valid statement.
///
/// `span` points at the offending bytes of the text (an empty span at the end for text that
/// stops too early); `message` says what was expected, in the style of Cassandra's messages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// The offending bytes.
    pub span: Span,
    /// What went wrong and what was expected.
    pub message: String,
    /// The category of the error.
    pub kind: ParseErrorKind,
}

/// The category of a [`ParseError`].
///
/// Cassandra reports the first three as syntax errors (error code `0x2000`) and most of what
/// falls under [`ParseErrorKind::Invalid`] as invalid requests (`0x2200`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// A character or literal that is not a CQL token (an unterminated string, a bad blob...).
    InvalidToken,
    /// A token where the grammar does not allow it.
    UnexpectedToken,
    /// The text ended in the middle of a statement.
    UnexpectedEnd,
    /// A valid CQL statement or clause that this parser does not support (roles, permissions,
    /// functions, materialized views...).
    Unsupported,
    /// Syntactically invalid for another reason: a duplicate clause, a number out of range...
    Invalid,
}

impl ParseError {
    /// Creates an error.
    pub fn new(kind: ParseErrorKind, span: Span, message: impl Into<String>) -> ParseError {
        ParseError {
            span,
            message: message.into(),
            kind,
        }
    }

    /// The 1-based line and 0-based column of the start of the span in `text`, as Cassandra
    /// reports positions (`line 1:7`).
    ///
    /// ```
    /// let text = "SELECT *\nFROM t\nWHERE = 1";
    /// let err = ringbolt_cql::parse_statement(text).unwrap_err();
    /// assert_eq!(err.line_col(text), (3, 6));
    /// ```
    pub fn line_col(&self, text: &str) -> (usize, usize) {
        line_col(text, self.span.start)
    }
}

/// The 1-based line and 0-based character column of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut line = 1;
    let mut col = 0;
    for (i, c) in text.char_indices() {
        if i >= offset {
            break;
        }
        if c == '\n' {
            line += 1;
            col = 0;
        } else {
            col += 1;
        }
    }
    (line, col)
}
