//! Typed statements run through a real `Session` against a scripted in-process CQL server
//! (protocol v4): prepare, execute with typed values, rows read by column name, LWT results.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::BytesMut;
use futures::StreamExt;
use ringbolt::protocol::frame::{decode_request, encode_response, FrameDecoder, ResponseFrame};
use ringbolt::protocol::request::{RawValue, Request};
use ringbolt::protocol::response::{
    ColumnSpec, PreparedMetadata, PreparedResult, Response, ResultBody, Rows, RowsMetadata,
    Supported,
};
use ringbolt::protocol::{ColumnType, ProtocolVersion};
use ringbolt::session::Session;
use ringbolt::Table;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "users", keyspace = "app")]
struct User {
    #[partition_key]
    id: i32,
    name: String,
    email: Option<String>,
}

fn spec(name: &str, typ: ColumnType) -> ColumnSpec {
    ColumnSpec {
        keyspace: "app".into(),
        table: "users".into(),
        name: name.into(),
        typ,
    }
}

type Cells = Vec<Option<Vec<u8>>>;

/// The rows the server holds, keyed by the `id` cell, stored as (id, name, email) cells.
#[derive(Default)]
struct Store {
    rows: HashMap<Vec<u8>, Cells>,
    /// Every statement text prepared, in order.
    prepared: Vec<String>,
}

fn user_columns() -> Vec<ColumnSpec> {
    vec![
        spec("id", ColumnType::Int),
        spec("name", ColumnType::Text),
        spec("email", ColumnType::Text),
    ]
}

/// Answers one request; only the statements `User` generates are known.
fn answer(store: &Mutex<Store>, request: Request) -> Response {
    let mut store = store.lock().unwrap();
    match request {
        Request::Options(_) => Response::Supported(Supported {
            options: vec![
                ("PROTOCOL_VERSIONS".into(), vec!["4/v4".into()]),
                ("CQL_VERSION".into(), vec!["3.4.5".into()]),
            ],
        }),
        Request::Startup(_) | Request::Register(_) => Response::Ready,
        Request::Prepare(p) => {
            let (markers, result) = if p.query == User::insert().cql()
                || p.query == User::insert_if_not_exists().cql()
            {
                let result = if p.query.ends_with("IF NOT EXISTS") {
                    vec![spec("[applied]", ColumnType::Boolean)]
                } else {
                    Vec::new()
                };
                (user_columns(), result)
            } else if p.query == User::get().cql() {
                // Result columns in another order than the struct's fields.
                let cols = user_columns();
                (
                    vec![spec("id", ColumnType::Int)],
                    vec![cols[2].clone(), cols[0].clone(), cols[1].clone()],
                )
            } else {
                panic!("unexpected statement {}", p.query);
            };
            store.prepared.push(p.query.clone());
            let id = vec![u8::try_from(store.prepared.len() - 1).unwrap()];
            Response::Result(ResultBody::Prepared(PreparedResult {
                id,
                result_metadata_id: None,
                metadata: PreparedMetadata {
                    pk_indexes: vec![0],
                    columns: markers,
                },
                result_metadata: RowsMetadata::new(result),
            }))
        }
        Request::Execute(e) => {
            let text = store.prepared[usize::from(e.id[0])].clone();
            let values: Cells = e
                .params
                .values
                .iter()
                .map(|v| match v.unwrap().1 {
                    RawValue::Bytes(b) => Some(b.to_vec()),
                    _ => None,
                })
                .collect();
            let key = values[0].clone().unwrap();
            if text == User::get().cql() {
                let meta = RowsMetadata::new(vec![
                    spec("email", ColumnType::Text),
                    spec("id", ColumnType::Int),
                    spec("name", ColumnType::Text),
                ]);
                let rows: Vec<Vec<Option<&[u8]>>> = store
                    .rows
                    .get(&key)
                    .map(|r| vec![vec![r[2].as_deref(), r[0].as_deref(), r[1].as_deref()]])
                    .unwrap_or_default();
                Response::Result(ResultBody::Rows(Rows::from_cells(meta, rows).unwrap()))
            } else if text.ends_with("IF NOT EXISTS") {
                let applied = !store.rows.contains_key(&key);
                if applied {
                    store.rows.insert(key, values);
                }
                let meta = RowsMetadata::new(vec![spec("[applied]", ColumnType::Boolean)]);
                let cell = [u8::from(applied)];
                Response::Result(ResultBody::Rows(
                    Rows::from_cells(meta, [[Some(&cell[..])]]).unwrap(),
                ))
            } else {
                store.rows.insert(key, values);
                Response::Result(ResultBody::Void)
            }
        }
        // The session reads system tables at startup; this server has none, so the session
        // falls back to using it alone.
        Request::Query(q) if q.query.contains("system.") => {
            Response::Error(ringbolt::protocol::response::ErrorBody {
                code: ringbolt::protocol::response::ErrorCode::Invalid,
                message: format!("unconfigured table in `{}`", q.query),
            })
        }
        other => panic!("unexpected request {other:?}"),
    }
}

async fn serve(listener: TcpListener, store: Arc<Mutex<Store>>) {
    while let Ok((mut socket, _)) = listener.accept().await {
        let store = store.clone();
        tokio::spawn(async move {
            let mut buf = BytesMut::new();
            let mut decoder = FrameDecoder::new(1 << 20);
            loop {
                while let Some((header, body)) = decoder.decode(&mut buf).unwrap() {
                    let frame = decode_request(&header, &body).unwrap();
                    let response = ResponseFrame {
                        stream: frame.stream,
                        tracing_id: None,
                        warnings: Vec::new(),
                        custom_payload: None,
                        response: answer(&store, frame.request),
                    };
                    let mut out = Vec::new();
                    encode_response(ProtocolVersion::V4, &response, &mut out).unwrap();
                    if socket.write_all(&out).await.is_err() {
                        return;
                    }
                }
                match socket.read_buf(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
            }
        });
    }
}

#[tokio::test]
async fn typed_statements_round_trip_through_a_session() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let store = Arc::new(Mutex::new(Store::default()));
    tokio::spawn(serve(listener, store.clone()));
    let session = Session::builder()
        .contact_point("127.0.0.1")
        .port(port)
        .protocol_version(ProtocolVersion::V4)
        .heartbeat_interval(None)
        .build()
        .await
        .unwrap();

    let insert = session.prepare_typed(User::insert()).await.unwrap();
    assert!(insert.is_idempotent());
    session
        .execute_typed(&insert, (7, "ada".to_owned(), None))
        .await
        .unwrap();

    let get = session.prepare_typed(User::get()).await.unwrap();
    let user = session.fetch_optional(&get, (7,)).await.unwrap();
    assert_eq!(
        user,
        Some(User {
            id: 7,
            name: "ada".into(),
            email: None
        })
    );
    assert_eq!(session.fetch_optional(&get, (8,)).await.unwrap(), None);
    assert_eq!(session.fetch_all(&get, (7,)).await.unwrap().len(), 1);

    let lwt = session
        .prepare_typed(User::insert_if_not_exists())
        .await
        .unwrap();
    assert!(!lwt.is_idempotent());
    let row = (8, "grace".to_owned(), Some("g@example.com".to_owned()));
    assert!(session.apply(&lwt, row.clone()).await.unwrap());
    assert!(!session.apply(&lwt, row).await.unwrap());
    let grace = session.fetch_optional(&get, (8,)).await.unwrap().unwrap();
    assert_eq!(grace.email.as_deref(), Some("g@example.com"));

    // The same statement as a stream of typed rows.
    let streamed: Vec<User> = session
        .stream_typed(&get, (7,))
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(
        streamed,
        [User {
            id: 7,
            name: "ada".into(),
            email: None
        }]
    );

    let prepared = store.lock().unwrap().prepared.clone();
    assert_eq!(
        prepared,
        [
            User::insert().cql(),
            User::get().cql(),
            User::insert_if_not_exists().cql()
        ]
    );
}
