//! Replication strategies, read from the `replication` column of `system_schema.keyspaces`.
//!
//! ```
//! use std::collections::HashMap;
//! use ringbolt_driver::cluster::replication::ReplicationStrategy;
//!
//! let map = HashMap::from([
//!     ("class".to_string(), "org.apache.cassandra.locator.NetworkTopologyStrategy".to_string()),
//!     ("dc1".to_string(), "3".to_string()),
//!     ("dc2".to_string(), "2".to_string()),
//! ]);
//! let strategy = ReplicationStrategy::from_replication_map(&map).unwrap();
//! assert_eq!(strategy.replication_factor_in("dc2"), 2);
//! ```

use std::collections::{BTreeMap, HashMap};

/// How a keyspace places its replicas.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ReplicationStrategy {
    /// `SimpleStrategy`: the next `replication_factor` distinct nodes clockwise on the ring,
    /// ignoring datacenters and racks.
    Simple {
        /// Number of replicas.
        replication_factor: usize,
    },
    /// `NetworkTopologyStrategy`: a replication factor per datacenter, spreading replicas
    /// over distinct racks first.
    NetworkTopology {
        /// Replicas per datacenter name.
        datacenters: BTreeMap<String, usize>,
    },
    /// `LocalStrategy` (system keyspaces): each node holds its own data; no token routing.
    Local,
    /// `EverywhereStrategy` (DSE, ScyllaDB): every node is a replica.
    Everywhere,
}

/// Why a keyspace's `replication` map could not be understood. The driver then routes that
/// keyspace's requests without token awareness.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReplicationError {
    /// The map has no `class` entry; it does not come from `system_schema.keyspaces`.
    #[error("the replication map has no `class` entry")]
    MissingClass,
    /// A strategy class the driver does not know (a custom strategy).
    #[error("unknown replication strategy class `{class}`; requests to this keyspace are not token-aware")]
    UnknownClass {
        /// The class as the server reported it.
        class: String,
    },
    /// `SimpleStrategy` without `replication_factor`.
    #[error("SimpleStrategy without a `replication_factor` entry")]
    MissingReplicationFactor,
    /// A replication factor that is not a number (or `total/transient` pair of numbers).
    #[error("replication factor `{value}` for `{key}` is not a number")]
    InvalidReplicationFactor {
        /// The map key (`replication_factor` or a datacenter name).
        key: String,
        /// The value found.
        value: String,
    },
}

/// Parses a replication factor: `"3"`, or Cassandra 4's transient form `"3/1"` (3 replicas of
/// which 1 transient; all 3 hold the range, so 3 is returned).
fn parse_factor(key: &str, value: &str) -> Result<usize, ReplicationError> {
    let total = value.split('/').next().unwrap_or(value).trim();
    total
        .parse::<usize>()
        .map_err(|_| ReplicationError::InvalidReplicationFactor {
            key: key.to_string(),
            value: value.to_string(),
        })
}

impl ReplicationStrategy {
    /// Parses the `replication` map of `system_schema.keyspaces`. The class may be short
    /// (`SimpleStrategy`) or fully qualified (`org.apache.cassandra.locator.SimpleStrategy`).
    /// For `NetworkTopologyStrategy`, every entry other than `class` (and a leftover
    /// `replication_factor` option) names a datacenter.
    ///
    /// ```
    /// # use std::collections::HashMap;
    /// # use ringbolt_driver::cluster::replication::{ReplicationError, ReplicationStrategy};
    /// let map = HashMap::from([
    ///     ("class".to_string(), "SimpleStrategy".to_string()),
    ///     ("replication_factor".to_string(), "2".to_string()),
    /// ]);
    /// assert_eq!(
    ///     ReplicationStrategy::from_replication_map(&map),
    ///     Ok(ReplicationStrategy::Simple { replication_factor: 2 })
    /// );
    /// assert_eq!(
    ///     ReplicationStrategy::from_replication_map(&HashMap::new()),
    ///     Err(ReplicationError::MissingClass)
    /// );
    /// ```
    pub fn from_replication_map(
        map: &HashMap<String, String>,
    ) -> Result<ReplicationStrategy, ReplicationError> {
        let class = map.get("class").ok_or(ReplicationError::MissingClass)?;
        let short = class.rsplit('.').next().unwrap_or(class);
        match short {
            "SimpleStrategy" => {
                let rf = map
                    .get("replication_factor")
                    .ok_or(ReplicationError::MissingReplicationFactor)?;
                Ok(ReplicationStrategy::Simple {
                    replication_factor: parse_factor("replication_factor", rf)?,
                })
            }
            "NetworkTopologyStrategy" => {
                let mut datacenters = BTreeMap::new();
                for (key, value) in map {
                    if key == "class" || key == "replication_factor" {
                        continue;
                    }
                    datacenters.insert(key.clone(), parse_factor(key, value)?);
                }
                Ok(ReplicationStrategy::NetworkTopology { datacenters })
            }
            "LocalStrategy" => Ok(ReplicationStrategy::Local),
            "EverywhereStrategy" => Ok(ReplicationStrategy::Everywhere),
            _ => Err(ReplicationError::UnknownClass {
                class: class.clone(),
            }),
        }
    }

    /// How many replicas this strategy keeps in `datacenter` (for `Simple`, the overall
    /// factor; for `Local` and `Everywhere`, 0 as it depends on the topology).
    ///
    /// ```
    /// # use ringbolt_driver::cluster::replication::ReplicationStrategy;
    /// let s = ReplicationStrategy::Simple { replication_factor: 3 };
    /// assert_eq!(s.replication_factor_in("any"), 3);
    /// ```
    pub fn replication_factor_in(&self, datacenter: &str) -> usize {
        match self {
            ReplicationStrategy::Simple { replication_factor } => *replication_factor,
            ReplicationStrategy::NetworkTopology { datacenters } => {
                datacenters.get(datacenter).copied().unwrap_or(0)
            }
            ReplicationStrategy::Local | ReplicationStrategy::Everywhere => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: &[(&str, &str)]) -> HashMap<String, String> {
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_short_and_qualified_class_names() {
        for class in [
            "SimpleStrategy",
            "org.apache.cassandra.locator.SimpleStrategy",
        ] {
            let s = ReplicationStrategy::from_replication_map(&map(&[
                ("class", class),
                ("replication_factor", "3"),
            ]));
            assert_eq!(
                s,
                Ok(ReplicationStrategy::Simple {
                    replication_factor: 3
                })
            );
        }
        let s = ReplicationStrategy::from_replication_map(&map(&[
            (
                "class",
                "org.apache.cassandra.locator.NetworkTopologyStrategy",
            ),
            ("dc1", "3"),
            ("dc2", "1"),
        ]))
        .unwrap();
        assert_eq!(
            s,
            ReplicationStrategy::NetworkTopology {
                datacenters: BTreeMap::from([("dc1".into(), 3), ("dc2".into(), 1)])
            }
        );
        assert_eq!(s.replication_factor_in("dc1"), 3);
        assert_eq!(s.replication_factor_in("dc3"), 0);
        assert_eq!(
            ReplicationStrategy::from_replication_map(&map(&[(
                "class",
                "org.apache.cassandra.locator.LocalStrategy"
            )])),
            Ok(ReplicationStrategy::Local)
        );
        assert_eq!(
            ReplicationStrategy::from_replication_map(&map(&[("class", "EverywhereStrategy")])),
            Ok(ReplicationStrategy::Everywhere)
        );
    }

    #[test]
    fn transient_factor_counts_all_replicas() {
        let s = ReplicationStrategy::from_replication_map(&map(&[
            ("class", "NetworkTopologyStrategy"),
            ("dc1", "3/1"),
        ]))
        .unwrap();
        assert_eq!(s.replication_factor_in("dc1"), 3);
    }

    #[test]
    fn errors_are_typed() {
        assert_eq!(
            ReplicationStrategy::from_replication_map(&map(&[("replication_factor", "1")])),
            Err(ReplicationError::MissingClass)
        );
        assert_eq!(
            ReplicationStrategy::from_replication_map(&map(&[("class", "SimpleStrategy")])),
            Err(ReplicationError::MissingReplicationFactor)
        );
        assert_eq!(
            ReplicationStrategy::from_replication_map(&map(&[
                ("class", "SimpleStrategy"),
                ("replication_factor", "three")
            ])),
            Err(ReplicationError::InvalidReplicationFactor {
                key: "replication_factor".into(),
                value: "three".into()
            })
        );
        assert_eq!(
            ReplicationStrategy::from_replication_map(&map(&[
                ("class", "NetworkTopologyStrategy"),
                ("dc1", "-1")
            ])),
            Err(ReplicationError::InvalidReplicationFactor {
                key: "dc1".into(),
                value: "-1".into()
            })
        );
        let err = ReplicationStrategy::from_replication_map(&map(&[("class", "com.x.MyStrategy")]))
            .unwrap_err();
        assert!(err.to_string().contains("com.x.MyStrategy"));
    }
}
