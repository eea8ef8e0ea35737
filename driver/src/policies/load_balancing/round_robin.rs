//! Round-robin policies: every node in turn, or every local node in turn.

use super::default::DefaultLoadBalancingPolicy;
use super::rng::Rotation;
use super::{targeted_plan, LoadBalancingPolicy, NodeDistance, QueryPlan, RoutingInfo};
use crate::cluster::ClusterSnapshot;

/// Every node that is not down, starting one further at each request; ignores datacenters
/// and tokens. Suits single-datacenter clusters and tests.
///
/// ```
/// use ringbolt_driver::cluster::{ClusterSnapshot, NodeInfo};
/// use ringbolt_driver::policies::load_balancing::{LoadBalancingPolicy, RoundRobinPolicy, RoutingInfo};
/// use ringbolt_driver::protocol::Consistency;
///
/// let nodes = (1..=3u8)
///     .map(|i| NodeInfo::new(uuid::Uuid::from_u128(i.into()), ([127, 0, 0, i], 9042).into(), "dc1", "r1"))
///     .collect();
/// let cluster = ClusterSnapshot::new(nodes, []);
/// let policy = RoundRobinPolicy::new();
/// let request = RoutingInfo::new(Consistency::One);
/// assert_eq!(policy.plan(&request, &cluster).as_slice(), [0, 1, 2]);
/// assert_eq!(policy.plan(&request, &cluster).as_slice(), [1, 2, 0]);
/// ```
#[derive(Debug, Default)]
pub struct RoundRobinPolicy {
    rotation: Rotation,
}

impl RoundRobinPolicy {
    /// A policy starting at node 0.
    ///
    /// ```
    /// # use ringbolt_driver::policies::load_balancing::RoundRobinPolicy;
    /// let policy = RoundRobinPolicy::new();
    /// ```
    pub fn new() -> RoundRobinPolicy {
        RoundRobinPolicy::default()
    }
}

impl LoadBalancingPolicy for RoundRobinPolicy {
    fn plan(&self, request: &RoutingInfo<'_>, cluster: &ClusterSnapshot) -> QueryPlan {
        if let Some(plan) = targeted_plan(request, cluster) {
            return plan;
        }
        let n = cluster.nodes().len();
        if n == 0 {
            return QueryPlan::default();
        }
        let start = self.rotation.next() % n;
        (start..n)
            .chain(0..start)
            .filter(|&i| cluster.is_queryable(i))
            .collect()
    }
}

/// The local datacenter's nodes in turn, then (when allowed) up to a few nodes per remote
/// datacenter; no token awareness. This is [`DefaultLoadBalancingPolicy`] with token awareness
/// off, so the remote-datacenter rules are the same.
///
/// ```
/// use ringbolt_driver::policies::load_balancing::DcAwareRoundRobinPolicy;
/// let policy = DcAwareRoundRobinPolicy::new("dc1").max_nodes_per_remote_dc(1);
/// ```
#[derive(Debug)]
pub struct DcAwareRoundRobinPolicy {
    inner: DefaultLoadBalancingPolicy,
}

impl DcAwareRoundRobinPolicy {
    /// Round robin over `local_datacenter`, no remote nodes.
    ///
    /// ```
    /// # use ringbolt_driver::policies::load_balancing::DcAwareRoundRobinPolicy;
    /// let policy = DcAwareRoundRobinPolicy::new("dc1");
    /// ```
    pub fn new(local_datacenter: impl Into<String>) -> DcAwareRoundRobinPolicy {
        DcAwareRoundRobinPolicy {
            inner: DefaultLoadBalancingPolicy::new()
                .local_datacenter(local_datacenter)
                .token_aware(false),
        }
    }

    /// How many nodes of each remote datacenter a plan may end with (default 0).
    ///
    /// ```
    /// # use ringbolt_driver::policies::load_balancing::DcAwareRoundRobinPolicy;
    /// let policy = DcAwareRoundRobinPolicy::new("dc1").max_nodes_per_remote_dc(2);
    /// ```
    pub fn max_nodes_per_remote_dc(mut self, count: usize) -> Self {
        self.inner = self.inner.max_nodes_per_remote_dc(count);
        self
    }

    /// Whether remote nodes may serve `LOCAL_*` consistencies (default false).
    ///
    /// ```
    /// # use ringbolt_driver::policies::load_balancing::DcAwareRoundRobinPolicy;
    /// let policy = DcAwareRoundRobinPolicy::new("dc1")
    ///     .max_nodes_per_remote_dc(1)
    ///     .allow_remote_dcs_for_local_consistency(true);
    /// ```
    pub fn allow_remote_dcs_for_local_consistency(mut self, allow: bool) -> Self {
        self.inner = self.inner.allow_remote_dcs_for_local_consistency(allow);
        self
    }
}

impl LoadBalancingPolicy for DcAwareRoundRobinPolicy {
    fn plan(&self, request: &RoutingInfo<'_>, cluster: &ClusterSnapshot) -> QueryPlan {
        self.inner.plan(request, cluster)
    }

    fn distance(&self, cluster: &ClusterSnapshot, index: usize) -> NodeDistance {
        self.inner.distance(cluster, index)
    }
}
