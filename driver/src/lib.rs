//! # ringbolt-driver
//!
//! The async driver under Ringbolt: the CQL native protocol (v4 and v5), connections, cluster
//! awareness, policies, the [`session::Session`] and the runtime traits that `#[derive(Table)]`
//! code calls.
//!
//! Layers, bottom up (see the repository's architecture notes):
//! - [`protocol`]: bytes in, messages out; no I/O.
//! - [`types`]: CQL values to and from Rust values.
//! - [`connection`]: one TCP or TLS connection and its streams.
//! - [`cluster`]: topology, token ring and replica placement.
//! - [`pool`]: connections per node.
//! - [`policies`]: load balancing, retry, speculative execution; each returns a decision.
//! - [`session`]: the execution loop that acts on those decisions.
//! - [`mapping`]: typed statements and the traits derived code implements.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cluster;
pub mod connection;
pub mod mapping;
pub mod policies;
pub mod pool;
pub mod protocol;
pub mod session;
pub mod types;
