//! Deterministic pseudo-random fuzzing of every decoder: random bytes and mutated valid messages
//! must give an error or a value, never a panic; a decoded value must encode and decode back to
//! itself.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};

use super::frame::{decode_request, decode_response, FrameDecoder};
use super::primitives::Reader;
use super::request::*;
use super::response::*;
use super::segment::{encode_segments, SegmentDecoder};
use super::*;

/// xorshift64*: small, deterministic, good enough to shake decoders.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let len = self.below(max + 1);
        (0..len).map(|_| self.next() as u8).collect()
    }

    /// Flips, inserts, deletes or truncates a few bytes, sometimes writing small lengths.
    fn mutate(&mut self, input: &[u8]) -> Vec<u8> {
        let mut v = input.to_vec();
        for _ in 0..=self.below(3) {
            match self.below(6) {
                0 if !v.is_empty() => {
                    let i = self.below(v.len());
                    v[i] ^= 1 << self.below(8);
                }
                1 => {
                    let i = self.below(v.len() + 1);
                    v.insert(i, self.next() as u8);
                }
                2 if !v.is_empty() => {
                    let i = self.below(v.len());
                    v.remove(i);
                }
                3 => {
                    let n = self.below(v.len() + 1);
                    v.truncate(n);
                }
                4 if !v.is_empty() => {
                    let i = self.below(v.len());
                    v[i] = [0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF][self.below(6)];
                }
                _ => {}
            }
        }
        v
    }
}

const VERSIONS: [ProtocolVersion; 2] = [ProtocolVersion::V4, ProtocolVersion::V5];
const REQUEST_OPS: [Opcode; 8] = [
    Opcode::Startup,
    Opcode::Options,
    Opcode::Query,
    Opcode::Prepare,
    Opcode::Execute,
    Opcode::Batch,
    Opcode::Register,
    Opcode::AuthResponse,
];
const RESPONSE_OPS: [Opcode; 8] = [
    Opcode::Error,
    Opcode::Ready,
    Opcode::Authenticate,
    Opcode::Supported,
    Opcode::Result,
    Opcode::Event,
    Opcode::AuthChallenge,
    Opcode::AuthSuccess,
];

fn sample_requests() -> Vec<Request> {
    let mut values = SerializedValues::default();
    values.push(None, RawValue::Bytes(&[0, 0, 0, 1])).unwrap();
    values.push(None, RawValue::Null).unwrap();
    let mut named = SerializedValues::default();
    named.push(Some("k"), RawValue::Unset).unwrap();
    let params = QueryParameters {
        consistency: Consistency::Quorum,
        values: values.clone(),
        skip_metadata: true,
        page_size: Some(10),
        paging_state: Some(vec![1, 2, 3]),
        serial_consistency: Some(SerialConsistency::LocalSerial),
        default_timestamp: Some(99),
        keyspace: None,
        now_in_seconds: None,
    };
    vec![
        Request::Startup(Startup {
            options: vec![("CQL_VERSION".into(), "3.0.0".into())],
        }),
        Request::Options(Options),
        Request::Query(Query {
            query: "SELECT * FROM ks.t WHERE k = ?".into(),
            params: params.clone(),
        }),
        Request::Query(Query {
            query: "Q".into(),
            params: QueryParameters {
                values: named.clone(),
                ..QueryParameters::default()
            },
        }),
        Request::Prepare(Prepare {
            query: "SELECT 1".into(),
            keyspace: None,
        }),
        Request::Execute(Execute {
            id: vec![1, 2].into(),
            result_metadata_id: Some(vec![3].into()),
            params,
        }),
        Request::Batch(Batch {
            batch_type: BatchType::Counter,
            statements: vec![
                BatchStatement::Query {
                    query: "UPDATE".into(),
                    values,
                },
                BatchStatement::Prepared {
                    id: vec![7].into(),
                    values: SerializedValues::default(),
                },
            ],
            consistency: Consistency::One,
            serial_consistency: None,
            default_timestamp: Some(1),
            keyspace: None,
            now_in_seconds: None,
        }),
        Request::Batch(Batch {
            batch_type: BatchType::Logged,
            statements: vec![BatchStatement::Query {
                query: "U".into(),
                values: named,
            }],
            consistency: Consistency::One,
            serial_consistency: None,
            default_timestamp: None,
            keyspace: None,
            now_in_seconds: None,
        }),
        Request::Register(Register {
            events: vec![EventType::SchemaChange],
        }),
        Request::AuthResponse(AuthResponse {
            token: Some(vec![0, 1]),
        }),
    ]
}

fn spec(name: &str, typ: ColumnType) -> ColumnSpec {
    ColumnSpec {
        keyspace: "ks".into(),
        table: "t".into(),
        name: name.into(),
        typ,
    }
}

fn sample_udt() -> ColumnType {
    ColumnType::Udt(Arc::new(UdtType {
        keyspace: "ks".into(),
        name: "u".into(),
        fields: vec![("f".into(), ColumnType::Tuple(vec![ColumnType::Int]))],
    }))
}

/// The known columns [`try_response`] decodes with: those of one sample of rows (which then
/// match on their encoded bytes), not of the other (whose vector column needs a full decode).
fn hint_columns() -> Vec<ColumnSpec> {
    vec![
        spec(
            "a",
            ColumnType::Map(Box::new(ColumnType::Text), Box::new(sample_udt())),
        ),
        spec(
            "c",
            ColumnType::Set(Box::new(ColumnType::Custom("x.Y".into()))),
        ),
    ]
}

fn sample_responses() -> Vec<Response> {
    let columns = vec![
        spec(
            "a",
            ColumnType::Map(Box::new(ColumnType::Text), Box::new(sample_udt())),
        ),
        spec("b", ColumnType::Vector(Box::new(ColumnType::Float), 2)),
    ];
    let hinted_rows = Rows::from_cells(
        RowsMetadata::new(hint_columns()),
        vec![vec![None, Some(&[0, 0, 0, 0][..])]],
    )
    .unwrap();
    let rows = Rows::from_cells(
        RowsMetadata {
            columns_count: 2,
            paging_state: Some(bytes::Bytes::from_static(&[5])),
            new_metadata_id: None,
            columns: columns.clone().into(),
        },
        vec![vec![Some(&b"x"[..]), None], vec![None, Some(&[1, 2][..])]],
    )
    .unwrap();
    vec![
        Response::Error(ErrorBody {
            code: ErrorCode::ReadFailure {
                consistency: Consistency::All,
                received: 1,
                block_for: 2,
                reasons: vec![FailureReason {
                    endpoint: [127, 0, 0, 1].into(),
                    code: 1,
                }],
                num_failures: 1,
                data_present: false,
            },
            message: "boom".into(),
        }),
        Response::Error(ErrorBody {
            code: ErrorCode::WriteTimeout {
                consistency: Consistency::Serial,
                received: 0,
                block_for: 1,
                write_type: WriteType::Cas,
                contentions: Some(2),
            },
            message: "t".into(),
        }),
        Response::Ready,
        Response::Authenticate(Authenticate {
            authenticator: "A".into(),
        }),
        Response::Supported(Supported {
            options: vec![("K".into(), vec!["v".into()])],
        }),
        Response::Result(ResultBody::Void),
        Response::Result(ResultBody::Rows(rows)),
        Response::Result(ResultBody::Rows(hinted_rows)),
        Response::Result(ResultBody::SetKeyspace("ks".into())),
        Response::Result(ResultBody::Prepared(PreparedResult {
            id: vec![1],
            result_metadata_id: Some(vec![2]),
            metadata: PreparedMetadata {
                pk_indexes: vec![0],
                columns: columns.clone(),
            },
            result_metadata: RowsMetadata::new(columns),
        })),
        Response::Event(Event::Status(StatusChange::Up(
            "10.1.2.3:9042".parse().unwrap(),
        ))),
        Response::Event(Event::Schema(SchemaChange {
            change: SchemaChangeType::Created,
            target: SchemaChangeTarget::Function("ks".into(), "f".into(), vec!["int".into()]),
        })),
        Response::AuthChallenge(AuthChallenge { token: None }),
        Response::AuthSuccess(AuthSuccess {
            token: Some(vec![9]),
        }),
    ]
}

/// Decodes a request body and, on success, checks it survives an encode/decode round trip.
fn try_request(op: Opcode, v: ProtocolVersion, body: &[u8]) -> bool {
    let Ok(req) = Request::decode_body(op, v, body) else {
        return false;
    };
    let mut out = Vec::new();
    if req.encode_body(v, &mut out).is_ok() {
        assert_eq!(Request::decode_body(op, v, &out).as_ref(), Ok(&req));
    }
    true
}

/// Decodes a response body with known columns too: the hint must not change whether it
/// decodes, nor what it decodes to, except that rows without metadata may take the hint.
fn check_hint(op: Opcode, v: ProtocolVersion, body: &[u8], plain: Option<&Response>) {
    let known: Arc<[ColumnSpec]> = hint_columns().into();
    let hinted = Response::decode_body_with(op, v, Bytes::copy_from_slice(body), Some(&known));
    match (plain, hinted) {
        (None, Err(_)) => {}
        (
            Some(Response::Result(ResultBody::Rows(plain))),
            Ok(Response::Result(ResultBody::Rows(hinted))),
        ) => {
            let mut expected = plain.clone();
            if plain.metadata.columns.is_empty() && Arc::ptr_eq(hinted.columns(), &known) {
                expected.metadata.columns = known.clone();
            }
            assert_eq!(hinted, expected);
        }
        (Some(plain), Ok(hinted)) => assert_eq!(&hinted, plain),
        (plain, hinted) => panic!("the hint changed the outcome: {plain:?} / {hinted:?}"),
    }
}

/// Decodes a response body and, on success, reads every row and checks a round trip.
fn try_response(op: Opcode, v: ProtocolVersion, body: &[u8]) -> bool {
    let decoded = Response::decode_body(op, v, Bytes::copy_from_slice(body));
    check_hint(op, v, body, decoded.as_ref().ok());
    let Ok(resp) = decoded else {
        return false;
    };
    if let Response::Result(ResultBody::Rows(rows)) = &resp {
        let mut reader = rows.reader();
        let mut cells = Vec::new();
        let mut n = 0;
        while reader
            .next_row(&mut cells)
            .expect("validated rows must read")
            && n < 1000
        {
            n += 1;
        }
    }
    let mut out = Vec::new();
    if resp.encode_body(v, &mut out).is_ok() {
        assert_eq!(
            Response::decode_body(op, v, Bytes::from(out)).as_ref(),
            Ok(&resp)
        );
    }
    true
}

#[test]
fn random_bytes_never_panic_any_decoder() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let body = rng.bytes(48);
        for v in VERSIONS {
            for op in REQUEST_OPS {
                try_request(op, v, &body);
            }
            for op in RESPONSE_OPS {
                try_response(op, v, &body);
            }
        }
        let _ = ColumnType::decode(&mut Reader::new(&body));
    }
}

#[test]
fn mutated_messages_never_panic() {
    let mut rng = Rng(0xDEAD_BEEF_CAFE_F00D);
    let mut corpus_req = Vec::new();
    for v in VERSIONS {
        for req in sample_requests() {
            let mut out = Vec::new();
            if req.encode_body(v, &mut out).is_ok() {
                corpus_req.push((req.opcode(), v, out));
            }
        }
    }
    let mut corpus_resp = Vec::new();
    for v in VERSIONS {
        for resp in sample_responses() {
            let mut out = Vec::new();
            resp.encode_body(v, &mut out).unwrap();
            corpus_resp.push((resp.opcode(), v, out));
        }
    }
    // Every sample decodes unmutated.
    for (op, v, body) in &corpus_req {
        assert!(try_request(*op, *v, body), "{op:?} {v:?}");
    }
    for (op, v, body) in &corpus_resp {
        assert!(try_response(*op, *v, body), "{op:?} {v:?}");
    }
    let mut decoded = 0;
    for _ in 0..5000 {
        let (op, v, body) = &corpus_req[rng.below(corpus_req.len())];
        decoded += usize::from(try_request(*op, *v, &rng.mutate(body)));
        let (op, v, body) = &corpus_resp[rng.below(corpus_resp.len())];
        decoded += usize::from(try_response(*op, *v, &rng.mutate(body)));
    }
    // Some mutations keep messages valid (a flipped bit inside a string), most do not.
    assert!(decoded > 0 && decoded < 10_000, "{decoded}");
}

#[test]
fn every_prefix_of_every_sample_fails() {
    for v in VERSIONS {
        for req in sample_requests() {
            let mut out = Vec::new();
            if req.encode_body(v, &mut out).is_err() {
                continue;
            }
            for n in 0..out.len() {
                assert!(Request::decode_body(req.opcode(), v, &out[..n]).is_err());
            }
        }
        for resp in sample_responses() {
            let mut out = Vec::new();
            resp.encode_body(v, &mut out).unwrap();
            for n in 0..out.len() {
                let prefix = Bytes::copy_from_slice(&out[..n]);
                assert!(Response::decode_body(resp.opcode(), v, prefix).is_err());
            }
        }
    }
}

#[test]
fn random_streams_through_frame_and_segment_decoders() {
    let mut rng = Rng(0x0123_4567_89AB_CDEF);
    for _ in 0..3000 {
        let mut buf = BytesMut::from(&rng.bytes(64)[..]);
        let mut frames = FrameDecoder::new(1024);
        while let Ok(Some((h, body))) = frames.decode(&mut buf) {
            let _ = decode_request(&h, &body);
            let _ = decode_response(&h, body);
        }
        let mut buf = BytesMut::from(&rng.bytes(64)[..]);
        let mut segments = SegmentDecoder::new();
        while let Ok(Some(_)) = segments.decode(&mut buf) {}
    }
}

#[test]
fn mutated_segments_are_detected() {
    let mut rng = Rng(42);
    let mut valid = Vec::new();
    encode_segments(b"\x04\x00\x00\x01\x05\x00\x00\x00\x00", &mut valid);
    let mut detected = 0;
    for _ in 0..2000 {
        let mut bad = valid.clone();
        let i = rng.below(bad.len());
        bad[i] ^= 1 << rng.below(8);
        let mut buf = BytesMut::from(&bad[..]);
        // The CRC24 covers the length, so even a corrupted length is caught at once.
        match SegmentDecoder::new().decode(&mut buf) {
            Err(DecodeError::ChecksumMismatch { .. }) => detected += 1,
            other => panic!("single bit flip at {i} not detected: {other:?}"),
        }
    }
    assert_eq!(detected, 2000);
}
