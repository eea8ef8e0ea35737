//! Session tests against the scripted fake peer: a tiny key-value "server" that prepares,
//! executes, pages, forgets prepared ids on demand and answers batches.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;

use super::plan::SingleNode;
use super::*;
use crate::connection::fake_peer::{fake_cluster, Action, PeerConfig, PeerControl};
use crate::connection::{Connection, ConnectionConfig};
use crate::pool::NodePool;
use crate::protocol::request::{
    BatchStatement as WireStatement, QueryParameters, RawValue, Request, SerializedValues,
};
use crate::protocol::response::{
    ColumnSpec, ErrorBody, ErrorCode, PreparedMetadata, PreparedResult, Response, ResultBody, Rows,
    RowsMetadata,
};
use crate::protocol::{ColumnType, Consistency};
use crate::types::{
    DeserializeError, DeserializeRow, SerializeError, SerializeRow, TypeCheckError,
};

// ---- test row and value types (independent of the types module's impls) ----

#[derive(Debug, PartialEq)]
struct Texts(Vec<Option<String>>);

fn check_text(columns: &[ColumnSpec]) -> Result<(), TypeCheckError> {
    for c in columns {
        if c.typ != ColumnType::Text {
            return Err(TypeCheckError::Mismatch {
                rust_type: "String",
                cql_type: c.typ.clone(),
            });
        }
    }
    Ok(())
}

fn utf8(bytes: &[u8]) -> Result<&str, DeserializeError> {
    std::str::from_utf8(bytes).map_err(|_| DeserializeError::Malformed {
        cql_type: "text",
        reason: "invalid UTF-8",
    })
}

impl<'f> DeserializeRow<'f> for Texts {
    type Plan = ();
    fn plan(columns: &[ColumnSpec]) -> Result<(), TypeCheckError> {
        check_text(columns)
    }
    fn deserialize_row(
        _: &(),
        _: &[ColumnSpec],
        cells: &[Option<&'f [u8]>],
    ) -> Result<Self, DeserializeError> {
        cells
            .iter()
            .map(|cell| cell.map(|b| utf8(b).map(str::to_owned)).transpose())
            .collect::<Result<_, _>>()
            .map(Texts)
    }
}

/// Borrows the first column from the frame.
struct FirstStr<'f>(&'f str);

impl<'f> DeserializeRow<'f> for FirstStr<'f> {
    type Plan = ();
    fn plan(columns: &[ColumnSpec]) -> Result<(), TypeCheckError> {
        check_text(columns)
    }
    fn deserialize_row(
        _: &(),
        _: &[ColumnSpec],
        cells: &[Option<&'f [u8]>],
    ) -> Result<Self, DeserializeError> {
        match cells.first() {
            Some(Some(bytes)) => Ok(FirstStr(utf8(bytes)?)),
            _ => Err(DeserializeError::UnexpectedNull),
        }
    }
}

struct Vals(Vec<&'static str>);

impl SerializeRow for Vals {
    fn serialize_row(
        &self,
        markers: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeError> {
        if markers.len() != self.0.len() {
            return Err(SerializeError::ValueCount {
                expected: markers.len(),
                actual: self.0.len(),
            });
        }
        for (marker, value) in markers.iter().zip(&self.0) {
            check_text(std::slice::from_ref(marker))?;
            out.push(None, RawValue::Bytes(value.as_bytes()))
                .map_err(|_| SerializeError::TooLarge(value.len()))?;
        }
        Ok(())
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn none() -> Vals {
    Vals(Vec::new())
}

// ---- the fake key-value server ----

#[derive(Default)]
struct Kv {
    prepares: AtomicUsize,
    executes: AtomicUsize,
    pages: AtomicUsize,
    forget_next_execute: AtomicBool,
    change_metadata: AtomicBool,
    batches: Mutex<Vec<Vec<&'static str>>>,
}

const ROWS: usize = 12;

fn text_column(name: &str) -> ColumnSpec {
    ColumnSpec {
        keyspace: "ks".into(),
        table: "kv".into(),
        name: name.into(),
        typ: ColumnType::Text,
    }
}

fn rows(
    columns: Vec<ColumnSpec>,
    send_columns: bool,
    cells: Vec<Vec<Option<Vec<u8>>>>,
    paging: Option<Vec<u8>>,
) -> Response {
    let metadata = RowsMetadata {
        columns_count: i32::try_from(columns.len()).unwrap(),
        paging_state: paging.map(bytes::Bytes::from),
        new_metadata_id: None,
        columns: if send_columns {
            columns.into()
        } else {
            RowsMetadata::no_columns()
        },
    };
    let rows = Rows::from_cells(
        metadata,
        cells.iter().map(|row| row.iter().map(|c| c.as_deref())),
    )
    .unwrap();
    Response::Result(ResultBody::Rows(rows))
}

fn db_error(code: ErrorCode, message: &str) -> Action {
    Action::Reply(Response::Error(ErrorBody {
        code,
        message: message.into(),
    }))
}

fn first_value(values: &SerializedValues) -> Option<String> {
    match values.iter().next()? {
        Ok((_, RawValue::Bytes(b))) => Some(String::from_utf8(b.to_vec()).ok()?),
        _ => None,
    }
}

impl Kv {
    fn scan(&self, params: &QueryParameters) -> Action {
        self.pages.fetch_add(1, Ordering::SeqCst);
        let start = params
            .paging_state
            .as_ref()
            .and_then(|p| p.as_slice().try_into().ok())
            .map(u32::from_be_bytes)
            .unwrap_or(0) as usize;
        let size = params.page_size.unwrap_or(5000).max(1) as usize;
        let end = (start + size).min(ROWS);
        let cells = (start..end)
            .map(|i| {
                vec![
                    Some(format!("k{i}").into_bytes()),
                    Some(format!("v{i}").into_bytes()),
                ]
            })
            .collect();
        let paging = (end < ROWS).then(|| (end as u32).to_be_bytes().to_vec());
        Action::Reply(rows(
            vec![text_column("k"), text_column("v")],
            true,
            cells,
            paging,
        ))
    }

    fn run_text(&self, text: &str, params: &QueryParameters) -> Action {
        if text.starts_with("SELECT k, v FROM kv") {
            return self.scan(params);
        }
        if text == "SELECT v FROM kv WHERE k = ?" {
            let key = first_value(&params.values).unwrap_or_default();
            let value = key.strip_prefix('k').map(|n| format!("v{n}"));
            let cells = value
                .into_iter()
                .map(|v| vec![Some(v.into_bytes())])
                .collect();
            return Action::Reply(rows(
                vec![text_column("v")],
                !params.skip_metadata,
                cells,
                None,
            ));
        }
        if text.contains("IF NOT EXISTS") {
            let applied = ColumnSpec {
                typ: ColumnType::Boolean,
                ..text_column("[applied]")
            };
            return Action::Reply(rows(
                vec![applied, text_column("k")],
                true,
                vec![vec![Some(vec![0]), Some(b"k1".to_vec())]],
                None,
            ));
        }
        match text {
            "bad" => db_error(ErrorCode::SyntaxError, "line 1:0 no viable alternative"),
            "read timeout" => db_error(
                ErrorCode::ReadTimeout {
                    consistency: Consistency::Quorum,
                    received: 1,
                    block_for: 2,
                    data_present: false,
                },
                "Operation timed out",
            ),
            "slow" => Action::Ignore,
            "warn me" => Action::ReplyWithExtras(
                Response::Result(ResultBody::Void),
                vec!["Batch is too large".to_owned()],
            ),
            _ => Action::Reply(Response::Result(ResultBody::Void)),
        }
    }

    fn handle(&self, request: &Request) -> Action {
        match request {
            Request::Query(q) => self.run_text(&q.query, &q.params),
            Request::Prepare(p) => {
                self.prepares.fetch_add(1, Ordering::SeqCst);
                if p.query == "bad" {
                    return db_error(ErrorCode::SyntaxError, "no viable alternative");
                }
                let markers = p.query.matches('?').count();
                let result_columns = if p.query.starts_with("SELECT v ") {
                    vec![text_column("v")]
                } else {
                    Vec::new()
                };
                Action::Reply(Response::Result(ResultBody::Prepared(PreparedResult {
                    id: p.query.as_bytes().to_vec(),
                    result_metadata_id: Some(b"m1".to_vec()),
                    metadata: PreparedMetadata {
                        pk_indexes: Vec::new(),
                        columns: (0..markers)
                            .map(|i| text_column(&format!("p{i}")))
                            .collect(),
                    },
                    result_metadata: RowsMetadata {
                        columns_count: i32::try_from(result_columns.len()).unwrap(),
                        columns: result_columns.into(),
                        ..RowsMetadata::default()
                    },
                })))
            }
            Request::Execute(e) => {
                self.executes.fetch_add(1, Ordering::SeqCst);
                if self.forget_next_execute.swap(false, Ordering::SeqCst) {
                    return db_error(
                        ErrorCode::Unprepared { id: e.id.to_vec() },
                        "Prepared query not found",
                    );
                }
                if self.change_metadata.load(Ordering::SeqCst)
                    && e.result_metadata_id.as_deref() == Some(b"m1")
                {
                    let metadata = RowsMetadata {
                        columns_count: 2,
                        paging_state: None,
                        new_metadata_id: Some(b"m2".to_vec()),
                        columns: vec![text_column("v"), text_column("extra")].into(),
                    };
                    let cells = [[Some(&b"v1"[..]), Some(&b"x"[..])]];
                    let rows = Rows::from_cells(metadata, cells.iter().map(|r| r.iter().copied()))
                        .unwrap();
                    return Action::Reply(Response::Result(ResultBody::Rows(rows)));
                }
                let text = String::from_utf8(e.id.to_vec()).unwrap_or_default();
                self.run_text(&text, &e.params)
            }
            Request::Batch(b) => {
                if self.forget_next_execute.swap(false, Ordering::SeqCst) {
                    let id = b.statements.iter().find_map(|s| match s {
                        WireStatement::Prepared { id, .. } => Some(id.clone()),
                        WireStatement::Query { .. } => None,
                    });
                    return db_error(
                        ErrorCode::Unprepared {
                            id: id.unwrap_or_default().to_vec(),
                        },
                        "Prepared query not found",
                    );
                }
                let kinds = b
                    .statements
                    .iter()
                    .map(|s| match s {
                        WireStatement::Prepared { .. } => "prepared",
                        WireStatement::Query { .. } => "query",
                    })
                    .collect();
                self.batches.lock().unwrap().push(kinds);
                Action::Reply(Response::Result(ResultBody::Void))
            }
            _ => Action::Ignore,
        }
    }
}

async fn kv_session() -> (Session, Arc<Kv>, Arc<PeerControl>, Connection) {
    kv_session_with(None).await
}

async fn kv_session_with(
    version: Option<crate::protocol::ProtocolVersion>,
) -> (Session, Arc<Kv>, Arc<PeerControl>, Connection) {
    let kv = Arc::new(Kv::default());
    let server = kv.clone();
    let (connector, control) =
        fake_cluster(PeerConfig::new(move |frame| server.handle(&frame.request)));
    let config = ConnectionConfig {
        heartbeat_interval: None,
        protocol_version: version,
        ..ConnectionConfig::default()
    };
    let pool = NodePool::open(connector, None, config).await.unwrap();
    let connection = pool.connections()[0].clone();
    let picker = SingleNode { pool };
    let session = Session::from_parts(SessionConfig::default(), Arc::new(picker));
    (session, kv, control, connection)
}

// ---- tests ----

#[tokio::test]
async fn query_without_values_returns_typed_and_borrowed_rows() {
    let (session, kv, _, _) = kv_session().await;
    let result = session.query("SELECT k, v FROM kv", none()).await.unwrap();
    assert_eq!(kv.prepares.load(Ordering::SeqCst), 0);
    let all: Vec<Texts> = result
        .rows::<Texts>()
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(all.len(), ROWS);
    assert_eq!(all[3], Texts(vec![Some("k3".into()), Some("v3".into())]));
    let first: FirstStr<'_> = result.first_row().unwrap();
    assert_eq!(first.0, "k0");
    assert!(result.paging_state().is_none());
    assert!(matches!(
        result.single_row::<Texts>(),
        Err(RowsError::NotSingleRow(12))
    ));
}

#[tokio::test]
async fn query_with_values_prepares_once_then_executes() {
    let (session, kv, _, _) = kv_session().await;
    for key in ["k1", "k7"] {
        let result = session
            .query("SELECT v FROM kv WHERE k = ?", Vals(vec![key]))
            .await
            .unwrap();
        let Texts(row) = result.single_row().unwrap();
        assert_eq!(row, vec![Some(key.replace('k', "v"))]);
    }
    assert_eq!(kv.prepares.load(Ordering::SeqCst), 1);
    assert_eq!(kv.executes.load(Ordering::SeqCst), 2);
    assert_eq!(session.inner.prepared.len(), 1);
    let missing = session
        .query("SELECT v FROM kv WHERE k = ?", Vals(vec!["nope"]))
        .await
        .unwrap();
    assert!(missing.maybe_first_row::<Texts>().unwrap().is_none());
    assert!(matches!(
        missing.first_row::<Texts>(),
        Err(RowsError::NoRows)
    ));
}

#[tokio::test]
async fn wrong_values_are_rejected_before_sending() {
    let (session, kv, _, _) = kv_session().await;
    let err = session
        .query("SELECT v FROM kv WHERE k = ?", Vals(vec!["a", "b"]))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            QueryError::Serialize(SerializeError::ValueCount { .. })
        ),
        "{err:?}"
    );
    assert_eq!(kv.executes.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn pages_resume_from_the_paging_state() {
    let (session, _, _, _) = kv_session().await;
    let statement = SimpleStatement::new("SELECT k, v FROM kv").with_page_size(5);
    let first = session.query(statement.clone(), none()).await.unwrap();
    assert_eq!(first.rows_num(), 5);
    let state = first.paging_state().expect("more pages");
    let saved = PagingState::from_bytes(state.as_bytes().to_vec());
    let second = session
        .query(statement.clone().with_paging_state(Some(saved)), none())
        .await
        .unwrap();
    let Texts(row) = second.first_row().unwrap();
    assert_eq!(row[0].as_deref(), Some("k5"));
    let third = session
        .query(statement.with_paging_state(second.paging_state()), none())
        .await
        .unwrap();
    assert_eq!(third.rows_num(), 2);
    assert!(third.paging_state().is_none());
}

#[tokio::test]
async fn streams_fetch_one_page_at_a_time() {
    let (session, kv, _, _) = kv_session().await;
    let statement = SimpleStatement::new("SELECT k, v FROM kv").with_page_size(5);
    let mut stream = session
        .query_stream::<Texts>(statement, none())
        .await
        .unwrap();
    assert_eq!(
        kv.pages.load(Ordering::SeqCst),
        0,
        "nothing is fetched before polling"
    );
    for _ in 0..5 {
        stream.next().await.unwrap().unwrap();
    }
    assert_eq!(kv.pages.load(Ordering::SeqCst), 1);
    let rest: Vec<_> = stream.collect().await;
    assert_eq!(rest.len(), ROWS - 5);
    assert_eq!(kv.pages.load(Ordering::SeqCst), 3);

    let prepared = session
        .prepare(SimpleStatement::new("SELECT k, v FROM kv WHERE k > ?").with_page_size(4))
        .await
        .unwrap();
    let rows: Vec<Texts> = session
        .execute_stream::<Texts>(&prepared, Vals(vec!["k0"]))
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(rows.len(), ROWS);
}

#[tokio::test]
async fn unprepared_is_reprepared_and_replayed() {
    let (session, kv, _, _) = kv_session().await;
    let prepared = session
        .prepare("SELECT v FROM kv WHERE k = ?")
        .await
        .unwrap();
    kv.forget_next_execute.store(true, Ordering::SeqCst);
    let result = session.execute(&prepared, Vals(vec!["k2"])).await.unwrap();
    let Texts(row) = result.single_row().unwrap();
    assert_eq!(row, vec![Some("v2".into())]);
    assert_eq!(kv.prepares.load(Ordering::SeqCst), 2);
    assert_eq!(kv.executes.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn batches_mix_prepared_and_simple_statements() {
    let (session, kv, _, _) = kv_session().await;
    let insert = session
        .prepare("INSERT INTO kv (k, v) VALUES (?, ?)")
        .await
        .unwrap();
    let mut batch = BatchStatement::logged();
    batch.append(&insert);
    batch.append("DELETE FROM kv WHERE k = 'x'");
    batch.append("UPDATE kv SET v = ? WHERE k = ?");
    session
        .batch(
            &batch,
            vec![Vals(vec!["a", "1"]), none(), Vals(vec!["2", "b"])],
        )
        .await
        .unwrap();
    assert_eq!(
        *kv.batches.lock().unwrap(),
        vec![vec!["prepared", "query", "prepared"]]
    );

    kv.forget_next_execute.store(true, Ordering::SeqCst);
    session
        .batch(&batch, (Vals(vec!["a", "1"]), none(), Vals(vec!["2", "b"])))
        .await
        .unwrap();
    assert_eq!(kv.batches.lock().unwrap().len(), 2);

    let err = session.batch(&batch, vec![none()]).await.unwrap_err();
    assert!(matches!(
        err,
        QueryError::BatchValueCount {
            statements: 3,
            values: 1
        }
    ));
}

#[tokio::test]
async fn server_errors_are_typed() {
    let (session, _, _, _) = kv_session().await;
    let err = session.query("bad", none()).await.unwrap_err();
    assert!(matches!(err.db_error(), Some(DbError::SyntaxError)));
    assert!(err.to_string().contains("no viable alternative"));
    let source = std::error::Error::source(&err).unwrap().to_string();
    assert!(source.contains("syntax"), "{source}");

    let err = session.query("read timeout", none()).await.unwrap_err();
    assert!(matches!(
        err.db_error(),
        Some(DbError::ReadTimeout {
            received: 1,
            block_for: 2,
            data_present: false,
            ..
        })
    ));

    let err = session.prepare("bad").await.unwrap_err();
    assert!(matches!(
        err,
        PrepareError::Db {
            error: DbError::SyntaxError,
            ..
        }
    ));
}

#[tokio::test(start_paused = true)]
async fn request_timeout_orphans_the_stream() {
    let (session, _, _, connection) = kv_session().await;
    let statement = SimpleStatement::new("slow").with_timeout(Duration::from_millis(50));
    let err = session.query(statement, none()).await.unwrap_err();
    assert!(matches!(err, QueryError::Timeout(d) if d == Duration::from_millis(50)));
    assert_eq!(connection.orphaned_streams(), 1);
}

#[tokio::test]
async fn lightweight_transactions_report_applied_and_existing_row() {
    let (session, _, _, _) = kv_session().await;
    let result = session
        .query(
            "INSERT INTO kv (k, v) VALUES ('k1', 'x') IF NOT EXISTS",
            none(),
        )
        .await
        .unwrap();
    assert!(!result.was_applied().unwrap());
    assert_eq!(result.columns()[1].name, "k");
    let void = session
        .query("INSERT INTO kv (k, v) VALUES ('a', 'b')", none())
        .await
        .unwrap();
    assert!(void.was_applied().unwrap());
    assert!(matches!(void.rows::<Texts>(), Err(RowsError::NotRows)));
}

#[tokio::test]
async fn changed_result_metadata_updates_the_prepared_statement() {
    let (session, kv, _, connection) = kv_session().await;
    assert_eq!(
        connection.protocol_version(),
        crate::protocol::ProtocolVersion::V5
    );
    let prepared = session
        .prepare("SELECT v FROM kv WHERE k = ?")
        .await
        .unwrap();
    assert_eq!(prepared.result_columns().len(), 1);
    // Cached metadata lets the server skip columns; rows still decode, sharing the prepared
    // statement's columns.
    let result = session.execute(&prepared, Vals(vec!["k4"])).await.unwrap();
    assert_eq!(result.columns().len(), 1);
    let rows = result.rows_raw().unwrap();
    assert!(Arc::ptr_eq(rows.columns(), &prepared.result_columns()));
    let Texts(row) = result.single_row().unwrap();
    assert_eq!(row, vec![Some("v4".into())]);

    kv.change_metadata.store(true, Ordering::SeqCst);
    let result = session.execute(&prepared, Vals(vec!["k1"])).await.unwrap();
    assert_eq!(result.columns().len(), 2);
    assert_eq!(prepared.result_columns().len(), 2);
    // The statement keeps the columns the answer brought (decoded once, then shared).
    let rows = result.rows_raw().unwrap();
    assert!(Arc::ptr_eq(rows.columns(), &prepared.result_columns()));
    assert_eq!(
        prepared.inner.result_metadata().id.as_deref(),
        Some(&b"m2"[..])
    );
}

#[tokio::test]
async fn use_updates_the_session_keyspace() {
    let (session, _, _, _) = kv_session().await;
    assert_eq!(session.keyspace(), None);
    let result = session.query("USE shop", none()).await.unwrap();
    assert_eq!(result.set_keyspace(), Some("shop"));
    assert_eq!(session.keyspace().as_deref(), Some("shop"));
}

#[tokio::test]
async fn closed_session_reports_no_connection() {
    let (session, _, _, _) = kv_session().await;
    session.close().await;
    let err = session
        .query("SELECT k, v FROM kv", none())
        .await
        .unwrap_err();
    assert!(matches!(err, QueryError::NoConnection), "{err:?}");
}

#[tokio::test]
async fn builder_errors_say_what_to_fix() {
    let err = Session::builder().build().await.unwrap_err();
    assert!(matches!(err, NewSessionError::NoContactPoints));
    let err = Session::builder()
        .contact_point("host:port")
        .build()
        .await
        .unwrap_err();
    assert!(
        matches!(err, NewSessionError::InvalidContactPoint { .. }),
        "{err:?}"
    );
    // Port 1 on loopback refuses connections.
    let err = Session::builder()
        .contact_points(["127.0.0.1:1"])
        .connect_timeout(Duration::from_secs(2))
        .build()
        .await
        .unwrap_err();
    match &err {
        NewSessionError::AllContactPointsFailed { errors, .. } => assert_eq!(errors.len(), 1),
        other => panic!("unexpected {other:?}"),
    }
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn builder_collects_settings() {
    let builder = Session::builder()
        .contact_points(["10.0.0.1", "10.0.0.2:9043"])
        .local_datacenter("dc1")
        .keyspace("shop")
        .credentials("app", "hunter2")
        .default_consistency(Consistency::LocalQuorum)
        .default_page_size(100)
        .request_timeout(Duration::from_secs(3));
    let config = builder.config();
    assert_eq!(config.contact_points.len(), 2);
    assert_eq!(config.local_datacenter.as_deref(), Some("dc1"));
    assert_eq!(config.default_consistency, Consistency::LocalQuorum);
    assert!(!format!("{builder:?}").contains("hunter2"));
}

#[test]
fn simple_statements_are_not_idempotent_by_default() {
    assert!(!SimpleStatement::new("UPDATE c SET n = n + 1").is_idempotent());
    let batch = BatchStatement::counter().with_idempotent(true);
    assert!(batch.is_idempotent());
}

#[tokio::test]
async fn protocol_v4_executes_without_result_metadata_ids() {
    let (session, kv, _, connection) =
        kv_session_with(Some(crate::protocol::ProtocolVersion::V4)).await;
    assert_eq!(
        connection.protocol_version(),
        crate::protocol::ProtocolVersion::V4
    );
    let prepared = session
        .prepare("SELECT v FROM kv WHERE k = ?")
        .await
        .unwrap();
    assert!(prepared.inner.result_metadata().id.is_none());
    let result = session.execute(&prepared, Vals(vec!["k9"])).await.unwrap();
    // v4 sends the columns with every answer: they match the prepared ones, which are shared.
    let rows = result.rows_raw().unwrap();
    assert_eq!(rows.metadata.columns_count, 1);
    assert!(Arc::ptr_eq(rows.columns(), &prepared.result_columns()));
    let Texts(row) = result.single_row().unwrap();
    assert_eq!(row, vec![Some("v9".into())]);
    kv.forget_next_execute.store(true, Ordering::SeqCst);
    assert!(session.execute(&prepared, Vals(vec!["k9"])).await.is_ok());
}

#[tokio::test]
async fn the_pool_reconnects_after_the_connection_drops() {
    let (session, _, control, connection) = kv_session().await;
    connection.close().await;
    // The first request finds no connection and starts reconnecting in the background.
    let err = session
        .query("SELECT k, v FROM kv", none())
        .await
        .unwrap_err();
    assert!(matches!(err, QueryError::NoConnection), "{err:?}");
    let mut result = None;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if let Ok(r) = session.query("SELECT k, v FROM kv", none()).await {
            result = Some(r);
            break;
        }
    }
    assert_eq!(result.expect("reconnected").rows_num(), ROWS);
    assert_eq!(control.connections.load(Ordering::SeqCst), 2);
}

/// Session futures must be `Send` so applications can run them on spawned tasks.
#[allow(dead_code)]
fn futures_are_send(session: Session, prepared: PreparedStatement, batch: BatchStatement) {
    fn send<T: Send>(_: T) {}
    send(session.query("q", none()));
    send(session.prepare("q"));
    send(session.execute(&prepared, none()));
    send(session.batch(&batch, vec![none()]));
    send(session.query_stream::<Texts>("q", none()));
    send(session.execute_stream::<Texts>(&prepared, none()));
    send(session.close());
    fn shareable<T: Send + Sync>() {}
    shareable::<Session>();
    shareable::<PreparedStatement>();
    fn movable<T: Send>() {}
    movable::<RowStream<Texts>>();
}

#[tokio::test]
async fn works_with_the_types_module_rows_and_values() {
    let (session, _, _, _) = kv_session().await;
    let result = session.query("SELECT k, v FROM kv", ()).await.unwrap();
    let owned: Vec<(String, String)> = result
        .rows::<(String, String)>()
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(owned[2], ("k2".to_owned(), "v2".to_owned()));
    let (k, v): (&str, &str) = result.first_row().unwrap();
    assert_eq!((k, v), ("k0", "v0"));

    let one = session
        .query("SELECT v FROM kv WHERE k = ?", ("k5",))
        .await
        .unwrap();
    let (v,): (String,) = one.single_row().unwrap();
    assert_eq!(v, "v5");

    let mut batch = BatchStatement::unlogged();
    batch.append("INSERT INTO kv (k, v) VALUES (?, ?)");
    batch.append("DELETE FROM kv WHERE k = 'gone'");
    session.batch(&batch, (("a", "1"), ())).await.unwrap();

    let mut stream = session
        .query_stream::<(String, String)>(
            SimpleStatement::new("SELECT k, v FROM kv").with_page_size(7),
            (),
        )
        .await
        .unwrap();
    let mut count = 0;
    while let Some(row) = stream.next().await {
        row.unwrap();
        count += 1;
    }
    assert_eq!(count, ROWS);
}

#[tokio::test]
async fn warnings_and_tracing_ids_reach_the_result() {
    let (session, _, _, _) = kv_session().await;
    let plain = session.query("warn me", ()).await.unwrap();
    assert_eq!(plain.warnings(), ["Batch is too large".to_owned()]);
    assert_eq!(plain.tracing_id(), None);
    let traced = session
        .query(SimpleStatement::new("warn me").with_tracing(true), ())
        .await
        .unwrap();
    assert_eq!(
        traced.tracing_id(),
        Some(uuid::Uuid::from_u128(0x1234_5678_9abc_def0))
    );
}
