//! Integration tests: one binary, modules per concern.
mod idempotency;
mod mapping_compile;
mod mapping_session;
mod routing;
mod ui;
mod web_service;
