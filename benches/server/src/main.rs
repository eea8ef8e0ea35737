//! A canned-response CQL server for benchmarks (protocol v4 only).
//!
//! It answers OPTIONS, STARTUP, REGISTER, the SELECTs drivers send on system tables at connect
//! time, PREPARE of the benchmark's INSERT and SELECT, EXECUTE and BATCH, immediately and from
//! bytes encoded once, so that a benchmark measures the client. Each connection is served by its
//! own task on a single-threaded runtime; answers go out per stream id.
//!
//! Usage: `bench-server [--port PORT]` (default 0: any free port). Prints `listening on ADDR`
//! when ready.

mod canned;
mod conn;
mod schema;

use std::sync::Arc;

use tokio::net::TcpListener;

fn main() {
    let mut port: u16 = 0;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match (a.as_str(), args.next()) {
            ("--port", Some(p)) => match p.parse() {
                Ok(p) => port = p,
                Err(e) => fail(&format!("--port {p:?}: {e}")),
            },
            _ => fail(&format!(
                "unknown argument {a:?}; usage: bench-server [--port PORT]"
            )),
        }
    }
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => fail(&format!("cannot start the runtime: {e}")),
    };
    rt.block_on(async move {
        let listener = match TcpListener::bind(("127.0.0.1", port)).await {
            Ok(l) => l,
            Err(e) => fail(&format!("cannot listen on 127.0.0.1:{port}: {e}")),
        };
        let addr = match listener.local_addr() {
            Ok(a) => a,
            Err(e) => fail(&format!("cannot read the listening address: {e}")),
        };
        let canned = match canned::Canned::new(addr.port()) {
            Ok(c) => Arc::new(c),
            Err(e) => fail(&e),
        };
        println!("listening on {addr}");
        loop {
            match listener.accept().await {
                Ok((socket, _)) => {
                    let canned = Arc::clone(&canned);
                    tokio::spawn(async move {
                        if let Err(e) = conn::serve(socket, canned).await {
                            eprintln!("connection closed: {e}");
                        }
                    });
                }
                Err(e) => eprintln!("accept failed: {e}"),
            }
        }
    });
}

fn fail(message: &str) -> ! {
    eprintln!("bench-server: {message}");
    std::process::exit(2)
}
