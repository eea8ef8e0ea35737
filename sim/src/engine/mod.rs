//! The CQL engine of `ringbolt-sim`: one logical copy of the data shared by every simulated node.

pub mod binds;
pub mod functions;
pub mod schema;
pub mod storage;
pub mod sysload;
pub mod types;
pub mod values;
