//! Terms (values written in statements), bind markers, relations and conditions.

use super::{CqlType, Ident, QualifiedName, Span};

/// A value written in a statement: a constant, a collection, a bind marker, a function call...
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// What kind of term this is.
    pub kind: TermKind,
    /// Where the term was written.
    pub span: Span,
}

impl Term {
    /// The bind marker, when the term is exactly one.
    pub fn as_bind_marker(&self) -> Option<&BindMarker> {
        match &self.kind {
            TermKind::BindMarker(m) => Some(m),
            _ => None,
        }
    }

    /// The constant, when the term is exactly one.
    pub fn as_literal(&self) -> Option<&Literal> {
        match &self.kind {
            TermKind::Literal(l) => Some(l),
            _ => None,
        }
    }
}

/// The kinds of [`Term`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum TermKind {
    /// A constant: string, number, boolean, uuid, blob, duration, `NULL`.
    Literal(Literal),
    /// `?` or `:name`.
    BindMarker(BindMarker),
    /// `[a, b, c]`.
    List(Vec<Term>),
    /// `{a, b, c}`. The empty literal `{}` is parsed as an empty [`TermKind::Map`].
    Set(Vec<Term>),
    /// `{k1: v1, k2: v2}` (and `{}`).
    Map(Vec<(Term, Term)>),
    /// `(a, b, c)`. Outside multi-column relations a tuple has at least two elements (one
    /// element in parentheses is just that term); on the right of `(a) = (1)` it may have one.
    Tuple(Vec<Term>),
    /// `{field1: v1, field2: v2}` where the keys are identifiers: a user-defined type value.
    Udt(Vec<(Ident, Term)>),
    /// `name(args...)`, for example `now()`, `uuid()`, `toTimestamp(now())`.
    FunctionCall {
        /// The function name, possibly keyspace-qualified.
        name: QualifiedName,
        /// The arguments.
        args: Vec<Term>,
    },
    /// `(type) term`.
    TypeHint {
        /// The type written in parentheses.
        ty: CqlType,
        /// Where the type was written.
        ty_span: Span,
        /// The hinted term.
        term: Box<Term>,
    },
    /// `-term`.
    Negate(Box<Term>),
    /// `left op right` with an arithmetic operator.
    Arithmetic {
        /// The operator.
        op: ArithmeticOp,
        /// The left operand.
        left: Box<Term>,
        /// The right operand.
        right: Box<Term>,
    },
}

/// Arithmetic operators usable in terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArithmeticOp {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%`.
    Rem,
}

/// A constant.
///
/// Numbers keep their source text so that a consumer converts them with the receiver's type
/// (an integer literal may be a `varint` that does not fit an `i64`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Literal {
    /// A string: `'it''s'` or `$$it's$$`, unescaped.
    String(String),
    /// An integer as written, sign included: `-42`.
    Integer(String),
    /// A floating point number as written: `1.5`, `-2e10`.
    Float(String),
    /// `NaN` (any sign or case).
    NaN,
    /// `Infinity` or `-Infinity`.
    Infinity {
        /// True for `-Infinity`.
        negative: bool,
    },
    /// `true` or `false`.
    Boolean(bool),
    /// A UUID in its 16 bytes.
    Uuid([u8; 16]),
    /// A blob `0x...`, decoded.
    Blob(Vec<u8>),
    /// A duration as written: `1h30m`, `P1DT2H`, `P0001-02-03T04:05:06`.
    Duration(String),
    /// `NULL`.
    Null,
}

impl Literal {
    /// The value of an integer literal that fits an `i64`.
    pub fn to_i64(&self) -> Option<i64> {
        match self {
            Literal::Integer(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// The value of a numeric literal (integer, float, `NaN`, `Infinity`) as an `f64`.
    pub fn to_f64(&self) -> Option<f64> {
        match self {
            Literal::Integer(s) | Literal::Float(s) => s.parse().ok(),
            Literal::NaN => Some(f64::NAN),
            Literal::Infinity { negative: false } => Some(f64::INFINITY),
            Literal::Infinity { negative: true } => Some(f64::NEG_INFINITY),
            _ => None,
        }
    }
}

/// A bind marker, `?` or `:name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BindMarker {
    /// Positional or named.
    pub kind: BindMarkerKind,
    /// The position of this marker among all the markers of the statement (0-based), counted in
    /// order of appearance, named and positional alike; a batch numbers across its statements.
    pub index: usize,
    /// Where the marker was written.
    pub span: Span,
}

/// Whether a bind marker is `?` or `:name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BindMarkerKind {
    /// `?`.
    Positional,
    /// `:name`, with the name normalized like an identifier.
    Named(String),
}

/// A comparison operator in a relation or a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `=`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `IN`.
    In,
    /// `NOT IN`.
    NotIn,
    /// `CONTAINS`.
    Contains,
    /// `NOT CONTAINS`.
    NotContains,
    /// `CONTAINS KEY`.
    ContainsKey,
    /// `NOT CONTAINS KEY`.
    NotContainsKey,
    /// `LIKE`.
    Like,
    /// `IS NOT` (only `IS NOT NULL` is valid).
    IsNot,
}

impl Operator {
    /// The operator as CQL text.
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Eq => "=",
            Operator::Ne => "!=",
            Operator::Lt => "<",
            Operator::Le => "<=",
            Operator::Gt => ">",
            Operator::Ge => ">=",
            Operator::In => "IN",
            Operator::NotIn => "NOT IN",
            Operator::Contains => "CONTAINS",
            Operator::NotContains => "NOT CONTAINS",
            Operator::ContainsKey => "CONTAINS KEY",
            Operator::NotContainsKey => "NOT CONTAINS KEY",
            Operator::Like => "LIKE",
            Operator::IsNot => "IS NOT",
        }
    }
}

/// The left-hand side of a relation in a `WHERE` clause.
#[derive(Debug, Clone, PartialEq)]
pub enum RelationTarget {
    /// `column`.
    Column(Ident),
    /// `column[key]` (a map entry).
    Element {
        /// The map column.
        column: Ident,
        /// The key.
        key: Term,
    },
    /// `token(a, b, ...)`.
    Token(Vec<Ident>),
    /// `(a, b, ...)`, a multi-column relation on clustering columns.
    Tuple(Vec<Ident>),
}

/// The right-hand side of a relation or a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum RelationValue {
    /// A single term (for `IN ?`, the bind marker).
    Term(Term),
    /// `IN (t1, t2, ...)`: the parenthesized list.
    List(Vec<Term>),
    /// `IS NOT NULL`.
    Null,
}

/// A relation of a `WHERE` clause: `target op value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    /// The left-hand side.
    pub target: RelationTarget,
    /// The operator.
    pub op: Operator,
    /// Where the operator was written.
    pub op_span: Span,
    /// The right-hand side.
    pub value: RelationValue,
    /// The whole relation.
    pub span: Span,
}

/// The left-hand side of an `IF` condition, an assignment or a `DELETE` selection.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnTarget {
    /// `column`.
    Column(Ident),
    /// `column[key]`: a list index or a map key.
    Element {
        /// The collection column.
        column: Ident,
        /// The index or key.
        key: Term,
    },
    /// `column.field`: a field of a non-frozen user-defined type.
    Field {
        /// The UDT column.
        column: Ident,
        /// The field.
        field: Ident,
    },
}

impl ColumnTarget {
    /// The column the target refers to.
    pub fn column(&self) -> &Ident {
        match self {
            ColumnTarget::Column(c) => c,
            ColumnTarget::Element { column, .. } | ColumnTarget::Field { column, .. } => column,
        }
    }
}

/// One `IF` condition of a lightweight transaction: `target op value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The left-hand side.
    pub target: ColumnTarget,
    /// The operator.
    pub op: Operator,
    /// The right-hand side.
    pub value: RelationValue,
    /// The whole condition.
    pub span: Span,
}

/// The `IF` clause of an `UPDATE` or a `DELETE`.
#[derive(Debug, Clone, PartialEq)]
pub enum IfClause {
    /// `IF EXISTS`.
    Exists(Span),
    /// `IF cond AND cond ...`.
    Conditions(Vec<Condition>),
}
