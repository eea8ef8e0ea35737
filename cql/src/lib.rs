//! A parser for the CQL that Ringbolt checks at compile time and `ringbolt-sim` executes.
//!
//! [`parse_statement`] turns one CQL 3 statement (as Cassandra 4.0 accepts it) into a typed
//! [`ast::Statement`] whose nodes carry byte [`ast::Span`]s into the text.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod ast;
mod error;

pub use error::{line_col, ParseError, ParseErrorKind};
mod lexer;

pub use lexer::{parse_duration, DurationValue};
mod parser;

pub use parser::{is_reserved_keyword, parse_statement, parse_statements};
