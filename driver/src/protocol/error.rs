//! What can go wrong while encoding or decoding protocol bytes.

/// A protocol message could not be decoded. Every decoder returns this instead of panicking.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input ended before the message did.
    #[error("unexpected end of input: needed {needed} more bytes while reading {what}")]
    UnexpectedEof {
        /// What was being read.
        what: &'static str,
        /// How many more bytes were needed.
        needed: usize,
    },
    /// A length or count read from the wire is negative or larger than the bytes that follow.
    #[error("invalid length {length} for {what}")]
    InvalidLength {
        /// What was being read.
        what: &'static str,
        /// The offending length.
        length: i64,
    },
    /// A frame is longer than the configured maximum; raise `max_frame_length` if it is legitimate.
    #[error("frame body of {length} bytes exceeds the maximum of {max} bytes")]
    FrameTooLong {
        /// The announced length.
        length: u64,
        /// The configured maximum.
        max: u64,
    },
    /// A code (opcode, type id, consistency, result kind, ...) has no meaning here.
    #[error("unknown {what} code {code:#x}")]
    UnknownCode {
        /// What kind of code.
        what: &'static str,
        /// The code read.
        code: u32,
    },
    /// A string is not valid UTF-8.
    #[error("invalid UTF-8 in {what}")]
    InvalidUtf8 {
        /// What was being read.
        what: &'static str,
    },
    /// Bytes were left over after a complete message.
    #[error("{count} trailing bytes after {what}")]
    TrailingBytes {
        /// What was decoded.
        what: &'static str,
        /// How many bytes remained.
        count: usize,
    },
    /// A checksum did not match (v5 segments).
    #[error("{what} checksum mismatch: computed {computed:#x}, received {received:#x}")]
    ChecksumMismatch {
        /// Which checksum.
        what: &'static str,
        /// The checksum computed over the bytes received.
        computed: u32,
        /// The checksum that came with them.
        received: u32,
    },
    /// The peer uses a protocol version this code does not speak.
    #[error("unsupported protocol version {0}")]
    UnsupportedVersion(u8),
    /// The frame uses a feature Ringbolt does not support (for example compression).
    #[error("unsupported feature: {0}")]
    Unsupported(&'static str),
    /// A value is malformed for its declared meaning.
    #[error("malformed {what}: {reason}")]
    Malformed {
        /// What was being read.
        what: &'static str,
        /// Why it is malformed.
        reason: &'static str,
    },
    /// Nesting of types or values is deeper than allowed.
    #[error("type nesting deeper than {0} levels")]
    TooDeep(usize),
}

/// A message could not be encoded.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodeError {
    /// A string, list or value is longer than its length prefix can say.
    #[error("{what} is too long for the protocol: {length} (maximum {max})")]
    TooLong {
        /// What was being written.
        what: &'static str,
        /// Its length.
        length: usize,
        /// The largest length the field can carry.
        max: usize,
    },
    /// The message or field is not available in the negotiated protocol version.
    #[error("{what} is not supported by protocol v{version}")]
    NotInVersion {
        /// What was being written.
        what: &'static str,
        /// The negotiated version.
        version: u8,
    },
    /// The message is inconsistent (for example named and positional values mixed, or a field
    /// the version requires is missing); fix the message as the reason says.
    #[error("invalid {what}: {reason}")]
    Invalid {
        /// What was being written.
        what: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// More bind values or statements than the protocol allows (65535).
    #[error("too many {what}: {count} (maximum 65535)")]
    TooMany {
        /// What was counted.
        what: &'static str,
        /// How many there were.
        count: usize,
    },
}

impl EncodeError {
    /// Shorthand for [`EncodeError::NotInVersion`].
    pub(crate) fn not_in(what: &'static str, v: super::ProtocolVersion) -> EncodeError {
        EncodeError::NotInVersion {
            what,
            version: v as u8,
        }
    }
}
