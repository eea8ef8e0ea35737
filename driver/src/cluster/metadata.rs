//! Reading the cluster's topology and replication settings over one connection:
//! `system.local`, `system.peers_v2` (or `system.peers` on servers without it) and
//! `system_schema.keyspaces`, turned into a [`ClusterSnapshot`].

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use uuid::Uuid;

use super::snapshot::ClusterSnapshot;
use super::topology::NodeInfo;
use crate::connection::{response_name, Connection, ConnectionError};
use crate::protocol::request::{Query, QueryParameters, Request};
use crate::protocol::response::{ErrorCode, Response};
use crate::protocol::Consistency;
use crate::session::{QueryResult, RowsError};

const LOCAL: &str = "SELECT host_id, data_center, rack, tokens, release_version FROM system.local";
const PEERS_V2: &str = "SELECT peer, native_address, native_port, host_id, data_center, rack, \
                        tokens, release_version FROM system.peers_v2";
const PEERS: &str =
    "SELECT peer, rpc_address, host_id, data_center, rack, tokens, release_version FROM system.peers";
const KEYSPACES: &str = "SELECT keyspace_name, replication FROM system_schema.keyspaces";

/// Reading the cluster's metadata failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MetadataError {
    /// The connection failed.
    #[error("the control connection failed while reading cluster metadata")]
    Connection(#[source] ConnectionError),
    /// The server refused a system-table query.
    #[error("the server refused `{query}`: {message}")]
    Server {
        /// The query.
        query: &'static str,
        /// The server's message.
        message: String,
        /// Whether the error was INVALID (the table does not exist).
        invalid: bool,
    },
    /// The server answered with something other than rows.
    #[error("unexpected {got} answer to `{query}`")]
    Unexpected {
        /// The query.
        query: &'static str,
        /// What came back.
        got: &'static str,
    },
    /// The rows do not have the expected columns.
    #[error("the rows of `{query}` do not have the expected columns")]
    Rows {
        /// The query.
        query: &'static str,
        /// Why they could not be read.
        #[source]
        source: RowsError,
    },
    /// `system.local` returned no row.
    #[error("system.local returned no row")]
    NoLocalRow,
}

/// The facts a snapshot is built from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Metadata {
    pub(crate) nodes: Vec<NodeInfo>,
    pub(crate) keyspaces: Vec<(String, HashMap<String, String>)>,
}

impl Metadata {
    /// The snapshot these facts describe; keyspaces with unknown strategies are logged.
    pub(crate) fn into_snapshot(self) -> ClusterSnapshot {
        let (snapshot, errors) = ClusterSnapshot::from_schema(self.nodes, self.keyspaces);
        for (keyspace, error) in errors {
            tracing::warn!(%keyspace, %error, "keyspace is not token-aware");
        }
        snapshot
    }

    /// The datacenter names of the nodes.
    pub(crate) fn datacenters(&self) -> impl Iterator<Item = &str> {
        self.nodes.iter().map(|n| n.datacenter.as_str())
    }
}

async fn select(
    connection: &Connection,
    query: &'static str,
) -> Result<QueryResult, MetadataError> {
    let request = Request::Query(Query {
        query: query.to_owned(),
        params: QueryParameters {
            consistency: Consistency::One,
            ..QueryParameters::default()
        },
    });
    let frame = connection
        .send(request)
        .await
        .map_err(MetadataError::Connection)?;
    match frame.response {
        Response::Result(body) => Ok(QueryResult::new(body, None, Vec::new(), None)),
        Response::Error(body) => Err(MetadataError::Server {
            query,
            invalid: matches!(body.code, ErrorCode::Invalid),
            message: body.message,
        }),
        other => Err(MetadataError::Unexpected {
            query,
            got: response_name(&other),
        }),
    }
}

fn parse_tokens(tokens: Option<Vec<String>>) -> Vec<i64> {
    tokens
        .unwrap_or_default()
        .iter()
        .filter_map(|t| t.parse().ok())
        .collect()
}

type PeerRow = (
    Option<IpAddr>,
    Option<IpAddr>,
    Option<i32>,
    Option<Uuid>,
    Option<String>,
    Option<String>,
    Option<Vec<String>>,
    Option<String>,
);

fn node(
    host_id: Option<Uuid>,
    address: SocketAddr,
    dc: Option<String>,
    rack: Option<String>,
    tokens: Option<Vec<String>>,
    version: Option<String>,
) -> NodeInfo {
    let mut n = NodeInfo::new(
        host_id.unwrap_or_default(),
        address,
        dc.unwrap_or_default(),
        rack.unwrap_or_default(),
    )
    .with_tokens(parse_tokens(tokens));
    if let Some(v) = version {
        n = n.with_release_version(v);
    }
    n
}

/// Reads the topology and keyspaces through `connection`, which is connected to `connected`
/// (the local node's client address; its peers report theirs).
pub(crate) async fn fetch(
    connection: &Connection,
    connected: SocketAddr,
) -> Result<Metadata, MetadataError> {
    let rows_err = |query| move |source| MetadataError::Rows { query, source };
    let local = select(connection, LOCAL).await?;
    type LocalRow = (
        Option<Uuid>,
        Option<String>,
        Option<String>,
        Option<Vec<String>>,
        Option<String>,
    );
    let (host_id, dc, rack, tokens, version) = local
        .rows::<LocalRow>()
        .map_err(rows_err(LOCAL))?
        .next()
        .ok_or(MetadataError::NoLocalRow)?
        .map_err(rows_err(LOCAL))?;
    let mut nodes = vec![node(host_id, connected, dc, rack, tokens, version)];

    let port = connected.port();
    match select(connection, PEERS_V2).await {
        Ok(peers) => {
            for row in peers.rows::<PeerRow>().map_err(rows_err(PEERS_V2))? {
                let (peer, native, native_port, host_id, dc, rack, tokens, version) =
                    row.map_err(rows_err(PEERS_V2))?;
                let Some(ip) = native.or(peer) else { continue };
                let port = native_port
                    .and_then(|p| u16::try_from(p).ok())
                    .unwrap_or(port);
                nodes.push(node(
                    host_id,
                    SocketAddr::new(ip, port),
                    dc,
                    rack,
                    tokens,
                    version,
                ));
            }
        }
        Err(MetadataError::Server { invalid: true, .. }) => {
            let peers = select(connection, PEERS).await?;
            type Row = (
                Option<IpAddr>,
                Option<IpAddr>,
                Option<Uuid>,
                Option<String>,
                Option<String>,
                Option<Vec<String>>,
                Option<String>,
            );
            for row in peers.rows::<Row>().map_err(rows_err(PEERS))? {
                let (peer, rpc, host_id, dc, rack, tokens, version) =
                    row.map_err(rows_err(PEERS))?;
                // 0.0.0.0 as rpc_address means "listening everywhere": use the peer address.
                let ip = match (rpc, peer) {
                    (Some(ip), _) if !ip.is_unspecified() => ip,
                    (_, Some(ip)) => ip,
                    _ => continue,
                };
                nodes.push(node(
                    host_id,
                    SocketAddr::new(ip, port),
                    dc,
                    rack,
                    tokens,
                    version,
                ));
            }
        }
        Err(e) => return Err(e),
    }

    let keyspaces = select(connection, KEYSPACES).await?;
    let keyspaces = keyspaces
        .rows::<(String, HashMap<String, String>)>()
        .map_err(rows_err(KEYSPACES))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(rows_err(KEYSPACES))?;
    Ok(Metadata { nodes, keyspaces })
}

#[cfg(test)]
#[path = "metadata_tests.rs"]
mod tests;
