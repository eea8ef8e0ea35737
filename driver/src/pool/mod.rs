//! pool layer: see the crate documentation.
