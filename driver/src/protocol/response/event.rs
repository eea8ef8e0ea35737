//! EVENT (section 4.2.6).

use std::net::SocketAddr;

/// A node joined, left or moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopologyChange {
    /// `NEW_NODE`
    NewNode(SocketAddr),
    /// `REMOVED_NODE`
    RemovedNode(SocketAddr),
    /// `MOVED_NODE` (v3/v4 only; kept for decoding older servers)
    MovedNode(SocketAddr),
}

/// A node went up or down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusChange {
    /// `UP`
    Up(SocketAddr),
    /// `DOWN`
    Down(SocketAddr),
}

/// `CREATED`, `UPDATED` or `DROPPED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaChangeType {
    /// `CREATED`
    Created,
    /// `UPDATED`
    Updated,
    /// `DROPPED`
    Dropped,
}

/// What changed, with its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaChangeTarget {
    /// `KEYSPACE` and its name.
    Keyspace(String),
    /// `TABLE`: keyspace and table.
    Table(String, String),
    /// `TYPE`: keyspace and type.
    Type(String, String),
    /// `FUNCTION`: keyspace, name and argument types.
    Function(String, String, Vec<String>),
    /// `AGGREGATE`: keyspace, name and argument types.
    Aggregate(String, String, Vec<String>),
}

/// A schema change, as an event or as a `Schema_change` result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaChange {
    /// What happened.
    pub change: SchemaChangeType,
    /// To what.
    pub target: SchemaChangeTarget,
}

/// A server event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// `TOPOLOGY_CHANGE`
    Topology(TopologyChange),
    /// `STATUS_CHANGE`
    Status(StatusChange),
    /// `SCHEMA_CHANGE`
    Schema(SchemaChange),
}

use crate::protocol::primitives::{write_inet, write_string, write_string_list, Reader};
use crate::protocol::{DecodeError, EncodeError};

impl SchemaChangeType {
    fn as_str(self) -> &'static str {
        match self {
            SchemaChangeType::Created => "CREATED",
            SchemaChangeType::Updated => "UPDATED",
            SchemaChangeType::Dropped => "DROPPED",
        }
    }
}

impl SchemaChange {
    /// Writes `<change_type><target><options>`.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_string(out, self.change.as_str())?;
        match &self.target {
            SchemaChangeTarget::Keyspace(ks) => {
                write_string(out, "KEYSPACE")?;
                write_string(out, ks)?;
            }
            SchemaChangeTarget::Table(ks, t) => {
                write_string(out, "TABLE")?;
                write_string(out, ks)?;
                write_string(out, t)?;
            }
            SchemaChangeTarget::Type(ks, t) => {
                write_string(out, "TYPE")?;
                write_string(out, ks)?;
                write_string(out, t)?;
            }
            SchemaChangeTarget::Function(ks, f, args) => {
                write_string(out, "FUNCTION")?;
                write_string(out, ks)?;
                write_string(out, f)?;
                write_string_list(out, args)?;
            }
            SchemaChangeTarget::Aggregate(ks, f, args) => {
                write_string(out, "AGGREGATE")?;
                write_string(out, ks)?;
                write_string(out, f)?;
                write_string_list(out, args)?;
            }
        }
        Ok(())
    }

    /// Reads `<change_type><target><options>`.
    pub fn decode(r: &mut Reader<'_>) -> Result<SchemaChange, DecodeError> {
        let change = match r.read_str()? {
            "CREATED" => SchemaChangeType::Created,
            "UPDATED" => SchemaChangeType::Updated,
            "DROPPED" => SchemaChangeType::Dropped,
            _ => {
                return Err(DecodeError::Malformed {
                    what: "schema change",
                    reason: "unknown change type",
                })
            }
        };
        let target = match r.read_str()? {
            "KEYSPACE" => SchemaChangeTarget::Keyspace(r.read_string()?),
            "TABLE" => SchemaChangeTarget::Table(r.read_string()?, r.read_string()?),
            "TYPE" => SchemaChangeTarget::Type(r.read_string()?, r.read_string()?),
            "FUNCTION" => SchemaChangeTarget::Function(
                r.read_string()?,
                r.read_string()?,
                r.read_string_list()?,
            ),
            "AGGREGATE" => SchemaChangeTarget::Aggregate(
                r.read_string()?,
                r.read_string()?,
                r.read_string_list()?,
            ),
            _ => {
                return Err(DecodeError::Malformed {
                    what: "schema change",
                    reason: "unknown target",
                })
            }
        };
        Ok(SchemaChange { change, target })
    }
}

impl Event {
    /// Writes the EVENT body.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        match self {
            Event::Topology(t) => {
                write_string(out, "TOPOLOGY_CHANGE")?;
                let (kind, addr) = match t {
                    TopologyChange::NewNode(a) => ("NEW_NODE", a),
                    TopologyChange::RemovedNode(a) => ("REMOVED_NODE", a),
                    TopologyChange::MovedNode(a) => ("MOVED_NODE", a),
                };
                write_string(out, kind)?;
                write_inet(out, addr);
            }
            Event::Status(s) => {
                write_string(out, "STATUS_CHANGE")?;
                let (kind, addr) = match s {
                    StatusChange::Up(a) => ("UP", a),
                    StatusChange::Down(a) => ("DOWN", a),
                };
                write_string(out, kind)?;
                write_inet(out, addr);
            }
            Event::Schema(c) => {
                write_string(out, "SCHEMA_CHANGE")?;
                c.encode(out)?;
            }
        }
        Ok(())
    }

    /// Reads an EVENT body; nothing may follow it.
    pub fn decode(r: &mut Reader<'_>) -> Result<Event, DecodeError> {
        let unknown = |reason| DecodeError::Malformed {
            what: "EVENT",
            reason,
        };
        let event = match r.read_str()? {
            "TOPOLOGY_CHANGE" => {
                let kind = r.read_str()?;
                let addr = r.read_inet()?;
                Event::Topology(match kind {
                    "NEW_NODE" => TopologyChange::NewNode(addr),
                    "REMOVED_NODE" => TopologyChange::RemovedNode(addr),
                    "MOVED_NODE" => TopologyChange::MovedNode(addr),
                    _ => return Err(unknown("unknown topology change")),
                })
            }
            "STATUS_CHANGE" => {
                let kind = r.read_str()?;
                let addr = r.read_inet()?;
                Event::Status(match kind {
                    "UP" => StatusChange::Up(addr),
                    "DOWN" => StatusChange::Down(addr),
                    _ => return Err(unknown("unknown status change")),
                })
            }
            "SCHEMA_CHANGE" => Event::Schema(SchemaChange::decode(r)?),
            _ => return Err(unknown("unknown event type")),
        };
        r.expect_end("EVENT")?;
        Ok(event)
    }
}
