//! Statements: [`SimpleStatement`] (CQL text), [`PreparedStatement`] and the options they share.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use bytes::Bytes;
use smallvec::SmallVec;

use crate::protocol::request::{RawValue, SerializedValues};
use crate::protocol::response::{ColumnSpec, PreparedResult};
use crate::protocol::{Consistency, SerialConsistency};
use crate::types::{SerializeError, SerializeRow};

/// Where a previous page stopped; pass it back to continue from there. Opaque bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PagingState(Bytes);

impl PagingState {
    /// A paging state saved earlier (for example sent to a web client and back).
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        PagingState(bytes.into())
    }

    /// The opaque bytes, to save and restore with [`PagingState::from_bytes`].
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Per-statement settings; `None` means the session default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatementOptions {
    /// Consistency level.
    pub consistency: Option<Consistency>,
    /// Consistency of the Paxos phase of a lightweight transaction.
    pub serial_consistency: Option<SerialConsistency>,
    /// Write timestamp in microseconds since the epoch.
    pub timestamp: Option<i64>,
    /// Rows per page.
    pub page_size: Option<i32>,
    /// Request timeout.
    pub timeout: Option<Duration>,
    /// Whether running the statement twice has the same effect as once (retries and
    /// speculative executions are allowed only then).
    pub idempotent: bool,
    /// Ask the server to trace the request.
    pub tracing: bool,
    /// Resume from this page.
    pub paging_state: Option<PagingState>,
    /// The partition key to route by, serialized as the partitioner hashes it, for statements
    /// whose key the driver cannot compute (simple statements); overrides a computed key.
    pub routing_key: Option<Vec<u8>>,
    /// The keyspace to route in (its replicas hold the routing key), when the statement does
    /// not run in the session's keyspace.
    pub routing_keyspace: Option<String>,
    /// Send the statement to this node only (by its client address), whatever the
    /// load-balancing policy would choose. The node must be one the session has connections
    /// to (not ignored by the policy); otherwise the request fails with no connection.
    pub target_node: Option<std::net::SocketAddr>,
    /// Retry policy for this statement instead of the session's (the idempotency gate still
    /// applies).
    pub retry_policy: Option<super::attempts::StatementRetryPolicy>,
}

macro_rules! statement_options {
    ($ty:ty) => {
        impl $ty {
            /// The statement's options.
            pub fn options(&self) -> &StatementOptions {
                &self.options
            }

            /// The statement's options, to change.
            pub fn options_mut(&mut self) -> &mut StatementOptions {
                &mut self.options
            }

            /// Runs at this consistency level.
            pub fn with_consistency(mut self, consistency: $crate::protocol::Consistency) -> Self {
                self.options.consistency = Some(consistency);
                self
            }

            /// Uses this serial consistency for lightweight transactions.
            pub fn with_serial_consistency(
                mut self,
                serial: $crate::protocol::SerialConsistency,
            ) -> Self {
                self.options.serial_consistency = Some(serial);
                self
            }

            /// Routes by this partition key (serialized as the partitioner hashes it; see
            /// [`composite_routing_key`](crate::cluster::composite_routing_key)).
            pub fn with_routing_key(mut self, key: impl Into<Vec<u8>>) -> Self {
                self.options.routing_key = Some(key.into());
                self
            }

            /// Routes in this keyspace (whose replicas hold the routing key).
            pub fn with_routing_keyspace(mut self, keyspace: impl Into<String>) -> Self {
                self.options.routing_keyspace = Some(keyspace.into());
                self
            }

            /// Sends the statement to this node only.
            pub fn with_target_node(mut self, node: std::net::SocketAddr) -> Self {
                self.options.target_node = Some(node);
                self
            }

            /// Writes with this timestamp (microseconds since the epoch).
            pub fn with_timestamp(mut self, micros: i64) -> Self {
                self.options.timestamp = Some(micros);
                self
            }

            /// Fetches this many rows per page.
            pub fn with_page_size(mut self, rows: i32) -> Self {
                self.options.page_size = Some(rows);
                self
            }

            /// Gives up after this long.
            pub fn with_timeout(mut self, timeout: std::time::Duration) -> Self {
                self.options.timeout = Some(timeout);
                self
            }

            /// Declares whether the statement is idempotent.
            pub fn with_idempotent(mut self, idempotent: bool) -> Self {
                self.options.idempotent = idempotent;
                self
            }

            /// Uses this retry policy instead of the session's; the idempotency gate still
            /// applies to its decisions.
            pub fn with_retry_policy(
                mut self,
                policy: std::sync::Arc<dyn $crate::policies::retry::RetryPolicy>,
            ) -> Self {
                self.options.retry_policy = Some($crate::session::StatementRetryPolicy(policy));
                self
            }

            /// Asks the server to trace the request.
            pub fn with_tracing(mut self, tracing: bool) -> Self {
                self.options.tracing = tracing;
                self
            }

            /// Resumes from a saved page.
            pub fn with_paging_state(
                mut self,
                state: Option<$crate::session::PagingState>,
            ) -> Self {
                self.options.paging_state = state;
                self
            }

            /// Whether the statement is declared idempotent.
            pub fn is_idempotent(&self) -> bool {
                self.options.idempotent
            }
        }
    };
}
pub(crate) use statement_options;

/// A CQL statement as text. Not idempotent unless declared so.
///
/// ```
/// use ringbolt_driver::protocol::Consistency;
/// use ringbolt_driver::session::SimpleStatement;
/// let stmt = SimpleStatement::new("SELECT name FROM users WHERE id = ?")
///     .with_consistency(Consistency::LocalQuorum)
///     .with_idempotent(true);
/// assert!(stmt.is_idempotent());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SimpleStatement {
    text: String,
    pub(crate) options: StatementOptions,
}

impl SimpleStatement {
    /// A statement with default options.
    pub fn new(text: impl Into<String>) -> Self {
        SimpleStatement {
            text: text.into(),
            options: StatementOptions::default(),
        }
    }

    /// The CQL text.
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl From<&str> for SimpleStatement {
    fn from(text: &str) -> Self {
        SimpleStatement::new(text)
    }
}

impl From<&String> for SimpleStatement {
    fn from(text: &String) -> Self {
        SimpleStatement::new(text.as_str())
    }
}

impl From<String> for SimpleStatement {
    fn from(text: String) -> Self {
        SimpleStatement::new(text)
    }
}

statement_options!(SimpleStatement);

/// The result columns a prepared statement returns, with the v5 id that names them.
#[derive(Debug, Clone)]
pub(crate) struct ResultMetadata {
    pub(crate) id: Option<Bytes>,
    pub(crate) columns: Arc<[ColumnSpec]>,
}

#[derive(Debug)]
pub(crate) struct PreparedInner {
    pub(crate) id: Bytes,
    pub(crate) text: String,
    pub(crate) keyspace: Option<String>,
    pub(crate) bind_markers: Vec<ColumnSpec>,
    pub(crate) pk_indexes: Vec<u16>,
    pub(crate) result: RwLock<ResultMetadata>,
    /// The largest serialized values seen so far (capped), to size the next ones at once.
    values_size: AtomicUsize,
}

/// Serialized values larger than this do not grow the size hint further.
const MAX_VALUES_SIZE_HINT: usize = 64 * 1024;

impl PreparedInner {
    pub(crate) fn new(text: String, keyspace: Option<String>, prepared: PreparedResult) -> Self {
        PreparedInner {
            id: prepared.id.into(),
            text,
            keyspace,
            bind_markers: prepared.metadata.columns,
            pk_indexes: prepared.metadata.pk_indexes,
            result: RwLock::new(ResultMetadata {
                id: prepared.result_metadata_id.map(Bytes::from),
                columns: prepared.result_metadata.columns,
            }),
            values_size: AtomicUsize::new(0),
        }
    }

    pub(crate) fn result_metadata(&self) -> ResultMetadata {
        self.result
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// v5 Metadata_changed: the server's result columns changed.
    pub(crate) fn update_result_metadata(&self, id: Vec<u8>, columns: Arc<[ColumnSpec]>) {
        let mut result = self.result.write().unwrap_or_else(PoisonError::into_inner);
        result.id = Some(Bytes::from(id));
        result.columns = columns;
    }
}

/// Composite routing keys up to this many bytes are built without allocating.
pub(crate) const INLINE_ROUTING_KEY: usize = 64;

/// A routing key computed from a request's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RoutingKey<'v> {
    /// A one-column key: the value's own bytes.
    Borrowed(&'v [u8]),
    /// A composite key: each component as `[unsigned short length][bytes][0]`.
    Composite(SmallVec<[u8; INLINE_ROUTING_KEY]>),
}

impl std::ops::Deref for RoutingKey<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            RoutingKey::Borrowed(bytes) => bytes,
            RoutingKey::Composite(key) => key,
        }
    }
}

/// A statement prepared on the server: its id, bind markers and result columns. Cheap to clone;
/// options are per clone.
#[derive(Debug, Clone)]
pub struct PreparedStatement {
    pub(crate) inner: Arc<PreparedInner>,
    pub(crate) options: StatementOptions,
}

impl PreparedStatement {
    pub(crate) fn new(inner: Arc<PreparedInner>, options: StatementOptions) -> Self {
        PreparedStatement { inner, options }
    }

    /// The server's id for the statement.
    pub fn id(&self) -> &[u8] {
        &self.inner.id
    }

    /// The CQL text it was prepared from.
    pub fn text(&self) -> &str {
        &self.inner.text
    }

    /// The keyspace it was prepared in, if the session had one.
    pub fn keyspace(&self) -> Option<&str> {
        self.inner.keyspace.as_deref()
    }

    /// The bind markers, in order, with their types.
    pub fn bind_markers(&self) -> &[ColumnSpec] {
        &self.inner.bind_markers
    }

    /// Indexes of the bind markers that form the partition key, in key order.
    pub fn partition_key_indexes(&self) -> &[u16] {
        &self.inner.pk_indexes
    }

    /// The columns a run returns (empty for writes).
    pub fn result_columns(&self) -> Arc<[ColumnSpec]> {
        self.inner.result_metadata().columns
    }

    /// The partition key of a run with `values` (serialized against this statement), as the
    /// partitioner hashes it: the value itself for a one-column key; for a composite key each
    /// component as `[unsigned short length][bytes][0]`. `None` when the statement binds no
    /// partition key, the values are named, or a key value is null or unset.
    pub fn routing_key(&self, values: &SerializedValues) -> Option<Vec<u8>> {
        self.routing_key_ref(values).map(|key| key.to_vec())
    }

    /// [`PreparedStatement::routing_key`] without allocating: a one-column key borrows the
    /// value itself, a composite key is built in an inline buffer (on the heap only when
    /// longer than [`INLINE_ROUTING_KEY`] bytes).
    pub(crate) fn routing_key_ref<'v>(
        &self,
        values: &'v SerializedValues,
    ) -> Option<RoutingKey<'v>> {
        let indexes = &self.inner.pk_indexes;
        if indexes.is_empty() || values.named {
            return None;
        }
        // The bytes of the value at `index`; `None` when missing, null or unset.
        let part = |index: u16| match values.iter().nth(usize::from(index)) {
            Some(Ok((_, RawValue::Bytes(bytes)))) => Some(bytes),
            _ => None,
        };
        if let [single] = indexes.as_slice() {
            return part(*single).map(RoutingKey::Borrowed);
        }
        let mut key = SmallVec::new();
        for &index in indexes {
            let part = part(index)?;
            let len = u16::try_from(part.len()).ok()?;
            key.reserve(part.len() + 3);
            key.extend_from_slice(&len.to_be_bytes());
            key.extend_from_slice(part);
            key.push(0);
        }
        Some(RoutingKey::Composite(key))
    }

    /// Serializes `values` against the bind markers (type-checked against them).
    pub fn serialize_values(
        &self,
        values: &impl SerializeRow,
    ) -> Result<SerializedValues, SerializeError> {
        // Sized like the largest values seen so far: one allocation, no growth, in the
        // common case of values of similar sizes.
        let hint = self.inner.values_size.load(Ordering::Relaxed);
        let mut out = SerializedValues {
            bytes: Vec::with_capacity(hint),
            ..SerializedValues::default()
        };
        values.serialize_row(&self.inner.bind_markers, &mut out)?;
        let size = out.bytes.len().min(MAX_VALUES_SIZE_HINT);
        if size > hint {
            self.inner.values_size.fetch_max(size, Ordering::Relaxed);
        }
        Ok(out)
    }
}

statement_options!(PreparedStatement);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::response::{PreparedMetadata, RowsMetadata};

    fn prepared(pk_indexes: Vec<u16>) -> PreparedStatement {
        let result = PreparedResult {
            id: b"id".to_vec(),
            result_metadata_id: None,
            metadata: PreparedMetadata {
                pk_indexes,
                columns: Vec::new(),
            },
            result_metadata: RowsMetadata::default(),
        };
        let inner = PreparedInner::new("INSERT".into(), None, result);
        PreparedStatement::new(Arc::new(inner), StatementOptions::default())
    }

    fn values(cells: &[Option<&[u8]>]) -> SerializedValues {
        let mut values = SerializedValues::default();
        for cell in cells {
            let raw = match cell {
                Some(bytes) => RawValue::Bytes(bytes),
                None => RawValue::Null,
            };
            values.push(None, raw).unwrap();
        }
        values
    }

    #[test]
    fn routing_keys_single_and_composite() {
        let v = values(&[Some(b"ab"), Some(b"c"), None]);
        assert_eq!(prepared(vec![]).routing_key(&v), None);
        assert_eq!(prepared(vec![1]).routing_key(&v), Some(b"c".to_vec()));
        assert_eq!(
            prepared(vec![1, 0]).routing_key(&v),
            Some(vec![0, 1, b'c', 0, 0, 2, b'a', b'b', 0])
        );
        assert_eq!(prepared(vec![2]).routing_key(&v), None);
        assert_eq!(prepared(vec![7]).routing_key(&v), None);
    }

    #[test]
    fn routing_keys_borrow_or_stay_inline() {
        let long = [7u8; INLINE_ROUTING_KEY];
        let v = values(&[Some(b"ab"), Some(b"c"), Some(&long)]);
        let single = prepared(vec![0]);
        assert!(matches!(
            single.routing_key_ref(&v),
            Some(RoutingKey::Borrowed(b"ab"))
        ));
        let Some(RoutingKey::Composite(key)) = prepared(vec![0, 1]).routing_key_ref(&v) else {
            panic!("a composite key");
        };
        assert!(!key.spilled());
        assert_eq!(&key[..], [0, 2, b'a', b'b', 0, 0, 1, b'c', 0]);
        // Longer than the inline buffer: still correct, on the heap.
        let Some(RoutingKey::Composite(key)) = prepared(vec![2, 1]).routing_key_ref(&v) else {
            panic!("a composite key");
        };
        assert!(key.spilled());
        assert_eq!(key.len(), INLINE_ROUTING_KEY + 3 + 4);
        assert_eq!(&key[..3], [0, INLINE_ROUTING_KEY as u8, 7]);
    }
}
