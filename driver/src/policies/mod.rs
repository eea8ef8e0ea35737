//! policies layer: see the crate documentation.
