//! `ringbolt-sim`: runs an in-memory Cassandra cluster until Ctrl-C or SIGTERM.
//!
//! Prints one line starting with `ready` once every node listens, for scripts to wait on.

use std::net::IpAddr;
use std::process::ExitCode;

use ringbolt_sim::{SimCluster, SimClusterBuilder};

const USAGE: &str = "usage: ringbolt-sim [--address ADDR] [--port PORT] \
[--nodes N | --dc NAME:N ...] [--vnodes N] [--user U --password P] \
[--tls-cert CERT.pem --tls-key KEY.pem [--tls-ca CA.pem]]";

/// A command line that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
enum ArgsError {
    /// An option this program does not know.
    #[error("unknown option {0:?}")]
    Unknown(String),
    /// An option without its value.
    #[error("option {0} needs a value")]
    MissingValue(String),
    /// A value that does not parse.
    #[error("invalid value {value:?} for {option}: {expected}")]
    Invalid {
        option: String,
        value: String,
        expected: &'static str,
    },
    /// `--user` without `--password` or the reverse.
    #[error("--user and --password go together")]
    HalfCredentials,
    /// `--tls-cert` without `--tls-key` or the reverse, or `--tls-ca` alone.
    #[error("--tls-cert and --tls-key go together (and --tls-ca needs both)")]
    HalfTls,
    /// `--nodes` together with `--dc`.
    #[error("use either --nodes or --dc, not both")]
    NodesAndDc,
}

/// The parsed command line.
#[derive(Debug, Default, PartialEq, Eq)]
struct Args {
    address: Option<IpAddr>,
    port: Option<u16>,
    nodes: Option<usize>,
    datacenters: Vec<(String, usize)>,
    vnodes: Option<usize>,
    user: Option<String>,
    password: Option<String>,
    tls_cert: Option<String>,
    tls_key: Option<String>,
    tls_ca: Option<String>,
    help: bool,
}

fn parse_value<T: std::str::FromStr>(
    option: &str,
    value: &str,
    expected: &'static str,
) -> Result<T, ArgsError> {
    value.parse().map_err(|_| ArgsError::Invalid {
        option: option.to_string(),
        value: value.to_string(),
        expected,
    })
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Args, ArgsError> {
    let mut parsed = Args::default();
    let mut it = args.into_iter();
    while let Some(option) = it.next() {
        if option == "--help" || option == "-h" {
            parsed.help = true;
            continue;
        }
        let known = [
            "--address",
            "--port",
            "--nodes",
            "--dc",
            "--vnodes",
            "--user",
            "--password",
            "--tls-cert",
            "--tls-key",
            "--tls-ca",
        ];
        if !known.contains(&option.as_str()) {
            return Err(ArgsError::Unknown(option));
        }
        let value = it
            .next()
            .ok_or_else(|| ArgsError::MissingValue(option.clone()))?;
        match option.as_str() {
            "--address" => parsed.address = Some(parse_value(&option, &value, "an IP address")?),
            "--port" => parsed.port = Some(parse_value(&option, &value, "a port number")?),
            "--nodes" => parsed.nodes = Some(parse_value(&option, &value, "a node count")?),
            "--vnodes" => parsed.vnodes = Some(parse_value(&option, &value, "a token count")?),
            "--dc" => {
                let invalid = || ArgsError::Invalid {
                    option: option.clone(),
                    value: value.clone(),
                    expected: "NAME:COUNT, for example dc1:3",
                };
                let (name, count) = value.split_once(':').ok_or_else(invalid)?;
                let count: usize = count.parse().map_err(|_| invalid())?;
                if name.is_empty() {
                    return Err(invalid());
                }
                parsed.datacenters.push((name.to_string(), count));
            }
            "--user" => parsed.user = Some(value),
            "--password" => parsed.password = Some(value),
            "--tls-cert" => parsed.tls_cert = Some(value),
            "--tls-key" => parsed.tls_key = Some(value),
            _ => parsed.tls_ca = Some(value),
        }
    }
    if parsed.user.is_some() != parsed.password.is_some() {
        return Err(ArgsError::HalfCredentials);
    }
    if parsed.tls_cert.is_some() != parsed.tls_key.is_some()
        || (parsed.tls_ca.is_some() && parsed.tls_cert.is_none())
    {
        return Err(ArgsError::HalfTls);
    }
    if parsed.nodes.is_some() && !parsed.datacenters.is_empty() {
        return Err(ArgsError::NodesAndDc);
    }
    Ok(parsed)
}

fn read_file(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
}

fn builder(args: &Args) -> Result<SimClusterBuilder, String> {
    let mut b = SimCluster::builder();
    if args.datacenters.is_empty() {
        b = b.nodes(args.nodes.unwrap_or(1));
    }
    for (name, count) in &args.datacenters {
        b = b.datacenter(name.clone(), *count);
    }
    if let Some(address) = args.address {
        b = b.base_address(address);
    }
    if let Some(port) = args.port {
        b = b.port(port);
    }
    if let Some(vnodes) = args.vnodes {
        b = b.vnodes(vnodes);
    }
    if let (Some(user), Some(password)) = (&args.user, &args.password) {
        b = b.credentials(user.clone(), password.clone());
    }
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        let ca = match &args.tls_ca {
            Some(path) => Some(read_file(path)?),
            None => None,
        };
        b = b.tls(read_file(cert)?, read_file(key)?, ca);
    }
    Ok(b)
}

async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Prints an error and its causes on one line.
fn report(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("ringbolt-sim: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if args.help {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let builder = match builder(&args) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("ringbolt-sim: {e}");
            return ExitCode::from(2);
        }
    };
    let cluster = match builder.start().await {
        Ok(cluster) => cluster,
        Err(e) => {
            eprintln!("ringbolt-sim: {}", report(&e));
            return ExitCode::FAILURE;
        }
    };
    let first = cluster
        .contact_points()
        .first()
        .map(|p| p.to_string())
        .unwrap_or_default();
    println!("ready {first} nodes={}", cluster.nodes().len());
    wait_for_stop_signal().await;
    cluster.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Args, ArgsError> {
        parse_args(line.split_whitespace().map(String::from))
    }

    #[test]
    fn full_command_line() {
        let args = parse(
            "--address 127.0.0.5 --port 0 --dc dc1:3 --dc dc2:2 --vnodes 8 --user u --password p",
        )
        .unwrap();
        assert_eq!(args.address, Some("127.0.0.5".parse().unwrap()));
        assert_eq!(args.port, Some(0));
        assert_eq!(
            args.datacenters,
            vec![("dc1".to_string(), 3), ("dc2".to_string(), 2)]
        );
        assert_eq!(args.vnodes, Some(8));
        assert!(builder(&args).is_ok());
    }

    #[test]
    fn usage_errors() {
        assert_eq!(
            parse("--bogus 1"),
            Err(ArgsError::Unknown("--bogus".to_string()))
        );
        assert_eq!(
            parse("--port"),
            Err(ArgsError::MissingValue("--port".to_string()))
        );
        assert!(matches!(
            parse("--port 99999"),
            Err(ArgsError::Invalid { .. })
        ));
        assert!(matches!(parse("--dc dc1"), Err(ArgsError::Invalid { .. })));
        assert!(matches!(parse("--dc :3"), Err(ArgsError::Invalid { .. })));
        assert_eq!(parse("--user u"), Err(ArgsError::HalfCredentials));
        assert_eq!(parse("--tls-ca ca.pem"), Err(ArgsError::HalfTls));
        assert_eq!(parse("--nodes 2 --dc dc1:1"), Err(ArgsError::NodesAndDc));
        assert!(parse("--help").unwrap().help);
    }
}
