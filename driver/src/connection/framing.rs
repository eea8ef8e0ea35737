//! Frames on the wire: plain frames (v4, and v5 before the handshake ends) or frames carried in
//! v5 segments. Both directions; no I/O here, only buffers.

use bytes::{Bytes, BytesMut};

use crate::protocol::frame::FrameDecoder;
use crate::protocol::segment::{encode_segments, SegmentFrameDecoder, MAX_SEGMENT_PAYLOAD};
use crate::protocol::{DecodeError, FrameHeader};

/// Splits bytes read from the socket into frames.
pub(crate) struct FrameReader {
    max_frame_length: usize,
    decoder: Decoder,
}

enum Decoder {
    Plain(FrameDecoder),
    Segmented(SegmentFrameDecoder),
}

impl FrameReader {
    pub(crate) fn new(max_frame_length: usize) -> Self {
        FrameReader {
            max_frame_length,
            decoder: Decoder::Plain(FrameDecoder::new(max_frame_length)),
        }
    }

    /// From now on, frames arrive inside v5 segments. Calling it again changes nothing.
    pub(crate) fn use_segments(&mut self) {
        if let Decoder::Plain(_) = self.decoder {
            self.decoder = Decoder::Segmented(SegmentFrameDecoder::new(self.max_frame_length));
        }
    }

    /// The next complete frame, consuming its bytes from `input`; `None` when more bytes are needed.
    pub(crate) fn next_frame(
        &mut self,
        input: &mut BytesMut,
    ) -> Result<Option<(FrameHeader, Bytes)>, DecodeError> {
        match &mut self.decoder {
            Decoder::Plain(frames) => frames.decode(input),
            Decoder::Segmented(segments) => segments.decode(input),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::frame::{encode_request, RequestFrame};
    use crate::protocol::request::{Query, QueryParameters, Request};
    use crate::protocol::ProtocolVersion;

    fn frame(stream: i16, text: &str) -> Vec<u8> {
        let mut out = Vec::new();
        let request = RequestFrame {
            stream,
            tracing: false,
            custom_payload: None,
            request: Request::Query(Query {
                query: text.to_owned(),
                params: QueryParameters::default(),
            }),
        };
        encode_request(ProtocolVersion::V5, &request, &mut out).unwrap();
        out
    }

    fn round_trip(frames: &[Vec<u8>], segmented: bool) -> Vec<(i16, usize)> {
        let mut writer = FrameWriter::new();
        let mut reader = FrameReader::new(1 << 24);
        if segmented {
            writer.use_segments();
            reader.use_segments();
        }
        for f in frames {
            writer.push_frame(f);
        }
        let mut input = BytesMut::from(writer.finish());
        let mut seen = Vec::new();
        while let Some((header, body)) = reader.next_frame(&mut input).unwrap() {
            seen.push((header.stream, body.len()));
        }
        assert!(input.is_empty());
        seen
    }

    #[test]
    fn small_and_large_frames_survive_segmenting() {
        let frames = vec![frame(1, "a"), frame(2, &"x".repeat(300_000)), frame(3, "b")];
        let plain = round_trip(&frames, false);
        assert_eq!(plain.len(), 3);
        assert_eq!(round_trip(&frames, true), plain);
    }

    #[test]
    fn many_small_frames_share_segments() {
        let frames: Vec<_> = (0..2000)
            .map(|i| frame(i, "some text of a query"))
            .collect();
        let seen = round_trip(&frames, true);
        assert_eq!(seen.len(), 2000);
        assert!(seen
            .iter()
            .enumerate()
            .all(|(i, (s, _))| usize::try_from(*s).unwrap() == i));
    }
}
