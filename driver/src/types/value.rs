//! [`CqlValue`]: a dynamically typed CQL value.

use std::net::IpAddr;

/// A CQL `duration`: months, days and nanoseconds, each signed, all of one sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CqlDuration {
    /// Months.
    pub months: i32,
    /// Days.
    pub days: i32,
    /// Nanoseconds.
    pub nanoseconds: i64,
}

/// Any CQL value; `None` around it (in `Option<CqlValue>`) is null.
///
/// `From` conversions pick the natural variant (`i64` is `Bigint`, `String` is `Text`, `Uuid` is
/// `Uuid`); build `Ascii`, `Counter`, `Timeuuid`... explicitly.
#[derive(Debug, Clone, PartialEq)]
pub enum CqlValue {
    /// ascii
    Ascii(String),
    /// bigint
    Bigint(i64),
    /// blob
    Blob(Vec<u8>),
    /// boolean
    Boolean(bool),
    /// counter
    Counter(i64),
    /// decimal
    Decimal(bigdecimal::BigDecimal),
    /// double
    Double(f64),
    /// float
    Float(f32),
    /// int
    Int(i32),
    /// timestamp: milliseconds since the epoch
    Timestamp(i64),
    /// uuid
    Uuid(uuid::Uuid),
    /// text / varchar
    Text(String),
    /// varint
    Varint(num_bigint::BigInt),
    /// timeuuid
    Timeuuid(uuid::Uuid),
    /// inet
    Inet(IpAddr),
    /// date: days since the epoch, centered at 2^31 as on the wire
    Date(u32),
    /// time: nanoseconds since midnight
    Time(i64),
    /// smallint
    Smallint(i16),
    /// tinyint
    Tinyint(i8),
    /// duration
    Duration(CqlDuration),
    /// list
    List(Vec<CqlValue>),
    /// set (in the order received)
    Set(Vec<CqlValue>),
    /// map (in the order received)
    Map(Vec<(CqlValue, CqlValue)>),
    /// tuple; `None` fields are null
    Tuple(Vec<Option<CqlValue>>),
    /// user-defined type value
    Udt {
        /// The type's keyspace.
        keyspace: String,
        /// The type's name.
        name: String,
        /// Field values in declaration order; `None` is null.
        fields: Vec<(String, Option<CqlValue>)>,
    },
    /// vector
    Vector(Vec<CqlValue>),
    /// a custom type's raw bytes
    Custom(Vec<u8>),
    /// an empty value (zero bytes) of a type for which that is not null
    Empty,
}

macro_rules! from_rust {
    ($($t:ty => $variant:ident),+ $(,)?) => {$(
        impl From<$t> for CqlValue {
            fn from(v: $t) -> CqlValue {
                CqlValue::$variant(v.into())
            }
        }
    )+};
}

from_rust!(
    i8 => Tinyint,
    i16 => Smallint,
    i32 => Int,
    i64 => Bigint,
    f32 => Float,
    f64 => Double,
    bool => Boolean,
    String => Text,
    &str => Text,
    Vec<u8> => Blob,
    uuid::Uuid => Uuid,
    IpAddr => Inet,
    CqlDuration => Duration,
    num_bigint::BigInt => Varint,
    bigdecimal::BigDecimal => Decimal,
);

impl From<super::Counter> for CqlValue {
    fn from(v: super::Counter) -> CqlValue {
        CqlValue::Counter(v.0)
    }
}

impl From<super::CqlTimestamp> for CqlValue {
    fn from(v: super::CqlTimestamp) -> CqlValue {
        CqlValue::Timestamp(v.0)
    }
}

impl From<super::CqlDate> for CqlValue {
    fn from(v: super::CqlDate) -> CqlValue {
        CqlValue::Date(v.0)
    }
}

impl From<super::CqlTime> for CqlValue {
    fn from(v: super::CqlTime) -> CqlValue {
        CqlValue::Time(v.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_pick_the_natural_variant() {
        assert_eq!(CqlValue::from(1i32), CqlValue::Int(1));
        assert_eq!(CqlValue::from(1i64), CqlValue::Bigint(1));
        assert_eq!(CqlValue::from("a"), CqlValue::Text("a".into()));
        assert_eq!(CqlValue::from(vec![1u8]), CqlValue::Blob(vec![1]));
        assert_eq!(
            CqlValue::from(super::super::Counter(2)),
            CqlValue::Counter(2)
        );
        assert_eq!(CqlValue::from(super::super::CqlDate(3)), CqlValue::Date(3));
    }
}
