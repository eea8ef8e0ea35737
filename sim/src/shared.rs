//! State shared by every node and connection of one cluster.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};

use ringbolt_driver::protocol::response::Event;
use tokio::sync::broadcast;
use tokio_rustls::TlsAcceptor;

use crate::backend::Backend;
use crate::fault::FaultTable;
use crate::topology::{ClusterSnapshot, NodeStats};

/// A user name and password for PasswordAuthenticator. `Debug` hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The user name.
    pub username: String,
    /// The password.
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// A server event with the node it is about (events about a node are not sent on that node's
/// own connections, as Cassandra does).
#[derive(Debug, Clone)]
pub(crate) struct SimEvent {
    pub(crate) about_node: Option<usize>,
    pub(crate) event: Event,
}

/// The topology and the counters, swapped together when a node is added.
#[derive(Debug, Clone)]
pub(crate) struct View {
    pub(crate) snapshot: Arc<ClusterSnapshot>,
    pub(crate) stats: Arc<[NodeStats]>,
}

pub(crate) struct Shared {
    pub(crate) backend: Arc<dyn Backend>,
    pub(crate) credentials: Option<Credentials>,
    pub(crate) tls: Option<TlsAcceptor>,
    pub(crate) max_frame_length: usize,
    pub(crate) faults: FaultTable,
    pub(crate) events: broadcast::Sender<SimEvent>,
    /// Prepared id -> CQL text, learned from PREPARE results (for fault rules on EXECUTE).
    prepared: Mutex<HashMap<Vec<u8>, String>>,
    view: RwLock<View>,
}

impl Shared {
    pub(crate) fn new(
        backend: Arc<dyn Backend>,
        credentials: Option<Credentials>,
        tls: Option<TlsAcceptor>,
        max_frame_length: usize,
        snapshot: ClusterSnapshot,
    ) -> Shared {
        let stats: Arc<[NodeStats]> = snapshot
            .nodes
            .iter()
            .map(|_| NodeStats::default())
            .collect();
        let (events, _) = broadcast::channel(1024);
        Shared {
            backend,
            credentials,
            tls,
            max_frame_length,
            faults: FaultTable::default(),
            events,
            prepared: Mutex::new(HashMap::new()),
            view: RwLock::new(View {
                snapshot: Arc::new(snapshot),
                stats,
            }),
        }
    }

    pub(crate) fn view(&self) -> View {
        self.view.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Replaces the snapshot with `change` applied to a copy; new nodes get fresh counters.
    pub(crate) fn update(&self, change: impl FnOnce(&mut ClusterSnapshot)) -> Arc<ClusterSnapshot> {
        let mut view = self.view.write().unwrap_or_else(|e| e.into_inner());
        let mut snapshot = ClusterSnapshot::clone(&view.snapshot);
        change(&mut snapshot);
        if snapshot.nodes.len() != view.stats.len() {
            view.stats = snapshot
                .nodes
                .iter()
                .enumerate()
                .map(|(i, _)| match view.stats.get(i) {
                    Some(s) => {
                        let (c, r) = s.load();
                        NodeStats::starting_at(c, r)
                    }
                    None => NodeStats::default(),
                })
                .collect();
        }
        view.snapshot = Arc::new(snapshot);
        view.snapshot.clone()
    }

    pub(crate) fn broadcast(&self, about_node: Option<usize>, event: Event) {
        // An error only means that no connection is registered: nothing to do.
        let _ = self.events.send(SimEvent { about_node, event });
    }

    pub(crate) fn remember_prepared(&self, id: &[u8], text: &str) {
        let mut map = self.prepared.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(id.to_vec(), text.to_string());
    }

    pub(crate) fn prepared_text(&self, id: &[u8]) -> Option<String> {
        let map = self.prepared.lock().unwrap_or_else(|e| e.into_inner());
        map.get(id).cloned()
    }

    pub(crate) fn node_endpoint(&self, index: usize) -> Option<SocketAddr> {
        let view = self.view();
        view.snapshot
            .node(index)
            .map(|n| SocketAddr::new(n.address, n.port))
    }
}
