//! Prepared statements of a session, by CQL text and keyspace, so text run with values is
//! prepared once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use super::statement::PreparedInner;

/// More distinct statements than this are still prepared, but no longer cached.
const MAX_CACHED: usize = 10_000;

/// CQL text and the keyspace it was prepared in.
type Key = (String, Option<String>);

#[derive(Default)]
pub(crate) struct PreparedCache {
    map: Mutex<HashMap<Key, Arc<PreparedInner>>>,
}

impl PreparedCache {
    pub(crate) fn get(&self, text: &str, keyspace: Option<&str>) -> Option<Arc<PreparedInner>> {
        let map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(&(text.to_owned(), keyspace.map(str::to_owned)))
            .cloned()
    }

    pub(crate) fn insert(&self, statement: Arc<PreparedInner>) {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() < MAX_CACHED {
            map.insert(
                (statement.text.clone(), statement.keyspace.clone()),
                statement,
            );
        }
    }

    /// Every cached statement (to re-prepare them on a node).
    pub(crate) fn all(&self) -> Vec<Arc<PreparedInner>> {
        let map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        map.values().cloned().collect()
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}
