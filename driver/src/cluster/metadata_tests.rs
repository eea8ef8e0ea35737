use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::*;
use crate::connection::fake_peer::{fake_cluster, Action, PeerConfig};
use crate::connection::ConnectionConfig;
use crate::protocol::response::{ColumnSpec, ErrorBody, ResultBody, Rows, RowsMetadata};
use crate::protocol::ColumnType;

fn spec(name: &str, typ: ColumnType) -> ColumnSpec {
    ColumnSpec {
        keyspace: "system".into(),
        table: "t".into(),
        name: name.into(),
        typ,
    }
}

fn text_set(items: &[&str]) -> Vec<u8> {
    let mut out = (items.len() as i32).to_be_bytes().to_vec();
    for item in items {
        out.extend_from_slice(&(item.len() as i32).to_be_bytes());
        out.extend_from_slice(item.as_bytes());
    }
    out
}

fn text_map(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut out = (entries.len() as i32).to_be_bytes().to_vec();
    for (k, v) in entries {
        for s in [k, v] {
            out.extend_from_slice(&(s.len() as i32).to_be_bytes());
            out.extend_from_slice(s.as_bytes());
        }
    }
    out
}

fn rows(columns: Vec<ColumnSpec>, rows: Vec<Vec<Option<Vec<u8>>>>) -> Action {
    let rows = Rows::from_cells(
        RowsMetadata::new(columns),
        rows.iter().map(|r| r.iter().map(|c| c.as_deref())),
    )
    .unwrap();
    Action::Reply(Response::Result(ResultBody::Rows(rows)))
}

fn node_columns(first: &[(&str, ColumnType)]) -> Vec<ColumnSpec> {
    let mut columns: Vec<ColumnSpec> = first.iter().map(|(n, t)| spec(n, t.clone())).collect();
    columns.extend([
        spec("host_id", ColumnType::Uuid),
        spec("data_center", ColumnType::Text),
        spec("rack", ColumnType::Text),
        spec("tokens", ColumnType::Set(Box::new(ColumnType::Text))),
        spec("release_version", ColumnType::Text),
    ]);
    columns
}

fn node_cells(id: u128, dc: &str, token: &str) -> Vec<Option<Vec<u8>>> {
    vec![
        Some(uuid::Uuid::from_u128(id).as_bytes().to_vec()),
        Some(dc.as_bytes().to_vec()),
        Some(b"r1".to_vec()),
        Some(text_set(&[token])),
        Some(b"3.11.17".to_vec()),
    ]
}

/// A server without `system.peers_v2` (Cassandra 3): peers come from `system.peers`.
fn handler(peers_v2_queries: Arc<AtomicUsize>) -> PeerConfig {
    PeerConfig::new(move |frame| {
        let Request::Query(q) = &frame.request else {
            return Action::Reply(Response::Ready);
        };
        if q.query.contains("system.local") {
            rows(node_columns(&[]), vec![node_cells(1, "dc1", "-100")])
        } else if q.query.contains("system.peers_v2") {
            peers_v2_queries.fetch_add(1, Ordering::Relaxed);
            Action::Reply(Response::Error(ErrorBody {
                code: ErrorCode::Invalid,
                message: "unconfigured table peers_v2".into(),
            }))
        } else if q.query.contains("system.peers") {
            let columns = node_columns(&[
                ("peer", ColumnType::Inet),
                ("rpc_address", ColumnType::Inet),
            ]);
            let mut listening_everywhere = vec![Some(vec![10, 0, 0, 2]), Some(vec![0, 0, 0, 0])];
            listening_everywhere.extend(node_cells(2, "dc2", "100"));
            let mut own_rpc = vec![Some(vec![10, 0, 0, 3]), Some(vec![10, 1, 0, 3])];
            own_rpc.extend(node_cells(3, "dc1", "200"));
            let mut no_address = vec![None, None];
            no_address.extend(node_cells(4, "dc1", "300"));
            rows(columns, vec![listening_everywhere, own_rpc, no_address])
        } else if q.query.contains("system_schema.keyspaces") {
            let columns = vec![
                spec("keyspace_name", ColumnType::Text),
                spec(
                    "replication",
                    ColumnType::Map(Box::new(ColumnType::Text), Box::new(ColumnType::Text)),
                ),
            ];
            rows(
                columns,
                vec![vec![
                    Some(b"shop".to_vec()),
                    Some(text_map(&[
                        ("class", "org.apache.cassandra.locator.SimpleStrategy"),
                        ("replication_factor", "2"),
                    ])),
                ]],
            )
        } else {
            Action::Close
        }
    })
}

#[tokio::test]
async fn falls_back_to_system_peers_and_builds_the_snapshot() {
    let asked = Arc::new(AtomicUsize::new(0));
    let (connector, _control) = fake_cluster(handler(asked.clone()));
    let config = ConnectionConfig {
        heartbeat_interval: None,
        ..ConnectionConfig::default()
    };
    let connection = Connection::open(connector, None, &config).await.unwrap();
    let connected: SocketAddr = "10.0.0.1:19042".parse().unwrap();
    let metadata = fetch(&connection, connected).await.unwrap();
    assert_eq!(asked.load(Ordering::Relaxed), 1);
    let addresses: Vec<String> = metadata
        .nodes
        .iter()
        .map(|n| n.address.to_string())
        .collect();
    // The local node is where we connected; 0.0.0.0 falls back to the peer address; peers
    // use the connected port; a peer without any address is skipped.
    assert_eq!(
        addresses,
        ["10.0.0.1:19042", "10.0.0.2:19042", "10.1.0.3:19042"]
    );
    assert_eq!(metadata.nodes[1].datacenter, "dc2");
    assert_eq!(metadata.nodes[2].tokens, [200]);
    assert_eq!(
        metadata.nodes[0].release_version.as_deref(),
        Some("3.11.17")
    );
    assert_eq!(
        metadata.datacenters().collect::<Vec<_>>(),
        ["dc1", "dc2", "dc1"]
    );
    let snapshot = metadata.into_snapshot();
    // Token 150 -> owner of 200 (node 2), then wrap to -100 (node 0).
    assert_eq!(
        snapshot.replicas("shop", crate::cluster::Token(150)),
        [2, 0]
    );
}
