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
