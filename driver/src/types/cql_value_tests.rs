//! Tests for [`CqlValue`] codecs: golden bytes, round trips for every type, mismatches and
//! garbage input.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::*;
use crate::protocol::UdtType;
use crate::types::test_util::{de, ser};
use crate::types::CqlDuration;

fn list(t: ColumnType) -> ColumnType {
    ColumnType::List(Box::new(t))
}

fn address_type() -> ColumnType {
    ColumnType::Udt(Arc::new(UdtType {
        keyspace: "ks".into(),
        name: "address".into(),
        fields: vec![
            ("street".into(), ColumnType::Text),
            ("zip".into(), ColumnType::Int),
            ("tags".into(), ColumnType::Set(Box::new(ColumnType::Text))),
        ],
    }))
}

fn udt(fields: Vec<(&str, Option<CqlValue>)>) -> CqlValue {
    CqlValue::Udt {
        keyspace: "ks".into(),
        name: "address".into(),
        fields: fields
            .into_iter()
            .map(|(n, v)| (n.to_string(), v))
            .collect(),
    }
}

#[test]
fn udt_golden() {
    let v = udt(vec![
        ("street", Some(CqlValue::Text("a".into()))),
        ("zip", None),
        ("tags", Some(CqlValue::Set(vec![]))),
    ]);
    let golden = vec![
        0, 0, 0, 17, // length
        0, 0, 0, 1, b'a', // street
        0xff, 0xff, 0xff, 0xff, // zip: null
        0, 0, 0, 4, 0, 0, 0, 0, // tags: empty set
    ];
    assert_eq!(ser(&v, &address_type()), golden);
    assert_eq!(de::<CqlValue>(&address_type(), &golden), Ok(v));
}

#[test]
fn udt_fewer_fields() {
    // Only the first field on the wire: the others read as null.
    let bytes = [0, 0, 0, 1, b'a'];
    let v = CqlValue::from_bytes(&address_type(), &bytes).unwrap();
    assert_eq!(
        v,
        udt(vec![
            ("street", Some(CqlValue::Text("a".into()))),
            ("zip", None),
            ("tags", None)
        ])
    );
    // Fields given by name, out of order and partial, are written in type order.
    let partial = udt(vec![("zip", Some(CqlValue::Int(7)))]);
    assert_eq!(
        ser(&partial, &address_type()),
        vec![0, 0, 0, 16, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 4, 0, 0, 0, 7, 0xff, 0xff, 0xff, 0xff]
    );
    let unknown = udt(vec![("nope", None)]);
    let mut out = Vec::new();
    assert_eq!(
        unknown.serialize(&address_type(), &mut out),
        Err(SerializeError::UnknownName("nope".into()))
    );
}

/// One value of every type, with its column type.
fn samples() -> Vec<(ColumnType, CqlValue)> {
    let v1 = uuid::Uuid::from_u128(0x1ce5_1d50_c4f0_11ee_8000_0000_0000_0001);
    vec![
        (ColumnType::Ascii, CqlValue::Ascii("abc".into())),
        (ColumnType::Ascii, CqlValue::Ascii(String::new())),
        (ColumnType::Bigint, CqlValue::Bigint(i64::MIN)),
        (ColumnType::Blob, CqlValue::Blob(vec![0, 255])),
        (ColumnType::Blob, CqlValue::Blob(vec![])),
        (ColumnType::Boolean, CqlValue::Boolean(true)),
        (ColumnType::Counter, CqlValue::Counter(i64::MAX)),
        (
            ColumnType::Decimal,
            CqlValue::Decimal("-12.345".parse().unwrap()),
        ),
        (ColumnType::Double, CqlValue::Double(f64::MAX)),
        (ColumnType::Float, CqlValue::Float(f32::MIN_POSITIVE)),
        (ColumnType::Int, CqlValue::Int(i32::MIN)),
        (ColumnType::Timestamp, CqlValue::Timestamp(-1)),
        (
            ColumnType::Uuid,
            CqlValue::Uuid(uuid::Uuid::from_u128(u128::MAX)),
        ),
        (ColumnType::Text, CqlValue::Text("żółw".into())),
        (ColumnType::Text, CqlValue::Text(String::new())),
        (
            ColumnType::Varint,
            CqlValue::Varint("-99999999999999999999999".parse().unwrap()),
        ),
        (ColumnType::Timeuuid, CqlValue::Timeuuid(v1)),
        (
            ColumnType::Inet,
            CqlValue::Inet("10.1.2.3".parse().unwrap()),
        ),
        (ColumnType::Inet, CqlValue::Inet("fe80::1".parse().unwrap())),
        (ColumnType::Date, CqlValue::Date(u32::MAX)),
        (ColumnType::Time, CqlValue::Time(86_399_999_999_999)),
        (ColumnType::Smallint, CqlValue::Smallint(i16::MIN)),
        (ColumnType::Tinyint, CqlValue::Tinyint(i8::MAX)),
        (
            ColumnType::Duration,
            CqlValue::Duration(CqlDuration {
                months: -1,
                days: -2,
                nanoseconds: -3,
            }),
        ),
        (
            list(ColumnType::Int),
            CqlValue::List(vec![CqlValue::Int(1), CqlValue::Int(2)]),
        ),
        (
            ColumnType::Set(Box::new(ColumnType::Text)),
            CqlValue::Set(vec![CqlValue::Text("x".into())]),
        ),
        (
            ColumnType::Map(
                Box::new(ColumnType::Text),
                Box::new(list(ColumnType::Boolean)),
            ),
            CqlValue::Map(vec![(
                CqlValue::Text("k".into()),
                CqlValue::List(vec![CqlValue::Boolean(false)]),
            )]),
        ),
        (
            ColumnType::Tuple(vec![ColumnType::Int, ColumnType::Text, ColumnType::Double]),
            CqlValue::Tuple(vec![
                Some(CqlValue::Int(1)),
                None,
                Some(CqlValue::Double(0.5)),
            ]),
        ),
        (
            address_type(),
            udt(vec![
                ("street", None),
                ("zip", Some(CqlValue::Int(1))),
                ("tags", None),
            ]),
        ),
        (
            ColumnType::Vector(Box::new(ColumnType::Float), 3),
            CqlValue::Vector(vec![
                CqlValue::Float(1.0),
                CqlValue::Float(-1.0),
                CqlValue::Float(0.0),
            ]),
        ),
        (
            ColumnType::Vector(Box::new(ColumnType::Varint), 2),
            CqlValue::Vector(vec![
                CqlValue::Varint(128.into()),
                CqlValue::Varint((-1).into()),
            ]),
        ),
        (
            ColumnType::Custom("org.example.Foo".into()),
            CqlValue::Custom(vec![1, 2, 3]),
        ),
        (ColumnType::Int, CqlValue::Empty),
        (
            list(list(list(ColumnType::Int))),
            CqlValue::List(vec![CqlValue::List(vec![CqlValue::List(vec![])])]),
        ),
    ]
}

#[test]
fn every_type_round_trips() {
    for (typ, v) in samples() {
        let bytes = ser(&v, &typ);
        assert_eq!(de::<CqlValue>(&typ, &bytes), Ok(v.clone()), "{typ:?}");
        assert_eq!(cql_value_from_bytes(&typ, &bytes[4..]), Ok(v), "{typ:?}");
    }
    let nan = ser(&CqlValue::Double(f64::NAN), &ColumnType::Double);
    assert!(
        matches!(de::<CqlValue>(&ColumnType::Double, &nan), Ok(CqlValue::Double(d)) if d.is_nan())
    );
}

#[test]
fn cql_value_matches_typed_encodings() {
    let typ = ColumnType::Map(Box::new(ColumnType::Text), Box::new(ColumnType::Bigint));
    let typed = BTreeMap::from([("a".to_string(), 1i64), ("b".to_string(), -1i64)]);
    let dynamic = CqlValue::Map(vec![
        (CqlValue::Text("a".into()), CqlValue::Bigint(1)),
        (CqlValue::Text("b".into()), CqlValue::Bigint(-1)),
    ]);
    assert_eq!(ser(&typed, &typ), ser(&dynamic, &typ));
    let tuple_typ = ColumnType::Tuple(vec![ColumnType::Int, ColumnType::Text]);
    assert_eq!(
        ser(&(1i32, None::<&str>), &tuple_typ),
        ser(
            &CqlValue::Tuple(vec![Some(CqlValue::Int(1)), None]),
            &tuple_typ
        )
    );
    let hm: HashMap<String, i64> = de(&typ, &ser(&dynamic, &typ)).unwrap();
    assert_eq!(hm.len(), 2);
}

#[test]
fn lenient_and_strict_fits() {
    let mut out = Vec::new();
    assert!(CqlValue::Text("a".into())
        .serialize(&ColumnType::Ascii, &mut out)
        .is_ok());
    assert!(CqlValue::Text("é".into())
        .serialize(&ColumnType::Ascii, &mut out)
        .is_err());
    assert!(CqlValue::Counter(1)
        .serialize(&ColumnType::Bigint, &mut out)
        .is_ok());
    assert!(CqlValue::Uuid(uuid::Uuid::nil())
        .serialize(&ColumnType::Timeuuid, &mut out)
        .is_err());
    assert!(CqlValue::Time(-1)
        .serialize(&ColumnType::Time, &mut out)
        .is_err());
    assert!(CqlValue::Set(vec![CqlValue::Int(1)])
        .serialize(&list(ColumnType::Int), &mut out)
        .is_ok());
    out.clear();
    assert_eq!(
        CqlValue::Int(1).serialize(&ColumnType::Bigint, &mut out),
        Err(SerializeError::TypeMismatch(TypeCheckError::Mismatch {
            rust_type: "CqlValue::Int",
            cql_type: ColumnType::Bigint
        }))
    );
    assert!(CqlValue::List(vec![CqlValue::Text("x".into())])
        .serialize(&list(ColumnType::Int), &mut out)
        .is_err());
    let tuple_typ = ColumnType::Tuple(vec![ColumnType::Int]);
    assert!(CqlValue::Tuple(vec![None, None])
        .serialize(&tuple_typ, &mut out)
        .is_err());
    assert!(out.is_empty());
    assert_eq!(
        CqlValue::deserialize(&ColumnType::Int, None),
        Err(DeserializeError::UnexpectedNull)
    );
    assert_eq!(
        Option::<CqlValue>::deserialize(&ColumnType::Int, None),
        Ok(None)
    );
}

#[test]
fn nesting_depth_is_capped() {
    let mut typ = ColumnType::Int;
    let mut value = CqlValue::Int(1);
    for _ in 0..MAX_NESTING_DEPTH + 2 {
        typ = list(typ);
        value = CqlValue::List(vec![value]);
    }
    let mut out = Vec::new();
    assert!(value.serialize(&typ, &mut out).is_err());
    // Build the bytes by hand: each level is a one-element list.
    let mut bytes = 1i32.to_be_bytes().to_vec();
    for _ in 0..MAX_NESTING_DEPTH + 2 {
        let mut outer = vec![0, 0, 0, 1];
        outer.extend_from_slice(&(bytes.len() as i32).to_be_bytes());
        outer.extend_from_slice(&bytes);
        bytes = outer;
    }
    assert!(cql_value_from_bytes(&typ, &bytes).is_err());
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Decodes `bytes` as `typ` with every decoder that fits; only the absence of panics matters here,
/// plus: whatever decodes must re-encode and decode to the same value.
fn decode_all(typ: &ColumnType, bytes: &[u8]) {
    if let Ok(v) = cql_value_from_bytes(typ, bytes) {
        let mut out = Vec::new();
        if v.serialize(typ, &mut out).is_ok() {
            // Decoding the re-encoded value gives the same value (compared through its bytes,
            // so NaN compares equal to itself).
            let again = cql_value_from_bytes(typ, &out[4..]).unwrap();
            let mut out2 = Vec::new();
            again.serialize(typ, &mut out2).unwrap();
            assert_eq!(out, out2, "{typ:?} {bytes:?}");
        }
    }
    let _ = Vec::<i32>::deserialize(typ, Some(bytes));
    let _ = Vec::<String>::deserialize(typ, Some(bytes));
    let _ = BTreeMap::<String, Vec<i64>>::deserialize(typ, Some(bytes));
    let _ = <(i32, Option<String>)>::deserialize(typ, Some(bytes));
    let _ = <chrono::NaiveDate>::deserialize(typ, Some(bytes));
    let _ = <chrono::NaiveTime>::deserialize(typ, Some(bytes));
    let _ = <chrono::DateTime<chrono::Utc>>::deserialize(typ, Some(bytes));
    let _ = CqlDuration::deserialize(typ, Some(bytes));
    let _ = bigdecimal::BigDecimal::deserialize(typ, Some(bytes));
}

#[test]
fn garbage_and_truncated_input_never_panics() {
    let mut types: Vec<ColumnType> = samples().into_iter().map(|(t, _)| t).collect();
    types.push(ColumnType::Vector(Box::new(ColumnType::Text), 4));
    types.push(ColumnType::Map(
        Box::new(ColumnType::Text),
        Box::new(list(ColumnType::Bigint)),
    ));
    types.push(ColumnType::Tuple(vec![ColumnType::Int, ColumnType::Text]));
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    // Random bytes, biased towards small lengths and prefixes that look like counts.
    for _ in 0..4000 {
        let len = rng.below(48);
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        if len >= 4 && rng.below(2) == 0 {
            bytes[0] = 0;
            bytes[1] = 0;
            bytes[2] = 0;
        }
        for typ in &types {
            decode_all(typ, &bytes);
        }
    }
    // Every prefix and every single-byte corruption of valid values.
    for (typ, v) in samples() {
        let bytes = ser(&v, &typ);
        let body = &bytes[4..];
        for cut in 0..body.len() {
            decode_all(&typ, &body[..cut]);
        }
        for i in 0..body.len() {
            let mut corrupt = body.to_vec();
            corrupt[i] ^= 1 << rng.below(8);
            decode_all(&typ, &corrupt);
        }
    }
}
