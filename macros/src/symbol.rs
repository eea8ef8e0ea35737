//! Attribute keywords, in one place.

use std::fmt;

use syn::{Ident, Path};

/// An attribute keyword.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Symbol(pub &'static str);

// Container attributes.
pub const TABLE: Symbol = Symbol("table");
pub const USER_TYPE: Symbol = Symbol("user_type");
pub const QUERY: Symbol = Symbol("query");
pub const NAME: Symbol = Symbol("name");
pub const KEYSPACE: Symbol = Symbol("keyspace");
pub const CRATE: Symbol = Symbol("crate");
pub const CQL: Symbol = Symbol("cql");
pub const IDEMPOTENT: Symbol = Symbol("idempotent");

// Field attributes.
pub const PARTITION_KEY: Symbol = Symbol("partition_key");
pub const CLUSTERING_KEY: Symbol = Symbol("clustering_key");
pub const ASC: Symbol = Symbol("asc");
pub const DESC: Symbol = Symbol("desc");
pub const COLUMN: Symbol = Symbol("column");
pub const FIELD: Symbol = Symbol("field");
pub const TIMEUUID: Symbol = Symbol("timeuuid");
pub const STATIC_COLUMN: Symbol = Symbol("static_column");
pub const COUNTER: Symbol = Symbol("counter");
pub const SKIP: Symbol = Symbol("skip");

impl PartialEq<Symbol> for Ident {
    fn eq(&self, word: &Symbol) -> bool {
        self == word.0
    }
}

impl PartialEq<Symbol> for &Ident {
    fn eq(&self, word: &Symbol) -> bool {
        *self == word.0
    }
}

impl PartialEq<Symbol> for Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl PartialEq<Symbol> for &Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}
