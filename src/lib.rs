//! # Ringbolt
//!
//! A typed data-access framework for Apache Cassandra and ScyllaDB: `#[derive(Table)]` on your
//! structs gives row mappers and prepared statements checked at compile time, run by an async
//! driver that routes each request to a replica and retries only what is safe to retry.
#![forbid(unsafe_code)]

pub use ringbolt_driver::*;
pub use ringbolt_macros::*;
