//! Requests (client to server), one file per opcode. Each message can be encoded (driver) and
//! decoded (ringbolt-sim).

mod auth_response;
mod batch;
mod execute;
mod options;
mod prepare;
mod query;
mod register;
mod startup;
mod values;

pub use auth_response::AuthResponse;
pub use batch::{Batch, BatchStatement, BatchType};
pub use execute::Execute;
pub use options::Options;
pub use prepare::Prepare;
pub use query::{Query, QueryParameters};
pub use register::{EventType, Register};
pub use startup::Startup;
pub use values::{RawValue, SerializedValues};

/// Any request message.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// STARTUP
    Startup(Startup),
    /// OPTIONS
    Options(Options),
    /// QUERY
    Query(Query),
    /// PREPARE
    Prepare(Prepare),
    /// EXECUTE
    Execute(Execute),
    /// BATCH
    Batch(Batch),
    /// REGISTER
    Register(Register),
    /// AUTH_RESPONSE
    AuthResponse(AuthResponse),
}

use super::primitives::Reader;
use super::{DecodeError, EncodeError, Opcode, ProtocolVersion};

impl Request {
    /// The message's opcode.
    pub fn opcode(&self) -> Opcode {
        match self {
            Request::Startup(_) => Opcode::Startup,
            Request::Options(_) => Opcode::Options,
            Request::Query(_) => Opcode::Query,
            Request::Prepare(_) => Opcode::Prepare,
            Request::Execute(_) => Opcode::Execute,
            Request::Batch(_) => Opcode::Batch,
            Request::Register(_) => Opcode::Register,
            Request::AuthResponse(_) => Opcode::AuthResponse,
        }
    }

    /// Appends the message body (without the frame header) for version `v`.
    pub fn encode_body(&self, v: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let start = out.len();
        let result = match self {
            Request::Startup(m) => m.encode(out),
            Request::Options(_) => Ok(()),
            Request::Query(m) => m.encode(v, out),
            Request::Prepare(m) => m.encode(v, out),
            Request::Execute(m) => m.encode(v, out),
            Request::Batch(m) => m.encode(v, out),
            Request::Register(m) => m.encode(out),
            Request::AuthResponse(m) => m.encode(out),
        };
        if result.is_err() {
            out.truncate(start);
        }
        result
    }

    /// Decodes a message body. The whole body must be used.
    pub fn decode_body(
        op: Opcode,
        v: ProtocolVersion,
        body: &[u8],
    ) -> Result<Request, DecodeError> {
        let mut r = Reader::new(body);
        Ok(match op {
            Opcode::Startup => Request::Startup(Startup::decode(&mut r)?),
            Opcode::Options => {
                r.expect_end("OPTIONS")?;
                Request::Options(Options)
            }
            Opcode::Query => Request::Query(Query::decode(&mut r, v)?),
            Opcode::Prepare => Request::Prepare(Prepare::decode(&mut r, v)?),
            Opcode::Execute => Request::Execute(Execute::decode(&mut r, v)?),
            Opcode::Batch => Request::Batch(Batch::decode(&mut r, v)?),
            Opcode::Register => Request::Register(Register::decode(&mut r)?),
            Opcode::AuthResponse => Request::AuthResponse(AuthResponse::decode(&mut r)?),
            other => {
                return Err(DecodeError::UnknownCode {
                    what: "request opcode",
                    code: u32::from(other as u8),
                })
            }
        })
    }
}

#[cfg(test)]
mod tests;
