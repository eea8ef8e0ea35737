//! Printing SELECT, INSERT, UPDATE, DELETE and BATCH.

use std::fmt::{self, Display, Formatter, Write};

use super::{list, operand, starts_with_minus, write_function_name};
use crate::ast::*;

impl Display for SelectorExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            SelectorKind::Column(c) => write!(f, "{c}"),
            SelectorKind::CountAll => f.write_str("COUNT(*)"),
            SelectorKind::WriteTime(c) => write!(f, "WRITETIME({c})"),
            SelectorKind::Ttl(c) => write!(f, "TTL({c})"),
            SelectorKind::Function { name, args } => {
                write_function_name(f, name)?;
                f.write_char('(')?;
                list(f, args, ", ")?;
                f.write_char(')')
            }
            SelectorKind::Cast { expr, ty } => write!(f, "CAST({expr} AS {ty})"),
            SelectorKind::Field { expr, field } => write!(f, "{expr}.{field}"),
            SelectorKind::Element { expr, key } => write!(f, "{expr}[{key}]"),
            SelectorKind::Slice { expr, from, to } => {
                write!(f, "{expr}[")?;
                if let Some(from) = from {
                    write!(f, "{from}")?;
                }
                f.write_str("..")?;
                if let Some(to) = to {
                    write!(f, "{to}")?;
                }
                f.write_char(']')
            }
            SelectorKind::Term(t) => write!(f, "{t}"),
            SelectorKind::Arithmetic { op, left, right } => {
                selector_operand(f, left)?;
                write!(f, " {op} ")?;
                selector_operand(f, right)
            }
            SelectorKind::Negate(expr) => {
                f.write_char('-')?;
                match &expr.kind {
                    SelectorKind::Term(t) if starts_with_minus(t) => write!(f, "({t})"),
                    _ => selector_operand(f, expr),
                }
            }
            SelectorKind::TypeHint { ty, expr } => {
                write!(f, "({ty}) ")?;
                selector_operand(f, expr)
            }
            SelectorKind::Tuple(items) => {
                f.write_char('(')?;
                list(f, items, ", ")?;
                f.write_char(')')
            }
            SelectorKind::List(items) => {
                f.write_char('[')?;
                list(f, items, ", ")?;
                f.write_char(']')
            }
            SelectorKind::Set(items) => {
                f.write_char('{')?;
                list(f, items, ", ")?;
                f.write_char('}')
            }
            SelectorKind::Map(entries) => {
                f.write_char('{')?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_char('}')
            }
        }
    }
}

/// Writes a selector operand, in parentheses when it is itself an operation.
fn selector_operand(f: &mut Formatter<'_>, e: &SelectorExpr) -> fmt::Result {
    match &e.kind {
        SelectorKind::Arithmetic { .. }
        | SelectorKind::Negate(_)
        | SelectorKind::TypeHint { .. } => write!(f, "({e})"),
        SelectorKind::Term(t) => operand(f, t),
        _ => write!(f, "{e}"),
    }
}

impl Display for Selector {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        if let Some(alias) = &self.alias {
            write!(f, " AS {alias}")?;
        }
        Ok(())
    }
}

impl Display for Order {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Order::Asc => "ASC",
            Order::Desc => "DESC",
        })
    }
}

impl Display for Ordering {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.column, self.order)
    }
}

fn where_clause(f: &mut Formatter<'_>, relations: &[Relation]) -> fmt::Result {
    if !relations.is_empty() {
        f.write_str(" WHERE ")?;
        list(f, relations, " AND ")?;
    }
    Ok(())
}

impl Display for UsingParam {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.kind {
            UsingKind::Ttl => write!(f, "TTL {}", self.value),
            UsingKind::Timestamp => write!(f, "TIMESTAMP {}", self.value),
        }
    }
}

fn using(f: &mut Formatter<'_>, params: &[UsingParam]) -> fmt::Result {
    if !params.is_empty() {
        f.write_str(" USING ")?;
        list(f, params, " AND ")?;
    }
    Ok(())
}

impl Display for Select {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("SELECT ")?;
        if self.json {
            f.write_str("JSON ")?;
        }
        if self.distinct {
            f.write_str("DISTINCT ")?;
        }
        match &self.selection {
            Selection::Wildcard(_) => f.write_char('*')?,
            Selection::Selectors(s) => list(f, s, ", ")?,
        }
        write!(f, " FROM {}", self.table)?;
        where_clause(f, &self.where_clause)?;
        if !self.group_by.is_empty() {
            f.write_str(" GROUP BY ")?;
            list(f, &self.group_by, ", ")?;
        }
        if !self.order_by.is_empty() {
            f.write_str(" ORDER BY ")?;
            list(f, &self.order_by, ", ")?;
        }
        if let Some(l) = &self.per_partition_limit {
            write!(f, " PER PARTITION LIMIT {l}")?;
        }
        if let Some(l) = &self.limit {
            write!(f, " LIMIT {l}")?;
        }
        if self.allow_filtering {
            f.write_str(" ALLOW FILTERING")?;
        }
        Ok(())
    }
}

impl Display for Insert {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "INSERT INTO {} ", self.table)?;
        match &self.values {
            InsertValues::Columns { columns, values } => {
                f.write_char('(')?;
                list(f, columns, ", ")?;
                f.write_str(") VALUES (")?;
                list(f, values, ", ")?;
                f.write_char(')')?;
            }
            InsertValues::Json {
                value,
                default_unset,
            } => {
                write!(f, "JSON {value}")?;
                if *default_unset {
                    f.write_str(" DEFAULT UNSET")?;
                }
            }
        }
        if self.if_not_exists {
            f.write_str(" IF NOT EXISTS")?;
        }
        using(f, &self.using)
    }
}

impl Display for Assignment {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let column = self.target.column();
        let is_column = matches!(self.target, ColumnTarget::Column(_));
        match &self.op {
            AssignmentOp::Set(t) => write!(f, "{} = {t}", self.target),
            AssignmentOp::Add(t) if is_column => write!(f, "{column} = {column} + {t}"),
            AssignmentOp::Remove(t) if is_column => write!(f, "{column} = {column} - {t}"),
            AssignmentOp::Add(t) => write!(f, "{} += {t}", self.target),
            AssignmentOp::Remove(t) => write!(f, "{} -= {t}", self.target),
            AssignmentOp::Prepend(t) => {
                write!(f, "{} = ", self.target)?;
                operand(f, t)?;
                write!(f, " + {column}")
            }
        }
    }
}

impl Display for Update {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "UPDATE {}", self.table)?;
        using(f, &self.using)?;
        f.write_str(" SET ")?;
        list(f, &self.assignments, ", ")?;
        where_clause(f, &self.where_clause)?;
        if let Some(c) = &self.if_clause {
            write!(f, " {c}")?;
        }
        Ok(())
    }
}

impl Display for DeleteTarget {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.target)
    }
}

impl Display for Delete {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("DELETE ")?;
        if !self.columns.is_empty() {
            list(f, &self.columns, ", ")?;
            f.write_char(' ')?;
        }
        write!(f, "FROM {}", self.table)?;
        using(f, &self.using)?;
        where_clause(f, &self.where_clause)?;
        if let Some(c) = &self.if_clause {
            write!(f, " {c}")?;
        }
        Ok(())
    }
}

impl Display for Batch {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            BatchKind::Logged => "BEGIN BATCH",
            BatchKind::Unlogged => "BEGIN UNLOGGED BATCH",
            BatchKind::Counter => "BEGIN COUNTER BATCH",
        })?;
        using(f, &self.using)?;
        for s in &self.statements {
            write!(f, " {s};")?;
        }
        f.write_str(" APPLY BATCH")
    }
}
