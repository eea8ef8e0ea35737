//! Data manipulation statements: SELECT, INSERT, UPDATE, DELETE, BATCH.

use super::{
    ArithmeticOp, ColumnTarget, CqlType, Ident, IfClause, QualifiedName, Relation, Span, Statement,
    Term,
};

/// `SELECT ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    /// `SELECT JSON`.
    pub json: bool,
    /// `SELECT DISTINCT`.
    pub distinct: bool,
    /// `*` or the selectors.
    pub selection: Selection,
    /// The table (or view).
    pub table: QualifiedName,
    /// The `WHERE` relations, joined by `AND`.
    pub where_clause: Vec<Relation>,
    /// `GROUP BY` columns.
    pub group_by: Vec<Ident>,
    /// `ORDER BY` columns.
    pub order_by: Vec<Ordering>,
    /// `PER PARTITION LIMIT n|?`.
    pub per_partition_limit: Option<Term>,
    /// `LIMIT n|?`.
    pub limit: Option<Term>,
    /// `ALLOW FILTERING`.
    pub allow_filtering: bool,
    /// The whole statement.
    pub span: Span,
}

/// What a `SELECT` returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// `*`, with its span.
    Wildcard(Span),
    /// A list of selectors.
    Selectors(Vec<Selector>),
}

/// One selector with its optional alias.
#[derive(Debug, Clone, PartialEq)]
pub struct Selector {
    /// The selected expression.
    pub expr: SelectorExpr,
    /// `AS alias`.
    pub alias: Option<Ident>,
    /// The selector, alias included.
    pub span: Span,
}

/// A selected expression.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectorExpr {
    /// The kind of expression.
    pub kind: SelectorKind,
    /// Where it was written.
    pub span: Span,
}

/// The kinds of [`SelectorExpr`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SelectorKind {
    /// A column.
    Column(Ident),
    /// `COUNT(*)` (and `COUNT(1)`, which Cassandra treats the same).
    CountAll,
    /// `WRITETIME(column)`.
    WriteTime(Ident),
    /// `TTL(column)`.
    Ttl(Ident),
    /// A function call, including aggregates and `token(...)`.
    Function {
        /// The function name.
        name: QualifiedName,
        /// The arguments.
        args: Vec<SelectorExpr>,
    },
    /// `CAST(expr AS type)`.
    Cast {
        /// The expression cast.
        expr: Box<SelectorExpr>,
        /// The target type.
        ty: CqlType,
    },
    /// `expr.field` on a user-defined type.
    Field {
        /// The UDT expression.
        expr: Box<SelectorExpr>,
        /// The field.
        field: Ident,
    },
    /// `expr[key]` on a collection.
    Element {
        /// The collection expression.
        expr: Box<SelectorExpr>,
        /// The key or index.
        key: Term,
    },
    /// `expr[from..to]` on a collection, either bound optional.
    Slice {
        /// The collection expression.
        expr: Box<SelectorExpr>,
        /// The lower bound (inclusive).
        from: Option<Term>,
        /// The upper bound (inclusive).
        to: Option<Term>,
    },
    /// `left op right` with an arithmetic operator, where an operand is not a term.
    Arithmetic {
        /// The operator.
        op: ArithmeticOp,
        /// The left operand.
        left: Box<SelectorExpr>,
        /// The right operand.
        right: Box<SelectorExpr>,
    },
    /// `-expr`, where `expr` is not a term.
    Negate(Box<SelectorExpr>),
    /// `(type) expr`, where `expr` is not a term.
    TypeHint {
        /// The type.
        ty: CqlType,
        /// The hinted selector.
        expr: Box<SelectorExpr>,
    },
    /// `(a, b, ...)` of selectors, at least one of which is not a term.
    Tuple(Vec<SelectorExpr>),
    /// `[a, b, ...]` of selectors, at least one of which is not a term.
    List(Vec<SelectorExpr>),
    /// `{a, b, ...}` of selectors, at least one of which is not a term.
    Set(Vec<SelectorExpr>),
    /// `{k: v, ...}` of selectors, at least one of which is not a term (this is also how a
    /// UDT value built from columns, `{field: column}`, parses).
    Map(Vec<(SelectorExpr, SelectorExpr)>),
    /// A term (constant, bind marker...) used as a selector.
    Term(Term),
}

/// `ASC` or `DESC`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Order {
    /// Ascending (the default).
    #[default]
    Asc,
    /// Descending.
    Desc,
}

/// One `ORDER BY` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Ordering {
    /// The clustering column.
    pub column: Ident,
    /// The direction.
    pub order: Order,
    /// The entry.
    pub span: Span,
}

/// `USING TTL t` or `USING TIMESTAMP t`.
#[derive(Debug, Clone, PartialEq)]
pub struct UsingParam {
    /// TTL or TIMESTAMP.
    pub kind: UsingKind,
    /// The value (an integer or a bind marker).
    pub value: Term,
    /// The whole parameter.
    pub span: Span,
}

/// Which update parameter a [`UsingParam`] sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UsingKind {
    /// `TTL`.
    Ttl,
    /// `TIMESTAMP`.
    Timestamp,
}

/// `INSERT INTO ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct Insert {
    /// The table.
    pub table: QualifiedName,
    /// The columns and values, or JSON.
    pub values: InsertValues,
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// `USING ...` parameters.
    pub using: Vec<UsingParam>,
    /// The whole statement.
    pub span: Span,
}

/// The value part of an `INSERT`.
#[derive(Debug, Clone, PartialEq)]
pub enum InsertValues {
    /// `(c1, c2) VALUES (v1, v2)`.
    Columns {
        /// The columns.
        columns: Vec<Ident>,
        /// The values, one per column.
        values: Vec<Term>,
    },
    /// `JSON 'doc' [DEFAULT NULL|UNSET]`.
    Json {
        /// The JSON document (a string or a bind marker).
        value: Term,
        /// `DEFAULT UNSET` when true; `DEFAULT NULL` (the default) when false.
        default_unset: bool,
    },
}

/// `UPDATE ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    /// The table.
    pub table: QualifiedName,
    /// `USING ...` parameters.
    pub using: Vec<UsingParam>,
    /// `SET` assignments.
    pub assignments: Vec<Assignment>,
    /// The `WHERE` relations.
    pub where_clause: Vec<Relation>,
    /// `IF EXISTS` or `IF conditions`.
    pub if_clause: Option<IfClause>,
    /// The whole statement.
    pub span: Span,
}

/// One assignment of an `UPDATE`.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// What is assigned: a column, `c[key]` or `c.field`.
    pub target: ColumnTarget,
    /// How it is assigned.
    pub op: AssignmentOp,
    /// The assignment.
    pub span: Span,
}

/// The operation of an [`Assignment`].
#[derive(Debug, Clone, PartialEq)]
pub enum AssignmentOp {
    /// `c = term`.
    Set(Term),
    /// `c = c + term` or `c += term`: append to a collection or increment a counter.
    Add(Term),
    /// `c = term + c`: prepend to a list.
    Prepend(Term),
    /// `c = c - term` or `c -= term`: remove from a collection or decrement a counter.
    Remove(Term),
}

impl AssignmentOp {
    /// The term of the operation.
    pub fn term(&self) -> &Term {
        match self {
            AssignmentOp::Set(t)
            | AssignmentOp::Add(t)
            | AssignmentOp::Prepend(t)
            | AssignmentOp::Remove(t) => t,
        }
    }
}

/// `DELETE ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    /// The deleted columns or elements; empty deletes whole rows.
    pub columns: Vec<DeleteTarget>,
    /// The table.
    pub table: QualifiedName,
    /// `USING TIMESTAMP t`.
    pub using: Vec<UsingParam>,
    /// The `WHERE` relations.
    pub where_clause: Vec<Relation>,
    /// `IF EXISTS` or `IF conditions`.
    pub if_clause: Option<IfClause>,
    /// The whole statement.
    pub span: Span,
}

/// One deleted column, collection element or UDT field.
#[derive(Debug, Clone, PartialEq)]
pub struct DeleteTarget {
    /// The target.
    pub target: ColumnTarget,
    /// Where it was written.
    pub span: Span,
}

/// `BEGIN [UNLOGGED|COUNTER] BATCH ... APPLY BATCH`.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// The batch type.
    pub kind: BatchKind,
    /// `USING TIMESTAMP t`.
    pub using: Vec<UsingParam>,
    /// The statements: only [`Statement::Insert`], [`Statement::Update`] and
    /// [`Statement::Delete`].
    pub statements: Vec<Statement>,
    /// The whole batch.
    pub span: Span,
}

/// The type of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BatchKind {
    /// `BEGIN BATCH` (logged).
    #[default]
    Logged,
    /// `BEGIN UNLOGGED BATCH`.
    Unlogged,
    /// `BEGIN COUNTER BATCH`.
    Counter,
}
