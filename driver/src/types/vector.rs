//! `vector`: a fixed number of elements, its dimension part of the type (Cassandra 5).
//!
//! There is no count. Elements of fixed-length types ([`fixed_len`]) are written back to back;
//! other elements each follow an `[unsigned vint]` length. Elements are never null.

use super::collections::write_element;
use super::wire::{write_unsigned_vint, write_with_len, Cursor};
use super::{DeserializeError, SerializeError, SerializeValue};
use crate::protocol::ColumnType;

/// The serialized size of `typ` when a vector stores its elements without lengths.
///
/// These are the types Cassandra declares fixed-length. `counter`, `smallint`, `tinyint`,
/// `date` and `time` are not among them, so in a vector their elements carry a length.
pub fn fixed_len(typ: &ColumnType) -> Option<usize> {
    match typ {
        ColumnType::Boolean => Some(1),
        ColumnType::Int | ColumnType::Float => Some(4),
        ColumnType::Bigint | ColumnType::Double | ColumnType::Timestamp => Some(8),
        ColumnType::Uuid | ColumnType::Timeuuid => Some(16),
        _ => None,
    }
}

/// Writes a vector of `dims` elements as a complete `[value]`.
pub(crate) fn write_vector<'a, T: SerializeValue + ?Sized + 'a>(
    elem: &ColumnType,
    dims: u32,
    items: impl ExactSizeIterator<Item = &'a T>,
    out: &mut Vec<u8>,
) -> Result<(), SerializeError> {
    if u32::try_from(items.len()) != Ok(dims) {
        return Err(SerializeError::Invalid {
            cql_type: "vector",
            reason: "the number of elements differs from the vector's dimension",
        });
    }
    let fixed = fixed_len(elem);
    write_with_len(out, |out| {
        let mut scratch = Vec::new();
        for item in items {
            scratch.clear();
            write_element(item, elem, &mut scratch)?;
            let mut c = Cursor::new(&scratch, "vector");
            let body = c
                .read_bytes()
                .ok()
                .flatten()
                .ok_or(SerializeError::Invalid {
                    cql_type: "vector",
                    reason: "vector elements cannot be null",
                })?;
            match fixed {
                Some(n) if body.len() != n => {
                    return Err(SerializeError::Invalid {
                        cql_type: "vector",
                        reason: "an element of a fixed-size type has the wrong size",
                    })
                }
                Some(_) => {}
                None => write_unsigned_vint(out, body.len() as u64),
            }
            out.extend_from_slice(body);
        }
        Ok(())
    })
}

/// Reads a vector body of `dims` elements of `elem`, returning each element's bytes.
pub(crate) fn read_vector<'a>(
    elem: &ColumnType,
    dims: u32,
    bytes: &'a [u8],
) -> Result<Vec<&'a [u8]>, DeserializeError> {
    let mut c = Cursor::new(bytes, "vector");
    let dims = usize::try_from(dims).map_err(|_| c.malformed("dimension too large"))?;
    match fixed_len(elem) {
        Some(size) => {
            if dims.checked_mul(size) != Some(c.remaining()) {
                return Err(c.malformed("length does not match dimension times element size"));
            }
            let mut items = Vec::with_capacity(dims);
            for _ in 0..dims {
                items.push(c.take(size)?);
            }
            Ok(items)
        }
        None => {
            // Every element takes at least its one-byte length.
            if dims > c.remaining() {
                return Err(c.malformed("dimension exceeds the value's length"));
            }
            let mut items = Vec::with_capacity(dims);
            for _ in 0..dims {
                let len = c.read_unsigned_vint()?;
                let len = usize::try_from(len).map_err(|_| c.malformed("element too large"))?;
                items.push(c.take(len)?);
            }
            c.finish()?;
            Ok(items)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::test_util::{de, ser};
    use crate::types::{DeserializeValue, Unset};

    #[test]
    fn vector_of_floats_golden() {
        let typ = ColumnType::Vector(Box::new(ColumnType::Float), 2);
        let golden = vec![0, 0, 0, 8, 0x3f, 0x80, 0, 0, 0x40, 0, 0, 0];
        assert_eq!(ser(&vec![1.0f32, 2.0], &typ), golden);
        assert_eq!(de::<Vec<f32>>(&typ, &golden), Ok(vec![1.0, 2.0]));
        let mut out = Vec::new();
        assert!(vec![1.0f32].serialize(&typ, &mut out).is_err());
        assert!(out.is_empty());
        assert!(Vec::<f32>::deserialize(&typ, Some(&golden[4..10])).is_err());
    }

    #[test]
    fn vector_of_text_uses_vint_lengths() {
        let typ = ColumnType::Vector(Box::new(ColumnType::Text), 2);
        let golden = vec![0, 0, 0, 5, 1, b'a', 2, b'b', b'c'];
        assert_eq!(ser(&vec!["a", "bc"], &typ), golden);
        assert_eq!(
            de::<Vec<String>>(&typ, &golden),
            Ok(vec!["a".into(), "bc".into()])
        );
        let long = "x".repeat(200);
        let bytes = ser(&vec![long.as_str(), ""], &typ);
        assert_eq!(&bytes[4..6], &[0x80, 200]);
        assert_eq!(
            de::<Vec<String>>(&typ, &bytes),
            Ok(vec![long, String::new()])
        );
        // Trailing bytes and too few elements are errors.
        assert!(Vec::<String>::deserialize(&typ, Some(&[1, b'a', 0, 9])).is_err());
        assert!(Vec::<String>::deserialize(&typ, Some(&[1, b'a'])).is_err());
    }

    #[test]
    fn vector_nulls_and_unset_refused() {
        let typ = ColumnType::Vector(Box::new(ColumnType::Int), 1);
        let mut out = Vec::new();
        assert!(vec![None::<i32>].serialize(&typ, &mut out).is_err());
        assert!(vec![Unset]
            .serialize(&ColumnType::List(Box::new(ColumnType::Int)), &mut out)
            .is_err());
        assert!(out.is_empty());
    }

    #[test]
    fn fixed_lengths_follow_cassandra() {
        assert_eq!(fixed_len(&ColumnType::Float), Some(4));
        assert_eq!(fixed_len(&ColumnType::Uuid), Some(16));
        for t in [
            ColumnType::Counter,
            ColumnType::Smallint,
            ColumnType::Tinyint,
            ColumnType::Date,
            ColumnType::Time,
            ColumnType::Text,
        ] {
            assert_eq!(fixed_len(&t), None, "{t:?}");
        }
        // A smallint vector element carries a one-byte vint length.
        let typ = ColumnType::Vector(Box::new(ColumnType::Smallint), 2);
        assert_eq!(
            ser(&[1i16, -1], &typ),
            vec![0, 0, 0, 6, 2, 0, 1, 2, 0xff, 0xff]
        );
        assert_eq!(
            de::<Vec<i16>>(&typ, &[0, 0, 0, 6, 2, 0, 1, 2, 0xff, 0xff]),
            Ok(vec![1, -1])
        );
    }
}
