//! The typed syntax tree of CQL statements.
//!
//! Every node that a caller may want to point at carries a [`Span`]: byte offsets into the text
//! that was parsed. Unquoted identifiers are stored lowercased, quoted ones keep their case, so
//! two [`Ident`]s name the same thing exactly when their `name` fields are equal.

mod ddl;
mod display;
mod dml;
mod term;
mod types;
mod visit;

pub use ddl::*;
pub use dml::*;
pub use term::*;
pub use types::*;

/// A range of bytes `start..end` in the parsed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// True when the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// An identifier: a column, table, keyspace, type, field, function or alias name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ident {
    /// The normalized name: lowercased when written unquoted, exact when written `"quoted"`.
    pub name: String,
    /// True when the identifier was written between double quotes.
    pub quoted: bool,
    /// Where the identifier was written (quotes included).
    pub span: Span,
}

impl Ident {
    /// The normalized name.
    pub fn as_str(&self) -> &str {
        &self.name
    }
}

/// A name optionally qualified by a keyspace: `ks.table`, `ks.type`, `ks.function`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QualifiedName {
    /// The keyspace, when written.
    pub keyspace: Option<Ident>,
    /// The object name.
    pub name: Ident,
    /// Covers the whole name, keyspace included.
    pub span: Span,
}

/// A top-level CQL statement.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[allow(clippy::large_enum_variant)] // a syntax tree, built once per statement
pub enum Statement {
    /// `USE keyspace`.
    Use(Use),
    /// `SELECT ...`.
    Select(Select),
    /// `INSERT INTO ...`.
    Insert(Insert),
    /// `UPDATE ...`.
    Update(Update),
    /// `DELETE ...`.
    Delete(Delete),
    /// `BEGIN BATCH ... APPLY BATCH`.
    Batch(Batch),
    /// `CREATE KEYSPACE ...`.
    CreateKeyspace(CreateKeyspace),
    /// `ALTER KEYSPACE ...`.
    AlterKeyspace(AlterKeyspace),
    /// `DROP KEYSPACE ...`.
    DropKeyspace(DropKeyspace),
    /// `CREATE TABLE ...`.
    CreateTable(CreateTable),
    /// `ALTER TABLE ...`.
    AlterTable(AlterTable),
    /// `DROP TABLE ...`.
    DropTable(DropTable),
    /// `TRUNCATE [TABLE] ...`.
    Truncate(Truncate),
    /// `CREATE TYPE ...`.
    CreateType(CreateType),
    /// `ALTER TYPE ...`.
    AlterType(AlterType),
    /// `DROP TYPE ...`.
    DropType(DropType),
    /// `CREATE [CUSTOM] INDEX ...`.
    CreateIndex(CreateIndex),
    /// `DROP INDEX ...`.
    DropIndex(DropIndex),
}

impl Statement {
    /// The span of the whole statement (without a trailing `;`).
    pub fn span(&self) -> Span {
        match self {
            Statement::Use(s) => s.span,
            Statement::Select(s) => s.span,
            Statement::Insert(s) => s.span,
            Statement::Update(s) => s.span,
            Statement::Delete(s) => s.span,
            Statement::Batch(s) => s.span,
            Statement::CreateKeyspace(s) => s.span,
            Statement::AlterKeyspace(s) => s.span,
            Statement::DropKeyspace(s) => s.span,
            Statement::CreateTable(s) => s.span,
            Statement::AlterTable(s) => s.span,
            Statement::DropTable(s) => s.span,
            Statement::Truncate(s) => s.span,
            Statement::CreateType(s) => s.span,
            Statement::AlterType(s) => s.span,
            Statement::DropType(s) => s.span,
            Statement::CreateIndex(s) => s.span,
            Statement::DropIndex(s) => s.span,
        }
    }

    /// The table (or type, or index) the statement is about, when it names one: the table of
    /// SELECT/INSERT/UPDATE/DELETE/TRUNCATE and table DDL, the type of type DDL, the indexed table
    /// of CREATE INDEX, the index of DROP INDEX.
    pub fn object_name(&self) -> Option<&QualifiedName> {
        match self {
            Statement::Select(s) => Some(&s.table),
            Statement::Insert(s) => Some(&s.table),
            Statement::Update(s) => Some(&s.table),
            Statement::Delete(s) => Some(&s.table),
            Statement::CreateTable(s) => Some(&s.name),
            Statement::AlterTable(s) => Some(&s.name),
            Statement::DropTable(s) => Some(&s.name),
            Statement::Truncate(s) => Some(&s.name),
            Statement::CreateType(s) => Some(&s.name),
            Statement::AlterType(s) => Some(&s.name),
            Statement::DropType(s) => Some(&s.name),
            Statement::CreateIndex(s) => Some(&s.table),
            Statement::DropIndex(s) => Some(&s.name),
            Statement::Use(_)
            | Statement::Batch(_)
            | Statement::CreateKeyspace(_)
            | Statement::AlterKeyspace(_)
            | Statement::DropKeyspace(_) => None,
        }
    }

    /// True for statements that change the schema (keyspaces, tables, types, indexes).
    pub fn is_schema_change(&self) -> bool {
        matches!(
            self,
            Statement::CreateKeyspace(_)
                | Statement::AlterKeyspace(_)
                | Statement::DropKeyspace(_)
                | Statement::CreateTable(_)
                | Statement::AlterTable(_)
                | Statement::DropTable(_)
                | Statement::CreateType(_)
                | Statement::AlterType(_)
                | Statement::DropType(_)
                | Statement::CreateIndex(_)
                | Statement::DropIndex(_)
        )
    }
}

/// `USE keyspace`.
#[derive(Debug, Clone, PartialEq)]
pub struct Use {
    /// The keyspace to switch to.
    pub keyspace: Ident,
    /// The whole statement.
    pub span: Span,
}
