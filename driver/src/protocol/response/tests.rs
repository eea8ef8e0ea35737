use super::*;
use crate::protocol::test_util::*;
use crate::protocol::{ColumnType, Consistency};
use bytes::Bytes;
use std::net::{IpAddr, SocketAddr};

/// Checks `resp` encodes to exactly `golden` for `v`, decodes back from it, and that every
/// strict prefix and every extension by one byte fails to decode.
fn check_golden(v: ProtocolVersion, resp: &Response, golden: &[u8]) {
    let mut out = Vec::new();
    resp.encode_body(v, &mut out).unwrap();
    assert_eq!(out, golden, "encoding {resp:?} in {v:?}");
    let op = resp.opcode();
    assert_eq!(
        &Response::decode_body(op, v, Bytes::copy_from_slice(golden)).unwrap(),
        resp
    );
    for n in 0..golden.len() {
        assert!(
            Response::decode_body(op, v, Bytes::copy_from_slice(&golden[..n])).is_err(),
            "prefix {n} of {op:?} decoded"
        );
    }
    let mut longer = golden.to_vec();
    longer.push(0);
    // Section 4.2: clients discard extra information at the end of a response body.
    assert_eq!(
        &Response::decode_body(op, v, Bytes::from(longer)).unwrap(),
        resp,
        "trailing byte not discarded for {op:?}"
    );
}

fn both(resp: &Response, golden: &[u8]) {
    check_golden(ProtocolVersion::V4, resp, golden);
    check_golden(ProtocolVersion::V5, resp, golden);
}

fn error(code: ErrorCode) -> Response {
    Response::Error(ErrorBody {
        code,
        message: "m".into(),
    })
}

fn err_head(code: i32) -> Vec<u8> {
    cat(&[&int(code), &string("m")])
}

#[test]
fn errors_without_fields() {
    let cases = [
        (ErrorCode::ServerError, 0x0000),
        (ErrorCode::ProtocolError, 0x000A),
        (ErrorCode::AuthenticationError, 0x0100),
        (ErrorCode::Overloaded, 0x1001),
        (ErrorCode::IsBootstrapping, 0x1002),
        (ErrorCode::TruncateError, 0x1003),
        (ErrorCode::CdcWriteFailure, 0x1600),
        (ErrorCode::SyntaxError, 0x2000),
        (ErrorCode::Unauthorized, 0x2100),
        (ErrorCode::Invalid, 0x2200),
        (ErrorCode::ConfigError, 0x2300),
    ];
    for (code, n) in cases {
        both(&error(code), &err_head(n));
    }
    assert!(matches!(
        Response::decode_body(
            Opcode::Error,
            ProtocolVersion::V4,
            Bytes::from(err_head(0x9999))
        ),
        Err(DecodeError::UnknownCode { code: 0x9999, .. })
    ));
}

#[test]
fn unavailable() {
    both(
        &error(ErrorCode::Unavailable {
            consistency: Consistency::Quorum,
            required: 2,
            alive: 1,
        }),
        &cat(&[&err_head(0x1000), &short(4), &int(2), &int(1)]),
    );
}

#[test]
fn write_timeout_v4_and_v5_cas() {
    let simple = error(ErrorCode::WriteTimeout {
        consistency: Consistency::One,
        received: 0,
        block_for: 1,
        write_type: WriteType::Simple,
        contentions: None,
    });
    both(
        &simple,
        &cat(&[
            &err_head(0x1100),
            &short(1),
            &int(0),
            &int(1),
            &string("SIMPLE"),
        ]),
    );
    let cas_v4 = error(ErrorCode::WriteTimeout {
        consistency: Consistency::Serial,
        received: 1,
        block_for: 2,
        write_type: WriteType::Cas,
        contentions: None,
    });
    check_golden(
        ProtocolVersion::V4,
        &cas_v4,
        &cat(&[
            &err_head(0x1100),
            &short(8),
            &int(1),
            &int(2),
            &string("CAS"),
        ]),
    );
    let cas_v5 = error(ErrorCode::WriteTimeout {
        consistency: Consistency::Serial,
        received: 1,
        block_for: 2,
        write_type: WriteType::Cas,
        contentions: Some(3),
    });
    check_golden(
        ProtocolVersion::V5,
        &cas_v5,
        &cat(&[
            &err_head(0x1100),
            &short(8),
            &int(1),
            &int(2),
            &string("CAS"),
            &short(3),
        ]),
    );
    let unknown_type = cat(&[&err_head(0x1100), &short(1), &int(0), &int(1), &string("X")]);
    assert!(Response::decode_body(
        Opcode::Error,
        ProtocolVersion::V4,
        Bytes::from(unknown_type)
    )
    .is_err());
}

#[test]
fn read_timeout() {
    both(
        &error(ErrorCode::ReadTimeout {
            consistency: Consistency::LocalQuorum,
            received: 1,
            block_for: 2,
            data_present: true,
        }),
        &cat(&[&err_head(0x1200), &short(6), &int(1), &int(2), &[1]]),
    );
}

fn reasons() -> Vec<FailureReason> {
    vec![
        FailureReason {
            endpoint: IpAddr::from([10, 0, 0, 1]),
            code: 0x0001,
        },
        FailureReason {
            endpoint: "::1".parse().unwrap(),
            code: 0x0000,
        },
    ]
}

fn reason_map_bytes() -> Vec<u8> {
    let mut v6 = vec![16u8];
    v6.extend_from_slice(&[0; 15]);
    v6.push(1);
    cat(&[&int(2), &[4, 10, 0, 0, 1], &short(1), &v6, &short(0)])
}

#[test]
fn read_failure_v4_numfailures_v5_reasonmap() {
    check_golden(
        ProtocolVersion::V4,
        &error(ErrorCode::ReadFailure {
            consistency: Consistency::All,
            received: 1,
            block_for: 3,
            reasons: vec![],
            num_failures: 2,
            data_present: false,
        }),
        &cat(&[
            &err_head(0x1300),
            &short(5),
            &int(1),
            &int(3),
            &int(2),
            &[0],
        ]),
    );
    check_golden(
        ProtocolVersion::V5,
        &error(ErrorCode::ReadFailure {
            consistency: Consistency::All,
            received: 1,
            block_for: 3,
            reasons: reasons(),
            num_failures: 2,
            data_present: true,
        }),
        &cat(&[
            &err_head(0x1300),
            &short(5),
            &int(1),
            &int(3),
            &reason_map_bytes(),
            &[1],
        ]),
    );
}

#[test]
fn write_failure_v4_numfailures_v5_reasonmap() {
    check_golden(
        ProtocolVersion::V4,
        &error(ErrorCode::WriteFailure {
            consistency: Consistency::Two,
            received: 0,
            block_for: 2,
            reasons: vec![],
            num_failures: 1,
            write_type: WriteType::BatchLog,
        }),
        &cat(&[
            &err_head(0x1500),
            &short(2),
            &int(0),
            &int(2),
            &int(1),
            &string("BATCH_LOG"),
        ]),
    );
    check_golden(
        ProtocolVersion::V5,
        &error(ErrorCode::WriteFailure {
            consistency: Consistency::Two,
            received: 0,
            block_for: 2,
            reasons: reasons(),
            num_failures: 2,
            write_type: WriteType::UnloggedBatch,
        }),
        &cat(&[
            &err_head(0x1500),
            &short(2),
            &int(0),
            &int(2),
            &reason_map_bytes(),
            &string("UNLOGGED_BATCH"),
        ]),
    );
    // A reason map announcing more entries than bytes allow.
    let huge = cat(&[
        &err_head(0x1500),
        &short(2),
        &int(0),
        &int(2),
        &int(i32::MAX),
    ]);
    assert!(Response::decode_body(Opcode::Error, ProtocolVersion::V5, Bytes::from(huge)).is_err());
}

#[test]
fn function_failure_already_exists_unprepared_cas_unknown() {
    both(
        &error(ErrorCode::FunctionFailure {
            keyspace: "ks".into(),
            function: "f".into(),
            arg_types: vec!["int".into(), "text".into()],
        }),
        &cat(&[
            &err_head(0x1400),
            &string("ks"),
            &string("f"),
            &short(2),
            &string("int"),
            &string("text"),
        ]),
    );
    both(
        &error(ErrorCode::AlreadyExists {
            keyspace: "ks".into(),
            table: "".into(),
        }),
        &cat(&[&err_head(0x2400), &string("ks"), &string("")]),
    );
    both(
        &error(ErrorCode::Unprepared {
            id: vec![0xCA, 0xFE],
        }),
        &cat(&[&err_head(0x2500), &short_bytes(&[0xCA, 0xFE])]),
    );
    both(
        &error(ErrorCode::CasWriteUnknown {
            consistency: Consistency::LocalSerial,
            received: 0,
            block_for: 1,
        }),
        &cat(&[&err_head(0x1700), &short(9), &int(0), &int(1)]),
    );
}

#[test]
fn every_write_type_name() {
    for t in [
        WriteType::Simple,
        WriteType::Batch,
        WriteType::UnloggedBatch,
        WriteType::Counter,
        WriteType::BatchLog,
        WriteType::Cas,
        WriteType::View,
        WriteType::Cdc,
    ] {
        assert_eq!(WriteType::from_name(t.as_str()), Some(t));
    }
}

#[test]
fn ready_authenticate_supported() {
    both(&Response::Ready, &[]);
    both(
        &Response::Authenticate(Authenticate {
            authenticator: "org.apache.cassandra.auth.PasswordAuthenticator".into(),
        }),
        &string("org.apache.cassandra.auth.PasswordAuthenticator"),
    );
    both(
        &Response::Supported(Supported {
            options: vec![
                ("CQL_VERSION".into(), vec!["3.4.5".into()]),
                (
                    "PROTOCOL_VERSIONS".into(),
                    vec!["4/v4".into(), "5/v5".into()],
                ),
            ],
        }),
        &cat(&[
            &short(2),
            &string("CQL_VERSION"),
            &short(1),
            &string("3.4.5"),
            &string("PROTOCOL_VERSIONS"),
            &short(2),
            &string("4/v4"),
            &string("5/v5"),
        ]),
    );
}

#[test]
fn auth_challenge_and_success() {
    both(
        &Response::AuthChallenge(AuthChallenge {
            token: Some(vec![1, 2]),
        }),
        &bytes(&[1, 2]),
    );
    both(
        &Response::AuthSuccess(AuthSuccess { token: None }),
        &int(-1),
    );
    both(
        &Response::AuthSuccess(AuthSuccess {
            token: Some(vec![]),
        }),
        &int(0),
    );
}

#[test]
fn result_void_set_keyspace_schema_change() {
    both(&Response::Result(ResultBody::Void), &int(1));
    both(
        &Response::Result(ResultBody::SetKeyspace("app".into())),
        &cat(&[&int(3), &string("app")]),
    );
    both(
        &Response::Result(ResultBody::SchemaChange(SchemaChange {
            change: SchemaChangeType::Created,
            target: SchemaChangeTarget::Table("ks".into(), "t".into()),
        })),
        &cat(&[
            &int(5),
            &string("CREATED"),
            &string("TABLE"),
            &string("ks"),
            &string("t"),
        ]),
    );
    assert!(
        Response::decode_body(Opcode::Result, ProtocolVersion::V4, Bytes::from(int(6))).is_err()
    );
}

fn col(table: &str, name: &str, typ: ColumnType) -> ColumnSpec {
    ColumnSpec {
        keyspace: "ks".into(),
        table: table.into(),
        name: name.into(),
        typ,
    }
}

#[test]
fn rows_with_global_table_spec() {
    let metadata = RowsMetadata {
        columns_count: 2,
        paging_state: Some(Bytes::from_static(&[0xAA])),
        new_metadata_id: None,
        columns: vec![
            col("t", "id", ColumnType::Int),
            col("t", "v", ColumnType::Text),
        ]
        .into(),
    };
    let rows = Rows::from_cells(
        metadata,
        vec![
            vec![Some(&[0, 0, 0, 1][..]), Some(&b"a"[..])],
            vec![Some(&[0, 0, 0, 2][..]), None],
        ],
    )
    .unwrap();
    let golden = cat(&[
        &int(2),
        &int(0x0001 | 0x0002),
        &int(2),
        &bytes(&[0xAA]),
        &string("ks"),
        &string("t"),
        &string("id"),
        &short(0x0009),
        &string("v"),
        &short(0x000D),
        &int(2),
        &bytes(&[0, 0, 0, 1]),
        &bytes(b"a"),
        &bytes(&[0, 0, 0, 2]),
        &int(-1),
    ]);
    let resp = Response::Result(ResultBody::Rows(rows));
    both(&resp, &golden);

    let Response::Result(ResultBody::Rows(rows)) = resp else {
        unreachable!()
    };
    let mut reader = rows.reader();
    let mut cells = Vec::new();
    assert!(reader.next_row(&mut cells).unwrap());
    assert_eq!(cells, vec![Some(&[0, 0, 0, 1][..]), Some(&b"a"[..])]);
    assert!(reader.next_row(&mut cells).unwrap());
    assert_eq!(cells, vec![Some(&[0, 0, 0, 2][..]), None]);
    assert!(!reader.next_row(&mut cells).unwrap());
    assert!(cells.is_empty());
}

#[test]
fn rows_with_per_column_spec() {
    let metadata = RowsMetadata::new(vec![
        col("a", "x", ColumnType::Boolean),
        col("b", "y", ColumnType::List(Box::new(ColumnType::Blob))),
    ]);
    let rows = Rows::from_cells(metadata, Vec::<Vec<Option<&[u8]>>>::new()).unwrap();
    let golden = cat(&[
        &int(2),
        &int(0),
        &int(2),
        &string("ks"),
        &string("a"),
        &string("x"),
        &short(0x0004),
        &string("ks"),
        &string("b"),
        &string("y"),
        &short(0x0020),
        &short(0x0003),
        &int(0),
    ]);
    both(&Response::Result(ResultBody::Rows(rows)), &golden);
}

#[test]
fn rows_no_metadata_and_v5_metadata_changed() {
    let no_meta = RowsMetadata {
        columns_count: 1,
        ..RowsMetadata::default()
    };
    let rows = Rows::from_cells(no_meta, vec![vec![Some(&[5u8][..])]]).unwrap();
    both(
        &Response::Result(ResultBody::Rows(rows)),
        &cat(&[&int(2), &int(0x0004), &int(1), &int(1), &bytes(&[5])]),
    );

    let changed = RowsMetadata {
        columns_count: 1,
        paging_state: None,
        new_metadata_id: Some(vec![0x11, 0x22]),
        columns: vec![col("t", "c", ColumnType::Uuid)].into(),
    };
    let rows = Rows::from_cells(changed, Vec::<Vec<Option<&[u8]>>>::new()).unwrap();
    let resp = Response::Result(ResultBody::Rows(rows));
    check_golden(
        ProtocolVersion::V5,
        &resp,
        &cat(&[
            &int(2),
            &int(0x0001 | 0x0008),
            &int(1),
            &short_bytes(&[0x11, 0x22]),
            &string("ks"),
            &string("t"),
            &string("c"),
            &short(0x000C),
            &int(0),
        ]),
    );
    assert!(matches!(
        resp.encode_body(ProtocolVersion::V4, &mut Vec::new()),
        Err(EncodeError::NotInVersion { .. })
    ));
}

#[test]
fn rows_content_is_checked() {
    // Two rows announced, one present.
    let body = cat(&[&int(2), &int(0x0004), &int(1), &int(2), &bytes(&[5])]);
    assert!(Response::decode_body(Opcode::Result, ProtocolVersion::V4, Bytes::from(body)).is_err());
    // A huge row count with no columns and no content.
    let body = cat(&[&int(2), &int(0x0004), &int(0), &int(i32::MAX)]);
    let resp =
        Response::decode_body(Opcode::Result, ProtocolVersion::V4, Bytes::from(body)).unwrap();
    let Response::Result(ResultBody::Rows(rows)) = resp else {
        unreachable!()
    };
    assert_eq!(rows.rows_count, i32::MAX);
    // Negative counts.
    let body = cat(&[&int(2), &int(0x0004), &int(-1), &int(0)]);
    assert!(Response::decode_body(Opcode::Result, ProtocolVersion::V4, Bytes::from(body)).is_err());
    let body = cat(&[&int(2), &int(0x0004), &int(1), &int(-1)]);
    assert!(Response::decode_body(Opcode::Result, ProtocolVersion::V4, Bytes::from(body)).is_err());
}

#[test]
fn from_cells_checks_row_width() {
    let meta = RowsMetadata {
        columns_count: 2,
        ..RowsMetadata::default()
    };
    assert!(matches!(
        Rows::from_cells(meta, vec![vec![None]]),
        Err(EncodeError::Invalid { .. })
    ));
}

fn prepared(v5: bool) -> PreparedResult {
    PreparedResult {
        id: vec![0x01, 0x02],
        result_metadata_id: v5.then(|| vec![0x03]),
        metadata: PreparedMetadata {
            pk_indexes: vec![1, 0],
            columns: vec![
                col("t", "b", ColumnType::Int),
                col("t", "a", ColumnType::Text),
            ],
        },
        result_metadata: RowsMetadata::new(vec![col("t", "c", ColumnType::Bigint)]),
    }
}

fn prepared_metadata_bytes() -> Vec<u8> {
    cat(&[
        &int(0x0001),
        &int(2),
        &int(2),
        &short(1),
        &short(0),
        &string("ks"),
        &string("t"),
        &string("b"),
        &short(0x0009),
        &string("a"),
        &short(0x000D),
        // result metadata
        &int(0x0001),
        &int(1),
        &string("ks"),
        &string("t"),
        &string("c"),
        &short(0x0002),
    ])
}

#[test]
fn prepared_v4_and_v5() {
    check_golden(
        ProtocolVersion::V4,
        &Response::Result(ResultBody::Prepared(prepared(false))),
        &cat(&[&int(4), &short_bytes(&[1, 2]), &prepared_metadata_bytes()]),
    );
    check_golden(
        ProtocolVersion::V5,
        &Response::Result(ResultBody::Prepared(prepared(true))),
        &cat(&[
            &int(4),
            &short_bytes(&[1, 2]),
            &short_bytes(&[3]),
            &prepared_metadata_bytes(),
        ]),
    );
    // Prepared for a write: no bind markers in the key, empty result metadata (No_metadata).
    let write = PreparedResult {
        id: vec![9],
        result_metadata_id: None,
        metadata: PreparedMetadata::default(),
        result_metadata: RowsMetadata::default(),
    };
    check_golden(
        ProtocolVersion::V4,
        &Response::Result(ResultBody::Prepared(write.clone())),
        &cat(&[
            &int(4),
            &short_bytes(&[9]),
            &int(0),
            &int(0),
            &int(0),
            &int(0x0004),
            &int(0),
        ]),
    );
    assert!(Response::Result(ResultBody::Prepared(write))
        .encode_body(ProtocolVersion::V5, &mut Vec::new())
        .is_err());
}

#[test]
fn events() {
    let addr: SocketAddr = "10.0.0.2:9042".parse().unwrap();
    let inet = cat(&[&[4, 10, 0, 0, 2], &int(9042)]);
    let cases = [
        (
            Event::Topology(TopologyChange::NewNode(addr)),
            cat(&[&string("TOPOLOGY_CHANGE"), &string("NEW_NODE"), &inet]),
        ),
        (
            Event::Topology(TopologyChange::RemovedNode(addr)),
            cat(&[&string("TOPOLOGY_CHANGE"), &string("REMOVED_NODE"), &inet]),
        ),
        (
            Event::Topology(TopologyChange::MovedNode(addr)),
            cat(&[&string("TOPOLOGY_CHANGE"), &string("MOVED_NODE"), &inet]),
        ),
        (
            Event::Status(StatusChange::Up(addr)),
            cat(&[&string("STATUS_CHANGE"), &string("UP"), &inet]),
        ),
        (
            Event::Status(StatusChange::Down(addr)),
            cat(&[&string("STATUS_CHANGE"), &string("DOWN"), &inet]),
        ),
        (
            Event::Schema(SchemaChange {
                change: SchemaChangeType::Dropped,
                target: SchemaChangeTarget::Keyspace("ks".into()),
            }),
            cat(&[
                &string("SCHEMA_CHANGE"),
                &string("DROPPED"),
                &string("KEYSPACE"),
                &string("ks"),
            ]),
        ),
        (
            Event::Schema(SchemaChange {
                change: SchemaChangeType::Updated,
                target: SchemaChangeTarget::Type("ks".into(), "addr".into()),
            }),
            cat(&[
                &string("SCHEMA_CHANGE"),
                &string("UPDATED"),
                &string("TYPE"),
                &string("ks"),
                &string("addr"),
            ]),
        ),
        (
            Event::Schema(SchemaChange {
                change: SchemaChangeType::Created,
                target: SchemaChangeTarget::Function("ks".into(), "f".into(), vec!["int".into()]),
            }),
            cat(&[
                &string("SCHEMA_CHANGE"),
                &string("CREATED"),
                &string("FUNCTION"),
                &string("ks"),
                &string("f"),
                &short(1),
                &string("int"),
            ]),
        ),
        (
            Event::Schema(SchemaChange {
                change: SchemaChangeType::Created,
                target: SchemaChangeTarget::Aggregate("ks".into(), "agg".into(), vec![]),
            }),
            cat(&[
                &string("SCHEMA_CHANGE"),
                &string("CREATED"),
                &string("AGGREGATE"),
                &string("ks"),
                &string("agg"),
                &short(0),
            ]),
        ),
    ];
    for (event, golden) in cases {
        both(&Response::Event(event), &golden);
    }
    let bad = cat(&[&string("STATUS_CHANGE"), &string("SIDEWAYS"), &inet]);
    assert!(Response::decode_body(Opcode::Event, ProtocolVersion::V4, Bytes::from(bad)).is_err());
}

#[test]
fn request_opcodes_are_not_responses() {
    for op in [Opcode::Query, Opcode::Startup, Opcode::Options] {
        assert!(Response::decode_body(op, ProtocolVersion::V4, Bytes::new()).is_err());
    }
}
