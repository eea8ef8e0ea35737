//! [`ClusterView`]: what one request's plan reads, published as a whole: the cluster snapshot
//! and the pool of each node, by node index.
//!
//! A plan takes the current view with one `Arc` clone; the policy's load questions and the
//! connection picks then index a vector, without locking the pools' map or hashing addresses
//! per node.

use std::sync::Arc;

use super::NodePool;
use crate::cluster::ClusterSnapshot;
use crate::policies::load_balancing::NodeLoad;

/// The snapshot and the pools of its nodes (`None`: the node is ignored, or its pool could
/// not be opened).
pub(crate) struct ClusterView {
    snapshot: Arc<ClusterSnapshot>,
    pools: Vec<Option<NodePool>>,
}

impl ClusterView {
    /// A view of `snapshot` with the pool of each node from `pool_of`.
    pub(crate) fn new(
        snapshot: Arc<ClusterSnapshot>,
        mut pool_of: impl FnMut(std::net::SocketAddr) -> Option<NodePool>,
    ) -> ClusterView {
        let pools = snapshot
            .nodes()
            .iter()
            .map(|n| pool_of(n.address))
            .collect();
        ClusterView { snapshot, pools }
    }

    /// The snapshot the view was made of.
    pub(crate) fn snapshot(&self) -> &Arc<ClusterSnapshot> {
        &self.snapshot
    }

    /// The pool of node `index`.
    pub(crate) fn pool(&self, index: usize) -> Option<&NodePool> {
        self.pools.get(index).and_then(Option::as_ref)
    }
}

impl NodeLoad for ClusterView {
    fn in_flight(&self, index: usize) -> usize {
        self.pool(index).map_or(0, NodePool::in_flight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::NodeInfo;
    use crate::connection::fake_peer::{fake_cluster, Action, PeerConfig};
    use crate::connection::ConnectionConfig;
    use crate::pool::PoolSettings;
    use crate::protocol::response::Response;

    #[tokio::test]
    async fn pools_are_found_by_node_index() {
        let nodes: Vec<NodeInfo> = (1..=3u8)
            .map(|i| {
                NodeInfo::new(
                    uuid::Uuid::from_u128(i.into()),
                    ([127, 0, 0, i], 9042).into(),
                    "dc1",
                    "r1",
                )
            })
            .collect();
        let snapshot = Arc::new(ClusterSnapshot::new(nodes, []));
        let (connector, _control) =
            fake_cluster(PeerConfig::new(|_| Action::Reply(Response::Ready)));
        let idle = PoolSettings {
            size: 0,
            ..PoolSettings::default()
        };
        let address = ([127, 0, 0, 2], 9042).into();
        let second = NodePool::new(
            connector,
            Some(address),
            ConnectionConfig::default(),
            idle,
            None,
        );
        let view = ClusterView::new(snapshot, |a| (a == address).then(|| second.clone()));
        assert!(view.pool(0).is_none());
        assert_eq!(view.pool(1).and_then(NodePool::address), Some(address));
        assert!(view.pool(2).is_none() && view.pool(7).is_none());
        assert_eq!((view.in_flight(1), view.in_flight(7)), (0, 0));
        second.close().await;
    }
}
