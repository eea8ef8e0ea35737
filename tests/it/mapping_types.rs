//! Field types of derived tables round-tripped through `ringbolt-sim`: user types (frozen, in
//! collections, nested), every collection kind, tuples, nulls, every scalar type, `#[skip]`,
//! `#[column(name = ...)]`, timeuuid clustering and static columns.
//!
//! Addresses (range p5): 127.0.64.1 user types and statics, 127.0.65.1 collections,
//! 127.0.66.1 scalars.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::net::IpAddr;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use ringbolt::mapping::{Prepared, Statement, Table as _};
use ringbolt::protocol::ProtocolVersion;
use ringbolt::session::Session;
use ringbolt::types::{CqlDecimal, CqlDuration, CqlVarint};
use ringbolt::{Table, UserType};
use uuid::Uuid;

use super::mapping_support::{create_schema, start};

#[derive(Debug, Clone, PartialEq, UserType)]
struct Coordinates {
    lat: f64,
    lon: f64,
}

#[derive(Debug, Clone, PartialEq, UserType)]
#[user_type(name = "postal_address")]
struct Address {
    street: String,
    #[field(name = "zip_code")]
    zip: Option<i32>,
    at: Option<Coordinates>,
    lines: Vec<String>,
}

/// A table in the session's keyspace (no `keyspace` attribute), keyed by a timeuuid version.
#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "profiles")]
#[query(
    name = "versions_before",
    cql = "SELECT * FROM profiles WHERE user_id = ? AND version < ? LIMIT ?"
)]
struct Profile {
    #[partition_key]
    #[column(name = "user_id")]
    id: Uuid,
    #[clustering_key(desc)]
    #[column(timeuuid)]
    version: Uuid,
    #[static_column]
    display_name: Option<String>,
    home: Option<Address>,
    past: Vec<Address>,
    by_label: BTreeMap<String, Address>,
    #[column(name = "nick")]
    nickname: Option<String>,
    #[skip]
    cache: Option<String>,
}

/// A table in another keyspace than the session's, using a type that names no keyspace: the
/// type is created in the table's keyspace.
#[derive(Debug, Clone, PartialEq, Table)]
#[table(keyspace = "places")]
struct Landmark {
    #[partition_key]
    name: String,
    at: Coordinates,
    nearby: Vec<Coordinates>,
}

async fn prepare<A, O>(session: &Session, statement: Statement<A, O>) -> Prepared<A, O> {
    session
        .prepare_typed(statement)
        .await
        .unwrap_or_else(|e| panic!("prepare {}: {e:?}", statement.cql()))
}

/// A version 1 (time-based) UUID whose timestamp grows with `n`.
fn timeuuid(n: u64) -> Uuid {
    let ts = uuid::Timestamp::from_unix(uuid::NoContext, 1_700_000_000 + n, 0);
    Uuid::new_v1(ts, &[1, 2, 3, 4, 5, 6])
}

fn address(street: &str) -> Address {
    Address {
        street: street.into(),
        zip: Some(75001),
        at: Some(Coordinates {
            lat: 48.86,
            lon: 2.35,
        }),
        lines: vec!["floor 3".into(), "door b".into()],
    }
}

type ProfileRow = (
    Uuid,
    Uuid,
    Option<String>,
    Option<Address>,
    Vec<Address>,
    BTreeMap<String, Address>,
    Option<String>,
);

fn row(p: &Profile) -> ProfileRow {
    (
        p.id,
        p.version,
        p.display_name.clone(),
        p.home.clone(),
        p.past.clone(),
        p.by_label.clone(),
        p.nickname.clone(),
    )
}

#[tokio::test]
async fn user_types_statics_and_timeuuids_round_trip() {
    let fx = start(64, "people", ProtocolVersion::V5).await;
    let s = &fx.session;
    // The nested type is created before the type that uses it.
    assert_eq!(Profile::create_types_cql().len(), 2);
    create_schema::<Profile>(s).await;

    let user = Uuid::from_u128(42);
    let v1 = Profile {
        id: user,
        version: timeuuid(1),
        display_name: Some("Ada".into()),
        home: Some(address("1 rue de Rivoli")),
        past: vec![
            address("old street"),
            Address {
                street: "no zip".into(),
                zip: None,
                at: None,
                lines: Vec::new(),
            },
        ],
        by_label: BTreeMap::from([
            ("work".to_owned(), address("office")),
            ("home".to_owned(), address("house")),
        ]),
        nickname: Some("ada".into()),
        cache: Some("not stored".into()),
    };
    let insert = prepare(s, Profile::insert()).await;
    s.execute_typed(&insert, row(&v1)).await.unwrap();
    let get = prepare(s, Profile::get()).await;
    let got = s
        .fetch_optional(&get, (user, v1.version))
        .await
        .unwrap()
        .expect("the row");
    // `#[skip]` fields are not stored: they come back as their default.
    assert_eq!(
        got,
        Profile {
            cache: None,
            ..v1.clone()
        }
    );

    // Nulls: every Option field None, empty collections.
    let v2 = Profile {
        id: user,
        version: timeuuid(2),
        display_name: None,
        home: None,
        past: Vec::new(),
        by_label: BTreeMap::new(),
        nickname: None,
        cache: None,
    };
    s.execute_typed(&insert, row(&v2)).await.unwrap();
    let got2 = s
        .fetch_optional(&get, (user, v2.version))
        .await
        .unwrap()
        .expect("the row");
    assert_eq!(got2.home, None);
    assert_eq!(got2.nickname, None);
    assert!(got2.past.is_empty() && got2.by_label.is_empty());
    // The static column is one value per partition: the null written with v2 cleared it for
    // v1 as well.
    assert_eq!(got2.display_name, None);
    let v1_now = s
        .fetch_optional(&get, (user, v1.version))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(v1_now.display_name, None);
    assert_eq!(v1_now.home, v1.home);

    // An update of one row sets the static column for the whole partition.
    let update = prepare(s, Profile::update()).await;
    s.execute_typed(
        &update,
        (
            Some("Ada L.".to_owned()),
            v1.home.clone(),
            v1.past.clone(),
            v1.by_label.clone(),
            Some("countess".to_owned()),
            user,
            v1.version,
        ),
    )
    .await
    .unwrap();
    let partition = prepare(s, Profile::select_partition()).await;
    let rows = s.fetch_all(&partition, (user,)).await.unwrap();
    // Clustering order is DESC: the newer timeuuid first.
    let versions: Vec<Uuid> = rows.iter().map(|r| r.version).collect();
    assert_eq!(versions, [v2.version, v1.version]);
    assert!(rows
        .iter()
        .all(|r| r.display_name.as_deref() == Some("Ada L.")));
    assert_eq!(rows[1].nickname.as_deref(), Some("countess"));

    // Timeuuids compare by time: a range on the clustering column and a hand-written `<`.
    for n in 3..8 {
        let p = Profile {
            version: timeuuid(n),
            ..v2.clone()
        };
        s.execute_typed(&insert, row(&p)).await.unwrap();
    }
    let range = prepare(s, Profile::select_range_version()).await;
    let got = s
        .fetch_all(&range, (user, timeuuid(2), timeuuid(5)))
        .await
        .unwrap();
    let got: Vec<Uuid> = got.iter().map(|r| r.version).collect();
    assert_eq!(got, [timeuuid(4), timeuuid(3), timeuuid(2)]);
    let before = prepare(s, Profile::versions_before()).await;
    let got = s.fetch_all(&before, (user, timeuuid(6), 2)).await.unwrap();
    let got: Vec<Uuid> = got.iter().map(|r| r.version).collect();
    assert_eq!(got, [timeuuid(5), timeuuid(4)]);

    s.query(
        "CREATE KEYSPACE places WITH replication = \
         {'class': 'SimpleStrategy', 'replication_factor': 1}",
        (),
    )
    .await
    .unwrap();
    create_schema::<Landmark>(s).await;
    let landmark = Landmark {
        name: "tower".into(),
        at: Coordinates {
            lat: 48.85,
            lon: 2.29,
        },
        nearby: vec![Coordinates { lat: 1.0, lon: 2.0 }],
    };
    let insert = prepare(s, Landmark::insert()).await;
    s.execute_typed(
        &insert,
        (
            landmark.name.clone(),
            landmark.at.clone(),
            landmark.nearby.clone(),
        ),
    )
    .await
    .unwrap();
    let get = prepare(s, Landmark::get()).await;
    assert_eq!(
        s.fetch_optional(&get, ("tower".into(),)).await.unwrap(),
        Some(landmark)
    );
}

/// Every collection kind, nested collections and tuples (the table name is derived from the
/// struct's name).
#[derive(Debug, Clone, PartialEq, Table)]
#[table(keyspace = "bags")]
#[query(
    name = "add_tags",
    cql = "UPDATE bags.collection_bag SET tags = tags + ? WHERE id = ?"
)]
#[query(
    name = "by_ids",
    cql = "SELECT id, numbers FROM collection_bag WHERE id IN ?"
)]
struct CollectionBag {
    #[partition_key]
    id: i32,
    numbers: Vec<i32>,
    tags: HashSet<String>,
    ordered: BTreeSet<i64>,
    scores: HashMap<String, i32>,
    groups: BTreeMap<i32, Vec<String>>,
    matrix: Vec<Vec<i32>>,
    sets: Vec<BTreeSet<i32>>,
    pair: (i32, String, Option<bool>),
    blob: Vec<u8>,
    blobs: Vec<Vec<u8>>,
    maybe: Option<Vec<i32>>,
}

#[tokio::test]
async fn every_collection_kind_round_trips() {
    let fx = start(65, "bags", ProtocolVersion::V4).await;
    let s = &fx.session;
    create_schema::<CollectionBag>(s).await;
    let full = CollectionBag {
        id: 1,
        numbers: vec![3, 1, 2, 1],
        tags: HashSet::from(["a".to_owned(), "b".to_owned()]),
        ordered: BTreeSet::from([9, -3, 4]),
        scores: HashMap::from([("x".to_owned(), 1), ("y".to_owned(), -2)]),
        groups: BTreeMap::from([(2, vec!["p".to_owned()]), (1, vec![])]),
        matrix: vec![vec![1, 2], vec![], vec![3]],
        sets: vec![BTreeSet::from([5, 6])],
        pair: (7, "seven".into(), None),
        blob: vec![0, 255, 7],
        blobs: vec![vec![1], vec![]],
        maybe: Some(vec![8]),
    };
    let insert = prepare(s, CollectionBag::insert()).await;
    let values = (
        full.id,
        full.numbers.clone(),
        full.tags.clone(),
        full.ordered.clone(),
        full.scores.clone(),
        full.groups.clone(),
        full.matrix.clone(),
        full.sets.clone(),
        full.pair.clone(),
        full.blob.clone(),
        full.blobs.clone(),
        full.maybe.clone(),
    );
    s.execute_typed(&insert, values).await.unwrap();
    let get = prepare(s, CollectionBag::get()).await;
    assert_eq!(
        s.fetch_optional(&get, (1,)).await.unwrap().as_ref(),
        Some(&full)
    );

    // Empty collections are stored as null by Cassandra and read back as empty.
    let empty = CollectionBag {
        id: 2,
        numbers: Vec::new(),
        tags: HashSet::new(),
        ordered: BTreeSet::new(),
        scores: HashMap::new(),
        groups: BTreeMap::new(),
        matrix: Vec::new(),
        sets: Vec::new(),
        pair: (0, String::new(), Some(true)),
        blob: Vec::new(),
        blobs: Vec::new(),
        maybe: None,
    };
    let values = (
        empty.id,
        empty.numbers.clone(),
        empty.tags.clone(),
        empty.ordered.clone(),
        empty.scores.clone(),
        empty.groups.clone(),
        empty.matrix.clone(),
        empty.sets.clone(),
        empty.pair.clone(),
        empty.blob.clone(),
        empty.blobs.clone(),
        empty.maybe.clone(),
    );
    s.execute_typed(&insert, values).await.unwrap();
    assert_eq!(
        s.fetch_optional(&get, (2,)).await.unwrap().as_ref(),
        Some(&empty)
    );

    // Adding to a set with a hand-written update; reading with IN ? on the partition key.
    let add = prepare(s, CollectionBag::add_tags()).await;
    assert!(add.is_idempotent());
    s.execute_typed(&add, (HashSet::from(["c".to_owned(), "a".to_owned()]), 1))
        .await
        .unwrap();
    let got = s.fetch_optional(&get, (1,)).await.unwrap().unwrap();
    assert_eq!(
        got.tags,
        HashSet::from(["a".to_owned(), "b".to_owned(), "c".to_owned()])
    );
    let by_ids = prepare(s, CollectionBag::by_ids()).await;
    let mut got = s.fetch_all(&by_ids, (vec![2, 1, 3],)).await.unwrap();
    got.sort_by_key(|(id, _)| *id);
    assert_eq!(got, [(1, vec![3, 1, 2, 1]), (2, Vec::new())]);
}

/// One column of each scalar type.
#[derive(Debug, Clone, PartialEq, Table)]
#[table(keyspace = "scalars")]
struct Scalars {
    #[partition_key]
    id: i64,
    #[partition_key]
    shard: i8,
    small: i16,
    ratio: f32,
    exact: f64,
    flag: Option<bool>,
    at: DateTime<Utc>,
    day: NaiveDate,
    time: NaiveTime,
    ip: IpAddr,
    span: CqlDuration,
    price: CqlDecimal,
    huge: CqlVarint,
    bytes: bytes::Bytes,
    uid: Uuid,
    #[column(name = "label")]
    name: String,
}

#[tokio::test]
async fn every_scalar_type_round_trips() {
    let fx = start(66, "scalars", ProtocolVersion::V5).await;
    let s = &fx.session;
    create_schema::<Scalars>(s).await;
    let v = Scalars {
        id: i64::MIN,
        shard: -3,
        small: i16::MAX,
        ratio: 1.5,
        exact: -0.25,
        flag: None,
        at: DateTime::from_timestamp_millis(1_700_000_000_123).unwrap(),
        day: NaiveDate::from_ymd_opt(1969, 7, 20).unwrap(),
        time: NaiveTime::from_hms_nano_opt(23, 59, 58, 999_999_999).unwrap(),
        ip: "2001:db8::1".parse().unwrap(),
        span: CqlDuration {
            months: 1,
            days: 2,
            nanoseconds: 3,
        },
        price: CqlDecimal {
            scale: 2,
            unscaled: CqlVarint::from(-12_345i64),
        },
        huge: CqlVarint::from(i64::MAX),
        bytes: bytes::Bytes::from_static(b"\x00\x01"),
        uid: Uuid::from_u128(7),
        name: "scalar".into(),
    };
    let insert = prepare(s, Scalars::insert()).await;
    s.execute_typed(
        &insert,
        (
            v.id,
            v.shard,
            v.small,
            v.ratio,
            v.exact,
            v.flag,
            v.at,
            v.day,
            v.time,
            v.ip,
            v.span,
            v.price.clone(),
            v.huge.clone(),
            v.bytes.clone(),
            v.uid,
            v.name.clone(),
        ),
    )
    .await
    .unwrap();
    let get = prepare(s, Scalars::get()).await;
    assert_eq!(
        s.fetch_optional(&get, (v.id, v.shard)).await.unwrap(),
        Some(v.clone())
    );
    assert_eq!(s.fetch_optional(&get, (v.id, 0)).await.unwrap(), None);
}
