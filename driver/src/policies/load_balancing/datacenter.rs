//! Checking the configured local datacenter against what the cluster reports.

use std::collections::BTreeSet;

/// The configured local datacenter does not fit the cluster.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LocalDatacenterError {
    /// The configured name is not one of the cluster's datacenters (a typo, or the wrong
    /// cluster).
    #[error(
        "the local datacenter `{configured}` is not a datacenter of this cluster, which reports: {}; \
         set the local datacenter to one of them",
        list(available)
    )]
    NotInCluster {
        /// The name the application configured.
        configured: String,
        /// The datacenters the cluster reports, sorted.
        available: Vec<String>,
    },
    /// No local datacenter is configured but the cluster has several, so the driver cannot
    /// tell which one is near.
    #[error(
        "no local datacenter is configured and the cluster has several: {}; \
         set the local datacenter to the one closest to this application",
        list(available)
    )]
    Unspecified {
        /// The datacenters the cluster reports, sorted.
        available: Vec<String>,
    },
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "(none)".to_string()
    } else {
        names.join(", ")
    }
}

/// Checks the configured local datacenter against the datacenters the cluster reports
/// (`system.local` and `system.peers`). With none configured, a single-datacenter cluster is
/// fine and a multi-datacenter one is an error.
///
/// ```
/// use ringbolt_driver::policies::load_balancing::{local_datacenter_check, LocalDatacenterError};
///
/// assert!(local_datacenter_check(Some("dc1"), ["dc1", "dc2"]).is_ok());
/// assert!(local_datacenter_check(None, ["dc1", "dc1"]).is_ok());
/// let err = local_datacenter_check(Some("dc3"), ["dc2", "dc1"]).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "the local datacenter `dc3` is not a datacenter of this cluster, which reports: dc1, dc2; \
///      set the local datacenter to one of them"
/// );
/// ```
pub fn local_datacenter_check<'a>(
    configured: Option<&str>,
    seen_datacenters: impl IntoIterator<Item = &'a str>,
) -> Result<(), LocalDatacenterError> {
    let seen: BTreeSet<&str> = seen_datacenters.into_iter().collect();
    let available = || seen.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match configured {
        Some(dc) if seen.contains(dc) => Ok(()),
        Some(dc) => Err(LocalDatacenterError::NotInCluster {
            configured: dc.to_string(),
            available: available(),
        }),
        None if seen.len() > 1 => Err(LocalDatacenterError::Unspecified {
            available: available(),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_must_be_reported() {
        assert_eq!(local_datacenter_check(Some("dc1"), ["dc1"]), Ok(()));
        assert_eq!(
            local_datacenter_check(Some("DC1"), ["dc1", "dc2", "dc1"]),
            Err(LocalDatacenterError::NotInCluster {
                configured: "DC1".into(),
                available: vec!["dc1".into(), "dc2".into()]
            })
        );
        let empty = local_datacenter_check(Some("dc1"), []).unwrap_err();
        assert!(empty.to_string().contains("reports: (none)"));
    }

    #[test]
    fn unspecified_is_fine_only_with_one_datacenter() {
        assert_eq!(local_datacenter_check(None, ["dc1", "dc1"]), Ok(()));
        assert_eq!(local_datacenter_check(None, []), Ok(()));
        let err = local_datacenter_check(None, ["west", "east"]).unwrap_err();
        assert_eq!(
            err,
            LocalDatacenterError::Unspecified {
                available: vec!["east".into(), "west".into()]
            }
        );
        assert!(err.to_string().contains("east, west"));
    }
}
