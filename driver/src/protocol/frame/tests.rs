use super::*;
use crate::protocol::request::{Options, Startup};
use crate::protocol::response::{ErrorBody, ErrorCode};

#[test]
fn header_golden() {
    let h = FrameHeader {
        version: 4,
        is_response: true,
        flags: FrameFlags(FrameFlags::TRACING | FrameFlags::WARNING),
        stream: -1,
        opcode: Opcode::Event,
        length: 0x0102_0304,
    };
    let bytes = [0x84, 0x0A, 0xFF, 0xFF, 0x0C, 0x01, 0x02, 0x03, 0x04];
    assert_eq!(h.encode(), bytes);
    assert_eq!(FrameHeader::decode(&bytes).unwrap(), h);
    // Unknown versions are decoded so the server can answer them; unknown opcodes are not.
    let v3 = FrameHeader::decode(&[0x03, 0, 0, 1, 0x05, 0, 0, 0, 0]).unwrap();
    assert_eq!((v3.version, v3.is_response), (3, false));
    assert!(matches!(
        FrameHeader::decode(&[0x04, 0, 0, 1, 0x04, 0, 0, 0, 0]),
        Err(DecodeError::UnknownCode { code: 4, .. })
    ));
}

#[test]
fn opcodes_round_trip() {
    for code in 0u8..=0x10 {
        match Opcode::from_u8(code) {
            Some(op) => assert_eq!(op as u8, code),
            None => assert_eq!(code, 4),
        }
    }
    assert!(Opcode::from_u8(0x11).is_none());
}

#[test]
fn request_frame_golden() {
    let frame = RequestFrame {
        stream: 3,
        tracing: false,
        custom_payload: None,
        request: Request::Options(Options),
    };
    let mut out = Vec::new();
    encode_request(ProtocolVersion::V4, &frame, &mut out).unwrap();
    assert_eq!(out, [0x04, 0x00, 0x00, 0x03, 0x05, 0, 0, 0, 0]);

    let frame = RequestFrame {
        stream: 0x0102,
        tracing: true,
        custom_payload: Some(vec![("k".into(), vec![7])]),
        request: Request::Startup(Startup {
            options: vec![("A".into(), "b".into())],
        }),
    };
    let mut out = Vec::new();
    encode_request(ProtocolVersion::V5, &frame, &mut out).unwrap();
    let body = [
        0, 1, 0, 1, b'k', 0, 0, 0, 1, 7, // custom payload
        0, 1, 0, 1, b'A', 0, 1, b'b', // STARTUP string map
    ];
    let mut expected = vec![0x05, 0x06, 0x01, 0x02, 0x01, 0, 0, 0, body.len() as u8];
    expected.extend_from_slice(&body);
    assert_eq!(out, expected);

    let mut hb = [0u8; 9];
    hb.copy_from_slice(&out[..9]);
    let h = FrameHeader::decode(&hb).unwrap();
    assert_eq!(decode_request(&h, &out[9..]).unwrap(), frame);
}

#[test]
fn response_frame_golden() {
    let id = uuid::Uuid::from_bytes([0xAA; 16]);
    let frame = ResponseFrame {
        stream: 5,
        tracing_id: Some(id),
        warnings: vec!["w".into()],
        custom_payload: Some(vec![]),
        response: Response::Ready,
    };
    let mut out = Vec::new();
    encode_response(ProtocolVersion::V4, &frame, &mut out).unwrap();
    let mut body = vec![0xAA; 16];
    body.extend_from_slice(&[0, 1, 0, 1, b'w']); // warnings
    body.extend_from_slice(&[0, 0]); // empty custom payload
    let mut expected = vec![0x84, 0x0E, 0, 5, 0x02, 0, 0, 0, body.len() as u8];
    expected.extend_from_slice(&body);
    assert_eq!(out, expected);

    let mut hb = [0u8; 9];
    hb.copy_from_slice(&out[..9]);
    let h = FrameHeader::decode(&hb).unwrap();
    let decoded = decode_response(&h, Bytes::copy_from_slice(&out[9..])).unwrap();
    assert_eq!(decoded, frame);
}

fn header(version: u8, response: bool, flags: u8, opcode: Opcode, length: u32) -> FrameHeader {
    FrameHeader {
        version,
        is_response: response,
        flags: FrameFlags(flags),
        stream: 0,
        opcode,
        length,
    }
}

#[test]
fn header_checks() {
    // Unsupported version.
    assert_eq!(
        decode_request(&header(3, false, 0, Opcode::Options, 0), &[]),
        Err(DecodeError::UnsupportedVersion(3))
    );
    assert_eq!(
        decode_response(&header(6, true, 0, Opcode::Ready, 0), Bytes::new()),
        Err(DecodeError::UnsupportedVersion(6))
    );
    // Compression is refused in v4, ignored (deprecated) in v5.
    assert!(matches!(
        decode_request(&header(4, false, 0x01, Opcode::Options, 0), &[]),
        Err(DecodeError::Unsupported(_))
    ));
    assert!(decode_request(&header(5, false, 0x01, Opcode::Options, 0), &[]).is_ok());
    // Direction and opcode must agree.
    assert!(decode_request(&header(4, true, 0, Opcode::Options, 0), &[]).is_err());
    assert!(decode_request(&header(4, false, 0, Opcode::Ready, 0), &[]).is_err());
    assert!(decode_response(&header(4, true, 0, Opcode::Options, 0), Bytes::new()).is_err());
    // The length must match the body given.
    assert!(decode_request(&header(4, false, 0, Opcode::Options, 1), &[]).is_err());
}

#[test]
fn error_frame_on_event_stream() {
    let frame = ResponseFrame {
        stream: -1,
        tracing_id: None,
        warnings: vec![],
        custom_payload: None,
        response: Response::Error(ErrorBody {
            code: ErrorCode::ProtocolError,
            message: "x".into(),
        }),
    };
    let mut out = Vec::new();
    encode_response(ProtocolVersion::V5, &frame, &mut out).unwrap();
    assert_eq!(
        out,
        [0x85, 0, 0xFF, 0xFF, 0x00, 0, 0, 0, 7, 0, 0, 0, 0x0A, 0, 1, b'x']
    );
}

#[test]
fn frame_decoder_splits_and_waits() {
    let mut dec = FrameDecoder::new(16);
    let mut buf = BytesMut::new();
    buf.extend_from_slice(&[0x84, 0x00, 0x00, 0x01, 0x02, 0, 0, 0, 0]); // READY
    buf.extend_from_slice(&[0x84, 0x00, 0x00, 0x02, 0x08, 0, 0, 0, 4, 0, 0]); // RESULT, half body
    let (h, body) = dec.decode(&mut buf).unwrap().unwrap();
    assert_eq!((h.stream, h.opcode, body.len()), (1, Opcode::Ready, 0));
    assert_eq!(dec.decode(&mut buf).unwrap(), None);
    buf.extend_from_slice(&[0, 1, 0xEE]);
    let (h, body) = dec.decode(&mut buf).unwrap().unwrap();
    assert_eq!((h.stream, &body[..]), (2, &[0, 0, 0, 1][..]));
    assert_eq!(&buf[..], &[0xEE]);
    assert_eq!(dec.decode(&mut buf).unwrap(), None);
}

#[test]
fn frame_decoder_refuses_long_frames_from_the_header_alone() {
    let mut dec = FrameDecoder::new(16);
    let mut buf = BytesMut::from(&[0x04, 0, 0, 1, 0x07, 0, 0, 0, 17][..]);
    assert_eq!(
        dec.decode(&mut buf),
        Err(DecodeError::FrameTooLong {
            length: 17,
            max: 16
        })
    );
    let mut buf = BytesMut::from(&[0x04, 0, 0, 1, 0x07, 0xFF, 0xFF, 0xFF, 0xFF][..]);
    assert!(matches!(
        dec.decode(&mut buf),
        Err(DecodeError::FrameTooLong { .. })
    ));
}

#[test]
fn encode_error_leaves_output_untouched() {
    let frame = RequestFrame {
        stream: 1,
        tracing: false,
        custom_payload: None,
        request: Request::Prepare(crate::protocol::request::Prepare {
            query: "SELECT 1".into(),
            keyspace: Some("ks".into()),
        }),
    };
    let mut out = vec![1, 2, 3];
    assert!(matches!(
        encode_request(ProtocolVersion::V4, &frame, &mut out),
        Err(EncodeError::NotInVersion { version: 4, .. })
    ));
    assert_eq!(out, [1, 2, 3]);
}
