//! The `ringbolt-sim` binary: prints its `ready` line, serves, refuses bad command lines.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_ringbolt-sim");

/// Runs the binary with `args` until its `ready` line, checks that the `nodes` listen on
/// 127.0.`octet`.x, then stops it.
fn expect_ready(args: &[&str], octet: u8, nodes: u8) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn ringbolt-sim");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    let read = BufReader::new(stdout).read_line(&mut line);
    let checked = (|| {
        read.map_err(|e| e.to_string())?;
        let mut words = line.split_whitespace();
        if words.next() != Some("ready") {
            return Err(format!("unexpected first line {line:?}"));
        }
        let first: SocketAddr = words
            .next()
            .and_then(|w| w.parse().ok())
            .ok_or(format!("no address in {line:?}"))?;
        if words.next() != Some(format!("nodes={nodes}").as_str()) {
            return Err(format!("no node count in {line:?}"));
        }
        for last_octet in 1..=nodes {
            let addr = SocketAddr::from(([127, 0, octet, last_octet], first.port()));
            TcpStream::connect(addr).map_err(|e| format!("{addr}: {e}"))?;
        }
        Ok(())
    })();
    let _ = child.kill();
    let _ = child.wait();
    checked.unwrap();
}

#[test]
fn prints_ready_once_every_node_listens() {
    let args = [
        "--address",
        "127.0.50.1",
        "--port",
        "0",
        "--dc",
        "dc1:2",
        "--dc",
        "dc2:1",
    ];
    expect_ready(&args, 50, 3);
}

#[test]
fn ready_with_nodes_credentials_and_tls() {
    let dir = std::env::temp_dir().join(format!("ringbolt-sim-binary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = rcgen::CertificateParams::new(vec!["127.0.51.1".to_string()])
        .expect("params")
        .self_signed(&key)
        .expect("certificate");
    let cert_path = dir.join("cert.pem");
    let key_path = dir.join("key.pem");
    std::fs::write(&cert_path, cert.pem()).expect("write cert");
    std::fs::write(&key_path, key.serialize_pem()).expect("write key");
    let args = [
        "--address",
        "127.0.51.1",
        "--port",
        "0",
        "--nodes",
        "2",
        "--vnodes",
        "4",
        "--user",
        "cassandra",
        "--password",
        "cassandra",
        "--tls-cert",
        cert_path.to_str().expect("utf-8 path"),
        "--tls-key",
        key_path.to_str().expect("utf-8 path"),
    ];
    expect_ready(&args, 51, 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_usage_error_prints_usage_and_exits_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["--nodes", "many"], "--nodes"),
        (&["--nodes"], "--nodes"),
        (&["--dc", "dc1"], "--dc"),
        (&["--dc", ":3"], "--dc"),
        (&["--dc", "dc1:x"], "--dc"),
        (&["--nodes", "2", "--dc", "dc1:1"], "--nodes or --dc"),
        (&["--port", "70000"], "--port"),
        (&["--address", "nowhere"], "--address"),
        (&["--vnodes", "-1"], "--vnodes"),
        (&["--user", "u"], "--user and --password"),
        (&["--password", "p"], "--user and --password"),
        (&["--tls-cert", "c.pem"], "--tls-cert and --tls-key"),
        (&["--tls-key", "k.pem"], "--tls-cert and --tls-key"),
        (&["--tls-ca", "ca.pem"], "--tls-cert and --tls-key"),
        (&["--bogus"], "--bogus"),
    ];
    for (args, names) in cases {
        let out = Command::new(BIN)
            .args(*args)
            .output()
            .expect("run ringbolt-sim");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(names), "{args:?}: {stderr}");
        assert!(stderr.contains("usage:"), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}: no ready line");
    }
    // TLS files that cannot be read: exit 2 naming the file, nothing listens.
    let out = Command::new(BIN)
        .args([
            "--port",
            "0",
            "--tls-cert",
            "/nonexistent/cert.pem",
            "--tls-key",
            "/nonexistent/key.pem",
        ])
        .output()
        .expect("run ringbolt-sim");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/cert.pem"));
    // The password never shows up, even in an error.
    let out = Command::new(BIN)
        .args(["--password", "s3cr3t-value"])
        .output()
        .expect("run ringbolt-sim");
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("s3cr3t-value"));
}

#[test]
fn usage_errors_exit_with_code_2() {
    let out = Command::new(BIN)
        .args(["--nodes", "many"])
        .output()
        .expect("run ringbolt-sim");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--nodes"), "{stderr}");
    assert!(stderr.contains("usage:"), "{stderr}");
}
