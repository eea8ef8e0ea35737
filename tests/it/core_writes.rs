//! Protocol core over real TCP against ringbolt-sim, on v4 and v5: batches (logged, unlogged,
//! counter, prepared mixed with simple) and lightweight transactions.
//! Addresses: 127.0.43.x (batches), 127.0.44.x (LWT).

use ringbolt::session::{BatchStatement, SimpleStatement};
use ringbolt::types::Counter;

use crate::core_support::{session_with_keyspace, sim, start, VERSIONS};

#[tokio::test]
async fn batches_logged_unlogged_counter_mixed() {
    for (i, version) in VERSIONS.into_iter().enumerate() {
        let cluster = start(sim(&format!("127.0.43.{}", i + 1))).await;
        let session = session_with_keyspace(&cluster, version, "batches").await;
        session
            .query("CREATE TABLE kv (k int PRIMARY KEY, v text)", ())
            .await
            .unwrap();
        session
            .query("CREATE TABLE hits (k int PRIMARY KEY, n counter)", ())
            .await
            .unwrap();
        let insert = session
            .prepare("INSERT INTO kv (k, v) VALUES (?, ?)")
            .await
            .unwrap();

        // Logged: prepared, simple with values, simple without values.
        let mut logged = BatchStatement::logged();
        logged
            .append(&insert)
            .append("INSERT INTO kv (k, v) VALUES (?, ?)")
            .append("INSERT INTO kv (k, v) VALUES (3, 'three')");
        let result = session
            .batch(&logged, ((1, "one"), (2, "two"), ()))
            .await
            .unwrap();
        assert!(!result.is_rows());

        // Unlogged: a write and a delete.
        let mut unlogged = BatchStatement::unlogged();
        unlogged
            .append(&insert)
            .append(SimpleStatement::new("DELETE FROM kv WHERE k = 1"));
        session.batch(&unlogged, ((4, "four"), ())).await.unwrap();

        let mut rows: Vec<(i32, String)> = session
            .query("SELECT k, v FROM kv", ())
            .await
            .unwrap()
            .rows::<(i32, String)>()
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows.sort();
        let expected: Vec<(i32, String)> =
            vec![(2, "two".into()), (3, "three".into()), (4, "four".into())];
        assert_eq!(rows, expected);

        // Counter batch.
        let bump = session
            .prepare("UPDATE hits SET n = n + ? WHERE k = ?")
            .await
            .unwrap();
        let mut counter = BatchStatement::counter();
        counter
            .append(&bump)
            .append(&bump)
            .append("UPDATE hits SET n = n + 10 WHERE k = 2");
        session
            .batch(&counter, ((Counter(5), 1), (Counter(-2), 1), ()))
            .await
            .unwrap();
        let mut counts: Vec<(i32, Counter)> = session
            .query("SELECT k, n FROM hits", ())
            .await
            .unwrap()
            .rows::<(i32, Counter)>()
            .unwrap()
            .map(Result::unwrap)
            .collect();
        counts.sort_by_key(|(k, _)| *k);
        assert_eq!(counts, vec![(1, Counter(3)), (2, Counter(10))]);

        // A counter update in a logged batch is refused by the server.
        let mut wrong = BatchStatement::logged();
        wrong.append("UPDATE hits SET n = n + 1 WHERE k = 3");
        let err = session.batch(&wrong, ((),)).await.unwrap_err();
        assert!(err.db_error().is_some(), "{err:?}");

        // Fewer value sets than statements is refused before sending.
        assert!(session.batch(&logged, ((9, "x"),)).await.is_err());
        session.close().await;
    }
}

#[tokio::test]
async fn lightweight_transactions() {
    for (i, version) in VERSIONS.into_iter().enumerate() {
        let cluster = start(sim(&format!("127.0.44.{}", i + 1))).await;
        let session = session_with_keyspace(&cluster, version, "lwt").await;
        session
            .query(
                "CREATE TABLE accounts (id int PRIMARY KEY, owner text, balance int)",
                (),
            )
            .await
            .unwrap();
        let create = session
            .prepare("INSERT INTO accounts (id, owner, balance) VALUES (?, ?, ?) IF NOT EXISTS")
            .await
            .unwrap();
        let first = session.execute(&create, (1, "ada", 100)).await.unwrap();
        assert!(first.was_applied().unwrap());

        // Not applied: the existing row comes back.
        let second = session.execute(&create, (1, "eve", 0)).await.unwrap();
        assert!(!second.was_applied().unwrap());
        let row = second.first_row::<ringbolt::types::Row>().unwrap();
        assert_eq!(
            row.get_by_name("owner"),
            Some(&ringbolt::types::CqlValue::Text("ada".into()))
        );
        assert_eq!(
            row.get_by_name("balance"),
            Some(&ringbolt::types::CqlValue::Int(100))
        );

        // IF condition on a column.
        let update = session
            .prepare("UPDATE accounts SET balance = ? WHERE id = ? IF balance = ?")
            .await
            .unwrap();
        let applied = session.execute(&update, (80, 1, 100)).await.unwrap();
        assert!(applied.was_applied().unwrap());
        let refused = session.execute(&update, (50, 1, 100)).await.unwrap();
        assert!(!refused.was_applied().unwrap());
        let (flag, balance): (bool, Option<i32>) = refused.first_row().unwrap();
        assert!(!flag);
        assert_eq!(balance, Some(80));

        // IF EXISTS on a missing row.
        let delete = session
            .query("DELETE FROM accounts WHERE id = 2 IF EXISTS", ())
            .await
            .unwrap();
        assert!(!delete.was_applied().unwrap());

        let (owner, balance): (String, i32) = session
            .query("SELECT owner, balance FROM accounts WHERE id = 1", ())
            .await
            .unwrap()
            .first_row()
            .unwrap();
        assert_eq!((owner.as_str(), balance), ("ada", 80));
        // A plain write counts as applied.
        let plain = session
            .query("UPDATE accounts SET owner = 'bob' WHERE id = 1", ())
            .await
            .unwrap();
        assert!(plain.was_applied().unwrap());
        session.close().await;
    }
}
