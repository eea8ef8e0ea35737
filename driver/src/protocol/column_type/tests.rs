use super::*;

fn encoded(t: &ColumnType) -> Vec<u8> {
    let mut out = Vec::new();
    t.encode(&mut out).unwrap();
    out
}

fn decoded(bytes: &[u8]) -> Result<ColumnType, DecodeError> {
    let mut r = Reader::new(bytes);
    let t = ColumnType::decode(&mut r)?;
    r.expect_end("type")?;
    Ok(t)
}

#[test]
fn native_type_ids() {
    let cases = [
        (ColumnType::Ascii, 0x01),
        (ColumnType::Bigint, 0x02),
        (ColumnType::Blob, 0x03),
        (ColumnType::Boolean, 0x04),
        (ColumnType::Counter, 0x05),
        (ColumnType::Decimal, 0x06),
        (ColumnType::Double, 0x07),
        (ColumnType::Float, 0x08),
        (ColumnType::Int, 0x09),
        (ColumnType::Timestamp, 0x0B),
        (ColumnType::Uuid, 0x0C),
        (ColumnType::Text, 0x0D),
        (ColumnType::Varint, 0x0E),
        (ColumnType::Timeuuid, 0x0F),
        (ColumnType::Inet, 0x10),
        (ColumnType::Date, 0x11),
        (ColumnType::Time, 0x12),
        (ColumnType::Smallint, 0x13),
        (ColumnType::Tinyint, 0x14),
        (ColumnType::Duration, 0x15),
    ];
    for (t, id) in cases {
        assert_eq!(encoded(&t), [0, id], "{t:?}");
        assert_eq!(decoded(&[0, id]).unwrap(), t);
    }
    // 0x000A (the old varchar id) and 0x0016 are not types.
    assert!(matches!(
        decoded(&[0, 0x0A]),
        Err(DecodeError::UnknownCode { code: 0x0A, .. })
    ));
    assert!(decoded(&[0, 0x16]).is_err());
}

#[test]
fn collections() {
    let map = ColumnType::Map(
        Box::new(ColumnType::Text),
        Box::new(ColumnType::List(Box::new(ColumnType::Int))),
    );
    let bytes = [0x00, 0x21, 0x00, 0x0D, 0x00, 0x20, 0x00, 0x09];
    assert_eq!(encoded(&map), bytes);
    assert_eq!(decoded(&bytes).unwrap(), map);
    let set = ColumnType::Set(Box::new(ColumnType::Uuid));
    assert_eq!(encoded(&set), [0x00, 0x22, 0x00, 0x0C]);
    assert_eq!(decoded(&[0x00, 0x22, 0x00, 0x0C]).unwrap(), set);
}

#[test]
fn udt_and_tuple() {
    let udt = ColumnType::Udt(Arc::new(UdtType {
        keyspace: "ks".into(),
        name: "addr".into(),
        fields: vec![
            ("street".into(), ColumnType::Text),
            ("zip".into(), ColumnType::Int),
        ],
    }));
    let mut bytes = vec![0x00, 0x30, 0, 2, b'k', b's', 0, 4];
    bytes.extend_from_slice(b"addr");
    bytes.extend_from_slice(&[0, 2, 0, 6]);
    bytes.extend_from_slice(b"street");
    bytes.extend_from_slice(&[0, 0x0D, 0, 3]);
    bytes.extend_from_slice(b"zip");
    bytes.extend_from_slice(&[0, 0x09]);
    assert_eq!(encoded(&udt), bytes);
    assert_eq!(decoded(&bytes).unwrap(), udt);

    let tuple = ColumnType::Tuple(vec![ColumnType::Int, ColumnType::Blob]);
    let bytes = [0x00, 0x31, 0x00, 0x02, 0x00, 0x09, 0x00, 0x03];
    assert_eq!(encoded(&tuple), bytes);
    assert_eq!(decoded(&bytes).unwrap(), tuple);
    // 65535 elements announced with nothing after: refused before allocating.
    assert!(decoded(&[0x00, 0x31, 0xFF, 0xFF]).is_err());
}

#[test]
fn custom_types_keep_their_class() {
    let class = "org.example.MyType";
    let mut bytes = vec![0, 0, 0, class.len() as u8];
    bytes.extend_from_slice(class.as_bytes());
    let t = decoded(&bytes).unwrap();
    assert_eq!(t, ColumnType::Custom(Arc::from(class)));
    assert_eq!(encoded(&t), bytes);
}

#[test]
fn vector_as_cassandra_writes_it() {
    let class =
        "org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.FloatType , 3)";
    let mut bytes = vec![0, 0, 0, class.len() as u8];
    bytes.extend_from_slice(class.as_bytes());
    let t = decoded(&bytes).unwrap();
    assert_eq!(t, ColumnType::Vector(Box::new(ColumnType::Float), 3));
    assert_eq!(encoded(&t), bytes);
}

#[test]
fn vector_class_names_parse() {
    let p = |s: &str| parse_custom(s);
    assert_eq!(
        p("org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.Int32Type,2)")
            .unwrap(),
        ColumnType::Vector(Box::new(ColumnType::Int), 2)
    );
    let nested = "org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.FrozenType(org.apache.cassandra.db.marshal.ListType(org.apache.cassandra.db.marshal.UTF8Type)) , 4)";
    assert_eq!(
        p(nested).unwrap(),
        ColumnType::Vector(Box::new(ColumnType::List(Box::new(ColumnType::Text))), 4)
    );
    let map = "org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.MapType(org.apache.cassandra.db.marshal.UUIDType,org.apache.cassandra.db.marshal.LongType) , 1)";
    assert_eq!(
        p(map).unwrap(),
        ColumnType::Vector(
            Box::new(ColumnType::Map(
                Box::new(ColumnType::Uuid),
                Box::new(ColumnType::Bigint)
            )),
            1
        )
    );
    // A UDT element: hex-encoded type and field names.
    let udt = "org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.UserType(ks,61,78:org.apache.cassandra.db.marshal.Int32Type) , 2)";
    assert_eq!(
        p(udt).unwrap(),
        ColumnType::Vector(
            Box::new(ColumnType::Udt(Arc::new(UdtType {
                keyspace: "ks".into(),
                name: "a".into(),
                fields: vec![("x".into(), ColumnType::Int)],
            }))),
            2
        )
    );
    // An unknown element class stays custom.
    assert_eq!(
        p("org.apache.cassandra.db.marshal.VectorType(com.example.Thing(1,2) , 2)").unwrap(),
        ColumnType::Vector(
            Box::new(ColumnType::Custom(Arc::from("com.example.Thing(1,2)"))),
            2
        )
    );
    for bad in [
        "org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.FloatType , 0)",
        "org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.FloatType , x)",
        "org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.FloatType , 3",
        "org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.FloatType , 3))",
        "org.apache.cassandra.db.marshal.VectorType(, 3)",
        "org.apache.cassandra.db.marshal.VectorType(com.example.X(( , 3)",
    ] {
        assert!(p(bad).is_err(), "{bad}");
    }
}

#[test]
fn class_names_round_trip() {
    let types = [
        ColumnType::Vector(Box::new(ColumnType::Double), 8),
        ColumnType::Vector(
            Box::new(ColumnType::Tuple(vec![ColumnType::Int, ColumnType::Text])),
            2,
        ),
        ColumnType::Vector(
            Box::new(ColumnType::Set(Box::new(ColumnType::Vector(
                Box::new(ColumnType::Float),
                2,
            )))),
            3,
        ),
        ColumnType::Vector(
            Box::new(ColumnType::Udt(Arc::new(UdtType {
                keyspace: "k".into(),
                name: "Ünï".into(),
                fields: vec![("f".into(), ColumnType::Duration)],
            }))),
            1,
        ),
    ];
    for t in types {
        let bytes = encoded(&t);
        assert_eq!(decoded(&bytes).unwrap(), t);
    }
}

#[test]
fn nesting_is_capped() {
    // 100 nested lists of int.
    let mut bytes = Vec::new();
    for _ in 0..100 {
        bytes.extend_from_slice(&[0x00, 0x20]);
    }
    bytes.extend_from_slice(&[0x00, 0x09]);
    assert_eq!(decoded(&bytes), Err(DecodeError::TooDeep(MAX_TYPE_DEPTH)));
    // 63 levels are fine.
    let mut ok = Vec::new();
    for _ in 0..63 {
        ok.extend_from_slice(&[0x00, 0x20]);
    }
    ok.extend_from_slice(&[0x00, 0x09]);
    assert!(decoded(&ok).is_ok());
    // The same cap applies inside a vector's class name.
    let mut class = String::from("org.apache.cassandra.db.marshal.VectorType(");
    for _ in 0..100 {
        class.push_str("org.apache.cassandra.db.marshal.ListType(");
    }
    class.push_str("org.apache.cassandra.db.marshal.Int32Type");
    class.push_str(&")".repeat(100));
    class.push_str(" , 2)");
    assert_eq!(
        parse_custom(&class),
        Err(DecodeError::TooDeep(MAX_TYPE_DEPTH))
    );
}

#[test]
fn truncated_types_fail() {
    let t = ColumnType::Map(
        Box::new(ColumnType::Text),
        Box::new(ColumnType::Vector(Box::new(ColumnType::Float), 3)),
    );
    let bytes = encoded(&t);
    for n in 0..bytes.len() {
        assert!(decoded(&bytes[..n]).is_err(), "prefix {n}");
    }
}
