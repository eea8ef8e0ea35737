//! [`Table`]: what `#[derive(Table)]` knows about a struct's table.

use super::cql_type::{CqlType, UdtDef};

/// The order of a clustering column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClusteringOrder {
    /// `ASC` (Cassandra's default).
    Asc,
    /// `DESC`.
    Desc,
}

/// The role of a column in its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnKind {
    /// Part of the partition key; `position` is its place in the (composite) key.
    PartitionKey {
        /// 0-based position in the partition key.
        position: usize,
    },
    /// A clustering column.
    Clustering {
        /// 0-based position in the clustering key.
        position: usize,
        /// Its order.
        order: ClusteringOrder,
    },
    /// A static column (one value per partition).
    Static,
    /// A regular column.
    Regular,
}

/// One column of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnDef {
    /// The column's name in CQL.
    pub name: &'static str,
    /// The name of the Rust field it maps to.
    pub field: &'static str,
    /// Its CQL type.
    pub typ: CqlType,
    /// Its role.
    pub kind: ColumnKind,
}

impl ColumnDef {
    /// True for partition key and clustering columns.
    pub const fn is_primary_key(&self) -> bool {
        matches!(
            self.kind,
            ColumnKind::PartitionKey { .. } | ColumnKind::Clustering { .. }
        )
    }
}

/// A struct mapped to a CQL table by `#[derive(Table)]`.
///
/// The derive also generates typed statements as inherent functions (`T::insert()`, `T::get()`,
/// ...), each a [`Statement`](super::Statement) whose bind values and result type are fixed.
pub trait Table: Sized {
    /// The table's name.
    const TABLE: &'static str;
    /// The keyspace, when the struct names one; otherwise the session's keyspace is used.
    const KEYSPACE: Option<&'static str>;
    /// Every mapped column, in field order.
    const COLUMNS: &'static [ColumnDef];
    /// The partition key's column names, in key order.
    const PARTITION_KEY: &'static [&'static str];
    /// The clustering columns' names and orders, in key order.
    const CLUSTERING_KEY: &'static [(&'static str, ClusteringOrder)];

    /// `ks.table`, or `table` without a keyspace.
    fn qualified_name() -> String {
        qualified(Self::KEYSPACE, Self::TABLE)
    }

    /// `CREATE TABLE IF NOT EXISTS ...` for this table.
    fn create_table_cql() -> String {
        create_table_cql(
            Self::KEYSPACE,
            Self::TABLE,
            Self::COLUMNS,
            Self::PARTITION_KEY,
            Self::CLUSTERING_KEY,
        )
    }

    /// `CREATE TYPE IF NOT EXISTS ...` for every user-defined type the columns use, in an order
    /// that creates each type after the types it contains. A type without a keyspace of its own
    /// is created in the table's keyspace, when the table names one.
    fn create_types_cql() -> Vec<String> {
        let mut udts: Vec<&'static UdtDef> = Vec::new();
        for c in Self::COLUMNS {
            c.typ.collect_udts(&mut udts);
        }
        udts.iter()
            .map(|d| d.create_type_cql_in(Self::KEYSPACE))
            .collect()
    }
}

pub(crate) fn qualified(keyspace: Option<&str>, table: &str) -> String {
    match keyspace {
        Some(ks) => format!("{ks}.{table}"),
        None => table.to_owned(),
    }
}

/// Builds `CREATE TABLE IF NOT EXISTS` text; key columns of collection types are frozen.
pub fn create_table_cql(
    keyspace: Option<&str>,
    table: &str,
    columns: &[ColumnDef],
    partition_key: &[&str],
    clustering_key: &[(&str, ClusteringOrder)],
) -> String {
    let mut s = format!(
        "CREATE TABLE IF NOT EXISTS {} (",
        qualified(keyspace, table)
    );
    for c in columns {
        s.push_str(c.name);
        s.push(' ');
        // Key columns must be frozen; a user type column is frozen too, so that it is written
        // and read as one value.
        let frozen = c.is_primary_key() || matches!(c.typ, CqlType::Udt(_));
        c.typ.write_cql(&mut s, frozen);
        if matches!(c.kind, ColumnKind::Static) {
            s.push_str(" STATIC");
        }
        s.push_str(", ");
    }
    s.push_str("PRIMARY KEY (");
    if partition_key.len() == 1 {
        s.push_str(partition_key.first().copied().unwrap_or_default());
    } else {
        s.push('(');
        s.push_str(&partition_key.join(", "));
        s.push(')');
    }
    for (name, _) in clustering_key {
        s.push_str(", ");
        s.push_str(name);
    }
    s.push_str("))");
    if clustering_key
        .iter()
        .any(|(_, o)| *o == ClusteringOrder::Desc)
    {
        s.push_str(" WITH CLUSTERING ORDER BY (");
        for (i, (name, order)) in clustering_key.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            s.push_str(name);
            s.push_str(match order {
                ClusteringOrder::Asc => " ASC",
                ClusteringOrder::Desc => " DESC",
            });
        }
        s.push(')');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: &[ColumnDef] = &[
        ColumnDef {
            name: "a",
            field: "a",
            typ: CqlType::Text,
            kind: ColumnKind::PartitionKey { position: 0 },
        },
        ColumnDef {
            name: "b",
            field: "b",
            typ: CqlType::Int,
            kind: ColumnKind::PartitionKey { position: 1 },
        },
        ColumnDef {
            name: "c",
            field: "c",
            typ: CqlType::Timestamp,
            kind: ColumnKind::Clustering {
                position: 0,
                order: ClusteringOrder::Desc,
            },
        },
        ColumnDef {
            name: "s",
            field: "s",
            typ: CqlType::Int,
            kind: ColumnKind::Static,
        },
        ColumnDef {
            name: "tags",
            field: "tags",
            typ: CqlType::Set(&CqlType::Text),
            kind: ColumnKind::Regular,
        },
    ];

    #[test]
    fn composite_key_and_descending_order() {
        let cql = create_table_cql(
            Some("ks"),
            "t",
            COLS,
            &["a", "b"],
            &[("c", ClusteringOrder::Desc)],
        );
        assert_eq!(
            cql,
            "CREATE TABLE IF NOT EXISTS ks.t (a text, b int, c timestamp, s int STATIC, \
             tags set<text>, PRIMARY KEY ((a, b), c)) WITH CLUSTERING ORDER BY (c DESC)"
        );
    }

    #[test]
    fn single_key_without_keyspace() {
        let cols = &COLS[..1];
        assert_eq!(
            create_table_cql(None, "t", cols, &["a"], &[]),
            "CREATE TABLE IF NOT EXISTS t (a text, PRIMARY KEY (a))"
        );
    }
}
