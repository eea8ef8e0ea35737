//! What both benchmark clients share, so that they measure the same way:
//!
//! - the counting allocator ([`stats_alloc`], installed as `#[global_allocator]` in every binary
//!   that links this crate): allocations and bytes per request;
//! - [`getrusage`](nix::sys::resource::getrusage) of the whole process (user + system CPU, every
//!   thread): CPU time per request;
//! - the `perf stat --control` handshake, so the syscall count covers the measured window only;
//! - the load loop: N workers on one current-thread runtime, each with one request in flight;
//! - the command line and the one-line report `run.sh` parses.

use std::cell::Cell;
use std::fmt::Display;
use std::future::Future;
use std::io::{BufRead, BufReader, Write};
use std::rc::Rc;
use std::time::{Duration, Instant};

use nix::sys::resource::{getrusage, UsageWho};
use stats_alloc::{StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

/// Length of the blob every INSERT writes and every SELECT reads back.
pub const BLOB_LEN: usize = 100;
/// The benchmark's INSERT.
pub const INSERT_CQL: &str = "INSERT INTO bench.kv (k, v) VALUES (?, ?)";
/// The benchmark's SELECT (the server answers one row).
pub const SELECT_CQL: &str = "SELECT k, v FROM bench.kv WHERE k = ?";

/// Which statement a run executes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// The prepared INSERT of `(bigint, blob)`.
    Insert,
    /// The prepared one-row SELECT, decoded into `(i64, Vec<u8>)`.
    Select,
}

/// The command line shared by the clients.
#[derive(Debug, Clone)]
pub struct Args {
    /// `host:port` of the server.
    pub addr: String,
    /// The statement.
    pub workload: Workload,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Time run before measuring.
    pub warmup: Duration,
    /// Time measured.
    pub duration: Duration,
}

const USAGE: &str = "usage: CLIENT --addr HOST:PORT --workload insert|select --concurrency N \
                     [--warmup-ms MS] [--duration-ms MS]";

impl Args {
    /// Parses the process's arguments; prints the usage and exits on a mistake.
    pub fn from_env() -> Args {
        match Args::parse(std::env::args().skip(1)) {
            Ok(a) => a,
            Err(e) => {
                eprintln!("{e}\n{USAGE}");
                std::process::exit(2)
            }
        }
    }

    fn parse(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
        let mut args = Args {
            addr: String::new(),
            workload: Workload::Insert,
            concurrency: 1,
            warmup: Duration::from_millis(500),
            duration: Duration::from_millis(2000),
        };
        while let Some(flag) = it.next() {
            let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
            let ms = |v: &str| {
                v.parse::<u64>()
                    .map(Duration::from_millis)
                    .map_err(|e| format!("{flag} {v:?}: {e}"))
            };
            match flag.as_str() {
                "--addr" => args.addr = value,
                "--workload" => {
                    args.workload = match value.as_str() {
                        "insert" => Workload::Insert,
                        "select" => Workload::Select,
                        other => return Err(format!("unknown workload {other:?}")),
                    }
                }
                "--concurrency" => {
                    args.concurrency = value
                        .parse()
                        .map_err(|e| format!("--concurrency {value:?}: {e}"))?;
                    if args.concurrency == 0 {
                        return Err("--concurrency must be at least 1".to_owned());
                    }
                }
                "--warmup-ms" => args.warmup = ms(&value)?,
                "--duration-ms" => args.duration = ms(&value)?,
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        if args.addr.is_empty() {
            return Err("--addr is required".to_owned());
        }
        Ok(args)
    }
}

/// The process's counters at one instant.
#[derive(Debug, Clone, Copy)]
struct Snapshot {
    at: Instant,
    cpu: Duration,
    allocations: u64,
    bytes: u64,
    done: u64,
}

fn snapshot(done: u64) -> Snapshot {
    let stats = GLOBAL.stats();
    let cpu = getrusage(UsageWho::RUSAGE_SELF)
        .map(|u| {
            let d = |t: nix::sys::time::TimeVal| {
                Duration::from_secs(t.tv_sec().max(0) as u64)
                    + Duration::from_micros(t.tv_usec().max(0) as u64)
            };
            d(u.user_time()) + d(u.system_time())
        })
        .unwrap_or_default();
    Snapshot {
        at: Instant::now(),
        cpu,
        // A realloc is counted as one allocation and its growth as allocated bytes.
        allocations: (stats.allocations + stats.reallocations) as u64,
        bytes: (stats.bytes_allocated as i128 + stats.bytes_reallocated.max(0) as i128) as u64,
        done,
    }
}

/// What one measured window gives.
#[derive(Debug, Clone, Copy)]
pub struct Report {
    /// Requests completed in the window.
    pub requests: u64,
    /// Wall time of the window.
    pub seconds: f64,
    /// CPU (user + system) of the process in the window.
    pub cpu: Duration,
    /// Allocations (and reallocations) in the window.
    pub allocations: u64,
    /// Bytes allocated in the window.
    pub bytes: u64,
}

impl Report {
    fn between(a: &Snapshot, b: &Snapshot) -> Report {
        Report {
            requests: b.done - a.done,
            seconds: (b.at - a.at).as_secs_f64(),
            cpu: b.cpu.saturating_sub(a.cpu),
            allocations: b.allocations - a.allocations,
            bytes: b.bytes - a.bytes,
        }
    }

    /// Prints the line `run.sh` parses.
    pub fn print(&self, client: &str, args: &Args) {
        let n = self.requests.max(1) as f64;
        println!(
            "RESULT client={client} workload={} concurrency={} requests={} seconds={:.3} rps={:.0} \
             cpu_us={:.3} allocs={:.2} bytes={:.1}",
            match args.workload {
                Workload::Insert => "insert",
                Workload::Select => "select",
            },
            args.concurrency,
            self.requests,
            self.seconds,
            self.requests as f64 / self.seconds,
            self.cpu.as_secs_f64() * 1e6 / n,
            self.allocations as f64 / n,
            self.bytes as f64 / n,
        );
    }
}

/// `perf stat --control fifo:CTL,ACK` started with counters disabled (`-D -1`): the client
/// enables them for the measured window only. Set by `run.sh` through `BENCH_PERF_CTL` and
/// `BENCH_PERF_ACK`; without them, nothing happens.
struct PerfControl {
    ctl: std::fs::File,
    ack: BufReader<std::fs::File>,
}

impl PerfControl {
    fn from_env() -> Option<PerfControl> {
        let ctl = std::env::var_os("BENCH_PERF_CTL")?;
        let ack = std::env::var_os("BENCH_PERF_ACK")?;
        let ctl = std::fs::OpenOptions::new().write(true).open(ctl).ok()?;
        let ack = std::fs::File::open(ack).ok()?;
        Some(PerfControl {
            ctl,
            ack: BufReader::new(ack),
        })
    }

    fn send(&mut self, command: &str) {
        let mut line = String::new();
        if self.ctl.write_all(command.as_bytes()).is_ok() {
            let _ = self.ack.read_line(&mut line);
        }
    }
}

/// Runs `op` in `concurrency` workers (each awaits its request before sending the next), warms
/// up, then measures one window. `op` receives a fresh key per request. Must be called inside a
/// [`tokio::task::LocalSet`] on a current-thread runtime.
pub async fn drive<F, Fut, E>(args: &Args, op: F) -> Result<Report, String>
where
    F: Fn(i64) -> Fut + Clone + 'static,
    Fut: Future<Output = Result<(), E>> + 'static,
    E: Display + 'static,
{
    let stop = Rc::new(Cell::new(false));
    let done = Rc::new(Cell::new(0u64));
    let next_key = Rc::new(Cell::new(0i64));
    let failure: Rc<Cell<Option<String>>> = Rc::new(Cell::new(None));
    let mut workers = Vec::with_capacity(args.concurrency);
    for _ in 0..args.concurrency {
        let (op, stop, done, next_key, failure) = (
            op.clone(),
            Rc::clone(&stop),
            Rc::clone(&done),
            Rc::clone(&next_key),
            Rc::clone(&failure),
        );
        workers.push(tokio::task::spawn_local(async move {
            while !stop.get() {
                let key = next_key.get();
                next_key.set(key.wrapping_add(1));
                if let Err(e) = op(key).await {
                    failure.set(Some(e.to_string()));
                    stop.set(true);
                    return;
                }
                done.set(done.get() + 1);
            }
        }));
    }
    let mut perf = PerfControl::from_env();
    tokio::time::sleep(args.warmup).await;
    if let Some(p) = perf.as_mut() {
        p.send("enable\n");
    }
    let start = snapshot(done.get());
    tokio::time::sleep(args.duration).await;
    let end = snapshot(done.get());
    if let Some(p) = perf.as_mut() {
        p.send("disable\n");
    }
    stop.set(true);
    for w in workers {
        let _ = w.await;
    }
    // Every request of the process, warm-up included: what allocation profiles of the whole
    // run (benches/hotspots.sh) divide by.
    eprintln!("TOTAL requests={}", done.get());
    if let Some(e) = failure.take() {
        return Err(format!("a request failed: {e}"));
    }
    Ok(Report::between(&start, &end))
}

/// Builds the current-thread runtime, runs `main` in a `LocalSet`, prints the report or the
/// error (exit status 1).
pub fn run_client<M, Fut>(client: &str, main: M)
where
    M: FnOnce(Args) -> Fut,
    Fut: Future<Output = Result<Report, String>>,
{
    let args = Args::from_env();
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{client}: cannot start the runtime: {e}");
            std::process::exit(1)
        }
    };
    let local = tokio::task::LocalSet::new();
    match local.block_on(&rt, main(args.clone())) {
        Ok(report) => report.print(client, &args),
        Err(e) => {
            eprintln!("{client}: {e}");
            std::process::exit(1)
        }
    }
}

/// The blob every INSERT writes.
pub fn blob() -> Vec<u8> {
    vec![0xCD; BLOB_LEN]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Args, String> {
        Args::parse(s.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn arguments() {
        let a = parse("--addr a:1 --workload select --concurrency 64 --duration-ms 10").unwrap();
        assert_eq!((a.workload, a.concurrency), (Workload::Select, 64));
        assert_eq!(a.duration, Duration::from_millis(10));
        assert!(parse("--addr a:1 --concurrency 0").is_err());
        assert!(parse("--concurrency 1").is_err(), "--addr is required");
        assert!(parse("--workload upsert").is_err());
        assert!(parse("--addr").is_err());
    }

    #[test]
    fn counts_what_the_loop_does() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let args = parse("--addr a:1 --concurrency 4 --warmup-ms 10 --duration-ms 50").unwrap();
        let report = tokio::task::LocalSet::new()
            .block_on(&rt, async {
                drive(&args, |k| async move {
                    let v = vec![k as u8; 1000];
                    tokio::task::yield_now().await;
                    std::hint::black_box(v);
                    Ok::<(), String>(())
                })
                .await
            })
            .unwrap();
        assert!(report.requests > 0);
        // One 1000-byte vector per request (the runtime may add a little).
        assert!(report.bytes >= 1000 * report.requests);
        assert!(report.allocations >= report.requests);
    }
}
