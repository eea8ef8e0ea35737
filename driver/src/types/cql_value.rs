//! [`CqlValue`] to and from bytes, for every [`ColumnType`].
//!
//! Reading: an empty cell of a type whose values are never empty (numbers, UUIDs, collections...)
//! is [`CqlValue::Empty`]; a UDT value may have fewer fields than its type (the rest are null);
//! nesting deeper than [`MAX_NESTING_DEPTH`] is refused.
//!
//! Writing: a value fits the types that hold it (`Text` and `Ascii` both fit `text` and `ascii`,
//! `Bigint` and `Counter` both fit `bigint` and `counter`, `List`, `Set` and `Vector` fit any of the
//! three collection kinds); [`CqlValue::Custom`] bytes and [`CqlValue::Empty`] fit every type.

use super::collections::{read_list, read_map, write_list, write_map};
use super::native::{check_uuid, exact, read_inet};
use super::numeric::{read_decimal, read_varint, varint_bytes, write_decimal};
use super::temporal::{read_duration, write_duration};
use super::text::{check_text, read_text};
use super::vector::{read_vector, write_vector};
use super::wire::{write_bytes, write_null, write_with_len, Cursor, MAX_NESTING_DEPTH};
use super::{
    non_null, CqlValue, DeserializeError, DeserializeValue, SerializeError, SerializeValue,
    TypeCheckError,
};
use crate::protocol::ColumnType;

/// Reads one non-null cell of type `typ` as a [`CqlValue`].
///
/// ```
/// use ringbolt_driver::protocol::ColumnType;
/// use ringbolt_driver::types::{cql_value_from_bytes, CqlValue};
/// assert_eq!(cql_value_from_bytes(&ColumnType::Int, &[0, 0, 0, 1]), Ok(CqlValue::Int(1)));
/// assert_eq!(cql_value_from_bytes(&ColumnType::Int, &[]), Ok(CqlValue::Empty));
/// ```
pub fn cql_value_from_bytes(typ: &ColumnType, bytes: &[u8]) -> Result<CqlValue, DeserializeError> {
    read_value(typ, bytes, 0)
}

impl CqlValue {
    /// Reads one non-null cell of type `typ`; the same as [`cql_value_from_bytes`].
    pub fn from_bytes(typ: &ColumnType, bytes: &[u8]) -> Result<CqlValue, DeserializeError> {
        read_value(typ, bytes, 0)
    }

    /// The variant's name, as type errors report it.
    pub fn variant_name(&self) -> &'static str {
        match self {
            CqlValue::Ascii(_) => "CqlValue::Ascii",
            CqlValue::Bigint(_) => "CqlValue::Bigint",
            CqlValue::Blob(_) => "CqlValue::Blob",
            CqlValue::Boolean(_) => "CqlValue::Boolean",
            CqlValue::Counter(_) => "CqlValue::Counter",
            CqlValue::Decimal(_) => "CqlValue::Decimal",
            CqlValue::Double(_) => "CqlValue::Double",
            CqlValue::Float(_) => "CqlValue::Float",
            CqlValue::Int(_) => "CqlValue::Int",
            CqlValue::Timestamp(_) => "CqlValue::Timestamp",
            CqlValue::Uuid(_) => "CqlValue::Uuid",
            CqlValue::Text(_) => "CqlValue::Text",
            CqlValue::Varint(_) => "CqlValue::Varint",
            CqlValue::Timeuuid(_) => "CqlValue::Timeuuid",
            CqlValue::Inet(_) => "CqlValue::Inet",
            CqlValue::Date(_) => "CqlValue::Date",
            CqlValue::Time(_) => "CqlValue::Time",
            CqlValue::Smallint(_) => "CqlValue::Smallint",
            CqlValue::Tinyint(_) => "CqlValue::Tinyint",
            CqlValue::Duration(_) => "CqlValue::Duration",
            CqlValue::List(_) => "CqlValue::List",
            CqlValue::Set(_) => "CqlValue::Set",
            CqlValue::Map(_) => "CqlValue::Map",
            CqlValue::Tuple(_) => "CqlValue::Tuple",
            CqlValue::Udt { .. } => "CqlValue::Udt",
            CqlValue::Vector(_) => "CqlValue::Vector",
            CqlValue::Custom(_) => "CqlValue::Custom",
            CqlValue::Empty => "CqlValue::Empty",
        }
    }
}

fn too_deep_de() -> DeserializeError {
    DeserializeError::Malformed {
        cql_type: "nested value",
        reason: "nesting deeper than MAX_NESTING_DEPTH",
    }
}

/// True for types whose values may legitimately be zero bytes long.
fn empty_is_a_value(typ: &ColumnType) -> bool {
    matches!(
        typ,
        ColumnType::Ascii | ColumnType::Text | ColumnType::Blob | ColumnType::Custom(_)
    )
}

fn read_value(typ: &ColumnType, bytes: &[u8], depth: usize) -> Result<CqlValue, DeserializeError> {
    if depth > MAX_NESTING_DEPTH {
        return Err(too_deep_de());
    }
    if bytes.is_empty() && !empty_is_a_value(typ) {
        return Ok(CqlValue::Empty);
    }
    let nested = |t: &ColumnType, b: Option<&[u8]>| -> Result<CqlValue, DeserializeError> {
        read_value(t, non_null(b)?, depth + 1)
    };
    let nested_opt =
        |t: &ColumnType, b: Option<&[u8]>| -> Result<Option<CqlValue>, DeserializeError> {
            b.map(|b| read_value(t, b, depth + 1)).transpose()
        };
    Ok(match typ {
        ColumnType::Custom(_) => CqlValue::Custom(bytes.to_vec()),
        ColumnType::Ascii => CqlValue::Ascii(read_text(typ, bytes)?.to_owned()),
        ColumnType::Text => CqlValue::Text(read_text(typ, bytes)?.to_owned()),
        ColumnType::Blob => CqlValue::Blob(bytes.to_vec()),
        ColumnType::Bigint => CqlValue::Bigint(i64::from_be_bytes(exact(bytes, "bigint")?)),
        ColumnType::Counter => CqlValue::Counter(i64::from_be_bytes(exact(bytes, "counter")?)),
        ColumnType::Boolean => CqlValue::Boolean(exact::<1>(bytes, "boolean")? != [0]),
        ColumnType::Decimal => CqlValue::Decimal(read_decimal(bytes)?),
        ColumnType::Double => CqlValue::Double(f64::from_be_bytes(exact(bytes, "double")?)),
        ColumnType::Float => CqlValue::Float(f32::from_be_bytes(exact(bytes, "float")?)),
        ColumnType::Int => CqlValue::Int(i32::from_be_bytes(exact(bytes, "int")?)),
        ColumnType::Timestamp => {
            CqlValue::Timestamp(i64::from_be_bytes(exact(bytes, "timestamp")?))
        }
        ColumnType::Uuid => CqlValue::Uuid(uuid::Uuid::from_bytes(exact(bytes, "uuid")?)),
        ColumnType::Timeuuid => {
            CqlValue::Timeuuid(uuid::Uuid::from_bytes(exact(bytes, "timeuuid")?))
        }
        ColumnType::Varint => CqlValue::Varint(read_varint(bytes)?),
        ColumnType::Inet => CqlValue::Inet(read_inet(bytes)?),
        ColumnType::Date => CqlValue::Date(u32::from_be_bytes(exact(bytes, "date")?)),
        ColumnType::Time => {
            let ns = i64::from_be_bytes(exact(bytes, "time")?);
            if !(0..86_400_000_000_000).contains(&ns) {
                return Err(DeserializeError::Malformed {
                    cql_type: "time",
                    reason: "nanoseconds outside 0..86399999999999",
                });
            }
            CqlValue::Time(ns)
        }
        ColumnType::Smallint => CqlValue::Smallint(i16::from_be_bytes(exact(bytes, "smallint")?)),
        ColumnType::Tinyint => CqlValue::Tinyint(i8::from_be_bytes(exact(bytes, "tinyint")?)),
        ColumnType::Duration => CqlValue::Duration(read_duration(bytes)?),
        ColumnType::List(e) | ColumnType::Set(e) => {
            let (n, mut it) = read_list(bytes, "list")?;
            let mut items = Vec::with_capacity(n);
            while let Some(b) = it.next_element()? {
                items.push(nested(e, b)?);
            }
            if matches!(typ, ColumnType::Set(_)) {
                CqlValue::Set(items)
            } else {
                CqlValue::List(items)
            }
        }
        ColumnType::Map(kt, vt) => {
            let (n, mut it) = read_map(bytes)?;
            let mut entries = Vec::with_capacity(n);
            while let Some(k) = it.next_element()? {
                let v = it.next_element()?.ok_or(DeserializeError::Malformed {
                    cql_type: "map",
                    reason: "a key without a value",
                })?;
                entries.push((nested(kt, k)?, nested(vt, v)?));
            }
            CqlValue::Map(entries)
        }
        ColumnType::Vector(e, dims) => {
            let cells = read_vector(e, *dims, bytes)?;
            let mut items = Vec::with_capacity(cells.len());
            for b in cells {
                items.push(nested(e, Some(b))?);
            }
            CqlValue::Vector(items)
        }
        ColumnType::Tuple(types) => {
            let mut c = Cursor::new(bytes, "tuple");
            let mut fields = Vec::with_capacity(types.len().min(bytes.len()));
            for t in types {
                let b = if c.is_empty() { None } else { c.read_bytes()? };
                fields.push(nested_opt(t, b)?);
            }
            c.finish()?;
            CqlValue::Tuple(fields)
        }
        ColumnType::Udt(udt) => {
            let mut c = Cursor::new(bytes, "udt");
            let mut fields = Vec::with_capacity(udt.fields.len().min(bytes.len()));
            for (name, t) in &udt.fields {
                let b = if c.is_empty() { None } else { c.read_bytes()? };
                fields.push((name.clone(), nested_opt(t, b)?));
            }
            c.finish()?;
            CqlValue::Udt {
                keyspace: udt.keyspace.clone(),
                name: udt.name.clone(),
                fields,
            }
        }
    })
}

impl<'frame> DeserializeValue<'frame> for CqlValue {
    fn type_check(_typ: &ColumnType) -> Result<(), TypeCheckError> {
        Ok(())
    }
    fn deserialize(
        typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        read_value(typ, non_null(bytes)?, 0)
    }
}

/// A nested value with its depth, so recursion through the generic collection writers is capped.
struct Nested<'a> {
    value: Option<&'a CqlValue>,
    depth: usize,
}

impl SerializeValue for Nested<'_> {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        match self.value {
            Some(v) => write_value(v, typ, out, self.depth),
            None => {
                write_null(out);
                Ok(())
            }
        }
    }
}

fn mismatch_value(v: &CqlValue, typ: &ColumnType) -> SerializeError {
    SerializeError::TypeMismatch(TypeCheckError::Mismatch {
        rust_type: v.variant_name(),
        cql_type: typ.clone(),
    })
}

fn write_value(
    v: &CqlValue,
    typ: &ColumnType,
    out: &mut Vec<u8>,
    depth: usize,
) -> Result<(), SerializeError> {
    use ColumnType as T;
    if depth > MAX_NESTING_DEPTH {
        return Err(SerializeError::Invalid {
            cql_type: "nested value",
            reason: "nesting deeper than MAX_NESTING_DEPTH",
        });
    }
    let nest = |value| Nested {
        value: Some(value),
        depth: depth + 1,
    };
    match (v, typ) {
        (CqlValue::Empty, _) => write_bytes(out, &[]),
        (CqlValue::Custom(b), _) => write_bytes(out, b),
        (CqlValue::Ascii(s) | CqlValue::Text(s), T::Ascii | T::Text) => {
            check_text(s, typ)?;
            write_bytes(out, s.as_bytes())
        }
        (CqlValue::Bigint(n) | CqlValue::Counter(n), T::Bigint | T::Counter) => {
            write_bytes(out, &n.to_be_bytes())
        }
        (CqlValue::Blob(b), T::Blob) => write_bytes(out, b),
        (CqlValue::Boolean(b), T::Boolean) => write_bytes(out, &[u8::from(*b)]),
        (CqlValue::Decimal(d), T::Decimal) => write_decimal(d, out),
        (CqlValue::Double(d), T::Double) => write_bytes(out, &d.to_be_bytes()),
        (CqlValue::Float(f), T::Float) => write_bytes(out, &f.to_be_bytes()),
        (CqlValue::Int(i), T::Int) => write_bytes(out, &i.to_be_bytes()),
        (CqlValue::Timestamp(t), T::Timestamp) => write_bytes(out, &t.to_be_bytes()),
        (CqlValue::Uuid(u) | CqlValue::Timeuuid(u), T::Uuid | T::Timeuuid) => {
            check_uuid(u, typ)?;
            write_bytes(out, u.as_bytes())
        }
        (CqlValue::Varint(n), T::Varint) => write_bytes(out, &varint_bytes(n)),
        (CqlValue::Inet(a), T::Inet) => a.serialize(typ, out),
        (CqlValue::Date(d), T::Date) => write_bytes(out, &d.to_be_bytes()),
        (CqlValue::Time(t), T::Time) => {
            if !(0..86_400_000_000_000).contains(t) {
                return Err(SerializeError::OutOfRange("time"));
            }
            write_bytes(out, &t.to_be_bytes())
        }
        (CqlValue::Smallint(n), T::Smallint) => write_bytes(out, &n.to_be_bytes()),
        (CqlValue::Tinyint(n), T::Tinyint) => write_bytes(out, &n.to_be_bytes()),
        (CqlValue::Duration(d), T::Duration) => write_duration(d, out),
        (
            CqlValue::List(items) | CqlValue::Set(items) | CqlValue::Vector(items),
            T::List(e) | T::Set(e) | T::Vector(e, _),
        ) => {
            let nested: Vec<Nested<'_>> = items.iter().map(nest).collect();
            match typ {
                T::Vector(_, dims) => write_vector(e, *dims, nested.iter(), out),
                _ => write_list(e, nested.iter(), out),
            }
        }
        (CqlValue::Map(entries), T::Map(kt, vt)) => {
            let nested: Vec<(Nested<'_>, Nested<'_>)> =
                entries.iter().map(|(k, v)| (nest(k), nest(v))).collect();
            write_map(kt, vt, nested.iter().map(|(k, v)| (k, v)), out)
        }
        (CqlValue::Tuple(fields), T::Tuple(types)) => {
            if fields.len() > types.len() {
                return Err(mismatch_value(v, typ));
            }
            write_with_len(out, |out| {
                for (f, t) in fields.iter().zip(types) {
                    let n = Nested {
                        value: f.as_ref(),
                        depth: depth + 1,
                    };
                    n.serialize(t, out)?;
                }
                Ok(())
            })
        }
        (CqlValue::Udt { fields, .. }, T::Udt(udt)) => {
            if let Some((unknown, _)) = fields
                .iter()
                .find(|(name, _)| !udt.fields.iter().any(|(n, _)| n == name))
            {
                return Err(SerializeError::UnknownName(unknown.clone()));
            }
            write_with_len(out, |out| {
                for (name, t) in &udt.fields {
                    let value = fields
                        .iter()
                        .find(|(n, _)| n == name)
                        .and_then(|(_, v)| v.as_ref());
                    Nested {
                        value,
                        depth: depth + 1,
                    }
                    .serialize(t, out)?;
                }
                Ok(())
            })
        }
        _ => Err(mismatch_value(v, typ)),
    }
}

impl SerializeValue for CqlValue {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        write_value(self, typ, out, 0)
    }
}

#[cfg(test)]
#[path = "cql_value_tests.rs"]
mod tests;
