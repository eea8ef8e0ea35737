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
