//! A parser for the CQL that Ringbolt checks at compile time and `ringbolt-sim` executes.
//!
//! [`parse_statement`] turns one CQL 3 statement, as Apache Cassandra 4.0 accepts it, into a
//! typed [`ast::Statement`]. Every identifier, term, bind marker, relation and statement carries
//! a byte [`ast::Span`] into the text, so a caller can point at the offending token, and a
//! [`ParseError`] carries the span of the token that could not be parsed.
//!
//! ```
//! use ringbolt_cql::ast::{Statement, BindMarkerKind};
//! use ringbolt_cql::parse_statement;
//!
//! let text = "SELECT name, email FROM ks.users WHERE id = ? AND org = :org LIMIT 10";
//! let Statement::Select(select) = parse_statement(text).unwrap() else { unreachable!() };
//! assert_eq!(select.table.to_string(), "ks.users");
//! let column = &select.where_clause[1].target;
//! assert_eq!(column.to_string(), "org");
//!
//! let stmt = parse_statement(text).unwrap();
//! let markers = stmt.bind_markers();
//! assert_eq!(markers[1].kind, BindMarkerKind::Named("org".into()));
//! assert_eq!(&text[markers[1].span.start..markers[1].span.end], ":org");
//!
//! let err = parse_statement("SELECT * FORM users").unwrap_err();
//! assert_eq!(err.message, "line 1:9 mismatched input 'FORM' expecting FROM");
//! assert_eq!((err.span.start, err.span.end), (9, 13));
//! ```
//!
//! The statements understood are USE; CREATE/ALTER/DROP KEYSPACE; CREATE/ALTER/DROP TABLE and
//! TRUNCATE; CREATE/ALTER/DROP TYPE; CREATE/DROP INDEX; SELECT, INSERT (including JSON), UPDATE,
//! DELETE and BATCH. Roles, permissions, functions, aggregates, materialized views, triggers and
//! DESCRIBE give a [`ParseErrorKind::Unsupported`] error. Printing an AST node with `Display`
//! gives CQL text that parses back to the same tree.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod ast;
mod error;
mod lexer;
mod parser;

pub use error::{line_col, ParseError, ParseErrorKind};
pub use lexer::{parse_duration, DurationValue};
pub use parser::{is_reserved_keyword, parse_statement, parse_statements};
