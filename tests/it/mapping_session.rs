//! Every statement `#[derive(Table)]` generates, run through a real `Session` against an
//! in-process `ringbolt-sim` cluster: the schema comes from `create_table_cql()`, and each
//! statement is checked by reading back what it wrote.
//!
//! Addresses (range p5): 127.0.60.1 CRUD, 127.0.61.1 paging, 127.0.62.1 idempotency,
//! 127.0.63.1 routing keys.

use futures::StreamExt;
use ringbolt::mapping::{Prepared, Statement};
use ringbolt::protocol::ProtocolVersion;
use ringbolt::session::Session;
use ringbolt::types::{DeserializeRow, SerializeRow};
use ringbolt::Table;
use tokio::time::timeout;

use super::mapping_support::{create_schema, start, TIMEOUT};

/// A table with a composite partition key and two clustering columns.
#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "readings", keyspace = "metrics")]
#[query(
    name = "latest",
    cql = "SELECT * FROM metrics.readings WHERE sensor = ? AND day = ? \
           ORDER BY bucket DESC, seq DESC LIMIT ?"
)]
#[query(
    name = "on_days",
    cql = "SELECT seq, value FROM readings WHERE sensor = ? AND day IN ? AND bucket = ?"
)]
#[query(
    name = "set_note",
    cql = "UPDATE readings SET note = ? WHERE sensor = ? AND day = ? AND bucket = ? AND seq = ? \
           IF EXISTS"
)]
#[query(
    name = "in_buckets",
    cql = "SELECT * FROM readings WHERE sensor = :sensor AND day = :day AND bucket IN :buckets"
)]
#[query(
    name = "insert_with_ttl",
    cql = "INSERT INTO readings (sensor, day, bucket, seq, value) VALUES (?, ?, ?, ?, ?) USING TTL ?"
)]
#[query(
    name = "clear_note",
    cql = "DELETE note FROM readings WHERE sensor = ? AND day = ? AND bucket = ? AND seq = ?"
)]
struct Reading {
    #[partition_key]
    sensor: String,
    #[partition_key]
    day: i32,
    #[clustering_key]
    bucket: i32,
    #[clustering_key]
    seq: i64,
    value: f64,
    note: Option<String>,
}

impl Reading {
    fn new(sensor: &str, day: i32, bucket: i32, seq: i64) -> Reading {
        Reading {
            sensor: sensor.to_owned(),
            day,
            bucket,
            seq,
            value: seq as f64 / 2.0,
            note: None,
        }
    }

    fn row(&self) -> (String, i32, i32, i64, f64, Option<String>) {
        (
            self.sensor.clone(),
            self.day,
            self.bucket,
            self.seq,
            self.value,
            self.note.clone(),
        )
    }
}

/// A counter table, for the idempotency of increments.
#[derive(Debug, Table)]
#[table(keyspace = "metrics")]
struct Hits {
    #[partition_key]
    page: String,
    #[counter]
    views: i64,
}

async fn prepare<A, O>(session: &Session, statement: Statement<A, O>) -> Prepared<A, O> {
    session
        .prepare_typed(statement)
        .await
        .unwrap_or_else(|e| panic!("prepare {}: {e:?}", statement.cql()))
}

/// Every row the statement returns, across all pages.
async fn all<A: SerializeRow, O>(session: &Session, p: &Prepared<A, O>, args: A) -> Vec<O>
where
    O: for<'f> DeserializeRow<'f>,
{
    timeout(TIMEOUT, session.fetch_all(p, args))
        .await
        .expect("no hang")
        .unwrap_or_else(|e| panic!("{}: {e:?}", p.statement().text()))
}

#[tokio::test]
async fn generated_statements_round_trip_on_the_sim() {
    let fx = start(60, "metrics", ProtocolVersion::V5).await;
    let s = &fx.session;
    create_schema::<Reading>(s).await;

    let insert = prepare(s, Reading::insert()).await;
    let get = prepare(s, Reading::get()).await;
    let a = Reading::new("s1", 1, 0, 1);
    s.execute_typed(&insert, a.row()).await.unwrap();
    assert_eq!(
        s.fetch_optional(&get, ("s1".into(), 1, 0, 1))
            .await
            .unwrap(),
        Some(a.clone())
    );
    // Another day is another partition.
    assert_eq!(
        s.fetch_optional(&get, ("s1".into(), 2, 0, 1))
            .await
            .unwrap(),
        None
    );

    // A lightweight transaction: applied for a new row, not applied (row unchanged) for an
    // existing one.
    let lwt = prepare(s, Reading::insert_if_not_exists()).await;
    let b = Reading {
        note: Some("first".into()),
        ..Reading::new("s1", 1, 0, 2)
    };
    assert!(s.apply(&lwt, b.row()).await.unwrap());
    let b2 = Reading {
        value: 99.0,
        note: Some("second".into()),
        ..b.clone()
    };
    assert!(!s.apply(&lwt, b2.row()).await.unwrap());
    assert_eq!(
        s.fetch_optional(&get, ("s1".into(), 1, 0, 2))
            .await
            .unwrap(),
        Some(b.clone())
    );

    // Update: non-key columns first, then the key; a null clears the column.
    let update = prepare(s, Reading::update()).await;
    s.execute_typed(&update, (7.5, None, "s1".into(), 1, 0, 2))
        .await
        .unwrap();
    let updated = Reading {
        value: 7.5,
        note: None,
        ..b.clone()
    };
    assert_eq!(
        s.fetch_optional(&get, ("s1".into(), 1, 0, 2))
            .await
            .unwrap(),
        Some(updated.clone())
    );
    // A conditional hand-written update: applied on an existing row only.
    let set_note = prepare(s, Reading::set_note()).await;
    assert!(s
        .apply(&set_note, (Some("n".into()), "s1".into(), 1, 0, 2))
        .await
        .unwrap());
    assert!(!s
        .apply(&set_note, (Some("n".into()), "s1".into(), 1, 0, 3))
        .await
        .unwrap());
    assert_eq!(
        s.fetch_optional(&get, ("s1".into(), 1, 0, 3))
            .await
            .unwrap(),
        None,
        "IF EXISTS must not create the row"
    );
    s.execute_typed(&update, (7.5, None, "s1".into(), 1, 0, 2))
        .await
        .unwrap();

    // Rows in two buckets, for the clustering prefix and range reads.
    let mut rows = vec![a.clone(), updated.clone()];
    for bucket in 0..3 {
        for seq in 10..14 {
            let r = Reading::new("s1", 1, bucket, seq);
            s.execute_typed(&insert, r.row()).await.unwrap();
            rows.push(r);
        }
    }
    rows.sort_by_key(|r| (r.bucket, r.seq));
    let partition = prepare(s, Reading::select_partition()).await;
    assert_eq!(all(s, &partition, ("s1".into(), 1)).await, rows);

    let by_bucket = prepare(s, Reading::select_by_partition_and_bucket()).await;
    let bucket1: Vec<Reading> = rows.iter().filter(|r| r.bucket == 1).cloned().collect();
    assert_eq!(all(s, &by_bucket, ("s1".into(), 1, 1)).await, bucket1);

    let range_bucket = prepare(s, Reading::select_range_bucket()).await;
    let from_1: Vec<Reading> = rows.iter().filter(|r| r.bucket >= 1).cloned().collect();
    assert_eq!(all(s, &range_bucket, ("s1".into(), 1, 1, 3)).await, from_1);

    let range_seq = prepare(s, Reading::select_range_seq()).await;
    let middle: Vec<Reading> = rows
        .iter()
        .filter(|r| r.bucket == 2 && (11..13).contains(&r.seq))
        .cloned()
        .collect();
    assert_eq!(middle.len(), 2);
    assert_eq!(
        all(s, &range_seq, ("s1".into(), 1, 2, 11, 13)).await,
        middle
    );

    // Hand-written: ORDER BY ... DESC with LIMIT ?, and IN ? on a partition key column.
    let latest = prepare(s, Reading::latest()).await;
    let newest: Vec<Reading> = rows.iter().rev().take(3).cloned().collect();
    assert_eq!(all(s, &latest, ("s1".into(), 1, 3)).await, newest);
    s.execute_typed(&insert, Reading::new("s1", 5, 1, 40).row())
        .await
        .unwrap();
    let on_days = prepare(s, Reading::on_days()).await;
    let mut got = all(s, &on_days, ("s1".into(), vec![1, 5, 9], 1)).await;
    got.sort_by_key(|(seq, _)| *seq);
    let expected: Vec<(i64, f64)> = [10, 11, 12, 13, 40]
        .into_iter()
        .map(|seq| (seq, seq as f64 / 2.0))
        .collect();
    assert_eq!(got, expected);

    // Named markers, IN on a clustering column, USING TTL, deleting one column.
    let in_buckets = prepare(s, Reading::in_buckets()).await;
    let got = all(s, &in_buckets, ("s1".into(), 1, vec![2, 0])).await;
    let expected: Vec<Reading> = rows.iter().filter(|r| r.bucket != 1).cloned().collect();
    assert_eq!(got, expected);
    let with_ttl = prepare(s, Reading::insert_with_ttl()).await;
    s.execute_typed(&with_ttl, ("s1".into(), 9, 0, 1, 4.0, 3600))
        .await
        .unwrap();
    let note = Reading {
        note: Some("kept".into()),
        ..Reading::new("s1", 9, 0, 2)
    };
    s.execute_typed(&insert, note.row()).await.unwrap();
    // The same INSERT with its text values borrowed writes the same row.
    let sensor: &str = "s1";
    s.execute_borrowed(&insert, (sensor, 9, 0, 3, 5.5, &note.note))
        .await
        .unwrap();
    assert_eq!(
        s.fetch_optional(&get, ("s1".into(), 9, 0, 3))
            .await
            .unwrap(),
        Some(Reading {
            seq: 3,
            value: 5.5,
            ..note.clone()
        })
    );
    let delete_row = prepare(s, Reading::delete()).await;
    s.execute_borrowed(&delete_row, (sensor, &9, 0, &3_i64))
        .await
        .unwrap();
    let clear_note = prepare(s, Reading::clear_note()).await;
    s.execute_typed(&clear_note, ("s1".into(), 9, 0, 2))
        .await
        .unwrap();
    let got = all(s, &partition, ("s1".into(), 9)).await;
    assert_eq!(
        got,
        [
            Reading {
                value: 4.0,
                ..Reading::new("s1", 9, 0, 1)
            },
            Reading { note: None, ..note }
        ]
    );

    // Delete one row, then the whole partition.
    let delete = prepare(s, Reading::delete()).await;
    s.execute_typed(&delete, ("s1".into(), 1, 0, 1))
        .await
        .unwrap();
    assert_eq!(
        s.fetch_optional(&get, ("s1".into(), 1, 0, 1))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        all(s, &partition, ("s1".into(), 1)).await.len(),
        rows.len() - 1
    );
    let delete_partition = prepare(s, Reading::delete_partition()).await;
    s.execute_typed(&delete_partition, ("s1".into(), 1))
        .await
        .unwrap();
    assert!(all(s, &partition, ("s1".into(), 1)).await.is_empty());
    // The other partition is untouched.
    assert_eq!(all(s, &partition, ("s1".into(), 5)).await.len(), 1);
}

#[tokio::test]
async fn a_large_partition_is_read_page_by_page() {
    const ROWS: i64 = 2_500;
    let fx = start(61, "metrics", ProtocolVersion::V4).await;
    let s = &fx.session;
    create_schema::<Reading>(s).await;
    let insert = prepare(s, Reading::insert()).await;
    let mut writes = futures::stream::iter(0..ROWS)
        .map(|seq| {
            let insert = &insert;
            async move {
                s.execute_typed(insert, Reading::new("big", 7, (seq % 3) as i32, seq).row())
                    .await
            }
        })
        .buffer_unordered(32);
    while let Some(result) = timeout(TIMEOUT, writes.next()).await.expect("no hang") {
        result.unwrap();
    }

    let partition = prepare(s, Reading::select_partition())
        .await
        .with_page_size(100);
    let mut stream = s.stream_typed(&partition, ("big".into(), 7)).await.unwrap();
    let mut seen = Vec::new();
    // The paging states the stream went through: one per page but the last.
    let mut states: Vec<Vec<u8>> = Vec::new();
    while let Some(row) = timeout(TIMEOUT, stream.next()).await.expect("no hang") {
        let row = row.unwrap();
        seen.push((row.bucket, row.seq));
        if let Some(state) = stream.paging_state() {
            if states.last().map(Vec::as_slice) != Some(state.as_bytes()) {
                states.push(state.as_bytes().to_vec());
            }
        }
    }
    assert_eq!(seen.len(), ROWS as usize);
    assert_eq!(states.len(), 24, "2 500 rows in pages of 100");
    assert!(stream.paging_state().is_none());
    // In clustering order: bucket, then seq; every row once.
    let mut expected: Vec<(i32, i64)> = (0..ROWS).map(|seq| ((seq % 3) as i32, seq)).collect();
    expected.sort();
    assert_eq!(seen, expected);

    // `fetch_all` follows the pages as well.
    let rows = all(s, &partition, ("big".into(), 7)).await;
    assert_eq!(rows.len(), ROWS as usize);
    assert_eq!(rows[0], Reading::new("big", 7, 0, 0));

    // A range read over pages.
    let range = prepare(s, Reading::select_range_seq())
        .await
        .with_page_size(7);
    let got = all(s, &range, ("big".into(), 7, 1, 100, 400)).await;
    assert_eq!(got.len(), 100);
    assert!(got
        .iter()
        .all(|r| r.bucket == 1 && (100..400).contains(&r.seq)));
}

#[tokio::test]
async fn idempotency_reaches_the_executed_statement() {
    let fx = start(62, "metrics", ProtocolVersion::V5).await;
    let s = &fx.session;
    create_schema::<Reading>(s).await;
    create_schema::<Hits>(s).await;

    let increment = prepare(s, Hits::increment()).await;
    assert!(!Hits::increment().is_idempotent());
    assert!(!increment.statement().options().idempotent);
    let decrement = prepare(s, Hits::decrement()).await;
    assert!(!decrement.statement().options().idempotent);
    let get_hits = prepare(s, Hits::get()).await;
    assert!(get_hits.statement().options().idempotent);

    let insert = prepare(s, Reading::insert()).await;
    assert!(insert.statement().options().idempotent);
    assert!(insert.into_inner().is_idempotent());
    let lwt = prepare(s, Reading::insert_if_not_exists()).await;
    assert!(!lwt.statement().options().idempotent);
    assert!(prepare(s, Reading::update()).await.is_idempotent());
    assert!(prepare(s, Reading::delete()).await.is_idempotent());
    assert!(!prepare(s, Reading::set_note()).await.is_idempotent());

    // The same text prepared once as idempotent does not make a later non-idempotent
    // preparation of it idempotent: options belong to each prepared handle.
    let plain = s
        .prepare(Hits::increment().cql())
        .await
        .expect("prepare untyped");
    assert!(!plain.is_idempotent());
    let declared = s
        .prepare(
            ringbolt::session::SimpleStatement::new(Reading::insert().cql()).with_idempotent(false),
        )
        .await
        .unwrap();
    assert!(!declared.is_idempotent());
    assert!(prepare(s, Reading::insert()).await.is_idempotent());

    // The statements also run: counters count.
    s.execute_typed(&increment, (5, "home".into()))
        .await
        .unwrap();
    s.execute_typed(&decrement, (2, "home".into()))
        .await
        .unwrap();
    let hits = s
        .fetch_optional(&get_hits, ("home".into(),))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((hits.page.as_str(), hits.views), ("home", 3));
}

/// `[u16 length][bytes][0]` per component: Cassandra's composite partition key.
fn composite(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        out.extend_from_slice(&(p.len() as u16).to_be_bytes());
        out.extend_from_slice(p);
        out.push(0);
    }
    out
}

#[tokio::test]
async fn typed_statements_route_by_their_partition_key() {
    let fx = start(63, "metrics", ProtocolVersion::V5).await;
    let s = &fx.session;
    create_schema::<Reading>(s).await;
    create_schema::<Hits>(s).await;

    let sensor = b"s9".as_slice();
    let day = 20_000i32.to_be_bytes();
    let expected = composite(&[sensor, &day]);

    // The server's partition key indexes agree with the ones known at compile time.
    macro_rules! check {
        ($stmt:expr, $args:expr, $key:expr) => {{
            let statement = $stmt;
            let p = prepare(s, statement).await;
            let server: Vec<usize> = p
                .statement()
                .partition_key_indexes()
                .iter()
                .map(|&i| usize::from(i))
                .collect();
            assert_eq!(
                server,
                statement.partition_key_indexes(),
                "{}",
                statement.cql()
            );
            let values = p.statement().serialize_values(&$args).unwrap();
            assert_eq!(
                p.statement().routing_key(&values),
                $key,
                "{}",
                statement.cql()
            );
            // The mapping layer's own routing key agrees with the session's.
            let raw: Vec<_> = values.iter().map(|v| v.unwrap().1).collect();
            assert_eq!(
                ringbolt::mapping::routing_key(&raw, statement.partition_key_indexes()),
                $key
            );
        }};
    }
    let row = Reading::new("s9", 20_000, 1, 2).row();
    check!(Reading::insert(), row.clone(), Some(expected.clone()));
    check!(Reading::insert_if_not_exists(), row, Some(expected.clone()));
    check!(
        Reading::get(),
        ("s9".to_owned(), 20_000, 1, 2i64),
        Some(expected.clone())
    );
    check!(
        Reading::select_partition(),
        ("s9".to_owned(), 20_000),
        Some(expected.clone())
    );
    check!(
        Reading::update(),
        (1.0, None::<String>, "s9".to_owned(), 20_000, 1, 2i64),
        Some(expected.clone())
    );
    check!(
        Reading::delete_partition(),
        ("s9".to_owned(), 20_000),
        Some(expected.clone())
    );
    check!(
        Reading::latest(),
        ("s9".to_owned(), 20_000, 5),
        Some(expected.clone())
    );
    check!(
        Reading::set_note(),
        (Some("x".to_owned()), "s9".to_owned(), 20_000, 1, 2i64),
        Some(expected.clone())
    );
    // IN on a key column: no single partition, no routing key.
    check!(
        Reading::on_days(),
        ("s9".to_owned(), vec![1, 2], 1),
        None::<Vec<u8>>
    );
    // The routing key hashes to the token the cluster places the partition at.
    let insert = prepare(s, Reading::insert()).await;
    let row = Reading::new("s9", 20_000, 1, 2).row();
    let values = insert.statement().serialize_values(&row).unwrap();
    let key = insert.statement().routing_key(&values).unwrap();
    s.execute_typed(&insert, row).await.unwrap();
    let result = s
        .query(
            "SELECT token(sensor, day) FROM readings WHERE sensor = ? AND day = ?",
            ("s9", 20_000i32),
        )
        .await
        .unwrap();
    let (token,): (i64,) = result.first_row().unwrap();
    assert_eq!(ringbolt::cluster::token::murmur3_token(&key), token);

    // A one-column key routes by the value itself.
    check!(
        Hits::increment(),
        (1i64, "home".to_owned()),
        Some(b"home".to_vec())
    );
}
