//! Rows decoded against known columns (those of a prepared statement) and read by borrowing:
//! golden bodies written by hand from section 4.2.5.2 of the v4 and v5 specs.

use std::sync::Arc;

use bytes::Bytes;

use super::*;
use crate::protocol::frame::{decode_response_with, FrameHeader};
use crate::protocol::test_util::*;
use crate::protocol::{ColumnType, Opcode, ProtocolVersion};

const VERSIONS: [ProtocolVersion; 2] = [ProtocolVersion::V4, ProtocolVersion::V5];

fn col(table: &str, name: &str, typ: ColumnType) -> ColumnSpec {
    ColumnSpec {
        keyspace: "bench".into(),
        table: table.into(),
        name: name.into(),
        typ,
    }
}

/// `SELECT k, v FROM bench.kv`: a bigint and a blob.
fn kv() -> Arc<[ColumnSpec]> {
    Arc::from(vec![
        col("kv", "k", ColumnType::Bigint),
        col("kv", "v", ColumnType::Blob),
    ])
}

/// `<rows_count>` 1 and its row: k = 7, v = "abc".
fn one_row() -> Vec<u8> {
    cat(&[&int(1), &bytes(&long(7)), &bytes(b"abc")])
}

/// The `<global_table_spec>` and `<col_spec>`s of [`kv`]: `bench`, `kv`, `k` bigint (0x0002),
/// `v` blob (0x0003).
fn kv_specs() -> Vec<u8> {
    cat(&[
        &string("bench"),
        &string("kv"),
        &string("k"),
        &short(0x0002),
        &string("v"),
        &short(0x0003),
    ])
}

/// RESULT kind Rows, flags Global_tables_spec, the columns of [`kv`], one row.
fn kv_with_metadata() -> Vec<u8> {
    cat(&[&int(0x0002), &int(0x0001), &int(2), &kv_specs(), &one_row()])
}

fn decode(v: ProtocolVersion, body: &[u8], known: Option<&Arc<[ColumnSpec]>>) -> Rows {
    let body = Bytes::copy_from_slice(body);
    match Response::decode_body_with(Opcode::Result, v, body, known) {
        Ok(Response::Result(ResultBody::Rows(rows))) => rows,
        other => panic!("not rows: {other:?}"),
    }
}

fn assert_one_kv_row(rows: &Rows) {
    let mut reader = rows.reader();
    let mut cells = [None; 2];
    assert!(reader.read_row(&mut cells).unwrap());
    assert_eq!(cells, [Some(&long(7)[..]), Some(&b"abc"[..])]);
    assert!(!reader.read_row(&mut cells).unwrap());
}

#[test]
fn no_metadata_takes_the_known_columns() {
    // Flags 0x0004 No_metadata: <metadata> is only <flags><columns_count>.
    let body = cat(&[&int(0x0002), &int(0x0004), &int(2), &one_row()]);
    let known = kv();
    for v in VERSIONS {
        let rows = decode(v, &body, Some(&known));
        assert!(Arc::ptr_eq(rows.columns(), &known), "{v:?}");
        assert_eq!(rows.metadata.columns_count, 2);
        assert_one_kv_row(&rows);
        // Without a hint the columns stay unknown, as before.
        assert!(decode(v, &body, None).columns().is_empty());
    }
}

#[test]
fn no_metadata_with_another_column_count_ignores_the_hint() {
    let body = cat(&[&int(0x0002), &int(0x0004), &int(1), &int(0)]);
    let rows = decode(ProtocolVersion::V4, &body, Some(&kv()));
    assert!(rows.columns().is_empty());
    assert_eq!(rows.metadata.columns_count, 1);
}

#[test]
fn metadata_equal_to_the_known_columns_shares_them() {
    let known = kv();
    for v in VERSIONS {
        let rows = decode(v, &kv_with_metadata(), Some(&known));
        assert!(Arc::ptr_eq(rows.columns(), &known), "{v:?}");
        assert_one_kv_row(&rows);
        // The same bytes without a hint decode to equal columns of their own.
        let own = decode(v, &kv_with_metadata(), None);
        assert_eq!(own.columns(), &known);
        assert!(!Arc::ptr_eq(own.columns(), &known));
    }
}

#[test]
fn per_column_specs_and_nested_types_match_too() {
    let known: Arc<[ColumnSpec]> = Arc::from(vec![
        col("a", "tags", ColumnType::Set(Box::new(ColumnType::Text))),
        col(
            "b",
            "pair",
            ColumnType::Tuple(vec![ColumnType::Int, ColumnType::Uuid]),
        ),
    ]);
    // No Global_tables_spec: each spec carries <ksname><tablename>.
    let body = cat(&[
        &int(0x0002),
        &int(0x0000),
        &int(2),
        &string("bench"),
        &string("a"),
        &string("tags"),
        &short(0x0022),
        &short(0x000D),
        &string("bench"),
        &string("b"),
        &string("pair"),
        &short(0x0031),
        &short(2),
        &short(0x0009),
        &short(0x000C),
        &int(0),
    ]);
    let rows = decode(ProtocolVersion::V4, &body, Some(&known));
    assert!(Arc::ptr_eq(rows.columns(), &known));
}

#[test]
fn a_mismatching_hint_is_ignored_and_the_decoded_specs_win() {
    let decoded = decode(ProtocolVersion::V4, &kv_with_metadata(), None);
    let renamed = Arc::from(vec![
        col("kv", "k", ColumnType::Bigint),
        col("kv", "value", ColumnType::Blob),
    ]);
    let retyped = Arc::from(vec![
        col("kv", "k", ColumnType::Int),
        col("kv", "v", ColumnType::Blob),
    ]);
    let other_table = Arc::from(vec![
        col("kv2", "k", ColumnType::Bigint),
        col("kv2", "v", ColumnType::Blob),
    ]);
    let fewer = Arc::from(vec![col("kv", "k", ColumnType::Bigint)]);
    let none: Arc<[ColumnSpec]> = Arc::from(Vec::new());
    for known in [renamed, retyped, other_table, fewer, none] {
        for v in VERSIONS {
            let rows = decode(v, &kv_with_metadata(), Some(&known));
            assert_eq!(rows.columns(), decoded.columns(), "hint {known:?}");
            assert!(!Arc::ptr_eq(rows.columns(), &known));
            assert_one_kv_row(&rows);
        }
    }
}

#[test]
fn vector_columns_are_compared_after_decoding() {
    let vector = ColumnType::Vector(Box::new(ColumnType::Float), 3);
    let known: Arc<[ColumnSpec]> = Arc::from(vec![col("kv", "e", vector.clone())]);
    let body = cat(&[
        &int(0x0002),
        &int(0x0001),
        &int(1),
        &string("bench"),
        &string("kv"),
        &string("e"),
        &short(0x0000),
        &string("org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.FloatType, 3)"),
        &int(0),
    ]);
    let rows = decode(ProtocolVersion::V5, &body, Some(&known));
    assert!(Arc::ptr_eq(rows.columns(), &known));
}

#[test]
fn v5_metadata_changed_brings_new_columns_despite_the_hint() {
    // Flags 0x0008 Metadata_changed | 0x0001: <new_metadata_id> follows <columns_count>.
    let body = cat(&[
        &int(0x0002),
        &int(0x0008 | 0x0001),
        &int(3),
        &short_bytes(&[0xAB, 0xCD]),
        &kv_specs(),
        &string("added"),
        &short(0x0009),
        &int(0),
    ]);
    let known = kv();
    let rows = decode(ProtocolVersion::V5, &body, Some(&known));
    assert_eq!(
        rows.metadata.new_metadata_id.as_deref(),
        Some(&[0xAB, 0xCD][..])
    );
    assert_eq!(rows.columns().len(), 3);
    assert_eq!(rows.columns()[..2], known[..]);
    assert_eq!(rows.columns()[2], col("kv", "added", ColumnType::Int));
}

#[test]
fn truncated_bodies_fail_with_or_without_a_hint() {
    let known = kv();
    let golden = kv_with_metadata();
    for hint in [None, Some(&known)] {
        for n in 0..golden.len() {
            let body = Bytes::copy_from_slice(&golden[..n]);
            assert!(
                Response::decode_body_with(Opcode::Result, ProtocolVersion::V4, body, hint)
                    .is_err(),
                "prefix {n} decoded (hint: {})",
                hint.is_some()
            );
        }
    }
}

#[test]
fn paging_state_is_a_slice_of_the_frame() {
    // A v4 RESULT frame with a warning, then Rows with Has_more_pages | No_metadata.
    let body = cat(&[
        &short(1),
        &string("w"),
        &int(0x0002),
        &int(0x0002 | 0x0004),
        &int(2),
        &bytes(&[0xCA, 0xFE]),
        &one_row(),
    ]);
    let length = u32::try_from(body.len()).unwrap().to_be_bytes();
    let head = [
        0x84, 0x08, 0x00, 0x07, 0x08, length[0], length[1], length[2], length[3],
    ];
    let header = FrameHeader::decode(&head).unwrap();
    let body = Bytes::from(body);
    let known = kv();
    let frame = decode_response_with(&header, body.clone(), Some(&known)).unwrap();
    assert_eq!(frame.warnings, ["w"]);
    let Response::Result(ResultBody::Rows(rows)) = frame.response else {
        panic!("not rows");
    };
    assert!(Arc::ptr_eq(rows.columns(), &known));
    let paging = rows.metadata.paging_state.as_ref().unwrap();
    assert_eq!(&paging[..], &[0xCA, 0xFE]);
    let inside = body.as_ptr_range();
    assert!(inside.contains(&paging.as_ptr()), "paging state was copied");
    assert_one_kv_row(&rows);
}

#[test]
fn rows_are_read_into_a_buffer_of_the_row_width_or_skipped() {
    let rows = decode(ProtocolVersion::V4, &kv_with_metadata(), None);
    let mut reader = rows.reader();
    assert_eq!((reader.row_width(), reader.rows_left()), (2, 1));
    assert!(reader.clone().read_row(&mut [None; 3]).is_err());
    assert!(reader.clone().read_row(&mut [None; 1]).is_err());
    assert!(reader.skip_row().unwrap());
    assert!(!reader.skip_row().unwrap());
    assert!(!reader.read_row(&mut [None; 2]).unwrap());
}
