//! The default policy: token-aware and datacenter-aware.

use smallvec::SmallVec;

use super::rng::{Rotation, Shuffler};
use super::{targeted_plan, LoadBalancingPolicy, NodeDistance, QueryPlan, RoutingInfo};
use crate::cluster::ClusterSnapshot;

/// Token-aware, datacenter-aware load balancing; the driver's default.
///
/// The plan for a request is, in order:
/// 1. the request's replicas in the local datacenter (when keyspace and token are known),
///    shuffled so load spreads over them, then those with at least
///    [`busy_threshold`](Self::busy_threshold) requests in flight moved behind the others;
/// 2. the other nodes of the local datacenter, in round-robin order;
/// 3. for each remote datacenter (by name), at most
///    [`max_nodes_per_remote_dc`](Self::max_nodes_per_remote_dc) nodes, its replicas first,
///    but never for `LOCAL_ONE`, `LOCAL_QUORUM` or `LOCAL_SERIAL` unless
///    [`allow_remote_dcs_for_local_consistency`](Self::allow_remote_dcs_for_local_consistency).
///
/// Nodes marked [`Down`](crate::cluster::NodeState::Down) are left out. Without a configured
/// local datacenter every node counts as local (check the configuration with
/// [`local_datacenter_check`](super::local_datacenter_check)). A request with a
/// [`target_node`](RoutingInfo::target_node) goes to that node only.
///
/// ```
/// use ringbolt_driver::policies::load_balancing::DefaultLoadBalancingPolicy;
/// let policy = DefaultLoadBalancingPolicy::new()
///     .local_datacenter("dc1")
///     .max_nodes_per_remote_dc(2)
///     .busy_threshold(64);
/// ```
#[derive(Debug)]
pub struct DefaultLoadBalancingPolicy {
    local_datacenter: Option<String>,
    token_aware: bool,
    max_nodes_per_remote_dc: usize,
    allow_remote_for_local_consistency: bool,
    busy_threshold: usize,
    rotation: Rotation,
    shuffler: Shuffler,
}

impl Default for DefaultLoadBalancingPolicy {
    fn default() -> Self {
        DefaultLoadBalancingPolicy::new()
    }
}

impl DefaultLoadBalancingPolicy {
    /// Token-aware, no local datacenter, no remote nodes, busy threshold 128.
    ///
    /// ```
    /// # use ringbolt_driver::policies::load_balancing::DefaultLoadBalancingPolicy;
    /// let policy = DefaultLoadBalancingPolicy::new();
    /// ```
    pub fn new() -> DefaultLoadBalancingPolicy {
        DefaultLoadBalancingPolicy {
            local_datacenter: None,
            token_aware: true,
            max_nodes_per_remote_dc: 0,
            allow_remote_for_local_consistency: false,
            busy_threshold: 128,
            rotation: Rotation::default(),
            shuffler: Shuffler::from_entropy(),
        }
    }

    /// The datacenter this application runs next to.
    ///
    /// ```
    /// # use ringbolt_driver::policies::load_balancing::DefaultLoadBalancingPolicy;
    /// let policy = DefaultLoadBalancingPolicy::new().local_datacenter("eu-west");
    /// ```
    pub fn local_datacenter(mut self, datacenter: impl Into<String>) -> Self {
        self.local_datacenter = Some(datacenter.into());
        self
    }

    /// Whether replicas of the request's token go first (default true).
    ///
    /// ```
    /// # use ringbolt_driver::policies::load_balancing::DefaultLoadBalancingPolicy;
    /// let policy = DefaultLoadBalancingPolicy::new().token_aware(false);
    /// ```
    pub fn token_aware(mut self, enabled: bool) -> Self {
        self.token_aware = enabled;
        self
    }

    /// How many nodes of each remote datacenter a plan may end with (default 0: none).
    ///
    /// ```
    /// # use ringbolt_driver::policies::load_balancing::DefaultLoadBalancingPolicy;
    /// let policy = DefaultLoadBalancingPolicy::new().local_datacenter("dc1").max_nodes_per_remote_dc(2);
    /// ```
    pub fn max_nodes_per_remote_dc(mut self, count: usize) -> Self {
        self.max_nodes_per_remote_dc = count;
        self
    }

    /// Whether remote nodes may serve `LOCAL_*` consistencies too (default false: such a
    /// request would be evaluated against the remote datacenter's replicas, which is rarely
    /// what the application meant).
    ///
    /// ```
    /// # use ringbolt_driver::policies::load_balancing::DefaultLoadBalancingPolicy;
    /// let policy = DefaultLoadBalancingPolicy::new()
    ///     .local_datacenter("dc1")
    ///     .max_nodes_per_remote_dc(1)
    ///     .allow_remote_dcs_for_local_consistency(true);
    /// ```
    pub fn allow_remote_dcs_for_local_consistency(mut self, allow: bool) -> Self {
        self.allow_remote_for_local_consistency = allow;
        self
    }

    /// In-flight requests from which a replica counts as busy and moves behind the idle
    /// replicas (default 128).
    ///
    /// ```
    /// # use ringbolt_driver::policies::load_balancing::DefaultLoadBalancingPolicy;
    /// let policy = DefaultLoadBalancingPolicy::new().busy_threshold(32);
    /// ```
    pub fn busy_threshold(mut self, in_flight: usize) -> Self {
        self.busy_threshold = in_flight;
        self
    }

    /// Makes the replica shuffles reproducible (tests, simulations).
    ///
    /// ```
    /// # use ringbolt_driver::policies::load_balancing::DefaultLoadBalancingPolicy;
    /// let policy = DefaultLoadBalancingPolicy::new().with_seed(42);
    /// ```
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.shuffler = Shuffler::new(seed);
        self
    }

    fn is_local(&self, cluster: &ClusterSnapshot, index: usize) -> bool {
        match (&self.local_datacenter, cluster.node(index)) {
            (None, Some(_)) => true,
            (Some(dc), Some(node)) => node.datacenter == *dc,
            (_, None) => false,
        }
    }
}

/// Builds a plan without duplicates, without allocating for clusters of up to 256 nodes
/// (one bit per node marks those already planned).
struct PlanBuilder {
    used: SmallVec<[u64; 4]>,
    plan: QueryPlan,
}

impl PlanBuilder {
    fn new(node_count: usize) -> PlanBuilder {
        PlanBuilder {
            used: smallvec::smallvec![0; node_count.div_ceil(64)],
            plan: QueryPlan::default(),
        }
    }

    /// Adds `index` unless already there or out of range; returns whether it was added.
    fn push(&mut self, index: usize) -> bool {
        let bit = 1u64 << (index % 64);
        match self.used.get_mut(index / 64) {
            Some(word) if *word & bit == 0 => {
                *word |= bit;
                self.plan.nodes.push(index);
                true
            }
            _ => false,
        }
    }
}

/// `nodes` starting at offset `start` and wrapping round.
fn rotated(nodes: &[usize], start: usize) -> impl Iterator<Item = usize> + '_ {
    let split = if nodes.is_empty() {
        0
    } else {
        start % nodes.len()
    };
    let (a, b) = nodes.split_at(split);
    b.iter().chain(a.iter()).copied()
}

impl LoadBalancingPolicy for DefaultLoadBalancingPolicy {
    fn plan(&self, request: &RoutingInfo<'_>, cluster: &ClusterSnapshot) -> QueryPlan {
        if let Some(plan) = targeted_plan(request, cluster) {
            return plan;
        }
        let mut plan = PlanBuilder::new(cluster.nodes().len());
        let replicas = match (self.token_aware, request.keyspace, request.token) {
            (true, Some(keyspace), Some(token)) => cluster.replicas(keyspace, token),
            _ => &[],
        };

        // 1. Local replicas, shuffled, busy ones last (the sort is stable).
        let mut local_replicas: SmallVec<[usize; 8]> = replicas
            .iter()
            .copied()
            .filter(|&i| self.is_local(cluster, i) && cluster.is_queryable(i))
            .collect();
        self.shuffler.shuffle(&mut local_replicas);
        local_replicas.sort_by_key(|&i| request.in_flight_on(i) >= self.busy_threshold);
        for i in local_replicas {
            plan.push(i);
        }

        // 2. The other local nodes, round robin.
        let start = self.rotation.next();
        let mut push_local = |i: usize| {
            if cluster.is_queryable(i) {
                plan.push(i);
            }
        };
        match &self.local_datacenter {
            Some(dc) => rotated(cluster.datacenter_nodes(dc), start).for_each(&mut push_local),
            None => {
                let count = cluster.nodes().len();
                let split = if count == 0 { 0 } else { start % count };
                (split..count).chain(0..split).for_each(&mut push_local);
            }
        }

        // 3. Remote datacenters, bounded.
        let remote_allowed =
            !request.is_datacenter_local() || self.allow_remote_for_local_consistency;
        if let (Some(local), true) = (&self.local_datacenter, remote_allowed) {
            for (dc, dc_nodes) in cluster.datacenters().filter(|(dc, _)| dc != local) {
                let mut taken = 0;
                let in_dc = |i: &usize| cluster.node(*i).is_some_and(|n| n.datacenter == dc);
                let candidates = replicas
                    .iter()
                    .copied()
                    .filter(in_dc)
                    .chain(rotated(dc_nodes, start));
                for i in candidates {
                    if taken >= self.max_nodes_per_remote_dc {
                        break;
                    }
                    if cluster.is_queryable(i) && plan.push(i) {
                        taken += 1;
                    }
                }
            }
        }
        plan.plan
    }

    /// Local datacenter nodes are `Local`; remote ones `Remote` when plans may include them
    /// (`max_nodes_per_remote_dc > 0`), else `Ignored`; unknown indexes `Ignored`.
    fn distance(&self, cluster: &ClusterSnapshot, index: usize) -> NodeDistance {
        if cluster.node(index).is_none() {
            NodeDistance::Ignored
        } else if self.is_local(cluster, index) {
            NodeDistance::Local
        } else if self.max_nodes_per_remote_dc > 0 {
            NodeDistance::Remote
        } else {
            NodeDistance::Ignored
        }
    }
}
