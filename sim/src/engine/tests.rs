//! Engine tests driven through `Engine::query` with CQL text.

mod ddl;
mod dml;
mod fuzz;
mod paging;
mod system;

use super::*;
use crate::topology::SimNode;
use ringbolt_driver::protocol::request::{QueryParameters, SerializedValues};
use ringbolt_driver::protocol::response::{ErrorCode, Rows};
use std::net::{IpAddr, Ipv4Addr};

pub(super) const T0: i64 = 1_700_000_000_000_000;

pub(super) struct Harness {
    pub engine: Engine,
    pub cluster: ClusterSnapshot,
    pub stats: Vec<NodeStats>,
    pub keyspace: Option<String>,
    pub coordinator: usize,
}

pub(super) fn cluster(n: usize) -> ClusterSnapshot {
    let nodes = (0..n)
        .map(|i| SimNode {
            index: i,
            address: IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1 + i as u8)),
            port: 9042,
            datacenter: "datacenter1".into(),
            rack: "rack1".into(),
            host_id: uuid::Uuid::from_u128(0x1000 + i as u128),
            tokens: vec![i64::MIN / 2 + (i as i64) * (i64::MAX / n as i64)],
            up: true,
            release_version: "4.0.13".into(),
        })
        .collect();
    ClusterSnapshot {
        cluster_name: "Test Cluster".into(),
        nodes,
    }
}

impl Harness {
    pub fn new() -> Harness {
        let clock = Arc::new(Clock::fixed(T0));
        Harness {
            engine: Engine::with_clock(clock),
            cluster: cluster(3),
            stats: (0..3).map(|_| NodeStats::default()).collect(),
            keyspace: None,
            coordinator: 0,
        }
    }

    /// A harness with keyspace `ks` in use.
    pub fn with_ks() -> Harness {
        let mut h = Harness::new();
        h.ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
        h.ok("USE ks");
        h
    }

    pub fn run(&mut self, cql: &str, params: QueryParameters) -> Outcome {
        let mut ctx = RequestContext {
            coordinator: self.coordinator,
            cluster: &self.cluster,
            version: ProtocolVersion::V5,
            keyspace: &mut self.keyspace,
            stats: &self.stats,
        };
        self.engine.query(
            &mut ctx,
            &Query {
                query: cql.into(),
                params,
            },
        )
    }

    pub fn q(&mut self, cql: &str) -> Outcome {
        self.run(cql, QueryParameters::default())
    }

    pub fn ok(&mut self, cql: &str) -> ResultBody {
        match self.q(cql).result {
            Ok(r) => r,
            Err(e) => panic!("{cql}: {e:?}"),
        }
    }

    pub fn err(&mut self, cql: &str) -> ErrorBody {
        match self.q(cql).result {
            Ok(r) => panic!("{cql} succeeded: {r:?}"),
            Err(e) => e,
        }
    }

    /// Rows as `Vec<Vec<Option<bytes>>>`.
    pub fn rows(&mut self, cql: &str) -> Vec<Vec<Option<Vec<u8>>>> {
        match self.ok(cql) {
            ResultBody::Rows(r) => decode_rows(&r),
            other => panic!("{cql}: not rows: {other:?}"),
        }
    }

    /// Column names of a result.
    pub fn names(&mut self, cql: &str) -> Vec<String> {
        match self.ok(cql) {
            ResultBody::Rows(r) => r.metadata.columns.iter().map(|c| c.name.clone()).collect(),
            other => panic!("{cql}: not rows: {other:?}"),
        }
    }

    /// Rows of ints (each cell an int, or -1 for null).
    pub fn ints(&mut self, cql: &str) -> Vec<Vec<i64>> {
        self.rows(cql)
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|c| c.map_or(-1, |b| int_of(&b)))
                    .collect()
            })
            .collect()
    }
}

pub(super) fn int_of(b: &[u8]) -> i64 {
    match b.len() {
        1 => i64::from(b[0]),
        4 => i64::from(i32::from_be_bytes(b.try_into().unwrap())),
        8 => i64::from_be_bytes(b.try_into().unwrap()),
        n => panic!("not an int: {n} bytes"),
    }
}

pub(super) fn decode_rows(r: &Rows) -> Vec<Vec<Option<Vec<u8>>>> {
    let mut rest: &[u8] = &r.content;
    let mut out = Vec::new();
    for _ in 0..r.rows_count {
        let mut row = Vec::new();
        for _ in 0..r.metadata.columns_count {
            row.push(
                super::types::take_value(&mut rest)
                    .expect("cell")
                    .map(<[u8]>::to_vec),
            );
        }
        out.push(row);
    }
    assert!(rest.is_empty(), "trailing bytes in rows content");
    out
}

pub(super) fn text(b: &Option<Vec<u8>>) -> String {
    String::from_utf8(b.clone().expect("non-null")).unwrap()
}

pub(super) fn values(vals: &[Option<Vec<u8>>]) -> SerializedValues {
    let mut bytes = Vec::new();
    for v in vals {
        match v {
            Some(b) => {
                bytes.extend_from_slice(&(b.len() as i32).to_be_bytes());
                bytes.extend_from_slice(b);
            }
            None => bytes.extend_from_slice(&(-1i32).to_be_bytes()),
        }
    }
    SerializedValues {
        count: vals.len() as u16,
        named: false,
        bytes,
    }
}

pub(super) fn is_invalid(e: &ErrorBody, msg: &str) {
    assert_eq!(e.code, ErrorCode::Invalid, "{e:?}");
    assert_eq!(e.message, msg);
}
