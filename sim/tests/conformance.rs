//! Runs the conformance suite (`tests/conformance/conformance.py`): the official DataStax Python
//! driver, a client we did not write, against the `ringbolt-sim` binary.
//!
//! Three clusters are started from the binary: a plain one with two datacenters, one with
//! PasswordAuthenticator, and one behind TLS. `.ci/run` installs `cassandra-driver`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running `ringbolt-sim` process, killed on drop.
struct SimProcess {
    child: Child,
    host: String,
    port: u16,
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_sim(args: &[&str]) -> SimProcess {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ringbolt-sim"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the ringbolt-sim binary starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with("ready") {
                let _ = tx.send(line);
            }
        }
    });
    let line = match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(line) => line,
        Err(_) => {
            let _ = child.kill();
            panic!("ringbolt-sim {args:?} printed no `ready` line within 60 s");
        }
    };
    // `ready 127.0.10.1:41234 ...`: the first node's address and the shared port.
    let addr = line
        .split_whitespace()
        .nth(1)
        .unwrap_or_else(|| panic!("unexpected ready line {line:?}"));
    let (host, port) = addr
        .rsplit_once(':')
        .unwrap_or_else(|| panic!("unexpected address in ready line {line:?}"));
    SimProcess {
        host: host.to_string(),
        port: port.parse().expect("a port number"),
        child,
    }
}

fn write_tls_files(dir: &Path) -> (PathBuf, PathBuf) {
    let names = vec!["localhost".to_string(), "127.0.12.1".to_string()];
    let certified = rcgen::generate_simple_self_signed(names).expect("a self-signed certificate");
    let cert = dir.join("node.crt");
    let key = dir.join("node.key");
    std::fs::write(&cert, certified.cert.pem()).expect("write cert");
    std::fs::write(&key, certified.key_pair.serialize_pem()).expect("write key");
    (cert, key)
}

#[test]
fn python_driver_conformance() {
    let has_driver = Command::new("python3")
        .args(["-c", "import cassandra"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(
        has_driver,
        "the conformance suite needs the DataStax Python driver: \
         `python3 -m pip install cassandra-driver` (.ci/run does this)"
    );

    let tmp = std::env::temp_dir().join(format!("ringbolt-conformance-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let (cert, key) = write_tls_files(&tmp);

    let plain = start_sim(&[
        "--address",
        "127.0.10.1",
        "--port",
        "0",
        "--dc",
        "dc1:3",
        "--dc",
        "dc2:2",
    ]);
    let auth = start_sim(&[
        "--address",
        "127.0.11.1",
        "--port",
        "0",
        "--nodes",
        "1",
        "--user",
        "cassandra",
        "--password",
        "s3cret",
    ]);
    let tls = start_sim(&[
        "--address",
        "127.0.12.1",
        "--port",
        "0",
        "--nodes",
        "1",
        "--tls-cert",
        cert.to_str().expect("utf-8 path"),
        "--tls-key",
        key.to_str().expect("utf-8 path"),
    ]);

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/conformance.py");
    let output = Command::new("python3")
        .arg(&script)
        .env("RB_SIM_HOST", &plain.host)
        .env("RB_SIM_PORT", plain.port.to_string())
        .env("RB_SIM_AUTH_HOST", &auth.host)
        .env("RB_SIM_AUTH_PORT", auth.port.to_string())
        .env("RB_SIM_USER", "cassandra")
        .env("RB_SIM_PASSWORD", "s3cret")
        .env("RB_SIM_TLS_HOST", &tls.host)
        .env("RB_SIM_TLS_PORT", tls.port.to_string())
        .env("RB_SIM_TLS_CA", &cert)
        .output()
        .expect("python3 runs");
    let _ = std::fs::remove_dir_all(&tmp);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}\n{stderr}");
    assert!(
        output.status.success(),
        "the Python driver conformance suite failed:\n{stderr}\n{stdout}"
    );
}
