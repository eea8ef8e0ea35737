//! Integration tests: one binary, modules per concern.
mod mapping_compile;
mod ui;
mod mapping_session;
