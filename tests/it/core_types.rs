//! Every CQL type round-tripped through prepared statements over real TCP against ringbolt-sim,
//! on v4 and v5, as dynamic `CqlValue`s and as Rust types; nulls and unset values.
//! Addresses: 127.0.48.x.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv6Addr};
use std::str::FromStr;

use bigdecimal::BigDecimal;
use num_bigint::BigInt;
use ringbolt::types::{
    Counter, CqlDate, CqlDuration, CqlTime, CqlTimestamp, CqlValue, Row, SerializeValue, Unset,
};
use uuid::Uuid;

use crate::core_support::{session_with_keyspace, sim, start, VERSIONS};

const COLUMNS: &str = "id int PRIMARY KEY, a ascii, b bigint, bl blob, bo boolean, d date, \
    de decimal, dbl double, du duration, f float, i inet, n int, s smallint, t text, ti time, \
    ts timestamp, tu timeuuid, tn tinyint, u uuid, vi varint, l list<int>, se set<text>, \
    m map<text, int>, tup tuple<int, text, boolean>, ud frozen<address>, \
    nested map<text, frozen<list<frozen<set<int>>>>>, fl frozen<list<frozen<map<int, text>>>>, \
    vec vector<float, 3>";

/// One value per column (besides `id`), in declaration order.
fn sample() -> Vec<(&'static str, CqlValue)> {
    vec![
        ("a", CqlValue::Ascii("plain ascii".into())),
        ("b", CqlValue::Bigint(-9_000_000_000_123)),
        ("bl", CqlValue::Blob(vec![0, 1, 2, 0xfe, 0xff])),
        ("bo", CqlValue::Boolean(true)),
        ("d", CqlValue::Date((1u32 << 31) + 19_000)),
        (
            "de",
            CqlValue::Decimal(BigDecimal::from_str("-12345.6789").unwrap()),
        ),
        ("dbl", CqlValue::Double(-1234.5678e-9)),
        (
            "du",
            CqlValue::Duration(CqlDuration {
                months: 1,
                days: 2,
                nanoseconds: 3_000_000_004,
            }),
        ),
        ("f", CqlValue::Float(1.5)),
        (
            "i",
            CqlValue::Inet(IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1))),
        ),
        ("n", CqlValue::Int(-42)),
        ("s", CqlValue::Smallint(-32_000)),
        ("t", CqlValue::Text("héllo ✓ wörld".into())),
        ("ti", CqlValue::Time(13 * 3_600_000_000_000 + 5)),
        ("ts", CqlValue::Timestamp(1_700_000_000_123)),
        (
            "tu",
            CqlValue::Timeuuid(Uuid::parse_str("8e14e760-7fa8-11ee-b962-0242ac120002").unwrap()),
        ),
        ("tn", CqlValue::Tinyint(-7)),
        (
            "u",
            CqlValue::Uuid(Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef)),
        ),
        (
            "vi",
            CqlValue::Varint(BigInt::from_str("-123456789012345678901234567890").unwrap()),
        ),
        (
            "l",
            CqlValue::List(vec![CqlValue::Int(3), CqlValue::Int(1), CqlValue::Int(3)]),
        ),
        (
            "se",
            CqlValue::Set(vec![CqlValue::Text("a".into()), CqlValue::Text("b".into())]),
        ),
        (
            "m",
            CqlValue::Map(vec![
                (CqlValue::Text("x".into()), CqlValue::Int(1)),
                (CqlValue::Text("y".into()), CqlValue::Int(2)),
            ]),
        ),
        (
            "tup",
            CqlValue::Tuple(vec![
                Some(CqlValue::Int(5)),
                None,
                Some(CqlValue::Boolean(false)),
            ]),
        ),
        (
            "ud",
            CqlValue::Udt {
                keyspace: "types".into(),
                name: "address".into(),
                fields: vec![
                    ("street".into(), Some(CqlValue::Text("Main St".into()))),
                    ("zip".into(), None),
                    (
                        "tags".into(),
                        Some(CqlValue::Set(vec![CqlValue::Text("home".into())])),
                    ),
                ],
            },
        ),
        (
            "nested",
            CqlValue::Map(vec![(
                CqlValue::Text("k".into()),
                CqlValue::List(vec![
                    CqlValue::Set(vec![CqlValue::Int(1), CqlValue::Int(2)]),
                    CqlValue::Set(vec![CqlValue::Int(3)]),
                ]),
            )]),
        ),
        (
            "fl",
            CqlValue::List(vec![CqlValue::Map(vec![(
                CqlValue::Int(1),
                CqlValue::Text("one".into()),
            )])]),
        ),
        (
            "vec",
            CqlValue::Vector(vec![
                CqlValue::Float(1.0),
                CqlValue::Float(-2.5),
                CqlValue::Float(3.25),
            ]),
        ),
    ]
}

async fn set_up(session: &ringbolt::session::Session) {
    session
        .query(
            "CREATE TYPE address (street text, zip int, tags frozen<set<text>>)",
            (),
        )
        .await
        .unwrap();
    session
        .query(format!("CREATE TABLE all_types ({COLUMNS})"), ())
        .await
        .unwrap();
}

fn insert_text(names: &[&str]) -> String {
    let markers = vec!["?"; names.len() + 1].join(", ");
    format!(
        "INSERT INTO all_types (id, {}) VALUES ({markers})",
        names.join(", ")
    )
}

#[tokio::test]
async fn every_type_round_trips_as_cql_value() {
    for (i, version) in VERSIONS.into_iter().enumerate() {
        let cluster = start(sim(&format!("127.0.48.{}", i + 1))).await;
        let session = session_with_keyspace(&cluster, version, "types").await;
        set_up(&session).await;
        let sample = sample();
        let names: Vec<&str> = sample.iter().map(|(n, _)| *n).collect();
        let insert = session.prepare(insert_text(&names)).await.unwrap();

        // Row 1: every value; row 2: every value null.
        let mut values = vec![Some(CqlValue::Int(1))];
        values.extend(sample.iter().map(|(_, v)| Some(v.clone())));
        session.execute(&insert, &values).await.unwrap();
        let mut nulls = vec![Some(CqlValue::Int(2))];
        nulls.extend(sample.iter().map(|_| None::<CqlValue>));
        session.execute(&insert, &nulls).await.unwrap();

        let select = session
            .prepare(format!(
                "SELECT {} FROM all_types WHERE id = ?",
                names.join(", ")
            ))
            .await
            .unwrap();
        let row: Row = session
            .execute(&select, (1,))
            .await
            .unwrap()
            .single_row()
            .unwrap();
        for (name, expected) in &sample {
            assert_eq!(
                row.get_by_name(name),
                Some(expected),
                "column {name} on {version:?}"
            );
        }
        let row: Row = session
            .execute(&select, (2,))
            .await
            .unwrap()
            .single_row()
            .unwrap();
        for (name, _) in &sample {
            assert_eq!(row.get_by_name(name), None, "column {name} on {version:?}");
        }

        // Unset leaves the stored value alone; null deletes it.
        let update = session
            .prepare("UPDATE all_types SET t = ?, n = ? WHERE id = ?")
            .await
            .unwrap();
        let values: Vec<&dyn SerializeValue> = vec![&Unset, &None::<i32>, &1];
        session.execute(&update, values).await.unwrap();
        let (t, n): (Option<String>, Option<i32>) = session
            .query("SELECT t, n FROM all_types WHERE id = 1", ())
            .await
            .unwrap()
            .first_row()
            .unwrap();
        assert_eq!(t.as_deref(), Some("héllo ✓ wörld"));
        assert_eq!(n, None);

        // Counter columns live in their own table.
        session
            .query("CREATE TABLE counters (id int PRIMARY KEY, c counter)", ())
            .await
            .unwrap();
        let bump = session
            .prepare("UPDATE counters SET c = c + ? WHERE id = ?")
            .await
            .unwrap();
        session.execute(&bump, (Counter(41), 1)).await.unwrap();
        session
            .execute(&bump, vec![CqlValue::Counter(1), CqlValue::Int(1)])
            .await
            .unwrap();
        let row: Row = session
            .query("SELECT c FROM counters WHERE id = 1", ())
            .await
            .unwrap()
            .single_row()
            .unwrap();
        assert_eq!(row.get(0), Some(&CqlValue::Counter(42)));
        session.close().await;
    }
}

#[tokio::test]
async fn rust_types_round_trip() {
    for (i, version) in VERSIONS.into_iter().enumerate() {
        let cluster = start(sim(&format!("127.0.48.{}", i + 11))).await;
        let session = session_with_keyspace(&cluster, version, "types").await;
        set_up(&session).await;

        let scalars = session
            .prepare(insert_text(&[
                "a", "b", "bl", "bo", "d", "de", "dbl", "du", "f", "i", "n", "s",
            ]))
            .await
            .unwrap();
        let decimal = BigDecimal::from_str("3.14159").unwrap();
        let duration = CqlDuration {
            months: -1,
            days: -2,
            nanoseconds: -3,
        };
        let inet: IpAddr = "192.0.2.7".parse().unwrap();
        let blob = vec![9u8, 8, 7];
        let row1: Vec<&dyn SerializeValue> = vec![
            &7,
            &"ascii",
            &i64::MIN,
            &blob,
            &false,
            &CqlDate(1 << 31),
            &decimal,
            &-0.25f64,
            &duration,
            &f32::MAX,
            &inet,
            &i32::MAX,
            &i16::MIN,
        ];
        session.execute(&scalars, row1).await.unwrap();
        type Scalars = (
            String,
            i64,
            Vec<u8>,
            bool,
            CqlDate,
            BigDecimal,
            f64,
            CqlDuration,
            f32,
            IpAddr,
            i32,
            i16,
        );
        let got: Scalars = session
            .query(
                "SELECT a, b, bl, bo, d, de, dbl, du, f, i, n, s FROM all_types WHERE id = ?",
                (7,),
            )
            .await
            .unwrap()
            .single_row()
            .unwrap();
        assert_eq!(
            got,
            (
                "ascii".to_string(),
                i64::MIN,
                vec![9, 8, 7],
                false,
                CqlDate(1 << 31),
                decimal.clone(),
                -0.25,
                duration,
                f32::MAX,
                inet,
                i32::MAX,
                i16::MIN
            )
        );

        let rest = session
            .prepare(insert_text(&[
                "t", "ti", "ts", "tu", "tn", "u", "vi", "l", "se", "m", "tup", "nested", "vec",
            ]))
            .await
            .unwrap();
        let timeuuid = Uuid::parse_str("8e14e760-7fa8-11ee-b962-0242ac120002").unwrap();
        let uuid = Uuid::from_u128(42);
        let varint = BigInt::from(-1) << 100;
        let list = vec![1, 2, 3];
        let set: BTreeSet<String> = ["p".to_string(), "q".to_string()].into();
        let map: BTreeMap<String, i32> = [("k".to_string(), 9)].into();
        let tuple = (1, "two".to_string(), true);
        let nested: BTreeMap<String, Vec<BTreeSet<i32>>> = [(
            "n".to_string(),
            vec![BTreeSet::from([4, 5]), BTreeSet::from([6])],
        )]
        .into();
        let vector = [0.5f32, 1.5, 2.5];
        let row2: Vec<&dyn SerializeValue> = vec![
            &8,
            &"text ✓",
            &CqlTime(86_399_999_999_999),
            &CqlTimestamp(-1_000),
            &timeuuid,
            &i8::MIN,
            &uuid,
            &varint,
            &list,
            &set,
            &map,
            &tuple,
            &nested,
            &vector,
        ];
        session.execute(&rest, row2).await.unwrap();
        let result = session
            .query(
                "SELECT t, ti, ts, tu, tn, u, vi, l, se, m, tup, nested, vec FROM all_types WHERE id = ?",
                (8,),
            )
            .await
            .unwrap();
        type Rest = (
            String,
            CqlTime,
            CqlTimestamp,
            Uuid,
            i8,
            Uuid,
            BigInt,
            Vec<i32>,
            BTreeSet<String>,
            BTreeMap<String, i32>,
            (i32, String, bool),
            BTreeMap<String, Vec<BTreeSet<i32>>>,
            [f32; 3],
        );
        let got: Rest = result.single_row().unwrap();
        let (t, ti, ts, tu, tn, u, vi, l, se, m, tup, nst, vec) = got;
        assert_eq!(
            (t, ti, ts, tu, tn, u, vi),
            (
                "text ✓".to_string(),
                CqlTime(86_399_999_999_999),
                CqlTimestamp(-1_000),
                timeuuid,
                i8::MIN,
                uuid,
                varint
            )
        );
        assert_eq!(
            (l, se, m, tup, nst, vec),
            (list, set, map, tuple, nested, vector)
        );
        // Options read nulls.
        let (a, l): (Option<String>, Option<Vec<i32>>) = session
            .query("SELECT a, l FROM all_types WHERE id = 8", ())
            .await
            .unwrap()
            .single_row()
            .unwrap();
        assert_eq!((a, l), (None, Some(vec![1, 2, 3])));
        session.close().await;
    }
}
