//! Fault injection: rules that make a node misbehave for matching requests.
//!
//! A [`FaultRule`] selects requests (by node, opcode and/or a substring of the CQL text; for
//! EXECUTE the text of the prepared statement, for BATCH any statement of the batch) and says
//! what to do instead of answering normally ([`FaultAction`]). A rule applies every time, or only
//! the first N times it matches.
//!
//! ```
//! use ringbolt_sim::fault::FaultRule;
//! use ringbolt_driver::protocol::Opcode;
//! use std::time::Duration;
//!
//! let rule = FaultRule::new()
//!     .on_node(1)
//!     .opcode(Opcode::Query)
//!     .query_contains("INSERT")
//!     .times(2)
//!     .delay(Duration::from_millis(200));
//! # let _ = rule;
//! ```

use std::sync::Mutex;
use std::time::Duration;

use ringbolt_driver::protocol::response::{ErrorBody, ErrorCode, WriteType};
use ringbolt_driver::protocol::{Consistency, Opcode};

/// What a node does with a request a rule matched.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultAction {
    /// Answer with this error instead of running the request.
    Error(ErrorBody),
    /// Process the request normally, but hold its answer back this long.
    Delay(Duration),
    /// Close the connection without answering.
    CloseConnection,
    /// Never answer this request (the stream id stays in use on the client).
    NoResponse,
    /// Run the request through the engine (so a write is applied), discard the result and answer
    /// WRITE_TIMEOUT: the client cannot know whether the write happened.
    ApplyThenFail,
}

/// Which requests a rule applies to and what happens to them. Build one with [`FaultRule::new`]
/// and the chained setters; the last setter picks the action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    /// Only requests coordinated by this node; `None` = every node.
    pub node: Option<usize>,
    /// Only requests with this opcode; `None` = every opcode.
    pub opcode: Option<Opcode>,
    /// Only requests whose CQL text contains this substring (case-sensitive).
    pub query_contains: Option<String>,
    /// Apply only this many times, then the rule is removed; `None` = always.
    pub times: Option<u32>,
    /// What to do.
    pub action: FaultAction,
}

impl Default for FaultRule {
    fn default() -> Self {
        FaultRule::new()
    }
}

impl FaultRule {
    /// A rule matching every request on every node, closing the connection; narrow it and pick
    /// the action with the setters.
    pub fn new() -> FaultRule {
        FaultRule {
            node: None,
            opcode: None,
            query_contains: None,
            times: None,
            action: FaultAction::CloseConnection,
        }
    }

    /// Only requests coordinated by node `index`.
    pub fn on_node(mut self, index: usize) -> FaultRule {
        self.node = Some(index);
        self
    }

    /// Only requests with this opcode.
    pub fn opcode(mut self, opcode: Opcode) -> FaultRule {
        self.opcode = Some(opcode);
        self
    }

    /// Only requests whose CQL text contains `text`.
    pub fn query_contains(mut self, text: impl Into<String>) -> FaultRule {
        self.query_contains = Some(text.into());
        self
    }

    /// Apply `n` times only.
    pub fn times(mut self, n: u32) -> FaultRule {
        self.times = Some(n);
        self
    }

    /// Set the action.
    pub fn action(mut self, action: FaultAction) -> FaultRule {
        self.action = action;
        self
    }

    /// Answer with `error`.
    pub fn reply_error(self, error: ErrorBody) -> FaultRule {
        self.action(FaultAction::Error(error))
    }

    /// Delay the answer by `delay`.
    pub fn delay(self, delay: Duration) -> FaultRule {
        self.action(FaultAction::Delay(delay))
    }

    /// Close the connection.
    pub fn close_connection(self) -> FaultRule {
        self.action(FaultAction::CloseConnection)
    }

    /// Never answer.
    pub fn no_response(self) -> FaultRule {
        self.action(FaultAction::NoResponse)
    }

    /// Apply the request, then answer WRITE_TIMEOUT.
    pub fn apply_then_fail(self) -> FaultRule {
        self.action(FaultAction::ApplyThenFail)
    }

    fn matches(&self, node: usize, opcode: Opcode, texts: &[&str]) -> bool {
        let text_ok = match self.query_contains.as_deref() {
            Some(needle) => texts.iter().any(|t| t.contains(needle)),
            None => true,
        };
        !matches!(self.node, Some(n) if n != node)
            && !matches!(self.opcode, Some(o) if o != opcode)
            && text_ok
    }
}

/// Ready-made error bodies with the messages Cassandra sends.
pub mod errors {
    use super::*;

    /// READ_TIMEOUT at `consistency`: `received` of `block_for` answered.
    pub fn read_timeout(
        consistency: Consistency,
        received: i32,
        block_for: i32,
        data_present: bool,
    ) -> ErrorBody {
        ErrorBody {
            code: ErrorCode::ReadTimeout {
                consistency,
                received,
                block_for,
                data_present,
            },
            message: format!("Operation timed out - received only {received} responses."),
        }
    }

    /// WRITE_TIMEOUT at `consistency` for a write of kind `write_type`.
    pub fn write_timeout(
        consistency: Consistency,
        received: i32,
        block_for: i32,
        write_type: WriteType,
    ) -> ErrorBody {
        ErrorBody {
            code: ErrorCode::WriteTimeout {
                consistency,
                received,
                block_for,
                write_type,
                contentions: None,
            },
            message: format!("Operation timed out - received only {received} responses."),
        }
    }

    /// UNAVAILABLE: `alive` replicas of the `required` ones are up.
    pub fn unavailable(consistency: Consistency, required: i32, alive: i32) -> ErrorBody {
        ErrorBody {
            code: ErrorCode::Unavailable {
                consistency,
                required,
                alive,
            },
            message: "Cannot achieve consistency level".to_string(),
        }
    }

    /// OVERLOADED.
    pub fn overloaded() -> ErrorBody {
        ErrorBody {
            code: ErrorCode::Overloaded,
            message: "Server is in overloaded state. Cannot accept more requests at this point"
                .to_string(),
        }
    }

    /// IS_BOOTSTRAPPING.
    pub fn is_bootstrapping() -> ErrorBody {
        ErrorBody {
            code: ErrorCode::IsBootstrapping,
            message: "Cannot read from a bootstrapping node".to_string(),
        }
    }

    /// SERVER_ERROR with `message`.
    pub fn server_error(message: impl Into<String>) -> ErrorBody {
        ErrorBody {
            code: ErrorCode::ServerError,
            message: message.into(),
        }
    }

    /// UNPREPARED for prepared id `id`.
    pub fn unprepared(id: &[u8]) -> ErrorBody {
        let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
        ErrorBody {
            code: ErrorCode::Unprepared { id: id.to_vec() },
            message: format!(
                "Prepared query with ID {hex} not found (either the query was not prepared on \
                 this host (maybe the host has been restarted?) or you have prepared too many \
                 queries and it has been evicted from the internal cache)"
            ),
        }
    }
}

/// Identifies an injected rule so it can be removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FaultId(u64);

#[derive(Debug)]
struct Entry {
    id: FaultId,
    rule: FaultRule,
    remaining: Option<u32>,
}

/// The rules in force, checked in insertion order; the first match wins.
#[derive(Debug, Default)]
pub(crate) struct FaultTable {
    inner: Mutex<(u64, Vec<Entry>)>,
}

impl FaultTable {
    pub(crate) fn insert(&self, rule: FaultRule) -> FaultId {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        guard.0 += 1;
        let id = FaultId(guard.0);
        let remaining = rule.times;
        if remaining != Some(0) {
            guard.1.push(Entry {
                id,
                rule,
                remaining,
            });
        }
        id
    }

    pub(crate) fn remove(&self, id: FaultId) -> bool {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let before = guard.1.len();
        guard.1.retain(|e| e.id != id);
        guard.1.len() != before
    }

    pub(crate) fn clear(&self) {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .clear();
    }

    /// The action for a request, consuming one use of the matching rule.
    pub(crate) fn take_match(
        &self,
        node: usize,
        opcode: Opcode,
        texts: &[&str],
    ) -> Option<FaultAction> {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let entries = &mut guard.1;
        let pos = entries
            .iter()
            .position(|e| e.rule.matches(node, opcode, texts))?;
        let entry = entries.get_mut(pos)?;
        let action = entry.rule.action.clone();
        if let Some(left) = entry.remaining.as_mut() {
            *left = left.saturating_sub(1);
            if *left == 0 {
                entries.remove(pos);
            }
        }
        Some(action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_by_node_opcode_and_text_and_expire() {
        let table = FaultTable::default();
        table.insert(
            FaultRule::new()
                .on_node(1)
                .opcode(Opcode::Query)
                .query_contains("INSERT")
                .times(2)
                .no_response(),
        );
        assert_eq!(table.take_match(0, Opcode::Query, &["INSERT x"]), None);
        assert_eq!(table.take_match(1, Opcode::Prepare, &["INSERT x"]), None);
        assert_eq!(table.take_match(1, Opcode::Query, &["SELECT"]), None);
        assert_eq!(
            table.take_match(1, Opcode::Query, &["SELECT", "INSERT x"]),
            Some(FaultAction::NoResponse)
        );
        assert_eq!(
            table.take_match(1, Opcode::Query, &["INSERT x"]),
            Some(FaultAction::NoResponse)
        );
        assert_eq!(table.take_match(1, Opcode::Query, &["INSERT x"]), None);
    }

    #[test]
    fn remove_and_clear() {
        let table = FaultTable::default();
        let a = table.insert(FaultRule::new().close_connection());
        assert!(table.remove(a));
        assert!(!table.remove(a));
        assert_eq!(table.take_match(0, Opcode::Options, &[]), None);
        table.insert(FaultRule::new().opcode(Opcode::Options).close_connection());
        table.clear();
        assert_eq!(table.take_match(0, Opcode::Options, &[]), None);
    }

    #[test]
    fn text_filter_needs_a_text() {
        let table = FaultTable::default();
        table.insert(FaultRule::new().query_contains("x").close_connection());
        assert_eq!(table.take_match(0, Opcode::Options, &[]), None);
    }
}
