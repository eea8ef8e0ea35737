use super::*;
use crate::protocol::test_util::*;
use crate::protocol::{Consistency, SerialConsistency};

/// Checks `req` encodes to exactly `golden` for `v`, decodes back from it, and that every strict
/// prefix and every extension by one byte fails to decode.
pub(crate) fn check_golden(v: ProtocolVersion, req: &Request, golden: &[u8]) {
    let mut out = Vec::new();
    req.encode_body(v, &mut out).unwrap();
    assert_eq!(out, golden, "encoding {req:?} in {v:?}");
    let op = req.opcode();
    assert_eq!(&Request::decode_body(op, v, golden).unwrap(), req);
    for n in 0..golden.len() {
        assert!(
            Request::decode_body(op, v, &golden[..n]).is_err(),
            "prefix {n} of {op:?} decoded"
        );
    }
    let mut longer = golden.to_vec();
    longer.push(0);
    assert!(
        Request::decode_body(op, v, &longer).is_err(),
        "trailing byte accepted for {op:?}"
    );
}

fn values(vals: &[RawValue<'_>]) -> SerializedValues {
    let mut v = SerializedValues::default();
    for x in vals {
        v.push(None, *x).unwrap();
    }
    v
}

#[test]
fn startup() {
    let req = Request::Startup(Startup {
        options: vec![
            ("CQL_VERSION".into(), "3.0.0".into()),
            ("DRIVER_NAME".into(), "ringbolt".into()),
        ],
    });
    let golden = cat(&[
        &short(2),
        &string("CQL_VERSION"),
        &string("3.0.0"),
        &string("DRIVER_NAME"),
        &string("ringbolt"),
    ]);
    check_golden(ProtocolVersion::V4, &req, &golden);
    check_golden(ProtocolVersion::V5, &req, &golden);
    if let Request::Startup(s) = &req {
        assert_eq!(s.get("CQL_VERSION"), Some("3.0.0"));
    }
}

#[test]
fn options() {
    check_golden(ProtocolVersion::V4, &Request::Options(Options), &[]);
    check_golden(ProtocolVersion::V5, &Request::Options(Options), &[]);
}

#[test]
fn query_minimal() {
    let req = Request::Query(Query {
        query: "SELECT * FROM t".into(),
        params: QueryParameters {
            consistency: Consistency::Quorum,
            ..QueryParameters::default()
        },
    });
    // v4: flags are a [byte]; v5: an [int].
    let v4 = cat(&[&long_string("SELECT * FROM t"), &short(0x0004), &[0x00]]);
    let v5 = cat(&[&long_string("SELECT * FROM t"), &short(0x0004), &int(0)]);
    check_golden(ProtocolVersion::V4, &req, &v4);
    check_golden(ProtocolVersion::V5, &req, &v5);
}

#[test]
fn query_all_v4_flags() {
    let req = Request::Query(Query {
        query: "SELECT".into(),
        params: QueryParameters {
            consistency: Consistency::One,
            values: values(&[
                RawValue::Bytes(&[0, 0, 0, 1]),
                RawValue::Null,
                RawValue::Unset,
            ]),
            skip_metadata: true,
            page_size: Some(100),
            paging_state: Some(vec![1, 2]),
            serial_consistency: Some(SerialConsistency::LocalSerial),
            default_timestamp: Some(5),
            keyspace: None,
            now_in_seconds: None,
        },
    });
    let golden = cat(&[
        &long_string("SELECT"),
        &short(0x0001),
        &[0x3F], // values | skip_metadata | page_size | paging_state | serial | timestamp
        &short(3),
        &bytes(&[0, 0, 0, 1]),
        &int(-1),
        &int(-2),
        &int(100),
        &bytes(&[1, 2]),
        &short(0x0009),
        &long(5),
    ]);
    check_golden(ProtocolVersion::V4, &req, &golden);
}

#[test]
fn query_all_v5_flags() {
    let req = Request::Query(Query {
        query: "SELECT".into(),
        params: QueryParameters {
            consistency: Consistency::LocalQuorum,
            values: values(&[RawValue::Bytes(b"x")]),
            skip_metadata: false,
            page_size: Some(5000),
            paging_state: None,
            serial_consistency: Some(SerialConsistency::Serial),
            default_timestamp: Some(-7),
            keyspace: Some("ks".into()),
            now_in_seconds: Some(1_700_000_000),
        },
    });
    let golden = cat(&[
        &long_string("SELECT"),
        &short(0x0006),
        &int(0x01 | 0x04 | 0x10 | 0x20 | 0x80 | 0x100),
        &short(1),
        &bytes(b"x"),
        &int(5000),
        &short(0x0008),
        &long(-7),
        &string("ks"),
        &int(1_700_000_000),
    ]);
    check_golden(ProtocolVersion::V5, &req, &golden);
    // Neither field exists in v4.
    let mut out = Vec::new();
    assert!(matches!(
        req.encode_body(ProtocolVersion::V4, &mut out),
        Err(EncodeError::NotInVersion { version: 4, .. })
    ));
    assert!(out.is_empty());
}

#[test]
fn query_named_values() {
    let mut vals = SerializedValues::default();
    vals.push(Some("id"), RawValue::Bytes(&[9])).unwrap();
    let req = Request::Query(Query {
        query: "Q".into(),
        params: QueryParameters {
            consistency: Consistency::One,
            values: vals,
            ..QueryParameters::default()
        },
    });
    let golden = cat(&[
        &long_string("Q"),
        &short(1),
        &int(0x41),
        &short(1),
        &string("id"),
        &bytes(&[9]),
    ]);
    check_golden(ProtocolVersion::V5, &req, &golden);
}

#[test]
fn query_v4_ignores_v5_flag_bits() {
    // In v4 the flags are one byte; 0x80 has no meaning there and nothing follows for it.
    let body = cat(&[&long_string("Q"), &short(1), &[0x80]]);
    let req = Request::decode_body(Opcode::Query, ProtocolVersion::V4, &body).unwrap();
    let Request::Query(q) = req else {
        panic!("not a query")
    };
    assert_eq!(q.params.keyspace, None);
}

#[test]
fn query_rejects_bad_serial_consistency() {
    let body = cat(&[&long_string("Q"), &short(1), &[0x10], &short(0x0001)]);
    assert!(Request::decode_body(Opcode::Query, ProtocolVersion::V4, &body).is_err());
}

#[test]
fn prepare() {
    let req = Request::Prepare(Prepare {
        query: "SELECT ?".into(),
        keyspace: None,
    });
    check_golden(ProtocolVersion::V4, &req, &long_string("SELECT ?"));
    check_golden(
        ProtocolVersion::V5,
        &req,
        &cat(&[&long_string("SELECT ?"), &int(0)]),
    );
    let with_ks = Request::Prepare(Prepare {
        query: "SELECT ?".into(),
        keyspace: Some("app".into()),
    });
    check_golden(
        ProtocolVersion::V5,
        &with_ks,
        &cat(&[&long_string("SELECT ?"), &int(1), &string("app")]),
    );
    assert!(with_ks
        .encode_body(ProtocolVersion::V4, &mut Vec::new())
        .is_err());
}

#[test]
fn execute() {
    let params = QueryParameters {
        consistency: Consistency::Two,
        values: values(&[RawValue::Bytes(&[1])]),
        skip_metadata: true,
        ..QueryParameters::default()
    };
    let v4 = Request::Execute(Execute {
        id: vec![0xAB, 0xCD].into(),
        result_metadata_id: None,
        params: params.clone(),
    });
    check_golden(
        ProtocolVersion::V4,
        &v4,
        &cat(&[
            &short_bytes(&[0xAB, 0xCD]),
            &short(2),
            &[0x03],
            &short(1),
            &bytes(&[1]),
        ]),
    );
    let v5 = Request::Execute(Execute {
        id: vec![0xAB, 0xCD].into(),
        result_metadata_id: Some(vec![0xEF].into()),
        params,
    });
    check_golden(
        ProtocolVersion::V5,
        &v5,
        &cat(&[
            &short_bytes(&[0xAB, 0xCD]),
            &short_bytes(&[0xEF]),
            &short(2),
            &int(0x03),
            &short(1),
            &bytes(&[1]),
        ]),
    );
    // v5 needs the result metadata id.
    assert!(matches!(
        v4.encode_body(ProtocolVersion::V5, &mut Vec::new()),
        Err(EncodeError::Invalid { .. })
    ));
}

fn sample_batch(keyspace: Option<String>, now: Option<i32>) -> Batch {
    Batch {
        batch_type: BatchType::Unlogged,
        statements: vec![
            BatchStatement::Query {
                query: "INSERT".into(),
                values: values(&[RawValue::Bytes(&[7])]),
            },
            BatchStatement::Prepared {
                id: vec![1, 2, 3].into(),
                values: SerializedValues::default(),
            },
        ],
        consistency: Consistency::One,
        serial_consistency: Some(SerialConsistency::Serial),
        default_timestamp: Some(42),
        keyspace,
        now_in_seconds: now,
    }
}

fn batch_statements_bytes() -> Vec<u8> {
    cat(&[
        &[0x01], // unlogged
        &short(2),
        &[0x00],
        &long_string("INSERT"),
        &short(1),
        &bytes(&[7]),
        &[0x01],
        &short_bytes(&[1, 2, 3]),
        &short(0),
        &short(0x0001), // consistency ONE
    ])
}

#[test]
fn batch_v4() {
    let req = Request::Batch(sample_batch(None, None));
    let golden = cat(&[
        &batch_statements_bytes(),
        &[0x30], // serial consistency | timestamp, as a [byte]
        &short(0x0008),
        &long(42),
    ]);
    check_golden(ProtocolVersion::V4, &req, &golden);
}

#[test]
fn batch_v5() {
    let req = Request::Batch(sample_batch(Some("ks".into()), Some(9)));
    let golden = cat(&[
        &batch_statements_bytes(),
        &int(0x10 | 0x20 | 0x80 | 0x100),
        &short(0x0008),
        &long(42),
        &string("ks"),
        &int(9),
    ]);
    check_golden(ProtocolVersion::V5, &req, &golden);
    assert!(req
        .encode_body(ProtocolVersion::V4, &mut Vec::new())
        .is_err());
}

#[test]
fn batch_named_values() {
    let mut named = SerializedValues::default();
    named.push(Some("a"), RawValue::Null).unwrap();
    let req = Request::Batch(Batch {
        batch_type: BatchType::Logged,
        statements: vec![BatchStatement::Query {
            query: "U".into(),
            values: named,
        }],
        consistency: Consistency::All,
        serial_consistency: None,
        default_timestamp: None,
        keyspace: None,
        now_in_seconds: None,
    });
    let golden = cat(&[
        &[0x00],
        &short(1),
        &[0x00],
        &long_string("U"),
        &short(1),
        &string("a"),
        &int(-1),
        &short(0x0005),
        &[0x40],
    ]);
    check_golden(ProtocolVersion::V4, &req, &golden);
}

#[test]
fn batch_rejects_mixed_naming_and_bad_kinds() {
    let mut named = SerializedValues::default();
    named.push(Some("a"), RawValue::Null).unwrap();
    let mut b = sample_batch(None, None);
    b.statements.push(BatchStatement::Query {
        query: "X".into(),
        values: named,
    });
    assert!(matches!(
        Request::Batch(b).encode_body(ProtocolVersion::V4, &mut Vec::new()),
        Err(EncodeError::Invalid { .. })
    ));
    let mut bad_kind = batch_statements_bytes();
    bad_kind[3] = 2;
    bad_kind.push(0);
    assert!(Request::decode_body(Opcode::Batch, ProtocolVersion::V4, &bad_kind).is_err());
    let mut bad_type = batch_statements_bytes();
    bad_type[0] = 3;
    bad_type.push(0);
    assert!(Request::decode_body(Opcode::Batch, ProtocolVersion::V4, &bad_type).is_err());
}

#[test]
fn register() {
    let req = Request::Register(Register {
        events: vec![
            EventType::TopologyChange,
            EventType::StatusChange,
            EventType::SchemaChange,
        ],
    });
    let golden = cat(&[
        &short(3),
        &string("TOPOLOGY_CHANGE"),
        &string("STATUS_CHANGE"),
        &string("SCHEMA_CHANGE"),
    ]);
    check_golden(ProtocolVersion::V4, &req, &golden);
    check_golden(ProtocolVersion::V5, &req, &golden);
    let unknown = cat(&[&short(1), &string("NOPE")]);
    assert!(Request::decode_body(Opcode::Register, ProtocolVersion::V4, &unknown).is_err());
}

#[test]
fn auth_response() {
    let req = Request::AuthResponse(AuthResponse {
        token: Some(b"\0cassandra\0secret".to_vec()),
    });
    check_golden(ProtocolVersion::V4, &req, &bytes(b"\0cassandra\0secret"));
    let null = Request::AuthResponse(AuthResponse { token: None });
    check_golden(ProtocolVersion::V5, &null, &int(-1));
    assert!(!format!("{req:?}").contains("secret"));
}

#[test]
fn response_opcodes_are_not_requests() {
    for op in [Opcode::Ready, Opcode::Result, Opcode::Error, Opcode::Event] {
        assert!(matches!(
            Request::decode_body(op, ProtocolVersion::V4, &[]),
            Err(DecodeError::UnknownCode { .. })
        ));
    }
}

#[test]
fn serialized_values_push_and_iter() {
    let mut v = SerializedValues::default();
    v.push(None, RawValue::Bytes(&[1, 2])).unwrap();
    v.push(None, RawValue::Unset).unwrap();
    assert_eq!(v.count, 2);
    assert_eq!(v.bytes, cat(&[&bytes(&[1, 2]), &int(-2)]));
    assert!(matches!(
        v.push(Some("x"), RawValue::Null),
        Err(EncodeError::Invalid { .. })
    ));
    assert_eq!(v.count, 2);
    let items: Vec<_> = v.iter().collect::<Result<_, _>>().unwrap();
    assert_eq!(
        items,
        vec![(None, RawValue::Bytes(&[1, 2])), (None, RawValue::Unset)]
    );

    let mut named = SerializedValues::default();
    named.push(Some("k"), RawValue::Null).unwrap();
    assert!(named.push(None, RawValue::Null).is_err());
    assert_eq!(
        named.iter().collect::<Result<Vec<_>, _>>().unwrap(),
        vec![(Some("k"), RawValue::Null)]
    );

    // Corrupt bytes: iteration reports the error once, then stops.
    let broken = SerializedValues {
        count: 3,
        named: false,
        bytes: vec![0, 0, 0, 9],
    };
    let items: Vec<_> = broken.iter().collect();
    assert_eq!(items.len(), 1);
    assert!(items[0].is_err());
}
