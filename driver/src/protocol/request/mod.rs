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
