//! Restricting another policy to a set of node addresses.

use std::collections::HashSet;
use std::net::SocketAddr;

use super::{LoadBalancingPolicy, NodeDistance, QueryPlan, RoutingInfo};
use crate::cluster::ClusterSnapshot;

/// Wraps a policy and drops from its plans every node whose native address is not listed.
/// Useful to pin an application (or a test) to some nodes of a larger cluster.
///
/// ```
/// use ringbolt_driver::cluster::{ClusterSnapshot, NodeInfo};
/// use ringbolt_driver::policies::load_balancing::{AllowListPolicy, LoadBalancingPolicy, RoundRobinPolicy, RoutingInfo};
/// use ringbolt_driver::protocol::Consistency;
///
/// let nodes = (1..=3u8)
///     .map(|i| NodeInfo::new(uuid::Uuid::from_u128(i.into()), ([127, 0, 0, i], 9042).into(), "dc1", "r1"))
///     .collect();
/// let cluster = ClusterSnapshot::new(nodes, []);
/// let policy = AllowListPolicy::new(RoundRobinPolicy::new(), ["127.0.0.2:9042".parse().unwrap()]);
/// assert_eq!(policy.plan(&RoutingInfo::new(Consistency::One), &cluster).as_slice(), [1]);
/// ```
#[derive(Debug)]
pub struct AllowListPolicy<P> {
    inner: P,
    allowed: HashSet<SocketAddr>,
}

impl<P: LoadBalancingPolicy> AllowListPolicy<P> {
    /// Restricts `inner` to the nodes at `allowed` addresses.
    ///
    /// ```
    /// # use ringbolt_driver::policies::load_balancing::{AllowListPolicy, DefaultLoadBalancingPolicy};
    /// let policy = AllowListPolicy::new(
    ///     DefaultLoadBalancingPolicy::new(),
    ///     ["10.0.0.1:9042".parse().unwrap(), "10.0.0.2:9042".parse().unwrap()],
    /// );
    /// ```
    pub fn new(inner: P, allowed: impl IntoIterator<Item = SocketAddr>) -> AllowListPolicy<P> {
        AllowListPolicy {
            inner,
            allowed: allowed.into_iter().collect(),
        }
    }

    /// Whether node `index` of `cluster` is allowed.
    ///
    /// ```
    /// # use ringbolt_driver::cluster::{ClusterSnapshot, NodeInfo};
    /// # use ringbolt_driver::policies::load_balancing::{AllowListPolicy, RoundRobinPolicy};
    /// let addr = "10.0.0.1:9042".parse().unwrap();
    /// let cluster = ClusterSnapshot::new(vec![NodeInfo::new(uuid::Uuid::nil(), addr, "dc1", "r1")], []);
    /// assert!(AllowListPolicy::new(RoundRobinPolicy::new(), [addr]).allows(&cluster, 0));
    /// ```
    pub fn allows(&self, cluster: &ClusterSnapshot, index: usize) -> bool {
        cluster
            .node(index)
            .is_some_and(|n| self.allowed.contains(&n.address))
    }
}

impl<P: LoadBalancingPolicy> LoadBalancingPolicy for AllowListPolicy<P> {
    fn plan(&self, request: &RoutingInfo<'_>, cluster: &ClusterSnapshot) -> QueryPlan {
        self.inner
            .plan(request, cluster)
            .into_iter()
            .filter(|&i| self.allows(cluster, i))
            .collect()
    }

    /// `Ignored` for nodes not listed, else the inner policy's distance.
    fn distance(&self, cluster: &ClusterSnapshot, index: usize) -> NodeDistance {
        if self.allows(cluster, index) {
            self.inner.distance(cluster, index)
        } else {
            NodeDistance::Ignored
        }
    }
}
