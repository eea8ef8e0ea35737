//! Printing the syntax tree back as CQL text.
//!
//! The output parses back to an equal tree (spans aside); keywords are uppercase and identifiers
//! are quoted only when they need it.

use std::fmt::{self, Display, Formatter, Write};

use super::*;

mod ddl;
mod dml;

/// Writes `items` separated by `sep`.
pub(super) fn list<T: Display>(f: &mut Formatter<'_>, items: &[T], sep: &str) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

/// Writes a name, quoting it when it is not a plain lowercase identifier or is reserved.
pub(crate) fn write_name(f: &mut impl Write, name: &str) -> fmt::Result {
    let plain = name.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !crate::parser::is_reserved_keyword(name);
    if plain {
        f.write_str(name)
    } else {
        f.write_char('"')?;
        f.write_str(&name.replace('"', "\"\""))?;
        f.write_char('"')
    }
}

pub(super) fn write_string(f: &mut Formatter<'_>, s: &str) -> fmt::Result {
    f.write_char('\'')?;
    f.write_str(&s.replace('\'', "''"))?;
    f.write_char('\'')
}

impl Display for Span {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl Display for Ident {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_name(f, &self.name)
    }
}

impl Display for QualifiedName {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(ks) = &self.keyspace {
            write!(f, "{ks}.")?;
        }
        write!(f, "{}", self.name)
    }
}

impl Display for NativeType {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Display for UserTypeName {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(ks) = &self.keyspace {
            write_name(f, ks)?;
            f.write_char('.')?;
        }
        write_name(f, &self.name)
    }
}

impl Display for CqlType {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            CqlType::Native(n) => write!(f, "{n}"),
            CqlType::List(t) => write!(f, "list<{t}>"),
            CqlType::Set(t) => write!(f, "set<{t}>"),
            CqlType::Map(k, v) => write!(f, "map<{k}, {v}>"),
            CqlType::Tuple(items) => {
                f.write_str("tuple<")?;
                list(f, items, ", ")?;
                f.write_char('>')
            }
            CqlType::Frozen(t) => write!(f, "frozen<{t}>"),
            CqlType::Vector(t, n) => write!(f, "vector<{t}, {n}>"),
            CqlType::UserDefined(name) => write!(f, "{name}"),
            CqlType::Custom(class) => write_string(f, class),
        }
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Literal::String(s) => write_string(f, s),
            Literal::Integer(s) | Literal::Float(s) | Literal::Duration(s) => f.write_str(s),
            Literal::NaN => f.write_str("NaN"),
            Literal::Infinity { negative: false } => f.write_str("Infinity"),
            Literal::Infinity { negative: true } => f.write_str("-Infinity"),
            Literal::Boolean(b) => write!(f, "{b}"),
            Literal::Uuid(b) => {
                for (i, byte) in b.iter().enumerate() {
                    if matches!(i, 4 | 6 | 8 | 10) {
                        f.write_char('-')?;
                    }
                    write!(f, "{byte:02x}")?;
                }
                Ok(())
            }
            Literal::Blob(bytes) => {
                f.write_str("0x")?;
                for b in bytes {
                    write!(f, "{b:02x}")?;
                }
                Ok(())
            }
            Literal::Null => f.write_str("NULL"),
        }
    }
}

impl Display for BindMarker {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            BindMarkerKind::Positional => f.write_char('?'),
            BindMarkerKind::Named(name) => {
                f.write_char(':')?;
                write_name(f, name)
            }
        }
    }
}

impl Display for ArithmeticOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ArithmeticOp::Add => "+",
            ArithmeticOp::Sub => "-",
            ArithmeticOp::Mul => "*",
            ArithmeticOp::Div => "/",
            ArithmeticOp::Rem => "%",
        })
    }
}

/// True when the term prints with a leading `-`.
pub(super) fn starts_with_minus(t: &Term) -> bool {
    match &t.kind {
        TermKind::Literal(Literal::Integer(s) | Literal::Float(s) | Literal::Duration(s)) => {
            s.starts_with('-')
        }
        TermKind::Literal(Literal::Infinity { negative }) => *negative,
        _ => false,
    }
}

/// Writes a function name; `token` is reserved but written bare as a function.
pub(super) fn write_function_name(f: &mut Formatter<'_>, name: &QualifiedName) -> fmt::Result {
    if name.keyspace.is_none() && name.name.name == "token" {
        return f.write_str("token");
    }
    write!(f, "{name}")
}

/// Writes an operand, in parentheses when it is itself an operation.
pub(super) fn operand(f: &mut Formatter<'_>, t: &Term) -> fmt::Result {
    match t.kind {
        TermKind::Arithmetic { .. } | TermKind::Negate(_) | TermKind::TypeHint { .. } => {
            write!(f, "({t})")
        }
        _ => write!(f, "{t}"),
    }
}

impl Display for Term {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            TermKind::Literal(l) => write!(f, "{l}"),
            TermKind::BindMarker(m) => write!(f, "{m}"),
            TermKind::List(items) => {
                f.write_char('[')?;
                list(f, items, ", ")?;
                f.write_char(']')
            }
            TermKind::Set(items) => {
                f.write_char('{')?;
                list(f, items, ", ")?;
                f.write_char('}')
            }
            TermKind::Map(entries) => {
                f.write_char('{')?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_char('}')
            }
            TermKind::Tuple(items) => {
                f.write_char('(')?;
                list(f, items, ", ")?;
                f.write_char(')')
            }
            TermKind::Udt(fields) => {
                f.write_char('{')?;
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_char('}')
            }
            TermKind::FunctionCall { name, args } => {
                write_function_name(f, name)?;
                f.write_char('(')?;
                list(f, args, ", ")?;
                f.write_char(')')
            }
            TermKind::TypeHint { ty, term, .. } => {
                write!(f, "({ty}) ")?;
                operand(f, term)
            }
            TermKind::Negate(t) => {
                f.write_char('-')?;
                if starts_with_minus(t) {
                    // `--` would start a comment.
                    write!(f, "({t})")
                } else {
                    operand(f, t)
                }
            }
            TermKind::Arithmetic { op, left, right } => {
                operand(f, left)?;
                write!(f, " {op} ")?;
                operand(f, right)
            }
        }
    }
}

impl Display for Operator {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Display for RelationValue {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            RelationValue::Term(t) => write!(f, "{t}"),
            RelationValue::List(items) => {
                f.write_char('(')?;
                list(f, items, ", ")?;
                f.write_char(')')
            }
            RelationValue::Null => f.write_str("NULL"),
        }
    }
}

impl Display for RelationTarget {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            RelationTarget::Column(c) => write!(f, "{c}"),
            RelationTarget::Element { column, key } => write!(f, "{column}[{key}]"),
            RelationTarget::Token(cols) => {
                f.write_str("token(")?;
                list(f, cols, ", ")?;
                f.write_char(')')
            }
            RelationTarget::Tuple(cols) => {
                f.write_char('(')?;
                list(f, cols, ", ")?;
                f.write_char(')')
            }
        }
    }
}

impl Display for Relation {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.target, self.op, self.value)
    }
}

impl Display for ColumnTarget {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            ColumnTarget::Column(c) => write!(f, "{c}"),
            ColumnTarget::Element { column, key } => write!(f, "{column}[{key}]"),
            ColumnTarget::Field { column, field } => write!(f, "{column}.{field}"),
        }
    }
}

impl Display for Condition {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.target, self.op, self.value)
    }
}

impl Display for IfClause {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            IfClause::Exists(_) => f.write_str("IF EXISTS"),
            IfClause::Conditions(c) => {
                f.write_str("IF ")?;
                list(f, c, " AND ")
            }
        }
    }
}
