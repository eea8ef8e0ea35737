//! Load balancing: which nodes a request tries, in which order.
//!
//! A [`LoadBalancingPolicy`] turns a request's [`RoutingInfo`] and the current
//! [`ClusterSnapshot`] into a [`QueryPlan`]: node indexes, the first to be tried first. The
//! execution loop walks the plan; the policy never connects anywhere.
//!
//! Built-ins:
//! - [`DefaultLoadBalancingPolicy`]: token-aware and datacenter-aware (replicas in the local
//!   datacenter first, busy ones moved back, then the other local nodes, then a bounded number
//!   of nodes per remote datacenter when the consistency allows it).
//! - [`DcAwareRoundRobinPolicy`]: the same without token awareness.
//! - [`RoundRobinPolicy`]: every node in turn, ignoring datacenters.
//! - [`AllowListPolicy`]: restricts another policy's plans to listed addresses.
//!
//! ```
//! use ringbolt_driver::cluster::{ClusterSnapshot, NodeInfo, ReplicationStrategy, Token};
//! use ringbolt_driver::policies::load_balancing::{DefaultLoadBalancingPolicy, LoadBalancingPolicy, RoutingInfo};
//! use ringbolt_driver::protocol::Consistency;
//!
//! let nodes: Vec<NodeInfo> = (0..4u8)
//!     .map(|i| {
//!         let dc = if i < 3 { "dc1" } else { "dc2" };
//!         NodeInfo::new(uuid::Uuid::from_u128(i.into()), ([127, 0, 0, i + 1], 9042).into(), dc, "r1")
//!             .with_tokens(vec![i64::from(i) * 100])
//!     })
//!     .collect();
//! let cluster = ClusterSnapshot::new(
//!     nodes,
//!     [("ks".to_string(), ReplicationStrategy::Simple { replication_factor: 2 })],
//! );
//! let policy = DefaultLoadBalancingPolicy::new().local_datacenter("dc1");
//! let mut request = RoutingInfo::new(Consistency::LocalQuorum);
//! request.keyspace = Some("ks");
//! request.token = Some(Token(50)); // replicas: node 1 (dc1), node 2 (dc1)
//! let plan = policy.plan(&request, &cluster);
//! assert_eq!(plan.len(), 3); // the dc1 nodes only: LOCAL_QUORUM stays local
//! assert!(plan.as_slice()[..2].contains(&1) && plan.as_slice()[..2].contains(&2));
//! assert_eq!(plan.as_slice()[2], 0);
//! ```

mod allow_list;
mod datacenter;
mod default;
mod rng;
mod round_robin;

use std::fmt;
use std::sync::Arc;

use smallvec::SmallVec;

pub use allow_list::AllowListPolicy;
pub use datacenter::{local_datacenter_check, LocalDatacenterError};
pub use default::DefaultLoadBalancingPolicy;
pub use round_robin::{DcAwareRoundRobinPolicy, RoundRobinPolicy};

use crate::cluster::{ClusterSnapshot, Token};
use crate::protocol::{Consistency, SerialConsistency};

/// Requests in flight per node, as a load-balancing policy may read them.
///
/// The session answers from its pools without building a list per request; a slice of
/// counts indexed by node works too (tests, custom callers).
///
/// ```
/// use ringbolt_driver::policies::load_balancing::NodeLoad;
/// let counts: &[usize] = &[3, 9];
/// assert_eq!((counts.in_flight(1), counts.in_flight(5)), (9, 0));
/// ```
pub trait NodeLoad: Sync {
    /// Requests in flight on node `index` (0 when unknown).
    fn in_flight(&self, index: usize) -> usize;
}

impl NodeLoad for [usize] {
    fn in_flight(&self, index: usize) -> usize {
        self.get(index).copied().unwrap_or(0)
    }
}

impl<const N: usize> NodeLoad for [usize; N] {
    fn in_flight(&self, index: usize) -> usize {
        self.as_slice().in_flight(index)
    }
}

impl NodeLoad for Vec<usize> {
    fn in_flight(&self, index: usize) -> usize {
        self.as_slice().in_flight(index)
    }
}

/// What a load-balancing policy knows about one request.
#[derive(Clone, Copy)]
pub struct RoutingInfo<'a> {
    /// The keyspace the statement works in (its own, or the session's).
    pub keyspace: Option<&'a str>,
    /// The token of the statement's partition key, when known (prepared statements with all
    /// partition key values bound).
    pub token: Option<Token>,
    /// The request's consistency.
    pub consistency: Consistency,
    /// The serial consistency of a lightweight transaction.
    pub serial_consistency: Option<SerialConsistency>,
    /// A node the application asked for explicitly: the plan is then that node only.
    pub target_node: Option<usize>,
    /// Requests in flight per node index (unknown nodes count as 0), so policies can move
    /// busy nodes back. Read it through [`in_flight_on`](Self::in_flight_on).
    pub in_flight: &'a dyn NodeLoad,
}

impl fmt::Debug for RoutingInfo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoutingInfo")
            .field("keyspace", &self.keyspace)
            .field("token", &self.token)
            .field("consistency", &self.consistency)
            .field("serial_consistency", &self.serial_consistency)
            .field("target_node", &self.target_node)
            .finish_non_exhaustive()
    }
}

impl<'a> RoutingInfo<'a> {
    /// A request with only a consistency: no keyspace, token, target or load information.
    ///
    /// ```
    /// # use ringbolt_driver::policies::RoutingInfo;
    /// # use ringbolt_driver::protocol::Consistency;
    /// let r = RoutingInfo::new(Consistency::One);
    /// assert!(r.token.is_none() && r.in_flight_on(0) == 0);
    /// ```
    pub fn new(consistency: Consistency) -> RoutingInfo<'a> {
        RoutingInfo {
            keyspace: None,
            token: None,
            consistency,
            serial_consistency: None,
            target_node: None,
            in_flight: &NO_LOAD,
        }
    }

    /// Requests in flight on node `index` (0 when unknown).
    ///
    /// ```
    /// # use ringbolt_driver::policies::RoutingInfo;
    /// # use ringbolt_driver::protocol::Consistency;
    /// let mut r = RoutingInfo::new(Consistency::One);
    /// r.in_flight = &[3, 9];
    /// assert_eq!((r.in_flight_on(1), r.in_flight_on(5)), (9, 0));
    /// ```
    pub fn in_flight_on(&self, index: usize) -> usize {
        self.in_flight.in_flight(index)
    }

    /// Whether the request must stay in the local datacenter: consistency `LOCAL_ONE` or
    /// `LOCAL_QUORUM`, or serial consistency `LOCAL_SERIAL`.
    ///
    /// ```
    /// # use ringbolt_driver::policies::RoutingInfo;
    /// # use ringbolt_driver::protocol::Consistency;
    /// assert!(RoutingInfo::new(Consistency::LocalOne).is_datacenter_local());
    /// assert!(!RoutingInfo::new(Consistency::Quorum).is_datacenter_local());
    /// ```
    pub fn is_datacenter_local(&self) -> bool {
        matches!(
            self.consistency,
            Consistency::LocalOne | Consistency::LocalQuorum | Consistency::LocalSerial
        ) || self.serial_consistency == Some(SerialConsistency::LocalSerial)
    }
}

/// No load information: every node counts as idle.
const NO_LOAD: [usize; 0] = [];

/// Plans of up to this many nodes are held inline (no allocation).
const INLINE_PLAN: usize = 16;

/// The nodes to try for one request, in order, as indexes into
/// [`ClusterSnapshot::nodes`]. No index appears twice. Plans of up to 16 nodes are stored
/// inline, so making one allocates nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryPlan {
    nodes: SmallVec<[usize; INLINE_PLAN]>,
}

impl QueryPlan {
    /// The node indexes in order.
    ///
    /// ```
    /// # use ringbolt_driver::policies::QueryPlan;
    /// let plan: QueryPlan = vec![2, 0].into();
    /// assert_eq!(plan.as_slice(), [2, 0]);
    /// ```
    pub fn as_slice(&self) -> &[usize] {
        &self.nodes
    }

    /// How many nodes the plan holds.
    ///
    /// ```
    /// # use ringbolt_driver::policies::QueryPlan;
    /// assert_eq!(QueryPlan::from(vec![4, 1]).len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the plan is empty (no node may be tried: the request fails at once).
    ///
    /// ```
    /// # use ringbolt_driver::policies::QueryPlan;
    /// assert!(QueryPlan::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Iterates the node indexes in order.
    ///
    /// ```
    /// # use ringbolt_driver::policies::QueryPlan;
    /// let plan: QueryPlan = [3, 1].into_iter().collect();
    /// assert_eq!(plan.iter().collect::<Vec<_>>(), [3, 1]);
    /// ```
    pub fn iter(&self) -> std::iter::Copied<std::slice::Iter<'_, usize>> {
        self.nodes.iter().copied()
    }
}

impl From<Vec<usize>> for QueryPlan {
    fn from(nodes: Vec<usize>) -> QueryPlan {
        QueryPlan {
            nodes: SmallVec::from_vec(nodes),
        }
    }
}

impl FromIterator<usize> for QueryPlan {
    fn from_iter<I: IntoIterator<Item = usize>>(iter: I) -> QueryPlan {
        QueryPlan {
            nodes: iter.into_iter().collect(),
        }
    }
}

impl IntoIterator for QueryPlan {
    type Item = usize;
    type IntoIter = QueryPlanIntoIter;
    fn into_iter(self) -> QueryPlanIntoIter {
        QueryPlanIntoIter(self.nodes.into_iter())
    }
}

/// The node indexes of a [`QueryPlan`], by value, in order.
///
/// ```
/// # use ringbolt_driver::policies::QueryPlan;
/// let mut nodes = QueryPlan::from(vec![1, 0]).into_iter();
/// assert_eq!((nodes.next(), nodes.next(), nodes.next()), (Some(1), Some(0), None));
/// ```
pub struct QueryPlanIntoIter(smallvec::IntoIter<[usize; INLINE_PLAN]>);

impl Iterator for QueryPlanIntoIter {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        self.0.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl ExactSizeIterator for QueryPlanIntoIter {}

impl fmt::Debug for QueryPlanIntoIter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.as_slice()).finish()
    }
}

/// How far a node is from this application, as a load-balancing policy sees it; the pool
/// sizes its connections by distance.
///
/// ```
/// use ringbolt_driver::cluster::{ClusterSnapshot, NodeInfo};
/// use ringbolt_driver::policies::load_balancing::{DefaultLoadBalancingPolicy, LoadBalancingPolicy, NodeDistance};
///
/// let nodes = ["dc1", "dc2"]
///     .iter()
///     .enumerate()
///     .map(|(i, dc)| NodeInfo::new(uuid::Uuid::from_u128(i as u128), ([127, 0, 0, i as u8 + 1], 9042).into(), *dc, "r1"))
///     .collect();
/// let cluster = ClusterSnapshot::new(nodes, []);
/// let policy = DefaultLoadBalancingPolicy::new().local_datacenter("dc1");
/// assert_eq!(policy.distance(&cluster, 0), NodeDistance::Local);
/// assert_eq!(policy.distance(&cluster, 1), NodeDistance::Ignored); // no remote nodes planned
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeDistance {
    /// A node the policy plans first (the local datacenter): a full pool.
    Local,
    /// A node the policy may plan as a fallback (a remote datacenter): a small pool.
    Remote,
    /// A node the policy never plans: no connections.
    Ignored,
}

/// Chooses the nodes a request tries. Implementations are pure: they read the request, the
/// snapshot and their own counters, and return a plan.
///
/// ```
/// use ringbolt_driver::cluster::ClusterSnapshot;
/// use ringbolt_driver::policies::{LoadBalancingPolicy, QueryPlan, RoutingInfo};
///
/// /// Always the first node.
/// struct FirstNode;
/// impl LoadBalancingPolicy for FirstNode {
///     fn plan(&self, _: &RoutingInfo<'_>, cluster: &ClusterSnapshot) -> QueryPlan {
///         (0..cluster.nodes().len().min(1)).collect()
///     }
/// }
/// ```
pub trait LoadBalancingPolicy: Send + Sync {
    /// The query plan for one request.
    fn plan(&self, request: &RoutingInfo<'_>, cluster: &ClusterSnapshot) -> QueryPlan;

    /// How far node `index` is; by default every node is [`NodeDistance::Local`].
    fn distance(&self, cluster: &ClusterSnapshot, index: usize) -> NodeDistance {
        let _ = (cluster, index);
        NodeDistance::Local
    }
}

impl<P: LoadBalancingPolicy + ?Sized> LoadBalancingPolicy for Arc<P> {
    fn plan(&self, request: &RoutingInfo<'_>, cluster: &ClusterSnapshot) -> QueryPlan {
        (**self).plan(request, cluster)
    }
    fn distance(&self, cluster: &ClusterSnapshot, index: usize) -> NodeDistance {
        (**self).distance(cluster, index)
    }
}

impl<P: LoadBalancingPolicy + ?Sized> LoadBalancingPolicy for Box<P> {
    fn plan(&self, request: &RoutingInfo<'_>, cluster: &ClusterSnapshot) -> QueryPlan {
        (**self).plan(request, cluster)
    }
    fn distance(&self, cluster: &ClusterSnapshot, index: usize) -> NodeDistance {
        (**self).distance(cluster, index)
    }
}

/// The plan for a request with an explicit target node: that node alone (whatever its state,
/// since the application asked for it), or nothing when the index is unknown. `None` when the
/// request has no target.
fn targeted_plan(request: &RoutingInfo<'_>, cluster: &ClusterSnapshot) -> Option<QueryPlan> {
    request.target_node.map(|i| {
        if cluster.node(i).is_some() {
            std::iter::once(i).collect()
        } else {
            QueryPlan::default()
        }
    })
}

#[cfg(test)]
mod tests;
