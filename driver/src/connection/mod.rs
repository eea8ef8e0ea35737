//! connection layer: see the crate documentation.
