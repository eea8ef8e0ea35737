//! Integration tests: one binary, modules per concern.
mod core_results;
mod core_security;
mod core_statements;
mod core_support;
mod core_types;
mod core_writes;
mod mapping_compile;
mod mapping_session;
mod ui;
