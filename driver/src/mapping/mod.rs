//! mapping layer: see the crate documentation.
