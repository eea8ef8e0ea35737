//! [`SimCluster`]: a running simulated cluster and its controls (stop, start, add nodes, faults).

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;

use ringbolt_driver::protocol::response::{Event, StatusChange, TopologyChange};
use tokio::net::TcpListener;
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use crate::backend::Backend;
use crate::builder::SimClusterBuilder;
use crate::error::SimError;
use crate::fault::{FaultId, FaultRule};
use crate::shared::Shared;
use crate::topology::{ClusterSnapshot, SimNode};

/// A running in-memory cluster. Nodes listen on consecutive loopback addresses and share one
/// port. Dropping the cluster stops every node.
pub struct SimCluster {
    shared: Arc<Shared>,
    control: Mutex<Control>,
    port: u16,
}

impl std::fmt::Debug for SimCluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimCluster")
            .field("port", &self.port)
            .field("nodes", &self.shared.view().snapshot.nodes)
            .finish_non_exhaustive()
    }
}

/// What changing the topology needs.
struct Control {
    builder: SimClusterBuilder,
    tokens: HashSet<i64>,
    /// One accept task per node; `None` while the node is stopped.
    listeners: Vec<Option<JoinHandle<()>>>,
}

impl SimCluster {
    /// Starts configuring a cluster.
    pub fn builder() -> SimClusterBuilder {
        SimClusterBuilder::default()
    }

    pub(crate) fn from_listeners(
        shared: Arc<Shared>,
        builder: SimClusterBuilder,
        port: u16,
        tokens: HashSet<i64>,
        listeners: Vec<TcpListener>,
    ) -> SimCluster {
        let tasks = listeners
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                Some(tokio::spawn(crate::server::accept_loop(
                    shared.clone(),
                    i,
                    l,
                )))
            })
            .collect();
        SimCluster {
            shared,
            control: Mutex::new(Control {
                builder,
                tokens,
                listeners: tasks,
            }),
            port,
        }
    }

    /// Every node's address and port, in node order (running or not).
    pub fn contact_points(&self) -> Vec<SocketAddr> {
        self.shared
            .view()
            .snapshot
            .nodes
            .iter()
            .map(|n| SocketAddr::new(n.address, n.port))
            .collect()
    }

    /// The port all nodes listen on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The nodes as they are now.
    pub fn nodes(&self) -> Vec<SimNode> {
        self.shared.view().snapshot.nodes.clone()
    }

    /// The current topology, as the engine sees it.
    pub fn snapshot(&self) -> Arc<ClusterSnapshot> {
        self.shared.view().snapshot
    }

    /// `(coordinated, as_replica)` counters of node `index`; `(0, 0)` for an unknown index.
    pub fn node_stats(&self, index: usize) -> (u64, u64) {
        self.shared
            .view()
            .stats
            .get(index)
            .map(|s| s.load())
            .unwrap_or((0, 0))
    }

    /// Stops node `index`: its listener and connections close, new connections are refused,
    /// and the other nodes' registered connections get STATUS_CHANGE DOWN.
    pub async fn stop_node(&self, index: usize) -> Result<(), SimError> {
        let mut control = self.control.lock().await;
        let slot = control
            .listeners
            .get_mut(index)
            .ok_or(SimError::NoSuchNode(index))?;
        let Some(task) = slot.take() else {
            return Ok(());
        };
        task.abort();
        // Waiting for the aborted task guarantees the listener and connections are dropped.
        let _ = task.await;
        self.shared.update(|s| {
            if let Some(n) = s.nodes.get_mut(index) {
                n.up = false;
            }
        });
        if let Some(endpoint) = self.shared.node_endpoint(index) {
            self.shared
                .broadcast(Some(index), Event::Status(StatusChange::Down(endpoint)));
        }
        Ok(())
    }

    /// Starts node `index` again after [`stop_node`](Self::stop_node); the other nodes'
    /// registered connections get STATUS_CHANGE UP.
    pub async fn start_node(&self, index: usize) -> Result<(), SimError> {
        let mut control = self.control.lock().await;
        let slot = control
            .listeners
            .get_mut(index)
            .ok_or(SimError::NoSuchNode(index))?;
        if slot.is_some() {
            return Ok(());
        }
        let address = self
            .shared
            .node_endpoint(index)
            .ok_or(SimError::NoSuchNode(index))?;
        let listener = crate::server::bind(address).map_err(|source| SimError::Bind {
            index,
            address,
            source,
        })?;
        *slot = Some(tokio::spawn(crate::server::accept_loop(
            self.shared.clone(),
            index,
            listener,
        )));
        self.shared.update(|s| {
            if let Some(n) = s.nodes.get_mut(index) {
                n.up = true;
            }
        });
        self.shared
            .broadcast(Some(index), Event::Status(StatusChange::Up(address)));
        Ok(())
    }

    /// Adds a node to datacenter `datacenter` (which must exist), starts it and sends
    /// TOPOLOGY_CHANGE NEW_NODE to registered connections. Returns the new node's index.
    pub async fn add_node(&self, datacenter: &str) -> Result<usize, SimError> {
        let mut control = self.control.lock().await;
        let view = self.shared.view();
        let in_dc = view
            .snapshot
            .nodes
            .iter()
            .filter(|n| n.datacenter == datacenter)
            .count();
        if in_dc == 0 {
            return Err(SimError::UnknownDatacenter(datacenter.to_string()));
        }
        let index = view.snapshot.nodes.len();
        let control = &mut *control;
        let node =
            control
                .builder
                .make_node(index, datacenter, in_dc, self.port, &mut control.tokens)?;
        let address = SocketAddr::new(node.address, node.port);
        let listener = crate::server::bind(address).map_err(|source| SimError::Bind {
            index,
            address,
            source,
        })?;
        self.shared.update(|s| s.nodes.push(node));
        control
            .listeners
            .push(Some(tokio::spawn(crate::server::accept_loop(
                self.shared.clone(),
                index,
                listener,
            ))));
        self.shared.broadcast(
            Some(index),
            Event::Topology(TopologyChange::NewNode(address)),
        );
        Ok(index)
    }

    /// Adds a fault rule; it applies until it has been used up or removed.
    pub fn inject(&self, rule: FaultRule) -> FaultId {
        self.shared.faults.insert(rule)
    }

    /// Removes one rule; false when it was already gone.
    pub fn remove_fault(&self, id: FaultId) -> bool {
        self.shared.faults.remove(id)
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// Stops every node (no events are sent).
    pub async fn shutdown(&self) {
        let mut control = self.control.lock().await;
        for slot in control.listeners.iter_mut() {
            if let Some(task) = slot.take() {
                task.abort();
                let _ = task.await;
            }
        }
        self.shared
            .update(|s| s.nodes.iter_mut().for_each(|n| n.up = false));
    }
}

impl Drop for SimCluster {
    fn drop(&mut self) {
        if let Ok(control) = self.control.try_lock() {
            for task in control.listeners.iter().flatten() {
                task.abort();
            }
        }
    }
}

/// The backend used when the builder is given none: a fresh CQL engine.
pub(crate) fn default_backend() -> Arc<dyn Backend> {
    Arc::new(crate::engine::Engine::new())
}
