//! The CQL native protocol, versions 4 and 5, without I/O.
//!
//! Bytes go in, messages come out, and the other way round. Nothing here touches a socket or a
//! runtime, so the same code serves the driver and `ringbolt-sim`.
//!
//! - [`frame`]: the frame envelope (header, flags, opcode), shared by v4 and v5.
//! - [`segment`]: v5 framing (segments with CRC24 header and CRC32 payload).
//! - [`primitives`]: the notation of the spec's section 3 (`[int]`, `[string]`, `[value]`, ...).
//! - [`column_type`]: CQL type descriptors (`[option]`).
//! - [`request`] and [`response`]: one file per opcode, each able to encode and decode.
//! - [`error`]: what can go wrong while encoding or decoding.

pub mod column_type;
pub mod consistency;
pub mod error;
pub mod frame;
pub mod primitives;
pub mod request;
pub mod response;
pub mod segment;

#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod test_util;

pub use column_type::{ColumnType, UdtType};
pub use consistency::{Consistency, SerialConsistency};
pub use error::{DecodeError, EncodeError};
pub use frame::{FrameFlags, FrameHeader, Opcode, ProtocolVersion};

/// The default cap on a frame's body length: 256 MiB, as Cassandra's
/// `native_transport_max_frame_size` allows at most.
pub const DEFAULT_MAX_FRAME_LENGTH: usize = 256 * 1024 * 1024;
