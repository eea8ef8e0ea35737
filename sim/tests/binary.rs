//! The `ringbolt-sim` binary: prints its `ready` line, serves, refuses bad command lines.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_ringbolt-sim");

#[test]
fn prints_ready_once_every_node_listens() {
    let mut child = Command::new(BIN)
        .args([
            "--address",
            "127.0.50.1",
            "--port",
            "0",
            "--dc",
            "dc1:2",
            "--dc",
            "dc2:1",
        ])
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
        if words.next() != Some("nodes=3") {
            return Err(format!("no node count in {line:?}"));
        }
        for last_octet in 1..=3u8 {
            let addr = SocketAddr::from(([127, 0, 50, last_octet], first.port()));
            TcpStream::connect(addr).map_err(|e| format!("{addr}: {e}"))?;
        }
        Ok(())
    })();
    let _ = child.kill();
    let _ = child.wait();
    checked.unwrap();
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
