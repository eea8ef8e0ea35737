//! The control connection: one connection, to one node, that keeps the session's picture of
//! the cluster current.
//!
//! It registers for `TOPOLOGY_CHANGE`, `STATUS_CHANGE` and `SCHEMA_CHANGE` events. Topology
//! and schema events schedule a refresh of the metadata (debounced: a burst of events causes
//! one refresh); a refresh also runs periodically. `STATUS_CHANGE DOWN` marks a node down at
//! once; `UP` makes its pool try to connect now (the node is marked up when that succeeds).
//! When the control node fails, the connection moves to another node.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast::error::RecvError;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::metadata::fetch;
use super::NodeState;
use crate::connection::{Connection, ConnectionConfig};
use crate::pool::cluster::ClusterPools;
use crate::protocol::request::EventType;
use crate::protocol::response::{Event, StatusChange};

/// How the control connection behaves.
#[derive(Debug, Clone)]
pub(crate) struct ControlSettings {
    /// Settings of the control connection itself (no keyspace).
    pub(crate) connection: ConnectionConfig,
    /// Contact points, tried when no known node accepts the control connection.
    pub(crate) contact_points: Vec<SocketAddr>,
    /// Wait after an event before refreshing, so bursts cause one refresh.
    pub(crate) debounce: Duration,
    /// Refresh at least this often.
    pub(crate) refresh_interval: Duration,
}

/// Stops the control connection's task when dropped or closed.
pub(crate) struct ControlHandle {
    stop: Arc<Notify>,
}

impl ControlHandle {
    /// Stops the task.
    pub(crate) fn stop(&self) {
        self.stop.notify_one();
    }
}

impl Drop for ControlHandle {
    fn drop(&mut self) {
        self.stop.notify_one();
    }
}

/// Starts the control task over `connection`, opened to `address`.
pub(crate) fn spawn(
    connection: Connection,
    address: SocketAddr,
    pools: Arc<ClusterPools>,
    settings: ControlSettings,
) -> ControlHandle {
    let stop = Arc::new(Notify::new());
    let handle = ControlHandle { stop: stop.clone() };
    let weak = Arc::downgrade(&pools);
    drop(pools);
    tokio::spawn(async move {
        let mut current = Some((connection, address));
        loop {
            let Some(pools) = weak.upgrade() else { return };
            let (connection, address) = match current.take() {
                Some(c) => c,
                None => match reconnect(&pools, &settings).await {
                    Some(c) => c,
                    None => {
                        drop(pools);
                        tokio::select! {
                            _ = tokio::time::sleep(Duration::from_secs(1)) => continue,
                            _ = stop.notified() => return,
                        }
                    }
                },
            };
            drop(pools);
            let stopped = serve(&connection, address, &weak, &settings, &stop).await;
            connection.close().await;
            if stopped {
                return;
            }
        }
    });
    handle
}

/// Opens a control connection to an up node, else any known node, else a contact point, and
/// refreshes the metadata through it.
async fn reconnect(
    pools: &ClusterPools,
    settings: &ControlSettings,
) -> Option<(Connection, SocketAddr)> {
    let snapshot = pools.snapshot();
    let mut candidates: Vec<SocketAddr> = Vec::new();
    for state in [NodeState::Up, NodeState::Unknown, NodeState::Down] {
        for (i, node) in snapshot.nodes().iter().enumerate() {
            if snapshot.state(i) == Some(state) && !candidates.contains(&node.address) {
                candidates.push(node.address);
            }
        }
    }
    for point in &settings.contact_points {
        if !candidates.contains(point) {
            candidates.push(*point);
        }
    }
    for address in candidates {
        match Connection::connect(address, &settings.connection).await {
            Ok(connection) => {
                tracing::info!(%address, "control connection moved");
                return Some((connection, address));
            }
            Err(e) => tracing::debug!(%address, error = %e, "control connection attempt failed"),
        }
    }
    tracing::warn!("no node accepts the control connection; retrying");
    None
}

/// Refreshes the metadata through `connection`; false when the connection is unusable.
async fn refresh(connection: &Connection, address: SocketAddr, pools: &Arc<ClusterPools>) -> bool {
    match fetch(connection, address).await {
        Ok(metadata) => {
            let nodes = metadata.nodes.len();
            let keyspaces = metadata.keyspaces.len();
            pools.apply_topology(metadata.into_snapshot());
            tracing::debug!(%address, nodes, keyspaces, "cluster metadata refreshed");
            true
        }
        Err(e) => {
            tracing::warn!(%address, error = %e, "refreshing cluster metadata failed");
            !connection.is_closed()
        }
    }
}

/// Serves events on one connection until it fails (false) or the session stops (true).
async fn serve(
    connection: &Connection,
    address: SocketAddr,
    weak: &std::sync::Weak<ClusterPools>,
    settings: &ControlSettings,
    stop: &Notify,
) -> bool {
    let mut events = connection.subscribe_events();
    let registered = connection
        .register(vec![
            EventType::TopologyChange,
            EventType::StatusChange,
            EventType::SchemaChange,
        ])
        .await;
    if let Err(e) = registered {
        tracing::warn!(%address, error = %e, "registering for events failed");
        return false;
    }
    // Events may have been missed while (re)connecting.
    let mut pending = Some(Instant::now());
    let mut periodic = tokio::time::interval(settings.refresh_interval);
    periodic.reset();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        let deadline = pending.unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
        tokio::select! {
            _ = stop.notified() => return true,
            event = events.recv() => {
                let Some(pools) = weak.upgrade() else { return true };
                match event {
                    Ok(Event::Status(StatusChange::Down(node))) => {
                        tracing::info!(%node, "server reports node down");
                        pools.set_state(node, NodeState::Down);
                    }
                    Ok(Event::Status(StatusChange::Up(node))) => {
                        tracing::info!(%node, "server reports node up");
                        pools.node_reported_up(node);
                    }
                    Ok(Event::Topology(change)) => {
                        tracing::info!(?change, "topology change");
                        pending.get_or_insert(Instant::now() + settings.debounce);
                    }
                    Ok(Event::Schema(change)) => {
                        tracing::debug!(?change, "schema change");
                        pending.get_or_insert(Instant::now() + settings.debounce);
                    }
                    Err(RecvError::Lagged(_)) => {
                        pending.get_or_insert(Instant::now());
                    }
                    Err(RecvError::Closed) => return false,
                }
            }
            _ = tokio::time::sleep_until(deadline), if pending.is_some() => {
                pending = None;
                let Some(pools) = weak.upgrade() else { return true };
                if !refresh(connection, address, &pools).await {
                    return false;
                }
            }
            _ = periodic.tick() => {
                let Some(pools) = weak.upgrade() else { return true };
                if !refresh(connection, address, &pools).await {
                    return false;
                }
            }
            _ = tick.tick() => {
                let Some(pools) = weak.upgrade() else { return true };
                pools.maintain();
                if connection.is_closed() {
                    tracing::warn!(%address, "control connection closed");
                    return false;
                }
            }
        }
    }
}
