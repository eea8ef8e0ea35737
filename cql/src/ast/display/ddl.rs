//! Printing schema statements, and statements in general.

use std::fmt::{self, Display, Formatter, Write};

use super::{list, write_string};
use crate::ast::*;

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
