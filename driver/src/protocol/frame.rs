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
