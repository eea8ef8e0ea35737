//! # ringbolt-sim
//!
//! An in-memory multi-node Cassandra 4.0 cluster that speaks the CQL native protocol (v4 and
//! v5), for tests and demos. Nodes listen on consecutive loopback addresses (127.0.0.1,
//! 127.0.0.2, ...) sharing one port, answer the handshake (with optional PasswordAuthenticator
//! and TLS), push events to registered connections, and can be stopped, restarted, added, or
//! made to misbehave with [`fault`] rules.
//!
//! ```no_run
//! # async fn demo() -> Result<(), ringbolt_sim::SimError> {
//! let cluster = ringbolt_sim::SimCluster::builder().nodes(3).port(0).start().await?;
//! let contact_points = cluster.contact_points();
//! cluster.stop_node(2).await?;
//! # let _ = contact_points; Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod backend;
pub mod builder;
pub mod cluster;
pub mod engine;
pub mod error;
pub mod fault;
mod server;
mod shared;
pub mod tls;
pub mod topology;

pub use builder::SimClusterBuilder;
pub use cluster::SimCluster;
pub use error::{SimError, TlsError};
pub use fault::{FaultAction, FaultId, FaultRule};
pub use shared::Credentials;
pub use topology::{ClusterSnapshot, NodeStats, SimNode};
