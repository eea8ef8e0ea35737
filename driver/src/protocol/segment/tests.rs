use super::*;

// Expected values computed independently with Python: a bitwise CRC24 written from section 2.1
// of the v5 spec (init 0x875060, polynomial 0x1974F0B) and `zlib.crc32(b"\xfa\x2d\x55\xca" + p)`.

#[test]
fn crc24_of_headers() {
    assert_eq!(crc24(&[0x05, 0x00, 0x02]), 0x9A_9919);
    assert_eq!(crc24(&[0x00, 0x00, 0x02]), 0xC4_366A);
    assert_eq!(crc24(&[0xFF, 0xFF, 0x01]), 0xFE_9138);
    assert_eq!(crc24(&[0x34, 0x12, 0x00]), 0xAE_03D2);
}

#[test]
fn crc32_with_cassandra_prelude() {
    assert_eq!(crc32(b""), 0x4477_7ED3);
    assert_eq!(crc32(b"hello"), 0xB60E_8074);
}

#[test]
fn self_contained_segment_golden() {
    let mut out = Vec::new();
    encode_segments(b"hello", &mut out);
    let expected = [
        0x05, 0x00, 0x02, // length 5, self-contained (bit 17)
        0x19, 0x99, 0x9A, // CRC24, little-endian
        b'h', b'e', b'l', b'l', b'o', // payload
        0x74, 0x80, 0x0E, 0xB6, // CRC32, little-endian
    ];
    assert_eq!(out, expected);
    let mut buf = BytesMut::from(&out[..]);
    let seg = SegmentDecoder::new().decode(&mut buf).unwrap().unwrap();
    assert_eq!(
        seg,
        Segment {
            payload: Bytes::from_static(b"hello"),
            self_contained: true
        }
    );
    assert!(buf.is_empty());
}

#[test]
fn large_payload_is_split() {
    let payload: Vec<u8> = (0..(MAX_SEGMENT_PAYLOAD * 2 + 10))
        .map(|i| (i % 251) as u8)
        .collect();
    let mut out = Vec::new();
    encode_segments(&payload, &mut out);
    assert_eq!(out.len(), payload.len() + 3 * 10);
    // First header: 131071 bytes, not self-contained.
    assert_eq!(&out[..6], &[0xFF, 0xFF, 0x01, 0x38, 0x91, 0xFE]);
    let mut buf = BytesMut::from(&out[..]);
    let mut dec = SegmentDecoder::new();
    let mut joined = Vec::new();
    let mut lens = Vec::new();
    while let Some(seg) = dec.decode(&mut buf).unwrap() {
        assert!(!seg.self_contained);
        lens.push(seg.payload.len());
        joined.extend_from_slice(&seg.payload);
    }
    assert_eq!(lens, [MAX_SEGMENT_PAYLOAD, MAX_SEGMENT_PAYLOAD, 10]);
    assert_eq!(joined, payload);
}

#[test]
fn exactly_max_is_one_segment() {
    let payload = vec![0u8; MAX_SEGMENT_PAYLOAD];
    let mut out = Vec::new();
    encode_segments(&payload, &mut out);
    assert_eq!(out.len(), MAX_SEGMENT_PAYLOAD + 10);
    assert_eq!(&out[..3], &[0xFF, 0xFF, 0x03]);
}

#[test]
fn decoder_waits_for_bytes() {
    let mut out = Vec::new();
    encode_segments(b"abc", &mut out);
    encode_segments(b"", &mut out);
    let mut dec = SegmentDecoder::new();
    let mut buf = BytesMut::new();
    let mut got = Vec::new();
    for b in out {
        buf.extend_from_slice(&[b]);
        if let Some(seg) = dec.decode(&mut buf).unwrap() {
            got.push(seg.payload);
        }
    }
    assert_eq!(got, [Bytes::from_static(b"abc"), Bytes::new()]);
}

#[test]
fn bad_checksums_are_refused() {
    let mut out = Vec::new();
    encode_segments(b"hello", &mut out);
    // Corrupt the header length.
    let mut bad = out.clone();
    bad[0] ^= 0x01;
    assert!(matches!(
        SegmentDecoder::new().decode(&mut BytesMut::from(&bad[..])),
        Err(DecodeError::ChecksumMismatch { what, .. }) if what.contains("CRC24")
    ));
    // Corrupt the payload.
    let mut bad = out.clone();
    bad[7] ^= 0x04; // "hello" becomes "hallo"
    assert_eq!(
        SegmentDecoder::new().decode(&mut BytesMut::from(&bad[..])),
        Err(DecodeError::ChecksumMismatch {
            what: "segment payload CRC32",
            computed: crc32(b"hallo"),
            received: 0xB60E_8074,
        })
    );
    // Corrupt the trailer.
    let mut bad = out;
    bad[12] ^= 0x01;
    assert!(SegmentDecoder::new()
        .decode(&mut BytesMut::from(&bad[..]))
        .is_err());
}

fn frame(len: usize, stream: u8) -> Vec<u8> {
    let mut f = vec![0x85, 0, 0, stream, 0x08];
    f.extend_from_slice(&(len as u32).to_be_bytes());
    f.extend((0..len).map(|i| i as u8));
    f
}

#[test]
fn frames_share_segments_and_large_ones_travel_alone() {
    let small1 = frame(10, 1);
    let big = frame(MAX_SEGMENT_PAYLOAD + 5, 2);
    let small2 = frame(0, 3);
    let mut wire = Vec::new();
    encode_frames_in_segments(&[&small1, &big, &small2], &mut wire);

    // Segment layout: [small1] self-contained, big in 2 non-self-contained, [small2].
    let mut buf = BytesMut::from(&wire[..]);
    let mut dec = SegmentDecoder::new();
    let mut layout = Vec::new();
    while let Some(seg) = dec.decode(&mut buf).unwrap() {
        layout.push((seg.payload.len(), seg.self_contained));
    }
    assert_eq!(
        layout,
        [
            (19, true),
            (MAX_SEGMENT_PAYLOAD, false),
            (big.len() - MAX_SEGMENT_PAYLOAD, false),
            (9, true)
        ]
    );

    let mut frames = SegmentFrameDecoder::new(1 << 20);
    let mut buf = BytesMut::new();
    let mut got = Vec::new();
    for chunk in wire.chunks(1000) {
        buf.extend_from_slice(chunk);
        while let Some((h, body)) = frames.decode(&mut buf).unwrap() {
            got.push((h.stream, body.len()));
        }
    }
    assert_eq!(got, [(1, 10), (2, MAX_SEGMENT_PAYLOAD + 5), (3, 0)]);
    assert!(!frames.has_partial_frame());
}

#[test]
fn segment_frame_decoder_enforces_max_length() {
    let mut wire = Vec::new();
    encode_frames_in_segments(&[&frame(100, 1)], &mut wire);
    let mut frames = SegmentFrameDecoder::new(50);
    assert!(matches!(
        frames.decode(&mut BytesMut::from(&wire[..])),
        Err(DecodeError::FrameTooLong { .. })
    ));
}
