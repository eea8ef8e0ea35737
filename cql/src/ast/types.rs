//! CQL data types as written in DDL, type hints and casts.

/// A CQL native (built-in, non-parameterized) type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NativeType {
    /// `ascii`.
    Ascii,
    /// `bigint`.
    Bigint,
    /// `blob`.
    Blob,
    /// `boolean`.
    Boolean,
    /// `counter`.
    Counter,
    /// `date`.
    Date,
    /// `decimal`.
    Decimal,
    /// `double`.
    Double,
    /// `duration`.
    Duration,
    /// `float`.
    Float,
    /// `inet`.
    Inet,
    /// `int`.
    Int,
    /// `smallint`.
    Smallint,
    /// `text` (`varchar` is an alias and parses to this).
    Text,
    /// `time`.
    Time,
    /// `timestamp`.
    Timestamp,
    /// `timeuuid`.
    Timeuuid,
    /// `tinyint`.
    Tinyint,
    /// `uuid`.
    Uuid,
    /// `varint`.
    Varint,
}

impl NativeType {
    /// Looks a native type up by its (lowercase) CQL name; `varchar` gives [`NativeType::Text`].
    pub fn from_name(name: &str) -> Option<NativeType> {
        Some(match name {
            "ascii" => NativeType::Ascii,
            "bigint" => NativeType::Bigint,
            "blob" => NativeType::Blob,
            "boolean" => NativeType::Boolean,
            "counter" => NativeType::Counter,
            "date" => NativeType::Date,
            "decimal" => NativeType::Decimal,
            "double" => NativeType::Double,
            "duration" => NativeType::Duration,
            "float" => NativeType::Float,
            "inet" => NativeType::Inet,
            "int" => NativeType::Int,
            "smallint" => NativeType::Smallint,
            "text" | "varchar" => NativeType::Text,
            "time" => NativeType::Time,
            "timestamp" => NativeType::Timestamp,
            "timeuuid" => NativeType::Timeuuid,
            "tinyint" => NativeType::Tinyint,
            "uuid" => NativeType::Uuid,
            "varint" => NativeType::Varint,
            _ => return None,
        })
    }

    /// The CQL name, as Cassandra prints it in `system_schema`.
    pub fn name(self) -> &'static str {
        match self {
            NativeType::Ascii => "ascii",
            NativeType::Bigint => "bigint",
            NativeType::Blob => "blob",
            NativeType::Boolean => "boolean",
            NativeType::Counter => "counter",
            NativeType::Date => "date",
            NativeType::Decimal => "decimal",
            NativeType::Double => "double",
            NativeType::Duration => "duration",
            NativeType::Float => "float",
            NativeType::Inet => "inet",
            NativeType::Int => "int",
            NativeType::Smallint => "smallint",
            NativeType::Text => "text",
            NativeType::Time => "time",
            NativeType::Timestamp => "timestamp",
            NativeType::Timeuuid => "timeuuid",
            NativeType::Tinyint => "tinyint",
            NativeType::Uuid => "uuid",
            NativeType::Varint => "varint",
        }
    }
}

/// A CQL type. It carries no span: containing nodes hold the span where it was written,
/// so types compare by structure only. `Display` prints it as Cassandra does.
///
/// ```
/// use ringbolt_cql::ast::{CqlType, NativeType};
/// let t = CqlType::Frozen(Box::new(CqlType::Map(
///     Box::new(CqlType::Native(NativeType::Text)),
///     Box::new(CqlType::Native(NativeType::Int)),
/// )));
/// assert_eq!(t.to_string(), "frozen<map<text, int>>");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CqlType {
    /// A native type.
    Native(NativeType),
    /// `list<T>`.
    List(Box<CqlType>),
    /// `set<T>`.
    Set(Box<CqlType>),
    /// `map<K, V>`.
    Map(Box<CqlType>, Box<CqlType>),
    /// `tuple<T1, T2, ...>`.
    Tuple(Vec<CqlType>),
    /// `frozen<T>`.
    Frozen(Box<CqlType>),
    /// `vector<T, n>`.
    Vector(Box<CqlType>, u32),
    /// A user-defined type, by (normalized) name.
    UserDefined(UserTypeName),
    /// A custom type given by its Java class name: `'org.example.MyType'`.
    Custom(String),
}

/// The name of a user-defined type, normalized like an [`Ident`](super::Ident).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserTypeName {
    /// The keyspace when the name was qualified.
    pub keyspace: Option<String>,
    /// The type name.
    pub name: String,
}

impl CqlType {
    /// True for `frozen<...>`.
    pub fn is_frozen(&self) -> bool {
        matches!(self, CqlType::Frozen(_))
    }

    /// The type inside `frozen<...>`, or `self`.
    pub fn unfrozen(&self) -> &CqlType {
        match self {
            CqlType::Frozen(inner) => inner.unfrozen(),
            other => other,
        }
    }

    /// True for list, set and map types (frozen or not).
    pub fn is_collection(&self) -> bool {
        matches!(
            self.unfrozen(),
            CqlType::List(_) | CqlType::Set(_) | CqlType::Map(_, _)
        )
    }

    /// True for `counter`.
    pub fn is_counter(&self) -> bool {
        matches!(self, CqlType::Native(NativeType::Counter))
    }
}
