//! CQL values to and from Rust values.
//!
//! - [`SerializeValue`]: a Rust value written as one `[value]` of a given [`ColumnType`].
//! - [`DeserializeValue`]: one `[bytes]` cell read as a Rust value, borrowing where it can.
//! - [`SerializeRow`]: bind values for a statement's markers.
//! - [`DeserializeRow`]: a result row, type-checked once per result set through a plan.
//! - [`CqlValue`]: a dynamically typed value, for code that does not know types up front.
//!
//! | CQL type | Rust types |
//! |---|---|
//! | `tinyint`, `smallint`, `int`, `bigint` | `i8`, `i16`, `i32`, `i64` (also `counter`) |
//! | `counter` | [`Counter`], `i64` |
//! | `float`, `double`, `boolean` | `f32`, `f64`, `bool` |
//! | `text`, `ascii` | `String`, `&str` (borrowed from the frame) |
//! | `blob` | `Vec<u8>`, `&[u8]` (borrowed), `bytes::Bytes` |
//! | `uuid`, `timeuuid` | `uuid::Uuid` (version 1 required to write a `timeuuid`) |
//! | `timestamp` | `chrono::DateTime<Utc>`, [`CqlTimestamp`] |
//! | `date` | `chrono::NaiveDate`, [`CqlDate`] |
//! | `time` | `chrono::NaiveTime`, [`CqlTime`] |
//! | `duration` | [`CqlDuration`] |
//! | `inet` | `IpAddr`, `Ipv4Addr`, `Ipv6Addr` |
//! | `varint`, `decimal` | `num_bigint::BigInt`, `bigdecimal::BigDecimal`, [`CqlVarint`], [`CqlDecimal`] |
//! | `list`, `set`, `vector` | `Vec<T>`, `[T; N]`, `HashSet<T>`, `BTreeSet<T>` (sets and lists) |
//! | `map` | `HashMap<K, V>`, `BTreeMap<K, V>` |
//! | `tuple` | Rust tuples of 1 to 16 elements |
//! | any, null | `Option<T>`; [`Unset`] leaves a column unchanged |
//!
//! ```
//! use ringbolt_driver::protocol::ColumnType;
//! use ringbolt_driver::types::{DeserializeValue, SerializeValue};
//! let typ = ColumnType::List(Box::new(ColumnType::Text));
//! let mut out = Vec::new();
//! vec!["a", "bc"].serialize(&typ, &mut out).unwrap();
//! // [value] length, [int] count, then each element as [bytes].
//! assert_eq!(out, [0, 0, 0, 15, 0, 0, 0, 2, 0, 0, 0, 1, b'a', 0, 0, 0, 2, b'b', b'c']);
//! Vec::<&str>::type_check(&typ).unwrap();
//! let back = Vec::<&str>::deserialize(&typ, Some(&out[4..])).unwrap();
//! assert_eq!(back, ["a", "bc"]);
//! ```

mod collections;
mod cql_value;
mod literal;
mod native;
mod numeric;
mod row;
mod temporal;
mod text;
mod tuple;
mod value;
mod vector;
mod wire;
mod wrappers;

pub use cql_value::cql_value_from_bytes;
pub use numeric::{CqlDecimal, CqlVarint};
pub use row::Row;
pub use value::{CqlDuration, CqlValue};
pub use vector::fixed_len;
pub use wire::MAX_NESTING_DEPTH;
pub use wrappers::{Counter, CqlDate, CqlTime, CqlTimestamp, Unset};

use crate::protocol::request::SerializedValues;
use crate::protocol::response::ColumnSpec;
use crate::protocol::ColumnType;

/// A Rust type does not fit a CQL type.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TypeCheckError {
    /// The Rust type cannot hold or produce the CQL type.
    #[error("Rust type {rust_type} does not match CQL type {cql_type:?}")]
    Mismatch {
        /// The Rust type's name.
        rust_type: &'static str,
        /// The CQL type found.
        cql_type: ColumnType,
    },
    /// A row has a different number of columns than the Rust type expects.
    #[error("expected {expected} columns, the result has {actual}")]
    ColumnCount {
        /// Columns the Rust type has.
        expected: usize,
        /// Columns the result has.
        actual: usize,
    },
    /// A column the Rust type needs is not in the result.
    #[error("column {name} is missing from the result")]
    MissingColumn {
        /// The column's name.
        name: String,
    },
    /// The column at `index` has the wrong type.
    #[error("column {name}: {source}")]
    Column {
        /// The column's name.
        name: String,
        /// What is wrong with it.
        #[source]
        source: Box<TypeCheckError>,
    },
}

/// A value could not be serialized.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SerializeError {
    /// The value's Rust type does not fit the column's CQL type.
    #[error(transparent)]
    TypeMismatch(#[from] TypeCheckError),
    /// The value is too large for the protocol (a `[value]` holds at most 2^31-1 bytes).
    #[error("value of {0} bytes is too large")]
    TooLarge(usize),
    /// The value is outside the CQL type's range (for example a date before -5877641-06-23).
    #[error("value out of range for {0}")]
    OutOfRange(&'static str),
    /// The statement expects a different number of bind values.
    #[error("the statement has {expected} bind markers but {actual} values were given")]
    ValueCount {
        /// Markers in the statement.
        expected: usize,
        /// Values given.
        actual: usize,
    },
    /// A named value has no marker of that name.
    #[error("no bind marker named {0}; check the names used in the statement")]
    UnknownName(String),
    /// A bind marker has no value of that name among the named values given.
    #[error(
        "no value given for bind marker {0}; add it (use Unset to leave the column unchanged)"
    )]
    MissingName(String),
    /// The value is not valid for the CQL type (for example non-ASCII text for `ascii`).
    #[error("invalid {cql_type} value: {reason}")]
    Invalid {
        /// The CQL type being written.
        cql_type: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// More bind values than a request can carry (at most 65 535).
    #[error("{0} bind values are more than a request can carry (65535)")]
    TooManyValues(usize),
}

/// A cell could not be deserialized.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeserializeError {
    /// The bytes are malformed for the CQL type.
    #[error("malformed {cql_type} value: {reason}")]
    Malformed {
        /// The CQL type being read.
        cql_type: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// The value was null but the Rust type cannot hold null; use `Option<T>`.
    #[error("unexpected null; use Option<T> for columns that may be null")]
    UnexpectedNull,
    /// The number does not fit the Rust type.
    #[error("value does not fit in {0}")]
    Overflow(&'static str),
    /// The Rust type does not fit the CQL type (found when checking the result metadata).
    #[error(transparent)]
    TypeMismatch(#[from] TypeCheckError),
    /// A column failed to deserialize.
    #[error("column {name}")]
    Column {
        /// The column's name.
        name: String,
        /// Why.
        #[source]
        source: Box<DeserializeError>,
    },
}

/// A Rust value that can be written as a `[value]` of a CQL type.
pub trait SerializeValue {
    /// Appends this value as a complete `[value]` (length prefix included; -1 for null,
    /// -2 for unset) of type `typ` to `out`.
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError>;
}

/// A Rust value that can be read from one cell of a CQL type, possibly borrowing from the frame.
pub trait DeserializeValue<'frame>: Sized {
    /// Checks once per result set that this Rust type can be read from `typ`.
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError>;
    /// Reads the value; `None` is a null cell. Called only after a successful `type_check`.
    fn deserialize(typ: &ColumnType, bytes: Option<&'frame [u8]>)
        -> Result<Self, DeserializeError>;
}

/// Bind values for a statement.
pub trait SerializeRow {
    /// Serializes the values for markers `markers` (in marker order) into `out`.
    fn serialize_row(
        &self,
        markers: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeError>;
    /// True when there are no values at all.
    fn is_empty(&self) -> bool;
}

/// A row of a result, with a plan computed once per result set from its metadata.
pub trait DeserializeRow<'frame>: Sized {
    /// What `plan` learns from the metadata (for example, column positions).
    type Plan: Send + Sync + 'static;
    /// Type-checks the result's columns once.
    fn plan(columns: &[ColumnSpec]) -> Result<Self::Plan, TypeCheckError>;
    /// Reads one row; `cells` holds each column's bytes (`None` for null) in result order.
    fn deserialize_row(
        plan: &Self::Plan,
        columns: &[ColumnSpec],
        cells: &[Option<&'frame [u8]>],
    ) -> Result<Self, DeserializeError>;
}

/// The error for a Rust type `T` that does not fit `typ`.
pub(crate) fn mismatch<T: ?Sized>(typ: &ColumnType) -> TypeCheckError {
    TypeCheckError::Mismatch {
        rust_type: std::any::type_name::<T>(),
        cql_type: typ.clone(),
    }
}

/// `Ok` when `ok`, else the mismatch error for `T`.
pub(crate) fn check<T: ?Sized>(typ: &ColumnType, ok: bool) -> Result<(), TypeCheckError> {
    if ok {
        Ok(())
    } else {
        Err(mismatch::<T>(typ))
    }
}

/// The bytes of a non-null cell, or [`DeserializeError::UnexpectedNull`].
pub(crate) fn non_null(bytes: Option<&[u8]>) -> Result<&[u8], DeserializeError> {
    bytes.ok_or(DeserializeError::UnexpectedNull)
}

#[cfg(test)]
pub(crate) mod test_util {
    //! Helpers for the codec tests: whole `[value]`s in and out.
    use super::*;

    /// Serializes `v` as `typ`, panicking on error (tests only).
    pub(crate) fn ser<T: SerializeValue + ?Sized>(v: &T, typ: &ColumnType) -> Vec<u8> {
        let mut out = Vec::new();
        v.serialize(typ, &mut out).unwrap();
        out
    }

    /// Type-checks, then reads a complete `[value]` (length prefix included).
    pub(crate) fn de<T: for<'a> DeserializeValue<'a>>(
        typ: &ColumnType,
        value: &[u8],
    ) -> Result<T, DeserializeError> {
        T::type_check(typ)?;
        let (len, body) = value.split_at(4);
        let len = i32::from_be_bytes([len[0], len[1], len[2], len[3]]);
        if len < 0 {
            return T::deserialize(typ, None);
        }
        assert_eq!(len as usize, body.len(), "length prefix");
        T::deserialize(typ, Some(body))
    }
}
