//! Cluster state: topology, token ring, replica placement. See the crate documentation.
