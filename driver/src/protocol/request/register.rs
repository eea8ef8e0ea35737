//! REGISTER (section 4.1.8).

/// Kinds of server events a connection can subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    /// `TOPOLOGY_CHANGE`
    TopologyChange,
    /// `STATUS_CHANGE`
    StatusChange,
    /// `SCHEMA_CHANGE`
    SchemaChange,
}

/// Subscribes the connection to events.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Register {
    /// The event types wanted.
    pub events: Vec<EventType>,
}

use crate::protocol::primitives::{write_string_list, Reader};
use crate::protocol::{DecodeError, EncodeError};

impl EventType {
    /// The event type's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::TopologyChange => "TOPOLOGY_CHANGE",
            EventType::StatusChange => "STATUS_CHANGE",
            EventType::SchemaChange => "SCHEMA_CHANGE",
        }
    }

    /// The event type with this name.
    pub fn from_name(s: &str) -> Option<EventType> {
        match s {
            "TOPOLOGY_CHANGE" => Some(EventType::TopologyChange),
            "STATUS_CHANGE" => Some(EventType::StatusChange),
            "SCHEMA_CHANGE" => Some(EventType::SchemaChange),
            _ => None,
        }
    }
}

impl Register {
    /// Writes the REGISTER body.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let names: Vec<&str> = self.events.iter().map(|e| e.as_str()).collect();
        write_string_list(out, &names)
    }

    /// Reads a REGISTER body; unknown event types are refused.
    pub fn decode(r: &mut Reader<'_>) -> Result<Register, DecodeError> {
        let names = r.read_string_list()?;
        r.expect_end("REGISTER")?;
        let events = names
            .iter()
            .map(|n| {
                EventType::from_name(n).ok_or(DecodeError::Malformed {
                    what: "REGISTER",
                    reason: "unknown event type",
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Register { events })
    }
}
