//! CREATE, ALTER, DROP and TRUNCATE statements.

use super::Parser;
use crate::ast::{
    AlterKeyspace, AlterTable, AlterTableAction, AlterType, AlterTypeAction, ClusteringOrder,
    ColumnDef, CreateIndex, CreateKeyspace, CreateTable, CreateType, DropIndex, DropKeyspace,
    DropTable, DropType, FieldDef, Ident, IndexTarget, IndexTargetKind, Order, PrimaryKey,
    Property, PropertyValue, Span, Statement, Truncate,
};
use crate::error::ParseError;
use crate::lexer::{Punct, TokenKind};

impl Parser<'_> {
    pub(super) fn create(&mut self) -> Result<Statement, ParseError> {
        let start = self.expect_kw("create")?;
        let t = self.peek().clone();
        let TokenKind::Word(w) = &t.kind else {
            return Err(self.unexpected("KEYSPACE, TABLE, TYPE or INDEX"));
        };
        match w.as_str() {
            "keyspace" | "schema" => {
                self.bump();
                let if_not_exists = self.if_not_exists()?;
                let name = self.ident()?;
                self.expect_kw("with")?;
                let properties = self.properties()?;
                Ok(Statement::CreateKeyspace(CreateKeyspace {
                    if_not_exists,
                    name,
                    properties,
                    span: self.since(start),
                }))
            }
            "table" | "columnfamily" => {
                self.bump();
                self.create_table(start).map(Statement::CreateTable)
            }
            "type" => {
                self.bump();
                let if_not_exists = self.if_not_exists()?;
                let name = self.qualified_name()?;
                self.expect_punct(Punct::LParen)?;
                let mut fields = vec![self.field_def()?];
                while self.eat_punct(Punct::Comma).is_some() {
                    if self.is_punct(Punct::RParen) {
                        break;
                    }
                    fields.push(self.field_def()?);
                }
                self.expect_punct(Punct::RParen)?;
                Ok(Statement::CreateType(CreateType {
                    if_not_exists,
                    name,
                    fields,
                    span: self.since(start),
                }))
            }
            "index" => {
                self.bump();
                self.create_index(start, false).map(Statement::CreateIndex)
            }
            "custom" if self.is_kw_at(1, "index") => {
                self.bump();
                self.bump();
                self.create_index(start, true).map(Statement::CreateIndex)
            }
            "role" | "user" => Err(self.unsupported(start.to(t.span), "role")),
            "function" | "aggregate" | "or" => {
                Err(self.unsupported(start.to(t.span), "user-defined function"))
            }
            "materialized" => Err(self.unsupported(start.to(t.span), "materialized view")),
            "trigger" => Err(self.unsupported(start.to(t.span), "trigger")),
            _ => Err(self.unexpected("KEYSPACE, TABLE, TYPE or INDEX")),
        }
    }

    fn field_def(&mut self) -> Result<FieldDef, ParseError> {
        let name = self.ident()?;
        let ty_start = self.span();
        let ty = self.cql_type()?;
        let ty_span = self.since(ty_start);
        Ok(FieldDef {
            span: name.span.to(ty_span),
            name,
            ty,
            ty_span,
        })
    }

    fn column_def(&mut self) -> Result<ColumnDef, ParseError> {
        let name = self.ident()?;
        let ty_start = self.span();
        let ty = self.cql_type()?;
        let ty_span = self.since(ty_start);
        let is_static = self.eat_kw("static").is_some();
        let mut primary_key = false;
        if self.eat_kw("primary").is_some() {
            self.expect_kw("key")?;
            primary_key = true;
        }
        Ok(ColumnDef {
            span: self.since(name.span),
            name,
            ty,
            ty_span,
            is_static,
            primary_key,
        })
    }

    fn create_table(&mut self, start: Span) -> Result<CreateTable, ParseError> {
        let if_not_exists = self.if_not_exists()?;
        let name = self.qualified_name()?;
        self.expect_punct(Punct::LParen)?;
        let mut columns = Vec::new();
        let mut primary_key: Option<PrimaryKey> = None;
        loop {
            if self.is_kw("primary") {
                let pk_start = self.bump().span;
                self.expect_kw("key")?;
                let pk = self.primary_key_clause(pk_start)?;
                if primary_key.is_some() || columns.iter().any(|c: &ColumnDef| c.primary_key) {
                    return Err(self.invalid(
                        pk.span,
                        "multiple PRIMARY KEYs specified (exactly one required)",
                    ));
                }
                primary_key = Some(pk);
            } else {
                let col = self.column_def()?;
                if col.primary_key
                    && (primary_key.is_some() || columns.iter().any(|c: &ColumnDef| c.primary_key))
                {
                    return Err(self.invalid(
                        col.span,
                        "multiple PRIMARY KEYs specified (exactly one required)",
                    ));
                }
                columns.push(col);
            }
            if self.eat_punct(Punct::Comma).is_none() || self.is_punct(Punct::RParen) {
                break;
            }
        }
        self.expect_punct(Punct::RParen)?;
        let mut clustering_order = Vec::new();
        let mut compact_storage = None;
        let mut properties = Vec::new();
        if self.eat_kw("with").is_some() {
            loop {
                if self.is_kw("clustering") {
                    let s = self.bump().span;
                    self.expect_kw("order")?;
                    self.expect_kw("by")?;
                    self.expect_punct(Punct::LParen)?;
                    if !clustering_order.is_empty() {
                        return Err(self.invalid(s, "duplicate CLUSTERING ORDER BY"));
                    }
                    loop {
                        let column = self.ident()?;
                        let order = if self.eat_kw("desc").is_some() {
                            Order::Desc
                        } else {
                            self.eat_kw("asc");
                            Order::Asc
                        };
                        clustering_order.push(ClusteringOrder {
                            span: self.since(column.span),
                            column,
                            order,
                        });
                        if self.eat_punct(Punct::Comma).is_none() {
                            break;
                        }
                    }
                    self.expect_punct(Punct::RParen)?;
                } else if self.is_kw("compact") && self.is_kw_at(1, "storage") {
                    let s = self.bump().span;
                    let e = self.bump().span;
                    compact_storage = Some(s.to(e));
                } else {
                    properties.push(self.property()?);
                }
                if self.eat_kw("and").is_none() {
                    break;
                }
            }
        }
        Ok(CreateTable {
            if_not_exists,
            name,
            columns,
            primary_key,
            clustering_order,
            compact_storage,
            properties,
            span: self.since(start),
        })
    }

    /// `'(' partition_key [',' clustering...] ')'` after `PRIMARY KEY`.
    fn primary_key_clause(&mut self, start: Span) -> Result<PrimaryKey, ParseError> {
        self.expect_punct(Punct::LParen)?;
        let partition_key = if self.eat_punct(Punct::LParen).is_some() {
            let cols = self.ident_list()?;
            self.expect_punct(Punct::RParen)?;
            cols
        } else {
            vec![self.ident()?]
        };
        let mut clustering_columns = Vec::new();
        while self.eat_punct(Punct::Comma).is_some() {
            clustering_columns.push(self.ident()?);
        }
        self.expect_punct(Punct::RParen)?;
        Ok(PrimaryKey {
            partition_key,
            clustering_columns,
            span: self.since(start),
        })
    }

    /// `name = value (AND name = value)*`.
    fn properties(&mut self) -> Result<Vec<Property>, ParseError> {
        let mut out = vec![self.property()?];
        while self.eat_kw("and").is_some() {
            out.push(self.property()?);
        }
        Ok(out)
    }

    fn property(&mut self) -> Result<Property, ParseError> {
        let name = self.ident()?;
        self.expect_punct(Punct::Eq)?;
        let value_start = self.span();
        let value = if self.eat_punct(Punct::LBrace).is_some() {
            let mut entries = Vec::new();
            if !self.is_punct(Punct::RBrace) {
                loop {
                    let k = self.signed_literal()?;
                    self.expect_punct(Punct::Colon)?;
                    let v = self.signed_literal()?;
                    entries.push((k, v));
                    if self.eat_punct(Punct::Comma).is_none() {
                        break;
                    }
                }
            }
            self.expect_punct(Punct::RBrace)?;
            PropertyValue::Map(entries)
        } else if self.is_ident() {
            PropertyValue::Identifier(self.ident()?)
        } else {
            PropertyValue::Constant(self.signed_literal()?)
        };
        let value_span = self.since(value_start);
        Ok(Property {
            span: name.span.to(value_span),
            name,
            value,
            value_span,
        })
    }

    fn create_index(&mut self, start: Span, custom: bool) -> Result<CreateIndex, ParseError> {
        let if_not_exists = self.if_not_exists()?;
        let name = if self.is_kw("on") {
            None
        } else {
            Some(self.ident()?)
        };
        self.expect_kw("on")?;
        let table = self.qualified_name()?;
        self.expect_punct(Punct::LParen)?;
        let mut targets = Vec::new();
        if !self.is_punct(Punct::RParen) {
            loop {
                targets.push(self.index_target()?);
                if self.eat_punct(Punct::Comma).is_none() {
                    break;
                }
            }
        }
        self.expect_punct(Punct::RParen)?;
        let mut using = None;
        let mut properties = Vec::new();
        if self.eat_kw("using").is_some() {
            match &self.peek().kind {
                TokenKind::Str(s) => {
                    using = Some(s.clone());
                    self.bump();
                }
                _ => return Err(self.unexpected("the index class name as a string")),
            }
        }
        if self.eat_kw("with").is_some() {
            properties = self.properties()?;
        }
        Ok(CreateIndex {
            custom,
            if_not_exists,
            name,
            table,
            targets,
            using,
            properties,
            span: self.since(start),
        })
    }

    fn index_target(&mut self) -> Result<IndexTarget, ParseError> {
        let start = self.span();
        let kind = match &self.peek().kind {
            TokenKind::Word(w) if self.is_punct_at(1, Punct::LParen) => match w.as_str() {
                "values" => IndexTargetKind::Values,
                "keys" => IndexTargetKind::Keys,
                "entries" => IndexTargetKind::Entries,
                "full" => IndexTargetKind::Full,
                _ => {
                    return Err(
                        self.unexpected("a column, VALUES(c), KEYS(c), ENTRIES(c) or FULL(c)")
                    )
                }
            },
            _ => IndexTargetKind::Simple,
        };
        if kind == IndexTargetKind::Simple {
            let column = self.ident()?;
            return Ok(IndexTarget {
                span: column.span,
                column,
                kind,
            });
        }
        self.bump();
        self.bump();
        let column = self.ident()?;
        self.expect_punct(Punct::RParen)?;
        Ok(IndexTarget {
            column,
            kind,
            span: self.since(start),
        })
    }

    pub(super) fn alter(&mut self) -> Result<Statement, ParseError> {
        let start = self.expect_kw("alter")?;
        let t = self.peek().clone();
        let TokenKind::Word(w) = &t.kind else {
            return Err(self.unexpected("KEYSPACE, TABLE or TYPE"));
        };
        match w.as_str() {
            "keyspace" | "schema" => {
                self.bump();
                let if_exists = self.if_exists()?;
                let name = self.ident()?;
                self.expect_kw("with")?;
                let properties = self.properties()?;
                Ok(Statement::AlterKeyspace(AlterKeyspace {
                    if_exists,
                    name,
                    properties,
                    span: self.since(start),
                }))
            }
            "table" | "columnfamily" => {
                self.bump();
                let if_exists = self.if_exists()?;
                let name = self.qualified_name()?;
                let action = self.alter_table_action()?;
                Ok(Statement::AlterTable(AlterTable {
                    if_exists,
                    name,
                    action,
                    span: self.since(start),
                }))
            }
            "type" => {
                self.bump();
                let if_exists = self.if_exists()?;
                let name = self.qualified_name()?;
                let action = if self.eat_kw("add").is_some() {
                    let if_not_exists = self.if_not_exists()?;
                    AlterTypeAction::Add {
                        if_not_exists,
                        field: self.field_def()?,
                    }
                } else if self.eat_kw("rename").is_some() {
                    let if_exists = self.if_exists()?;
                    AlterTypeAction::Rename {
                        if_exists,
                        renames: self.renames()?,
                    }
                } else if self.is_kw("alter") {
                    return Err(self.invalid(
                        self.span(),
                        "altering the type of a field is not supported by Cassandra 4.0",
                    ));
                } else {
                    return Err(self.unexpected("ADD or RENAME"));
                };
                Ok(Statement::AlterType(AlterType {
                    if_exists,
                    name,
                    action,
                    span: self.since(start),
                }))
            }
            "role" | "user" => Err(self.unsupported(start.to(t.span), "role")),
            "materialized" => Err(self.unsupported(start.to(t.span), "materialized view")),
            _ => Err(self.unexpected("KEYSPACE, TABLE or TYPE")),
        }
    }

    fn renames(&mut self) -> Result<Vec<(Ident, Ident)>, ParseError> {
        let mut out = Vec::new();
        loop {
            let from = self.ident()?;
            self.expect_kw("to")?;
            let to = self.ident()?;
            out.push((from, to));
            if self.eat_kw("and").is_none() {
                return Ok(out);
            }
        }
    }

    fn alter_table_action(&mut self) -> Result<AlterTableAction, ParseError> {
        if self.eat_kw("add").is_some() {
            let if_not_exists = self.if_not_exists()?;
            let mut columns = Vec::new();
            if self.eat_punct(Punct::LParen).is_some() {
                loop {
                    columns.push(self.column_def()?);
                    if self.eat_punct(Punct::Comma).is_none() {
                        break;
                    }
                }
                self.expect_punct(Punct::RParen)?;
            } else {
                loop {
                    columns.push(self.column_def()?);
                    if self.eat_punct(Punct::Comma).is_none() {
                        break;
                    }
                }
            }
            if let Some(pk) = columns.iter().find(|c| c.primary_key) {
                return Err(self.invalid(
                    pk.span,
                    "cannot add a PRIMARY KEY column to an existing table",
                ));
            }
            return Ok(AlterTableAction::Add {
                if_not_exists,
                columns,
            });
        }
        if let Some(drop) = self.eat_kw("drop") {
            if self.is_kw("compact") && self.is_kw_at(1, "storage") {
                let span = drop.to(self.peek_nth(1).span);
                return Err(self.unsupported(span, "ALTER TABLE ... DROP COMPACT STORAGE"));
            }
            let if_exists = self.if_exists()?;
            let columns = if self.eat_punct(Punct::LParen).is_some() {
                let cols = self.ident_list()?;
                self.expect_punct(Punct::RParen)?;
                cols
            } else {
                self.ident_list()?
            };
            let mut timestamp = None;
            if self.eat_kw("using").is_some() {
                self.expect_kw("timestamp")?;
                timestamp = Some(self.int_or_marker()?);
            }
            return Ok(AlterTableAction::Drop {
                if_exists,
                columns,
                timestamp,
            });
        }
        if self.eat_kw("rename").is_some() {
            let if_exists = self.if_exists()?;
            return Ok(AlterTableAction::Rename {
                if_exists,
                renames: self.renames()?,
            });
        }
        if self.eat_kw("with").is_some() {
            return Ok(AlterTableAction::With(self.properties()?));
        }
        if self.is_kw("alter") {
            return Err(self.invalid(
                self.span(),
                "altering column types is no longer supported (Cassandra 4.0)",
            ));
        }
        Err(self.unexpected("ADD, DROP, RENAME or WITH"))
    }

    pub(super) fn drop_statement(&mut self) -> Result<Statement, ParseError> {
        let start = self.expect_kw("drop")?;
        let t = self.peek().clone();
        let TokenKind::Word(w) = &t.kind else {
            return Err(self.unexpected("KEYSPACE, TABLE, TYPE or INDEX"));
        };
        match w.as_str() {
            "keyspace" | "schema" => {
                self.bump();
                let if_exists = self.if_exists()?;
                let name = self.ident()?;
                Ok(Statement::DropKeyspace(DropKeyspace {
                    if_exists,
                    name,
                    span: self.since(start),
                }))
            }
            "table" | "columnfamily" => {
                self.bump();
                let if_exists = self.if_exists()?;
                let name = self.qualified_name()?;
                Ok(Statement::DropTable(DropTable {
                    if_exists,
                    name,
                    span: self.since(start),
                }))
            }
            "type" => {
                self.bump();
                let if_exists = self.if_exists()?;
                let name = self.qualified_name()?;
                Ok(Statement::DropType(DropType {
                    if_exists,
                    name,
                    span: self.since(start),
                }))
            }
            "index" => {
                self.bump();
                let if_exists = self.if_exists()?;
                let name = self.qualified_name()?;
                Ok(Statement::DropIndex(DropIndex {
                    if_exists,
                    name,
                    span: self.since(start),
                }))
            }
            "role" | "user" => Err(self.unsupported(start.to(t.span), "role")),
            "function" | "aggregate" => {
                Err(self.unsupported(start.to(t.span), "user-defined function"))
            }
            "materialized" => Err(self.unsupported(start.to(t.span), "materialized view")),
            "trigger" => Err(self.unsupported(start.to(t.span), "trigger")),
            _ => Err(self.unexpected("KEYSPACE, TABLE, TYPE or INDEX")),
        }
    }

    pub(super) fn truncate(&mut self) -> Result<Truncate, ParseError> {
        let start = self.expect_kw("truncate")?;
        if self.eat_kw("table").is_none() {
            self.eat_kw("columnfamily");
        }
        let name = self.qualified_name()?;
        Ok(Truncate {
            name,
            span: self.since(start),
        })
    }
}
