//! Frames on the wire: plain frames (v4, and v5 before the handshake ends) or frames carried in
//! v5 segments. Both directions; no I/O here, only buffers.

use bytes::{Bytes, BytesMut};

use crate::protocol::frame::{FrameDecoder, HEADER_LENGTH};
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

    /// The bytes to write for `frames`, whole encoded frames one after the other: `frames`
    /// itself on a plain connection, the frames wrapped in segments on a v5 one (then the
    /// writer's buffers hold the result until [`FrameWriter::clear`]).
    pub(crate) fn frames<'a>(&'a mut self, frames: &'a [u8]) -> &'a [u8] {
        if !self.segmented {
            return frames;
        }
        let mut rest = frames;
        while !rest.is_empty() {
            let length = match rest.get(5..HEADER_LENGTH) {
                Some(&[a, b, c, d]) => u32::from_be_bytes([a, b, c, d]) as usize,
                _ => rest.len(),
            };
            let end = HEADER_LENGTH.saturating_add(length).min(rest.len());
            let (frame, tail) = rest.split_at(end);
            self.push_frame(frame);
            rest = tail;
        }
        self.finish()
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

    /// What the reader gets from the writer's `frames` for all `frames` queued back to back.
    fn round_trip_batch(frames: &[Vec<u8>], segmented: bool) -> Vec<(i16, usize)> {
        let mut writer = FrameWriter::new();
        let mut reader = FrameReader::new(1 << 24);
        if segmented {
            writer.use_segments();
            reader.use_segments();
        }
        let batch = frames.concat();
        let mut input = BytesMut::from(writer.frames(&batch));
        let mut seen = Vec::new();
        while let Some((header, body)) = reader.next_frame(&mut input).unwrap() {
            seen.push((header.stream, body.len()));
        }
        assert!(input.is_empty());
        seen
    }

    #[test]
    fn a_batch_of_frames_is_written_as_is_or_split_at_frame_boundaries() {
        let frames = vec![
            frame(1, "a"),
            frame(2, &"x".repeat(300_000)),
            frame(3, "b"),
            frame(4, &"y".repeat(MAX_SEGMENT_PAYLOAD - 20)),
            frame(5, "c"),
        ];
        let expected = round_trip(&frames, false);
        assert_eq!(expected.len(), 5);
        assert_eq!(round_trip_batch(&frames, false), expected);
        assert_eq!(round_trip_batch(&frames, true), expected);
        // The same bytes as frames pushed one by one.
        let mut one_by_one = FrameWriter::new();
        one_by_one.use_segments();
        for f in &frames {
            one_by_one.push_frame(f);
        }
        let mut batched = FrameWriter::new();
        batched.use_segments();
        let batch = frames.concat();
        assert_eq!(batched.frames(&batch), one_by_one.finish());
        // A plain connection writes the batch itself.
        let mut plain = FrameWriter::new();
        assert_eq!(plain.frames(&batch), batch.as_slice());
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
