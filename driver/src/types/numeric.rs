//! Arbitrary-precision numbers: `varint` as [`num_bigint::BigInt`] and `decimal` as
//! [`bigdecimal::BigDecimal`].

use bigdecimal::BigDecimal;
use num_bigint::BigInt;

use super::wire::{write_bytes, write_with_len, Cursor};
use super::{
    check, non_null, DeserializeError, DeserializeValue, SerializeError, SerializeValue,
    TypeCheckError,
};
use crate::protocol::ColumnType;

/// Reads a varint body: big-endian two's complement, at least one byte.
pub(crate) fn read_varint(bytes: &[u8]) -> Result<BigInt, DeserializeError> {
    if bytes.is_empty() {
        return Err(DeserializeError::Malformed {
            cql_type: "varint",
            reason: "a varint has at least one byte",
        });
    }
    Ok(BigInt::from_signed_bytes_be(bytes))
}

/// The minimal big-endian two's complement bytes of `v` (`0` is one zero byte).
pub(crate) fn varint_bytes(v: &BigInt) -> Vec<u8> {
    v.to_signed_bytes_be()
}

/// Reads a decimal body: `[int]` scale then the unscaled varint.
pub(crate) fn read_decimal(bytes: &[u8]) -> Result<BigDecimal, DeserializeError> {
    let mut c = Cursor::new(bytes, "decimal");
    let scale = c.read_int()?;
    let rest = c.take(c.remaining())?;
    if rest.is_empty() {
        return Err(c.malformed("the unscaled value is missing"));
    }
    Ok(BigDecimal::new(
        BigInt::from_signed_bytes_be(rest),
        i64::from(scale),
    ))
}

/// Writes a decimal as a complete `[value]`.
pub(crate) fn write_decimal(v: &BigDecimal, out: &mut Vec<u8>) -> Result<(), SerializeError> {
    let (unscaled, scale) = v.as_bigint_and_exponent();
    let scale = i32::try_from(scale).map_err(|_| SerializeError::OutOfRange("decimal scale"))?;
    write_with_len(out, |out| {
        out.extend_from_slice(&scale.to_be_bytes());
        out.extend_from_slice(&varint_bytes(&unscaled));
        Ok(())
    })
}

/// A `varint` as its raw big-endian two's complement bytes, for code without `num-bigint`.
///
/// ```
/// use ringbolt_driver::types::CqlVarint;
/// assert_eq!(CqlVarint::from(128i64).as_bytes(), &[0x00, 0x80]);
/// assert_eq!(CqlVarint::from(-129i64).as_bytes(), &[0xff, 0x7f]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CqlVarint(Vec<u8>);

impl CqlVarint {
    /// A varint from big-endian two's complement bytes, shortened to the minimal encoding;
    /// `None` when `bytes` is empty.
    pub fn from_signed_bytes_be(bytes: &[u8]) -> Option<CqlVarint> {
        let first = *bytes.first()?;
        let sign_byte = if first & 0x80 == 0 { 0x00 } else { 0xff };
        // Drop leading sign bytes while the next byte still carries the same sign bit.
        let mut start = 0;
        while start + 1 < bytes.len()
            && bytes.get(start) == Some(&sign_byte)
            && bytes
                .get(start + 1)
                .is_some_and(|b| (b & 0x80) == (sign_byte & 0x80))
        {
            start += 1;
        }
        bytes.get(start..).map(|b| CqlVarint(b.to_vec()))
    }

    /// The minimal big-endian two's complement bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl From<i64> for CqlVarint {
    fn from(v: i64) -> Self {
        // Eight bytes are never empty.
        CqlVarint::from_signed_bytes_be(&v.to_be_bytes()).unwrap_or(CqlVarint(vec![0]))
    }
}

impl From<&BigInt> for CqlVarint {
    fn from(v: &BigInt) -> Self {
        CqlVarint(varint_bytes(v))
    }
}

impl From<&CqlVarint> for BigInt {
    fn from(v: &CqlVarint) -> Self {
        BigInt::from_signed_bytes_be(&v.0)
    }
}

/// A `decimal` as on the wire: `unscaled * 10^-scale`, for code without `bigdecimal`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CqlDecimal {
    /// The power of ten to divide by.
    pub scale: i32,
    /// The unscaled value.
    pub unscaled: CqlVarint,
}

impl SerializeValue for CqlVarint {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        check::<CqlVarint>(typ, *typ == ColumnType::Varint)?;
        write_bytes(out, &self.0)
    }
}

impl<'frame> DeserializeValue<'frame> for CqlVarint {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        check::<CqlVarint>(typ, *typ == ColumnType::Varint)
    }
    fn deserialize(
        _typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        CqlVarint::from_signed_bytes_be(non_null(bytes)?).ok_or(DeserializeError::Malformed {
            cql_type: "varint",
            reason: "a varint has at least one byte",
        })
    }
}

impl SerializeValue for CqlDecimal {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        check::<CqlDecimal>(typ, *typ == ColumnType::Decimal)?;
        write_with_len(out, |out| {
            out.extend_from_slice(&self.scale.to_be_bytes());
            out.extend_from_slice(&self.unscaled.0);
            Ok(())
        })
    }
}

impl<'frame> DeserializeValue<'frame> for CqlDecimal {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        check::<CqlDecimal>(typ, *typ == ColumnType::Decimal)
    }
    fn deserialize(
        _typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        let mut c = Cursor::new(non_null(bytes)?, "decimal");
        let scale = c.read_int()?;
        let rest = c.take(c.remaining())?;
        let unscaled = CqlVarint::from_signed_bytes_be(rest)
            .ok_or_else(|| c.malformed("the unscaled value is missing"))?;
        Ok(CqlDecimal { scale, unscaled })
    }
}

impl SerializeValue for BigInt {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        check::<BigInt>(typ, *typ == ColumnType::Varint)?;
        write_bytes(out, &varint_bytes(self))
    }
}

impl<'frame> DeserializeValue<'frame> for BigInt {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        check::<BigInt>(typ, *typ == ColumnType::Varint)
    }
    fn deserialize(
        _typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        read_varint(non_null(bytes)?)
    }
}

impl SerializeValue for BigDecimal {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        check::<BigDecimal>(typ, *typ == ColumnType::Decimal)?;
        write_decimal(self, out)
    }
}

impl<'frame> DeserializeValue<'frame> for BigDecimal {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        check::<BigDecimal>(typ, *typ == ColumnType::Decimal)
    }
    fn deserialize(
        _typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        read_decimal(non_null(bytes)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::test_util::{de, ser};

    #[test]
    fn varint_spec_examples() {
        let cases: [(i64, &[u8]); 8] = [
            (0, &[0x00]),
            (1, &[0x01]),
            (127, &[0x7f]),
            (128, &[0x00, 0x80]),
            (129, &[0x00, 0x81]),
            (-1, &[0xff]),
            (-128, &[0x80]),
            (-129, &[0xff, 0x7f]),
        ];
        for (v, body) in cases {
            let mut golden = (body.len() as i32).to_be_bytes().to_vec();
            golden.extend_from_slice(body);
            assert_eq!(ser(&BigInt::from(v), &ColumnType::Varint), golden, "{v}");
            assert_eq!(
                de::<BigInt>(&ColumnType::Varint, &golden),
                Ok(BigInt::from(v))
            );
        }
    }

    #[test]
    fn varint_large_and_non_minimal() {
        let big: BigInt = "-123456789012345678901234567890".parse().unwrap();
        assert_eq!(
            de::<BigInt>(&ColumnType::Varint, &ser(&big, &ColumnType::Varint)),
            Ok(big)
        );
        // Non-minimal encodings still read correctly.
        assert_eq!(
            BigInt::deserialize(&ColumnType::Varint, Some(&[0, 0, 1])),
            Ok(BigInt::from(1))
        );
        assert_eq!(
            BigInt::deserialize(&ColumnType::Varint, Some(&[0xff, 0xff])),
            Ok(BigInt::from(-1))
        );
        assert!(BigInt::deserialize(&ColumnType::Varint, Some(&[])).is_err());
    }

    #[test]
    fn raw_varint_and_decimal() {
        for v in [0i64, 1, 127, 128, 129, -1, -128, -129, i64::MIN, i64::MAX] {
            let raw = CqlVarint::from(v);
            assert_eq!(
                raw.as_bytes(),
                varint_bytes(&BigInt::from(v)).as_slice(),
                "{v}"
            );
            assert_eq!(
                ser(&raw, &ColumnType::Varint),
                ser(&BigInt::from(v), &ColumnType::Varint)
            );
            assert_eq!(BigInt::from(&raw), BigInt::from(v));
        }
        assert_eq!(
            CqlVarint::from_signed_bytes_be(&[0, 0, 0x80])
                .unwrap()
                .as_bytes(),
            &[0, 0x80]
        );
        assert_eq!(
            CqlVarint::from_signed_bytes_be(&[0xff, 0xff, 0x7f])
                .unwrap()
                .as_bytes(),
            &[0xff, 0x7f]
        );
        assert_eq!(
            CqlVarint::from_signed_bytes_be(&[0xff, 0x80])
                .unwrap()
                .as_bytes(),
            &[0x80]
        );
        assert_eq!(CqlVarint::from_signed_bytes_be(&[]), None);
        assert_eq!(
            de::<CqlVarint>(&ColumnType::Varint, &[0, 0, 0, 2, 0, 5]),
            Ok(CqlVarint::from(5))
        );
        let d = CqlDecimal {
            scale: 1,
            unscaled: CqlVarint::from(15),
        };
        assert_eq!(
            ser(&d, &ColumnType::Decimal),
            vec![0, 0, 0, 5, 0, 0, 0, 1, 0x0f]
        );
        assert_eq!(
            de::<CqlDecimal>(&ColumnType::Decimal, &[0, 0, 0, 5, 0, 0, 0, 1, 0x0f]),
            Ok(d)
        );
        assert!(CqlDecimal::deserialize(&ColumnType::Decimal, Some(&[0, 0, 0, 1])).is_err());
        assert!(CqlVarint::type_check(&ColumnType::Int).is_err());
    }

    #[test]
    fn decimal_golden() {
        // 1.5 = 15E-1: scale 1, unscaled 15.
        let v: BigDecimal = "1.5".parse().unwrap();
        assert_eq!(
            ser(&v, &ColumnType::Decimal),
            vec![0, 0, 0, 5, 0, 0, 0, 1, 0x0f]
        );
        // -0.01 = -1E-2.
        let v: BigDecimal = "-0.01".parse().unwrap();
        assert_eq!(
            ser(&v, &ColumnType::Decimal),
            vec![0, 0, 0, 5, 0, 0, 0, 2, 0xff]
        );
        // 1.28E+3 = 128 * 10^1: scale -1, unscaled 128 (0x0080).
        let v = BigDecimal::new(BigInt::from(128), -1);
        assert_eq!(
            ser(&v, &ColumnType::Decimal),
            vec![0, 0, 0, 6, 0xff, 0xff, 0xff, 0xff, 0, 0x80]
        );
        assert_eq!(
            de::<BigDecimal>(&ColumnType::Decimal, &ser(&v, &ColumnType::Decimal)),
            Ok(v)
        );
    }

    #[test]
    fn decimal_edges() {
        for s in [
            "0",
            "-0.000000000000000000001",
            "123456789012345678901234567890.123456789",
        ] {
            let v: BigDecimal = s.parse().unwrap();
            assert_eq!(
                de::<BigDecimal>(&ColumnType::Decimal, &ser(&v, &ColumnType::Decimal)),
                Ok(v)
            );
        }
        assert!(BigDecimal::deserialize(&ColumnType::Decimal, Some(&[0, 0, 0, 1])).is_err());
        assert!(BigDecimal::deserialize(&ColumnType::Decimal, Some(&[0, 0])).is_err());
        let huge_scale = BigDecimal::new(BigInt::from(1), i64::from(i32::MAX) + 1);
        let mut out = Vec::new();
        assert_eq!(
            huge_scale.serialize(&ColumnType::Decimal, &mut out),
            Err(SerializeError::OutOfRange("decimal scale"))
        );
        assert!(BigDecimal::type_check(&ColumnType::Double).is_err());
    }
}
