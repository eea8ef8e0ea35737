//! Envelopes over segments: packing frames into segments and getting frames back out.

use bytes::{Bytes, BytesMut};

use super::{write_segment, SegmentDecoder, MAX_SEGMENT_PAYLOAD};
use crate::protocol::frame::{FrameDecoder, FrameHeader};
use crate::protocol::DecodeError;

/// Appends whole encoded frames (envelopes) as v5 segments: consecutive frames share
/// self-contained segments of up to [`MAX_SEGMENT_PAYLOAD`] bytes, and a frame too large for one
/// segment travels alone in a run of segments that are not self-contained, as section 2 requires.
///
/// ```
/// use ringbolt_driver::protocol::segment::{encode_frames_in_segments, SegmentFrameDecoder};
/// let ready = [0x85u8, 0, 0, 1, 0x02, 0, 0, 0, 0];
/// let mut wire = Vec::new();
/// encode_frames_in_segments(&[&ready[..], &ready[..]], &mut wire);
/// assert_eq!(wire.len(), 6 + 18 + 4); // one segment holds both frames
/// let mut dec = SegmentFrameDecoder::new(1024);
/// let mut buf = bytes::BytesMut::from(&wire[..]);
/// assert!(dec.decode(&mut buf).unwrap().is_some());
/// assert!(dec.decode(&mut buf).unwrap().is_some());
/// assert!(dec.decode(&mut buf).unwrap().is_none());
/// ```
pub fn encode_frames_in_segments(frames: &[&[u8]], out: &mut Vec<u8>) {
    let mut pending: Vec<u8> = Vec::new();
    for frame in frames {
        if frame.len() > MAX_SEGMENT_PAYLOAD {
            if !pending.is_empty() {
                write_segment(&pending, true, out);
                pending.clear();
            }
            for chunk in frame.chunks(MAX_SEGMENT_PAYLOAD) {
                write_segment(chunk, false, out);
            }
            continue;
        }
        if pending.len() + frame.len() > MAX_SEGMENT_PAYLOAD {
            write_segment(&pending, true, out);
            pending.clear();
        }
        pending.extend_from_slice(frame);
    }
    if !pending.is_empty() {
        write_segment(&pending, true, out);
    }
}

/// Reads frames from a v5 segmented stream: checks each segment, joins payloads and splits the
/// result into frames with a [`FrameDecoder`] (which enforces the maximum body length).
#[derive(Debug, Clone)]
pub struct SegmentFrameDecoder {
    segments: SegmentDecoder,
    frames: FrameDecoder,
    payload: BytesMut,
}

impl SegmentFrameDecoder {
    /// A decoder refusing frame bodies longer than `max_body_len` bytes.
    pub fn new(max_body_len: usize) -> SegmentFrameDecoder {
        SegmentFrameDecoder {
            segments: SegmentDecoder::new(),
            frames: FrameDecoder::new(max_body_len),
            payload: BytesMut::new(),
        }
    }

    /// Takes the next frame, reading as many segments off `buf` as it needs; `Ok(None)` means
    /// more bytes are needed.
    pub fn decode(
        &mut self,
        buf: &mut BytesMut,
    ) -> Result<Option<(FrameHeader, Bytes)>, DecodeError> {
        loop {
            if let Some(frame) = self.frames.decode(&mut self.payload)? {
                return Ok(Some(frame));
            }
            match self.segments.decode(buf)? {
                Some(segment) => self.payload.extend_from_slice(&segment.payload),
                None => return Ok(None),
            }
        }
    }

    /// Whether part of a frame is buffered.
    pub fn has_partial_frame(&self) -> bool {
        !self.payload.is_empty()
    }
}
