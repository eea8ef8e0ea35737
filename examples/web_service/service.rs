//! The link shortener as a library-like module: `main.rs` runs it, and `tests/it/web_service.rs`
//! includes this file with `#[path]` to start it on a free port against an in-process cluster.

#[path = "app.rs"]
pub mod app;
#[path = "config.rs"]
pub mod config;
#[path = "cursor.rs"]
pub mod cursor;
#[path = "errors.rs"]
pub mod errors;
#[path = "model.rs"]
pub mod model;
#[path = "store.rs"]
pub mod store;
