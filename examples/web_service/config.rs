//! Settings from the environment, and connecting: to the cluster they name, or to an embedded
//! ringbolt-sim cluster started in this process.

use std::net::{IpAddr, Ipv4Addr};

use ringbolt::connection::TlsConfig;
use ringbolt::protocol::Consistency;
use ringbolt::session::Session;
use ringbolt_sim::SimCluster;

use super::model;
use super::store::Store;

/// The service's settings. `Debug` is not derived: the password must not be printed.
#[derive(Clone, Default)]
pub struct Config {
    /// `RINGBOLT_CONTACT_POINTS`, comma separated; empty starts an embedded cluster.
    pub contact_points: Vec<String>,
    /// `RINGBOLT_LOCAL_DC` (default `dc1`).
    pub local_dc: Option<String>,
    /// `RINGBOLT_USERNAME` and `RINGBOLT_PASSWORD`.
    pub credentials: Option<(String, String)>,
    /// `RINGBOLT_CA_CERT` (PEM file): enables TLS.
    pub ca_cert: Option<String>,
    /// `RINGBOLT_CLIENT_CERT` and `RINGBOLT_CLIENT_KEY` (PEM files).
    pub client_cert: Option<(String, String)>,
    /// `RINGBOLT_CONSISTENCY` (default `LOCAL_QUORUM`).
    pub consistency: Option<Consistency>,
    /// `RINGBOLT_REPLICATION_FACTOR`: replicas of the keyspace in the local datacenter when it
    /// is created (default 3).
    pub replication_factor: Option<u32>,
}

/// A setting is not valid.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads the `RINGBOLT_*` variables.
    pub fn from_env() -> Result<Config, ConfigError> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let contact_points = var("RINGBOLT_CONTACT_POINTS")
            .map(|v| {
                v.split(',')
                    .map(|p| p.trim().to_owned())
                    .filter(|p| !p.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let credentials = match (var("RINGBOLT_USERNAME"), var("RINGBOLT_PASSWORD")) {
            (Some(user), Some(password)) => Some((user, password)),
            (None, None) => None,
            _ => {
                return Err(ConfigError(
                    "set both RINGBOLT_USERNAME and RINGBOLT_PASSWORD, or neither".into(),
                ))
            }
        };
        let client_cert = match (var("RINGBOLT_CLIENT_CERT"), var("RINGBOLT_CLIENT_KEY")) {
            (Some(cert), Some(key)) => Some((cert, key)),
            (None, None) => None,
            _ => {
                return Err(ConfigError(
                    "set both RINGBOLT_CLIENT_CERT and RINGBOLT_CLIENT_KEY, or neither".into(),
                ))
            }
        };
        let consistency = match var("RINGBOLT_CONSISTENCY") {
            Some(name) => Some(parse_consistency(&name).ok_or_else(|| {
                ConfigError(format!(
                    "RINGBOLT_CONSISTENCY={name:?} is not a consistency level \
                     (ONE, TWO, THREE, QUORUM, ALL, LOCAL_QUORUM, EACH_QUORUM, LOCAL_ONE, ANY)"
                ))
            })?),
            None => None,
        };
        let replication_factor = match var("RINGBOLT_REPLICATION_FACTOR") {
            Some(text) => Some(text.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
                ConfigError(format!(
                    "RINGBOLT_REPLICATION_FACTOR={text:?} is not a positive whole number"
                ))
            })?),
            None => None,
        };
        Ok(Config {
            replication_factor,
            contact_points,
            local_dc: var("RINGBOLT_LOCAL_DC"),
            credentials,
            ca_cert: var("RINGBOLT_CA_CERT"),
            client_cert,
            consistency,
        })
    }
}

/// `LOCAL_QUORUM`, `local_quorum` or `LocalQuorum` -> [`Consistency::LocalQuorum`].
pub fn parse_consistency(name: &str) -> Option<Consistency> {
    let key: String = name
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    Some(match key.as_str() {
        "ANY" => Consistency::Any,
        "ONE" => Consistency::One,
        "TWO" => Consistency::Two,
        "THREE" => Consistency::Three,
        "QUORUM" => Consistency::Quorum,
        "ALL" => Consistency::All,
        "LOCALQUORUM" => Consistency::LocalQuorum,
        "EACHQUORUM" => Consistency::EachQuorum,
        "LOCALONE" => Consistency::LocalOne,
        _ => return None,
    })
}

/// A connected, prepared store, and the embedded cluster when one was started.
pub struct Connected {
    /// The statements and session.
    pub store: Store,
    /// The in-process cluster (stopped when dropped), if no contact points were given.
    pub embedded: Option<SimCluster>,
}

/// Starts an embedded three-node cluster on 127.0.0.1.. at port 9042, or a free port when 9042
/// is taken.
pub async fn start_embedded(base: IpAddr) -> Result<SimCluster, ringbolt_sim::SimError> {
    let builder = SimCluster::builder().nodes(3).base_address(base);
    match builder
        .clone()
        .port(ringbolt_sim::builder::DEFAULT_PORT)
        .start()
        .await
    {
        Ok(cluster) => Ok(cluster),
        Err(_) => builder.port(0).start().await,
    }
}

/// Connects as `config` says (starting an embedded cluster if it names no contact points),
/// creates the schema and prepares the statements.
pub async fn connect(config: &Config) -> Result<Connected, Box<dyn std::error::Error>> {
    let (embedded, contact_points, local_dc, rf) = if config.contact_points.is_empty() {
        let cluster = start_embedded(IpAddr::V4(Ipv4Addr::LOCALHOST)).await?;
        let points = cluster
            .contact_points()
            .iter()
            .map(ToString::to_string)
            .collect();
        (Some(cluster), points, "dc1".to_owned(), 3)
    } else {
        let dc = config.local_dc.clone().unwrap_or_else(|| "dc1".to_owned());
        let rf = config.replication_factor.unwrap_or(3);
        (None, config.contact_points.clone(), dc, rf)
    };
    let store = connect_to(config, contact_points, &local_dc, rf).await?;
    Ok(Connected { store, embedded })
}

/// Connects to `contact_points`, creates the schema (replication `rf` in `local_dc`) and
/// prepares the statements.
pub async fn connect_to(
    config: &Config,
    contact_points: Vec<String>,
    local_dc: &str,
    rf: u32,
) -> Result<Store, Box<dyn std::error::Error>> {
    let mut builder = Session::builder()
        .contact_points(contact_points)
        .local_datacenter(local_dc)
        .default_consistency(config.consistency.unwrap_or(Consistency::LocalQuorum));
    if let Some((user, password)) = &config.credentials {
        builder = builder.credentials(user.as_str(), password.as_str());
    }
    if config.ca_cert.is_some() || config.client_cert.is_some() {
        let mut tls = TlsConfig::new();
        if let Some(path) = &config.ca_cert {
            tls = tls.ca_pem(read_pem(path)?);
        }
        if let Some((cert, key)) = &config.client_cert {
            tls = tls.client_cert(read_pem(cert)?, read_pem(key)?);
        }
        builder = builder.tls(tls);
    }
    let session = builder.build().await?;
    for cql in model::schema(local_dc, rf) {
        session.query(cql, ()).await?;
    }
    Ok(Store::prepare(session).await?)
}

fn read_pem(path: &str) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|e| ConfigError(format!("cannot read {path}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consistency_names() {
        assert_eq!(
            parse_consistency("LOCAL_QUORUM"),
            Some(Consistency::LocalQuorum)
        );
        assert_eq!(parse_consistency("local_one"), Some(Consistency::LocalOne));
        assert_eq!(parse_consistency("Quorum"), Some(Consistency::Quorum));
        assert_eq!(parse_consistency("SERIAL"), None);
        assert_eq!(parse_consistency("most"), None);
    }
}
