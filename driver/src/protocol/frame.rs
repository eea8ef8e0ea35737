//! The frame envelope: a 9-byte header (version, flags, stream, opcode, length) and a body.

/// A protocol version Ringbolt speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProtocolVersion {
    /// Native protocol v4 (Cassandra 2.2 and later, ScyllaDB).
    V4 = 4,
    /// Native protocol v5 (Cassandra 4.0 and later): framing in CRC-protected segments.
    V5 = 5,
}

/// The flags byte of a frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct FrameFlags(pub u8);

impl FrameFlags {
    /// 0x01: the body is compressed (Ringbolt never sets it and refuses it).
    pub const COMPRESSION: u8 = 0x01;
    /// 0x02: tracing requested (request) or tracing id present (response).
    pub const TRACING: u8 = 0x02;
    /// 0x04: a custom payload precedes the body.
    pub const CUSTOM_PAYLOAD: u8 = 0x04;
    /// 0x08: warnings precede the body (responses only).
    pub const WARNING: u8 = 0x08;
    /// 0x10: the frame uses a beta protocol version.
    pub const USE_BETA: u8 = 0x10;

    /// Whether all bits of `flag` are set.
    pub fn contains(self, flag: u8) -> bool {
        self.0 & flag == flag
    }
}

/// Message kinds, as in section 2.4 of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Opcode {
    /// 0x00
    Error = 0x00,
    /// 0x01
    Startup = 0x01,
    /// 0x02
    Ready = 0x02,
    /// 0x03
    Authenticate = 0x03,
    /// 0x05
    Options = 0x05,
    /// 0x06
    Supported = 0x06,
    /// 0x07
    Query = 0x07,
    /// 0x08
    Result = 0x08,
    /// 0x09
    Prepare = 0x09,
    /// 0x0A
    Execute = 0x0A,
    /// 0x0B
    Register = 0x0B,
    /// 0x0C
    Event = 0x0C,
    /// 0x0D
    Batch = 0x0D,
    /// 0x0E
    AuthChallenge = 0x0E,
    /// 0x0F
    AuthResponse = 0x0F,
    /// 0x10
    AuthSuccess = 0x10,
}

/// A decoded frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameHeader {
    /// The protocol version (without the direction bit).
    pub version: u8,
    /// True for a response (the direction bit 0x80 of the version byte).
    pub is_response: bool,
    /// Header flags.
    pub flags: FrameFlags,
    /// The stream id.
    pub stream: i16,
    /// The message kind.
    pub opcode: Opcode,
    /// The body length in bytes.
    pub length: u32,
}

/// The length of a frame header.
pub const HEADER_LENGTH: usize = 9;

use std::sync::Arc;

use bytes::{Buf, Bytes, BytesMut};

use super::primitives::{int_len, write_bytes_map, write_string_list, write_uuid, Reader};
use super::request::Request;
use super::response::{ColumnSpec, Response};
use super::{DecodeError, EncodeError};

impl ProtocolVersion {
    /// The version with this number, if Ringbolt speaks it.
    pub fn from_u8(v: u8) -> Option<ProtocolVersion> {
        match v {
            4 => Some(ProtocolVersion::V4),
            5 => Some(ProtocolVersion::V5),
            _ => None,
        }
    }

    /// The version's number.
    pub fn as_u8(self) -> u8 {
        self as u8
    }
}

impl Opcode {
    /// The opcode with this code.
    pub fn from_u8(code: u8) -> Option<Opcode> {
        use Opcode::*;
        Some(match code {
            0x00 => Error,
            0x01 => Startup,
            0x02 => Ready,
            0x03 => Authenticate,
            0x05 => Options,
            0x06 => Supported,
            0x07 => Query,
            0x08 => Result,
            0x09 => Prepare,
            0x0A => Execute,
            0x0B => Register,
            0x0C => Event,
            0x0D => Batch,
            0x0E => AuthChallenge,
            0x0F => AuthResponse,
            0x10 => AuthSuccess,
            _ => return None,
        })
    }

    /// Whether clients send this opcode.
    pub fn is_request(self) -> bool {
        use Opcode::*;
        matches!(
            self,
            Startup | Options | Query | Prepare | Execute | Register | Batch | AuthResponse
        )
    }
}

impl FrameHeader {
    /// The 9 header bytes.
    pub fn encode(&self) -> [u8; 9] {
        let mut b = [0u8; HEADER_LENGTH];
        b[0] = (self.version & 0x7F) | if self.is_response { 0x80 } else { 0 };
        b[1] = self.flags.0;
        b[2..4].copy_from_slice(&self.stream.to_be_bytes());
        b[4] = self.opcode as u8;
        b[5..9].copy_from_slice(&self.length.to_be_bytes());
        b
    }

    /// Reads a header. Any version number is accepted here (so a server can answer an unknown
    /// version with a PROTOCOL_ERROR); [`decode_request`] and [`decode_response`] check it.
    pub fn decode(b: &[u8; 9]) -> Result<FrameHeader, DecodeError> {
        let opcode = Opcode::from_u8(b[4]).ok_or(DecodeError::UnknownCode {
            what: "opcode",
            code: u32::from(b[4]),
        })?;
        Ok(FrameHeader {
            version: b[0] & 0x7F,
            is_response: b[0] & 0x80 != 0,
            flags: FrameFlags(b[1]),
            stream: i16::from_be_bytes([b[2], b[3]]),
            opcode,
            length: u32::from_be_bytes([b[5], b[6], b[7], b[8]]),
        })
    }
}

/// A request with its envelope fields.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestFrame {
    /// The stream id (non-negative for client requests).
    pub stream: i16,
    /// Whether tracing is requested.
    pub tracing: bool,
    /// A custom payload for a custom query handler.
    pub custom_payload: Option<Vec<(String, Vec<u8>)>>,
    /// The message.
    pub request: Request,
}

/// A response with its envelope fields.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseFrame {
    /// The stream id (-1 for events).
    pub stream: i16,
    /// The tracing session, when tracing was requested.
    pub tracing_id: Option<uuid::Uuid>,
    /// Warnings the server attached.
    pub warnings: Vec<String>,
    /// A custom payload from a custom query handler.
    pub custom_payload: Option<Vec<(String, Vec<u8>)>>,
    /// The message.
    pub response: Response,
}

impl RequestFrame {
    /// A frame for `request` on `stream`, without tracing or custom payload.
    pub fn new(stream: i16, request: Request) -> RequestFrame {
        RequestFrame {
            stream,
            tracing: false,
            custom_payload: None,
            request,
        }
    }
}

impl ResponseFrame {
    /// A frame for `response` on `stream`, without tracing id, warnings or custom payload.
    pub fn new(stream: i16, response: Response) -> ResponseFrame {
        ResponseFrame {
            stream,
            tracing_id: None,
            warnings: Vec::new(),
            custom_payload: None,
            response,
        }
    }
}

/// Appends `header` with a placeholder length, runs `body`, then patches the length.
fn with_header(
    out: &mut Vec<u8>,
    mut header: FrameHeader,
    body: impl FnOnce(&mut Vec<u8>) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    let start = out.len();
    out.extend_from_slice(&header.encode());
    let result = body(out).and_then(|()| {
        let len = out.len() - start - HEADER_LENGTH;
        int_len(len, "frame body").map(|l| l as u32)
    });
    match result {
        Ok(len) => {
            header.length = len;
            out[start..start + HEADER_LENGTH].copy_from_slice(&header.encode());
            Ok(())
        }
        Err(e) => {
            out.truncate(start);
            Err(e)
        }
    }
}

/// Appends a request's header and body to `out`. On error `out` is left as it was.
pub fn encode_request(
    v: ProtocolVersion,
    frame: &RequestFrame,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    let envelope = RequestEnvelope {
        stream: frame.stream,
        tracing: frame.tracing,
        custom_payload: frame.custom_payload.as_deref(),
    };
    encode_request_parts(v, envelope, &frame.request, out)
}

/// The envelope fields of a request frame, borrowed: what [`encode_request_parts`] writes
/// around a request it does not own.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestEnvelope<'a> {
    /// The stream id.
    pub stream: i16,
    /// Whether tracing is requested.
    pub tracing: bool,
    /// A custom payload for a custom query handler.
    pub custom_payload: Option<&'a [(String, Vec<u8>)]>,
}

/// Like [`encode_request`], for a request borrowed from elsewhere (so a request sent several
/// times is never copied). On error `out` is left as it was.
///
/// ```
/// use ringbolt_driver::protocol::frame::{encode_request_parts, RequestEnvelope};
/// use ringbolt_driver::protocol::request::{Options, Request};
/// use ringbolt_driver::protocol::ProtocolVersion;
///
/// let mut out = Vec::new();
/// let envelope = RequestEnvelope { stream: 3, ..RequestEnvelope::default() };
/// encode_request_parts(ProtocolVersion::V4, envelope, &Request::Options(Options), &mut out).unwrap();
/// assert_eq!(out, [0x04, 0x00, 0x00, 0x03, 0x05, 0, 0, 0, 0]);
/// ```
pub fn encode_request_parts(
    v: ProtocolVersion,
    envelope: RequestEnvelope<'_>,
    request: &Request,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    let mut flags = 0u8;
    if envelope.tracing {
        flags |= FrameFlags::TRACING;
    }
    if envelope.custom_payload.is_some() {
        flags |= FrameFlags::CUSTOM_PAYLOAD;
    }
    let header = FrameHeader {
        version: v.as_u8(),
        is_response: false,
        flags: FrameFlags(flags),
        stream: envelope.stream,
        opcode: request.opcode(),
        length: 0,
    };
    with_header(out, header, |out| {
        if let Some(payload) = envelope.custom_payload {
            write_bytes_map(out, payload)?;
        }
        request.encode_body(v, out)
    })
}

/// Appends a response's header and body to `out`. On error `out` is left as it was.
pub fn encode_response(
    v: ProtocolVersion,
    frame: &ResponseFrame,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    let mut flags = 0u8;
    if frame.tracing_id.is_some() {
        flags |= FrameFlags::TRACING;
    }
    if !frame.warnings.is_empty() {
        flags |= FrameFlags::WARNING;
    }
    if frame.custom_payload.is_some() {
        flags |= FrameFlags::CUSTOM_PAYLOAD;
    }
    let header = FrameHeader {
        version: v.as_u8(),
        is_response: true,
        flags: FrameFlags(flags),
        stream: frame.stream,
        opcode: frame.response.opcode(),
        length: 0,
    };
    with_header(out, header, |out| {
        if let Some(id) = &frame.tracing_id {
            write_uuid(out, id);
        }
        if !frame.warnings.is_empty() {
            write_string_list(out, &frame.warnings)?;
        }
        if let Some(payload) = &frame.custom_payload {
            write_bytes_map(out, payload)?;
        }
        frame.response.encode_body(v, out)
    })
}

/// Checks the parts of a header every frame shares; returns the version.
fn check_header(
    h: &FrameHeader,
    body_len: usize,
    response: bool,
) -> Result<ProtocolVersion, DecodeError> {
    let v =
        ProtocolVersion::from_u8(h.version).ok_or(DecodeError::UnsupportedVersion(h.version))?;
    if h.is_response != response {
        return Err(DecodeError::Malformed {
            what: "frame header",
            reason: if response {
                "expected a response frame, got a request"
            } else {
                "expected a request frame, got a response"
            },
        });
    }
    if h.opcode.is_request() == response {
        return Err(DecodeError::UnknownCode {
            what: if response {
                "response opcode"
            } else {
                "request opcode"
            },
            code: u32::from(h.opcode as u8),
        });
    }
    if u64::from(h.length) != body_len as u64 {
        return Err(DecodeError::InvalidLength {
            what: "frame body (header length differs from the body given)",
            length: i64::from(h.length),
        });
    }
    // In v5 the flag is deprecated and ignored (compression belongs to segments).
    if v == ProtocolVersion::V4 && h.flags.contains(FrameFlags::COMPRESSION) {
        return Err(DecodeError::Unsupported(
            "compressed frames (do not negotiate COMPRESSION in STARTUP)",
        ));
    }
    Ok(v)
}

/// Decodes a request frame's body.
pub fn decode_request(h: &FrameHeader, body: &[u8]) -> Result<RequestFrame, DecodeError> {
    let v = check_header(h, body.len(), false)?;
    let mut r = Reader::new(body);
    let custom_payload = if h.flags.contains(FrameFlags::CUSTOM_PAYLOAD) {
        Some(r.read_bytes_map()?)
    } else {
        None
    };
    let request = Request::decode_body(h.opcode, v, r.rest())?;
    Ok(RequestFrame {
        stream: h.stream,
        tracing: h.flags.contains(FrameFlags::TRACING),
        custom_payload,
        request,
    })
}

/// Decodes a response frame's body. Rows borrow from `body` without copying.
pub fn decode_response(h: &FrameHeader, body: Bytes) -> Result<ResponseFrame, DecodeError> {
    decode_response_with(h, body, None)
}

/// Like [`decode_response`], for the answer to a request whose result columns may be
/// `known_columns` (an EXECUTE of a prepared statement): rows then share those columns rather
/// than decoding a copy, also when the server skipped them (No_metadata). See
/// [`RowsMetadata::decode_with`](super::response::RowsMetadata::decode_with).
pub fn decode_response_with(
    h: &FrameHeader,
    body: Bytes,
    known_columns: Option<&Arc<[ColumnSpec]>>,
) -> Result<ResponseFrame, DecodeError> {
    let v = check_header(h, body.len(), true)?;
    let mut r = Reader::new(&body);
    let tracing_id = if h.flags.contains(FrameFlags::TRACING) {
        Some(r.read_uuid()?)
    } else {
        None
    };
    let warnings = if h.flags.contains(FrameFlags::WARNING) {
        r.read_string_list()?
    } else {
        Vec::new()
    };
    let custom_payload = if h.flags.contains(FrameFlags::CUSTOM_PAYLOAD) {
        Some(r.read_bytes_map()?)
    } else {
        None
    };
    let start = r.position();
    let response = Response::decode_body_with(h.opcode, v, body.slice(start..), known_columns)?;
    Ok(ResponseFrame {
        stream: h.stream,
        tracing_id,
        warnings,
        custom_payload,
        response,
    })
}

/// Splits a byte stream into frames: header and body.
///
/// ```
/// use bytes::BytesMut;
/// use ringbolt_driver::protocol::frame::FrameDecoder;
/// let mut dec = FrameDecoder::new(1024);
/// let mut buf = BytesMut::from(&[0x04, 0, 0, 1, 0x05, 0, 0, 0][..]);
/// assert!(dec.decode(&mut buf).unwrap().is_none()); // 8 of 9 header bytes
/// buf.extend_from_slice(&[0]);
/// let (h, body) = dec.decode(&mut buf).unwrap().unwrap();
/// assert_eq!((h.stream, body.len()), (1, 0));
/// ```
#[derive(Debug, Clone)]
pub struct FrameDecoder {
    max_body_len: usize,
}

impl FrameDecoder {
    /// A decoder refusing bodies longer than `max_body_len` bytes.
    pub fn new(max_body_len: usize) -> FrameDecoder {
        FrameDecoder { max_body_len }
    }

    /// Takes one frame off the front of `buf`, or returns `Ok(None)` when more bytes are needed.
    /// The announced length is checked against the maximum as soon as the header is complete,
    /// before any of the body is waited for.
    pub fn decode(
        &mut self,
        buf: &mut BytesMut,
    ) -> Result<Option<(FrameHeader, Bytes)>, DecodeError> {
        let Some(head) = buf.get(..HEADER_LENGTH) else {
            return Ok(None);
        };
        let mut hb = [0u8; HEADER_LENGTH];
        hb.copy_from_slice(head);
        let header = FrameHeader::decode(&hb)?;
        let len = header.length as usize;
        if len > self.max_body_len {
            return Err(DecodeError::FrameTooLong {
                length: u64::from(header.length),
                max: self.max_body_len as u64,
            });
        }
        if buf.len() - HEADER_LENGTH < len {
            return Ok(None);
        }
        let mut frame = buf.split_to(HEADER_LENGTH + len);
        frame.advance(HEADER_LENGTH);
        Ok(Some((header, frame.freeze())))
    }
}

#[cfg(test)]
mod tests;
