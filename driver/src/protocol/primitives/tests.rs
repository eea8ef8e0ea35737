use super::*;

#[test]
fn integers_are_big_endian() {
    let mut out = Vec::new();
    write_byte(&mut out, 0xAB);
    write_short(&mut out, 0x0102);
    write_int(&mut out, -2);
    write_long(&mut out, 0x0102_0304_0506_0708);
    assert_eq!(
        out,
        [0xAB, 0x01, 0x02, 0xFF, 0xFF, 0xFF, 0xFE, 1, 2, 3, 4, 5, 6, 7, 8]
    );
    let mut r = Reader::new(&out);
    assert_eq!(r.read_byte().unwrap(), 0xAB);
    assert_eq!(r.read_short().unwrap(), 0x0102);
    assert_eq!(r.read_int().unwrap(), -2);
    assert_eq!(r.read_long().unwrap(), 0x0102_0304_0506_0708);
    assert!(r.is_empty());
    assert!(matches!(
        r.read_int(),
        Err(DecodeError::UnexpectedEof { needed: 4, .. })
    ));
}

#[test]
fn strings() {
    let mut out = Vec::new();
    write_string(&mut out, "é").unwrap();
    write_long_string(&mut out, "ab").unwrap();
    assert_eq!(out, [0, 2, 0xC3, 0xA9, 0, 0, 0, 2, b'a', b'b']);
    let mut r = Reader::new(&out);
    assert_eq!(r.read_string().unwrap(), "é");
    assert_eq!(r.read_long_string().unwrap(), "ab");
    r.expect_end("test").unwrap();

    let too_long = "x".repeat(65536);
    assert!(matches!(
        write_string(&mut out, &too_long),
        Err(EncodeError::TooLong { max: 65535, .. })
    ));
}

#[test]
fn string_errors() {
    assert!(matches!(
        Reader::new(&[0, 2, 0xFF, 0xFE]).read_string(),
        Err(DecodeError::InvalidUtf8 { .. })
    ));
    assert!(matches!(
        Reader::new(&[0, 5, b'a']).read_string(),
        Err(DecodeError::UnexpectedEof { needed: 4, .. })
    ));
    assert!(matches!(
        Reader::new(&[0xFF, 0xFF, 0xFF, 0xFF]).read_long_string(),
        Err(DecodeError::InvalidLength { length: -1, .. })
    ));
    // A length far beyond the input is refused before anything is allocated.
    assert!(matches!(
        Reader::new(&[0x7F, 0xFF, 0xFF, 0xFF, b'a']).read_long_string(),
        Err(DecodeError::UnexpectedEof { .. })
    ));
}

#[test]
fn uuid_and_string_list() {
    let id = uuid::Uuid::from_bytes([7; 16]);
    let mut out = Vec::new();
    write_uuid(&mut out, &id);
    write_string_list(&mut out, &["a", "bc"]).unwrap();
    let mut expected = vec![7u8; 16];
    expected.extend_from_slice(&[0, 2, 0, 1, b'a', 0, 2, b'b', b'c']);
    assert_eq!(out, expected);
    let mut r = Reader::new(&out);
    assert_eq!(r.read_uuid().unwrap(), id);
    assert_eq!(r.read_string_list().unwrap(), vec!["a", "bc"]);
    // 65535 strings announced, 2 bytes follow.
    assert!(matches!(
        Reader::new(&[0xFF, 0xFF, 0, 0]).read_string_list(),
        Err(DecodeError::InvalidLength { .. })
    ));
}

#[test]
fn bytes_values_and_short_bytes() {
    let mut out = Vec::new();
    write_bytes(&mut out, Some(&[1, 2])).unwrap();
    write_bytes(&mut out, None).unwrap();
    write_value(&mut out, RawValue::Bytes(&[])).unwrap();
    write_value(&mut out, RawValue::Null).unwrap();
    write_value(&mut out, RawValue::Unset).unwrap();
    write_short_bytes(&mut out, &[9]).unwrap();
    assert_eq!(
        out,
        [
            0, 0, 0, 2, 1, 2, // [bytes]
            0xFF, 0xFF, 0xFF, 0xFF, // null [bytes]
            0, 0, 0, 0, // empty [value]
            0xFF, 0xFF, 0xFF, 0xFF, // null [value]
            0xFF, 0xFF, 0xFF, 0xFE, // unset [value]
            0, 1, 9 // [short bytes]
        ]
    );
    let mut r = Reader::new(&out);
    assert_eq!(r.read_bytes().unwrap(), Some(&[1u8, 2][..]));
    assert_eq!(r.read_bytes().unwrap(), None);
    assert_eq!(r.read_value().unwrap(), RawValue::Bytes(&[]));
    assert_eq!(r.read_value().unwrap(), RawValue::Null);
    assert_eq!(r.read_value().unwrap(), RawValue::Unset);
    assert_eq!(r.read_short_bytes().unwrap(), &[9]);
    assert!(r.is_empty());
}

#[test]
fn value_below_minus_two_is_an_error() {
    assert!(matches!(
        Reader::new(&[0xFF, 0xFF, 0xFF, 0xFD]).read_value(),
        Err(DecodeError::InvalidLength { length: -3, .. })
    ));
    // [bytes] treats every negative length as null.
    assert_eq!(
        Reader::new(&[0xFF, 0xFF, 0xFF, 0xFD]).read_bytes().unwrap(),
        None
    );
}

#[test]
fn unsigned_vint_spec_example() {
    // Section 3: 256 000 is encoded on 3 bytes as [110]00011 11101000 00000000.
    let mut out = Vec::new();
    write_unsigned_vint(&mut out, 256_000);
    assert_eq!(out, [0b1100_0011, 0b1110_1000, 0b0000_0000]);
    assert_eq!(Reader::new(&out).read_unsigned_vint().unwrap(), 256_000);
}

#[test]
fn vint_golden_and_round_trip() {
    let cases: &[(i64, &[u8])] = &[
        (0, &[0x00]),
        (-1, &[0x01]),
        (1, &[0x02]),
        (-2, &[0x03]),
        (63, &[0x7E]),
        (64, &[0x80, 0x80]),
        (
            i64::MAX,
            &[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE],
        ),
        (
            i64::MIN,
            &[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
        ),
    ];
    for (v, bytes) in cases {
        let mut out = Vec::new();
        write_vint(&mut out, *v);
        assert_eq!(&out, bytes, "encoding {v}");
        let mut r = Reader::new(bytes);
        assert_eq!(r.read_vint().unwrap(), *v);
        assert!(r.is_empty());
    }
    for shift in 0..64 {
        let p = 1u64 << shift;
        for v in [p, p - 1, u64::MAX >> shift] {
            let mut out = Vec::new();
            write_unsigned_vint(&mut out, v);
            assert_eq!(Reader::new(&out).read_unsigned_vint().unwrap(), v);
        }
    }
    assert!(Reader::new(&[0xC0, 0x01]).read_unsigned_vint().is_err());
}

#[test]
fn inet_and_inetaddr() {
    let v4: SocketAddr = "127.0.0.1:9042".parse().unwrap();
    let v6: SocketAddr = "[::1]:7000".parse().unwrap();
    let mut out = Vec::new();
    write_inet(&mut out, &v4);
    assert_eq!(out, [4, 127, 0, 0, 1, 0, 0, 0x23, 0x52]);
    write_inet(&mut out, &v6);
    let mut r = Reader::new(&out);
    assert_eq!(r.read_inet().unwrap(), v4);
    assert_eq!(r.read_inet().unwrap(), v6);
    assert!(r.is_empty());
    assert!(matches!(
        Reader::new(&[5, 1, 2, 3, 4, 5]).read_inetaddr(),
        Err(DecodeError::InvalidLength { length: 5, .. })
    ));
    assert!(matches!(
        Reader::new(&[4, 1, 2, 3, 4, 0, 1, 0, 0]).read_inet(),
        Err(DecodeError::Malformed { .. })
    ));
}

#[test]
fn consistency() {
    let mut out = Vec::new();
    write_consistency(&mut out, Consistency::LocalOne);
    write_consistency(&mut out, Consistency::Any);
    write_serial_consistency(&mut out, SerialConsistency::LocalSerial);
    assert_eq!(out, [0, 0x0A, 0, 0, 0, 0x09]);
    let mut r = Reader::new(&out);
    assert_eq!(r.read_consistency().unwrap(), Consistency::LocalOne);
    assert_eq!(r.read_consistency().unwrap(), Consistency::Any);
    assert_eq!(
        r.read_serial_consistency().unwrap(),
        SerialConsistency::LocalSerial
    );
    assert!(matches!(
        Reader::new(&[0, 0x0B]).read_consistency(),
        Err(DecodeError::UnknownCode { code: 0x0B, .. })
    ));
    assert!(Reader::new(&[0, 0x01]).read_serial_consistency().is_err());
    for code in 0..=0x0A {
        assert_eq!(Consistency::from_code(code).unwrap() as u16, code);
    }
}

#[test]
fn maps() {
    let mut out = Vec::new();
    write_string_map(&mut out, &[("CQL_VERSION", "3.0.0")]).unwrap();
    let mut expected = vec![0, 1, 0, 11];
    expected.extend_from_slice(b"CQL_VERSION");
    expected.extend_from_slice(&[0, 5]);
    expected.extend_from_slice(b"3.0.0");
    assert_eq!(out, expected);

    let mut mm = Vec::new();
    write_string_multimap(&mut mm, &[("K", vec!["a", "b"])]).unwrap();
    assert_eq!(mm, [0, 1, 0, 1, b'K', 0, 2, 0, 1, b'a', 0, 1, b'b']);

    let mut bm = Vec::new();
    write_bytes_map(&mut bm, &[("k", vec![1u8])]).unwrap();
    assert_eq!(bm, [0, 1, 0, 1, b'k', 0, 0, 0, 1, 1]);

    assert_eq!(
        Reader::new(&out).read_string_map().unwrap(),
        vec![("CQL_VERSION".to_owned(), "3.0.0".to_owned())]
    );
    assert_eq!(
        Reader::new(&mm).read_string_multimap().unwrap(),
        vec![("K".to_owned(), vec!["a".to_owned(), "b".to_owned()])]
    );
    assert_eq!(
        Reader::new(&bm).read_bytes_map().unwrap(),
        vec![("k".to_owned(), vec![1u8])]
    );
    // A null value in a [bytes map] is refused.
    assert!(Reader::new(&[0, 1, 0, 1, b'k', 0xFF, 0xFF, 0xFF, 0xFF])
        .read_bytes_map()
        .is_err());
}

#[test]
fn huge_counts_fail_without_allocating() {
    for bytes in [&[0xFF, 0xFF][..], &[0xFF, 0xFF, 0, 0, 0, 0]] {
        assert!(Reader::new(bytes).read_string_map().is_err());
        assert!(Reader::new(bytes).read_string_multimap().is_err());
        assert!(Reader::new(bytes).read_bytes_map().is_err());
        assert!(Reader::new(bytes).read_string_list().is_err());
    }
}

#[test]
fn trailing_bytes_are_reported() {
    let r = Reader::new(&[1, 2, 3]);
    assert_eq!(
        r.expect_end("thing"),
        Err(DecodeError::TrailingBytes {
            what: "thing",
            count: 3
        })
    );
}
