//! The schema catalog: keyspaces (replication, durable writes), tables (columns by kind, clustering
//! order, options), user-defined types, and a schema version that changes on every DDL.

use super::types::{CqlType, UdtLookup};
use ringbolt_driver::protocol::{ColumnType, UdtType};
use std::collections::BTreeMap;
use std::sync::Arc;
use uuid::Uuid;

/// The role a column plays in its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ColumnKind {
    /// Part of the partition key.
    PartitionKey,
    /// Part of the clustering key.
    Clustering,
    /// A static column (one value per partition).
    Static,
    /// A regular column.
    Regular,
}

impl ColumnKind {
    /// The name `system_schema.columns.kind` uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnKind::PartitionKey => "partition_key",
            ColumnKind::Clustering => "clustering",
            ColumnKind::Static => "static",
            ColumnKind::Regular => "regular",
        }
    }
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnDef {
    /// Its name (case preserved as declared, after CQL's identifier folding).
    pub name: String,
    /// Its type.
    pub typ: CqlType,
    /// Its role.
    pub kind: ColumnKind,
    /// Position within the partition or clustering key; -1 otherwise.
    pub position: i32,
    /// For clustering columns: whether the order is DESC.
    pub reversed: bool,
}

/// Table options as `system_schema.tables` reports them.
#[derive(Debug, Clone, PartialEq)]
pub struct TableOptions {
    /// `additional_write_policy`
    pub additional_write_policy: String,
    /// `bloom_filter_fp_chance`
    pub bloom_filter_fp_chance: f64,
    /// `caching`
    pub caching: BTreeMap<String, String>,
    /// `cdc`
    pub cdc: bool,
    /// `comment`
    pub comment: String,
    /// `compaction`
    pub compaction: BTreeMap<String, String>,
    /// `compression`
    pub compression: BTreeMap<String, String>,
    /// `crc_check_chance`
    pub crc_check_chance: f64,
    /// `default_time_to_live`, seconds
    pub default_time_to_live: i32,
    /// `gc_grace_seconds`
    pub gc_grace_seconds: i32,
    /// `max_index_interval`
    pub max_index_interval: i32,
    /// `memtable_flush_period_in_ms`
    pub memtable_flush_period_in_ms: i32,
    /// `min_index_interval`
    pub min_index_interval: i32,
    /// `read_repair`
    pub read_repair: String,
    /// `speculative_retry`
    pub speculative_retry: String,
}

fn map_of(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            additional_write_policy: "99p".into(),
            bloom_filter_fp_chance: 0.01,
            caching: map_of(&[("keys", "ALL"), ("rows_per_partition", "NONE")]),
            cdc: false,
            comment: String::new(),
            compaction: map_of(&[
                (
                    "class",
                    "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy",
                ),
                ("max_threshold", "32"),
                ("min_threshold", "4"),
            ]),
            compression: map_of(&[
                ("chunk_length_in_kb", "16"),
                ("class", "org.apache.cassandra.io.compress.LZ4Compressor"),
            ]),
            crc_check_chance: 1.0,
            default_time_to_live: 0,
            gc_grace_seconds: 864_000,
            max_index_interval: 2048,
            memtable_flush_period_in_ms: 0,
            min_index_interval: 128,
            read_repair: "BLOCKING".into(),
            speculative_retry: "99p".into(),
        }
    }
}

impl TableOptions {
    /// Sets one option from CQL text (`name = value`, value as written, maps as `{'k': 'v'}`).
    /// Returns Cassandra's message for an unknown option.
    pub fn set(&mut self, name: &str, value: &OptionValue) -> Result<(), String> {
        let text = || value.as_text();
        let num = |v: &OptionValue| -> Result<f64, String> {
            v.as_text()
                .trim()
                .parse::<f64>()
                .map_err(|_| format!("Invalid value for {name}"))
        };
        let int = |v: &OptionValue| -> Result<i32, String> {
            v.as_text()
                .trim()
                .parse::<i32>()
                .map_err(|_| format!("Invalid value for {name}"))
        };
        match name {
            "additional_write_policy" => self.additional_write_policy = text(),
            "bloom_filter_fp_chance" => self.bloom_filter_fp_chance = num(value)?,
            "caching" => self.caching = value.as_map(),
            "cdc" => self.cdc = text().eq_ignore_ascii_case("true"),
            "comment" => self.comment = text(),
            "compaction" => self.compaction = value.as_map(),
            "compression" => self.compression = value.as_map(),
            "crc_check_chance" => self.crc_check_chance = num(value)?,
            "default_time_to_live" => self.default_time_to_live = int(value)?,
            "gc_grace_seconds" => self.gc_grace_seconds = int(value)?,
            "max_index_interval" => self.max_index_interval = int(value)?,
            "memtable_flush_period_in_ms" => self.memtable_flush_period_in_ms = int(value)?,
            "min_index_interval" => self.min_index_interval = int(value)?,
            "read_repair" => self.read_repair = text(),
            "speculative_retry" => self.speculative_retry = text(),
            "extensions" | "dclocal_read_repair_chance" | "read_repair_chance" => {}
            other => return Err(format!("Unknown property '{other}'")),
        }
        Ok(())
    }
}

/// An option's value as written in a `WITH` clause.
#[derive(Debug, Clone, PartialEq)]
pub enum OptionValue {
    /// A constant (string, number, boolean) as text.
    Text(String),
    /// A map literal.
    Map(Vec<(String, String)>),
}

impl OptionValue {
    /// The value as text (a map renders as nothing).
    pub fn as_text(&self) -> String {
        match self {
            OptionValue::Text(t) => t.clone(),
            OptionValue::Map(_) => String::new(),
        }
    }

    /// The value as a map (a constant renders as an empty map).
    pub fn as_map(&self) -> BTreeMap<String, String> {
        match self {
            OptionValue::Text(_) => BTreeMap::new(),
            OptionValue::Map(m) => m.iter().cloned().collect(),
        }
    }
}

/// A table's definition.
#[derive(Debug, Clone, PartialEq)]
pub struct TableDef {
    /// Its keyspace.
    pub keyspace: String,
    /// Its name.
    pub name: String,
    /// Its id.
    pub id: Uuid,
    /// Columns: partition key in order, clustering in order, then statics and regulars by name.
    pub columns: Vec<ColumnDef>,
    /// Options.
    pub options: TableOptions,
    /// Whether it is a virtual table (system_views, system_virtual_schema).
    pub is_virtual: bool,
    /// Secondary indexes.
    pub indexes: Vec<IndexDef>,
}

/// A secondary index on one column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDef {
    /// The index name.
    pub name: String,
    /// The indexed column.
    pub column: String,
    /// The target as `system_schema.indexes` shows it (`v`, `keys(m)`, `values(l)`, ...).
    pub target: String,
}

impl TableDef {
    /// Builds a table, ordering its columns as Cassandra does.
    pub fn new(
        keyspace: &str,
        name: &str,
        mut columns: Vec<ColumnDef>,
        options: TableOptions,
    ) -> TableDef {
        columns.sort_by(|a, b| {
            a.kind.cmp(&b.kind).then_with(|| match a.kind {
                ColumnKind::PartitionKey | ColumnKind::Clustering => a.position.cmp(&b.position),
                _ => a.name.cmp(&b.name),
            })
        });
        let id = name_uuid(format!("{keyspace}.{name}").as_bytes());
        TableDef {
            keyspace: keyspace.into(),
            name: name.into(),
            id,
            columns,
            options,
            is_virtual: false,
            indexes: Vec::new(),
        }
    }

    /// Whether a column has a secondary index.
    pub fn is_indexed(&self, column: &str) -> bool {
        self.indexes.iter().any(|i| i.column == column)
    }

    /// A column by name.
    pub fn column(&self, name: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The index of a column by name.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// Partition key columns in order.
    pub fn partition_key(&self) -> impl Iterator<Item = &ColumnDef> {
        self.columns
            .iter()
            .filter(|c| c.kind == ColumnKind::PartitionKey)
    }

    /// Clustering columns in order.
    pub fn clustering(&self) -> impl Iterator<Item = &ColumnDef> {
        self.columns
            .iter()
            .filter(|c| c.kind == ColumnKind::Clustering)
    }

    /// How many partition key columns.
    pub fn partition_key_len(&self) -> usize {
        self.partition_key().count()
    }

    /// How many clustering columns.
    pub fn clustering_len(&self) -> usize {
        self.clustering().count()
    }

    /// Whether the table holds counters.
    pub fn is_counter(&self) -> bool {
        self.columns
            .iter()
            .any(|c| c.typ.typ == ColumnType::Counter)
    }

    /// Whether the table has static columns.
    pub fn has_statics(&self) -> bool {
        self.columns.iter().any(|c| c.kind == ColumnKind::Static)
    }
}

/// A keyspace's definition.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyspaceDef {
    /// Its name.
    pub name: String,
    /// `replication`, with `class` fully qualified.
    pub replication: BTreeMap<String, String>,
    /// `durable_writes`
    pub durable_writes: bool,
    /// Tables by name.
    pub tables: BTreeMap<String, Arc<TableDef>>,
    /// User-defined types by name.
    pub types: BTreeMap<String, Arc<UdtType>>,
    /// Whether it is a virtual keyspace.
    pub is_virtual: bool,
}

impl KeyspaceDef {
    /// An empty keyspace.
    pub fn new(
        name: &str,
        replication: BTreeMap<String, String>,
        durable_writes: bool,
    ) -> KeyspaceDef {
        KeyspaceDef {
            name: name.into(),
            replication,
            durable_writes,
            tables: BTreeMap::new(),
            types: BTreeMap::new(),
            is_virtual: false,
        }
    }
}

impl UdtLookup for KeyspaceDef {
    fn udt(&self, name: &str) -> Option<Arc<UdtType>> {
        self.types.get(name).cloned()
    }
}

/// The keyspaces Cassandra itself owns.
pub const SYSTEM_KEYSPACES: [&str; 7] = [
    "system",
    "system_schema",
    "system_auth",
    "system_distributed",
    "system_traces",
    "system_views",
    "system_virtual_schema",
];

/// Whether a keyspace is one of Cassandra's own.
pub fn is_system_keyspace(name: &str) -> bool {
    SYSTEM_KEYSPACES.contains(&name)
}

/// Expands a replication class name as Cassandra stores it.
pub fn qualify_strategy(class: &str) -> String {
    match class {
        "SimpleStrategy" | "NetworkTopologyStrategy" | "LocalStrategy" | "EverywhereStrategy" => {
            format!("org.apache.cassandra.locator.{class}")
        }
        other => other.to_string(),
    }
}

/// All keyspaces and the current schema version.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Keyspaces by name.
    pub keyspaces: BTreeMap<String, KeyspaceDef>,
    /// Bumped on every change; the version UUID derives from it.
    pub generation: u64,
}

impl Catalog {
    /// The schema version all nodes report.
    pub fn version(&self) -> Uuid {
        name_uuid(format!("ringbolt-schema-{}", self.generation).as_bytes())
    }

    /// A table by keyspace and name.
    pub fn table(&self, keyspace: &str, table: &str) -> Option<Arc<TableDef>> {
        self.keyspaces.get(keyspace)?.tables.get(table).cloned()
    }

    /// Records a change.
    pub fn bump(&mut self) {
        self.generation = self.generation.wrapping_add(1);
    }
}

/// A name-based (version 3, MD5) UUID, as Java's `UUID.nameUUIDFromBytes` makes them.
pub fn name_uuid(bytes: &[u8]) -> Uuid {
    use md5::{Digest, Md5};
    let digest: [u8; 16] = Md5::digest(bytes).into();
    uuid::Builder::from_md5_bytes(digest).into_uuid()
}
