//! ringbolt-sim: an in-memory multi-node CQL cluster that speaks the native protocol.

pub mod engine;
pub mod topology;
