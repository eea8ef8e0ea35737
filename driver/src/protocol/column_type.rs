//! CQL type descriptors: the `[option]` of section 4.2.5.2 of the spec.

use std::sync::Arc;

/// The type of a column, a bind marker or a nested element, as the protocol describes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// 0x0000: a custom type, named by its Java class.
    Custom(Arc<str>),
    /// 0x0001
    Ascii,
    /// 0x0002
    Bigint,
    /// 0x0003
    Blob,
    /// 0x0004
    Boolean,
    /// 0x0005
    Counter,
    /// 0x0006
    Decimal,
    /// 0x0007
    Double,
    /// 0x0008
    Float,
    /// 0x0009
    Int,
    /// 0x000B
    Timestamp,
    /// 0x000C
    Uuid,
    /// 0x000D: `text` and `varchar`.
    Text,
    /// 0x000E
    Varint,
    /// 0x000F
    Timeuuid,
    /// 0x0010
    Inet,
    /// 0x0011
    Date,
    /// 0x0012
    Time,
    /// 0x0013
    Smallint,
    /// 0x0014
    Tinyint,
    /// 0x0015
    Duration,
    /// 0x0020
    List(Box<ColumnType>),
    /// 0x0021
    Map(Box<ColumnType>, Box<ColumnType>),
    /// 0x0022
    Set(Box<ColumnType>),
    /// 0x0030
    Udt(Arc<UdtType>),
    /// 0x0031
    Tuple(Vec<ColumnType>),
    /// A vector of `dimensions` elements. On the wire it is the custom type
    /// `org.apache.cassandra.db.marshal.VectorType(<element class>, <dimensions>)`.
    Vector(Box<ColumnType>, u32),
}

/// A user-defined type: where it lives and its fields in order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UdtType {
    /// The keyspace the type belongs to.
    pub keyspace: String,
    /// The type's name.
    pub name: String,
    /// Field names and types, in declaration order.
    pub fields: Vec<(String, ColumnType)>,
}
