//! Printing the syntax tree back as CQL text.
//!
//! The output parses back to an equal tree (spans aside); keywords are uppercase and identifiers
//! are quoted only when they need it.

use std::fmt::{self, Display, Formatter, Write};

use super::*;

/// Writes `items` separated by `sep`.
fn list<T: Display>(f: &mut Formatter<'_>, items: &[T], sep: &str) -> fmt::Result {
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

fn write_string(f: &mut Formatter<'_>, s: &str) -> fmt::Result {
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

/// Writes an operand, in parentheses when it is itself an operation.
fn operand(f: &mut Formatter<'_>, t: &Term) -> fmt::Result {
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
                write!(f, "{name}(")?;
                list(f, args, ", ")?;
                f.write_char(')')
            }
            TermKind::TypeHint { ty, term, .. } => {
                write!(f, "({ty}) ")?;
                operand(f, term)
            }
            TermKind::Negate(t) => {
                f.write_char('-')?;
                operand(f, t)
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

impl Display for SelectorExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            SelectorKind::Column(c) => write!(f, "{c}"),
            SelectorKind::CountAll => f.write_str("COUNT(*)"),
            SelectorKind::WriteTime(c) => write!(f, "WRITETIME({c})"),
            SelectorKind::Ttl(c) => write!(f, "TTL({c})"),
            SelectorKind::Function { name, args } => {
                write!(f, "{name}(")?;
                list(f, args, ", ")?;
                f.write_char(')')
            }
            SelectorKind::Cast { expr, ty } => write!(f, "CAST({expr} AS {ty})"),
            SelectorKind::Field { expr, field } => write!(f, "{expr}.{field}"),
            SelectorKind::Element { expr, key } => write!(f, "{expr}[{key}]"),
            SelectorKind::Term(t) => write!(f, "{t}"),
        }
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

impl Display for PropertyValue {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            PropertyValue::Constant(l) => write!(f, "{l}"),
            PropertyValue::Identifier(i) => write!(f, "{i}"),
            PropertyValue::Map(entries) => {
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

impl Display for Property {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}", self.name, self.value)
    }
}

fn if_not_exists(f: &mut Formatter<'_>, yes: bool) -> fmt::Result {
    if yes {
        f.write_str("IF NOT EXISTS ")?;
    }
    Ok(())
}

fn if_exists(f: &mut Formatter<'_>, yes: bool) -> fmt::Result {
    if yes {
        f.write_str("IF EXISTS ")?;
    }
    Ok(())
}

impl Display for ColumnDef {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name, self.ty)?;
        if self.is_static {
            f.write_str(" STATIC")?;
        }
        if self.primary_key {
            f.write_str(" PRIMARY KEY")?;
        }
        Ok(())
    }
}

impl Display for PrimaryKey {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("PRIMARY KEY (")?;
        if self.partition_key.len() == 1 {
            list(f, &self.partition_key, ", ")?;
        } else {
            f.write_char('(')?;
            list(f, &self.partition_key, ", ")?;
            f.write_char(')')?;
        }
        for c in &self.clustering_columns {
            write!(f, ", {c}")?;
        }
        f.write_char(')')
    }
}

impl Display for ClusteringOrder {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.column, self.order)
    }
}

impl Display for CreateTable {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("CREATE TABLE ")?;
        if_not_exists(f, self.if_not_exists)?;
        write!(f, "{} (", self.name)?;
        list(f, &self.columns, ", ")?;
        if let Some(pk) = &self.primary_key {
            write!(f, ", {pk}")?;
        }
        f.write_char(')')?;
        let mut sep = " WITH ";
        if !self.clustering_order.is_empty() {
            write!(f, "{sep}CLUSTERING ORDER BY (")?;
            list(f, &self.clustering_order, ", ")?;
            f.write_char(')')?;
            sep = " AND ";
        }
        if self.compact_storage.is_some() {
            write!(f, "{sep}COMPACT STORAGE")?;
            sep = " AND ";
        }
        for p in &self.properties {
            write!(f, "{sep}{p}")?;
            sep = " AND ";
        }
        Ok(())
    }
}

fn renames(f: &mut Formatter<'_>, pairs: &[(Ident, Ident)]) -> fmt::Result {
    for (i, (from, to)) in pairs.iter().enumerate() {
        if i > 0 {
            f.write_str(" AND ")?;
        }
        write!(f, "{from} TO {to}")?;
    }
    Ok(())
}

impl Display for AlterTable {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("ALTER TABLE ")?;
        if_exists(f, self.if_exists)?;
        write!(f, "{} ", self.name)?;
        match &self.action {
            AlterTableAction::Add {
                if_not_exists: ine,
                columns,
            } => {
                f.write_str("ADD ")?;
                if_not_exists(f, *ine)?;
                f.write_char('(')?;
                list(f, columns, ", ")?;
                f.write_char(')')
            }
            AlterTableAction::Drop {
                if_exists: ie,
                columns,
                timestamp,
            } => {
                f.write_str("DROP ")?;
                if_exists(f, *ie)?;
                f.write_char('(')?;
                list(f, columns, ", ")?;
                f.write_char(')')?;
                if let Some(t) = timestamp {
                    write!(f, " USING TIMESTAMP {t}")?;
                }
                Ok(())
            }
            AlterTableAction::Rename {
                if_exists: ie,
                renames: pairs,
            } => {
                f.write_str("RENAME ")?;
                if_exists(f, *ie)?;
                renames(f, pairs)
            }
            AlterTableAction::With(props) => {
                f.write_str("WITH ")?;
                list(f, props, " AND ")
            }
        }
    }
}

impl Display for FieldDef {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name, self.ty)
    }
}

impl Display for IndexTarget {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.kind {
            IndexTargetKind::Simple => write!(f, "{}", self.column),
            IndexTargetKind::Values => write!(f, "VALUES({})", self.column),
            IndexTargetKind::Keys => write!(f, "KEYS({})", self.column),
            IndexTargetKind::Entries => write!(f, "ENTRIES({})", self.column),
            IndexTargetKind::Full => write!(f, "FULL({})", self.column),
        }
    }
}

impl Display for Statement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Statement::Use(s) => write!(f, "USE {}", s.keyspace),
            Statement::Select(s) => write!(f, "{s}"),
            Statement::Insert(s) => write!(f, "{s}"),
            Statement::Update(s) => write!(f, "{s}"),
            Statement::Delete(s) => write!(f, "{s}"),
            Statement::Batch(s) => write!(f, "{s}"),
            Statement::CreateKeyspace(s) => {
                f.write_str("CREATE KEYSPACE ")?;
                if_not_exists(f, s.if_not_exists)?;
                write!(f, "{} WITH ", s.name)?;
                list(f, &s.properties, " AND ")
            }
            Statement::AlterKeyspace(s) => {
                f.write_str("ALTER KEYSPACE ")?;
                if_exists(f, s.if_exists)?;
                write!(f, "{} WITH ", s.name)?;
                list(f, &s.properties, " AND ")
            }
            Statement::DropKeyspace(s) => {
                f.write_str("DROP KEYSPACE ")?;
                if_exists(f, s.if_exists)?;
                write!(f, "{}", s.name)
            }
            Statement::CreateTable(s) => write!(f, "{s}"),
            Statement::AlterTable(s) => write!(f, "{s}"),
            Statement::DropTable(s) => {
                f.write_str("DROP TABLE ")?;
                if_exists(f, s.if_exists)?;
                write!(f, "{}", s.name)
            }
            Statement::Truncate(s) => write!(f, "TRUNCATE TABLE {}", s.name),
            Statement::CreateType(s) => {
                f.write_str("CREATE TYPE ")?;
                if_not_exists(f, s.if_not_exists)?;
                write!(f, "{} (", s.name)?;
                list(f, &s.fields, ", ")?;
                f.write_char(')')
            }
            Statement::AlterType(s) => {
                f.write_str("ALTER TYPE ")?;
                if_exists(f, s.if_exists)?;
                write!(f, "{} ", s.name)?;
                match &s.action {
                    AlterTypeAction::Add {
                        if_not_exists: ine,
                        field,
                    } => {
                        f.write_str("ADD ")?;
                        if_not_exists(f, *ine)?;
                        write!(f, "{field}")
                    }
                    AlterTypeAction::Rename {
                        if_exists: ie,
                        renames: pairs,
                    } => {
                        f.write_str("RENAME ")?;
                        if_exists(f, *ie)?;
                        renames(f, pairs)
                    }
                }
            }
            Statement::DropType(s) => {
                f.write_str("DROP TYPE ")?;
                if_exists(f, s.if_exists)?;
                write!(f, "{}", s.name)
            }
            Statement::CreateIndex(s) => {
                f.write_str(if s.custom {
                    "CREATE CUSTOM INDEX "
                } else {
                    "CREATE INDEX "
                })?;
                if_not_exists(f, s.if_not_exists)?;
                if let Some(name) = &s.name {
                    write!(f, "{name} ")?;
                }
                write!(f, "ON {} (", s.table)?;
                list(f, &s.targets, ", ")?;
                f.write_char(')')?;
                if let Some(class) = &s.using {
                    f.write_str(" USING ")?;
                    write_string(f, class)?;
                }
                if !s.properties.is_empty() {
                    f.write_str(" WITH ")?;
                    list(f, &s.properties, " AND ")?;
                }
                Ok(())
            }
            Statement::DropIndex(s) => {
                f.write_str("DROP INDEX ")?;
                if_exists(f, s.if_exists)?;
                write!(f, "{}", s.name)
            }
        }
    }
}
