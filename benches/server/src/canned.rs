//! Every answer the server gives, encoded once at start-up where it can be (the hot path only
//! writes a header and copies bytes), and the few SELECTs on system tables that clients send at
//! connect time.

use std::net::{IpAddr, Ipv4Addr};

use ringbolt_driver::protocol::response::{
    ColumnSpec, ErrorBody, ErrorCode, PreparedMetadata, PreparedResult, Response, ResultBody, Rows,
    RowsMetadata, Supported,
};
use ringbolt_driver::protocol::{ColumnType, EncodeError, Opcode, ProtocolVersion};

use crate::schema::{system_tables, Table};

/// The keyspace and table of the benchmark statements.
pub const KEYSPACE: &str = "bench";
/// The benchmark table: `k bigint PRIMARY KEY, v blob`.
pub const TABLE: &str = "kv";
/// Prepared id of the INSERT.
pub const INSERT_ID: [u8; 16] = [0x11; 16];
/// Prepared id of the SELECT.
pub const SELECT_ID: [u8; 16] = [0x22; 16];
/// Length of the blob in the canned row.
pub const BLOB_LEN: usize = 100;

/// An encoded response body and its opcode.
pub struct Body {
    /// The response's opcode.
    pub opcode: Opcode,
    /// The encoded body.
    pub bytes: Vec<u8>,
}

/// The answers known in advance.
pub struct Canned {
    /// SUPPORTED for OPTIONS.
    pub supported: Body,
    /// READY for STARTUP and REGISTER.
    pub ready: Body,
    /// RESULT Void for the INSERT and for BATCH.
    pub void: Body,
    /// RESULT Prepared for the INSERT.
    pub prepared_insert: Body,
    /// RESULT Prepared for the SELECT.
    pub prepared_select: Body,
    /// The SELECT's one row with its metadata.
    pub row: Body,
    /// The same row with the No_metadata flag, for an EXECUTE with Skip_metadata.
    pub row_no_metadata: Body,
    tables: Vec<Table>,
    port: u16,
}

fn encode(response: &Response) -> Result<Body, EncodeError> {
    let mut bytes = Vec::new();
    response.encode_body(ProtocolVersion::V4, &mut bytes)?;
    Ok(Body {
        opcode: response.opcode(),
        bytes,
    })
}

fn spec(name: &str, typ: ColumnType) -> ColumnSpec {
    ColumnSpec {
        keyspace: KEYSPACE.to_owned(),
        table: TABLE.to_owned(),
        name: name.to_owned(),
        typ,
    }
}

fn error(code: ErrorCode, message: String) -> Response {
    Response::Error(ErrorBody { code, message })
}

impl Canned {
    /// Encodes every canned answer. `port` is the native port reported in `system.local`.
    pub fn new(port: u16) -> Result<Canned, String> {
        let kv = || vec![spec("k", ColumnType::Bigint), spec("v", ColumnType::Blob)];
        let prepared = |id: [u8; 16], binds: Vec<ColumnSpec>, result: Vec<ColumnSpec>| {
            Response::Result(ResultBody::Prepared(PreparedResult {
                id: id.to_vec(),
                result_metadata_id: None,
                metadata: PreparedMetadata {
                    pk_indexes: vec![0],
                    columns: binds,
                },
                result_metadata: RowsMetadata::new(result),
            }))
        };
        let key = 42i64.to_be_bytes();
        let blob = [0xABu8; BLOB_LEN];
        let row = |metadata: RowsMetadata| -> Result<Response, EncodeError> {
            let rows = Rows::from_cells(metadata, [[Some(&key[..]), Some(&blob[..])]])?;
            Ok(Response::Result(ResultBody::Rows(rows)))
        };
        let no_metadata = RowsMetadata {
            columns_count: 2,
            ..RowsMetadata::default()
        };
        let supported = Response::Supported(Supported {
            options: vec![
                ("CQL_VERSION".to_owned(), vec!["3.4.5".to_owned()]),
                ("COMPRESSION".to_owned(), Vec::new()),
                ("PROTOCOL_VERSIONS".to_owned(), vec!["4/v4".to_owned()]),
            ],
        });
        let e = |e: EncodeError| e.to_string();
        Ok(Canned {
            supported: encode(&supported).map_err(e)?,
            ready: encode(&Response::Ready).map_err(e)?,
            void: encode(&Response::Result(ResultBody::Void)).map_err(e)?,
            prepared_insert: encode(&prepared(INSERT_ID, kv(), Vec::new())).map_err(e)?,
            prepared_select: encode(&prepared(
                SELECT_ID,
                vec![spec("k", ColumnType::Bigint)],
                kv(),
            ))
            .map_err(e)?,
            row: encode(&row(RowsMetadata::new(kv())).map_err(e)?).map_err(e)?,
            row_no_metadata: encode(&row(no_metadata).map_err(e)?).map_err(e)?,
            tables: system_tables()?,
            port,
        })
    }

    /// The answer to a PREPARE: the benchmark's INSERT or SELECT, anything else is refused.
    pub fn prepare(&self, query: &str) -> Result<&Body, Body> {
        let q = query.to_ascii_lowercase();
        if q.contains("system") {
            return Err(self.built(error(
                ErrorCode::Invalid,
                format!("the benchmark server prepares only its two statements, not {query:?}"),
            )));
        }
        if q.trim_start().starts_with("insert") {
            Ok(&self.prepared_insert)
        } else if q.trim_start().starts_with("select") {
            Ok(&self.prepared_select)
        } else {
            Err(self.built(error(
                ErrorCode::Invalid,
                format!("the benchmark server prepares only INSERT and SELECT, not {query:?}"),
            )))
        }
    }

    /// The answer to a QUERY: rows of the system tables, `USE`, and Void for anything else.
    pub fn query(&self, query: &str) -> Body {
        let q = query.trim().trim_end_matches(';').to_ascii_lowercase();
        if let Some(ks) = q.strip_prefix("use ") {
            let ks = ks.trim().trim_matches('"').to_owned();
            return self.built(Response::Result(ResultBody::SetKeyspace(ks)));
        }
        if !q.starts_with("select ") {
            return self.void_copy();
        }
        match self.select(&q) {
            Ok(r) => self.built(r),
            Err(message) => self.built(error(ErrorCode::Invalid, message)),
        }
    }

    fn void_copy(&self) -> Body {
        Body {
            opcode: self.void.opcode,
            bytes: self.void.bytes.clone(),
        }
    }

    /// Encodes a response built on the spot; a failure becomes a SERVER_ERROR.
    pub fn built(&self, response: Response) -> Body {
        encode(&response).unwrap_or_else(|e| {
            let fallback = error(ErrorCode::ServerError, format!("encoding failed: {e}"));
            encode(&fallback).unwrap_or(Body {
                opcode: Opcode::Error,
                bytes: Vec::new(),
            })
        })
    }

    /// `select <columns> from <table> [where ...]` on a known system table.
    fn select(&self, q: &str) -> Result<Response, String> {
        let rest = q.trim_start_matches("select ").trim_start();
        let rest = rest.strip_prefix("json ").unwrap_or(rest);
        let (columns, from) = rest
            .split_once(" from ")
            .ok_or_else(|| format!("no FROM in {q:?}"))?;
        let table_name = from
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_matches('"')
            .to_owned();
        let table = self
            .tables
            .iter()
            .find(|t| t.name == table_name)
            .ok_or_else(|| format!("unconfigured table {table_name}"))?;
        let (ks, tb) = table.name.split_once('.').unwrap_or(("", &table.name));
        let mut specs = Vec::new();
        if columns.trim() == "*" {
            for (name, typ) in &table.columns {
                specs.push((name.clone(), typ.clone()));
            }
        } else {
            for expr in columns.split(',') {
                let expr = expr.trim().trim_matches('"');
                if expr.contains('(') {
                    // A function call such as toJSON(x): its value is text, and null here.
                    specs.push((expr.to_owned(), ColumnType::Text));
                    continue;
                }
                let typ = table
                    .columns
                    .iter()
                    .find(|(n, _)| n == expr)
                    .map(|(_, t)| t.clone())
                    .ok_or_else(|| format!("Undefined column name {expr} in table {table_name}"))?;
                specs.push((expr.to_owned(), typ));
            }
        }
        let metadata = RowsMetadata::new(
            specs
                .iter()
                .map(|(name, typ)| ColumnSpec {
                    keyspace: ks.to_owned(),
                    table: tb.to_owned(),
                    name: name.clone(),
                    typ: typ.clone(),
                })
                .collect::<Vec<_>>(),
        );
        let row: Option<Vec<Option<Vec<u8>>>> = match table.name.as_str() {
            "system.local" => Some(specs.iter().map(|(n, _)| self.local_cell(n)).collect()),
            "system_schema.keyspaces" if !from.contains(" where ") || from.contains("'bench'") => {
                Some(specs.iter().map(|(n, _)| keyspace_cell(n)).collect())
            }
            _ => None,
        };
        let rows = Rows::from_cells(
            metadata,
            row.iter()
                .map(|cells| cells.iter().map(|c| c.as_deref()).collect::<Vec<_>>()),
        )
        .map_err(|e| e.to_string())?;
        Ok(Response::Result(ResultBody::Rows(rows)))
    }

    /// The value of a `system.local` column; null for those nothing reads.
    fn local_cell(&self, column: &str) -> Option<Vec<u8>> {
        let loopback = IpAddr::V4(Ipv4Addr::LOCALHOST);
        Some(match column {
            "key" => b"local".to_vec(),
            "bootstrapped" => b"COMPLETED".to_vec(),
            "broadcast_address" | "listen_address" | "rpc_address" => inet(loopback),
            "cluster_name" => b"bench".to_vec(),
            "cql_version" => b"3.4.5".to_vec(),
            "data_center" => b"datacenter1".to_vec(),
            "rack" => b"rack1".to_vec(),
            "host_id" => vec![0x5A; 16],
            "schema_version" => vec![0x5C; 16],
            "native_protocol_version" => b"4".to_vec(),
            "partitioner" => b"org.apache.cassandra.dht.Murmur3Partitioner".to_vec(),
            "release_version" => b"4.0.13".to_vec(),
            "rpc_port" => i32::from(self.port).to_be_bytes().to_vec(),
            "tokens" => text_set(&["0"]),
            _ => return None,
        })
    }
}

/// The row of keyspace `bench` in `system_schema.keyspaces`.
fn keyspace_cell(column: &str) -> Option<Vec<u8>> {
    Some(match column {
        "keyspace_name" => KEYSPACE.as_bytes().to_vec(),
        "durable_writes" => vec![1],
        "replication" => text_map(&[
            ("class", "org.apache.cassandra.locator.SimpleStrategy"),
            ("replication_factor", "1"),
        ]),
        _ => return None,
    })
}

fn inet(ip: IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    }
}

fn push_text(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as i32).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// A `set<text>` value (v4: `[int]` counts and lengths).
fn text_set(items: &[&str]) -> Vec<u8> {
    let mut out = (items.len() as i32).to_be_bytes().to_vec();
    for s in items {
        push_text(&mut out, s);
    }
    out
}

/// A `map<text, text>` value.
fn text_map(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut out = (entries.len() as i32).to_be_bytes().to_vec();
    for (k, v) in entries {
        push_text(&mut out, k);
        push_text(&mut out, v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ringbolt_driver::protocol::response::Response;

    fn decode(body: &Body) -> Response {
        Response::decode_body(body.opcode, ProtocolVersion::V4, body.bytes.clone().into()).unwrap()
    }

    #[test]
    fn local_row_has_the_requested_columns() {
        let c = Canned::new(9042).unwrap();
        let body = c.query("SELECT host_id, rpc_address, data_center, rack, tokens, cluster_name FROM system.local WHERE key='local'");
        let Response::Result(ResultBody::Rows(rows)) = decode(&body) else {
            panic!("not rows")
        };
        assert_eq!(rows.rows_count, 1);
        assert_eq!(rows.metadata.columns.len(), 6);
        assert_eq!(
            rows.metadata.columns[4].typ,
            ColumnType::Set(Box::new(ColumnType::Text))
        );
    }

    #[test]
    fn peers_are_empty_and_unknown_tables_refused() {
        let c = Canned::new(9042).unwrap();
        let Response::Result(ResultBody::Rows(rows)) =
            decode(&c.query("select * from system.peers_v2"))
        else {
            panic!("not rows")
        };
        assert_eq!((rows.rows_count, rows.metadata.columns.len()), (0, 12));
        assert!(matches!(
            decode(&c.query("SELECT a FROM system_schema.scylla_tables")),
            Response::Error(_)
        ));
        assert!(matches!(
            decode(&c.query("SELECT nope FROM system.local")),
            Response::Error(_)
        ));
    }

    #[test]
    fn canned_row_decodes() {
        let c = Canned::new(9042).unwrap();
        for body in [&c.row, &c.row_no_metadata] {
            let Response::Result(ResultBody::Rows(rows)) = decode(body) else {
                panic!("not rows")
            };
            let mut cells = Vec::new();
            assert!(rows.reader().next_row(&mut cells).unwrap());
            assert_eq!(cells[1].map(<[u8]>::len), Some(BLOB_LEN));
        }
        assert!(c
            .prepare("INSERT INTO bench.kv (k, v) VALUES (?, ?)")
            .is_ok());
        assert!(c.prepare("SELECT k, v FROM bench.kv WHERE k = ?").is_ok());
        assert!(c.prepare("DELETE FROM bench.kv WHERE k = ?").is_err());
    }
}
