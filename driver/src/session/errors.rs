//! One error enum per session operation.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use super::db_error::DbError;
use crate::connection::ConnectionError;
use crate::protocol::response::ErrorBody;
use crate::protocol::{DecodeError, EncodeError};
use crate::types::{DeserializeError, SerializeError, TypeCheckError};

/// [`Session::builder`](super::Session::builder)`.build()` failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NewSessionError {
    /// No contact point was configured; add at least one node address.
    #[error("no contact points configured; call contact_points with at least one node address")]
    NoContactPoints,
    /// A contact point is not a valid `host`, `host:port` or socket address.
    #[error("invalid contact point {point:?}: {reason}")]
    InvalidContactPoint {
        /// The contact point as given.
        point: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// No contact point could be resolved by DNS.
    #[error("no contact point could be resolved: {}; check the host names", .points.join(", "))]
    Unresolvable {
        /// The contact points tried.
        points: Vec<String>,
    },
    /// Every contact point was tried and none accepted a connection; the first failure is the
    /// source (and is shown in the message, so a refused login or TLS handshake is visible
    /// without walking the source chain), all are listed in `errors`.
    #[error("could not connect to any contact point ({} tried); first failure: {first}", .errors.len())]
    AllContactPointsFailed {
        /// Each address tried and why it failed.
        errors: Vec<(String, ConnectionError)>,
        /// The first failure (also in `errors`), for `source()`.
        #[source]
        first: ConnectionError,
    },
    /// The configured local datacenter is not one the cluster reports (or none is configured
    /// and the cluster has several); the message lists the cluster's datacenters.
    #[error("the local datacenter does not fit the cluster")]
    LocalDatacenter(#[source] crate::policies::load_balancing::LocalDatacenterError),
}

/// A query, execute or batch failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// The server answered with an error; `error` says which, `message` is the server's text.
    #[error("the server refused the request: {message}")]
    Db {
        /// The typed error.
        #[source]
        error: DbError,
        /// The server's message.
        message: String,
    },
    /// The bind values do not fit the statement's markers.
    #[error("the bind values do not fit the statement")]
    Serialize(#[source] SerializeError),
    /// The request could not be encoded (too many values, a value too large, ...).
    #[error("the request could not be encoded")]
    Encode(#[source] EncodeError),
    /// The connection failed while the request was in flight.
    #[error("connection failure while running the request")]
    Connection(#[source] ConnectionError),
    /// No answer within the request timeout; the statement may or may not have been applied.
    #[error("no answer within {0:?}; raise the request timeout or check the cluster's load")]
    Timeout(Duration),
    /// Preparing the statement (before executing it with values) failed.
    #[error("preparing the statement failed")]
    Prepare(#[source] Box<PrepareError>),
    /// The answer was not one the request allows.
    #[error("unexpected {got} answer to {request}")]
    UnexpectedResponse {
        /// The request sent.
        request: &'static str,
        /// What came back.
        got: &'static str,
    },
    /// A batch was given a different number of value sets than it has statements.
    #[error("the batch has {statements} statements but {values} value sets were given")]
    BatchValueCount {
        /// Statements in the batch.
        statements: usize,
        /// Value sets given.
        values: usize,
    },
    /// Rows of a page could not be read as the requested type (streams only).
    #[error("the rows could not be read")]
    Rows(#[source] RowsError),
    /// There is no open connection to send the request on (the session was closed, or every
    /// node is down).
    #[error("no open connection to any node; check that the cluster is up, or that the session was not closed")]
    NoConnection,
    /// One node did not answer within the per-attempt timeout
    /// ([`ExecutionOptions::attempt_timeout`](super::ExecutionOptions::attempt_timeout)); the
    /// statement may or may not have been applied there.
    #[error("the node did not answer within the attempt timeout of {0:?}; the statement may have been applied")]
    AttemptTimeout(Duration),
    /// The session's concurrency limit is reached and its wait queue is full; slow down, or
    /// raise the limits with `SessionBuilder::throttle`.
    #[error("too many requests: {in_flight} running and {queued} queued (the limits); retry later or raise them")]
    Throttled {
        /// Requests running (the concurrency limit).
        in_flight: usize,
        /// Requests waiting (the queue limit).
        queued: usize,
    },
    /// Every node of the query plan was tried and failed; `attempts` lists each node tried, in
    /// order, with what it answered.
    #[error("every node tried failed: {}", NodeAttempts(.attempts))]
    AllNodesFailed {
        /// Each attempt: the node (when known) and its failure.
        attempts: Vec<(Option<SocketAddr>, QueryError)>,
    },
}

/// Displays the attempts of [`QueryError::AllNodesFailed`] as `node: error; node: error`.
struct NodeAttempts<'a>(&'a [(Option<SocketAddr>, QueryError)]);

impl fmt::Display for NodeAttempts<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("no node could be tried");
        }
        for (i, (node, error)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            match node {
                Some(node) => write!(f, "{node}: {error}")?,
                None => write!(f, "(unknown node): {error}")?,
            }
            let mut source = std::error::Error::source(error);
            while let Some(cause) = source {
                write!(f, ": {cause}")?;
                source = cause.source();
            }
        }
        Ok(())
    }
}

impl QueryError {
    pub(crate) fn from_error_body(body: ErrorBody) -> Self {
        QueryError::Db {
            error: DbError::from(&body.code),
            message: body.message,
        }
    }

    /// The server's typed error, if the server answered with one.
    ///
    /// For [`QueryError::AllNodesFailed`] it is the last node's answer, when that node answered.
    pub fn db_error(&self) -> Option<&DbError> {
        match self {
            QueryError::Db { error, .. } => Some(error),
            QueryError::AllNodesFailed { attempts } => {
                attempts.last().and_then(|(_, last)| last.db_error())
            }
            _ => None,
        }
    }
}

/// Preparing a statement failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PrepareError {
    /// The server refused to prepare it (syntax error, unknown table, ...).
    #[error("the server refused to prepare the statement: {message}")]
    Db {
        /// The typed error.
        #[source]
        error: DbError,
        /// The server's message.
        message: String,
    },
    /// The connection failed.
    #[error("connection failure while preparing")]
    Connection(#[source] ConnectionError),
    /// No answer within the request timeout.
    #[error("no answer to PREPARE within {0:?}")]
    Timeout(Duration),
    /// The answer was not a Prepared result.
    #[error("unexpected {got} answer to PREPARE")]
    UnexpectedResponse {
        /// What came back.
        got: &'static str,
    },
    /// There is no open connection.
    #[error("no open connection to any node to prepare on")]
    NoConnection,
}

impl From<QueryError> for PrepareError {
    fn from(e: QueryError) -> Self {
        match e {
            QueryError::Db { error, message } => PrepareError::Db { error, message },
            QueryError::Connection(e) => PrepareError::Connection(e),
            QueryError::Timeout(d) => PrepareError::Timeout(d),
            QueryError::Prepare(p) => *p,
            QueryError::UnexpectedResponse { got, .. } => PrepareError::UnexpectedResponse { got },
            _ => PrepareError::NoConnection,
        }
    }
}

/// Rows could not be read from a result.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RowsError {
    /// The result holds no rows at all (it is Void, a schema change, ...): the statement was
    /// not a SELECT (or an LWT).
    #[error("the result is not a set of rows; only SELECT and conditional statements return rows")]
    NotRows,
    /// The Rust row type does not fit the result's columns.
    #[error("the row type does not match the result's columns")]
    TypeCheck(#[source] TypeCheckError),
    /// A row could not be read as the Rust type.
    #[error("a row could not be deserialized")]
    Deserialize(#[source] DeserializeError),
    /// The rows' bytes are malformed.
    #[error("the rows are malformed")]
    Decode(#[source] DecodeError),
    /// A row was expected but the result is empty.
    #[error("the result has no rows")]
    NoRows,
    /// Exactly one row was expected.
    #[error("expected exactly one row, the result has {0}")]
    NotSingleRow(usize),
}
