//! session layer: see the crate documentation.
