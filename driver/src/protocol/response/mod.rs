//! Responses (server to client), one file per opcode. Each message can be decoded (driver) and
//! encoded (ringbolt-sim).

mod auth;
mod col_specs;
mod error;
mod event;
mod result;
mod rows;
mod supported;

pub use auth::{AuthChallenge, AuthSuccess, Authenticate};
pub use error::{ErrorBody, ErrorCode, FailureReason, WriteType};
pub use event::{
    Event, SchemaChange, SchemaChangeTarget, SchemaChangeType, StatusChange, TopologyChange,
};
pub use result::{ColumnSpec, PreparedMetadata, PreparedResult, ResultBody};
pub use rows::{Rows, RowsMetadata, RowsReader};
pub use supported::Supported;

/// Any response message.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// ERROR
    Error(ErrorBody),
    /// READY
    Ready,
    /// AUTHENTICATE
    Authenticate(Authenticate),
    /// SUPPORTED
    Supported(Supported),
    /// RESULT
    Result(ResultBody),
    /// EVENT
    Event(Event),
    /// AUTH_CHALLENGE
    AuthChallenge(AuthChallenge),
    /// AUTH_SUCCESS
    AuthSuccess(AuthSuccess),
}

use std::sync::Arc;

use super::primitives::Reader;
use super::{DecodeError, EncodeError, Opcode, ProtocolVersion};

impl Response {
    /// The message's opcode.
    pub fn opcode(&self) -> Opcode {
        match self {
            Response::Error(_) => Opcode::Error,
            Response::Ready => Opcode::Ready,
            Response::Authenticate(_) => Opcode::Authenticate,
            Response::Supported(_) => Opcode::Supported,
            Response::Result(_) => Opcode::Result,
            Response::Event(_) => Opcode::Event,
            Response::AuthChallenge(_) => Opcode::AuthChallenge,
            Response::AuthSuccess(_) => Opcode::AuthSuccess,
        }
    }

    /// Appends the message body (without the frame header) for version `v`.
    pub fn encode_body(&self, v: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let start = out.len();
        let result = match self {
            Response::Error(m) => m.encode(v, out),
            Response::Ready => Ok(()),
            Response::Authenticate(m) => m.encode(out),
            Response::Supported(m) => m.encode(out),
            Response::Result(m) => m.encode(v, out),
            Response::Event(m) => m.encode(out),
            Response::AuthChallenge(m) => m.encode(out),
            Response::AuthSuccess(m) => m.encode(out),
        };
        if result.is_err() {
            out.truncate(start);
        }
        result
    }

    /// Decodes a message body. The whole body must be used; rows borrow from `body`.
    pub fn decode_body(
        op: Opcode,
        v: ProtocolVersion,
        body: bytes::Bytes,
    ) -> Result<Response, DecodeError> {
        Response::decode_body_with(op, v, body, None)
    }

    /// Like [`Response::decode_body`], for the answer to a request whose result columns may be
    /// `known` (an EXECUTE of a prepared statement): a RESULT of rows then shares them instead of
    /// decoding its own copy (see [`RowsMetadata::decode_with`]).
    pub fn decode_body_with(
        op: Opcode,
        v: ProtocolVersion,
        body: bytes::Bytes,
        known: Option<&Arc<[ColumnSpec]>>,
    ) -> Result<Response, DecodeError> {
        let mut r = Reader::new(&body);
        Ok(match op {
            Opcode::Error => Response::Error(ErrorBody::decode(&mut r, v)?),
            Opcode::Ready => Response::Ready,
            Opcode::Authenticate => Response::Authenticate(Authenticate::decode(&mut r)?),
            Opcode::Supported => Response::Supported(Supported::decode(&mut r)?),
            Opcode::Result => Response::Result(ResultBody::decode_with(body.clone(), v, known)?),
            Opcode::Event => Response::Event(Event::decode(&mut r)?),
            Opcode::AuthChallenge => Response::AuthChallenge(AuthChallenge::decode(&mut r)?),
            Opcode::AuthSuccess => Response::AuthSuccess(AuthSuccess::decode(&mut r)?),
            other => {
                return Err(DecodeError::UnknownCode {
                    what: "response opcode",
                    code: u32::from(other as u8),
                })
            }
        })
    }
}

#[cfg(test)]
mod rows_tests;
#[cfg(test)]
mod tests;
