//! Integration tests: one binary, modules per concern.
mod mapping_compile;
mod mapping_session;
mod routing;
mod ui;
