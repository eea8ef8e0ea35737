//! Cluster awareness without I/O: topology, the token ring and replica placement.
//!
//! The control connection (elsewhere) reads `system.local`, `system.peers_v2` and
//! `system_schema.keyspaces`, then builds a [`ClusterSnapshot`] with a pure function of those
//! facts. A request's routing key becomes a [`Token`](token::Token); the snapshot answers which
//! nodes are its replicas; a load-balancing policy turns that into a query plan.
//!
//! - [`token`]: `Murmur3Partitioner` tokens and composite routing keys.
//! - [`topology`]: [`NodeInfo`], [`NodeState`].
//! - [`ring`]: [`TokenRing`], the sorted tokens and their owners.
//! - [`replication`]: [`ReplicationStrategy`], parsed from the schema.
//! - [`replicas`]: [`ReplicaMap`], replicas precomputed per ring range.
//! - [`snapshot`]: [`ClusterSnapshot`], all of the above at one moment.
//! - [`metadata`]: reading the system tables into a snapshot (the control connection uses it).
//! - [`status`]: [`NodeStatus`], a node and its state as the session sees it.
//!
//! ```
//! use ringbolt_driver::cluster::{ClusterSnapshot, NodeInfo, ReplicationStrategy};
//! use ringbolt_driver::cluster::token::{murmur3_token, Token};
//!
//! let nodes = vec![
//!     NodeInfo::new(uuid::Uuid::from_u128(1), "127.0.0.1:9042".parse().unwrap(), "dc1", "r1")
//!         .with_tokens(vec![-3_000_000_000_000_000_000, 3_000_000_000_000_000_000]),
//!     NodeInfo::new(uuid::Uuid::from_u128(2), "127.0.0.2:9042".parse().unwrap(), "dc1", "r1")
//!         .with_tokens(vec![0]),
//! ];
//! let snapshot = ClusterSnapshot::new(
//!     nodes,
//!     [("ks".to_string(), ReplicationStrategy::Simple { replication_factor: 1 })],
//! );
//! let token = Token(murmur3_token(&1i32.to_be_bytes())); // -4069959284402364209
//! assert_eq!(snapshot.replicas("ks", token), [0]);
//! ```

pub(crate) mod control;
pub mod metadata;
pub mod replicas;
pub mod replication;
pub mod ring;
pub mod snapshot;
pub mod status;
pub mod token;
pub mod topology;

pub use replicas::ReplicaMap;
pub use replication::{ReplicationError, ReplicationStrategy};
pub use ring::TokenRing;
pub use snapshot::ClusterSnapshot;
pub use status::NodeStatus;
pub use token::{composite_routing_key, murmur3_token, Token};
pub use topology::{NodeInfo, NodeState};
