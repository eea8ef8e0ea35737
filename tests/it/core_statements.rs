//! Protocol core over real TCP against ringbolt-sim, on v4 and v5: the quick start flow,
//! prepared statements (positional and named values, UNPREPARED recovery) and paging.
//! Addresses: 127.0.40.x (quick start), 127.0.41.x (prepared), 127.0.42.x (paging).

use std::collections::{BTreeSet, HashMap};

use futures::StreamExt;
use ringbolt::protocol::Opcode;
use ringbolt::session::SimpleStatement;
use ringbolt_sim::fault::errors;
use ringbolt_sim::FaultRule;

use crate::core_support::{
    connect, session_builder, session_with_keyspace, sim, start, VERSIONS, WAIT,
};

#[tokio::test]
async fn quickstart_flow_reads_release_version() {
    for (i, version) in VERSIONS.into_iter().enumerate() {
        let cluster = start(sim(&format!("127.0.40.{}", i + 1))).await;
        let session = connect(session_builder(&cluster, version)).await;
        let result = session
            .query("SELECT release_version FROM system.local", ())
            .await
            .unwrap();
        let (release,): (String,) = result.first_row().unwrap();
        assert_eq!(release, cluster.nodes()[0].release_version);
        assert_eq!(session.protocol_version(), Some(version));
        session.close().await;
    }
}

#[tokio::test]
async fn prepared_positional_and_named_values() {
    for (i, version) in VERSIONS.into_iter().enumerate() {
        let cluster = start(sim(&format!("127.0.41.{}", i + 1))).await;
        let session = session_with_keyspace(&cluster, version, "prep").await;
        session
            .query(
                "CREATE TABLE users (id int PRIMARY KEY, name text, age int)",
                (),
            )
            .await
            .unwrap();
        let insert = session
            .prepare("INSERT INTO users (id, name, age) VALUES (?, ?, ?)")
            .await
            .unwrap();
        assert_eq!(insert.bind_markers().len(), 3);
        assert_eq!(insert.partition_key_indexes(), &[0]);
        session.execute(&insert, (1, "ada", 36)).await.unwrap();

        let named = session
            .prepare("INSERT INTO users (id, name, age) VALUES (:id, :name, :age)")
            .await
            .unwrap();
        let mut values: HashMap<&str, ringbolt::types::CqlValue> = HashMap::new();
        values.insert("age", 41.into());
        values.insert("name", "grace".to_string().into());
        values.insert("id", 2.into());
        session.execute(&named, &values).await.unwrap();
        session
            .execute(&named, vec![("name", "linus"), ("id", "x")])
            .await
            .expect_err("a text value for an int marker is refused before sending");

        let select = session
            .prepare("SELECT name, age FROM users WHERE id = ?")
            .await
            .unwrap();
        let (name, age): (String, i32) = session
            .execute(&select, (1,))
            .await
            .unwrap()
            .single_row()
            .unwrap();
        assert_eq!((name.as_str(), age), ("ada", 36));
        let (name, age): (String, i32) = session
            .execute(&select, (2,))
            .await
            .unwrap()
            .single_row()
            .unwrap();
        assert_eq!((name.as_str(), age), ("grace", 41));
        let none: Option<(String, i32)> = session
            .execute(&select, (3,))
            .await
            .unwrap()
            .maybe_first_row()
            .unwrap();
        assert_eq!(none, None);

        // query() with values prepares behind the scenes.
        let (name,): (String,) = session
            .query("SELECT name FROM users WHERE id = ?", (2,))
            .await
            .unwrap()
            .first_row()
            .unwrap();
        assert_eq!(name, "grace");
        session.close().await;
    }
}

#[tokio::test]
async fn unprepared_answer_is_reprepared_and_replayed() {
    for (i, version) in VERSIONS.into_iter().enumerate() {
        let cluster = start(sim(&format!("127.0.41.{}", i + 11))).await;
        let session = session_with_keyspace(&cluster, version, "unprep").await;
        session
            .query("CREATE TABLE kv (k int PRIMARY KEY, v text)", ())
            .await
            .unwrap();
        let insert = session
            .prepare("INSERT INTO kv (k, v) VALUES (?, ?)")
            .await
            .unwrap();
        // The node "forgets" the statement once: the driver must prepare it again and replay.
        let fault = cluster.inject(
            FaultRule::new()
                .opcode(Opcode::Execute)
                .times(1)
                .reply_error(errors::unprepared(insert.id())),
        );
        tokio::time::timeout(WAIT, session.execute(&insert, (7, "seven")))
            .await
            .unwrap()
            .expect("execute after UNPREPARED");
        assert!(
            !cluster.remove_fault(fault),
            "the UNPREPARED fault was never hit"
        );
        let (v,): (String,) = session
            .query("SELECT v FROM kv WHERE k = 7", ())
            .await
            .unwrap()
            .first_row()
            .unwrap();
        assert_eq!(v, "seven");
        session.close().await;
    }
}

async fn fill(session: &ringbolt::session::Session, rows: i32) {
    session
        .query(
            "CREATE TABLE pages (p int, c int, v text, PRIMARY KEY (p, c))",
            (),
        )
        .await
        .unwrap();
    let insert = session
        .prepare("INSERT INTO pages (p, c, v) VALUES (?, ?, ?)")
        .await
        .unwrap();
    for n in 0..rows {
        session
            .execute(&insert, (n % 7, n, format!("v{n}")))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn paging_stream_of_20000_rows_loses_and_repeats_none() {
    const ROWS: i32 = 20_000;
    for (i, version) in VERSIONS.into_iter().enumerate() {
        let cluster = start(sim(&format!("127.0.42.{}", i + 1))).await;
        let session = session_with_keyspace(&cluster, version, "paging").await;
        fill(&session, ROWS).await;

        // Prepared statement stream.
        let select = session
            .prepare(SimpleStatement::new("SELECT c, v FROM pages").with_page_size(1000))
            .await
            .unwrap();
        let mut stream = session
            .execute_stream::<(i32, String)>(&select, ())
            .await
            .unwrap();
        let mut seen = BTreeSet::new();
        let mut count = 0;
        while let Some(row) = tokio::time::timeout(WAIT, stream.next()).await.unwrap() {
            let (c, v) = row.unwrap();
            assert_eq!(v, format!("v{c}"));
            assert!(seen.insert(c), "row {c} repeated");
            count += 1;
        }
        assert_eq!(count, ROWS);
        assert_eq!(seen, (0..ROWS).collect::<BTreeSet<_>>());

        // Simple statement stream.
        let mut stream = session
            .query_stream::<(i32,)>(
                SimpleStatement::new("SELECT c FROM pages").with_page_size(1000),
                (),
            )
            .await
            .unwrap();
        let mut seen = BTreeSet::new();
        while let Some(row) = tokio::time::timeout(WAIT, stream.next()).await.unwrap() {
            let (c,) = row.unwrap();
            assert!(seen.insert(c), "row {c} repeated");
        }
        assert_eq!(seen, (0..ROWS).collect::<BTreeSet<_>>());
        session.close().await;
    }
}

#[tokio::test]
async fn manual_paging_resumes_from_paging_state() {
    const ROWS: i32 = 2_500;
    for (i, version) in VERSIONS.into_iter().enumerate() {
        let cluster = start(sim(&format!("127.0.42.{}", i + 11))).await;
        let session = session_with_keyspace(&cluster, version, "manual").await;
        fill(&session, ROWS).await;

        for prepared in [false, true] {
            let mut seen = BTreeSet::new();
            let mut pages = 0;
            let mut paging_state = None;
            loop {
                let mut statement =
                    SimpleStatement::new("SELECT c FROM pages").with_page_size(1000);
                if let Some(state) = paging_state.take() {
                    statement = statement.with_paging_state(Some(state));
                }
                let result = if prepared {
                    let p = session.prepare(statement).await.unwrap();
                    session.execute(&p, ()).await.unwrap()
                } else {
                    session.query(statement, ()).await.unwrap()
                };
                pages += 1;
                assert!(result.rows_num() <= 1000);
                for row in result.rows::<(i32,)>().unwrap() {
                    let (c,) = row.unwrap();
                    assert!(seen.insert(c), "row {c} repeated");
                }
                match result.paging_state() {
                    Some(state) => paging_state = Some(state),
                    None => break,
                }
                assert!(pages < 10, "paging does not end");
            }
            assert_eq!(pages, 3);
            assert_eq!(seen, (0..ROWS).collect::<BTreeSet<_>>());
        }
        session.close().await;
    }
}
