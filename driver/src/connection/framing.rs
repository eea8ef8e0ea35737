//! Frames on the wire: plain frames (v4, and v5 before the handshake ends) or frames carried in
//! v5 segments. Both directions; no I/O here, only buffers.

use bytes::{Bytes, BytesMut};

use crate::protocol::frame::FrameDecoder;
use crate::protocol::segment::{encode_segments, SegmentDecoder, MAX_SEGMENT_PAYLOAD};
use crate::protocol::{DecodeError, FrameHeader};

/// Splits bytes read from the socket into frames.
pub(crate) struct FrameReader {
    segmented: bool,
    segments: SegmentDecoder,
    frames: FrameDecoder,
    /// v5: segment payloads not yet consumed as whole frames.
    payload: BytesMut,
}

impl FrameReader {
    pub(crate) fn new(max_frame_length: usize) -> Self {
        FrameReader {
            segmented: false,
            segments: SegmentDecoder::new(),
            frames: FrameDecoder::new(max_frame_length),
            payload: BytesMut::new(),
        }
    }

    /// From now on, frames arrive inside v5 segments.
    pub(crate) fn use_segments(&mut self) {
        self.segmented = true;
    }

    /// The next complete frame, consuming its bytes from `input`; `None` when more bytes are needed.
    pub(crate) fn next_frame(
        &mut self,
        input: &mut BytesMut,
    ) -> Result<Option<(FrameHeader, Bytes)>, DecodeError> {
        if !self.segmented {
            return self.frames.decode(input);
        }
        loop {
            if let Some(frame) = self.frames.decode(&mut self.payload)? {
                return Ok(Some(frame));
            }
            match self.segments.decode(input)? {
                Some(segment) => self.payload.extend_from_slice(&segment.payload),
                None => return Ok(None),
            }
        }
    }
}

/// Gathers encoded frames into one buffer for one write call.
pub(crate) struct FrameWriter {
    segmented: bool,
    /// v5: whole frames waiting to be wrapped in one self-contained segment.
    payload: Vec<u8>,
    out: Vec<u8>,
}

impl FrameWriter {
    pub(crate) fn new() -> Self {
        FrameWriter {
            segmented: false,
            payload: Vec::new(),
            out: Vec::new(),
        }
    }

    /// From now on, frames are sent inside v5 segments.
    pub(crate) fn use_segments(&mut self) {
        self.segmented = true;
    }

    /// Bytes gathered so far (before segment wrapping of the last payload).
    pub(crate) fn pending_len(&self) -> usize {
        self.out.len() + self.payload.len()
    }

    /// Adds one encoded frame (header and body).
    pub(crate) fn push_frame(&mut self, frame: &[u8]) {
        if !self.segmented {
            self.out.extend_from_slice(frame);
            return;
        }
        if !self.payload.is_empty() && self.payload.len() + frame.len() > MAX_SEGMENT_PAYLOAD {
            self.flush_payload();
        }
        if frame.len() > MAX_SEGMENT_PAYLOAD {
            encode_segments(frame, &mut self.out);
        } else {
            self.payload.extend_from_slice(frame);
        }
    }

    fn flush_payload(&mut self) {
        if !self.payload.is_empty() {
            encode_segments(&self.payload, &mut self.out);
            self.payload.clear();
        }
    }

    /// The bytes to write for everything pushed since the last [`FrameWriter::clear`].
    pub(crate) fn finish(&mut self) -> &[u8] {
        self.flush_payload();
        &self.out
    }

    /// Forgets written bytes, keeping the buffers' capacity (shrunk after very large writes).
    pub(crate) fn clear(&mut self) {
        self.out.clear();
        self.payload.clear();
        const KEEP: usize = 1 << 20;
        if self.out.capacity() > KEEP {
            self.out.shrink_to(KEEP);
        }
    }
}
