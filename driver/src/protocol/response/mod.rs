//! Responses (server to client), one file per opcode. Each message can be decoded (driver) and
//! encoded (ringbolt-sim).

mod auth;
mod error;
mod event;
mod result;
mod supported;

pub use auth::{AuthChallenge, AuthSuccess, Authenticate};
pub use error::{ErrorBody, ErrorCode, FailureReason, WriteType};
pub use event::{Event, SchemaChange, SchemaChangeTarget, SchemaChangeType, StatusChange, TopologyChange};
pub use result::{
    ColumnSpec, PreparedMetadata, PreparedResult, ResultBody, Rows, RowsMetadata,
};
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
