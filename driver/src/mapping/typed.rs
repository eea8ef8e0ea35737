//! [`CqlTyped`]: the CQL type of a Rust type, known at compile time.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::net::IpAddr;

use super::cql_type::{CqlType, UdtDef};
use crate::types::CqlDuration;

/// A Rust type with a CQL column type.
///
/// `#[derive(Table)]` asks every field's type for its CQL type through this trait, so a field of
/// a type without one is a compile error on that field's type. `#[derive(UserType)]` implements
/// it for user-defined types.
///
/// ```
/// use ringbolt_driver::mapping::CqlTyped;
/// assert_eq!(<Option<i64> as CqlTyped>::CQL_TYPE.to_string(), "bigint");
/// assert_eq!(<Vec<u8> as CqlTyped>::CQL_TYPE.to_string(), "blob");
/// assert_eq!(
///     <std::collections::HashMap<String, (i32, bool)> as CqlTyped>::CQL_TYPE.to_string(),
///     "map<text, frozen<tuple<int, boolean>>>"
/// );
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no CQL type that Ringbolt knows",
    label = "this field's type has no CQL column type",
    note = "use a supported type (String, i8..i64, f32, f64, bool, Vec<u8>, Uuid, DateTime<Utc>, \
            NaiveDate, NaiveTime, IpAddr, CqlDuration, BigDecimal, BigInt, collections, tuples, Option) \
            or `#[derive(UserType)]` on the type"
)]
pub trait CqlTyped {
    /// The CQL type of this Rust type.
    const CQL_TYPE: CqlType;
}

/// A type that can be the element of a `Vec`: `Vec<u8>` is a blob, other `Vec<T>` are lists.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no CQL type that Ringbolt knows",
    label = "this field's type has no CQL column type"
)]
pub trait VecElement {
    /// The CQL type of `Vec<Self>`.
    const VEC_TYPE: CqlType;
}

impl<T: CqlTyped> VecElement for T {
    const VEC_TYPE: CqlType = CqlType::List(&T::CQL_TYPE);
}

impl VecElement for u8 {
    const VEC_TYPE: CqlType = CqlType::Blob;
}

/// A user-defined type made by `#[derive(UserType)]`.
pub trait UserTypeMeta: CqlTyped {
    /// The type's name in CQL.
    const TYPE_NAME: &'static str;
    /// The type's definition: keyspace and fields.
    const DEFINITION: &'static UdtDef;

    /// `CREATE TYPE IF NOT EXISTS ...` for this type.
    fn create_type_cql() -> String {
        Self::DEFINITION.create_type_cql()
    }
}

macro_rules! simple {
    ($($t:ty => $v:ident),* $(,)?) => {
        $(impl CqlTyped for $t { const CQL_TYPE: CqlType = CqlType::$v; })*
    };
}

simple! {
    String => Text,
    str => Text,
    i8 => Tinyint,
    i16 => Smallint,
    i32 => Int,
    i64 => Bigint,
    f32 => Float,
    f64 => Double,
    bool => Boolean,
    bytes::Bytes => Blob,
    uuid::Uuid => Uuid,
    chrono::DateTime<chrono::Utc> => Timestamp,
    chrono::NaiveDate => Date,
    chrono::NaiveTime => Time,
    IpAddr => Inet,
    CqlDuration => Duration,
    bigdecimal::BigDecimal => Decimal,
    num_bigint::BigInt => Varint,
    crate::types::Counter => Counter,
    crate::types::CqlTimestamp => Timestamp,
    crate::types::CqlDate => Date,
    crate::types::CqlTime => Time,
    crate::types::CqlDecimal => Decimal,
    crate::types::CqlVarint => Varint,
}

impl<T: CqlTyped + ?Sized> CqlTyped for &T {
    const CQL_TYPE: CqlType = T::CQL_TYPE;
}

impl<T: CqlTyped> CqlTyped for Option<T> {
    const CQL_TYPE: CqlType = T::CQL_TYPE;
}

impl<T: VecElement> CqlTyped for Vec<T> {
    const CQL_TYPE: CqlType = T::VEC_TYPE;
}

impl<T: CqlTyped, S> CqlTyped for HashSet<T, S> {
    const CQL_TYPE: CqlType = CqlType::Set(&T::CQL_TYPE);
}

impl<T: CqlTyped> CqlTyped for BTreeSet<T> {
    const CQL_TYPE: CqlType = CqlType::Set(&T::CQL_TYPE);
}

impl<K: CqlTyped, V: CqlTyped, S> CqlTyped for HashMap<K, V, S> {
    const CQL_TYPE: CqlType = CqlType::Map(&K::CQL_TYPE, &V::CQL_TYPE);
}

impl<K: CqlTyped, V: CqlTyped> CqlTyped for BTreeMap<K, V> {
    const CQL_TYPE: CqlType = CqlType::Map(&K::CQL_TYPE, &V::CQL_TYPE);
}

macro_rules! tuples {
    ($(($($t:ident),+)),* $(,)?) => {
        $(impl<$($t: CqlTyped),+> CqlTyped for ($($t,)+) {
            const CQL_TYPE: CqlType = CqlType::Tuple(&[$($t::CQL_TYPE),+]);
        })*
    };
}

tuples! {
    (A),
    (A, B),
    (A, B, C),
    (A, B, C, D),
    (A, B, C, D, E),
    (A, B, C, D, E, F),
    (A, B, C, D, E, F, G),
    (A, B, C, D, E, F, G, H),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_std_types() {
        assert_eq!(<String as CqlTyped>::CQL_TYPE, CqlType::Text);
        assert_eq!(
            <bigdecimal::BigDecimal as CqlTyped>::CQL_TYPE,
            CqlType::Decimal
        );
        assert_eq!(<num_bigint::BigInt as CqlTyped>::CQL_TYPE, CqlType::Varint);
        assert_eq!(
            <crate::types::Counter as CqlTyped>::CQL_TYPE,
            CqlType::Counter
        );
        assert_eq!(<Option<uuid::Uuid> as CqlTyped>::CQL_TYPE, CqlType::Uuid);
        assert_eq!(<Vec<u8> as CqlTyped>::CQL_TYPE, CqlType::Blob);
        assert_eq!(
            <Vec<Vec<u8>> as CqlTyped>::CQL_TYPE,
            CqlType::List(&CqlType::Blob)
        );
        assert_eq!(
            <BTreeMap<i32, HashSet<String>> as CqlTyped>::CQL_TYPE.to_string(),
            "map<int, frozen<set<text>>>"
        );
        assert_eq!(
            <chrono::DateTime<chrono::Utc> as CqlTyped>::CQL_TYPE,
            CqlType::Timestamp
        );
    }
}
