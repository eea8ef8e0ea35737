//! v5 framing (section 2 of native_protocol_v5.spec): segments with CRC24 header and CRC32 payload.
//!
//! After the handshake (READY or AUTH_SUCCESS), a v5 connection wraps its envelopes in segments:
//! a 6-byte header (17-bit payload length, self-contained flag, CRC24 of the first three bytes,
//! all little-endian), the payload, and the payload's CRC32, little-endian. A self-contained
//! segment holds whole envelopes; a large envelope is split over several segments that are not.
//! Ringbolt never negotiates compression, so only the uncompressed format exists here.

use bytes::{Buf, Bytes, BytesMut};

use super::DecodeError;

mod stream;

pub use stream::{encode_frames_in_segments, SegmentFrameDecoder};

/// The largest payload one segment carries: 2^17 - 1 bytes.
pub const MAX_SEGMENT_PAYLOAD: usize = 131_071;

/// The length of an uncompressed segment header.
pub const SEGMENT_HEADER_LENGTH: usize = 6;

/// The length of the payload's CRC32 trailer.
pub const SEGMENT_TRAILER_LENGTH: usize = 4;

const CRC24_INIT: u32 = 0x87_5060;
const CRC24_POLY: u32 = 0x197_4F0B;
/// Bytes Cassandra feeds its CRC32 before the payload.
const CRC32_PRELUDE: [u8; 4] = [0xFA, 0x2D, 0x55, 0xCA];

/// The CRC24 of section 2.1: initial value 0x875060, polynomial 0x1974F0B, bytes taken in the
/// order given (the header's wire order), most significant bit first.
pub fn crc24(bytes: &[u8]) -> u32 {
    let mut crc = CRC24_INIT;
    for &b in bytes {
        crc ^= u32::from(b) << 16;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x100_0000 != 0 {
                crc ^= CRC24_POLY;
            }
        }
    }
    crc & 0xFF_FFFF
}

/// The payload CRC32: the standard (zlib) CRC32 over the bytes `FA 2D 55 CA` followed by
/// `bytes`, as Cassandra computes it.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(&CRC32_PRELUDE);
    h.update(bytes);
    h.finalize()
}

/// One decoded segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The payload: whole envelopes when `self_contained`, else part of one envelope.
    pub payload: Bytes,
    /// Whether the payload holds only complete envelopes.
    pub self_contained: bool,
}

fn write_segment(chunk: &[u8], self_contained: bool, out: &mut Vec<u8>) {
    // `chunk.len()` is at most MAX_SEGMENT_PAYLOAD, so it fits 17 bits.
    let mut h = (chunk.len() as u32) & 0x1_FFFF;
    if self_contained {
        h |= 1 << 17;
    }
    let head = [h as u8, (h >> 8) as u8, (h >> 16) as u8];
    let crc = crc24(&head);
    out.extend_from_slice(&head);
    out.extend_from_slice(&[crc as u8, (crc >> 8) as u8, (crc >> 16) as u8]);
    out.extend_from_slice(chunk);
    out.extend_from_slice(&crc32(chunk).to_le_bytes());
}

/// Appends `payload` as segments: one self-contained segment when it fits in
/// [`MAX_SEGMENT_PAYLOAD`] bytes, else a run of segments that are not self-contained (the
/// payload should then be one large envelope).
pub fn encode_segments(payload: &[u8], out: &mut Vec<u8>) {
    if payload.len() <= MAX_SEGMENT_PAYLOAD {
        write_segment(payload, true, out);
        return;
    }
    for chunk in payload.chunks(MAX_SEGMENT_PAYLOAD) {
        write_segment(chunk, false, out);
    }
}

/// Takes segments off a byte stream, checking both checksums.
#[derive(Debug, Clone, Default)]
pub struct SegmentDecoder {
    /// The header already checked: payload length and self-contained flag.
    pending: Option<(usize, bool)>,
}

impl SegmentDecoder {
    /// A decoder waiting for a segment header.
    pub fn new() -> SegmentDecoder {
        SegmentDecoder::default()
    }

    /// Takes one segment off the front of `buf`, or returns `Ok(None)` when more bytes are
    /// needed. A bad header or payload checksum is a [`DecodeError::ChecksumMismatch`]; the
    /// connection should then be closed, as the stream cannot be resynchronised.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Segment>, DecodeError> {
        let (len, self_contained) = match self.pending {
            Some(p) => p,
            None => {
                let Some(head) = buf.get(..SEGMENT_HEADER_LENGTH) else {
                    return Ok(None);
                };
                let h = u32::from(head[0]) | u32::from(head[1]) << 8 | u32::from(head[2]) << 16;
                let received =
                    u32::from(head[3]) | u32::from(head[4]) << 8 | u32::from(head[5]) << 16;
                let computed = crc24(&head[..3]);
                if computed != received {
                    return Err(DecodeError::ChecksumMismatch {
                        what: "segment header CRC24",
                        computed,
                        received,
                    });
                }
                buf.advance(SEGMENT_HEADER_LENGTH);
                let p = ((h & 0x1_FFFF) as usize, h & (1 << 17) != 0);
                self.pending = Some(p);
                p
            }
        };
        if buf.len() < len + SEGMENT_TRAILER_LENGTH {
            return Ok(None);
        }
        self.pending = None;
        let payload = buf.split_to(len).freeze();
        let mut trailer = [0u8; SEGMENT_TRAILER_LENGTH];
        trailer.copy_from_slice(&buf[..SEGMENT_TRAILER_LENGTH]);
        buf.advance(SEGMENT_TRAILER_LENGTH);
        let received = u32::from_le_bytes(trailer);
        let computed = crc32(&payload);
        if computed != received {
            return Err(DecodeError::ChecksumMismatch {
                what: "segment payload CRC32",
                computed,
                received,
            });
        }
        Ok(Some(Segment {
            payload,
            self_contained,
        }))
    }
}

#[cfg(test)]
mod tests;
