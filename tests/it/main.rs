//! Integration tests: one binary, modules per concern.
mod core_results;
mod core_security;
mod core_statements;
mod core_support;
mod core_types;
mod core_writes;
mod idempotency;
mod mapping_compile;
mod mapping_counters;
mod mapping_session;
mod mapping_support;
mod mapping_types;
mod routing;
mod ui;
mod web_service;
