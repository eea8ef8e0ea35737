//! Integration tests: one binary, modules per concern.
mod idempotency;
mod mapping_compile;
mod mapping_counters;
mod mapping_session;
mod mapping_support;
mod mapping_types;
mod routing;
mod ui;
mod web_service;
