//! Fixed-size numbers, booleans, UUIDs and addresses.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::wire::{write_bytes, Cursor};
use super::{
    check, non_null, DeserializeError, DeserializeValue, SerializeError, SerializeValue,
    TypeCheckError,
};
use crate::protocol::ColumnType;

/// Reads exactly `N` bytes, the whole value of a fixed-size type.
pub(crate) fn exact<const N: usize>(
    bytes: &[u8],
    cql_type: &'static str,
) -> Result<[u8; N], DeserializeError> {
    let mut c = Cursor::new(bytes, cql_type);
    if c.remaining() != N {
        return Err(c.malformed("wrong length for a fixed-size type"));
    }
    c.take_array()
}

macro_rules! fixed_number {
    ($t:ty, $name:literal, $($variant:ident)|+) => {
        impl SerializeValue for $t {
            fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
                check::<$t>(typ, matches!(typ, $(ColumnType::$variant)|+))?;
                write_bytes(out, &self.to_be_bytes())
            }
        }

        impl<'frame> DeserializeValue<'frame> for $t {
            fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
                check::<$t>(typ, matches!(typ, $(ColumnType::$variant)|+))
            }
            fn deserialize(_typ: &ColumnType, bytes: Option<&'frame [u8]>) -> Result<Self, DeserializeError> {
                Ok(<$t>::from_be_bytes(exact(non_null(bytes)?, $name)?))
            }
        }
    };
}

fixed_number!(i8, "tinyint", Tinyint);
fixed_number!(i16, "smallint", Smallint);
fixed_number!(i32, "int", Int);
fixed_number!(i64, "bigint", Bigint | Counter);
fixed_number!(f32, "float", Float);
fixed_number!(f64, "double", Double);

impl SerializeValue for bool {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        check::<bool>(typ, *typ == ColumnType::Boolean)?;
        write_bytes(out, &[u8::from(*self)])
    }
}

impl<'frame> DeserializeValue<'frame> for bool {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        check::<bool>(typ, *typ == ColumnType::Boolean)
    }
    fn deserialize(
        _typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        let [b] = exact::<1>(non_null(bytes)?, "boolean")?;
        Ok(b != 0)
    }
}

/// Checks that `u` may be written as `typ` (version 1 for `timeuuid`).
pub(crate) fn check_uuid(u: &uuid::Uuid, typ: &ColumnType) -> Result<(), SerializeError> {
    if *typ == ColumnType::Timeuuid && u.get_version_num() != 1 {
        return Err(SerializeError::Invalid {
            cql_type: "timeuuid",
            reason: "not a version 1 (time-based) UUID",
        });
    }
    Ok(())
}

impl SerializeValue for uuid::Uuid {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        check::<uuid::Uuid>(typ, matches!(typ, ColumnType::Uuid | ColumnType::Timeuuid))?;
        check_uuid(self, typ)?;
        write_bytes(out, self.as_bytes())
    }
}

impl<'frame> DeserializeValue<'frame> for uuid::Uuid {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        check::<uuid::Uuid>(typ, matches!(typ, ColumnType::Uuid | ColumnType::Timeuuid))
    }
    fn deserialize(
        _typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        Ok(uuid::Uuid::from_bytes(exact(non_null(bytes)?, "uuid")?))
    }
}

/// Reads an inet cell: 4 or 16 bytes.
pub(crate) fn read_inet(bytes: &[u8]) -> Result<IpAddr, DeserializeError> {
    if let Ok(a) = <[u8; 4]>::try_from(bytes) {
        Ok(IpAddr::V4(Ipv4Addr::from(a)))
    } else if let Ok(a) = <[u8; 16]>::try_from(bytes) {
        Ok(IpAddr::V6(Ipv6Addr::from(a)))
    } else {
        Err(DeserializeError::Malformed {
            cql_type: "inet",
            reason: "an address is 4 or 16 bytes",
        })
    }
}

impl SerializeValue for IpAddr {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        match self {
            IpAddr::V4(a) => a.serialize(typ, out),
            IpAddr::V6(a) => a.serialize(typ, out),
        }
    }
}

impl SerializeValue for Ipv4Addr {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        check::<Ipv4Addr>(typ, *typ == ColumnType::Inet)?;
        write_bytes(out, &self.octets())
    }
}

impl SerializeValue for Ipv6Addr {
    fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        check::<Ipv6Addr>(typ, *typ == ColumnType::Inet)?;
        write_bytes(out, &self.octets())
    }
}

impl<'frame> DeserializeValue<'frame> for IpAddr {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        check::<IpAddr>(typ, *typ == ColumnType::Inet)
    }
    fn deserialize(
        _typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        read_inet(non_null(bytes)?)
    }
}

impl<'frame> DeserializeValue<'frame> for Ipv4Addr {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        check::<Ipv4Addr>(typ, *typ == ColumnType::Inet)
    }
    fn deserialize(
        _typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        match read_inet(non_null(bytes)?)? {
            IpAddr::V4(a) => Ok(a),
            IpAddr::V6(_) => Err(DeserializeError::Malformed {
                cql_type: "inet",
                reason: "an IPv6 address cannot be read as Ipv4Addr; use IpAddr",
            }),
        }
    }
}

impl<'frame> DeserializeValue<'frame> for Ipv6Addr {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        check::<Ipv6Addr>(typ, *typ == ColumnType::Inet)
    }
    fn deserialize(
        _typ: &ColumnType,
        bytes: Option<&'frame [u8]>,
    ) -> Result<Self, DeserializeError> {
        match read_inet(non_null(bytes)?)? {
            IpAddr::V6(a) => Ok(a),
            IpAddr::V4(_) => Err(DeserializeError::Malformed {
                cql_type: "inet",
                reason: "an IPv4 address cannot be read as Ipv6Addr; use IpAddr",
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::test_util::{de, ser};

    #[test]
    fn integers_golden() {
        assert_eq!(ser(&-1i8, &ColumnType::Tinyint), vec![0, 0, 0, 1, 0xff]);
        assert_eq!(
            ser(&0x0102i16, &ColumnType::Smallint),
            vec![0, 0, 0, 2, 1, 2]
        );
        assert_eq!(
            ser(&-2i32, &ColumnType::Int),
            vec![0, 0, 0, 4, 0xff, 0xff, 0xff, 0xfe]
        );
        assert_eq!(
            ser(&1i64, &ColumnType::Bigint),
            vec![0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1]
        );
        assert_eq!(
            ser(&1i64, &ColumnType::Counter),
            ser(&1i64, &ColumnType::Bigint)
        );
    }

    #[test]
    fn integers_round_trip_edges() {
        for v in [i8::MIN, -1, 0, 1, i8::MAX] {
            assert_eq!(
                de::<i8>(&ColumnType::Tinyint, &ser(&v, &ColumnType::Tinyint)).unwrap(),
                v
            );
        }
        for v in [i16::MIN, -1, 0, 1, i16::MAX] {
            assert_eq!(
                de::<i16>(&ColumnType::Smallint, &ser(&v, &ColumnType::Smallint)).unwrap(),
                v
            );
        }
        for v in [i32::MIN, -1, 0, 1, i32::MAX] {
            assert_eq!(
                de::<i32>(&ColumnType::Int, &ser(&v, &ColumnType::Int)).unwrap(),
                v
            );
        }
        for v in [i64::MIN, -1, 0, 1, i64::MAX] {
            assert_eq!(
                de::<i64>(&ColumnType::Bigint, &ser(&v, &ColumnType::Bigint)).unwrap(),
                v
            );
            assert_eq!(
                de::<i64>(&ColumnType::Counter, &ser(&v, &ColumnType::Counter)).unwrap(),
                v
            );
        }
    }

    #[test]
    fn floats_golden_and_round_trip() {
        assert_eq!(
            ser(&1.0f32, &ColumnType::Float),
            vec![0, 0, 0, 4, 0x3f, 0x80, 0, 0]
        );
        assert_eq!(
            ser(&-2.0f64, &ColumnType::Double),
            vec![0, 0, 0, 8, 0xc0, 0, 0, 0, 0, 0, 0, 0]
        );
        for v in [
            f32::MIN,
            f32::MAX,
            f32::INFINITY,
            f32::NEG_INFINITY,
            -0.0,
            f32::MIN_POSITIVE,
        ] {
            let back = de::<f32>(&ColumnType::Float, &ser(&v, &ColumnType::Float)).unwrap();
            assert_eq!(back.to_bits(), v.to_bits());
        }
        let nan = de::<f64>(&ColumnType::Double, &ser(&f64::NAN, &ColumnType::Double)).unwrap();
        assert!(nan.is_nan());
        for v in [f64::MIN, f64::MAX, f64::EPSILON, -0.0] {
            let back = de::<f64>(&ColumnType::Double, &ser(&v, &ColumnType::Double)).unwrap();
            assert_eq!(back.to_bits(), v.to_bits());
        }
    }

    #[test]
    fn wrong_lengths_are_errors() {
        assert!(i32::deserialize(&ColumnType::Int, Some(&[0, 0, 1])).is_err());
        assert!(i32::deserialize(&ColumnType::Int, Some(&[])).is_err());
        assert!(i64::deserialize(&ColumnType::Bigint, Some(&[0; 9])).is_err());
        assert!(bool::deserialize(&ColumnType::Boolean, Some(&[0, 1])).is_err());
        assert!(uuid::Uuid::deserialize(&ColumnType::Uuid, Some(&[0; 15])).is_err());
        assert!(IpAddr::deserialize(&ColumnType::Inet, Some(&[0; 5])).is_err());
        assert_eq!(
            i32::deserialize(&ColumnType::Int, None),
            Err(DeserializeError::UnexpectedNull)
        );
    }

    #[test]
    fn boolean() {
        assert_eq!(ser(&true, &ColumnType::Boolean), vec![0, 0, 0, 1, 1]);
        assert_eq!(ser(&false, &ColumnType::Boolean), vec![0, 0, 0, 1, 0]);
        assert!(bool::deserialize(&ColumnType::Boolean, Some(&[7])).unwrap());
        assert!(!bool::deserialize(&ColumnType::Boolean, Some(&[0])).unwrap());
    }

    #[test]
    fn uuids() {
        let v4 = uuid::Uuid::from_u128(0x0011_2233_4455_4677_8899_aabb_ccdd_eeff);
        let mut golden = vec![0, 0, 0, 16];
        golden.extend_from_slice(v4.as_bytes());
        assert_eq!(ser(&v4, &ColumnType::Uuid), golden);
        let mut out = Vec::new();
        assert!(v4.serialize(&ColumnType::Timeuuid, &mut out).is_err());
        let v1 = uuid::Uuid::from_u128(0x1ce5_1d50_c4f0_11ee_8000_0000_0000_0001);
        assert_eq!(v1.get_version_num(), 1);
        assert_eq!(
            de::<uuid::Uuid>(&ColumnType::Timeuuid, &ser(&v1, &ColumnType::Timeuuid)).unwrap(),
            v1
        );
    }

    #[test]
    fn inet_golden() {
        let v4: IpAddr = "127.0.0.1".parse().unwrap();
        assert_eq!(ser(&v4, &ColumnType::Inet), vec![0, 0, 0, 4, 127, 0, 0, 1]);
        let v6: IpAddr = "::1".parse().unwrap();
        let mut golden = vec![0, 0, 0, 16];
        golden.extend_from_slice(&[0; 15]);
        golden.push(1);
        assert_eq!(ser(&v6, &ColumnType::Inet), golden);
        assert_eq!(de::<IpAddr>(&ColumnType::Inet, &golden).unwrap(), v6);
        assert!(de::<Ipv4Addr>(&ColumnType::Inet, &golden).is_err());
        assert_eq!(
            de::<Ipv4Addr>(&ColumnType::Inet, &[0, 0, 0, 4, 10, 0, 0, 2]).unwrap(),
            Ipv4Addr::new(10, 0, 0, 2)
        );
    }

    #[test]
    fn type_checks() {
        assert!(i64::type_check(&ColumnType::Bigint).is_ok());
        assert!(i64::type_check(&ColumnType::Counter).is_ok());
        assert_eq!(
            i64::type_check(&ColumnType::Timestamp),
            Err(TypeCheckError::Mismatch {
                rust_type: "i64",
                cql_type: ColumnType::Timestamp
            })
        );
        assert!(String::type_check(&ColumnType::Ascii).is_ok());
        assert!(String::type_check(&ColumnType::Blob).is_err());
        assert!(uuid::Uuid::type_check(&ColumnType::Timeuuid).is_ok());
        assert!(i32::type_check(&ColumnType::Bigint).is_err());
        let mut out = Vec::new();
        assert!(matches!(
            1i32.serialize(&ColumnType::Text, &mut out),
            Err(SerializeError::TypeMismatch(TypeCheckError::Mismatch {
                rust_type: "i32",
                ..
            }))
        ));
        assert!(out.is_empty());
    }
}
