//! The CQL engine of `ringbolt-sim`: one logical copy of the data shared by every simulated node.

pub mod schema;
pub mod sysload;
pub mod types;
