//! Schema statements: keyspaces, tables, user-defined types, indexes.

use super::{CqlType, Ident, Literal, Order, QualifiedName, Span, Term};

/// One `name = value` option of a `WITH` clause.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    /// The option name (normalized; for example `replication`, `durable_writes`,
    /// `default_time_to_live`).
    pub name: Ident,
    /// The value.
    pub value: PropertyValue,
    /// Where the value was written.
    pub value_span: Span,
    /// The whole option.
    pub span: Span,
}

/// The value of a [`Property`].
#[derive(Debug, Clone, PartialEq)]
pub enum PropertyValue {
    /// A constant: `true`, `3600`, `'text'`.
    Constant(Literal),
    /// A bare identifier.
    Identifier(Ident),
    /// A map `{'key': value, ...}`, keys and values constants.
    Map(Vec<(Literal, Literal)>),
}

impl PropertyValue {
    /// The map entries when the value is a map whose keys are strings, as `(key, value)`.
    pub fn as_map(&self) -> Option<&[(Literal, Literal)]> {
        match self {
            PropertyValue::Map(entries) => Some(entries),
            _ => None,
        }
    }
}

/// Looks an option up by name in a `WITH` clause.
pub fn find_property<'a>(properties: &'a [Property], name: &str) -> Option<&'a Property> {
    properties.iter().find(|p| p.name.name == name)
}

/// `CREATE KEYSPACE [IF NOT EXISTS] ks WITH ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateKeyspace {
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// The keyspace.
    pub name: Ident,
    /// `replication = {...} AND durable_writes = ...`.
    pub properties: Vec<Property>,
    /// The whole statement.
    pub span: Span,
}

/// `ALTER KEYSPACE [IF EXISTS] ks WITH ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterKeyspace {
    /// `IF EXISTS`.
    pub if_exists: bool,
    /// The keyspace.
    pub name: Ident,
    /// The new options.
    pub properties: Vec<Property>,
    /// The whole statement.
    pub span: Span,
}

/// `DROP KEYSPACE [IF EXISTS] ks`.
#[derive(Debug, Clone, PartialEq)]
pub struct DropKeyspace {
    /// `IF EXISTS`.
    pub if_exists: bool,
    /// The keyspace.
    pub name: Ident,
    /// The whole statement.
    pub span: Span,
}

/// `CREATE TABLE [IF NOT EXISTS] [ks.]t (...) [WITH ...]`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateTable {
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// The table.
    pub name: QualifiedName,
    /// The column definitions, in order.
    pub columns: Vec<ColumnDef>,
    /// A `PRIMARY KEY (...)` clause, when written as a separate element. When `None`, one
    /// column carries `primary_key: true`; see [`CreateTable::key`].
    pub primary_key: Option<PrimaryKey>,
    /// `WITH CLUSTERING ORDER BY (c ASC, ...)`.
    pub clustering_order: Vec<ClusteringOrder>,
    /// `WITH COMPACT STORAGE`, with its span (Cassandra 4.0 refuses it).
    pub compact_storage: Option<Span>,
    /// The other `WITH` options.
    pub properties: Vec<Property>,
    /// The whole statement.
    pub span: Span,
}

impl CreateTable {
    /// The primary key, whether written inline (`id int PRIMARY KEY`) or as a clause.
    /// `None` when no key was given.
    pub fn key(&self) -> Option<PrimaryKey> {
        if let Some(pk) = &self.primary_key {
            return Some(pk.clone());
        }
        self.columns
            .iter()
            .find(|c| c.primary_key)
            .map(|c| PrimaryKey {
                partition_key: vec![c.name.clone()],
                clustering_columns: Vec::new(),
                span: c.span,
            })
    }
}

/// One column in `CREATE TABLE` or `ALTER TABLE ADD`.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDef {
    /// The column name.
    pub name: Ident,
    /// The type.
    pub ty: CqlType,
    /// Where the type was written.
    pub ty_span: Span,
    /// `STATIC`.
    pub is_static: bool,
    /// `PRIMARY KEY` written after the type.
    pub primary_key: bool,
    /// The whole definition.
    pub span: Span,
}

/// `PRIMARY KEY ((a, b), c, d)`.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimaryKey {
    /// The partition key columns.
    pub partition_key: Vec<Ident>,
    /// The clustering columns, in order.
    pub clustering_columns: Vec<Ident>,
    /// The clause.
    pub span: Span,
}

/// One entry of `CLUSTERING ORDER BY (...)`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusteringOrder {
    /// The clustering column.
    pub column: Ident,
    /// Its order.
    pub order: Order,
    /// The entry.
    pub span: Span,
}

/// `ALTER TABLE [IF EXISTS] [ks.]t ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterTable {
    /// `IF EXISTS`.
    pub if_exists: bool,
    /// The table.
    pub name: QualifiedName,
    /// What to change.
    pub action: AlterTableAction,
    /// The whole statement.
    pub span: Span,
}

/// The change made by an `ALTER TABLE`.
#[derive(Debug, Clone, PartialEq)]
pub enum AlterTableAction {
    /// `ADD [IF NOT EXISTS] c type [, ...]` or `ADD (c type, ...)`.
    Add {
        /// `IF NOT EXISTS`.
        if_not_exists: bool,
        /// The new columns.
        columns: Vec<ColumnDef>,
    },
    /// `DROP [IF EXISTS] c` or `DROP (c, ...)` `[USING TIMESTAMP t]`.
    Drop {
        /// `IF EXISTS`.
        if_exists: bool,
        /// The dropped columns.
        columns: Vec<Ident>,
        /// `USING TIMESTAMP t`.
        timestamp: Option<Term>,
    },
    /// `RENAME [IF EXISTS] a TO b [AND c TO d ...]`.
    Rename {
        /// `IF EXISTS`.
        if_exists: bool,
        /// `(from, to)` pairs.
        renames: Vec<(Ident, Ident)>,
    },
    /// `WITH options`.
    With(Vec<Property>),
}

/// `DROP TABLE [IF EXISTS] [ks.]t`.
#[derive(Debug, Clone, PartialEq)]
pub struct DropTable {
    /// `IF EXISTS`.
    pub if_exists: bool,
    /// The table.
    pub name: QualifiedName,
    /// The whole statement.
    pub span: Span,
}

/// `TRUNCATE [TABLE] [ks.]t`.
#[derive(Debug, Clone, PartialEq)]
pub struct Truncate {
    /// The table.
    pub name: QualifiedName,
    /// The whole statement.
    pub span: Span,
}

/// `CREATE TYPE [IF NOT EXISTS] [ks.]name (field type, ...)`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateType {
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// The type name.
    pub name: QualifiedName,
    /// The fields, in order.
    pub fields: Vec<FieldDef>,
    /// The whole statement.
    pub span: Span,
}

/// One field of a user-defined type.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDef {
    /// The field name.
    pub name: Ident,
    /// The field type.
    pub ty: CqlType,
    /// Where the type was written.
    pub ty_span: Span,
    /// The whole definition.
    pub span: Span,
}

/// `ALTER TYPE [IF EXISTS] [ks.]name ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterType {
    /// `IF EXISTS`.
    pub if_exists: bool,
    /// The type name.
    pub name: QualifiedName,
    /// What to change.
    pub action: AlterTypeAction,
    /// The whole statement.
    pub span: Span,
}

/// The change made by an `ALTER TYPE`.
#[derive(Debug, Clone, PartialEq)]
pub enum AlterTypeAction {
    /// `ADD [IF NOT EXISTS] field type`.
    Add {
        /// `IF NOT EXISTS`.
        if_not_exists: bool,
        /// The new field.
        field: FieldDef,
    },
    /// `RENAME [IF EXISTS] a TO b [AND c TO d ...]`.
    Rename {
        /// `IF EXISTS`.
        if_exists: bool,
        /// `(from, to)` pairs.
        renames: Vec<(Ident, Ident)>,
    },
}

/// `DROP TYPE [IF EXISTS] [ks.]name`.
#[derive(Debug, Clone, PartialEq)]
pub struct DropType {
    /// `IF EXISTS`.
    pub if_exists: bool,
    /// The type name.
    pub name: QualifiedName,
    /// The whole statement.
    pub span: Span,
}

/// `CREATE [CUSTOM] INDEX [IF NOT EXISTS] [name] ON [ks.]t (target) [USING 'class' [WITH OPTIONS = {...}]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateIndex {
    /// `CUSTOM`.
    pub custom: bool,
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// The index name.
    pub name: Option<Ident>,
    /// The indexed table.
    pub table: QualifiedName,
    /// The indexed column (one target; several for some custom indexes).
    pub targets: Vec<IndexTarget>,
    /// `USING 'class'`.
    pub using: Option<String>,
    /// `WITH OPTIONS = {...}` and other options.
    pub properties: Vec<Property>,
    /// The whole statement.
    pub span: Span,
}

/// What an index covers.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexTarget {
    /// The column.
    pub column: Ident,
    /// `VALUES(c)`, `KEYS(c)`, `ENTRIES(c)`, `FULL(c)` or just `c`.
    pub kind: IndexTargetKind,
    /// The target.
    pub span: Span,
}

/// The kind of [`IndexTarget`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndexTargetKind {
    /// `c`.
    Simple,
    /// `VALUES(c)`.
    Values,
    /// `KEYS(c)`.
    Keys,
    /// `ENTRIES(c)`.
    Entries,
    /// `FULL(c)`.
    Full,
}

/// `DROP INDEX [IF EXISTS] [ks.]name`.
#[derive(Debug, Clone, PartialEq)]
pub struct DropIndex {
    /// `IF EXISTS`.
    pub if_exists: bool,
    /// The index name.
    pub name: QualifiedName,
    /// The whole statement.
    pub span: Span,
}
