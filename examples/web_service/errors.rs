//! The errors of the database operations, with the driver's error kind.

use ringbolt::mapping::FetchError;
use ringbolt::session::QueryError;

/// A database operation failed; `kind` names the driver's error (for example `Unavailable`,
/// `WriteTimeout`, `NoConnection`) and `message` says more.
#[derive(Debug, Clone)]
pub struct StoreError {
    /// The driver's error kind.
    pub kind: String,
    /// The whole error chain as text.
    pub message: String,
}

impl StoreError {
    /// From a failed query, execute or batch.
    pub fn query(e: &QueryError) -> StoreError {
        let kind = match e.db_error() {
            Some(db) => variant_name(&format!("{db:?}")),
            None => variant_name(&format!("{e:?}")),
        };
        StoreError {
            kind,
            message: chain(e),
        }
    }

    /// From a failed typed fetch.
    pub fn fetch(e: &FetchError) -> StoreError {
        match e {
            FetchError::Query(q) => StoreError::query(q),
            other => StoreError {
                kind: variant_name(&format!("{other:?}")),
                message: chain(other),
            },
        }
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.kind)
    }
}

impl std::error::Error for StoreError {}

/// `Unavailable { .. }` -> `Unavailable`.
fn variant_name(debug: &str) -> String {
    debug
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// An error and its sources, joined by `: `.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Creating a link failed.
#[derive(Debug)]
pub enum CreateError {
    /// The requested slug belongs to another link.
    SlugTaken(String),
    /// The database failed.
    Store(StoreError),
}

/// Listing a user's links failed.
#[derive(Debug)]
pub enum ListError {
    /// The server refused the cursor: it was not made by this query.
    BadCursor,
    /// The database failed.
    Store(StoreError),
}
