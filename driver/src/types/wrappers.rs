//! Null, unset, references and the newtypes that pick one CQL type for a plain number.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use super::wire::write_null;
use super::{DeserializeError, DeserializeValue, SerializeError, SerializeValue, TypeCheckError};
use crate::protocol::ColumnType;

/// A bind value that leaves the column unchanged (`[value]` length -2, protocol v4 and later).
///
/// ```
/// use ringbolt_driver::protocol::ColumnType;
/// use ringbolt_driver::types::{SerializeValue, Unset};
/// let mut out = Vec::new();
/// Unset.serialize(&ColumnType::Int, &mut out).unwrap();
/// assert_eq!(out, [0xff, 0xff, 0xff, 0xfe]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Unset;

/// A `counter` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Counter(pub i64);

/// A `timestamp`: milliseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct CqlTimestamp(pub i64);

/// A `date` as on the wire: days since the Unix epoch plus 2^31 (so 1970-01-01 is `1 << 31`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CqlDate(pub u32);

/// A `time`: nanoseconds since midnight, 0 to 86 399 999 999 999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct CqlTime(pub i64);

impl SerializeValue for Unset {
    fn serialize(&self, _typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        out.extend_from_slice(&(-2i32).to_be_bytes());
        Ok(())
    }
}

impl<T: SerializeValue> SerializeValue for Option<T> {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        match self {
            Some(v) => v.serialize(typ, out),
            None => {
                write_null(out);
                Ok(())
            }
        }
    }
}

impl<'frame, T: DeserializeValue<'frame>> DeserializeValue<'frame> for Option<T> {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        T::type_check(typ)
    }
    fn deserialize(
        typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        match bytes {
            Some(b) => T::deserialize(typ, Some(b)).map(Some),
            None => Ok(None),
        }
    }
}

impl<T: SerializeValue + ?Sized> SerializeValue for &T {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        (**self).serialize(typ, out)
    }
}

impl<T: SerializeValue + ?Sized> SerializeValue for Box<T> {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        (**self).serialize(typ, out)
    }
}

impl<T: SerializeValue + ?Sized> SerializeValue for Arc<T> {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        (**self).serialize(typ, out)
    }
}

impl<T: SerializeValue + ?Sized> SerializeValue for Rc<T> {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        (**self).serialize(typ, out)
    }
}

impl<T: SerializeValue + ToOwned + ?Sized> SerializeValue for Cow<'_, T> {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        self.as_ref().serialize(typ, out)
    }
}

impl<'frame, T: DeserializeValue<'frame>> DeserializeValue<'frame> for Box<T> {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        T::type_check(typ)
    }
    fn deserialize(
        typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        T::deserialize(typ, bytes).map(Box::new)
    }
}

impl<'frame, T: DeserializeValue<'frame>> DeserializeValue<'frame> for Arc<T> {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        T::type_check(typ)
    }
    fn deserialize(
        typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        T::deserialize(typ, bytes).map(Arc::new)
    }
}

impl SerializeValue for Counter {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        super::check::<Counter>(typ, *typ == ColumnType::Counter)?;
        self.0.serialize(typ, out)
    }
}

impl<'frame> DeserializeValue<'frame> for Counter {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        super::check::<Counter>(typ, *typ == ColumnType::Counter)
    }
    fn deserialize(
        typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        i64::deserialize(typ, bytes).map(Counter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::test_util::{de, ser};

    #[test]
    fn null_and_unset() {
        assert_eq!(
            ser(&None::<i32>, &ColumnType::Int),
            vec![0xff, 0xff, 0xff, 0xff]
        );
        assert_eq!(ser(&Some(1i8), &ColumnType::Tinyint), vec![0, 0, 0, 1, 1]);
        assert_eq!(ser(&Unset, &ColumnType::Text), vec![0xff, 0xff, 0xff, 0xfe]);
        assert_eq!(Option::<i32>::deserialize(&ColumnType::Int, None), Ok(None));
        assert_eq!(
            de::<Option<i32>>(&ColumnType::Int, &[0, 0, 0, 4, 0, 0, 0, 7]),
            Ok(Some(7))
        );
        assert!(Option::<i32>::type_check(&ColumnType::Text).is_err());
    }

    #[test]
    fn references_and_boxes() {
        let s = String::from("a");
        assert_eq!(ser(&&&s, &ColumnType::Text), vec![0, 0, 0, 1, b'a']);
        assert_eq!(
            ser(&Box::new(1i8), &ColumnType::Tinyint),
            vec![0, 0, 0, 1, 1]
        );
        assert_eq!(
            ser(&Arc::<str>::from("a"), &ColumnType::Text),
            vec![0, 0, 0, 1, b'a']
        );
        assert_eq!(
            de::<Box<i8>>(&ColumnType::Tinyint, &[0, 0, 0, 1, 5]),
            Ok(Box::new(5))
        );
    }

    #[test]
    fn counter_newtype() {
        assert_eq!(
            ser(&Counter(2), &ColumnType::Counter),
            ser(&2i64, &ColumnType::Bigint)
        );
        let mut out = Vec::new();
        assert!(Counter(2).serialize(&ColumnType::Bigint, &mut out).is_err());
        assert!(Counter::type_check(&ColumnType::Bigint).is_err());
        assert_eq!(
            de::<Counter>(&ColumnType::Counter, &[0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 3]),
            Ok(Counter(3))
        );
    }
}
