//! [`ClusterPools`]: the current cluster snapshot, node states and one [`NodePool`] per node
//! the load-balancing policy may use.
//!
//! The snapshot is replaced as a whole (topology or schema refresh, a node going up or down);
//! readers clone an `Arc` under a briefly held lock and never hold it across an await.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock, Weak};

use tokio::sync::watch;

use super::view::ClusterView;
use super::{NodePool, PoolSettings, StateListener};
use crate::cluster::{ClusterSnapshot, NodeState, NodeStatus};
use crate::connection::ConnectionConfig;
use crate::policies::reconnection::ReconnectionPolicy;
use crate::policies::{LoadBalancingPolicy, NodeDistance};

/// How pools are sized per distance.
#[derive(Clone)]
pub(crate) struct ClusterPoolSettings {
    pub(crate) local_size: usize,
    pub(crate) remote_size: usize,
    pub(crate) max_requests_per_connection: usize,
    pub(crate) reconnection: Arc<dyn ReconnectionPolicy>,
    pub(crate) connection: ConnectionConfig,
}

/// The cluster as the session sees it: snapshot, states and pools.
pub(crate) struct ClusterPools {
    pools: RwLock<HashMap<SocketAddr, NodePool>>,
    /// The current snapshot and its nodes' pools by index, as plans read them; replaced after
    /// each change of either, always under the states lock (so changes publish in order and a
    /// state change reads the snapshot it replaces).
    view: RwLock<Arc<ClusterView>>,
    states: Mutex<HashMap<SocketAddr, NodeState>>,
    policy: Arc<dyn LoadBalancingPolicy>,
    settings: ClusterPoolSettings,
    changes: watch::Sender<Vec<NodeStatus>>,
    /// The keyspace of new pools (the configured one, then the last `USE`).
    keyspace: RwLock<Option<String>>,
    closed: AtomicBool,
}

impl ClusterPools {
    /// Pools for the nodes of `snapshot`, opening in the background.
    pub(crate) fn new(
        snapshot: ClusterSnapshot,
        policy: Arc<dyn LoadBalancingPolicy>,
        settings: ClusterPoolSettings,
    ) -> Arc<ClusterPools> {
        let (changes, _) = watch::channel(Vec::new());
        let settings_keyspace = settings.connection.keyspace.clone();
        let empty = Arc::new(ClusterSnapshot::new(Vec::new(), []));
        let pools = Arc::new(ClusterPools {
            view: RwLock::new(Arc::new(ClusterView::new(empty, |_| None))),
            pools: RwLock::new(HashMap::new()),
            states: Mutex::new(HashMap::new()),
            policy,
            settings,
            changes,
            keyspace: RwLock::new(settings_keyspace),
            closed: AtomicBool::new(false),
        });
        pools.apply_topology(snapshot);
        pools
    }

    /// The load-balancing policy.
    pub(crate) fn policy(&self) -> &dyn LoadBalancingPolicy {
        &*self.policy
    }

    /// The current snapshot.
    pub(crate) fn snapshot(&self) -> Arc<ClusterSnapshot> {
        self.view().snapshot().clone()
    }

    /// The pool of the node at `address`, if the node is not ignored.
    pub(crate) fn pool(&self, address: SocketAddr) -> Option<NodePool> {
        self.pools
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&address)
            .cloned()
    }

    /// The current snapshot with the pool of each of its nodes: what a query plan reads.
    pub(crate) fn view(&self) -> Arc<ClusterView> {
        self.view
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Publishes a new view of `snapshot` with the current pools. Called whenever the
    /// snapshot or the pools change, by whoever changed them, with the states lock held.
    fn refresh_view(&self, snapshot: Arc<ClusterSnapshot>) {
        let view = {
            let pools = self.pools.read().unwrap_or_else(PoisonError::into_inner);
            ClusterView::new(snapshot, |address| pools.get(&address).cloned())
        };
        *self.view.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(view);
    }

    /// Requests in flight per node address.
    pub(crate) fn in_flight_by_node(&self) -> Vec<(SocketAddr, usize)> {
        let pools = self.pools.read().unwrap_or_else(PoisonError::into_inner);
        let mut all: Vec<(SocketAddr, usize)> =
            pools.iter().map(|(a, p)| (*a, p.in_flight())).collect();
        all.sort();
        all
    }

    /// Every node with its state.
    pub(crate) fn node_statuses(&self) -> Vec<NodeStatus> {
        let snapshot = self.snapshot();
        let pools = self.pools.read().unwrap_or_else(PoisonError::into_inner);
        snapshot
            .nodes()
            .iter()
            .enumerate()
            .map(|(i, n)| NodeStatus {
                address: n.address,
                datacenter: n.datacenter.clone(),
                rack: n.rack.clone(),
                host_id: n.host_id,
                state: snapshot.state(i).unwrap_or_default(),
                open_connections: pools.get(&n.address).map_or(0, NodePool::open_connections),
            })
            .collect()
    }

    /// A receiver that sees the node list each time a node's state or the topology changes.
    pub(crate) fn subscribe(&self) -> watch::Receiver<Vec<NodeStatus>> {
        self.changes.subscribe()
    }

    /// Publishes `snapshot` with every state recorded so far applied to it. The states lock is
    /// held until the snapshot is in place, so a state a pool reports meanwhile (for example its
    /// first connection succeeding before its node was published) is not lost.
    fn publish(&self, snapshot: ClusterSnapshot) {
        {
            let states = self.states.lock().unwrap_or_else(PoisonError::into_inner);
            let mut snapshot = snapshot;
            let known: Vec<(usize, NodeState)> = snapshot
                .nodes()
                .iter()
                .enumerate()
                .filter_map(|(i, n)| states.get(&n.address).map(|s| (i, *s)))
                .collect();
            for (i, state) in known {
                snapshot = snapshot.with_state(i, state);
            }
            self.refresh_view(Arc::new(snapshot));
        }
        let statuses = self.node_statuses();
        self.changes.send_replace(statuses);
    }

    /// Installs a new topology: keeps known states, opens pools for new nodes, resizes pools
    /// whose distance changed and closes pools of nodes that left or became ignored.
    pub(crate) fn apply_topology(self: &Arc<Self>, snapshot: ClusterSnapshot) {
        if self.closed.load(Ordering::Acquire) {
            return;
        }
        let mut removed = Vec::new();
        {
            let mut pools = self.pools.write().unwrap_or_else(PoisonError::into_inner);
            let mut wanted: HashMap<SocketAddr, usize> = HashMap::new();
            for (i, node) in snapshot.nodes().iter().enumerate() {
                let size = match self.policy.distance(&snapshot, i) {
                    NodeDistance::Local => self.settings.local_size,
                    NodeDistance::Remote => self.settings.remote_size,
                    NodeDistance::Ignored => 0,
                };
                if size > 0 {
                    wanted.insert(node.address, size);
                }
            }
            pools.retain(|address, pool| {
                let keep = wanted.contains_key(address);
                if !keep {
                    removed.push(pool.clone());
                }
                keep
            });
            for (address, size) in wanted {
                if let Some(pool) = pools.get(&address) {
                    pool.resize(size);
                    continue;
                }
                let settings = PoolSettings {
                    size,
                    max_requests_per_connection: self.settings.max_requests_per_connection,
                    reconnection: self.settings.reconnection.clone(),
                };
                let connection = ConnectionConfig {
                    keyspace: self
                        .keyspace
                        .read()
                        .unwrap_or_else(PoisonError::into_inner)
                        .clone(),
                    ..self.settings.connection.clone()
                };
                match NodePool::spawn(address, connection, settings, self.listener()) {
                    Ok(pool) => {
                        tracing::debug!(%address, size, "opening a pool");
                        pools.insert(address, pool);
                    }
                    Err(e) => tracing::warn!(%address, error = %e, "cannot open a pool"),
                }
            }
        }
        {
            let mut states = self.states.lock().unwrap_or_else(PoisonError::into_inner);
            states.retain(|a, _| snapshot.find_by_address(*a).is_some());
        }
        for pool in removed {
            tracing::info!(address = ?pool.address(), "closing the pool of a removed or ignored node");
            tokio::spawn(async move { pool.close().await });
        }
        self.publish(snapshot);
    }

    fn listener(self: &Arc<Self>) -> StateListener {
        let weak: Weak<ClusterPools> = Arc::downgrade(self);
        Arc::new(move |address, state| {
            if let Some(pools) = weak.upgrade() {
                pools.set_state(address, state);
            }
        })
    }

    /// Records that the node at `address` is up or down (ignored when unchanged). A node not
    /// in the published topology yet keeps the state for when it is published.
    pub(crate) fn set_state(&self, address: SocketAddr, state: NodeState) {
        if self.closed.load(Ordering::Acquire) {
            return;
        }
        {
            // Lock order: states, then pools (read) and the view, as in `publish`.
            let mut states = self.states.lock().unwrap_or_else(PoisonError::into_inner);
            if states.get(&address) == Some(&state) {
                return;
            }
            states.insert(address, state);
            match state {
                NodeState::Up => tracing::info!(%address, "node up"),
                NodeState::Down => tracing::warn!(%address, "node down"),
                NodeState::Unknown => {}
            }
            let current = self.snapshot();
            let Some(index) = current.find_by_address(address) else {
                return;
            };
            self.refresh_view(Arc::new((*current).clone().with_state(index, state)));
        }
        let statuses = self.node_statuses();
        self.changes.send_replace(statuses);
    }

    /// Switches every pool to `keyspace` after a `USE`.
    pub(crate) async fn use_keyspace(&self, keyspace: &str) {
        *self
            .keyspace
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Some(keyspace.to_owned());
        let pools: Vec<NodePool> = self
            .pools
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .cloned()
            .collect();
        for pool in pools {
            pool.use_keyspace(keyspace).await;
        }
    }

    /// The server said the node at `address` is up: connect now rather than after the delay.
    pub(crate) fn node_reported_up(&self, address: SocketAddr) {
        if let Some(pool) = self.pool(address) {
            pool.wake();
        }
    }

    /// Starts refilling pools that lost connections, and marks up a node reported down whose
    /// connections still work (a `DOWN` event is a hint; the pool's own connections decide).
    pub(crate) fn maintain(&self) {
        let pools: Vec<(SocketAddr, NodePool)> = self
            .pools
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(a, p)| (*a, p.clone()))
            .collect();
        for (address, pool) in pools {
            pool.ensure_filled();
            let down = self
                .states
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(&address)
                == Some(&NodeState::Down);
            if down && pool.open_connections() > 0 {
                tracing::info!(%address, "node reported down still has open connections");
                self.set_state(address, NodeState::Up);
            }
        }
    }

    /// The protocol version of any open connection.
    pub(crate) fn protocol_version(&self) -> Option<crate::protocol::ProtocolVersion> {
        let pools = self.pools.read().unwrap_or_else(PoisonError::into_inner);
        pools.values().find_map(|p| {
            p.connections()
                .iter()
                .find(|c| !c.is_closed())
                .map(crate::connection::Connection::protocol_version)
        })
    }

    /// Closes every pool.
    pub(crate) async fn close(&self) {
        self.closed.store(true, Ordering::Release);
        let pools: Vec<NodePool> = self
            .pools
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .drain()
            .map(|(_, p)| p)
            .collect();
        {
            let _states = self.states.lock().unwrap_or_else(PoisonError::into_inner);
            self.refresh_view(self.snapshot());
        }
        for pool in pools {
            pool.close().await;
        }
    }
}
