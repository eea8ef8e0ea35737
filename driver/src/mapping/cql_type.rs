//! [`CqlType`]: a CQL type known at compile time, as derived code describes its columns.

use std::fmt::{self, Write as _};

/// A CQL type, as a `const` value.
///
/// Derived code builds these from each field's Rust type through [`CqlTyped`](super::CqlTyped);
/// nested types are `'static` references so that the whole description is a constant.
///
/// ```
/// use ringbolt_driver::mapping::{CqlType, CqlTyped};
/// assert_eq!(<Vec<String> as CqlTyped>::CQL_TYPE.to_string(), "list<text>");
/// assert_eq!(<Vec<Vec<i32>> as CqlTyped>::CQL_TYPE.to_string(), "list<frozen<list<int>>>");
/// assert_eq!(CqlType::Int.to_string(), "int");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CqlType {
    /// `ascii`
    Ascii,
    /// `text`
    Text,
    /// `tinyint`
    Tinyint,
    /// `smallint`
    Smallint,
    /// `int`
    Int,
    /// `bigint`
    Bigint,
    /// `float`
    Float,
    /// `double`
    Double,
    /// `boolean`
    Boolean,
    /// `blob`
    Blob,
    /// `uuid`
    Uuid,
    /// `timeuuid`
    Timeuuid,
    /// `timestamp`
    Timestamp,
    /// `date`
    Date,
    /// `time`
    Time,
    /// `inet`
    Inet,
    /// `duration`
    Duration,
    /// `decimal`
    Decimal,
    /// `varint`
    Varint,
    /// `counter`
    Counter,
    /// `list<T>`
    List(&'static CqlType),
    /// `set<T>`
    Set(&'static CqlType),
    /// `map<K, V>`
    Map(&'static CqlType, &'static CqlType),
    /// `tuple<...>`
    Tuple(&'static [CqlType]),
    /// A user-defined type.
    Udt(&'static UdtDef),
}

/// A user-defined type's definition, from `#[derive(UserType)]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UdtDef {
    /// The type's name in CQL.
    pub name: &'static str,
    /// The keyspace, when the type names one; otherwise the session's keyspace.
    pub keyspace: Option<&'static str>,
    /// Fields in declaration order.
    pub fields: &'static [UdtField],
}

/// One field of a user-defined type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UdtField {
    /// The field's name in CQL.
    pub name: &'static str,
    /// The field's type.
    pub typ: CqlType,
}

impl CqlType {
    /// True for collections, tuples and user-defined types, which must be `frozen` when nested
    /// or used in a primary key.
    pub const fn is_multi_cell(&self) -> bool {
        matches!(
            self,
            CqlType::List(_)
                | CqlType::Set(_)
                | CqlType::Map(..)
                | CqlType::Tuple(_)
                | CqlType::Udt(_)
        )
    }

    /// The CQL name of a simple type; `None` for collections, tuples and user types.
    pub const fn simple_name(&self) -> Option<&'static str> {
        Some(match self {
            CqlType::Ascii => "ascii",
            CqlType::Text => "text",
            CqlType::Tinyint => "tinyint",
            CqlType::Smallint => "smallint",
            CqlType::Int => "int",
            CqlType::Bigint => "bigint",
            CqlType::Float => "float",
            CqlType::Double => "double",
            CqlType::Boolean => "boolean",
            CqlType::Blob => "blob",
            CqlType::Uuid => "uuid",
            CqlType::Timeuuid => "timeuuid",
            CqlType::Timestamp => "timestamp",
            CqlType::Date => "date",
            CqlType::Time => "time",
            CqlType::Inet => "inet",
            CqlType::Duration => "duration",
            CqlType::Decimal => "decimal",
            CqlType::Varint => "varint",
            CqlType::Counter => "counter",
            _ => return None,
        })
    }

    /// Writes this type as CQL; `frozen` wraps collections and user types (not needed for
    /// tuples, which are always frozen, but accepted by Cassandra).
    pub fn write_cql(&self, out: &mut String, frozen: bool) {
        if frozen && self.is_multi_cell() {
            out.push_str("frozen<");
            self.write_cql(out, false);
            out.push('>');
            return;
        }
        match self {
            CqlType::List(t) => {
                out.push_str("list<");
                t.write_cql(out, true);
                out.push('>');
            }
            CqlType::Set(t) => {
                out.push_str("set<");
                t.write_cql(out, true);
                out.push('>');
            }
            CqlType::Map(k, v) => {
                out.push_str("map<");
                k.write_cql(out, true);
                out.push_str(", ");
                v.write_cql(out, true);
                out.push('>');
            }
            CqlType::Tuple(items) => {
                out.push_str("tuple<");
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    t.write_cql(out, true);
                }
                out.push('>');
            }
            CqlType::Udt(def) => out.push_str(def.name),
            simple => out.push_str(simple.simple_name().unwrap_or("blob")),
        }
    }

    /// Visits the user-defined types this type uses, innermost first, each once.
    pub fn collect_udts(&self, out: &mut Vec<&'static UdtDef>) {
        match self {
            CqlType::List(t) | CqlType::Set(t) => t.collect_udts(out),
            CqlType::Map(k, v) => {
                k.collect_udts(out);
                v.collect_udts(out);
            }
            CqlType::Tuple(items) => items.iter().for_each(|t| t.collect_udts(out)),
            CqlType::Udt(def) => {
                for f in def.fields {
                    f.typ.collect_udts(out);
                }
                if !out
                    .iter()
                    .any(|d| d.name == def.name && d.keyspace == def.keyspace)
                {
                    out.push(def);
                }
            }
            _ => {}
        }
    }
}

impl fmt::Display for CqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        self.write_cql(&mut s, false);
        f.write_str(&s)
    }
}

impl UdtDef {
    /// `CREATE TYPE IF NOT EXISTS [ks.]name (field type, ...)`.
    pub fn create_type_cql(&self) -> String {
        self.create_type_cql_in(None)
    }

    /// [`create_type_cql`](Self::create_type_cql) for a type used by a table of `keyspace`: a
    /// type that names no keyspace of its own is created there (a table can only use the types
    /// of its own keyspace).
    pub fn create_type_cql_in(&self, keyspace: Option<&str>) -> String {
        let mut s = String::from("CREATE TYPE IF NOT EXISTS ");
        if let Some(ks) = self.keyspace.or(keyspace) {
            s.push_str(ks);
            s.push('.');
        }
        s.push_str(self.name);
        s.push_str(" (");
        for (i, f) in self.fields.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            let _ = write!(s, "{} ", f.name);
            f.typ.write_cql(&mut s, true);
        }
        s.push(')');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static ADDRESS: UdtDef = UdtDef {
        name: "address",
        keyspace: None,
        fields: &[
            UdtField {
                name: "street",
                typ: CqlType::Text,
            },
            UdtField {
                name: "tags",
                typ: CqlType::Set(&CqlType::Text),
            },
        ],
    };

    #[test]
    fn renders_nested_types_frozen() {
        let t = CqlType::Map(&CqlType::Text, &CqlType::List(&CqlType::Int));
        assert_eq!(t.to_string(), "map<text, frozen<list<int>>>");
        const T: CqlType = CqlType::Tuple(&[CqlType::Int, CqlType::Udt(&ADDRESS)]);
        let t = T;
        assert_eq!(t.to_string(), "tuple<int, frozen<address>>");
        let mut s = String::new();
        CqlType::List(&CqlType::Int).write_cql(&mut s, true);
        assert_eq!(s, "frozen<list<int>>");
    }

    #[test]
    fn create_type_freezes_collection_fields() {
        assert_eq!(
            ADDRESS.create_type_cql(),
            "CREATE TYPE IF NOT EXISTS address (street text, tags frozen<set<text>>)"
        );
    }

    #[test]
    fn create_type_in_the_table_keyspace_unless_the_type_names_one() {
        assert_eq!(
            ADDRESS.create_type_cql_in(Some("app")),
            "CREATE TYPE IF NOT EXISTS app.address (street text, tags frozen<set<text>>)"
        );
        let own = UdtDef {
            keyspace: Some("geo"),
            ..ADDRESS
        };
        assert!(own
            .create_type_cql_in(Some("app"))
            .starts_with("CREATE TYPE IF NOT EXISTS geo.address "));
    }

    #[test]
    fn collects_udts_once_innermost_first() {
        static OUTER: UdtDef = UdtDef {
            name: "outer",
            keyspace: Some("ks"),
            fields: &[UdtField {
                name: "a",
                typ: CqlType::Udt(&ADDRESS),
            }],
        };
        const T: CqlType = CqlType::List(&CqlType::Tuple(&[
            CqlType::Udt(&OUTER),
            CqlType::Udt(&ADDRESS),
        ]));
        let t = T;
        let mut v = Vec::new();
        t.collect_udts(&mut v);
        let names: Vec<_> = v.iter().map(|d| d.name).collect();
        assert_eq!(names, ["address", "outer"]);
    }
}
