//! Protocol core over real TCP against ringbolt-sim, on v4 and v5: server warnings, tracing ids,
//! USE keyspace, schema change results and typed server errors.
//! Addresses: 127.0.45.x.

use ringbolt::protocol::response::{SchemaChangeTarget, SchemaChangeType};
use ringbolt::session::{DbError, SimpleStatement};

use crate::core_support::{connect, session_builder, sim, start, VERSIONS};

#[tokio::test]
async fn warnings_tracing_use_and_schema_changes() {
    for (i, version) in VERSIONS.into_iter().enumerate() {
        let cluster = start(sim(&format!("127.0.45.{}", i + 1))).await;
        let session = connect(session_builder(&cluster, version)).await;

        let created = session
            .query(
                "CREATE KEYSPACE results WITH replication = \
                 {'class': 'SimpleStrategy', 'replication_factor': 1}",
                (),
            )
            .await
            .unwrap();
        let change = created.schema_change().expect("schema change result");
        assert_eq!(change.change, SchemaChangeType::Created);
        assert_eq!(
            change.target,
            SchemaChangeTarget::Keyspace("results".into())
        );

        let used = session.query("USE results", ()).await.unwrap();
        assert_eq!(used.set_keyspace(), Some("results"));
        assert_eq!(session.keyspace().as_deref(), Some("results"));

        let table = session
            .query("CREATE TABLE t (k int PRIMARY KEY, v int)", ())
            .await
            .unwrap();
        let change = table.schema_change().expect("schema change result");
        assert_eq!(change.change, SchemaChangeType::Created);
        assert_eq!(
            change.target,
            SchemaChangeTarget::Table("results".into(), "t".into())
        );
        // Unqualified names now resolve in the keyspace in use, also when prepared.
        session
            .query("INSERT INTO t (k, v) VALUES (?, ?)", (1, 2))
            .await
            .unwrap();

        let warned = session.query("SELECT count(*) FROM t", ()).await.unwrap();
        assert!(
            warned
                .warnings()
                .iter()
                .any(|w| w.contains("Aggregation query used without partition key")),
            "{:?}",
            warned.warnings()
        );
        let (count,): (i64,) = warned.first_row().unwrap();
        assert_eq!(count, 1);

        let traced = session
            .query(
                SimpleStatement::new("SELECT v FROM t WHERE k = 1").with_tracing(true),
                (),
            )
            .await
            .unwrap();
        assert!(traced.tracing_id().is_some());
        let untraced = session
            .query("SELECT v FROM t WHERE k = 1", ())
            .await
            .unwrap();
        assert!(untraced.tracing_id().is_none());
        assert!(untraced.warnings().is_empty());

        let dropped = session.query("DROP TABLE t", ()).await.unwrap();
        assert_eq!(
            dropped.schema_change().map(|c| c.change),
            Some(SchemaChangeType::Dropped)
        );
        session.close().await;
    }
}

#[tokio::test]
async fn server_errors_are_typed() {
    for (i, version) in VERSIONS.into_iter().enumerate() {
        let cluster = start(sim(&format!("127.0.45.{}", i + 11))).await;
        let session = connect(session_builder(&cluster, version)).await;
        session
            .query(
                "CREATE KEYSPACE errs WITH replication = \
                 {'class': 'SimpleStrategy', 'replication_factor': 1}",
                (),
            )
            .await
            .unwrap();
        session
            .query("CREATE TABLE errs.t (k int PRIMARY KEY)", ())
            .await
            .unwrap();

        let syntax = session.query("SELEKT * FROM errs.t", ()).await.unwrap_err();
        assert_eq!(syntax.db_error(), Some(&DbError::SyntaxError), "{syntax:?}");

        let invalid = session
            .query("SELECT * FROM errs.missing", ())
            .await
            .unwrap_err();
        assert_eq!(invalid.db_error(), Some(&DbError::Invalid), "{invalid:?}");
        assert!(
            invalid.to_string().contains("unconfigured table missing"),
            "{invalid}"
        );

        let exists = session
            .query("CREATE TABLE errs.t (k int PRIMARY KEY)", ())
            .await
            .unwrap_err();
        assert_eq!(
            exists.db_error(),
            Some(&DbError::AlreadyExists {
                keyspace: "errs".into(),
                table: "t".into()
            }),
            "{exists:?}"
        );
        let ks_exists = session
            .query(
                "CREATE KEYSPACE errs WITH replication = \
                 {'class': 'SimpleStrategy', 'replication_factor': 1}",
                (),
            )
            .await
            .unwrap_err();
        assert_eq!(
            ks_exists.db_error(),
            Some(&DbError::AlreadyExists {
                keyspace: "errs".into(),
                table: String::new()
            }),
            "{ks_exists:?}"
        );

        // A prepare of an invalid statement is a typed PrepareError.
        let prepare = session
            .prepare("SELECT nope FROM errs.t")
            .await
            .unwrap_err();
        match prepare {
            ringbolt::session::PrepareError::Db { error, message } => {
                assert_eq!(error, DbError::Invalid);
                assert!(message.contains("nope"), "{message}");
            }
            other => panic!("expected a Db error, got {other:?}"),
        }
        session.close().await;
    }
}
