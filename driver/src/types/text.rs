//! `text`, `ascii` and `blob`: byte strings, owned or borrowed from the frame.

use super::wire::write_bytes;
use super::{
    check, non_null, DeserializeError, DeserializeValue, SerializeError, SerializeValue,
    TypeCheckError,
};
use crate::protocol::ColumnType;

fn is_text(typ: &ColumnType) -> bool {
    matches!(typ, ColumnType::Text | ColumnType::Ascii)
}

/// Checks that `s` may be written as `typ` (ASCII only for `ascii`).
pub(crate) fn check_text(s: &str, typ: &ColumnType) -> Result<(), SerializeError> {
    if *typ == ColumnType::Ascii && !s.is_ascii() {
        return Err(SerializeError::Invalid {
            cql_type: "ascii",
            reason: "non-ASCII characters; use a text column",
        });
    }
    Ok(())
}

/// Reads a text or ascii cell.
pub(crate) fn read_text<'a>(
    typ: &ColumnType,
    bytes: &'a [u8],
) -> Result<&'a str, DeserializeError> {
    if *typ == ColumnType::Ascii && !bytes.is_ascii() {
        return Err(DeserializeError::Malformed {
            cql_type: "ascii",
            reason: "bytes outside the ASCII range",
        });
    }
    std::str::from_utf8(bytes).map_err(|_| DeserializeError::Malformed {
        cql_type: "text",
        reason: "invalid UTF-8",
    })
}

impl SerializeValue for str {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        check::<str>(typ, is_text(typ))?;
        check_text(self, typ)?;
        write_bytes(out, self.as_bytes())
    }
}

impl SerializeValue for String {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        check::<String>(typ, is_text(typ))?;
        self.as_str().serialize(typ, out)
    }
}

impl<'frame> DeserializeValue<'frame> for &'frame str {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        check::<&str>(typ, is_text(typ))
    }
    fn deserialize(
        typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        read_text(typ, non_null(bytes)?)
    }
}

impl<'frame> DeserializeValue<'frame> for String {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        check::<String>(typ, is_text(typ))
    }
    fn deserialize(
        typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        read_text(typ, non_null(bytes)?).map(str::to_owned)
    }
}

fn is_blob(typ: &ColumnType) -> bool {
    matches!(typ, ColumnType::Blob | ColumnType::Custom(_))
}

impl SerializeValue for [u8] {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        check::<[u8]>(typ, is_blob(typ))?;
        write_bytes(out, self)
    }
}

impl SerializeValue for Vec<u8> {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        check::<Vec<u8>>(typ, is_blob(typ))?;
        write_bytes(out, self)
    }
}

impl SerializeValue for bytes::Bytes {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        check::<bytes::Bytes>(typ, is_blob(typ))?;
        write_bytes(out, self)
    }
}

impl<'frame> DeserializeValue<'frame> for &'frame [u8] {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        check::<&[u8]>(typ, is_blob(typ))
    }
    fn deserialize(
        _typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        non_null(bytes)
    }
}

impl<'frame> DeserializeValue<'frame> for Vec<u8> {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        check::<Vec<u8>>(typ, is_blob(typ))
    }
    fn deserialize(
        _typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        non_null(bytes).map(<[u8]>::to_vec)
    }
}

impl<'frame> DeserializeValue<'frame> for bytes::Bytes {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        check::<bytes::Bytes>(typ, is_blob(typ))
    }
    fn deserialize(
        _typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        non_null(bytes).map(bytes::Bytes::copy_from_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::test_util::{de, ser};

    #[test]
    fn text_and_ascii() {
        assert_eq!(
            ser(&"hé", &ColumnType::Text),
            vec![0, 0, 0, 3, b'h', 0xc3, 0xa9]
        );
        assert_eq!(ser(&String::new(), &ColumnType::Text), vec![0, 0, 0, 0]);
        assert_eq!(ser(&"ab", &ColumnType::Ascii), vec![0, 0, 0, 2, b'a', b'b']);
        let mut out = Vec::new();
        assert!(matches!(
            "hé".serialize(&ColumnType::Ascii, &mut out),
            Err(SerializeError::Invalid {
                cql_type: "ascii",
                ..
            })
        ));
        assert!(out.is_empty());
        let frame = [b'h', 0xc3, 0xa9];
        let s: &str = DeserializeValue::deserialize(&ColumnType::Text, Some(&frame)).unwrap();
        assert_eq!(s, "hé");
        assert!(<&str>::deserialize(&ColumnType::Ascii, Some(&frame)).is_err());
        assert!(String::deserialize(&ColumnType::Text, Some(&[0xff, 0xfe])).is_err());
        assert_eq!(
            String::deserialize(&ColumnType::Text, Some(&[])).unwrap(),
            ""
        );
    }

    #[test]
    fn blobs_borrow_and_copy() {
        let frame = [1u8, 2, 3];
        let b: &[u8] = DeserializeValue::deserialize(&ColumnType::Blob, Some(&frame)).unwrap();
        assert!(std::ptr::eq(b, &frame[..]));
        assert_eq!(
            ser(&vec![1u8, 2, 3], &ColumnType::Blob),
            vec![0, 0, 0, 3, 1, 2, 3]
        );
        assert_eq!(
            ser(&bytes::Bytes::from_static(b"x"), &ColumnType::Blob),
            vec![0, 0, 0, 1, b'x']
        );
        assert_eq!(
            ser(&&frame[..], &ColumnType::Blob),
            vec![0, 0, 0, 3, 1, 2, 3]
        );
        assert_eq!(
            de::<bytes::Bytes>(&ColumnType::Blob, &[0, 0, 0, 0]).unwrap(),
            bytes::Bytes::new()
        );
    }
}
