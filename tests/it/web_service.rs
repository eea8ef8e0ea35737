//! The link-shortener example (examples/web_service) over real HTTP against an in-process
//! three-node ringbolt-sim cluster: every endpoint, the error answers, TTL expiry, and a node
//! stopped during a run of idempotent reads.
//!
//! Addresses: this module's cluster uses 127.0.50.1-127.0.50.3 (the p4 range, third octet 50).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ringbolt::protocol::response::WriteType;
use ringbolt::protocol::Consistency;
use ringbolt_sim::fault::errors;
use ringbolt_sim::{FaultRule, SimCluster};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[allow(dead_code)]
#[path = "../../examples/web_service/service.rs"]
mod service;

use service::app::{AppState, LinkPage, LinkView};
use service::config::{connect_to, Config};

/// Every wait is bounded by this (generous: the machine is shared).
const WAIT: Duration = Duration::from_secs(60);

struct Reply {
    status: u16,
    headers: HashMap<String, String>,
    body: String,
}

impl Reply {
    fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not the expected JSON ({e}): {}", self.body))
    }

    fn error(&self) -> String {
        let v: serde_json::Value = self.json();
        v.get("error")
            .and_then(|e| e.as_str())
            .unwrap_or_else(|| panic!("no error field in {}", self.body))
            .to_owned()
    }
}

/// A minimal HTTP/1.1 client: one request per connection (`Connection: close`).
async fn http(addr: SocketAddr, method: &str, path: &str, body: Option<&str>) -> Reply {
    let exchange = async {
        let mut stream = TcpStream::connect(addr)
            .await
            .expect("connect to the service");
        let body = body.unwrap_or("");
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.expect("send");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.expect("read the answer");
        raw
    };
    let raw = tokio::time::timeout(WAIT, exchange)
        .await
        .unwrap_or_else(|_| panic!("{method} {path}: no answer within {WAIT:?}"));
    let text = String::from_utf8(raw).expect("an UTF-8 answer");
    let (head, body) = text.split_once("\r\n\r\n").expect("a header block");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("a status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

struct Running {
    cluster: SimCluster,
    addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn start() -> Running {
    let cluster = SimCluster::builder()
        .nodes(3)
        .base_address(IpAddr::V4(Ipv4Addr::new(127, 0, 50, 1)))
        .port(0)
        .start()
        .await
        .expect("start the sim cluster");
    let points = cluster
        .contact_points()
        .iter()
        .map(ToString::to_string)
        .collect();
    let store = tokio::time::timeout(WAIT, connect_to(&Config::default(), points, "dc1", 3))
        .await
        .expect("connect within the timeout")
        .expect("connect, create the schema, prepare");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = Arc::new(AppState { store });
    let server = tokio::spawn(service::app::serve(listener, state, async {
        let _ = stopped.await;
    }));
    Running {
        cluster,
        addr,
        stop,
        server,
    }
}

fn create_body(slug: Option<&str>, url: &str, user: &str) -> String {
    let mut v = serde_json::json!({ "url": url, "user": user });
    if let Some(slug) = slug {
        v["slug"] = serde_json::Value::from(slug);
    }
    v.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_over_http() {
    let run = start().await;
    let addr = run.addr;

    // Health: the three nodes the driver sees, all up once their pools have connected.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let health = http(addr, "GET", "/health", None).await;
        assert_eq!(health.status, 200, "{}", health.body);
        let h: serde_json::Value = health.json();
        assert_eq!(h["status"], "ok");
        let nodes = h["nodes"].as_array().cloned().unwrap_or_default();
        assert_eq!(nodes.len(), 3, "{}", health.body);
        if nodes.iter().all(|n| n["state"] == "up") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "nodes not all up: {}",
            health.body
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A custom slug, then the same slug again: 409.
    let body = create_body(Some("docs"), "https://example.com/docs", "ada");
    let created = http(addr, "POST", "/links", Some(&body)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        created.headers.get("location").map(String::as_str),
        Some("/links/docs")
    );
    let docs: LinkView = created.json();
    assert_eq!((docs.slug.as_str(), docs.user.as_str()), ("docs", "ada"));
    let again = create_body(Some("docs"), "https://example.com/other", "bob");
    let conflict = http(addr, "POST", "/links", Some(&again)).await;
    assert_eq!(conflict.status, 409, "{}", conflict.body);
    assert!(conflict.error().contains("docs"));

    // Generated slugs (logged batch of both rows).
    let mut generated = Vec::new();
    for i in 0..4 {
        let body = create_body(None, &format!("https://example.com/{i}"), "ada");
        let reply = http(addr, "POST", "/links", Some(&body)).await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        let view: LinkView = reply.json();
        assert_eq!(view.url, format!("https://example.com/{i}"));
        generated.push(view);
    }

    // Bad requests: 400 with a JSON error.
    for bad in [
        "not json".to_owned(),
        r#"{"user": "ada"}"#.to_owned(),
        create_body(None, "ftp://example.com", "ada"),
        create_body(None, "https://example.com", "a d a"),
        create_body(Some("no/slash"), "https://example.com", "ada"),
        r#"{"url": "https://example.com", "user": "ada", "ttl_seconds": -5}"#.to_owned(),
        r#"{"url": "https://example.com", "user": "ada", "ttl_seconds": 99999999999}"#.to_owned(),
        r#"{"url": "https://example.com", "user": "ada", "extra": 1}"#.to_owned(),
    ] {
        let reply = http(addr, "POST", "/links", Some(&bad)).await;
        assert_eq!(reply.status, 400, "{bad}: {}", reply.body);
        assert!(!reply.error().is_empty());
    }

    // Redirects count clicks.
    for _ in 0..3 {
        let hop = http(addr, "GET", "/l/docs", None).await;
        assert_eq!(hop.status, 302, "{}", hop.body);
        assert_eq!(
            hop.headers.get("location").map(String::as_str),
            Some("https://example.com/docs")
        );
    }
    let read = http(addr, "GET", "/links/docs", None).await;
    assert_eq!(read.status, 200, "{}", read.body);
    let view: LinkView = read.json();
    assert_eq!(view.clicks, Some(3));
    assert_eq!(view.created_at, docs.created_at);

    // Unknown slugs: 404.
    for path in ["/links/missing", "/l/missing", "/no/such/route"] {
        let reply = http(addr, "GET", path, None).await;
        assert_eq!(reply.status, 404, "{path}: {}", reply.body);
        assert!(!reply.error().is_empty());
    }
    assert_eq!(
        http(addr, "DELETE", "/links/missing", None).await.status,
        404
    );

    // The user's links, newest first, two per page, following the cursor.
    let mut expected: Vec<String> = std::iter::once("docs".to_owned())
        .chain(generated.iter().map(|v| v.slug.clone()))
        .collect();
    expected.reverse();
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let path = match &cursor {
            Some(c) => format!("/users/ada/links?limit=2&cursor={c}"),
            None => "/users/ada/links?limit=2".to_owned(),
        };
        let reply = http(addr, "GET", &path, None).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let page: LinkPage = reply.json();
        assert!(page.links.len() <= 2);
        seen.extend(page.links.into_iter().map(|l| l.slug));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    assert!(cursor.is_none(), "paging did not end");
    assert_eq!(seen, expected);
    let empty = http(addr, "GET", "/users/nobody/links", None).await;
    assert_eq!(empty.status, 200);
    assert!(empty.json::<LinkPage>().links.is_empty());
    for bad in [
        "/users/ada/links?limit=0",
        "/users/ada/links?limit=1000",
        "/users/ada/links?limit=x",
        "/users/ada/links?cursor=zz",
        // Well-formed hex, but not a paging state the server made.
        "/users/ada/links?cursor=00ff",
        "/users/a%20b/links",
    ] {
        let reply = http(addr, "GET", bad, None).await;
        assert_eq!(reply.status, 400, "{bad}: {}", reply.body);
    }

    // Delete: 204, then gone everywhere.
    let deleted = http(addr, "DELETE", "/links/docs", None).await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    assert_eq!(http(addr, "GET", "/links/docs", None).await.status, 404);
    assert_eq!(http(addr, "GET", "/l/docs", None).await.status, 404);
    let page: LinkPage = http(addr, "GET", "/users/ada/links?limit=100", None)
        .await
        .json();
    assert!(page.links.iter().all(|l| l.slug != "docs"));
    assert_eq!(page.links.len(), generated.len());
    // The slug is free again.
    let body = create_body(Some("docs"), "https://example.com/docs2", "bob");
    assert_eq!(http(addr, "POST", "/links", Some(&body)).await.status, 201);
    let fresh: LinkView = http(addr, "GET", "/links/docs", None).await.json();
    assert_eq!(fresh.clicks, Some(0));

    // Database trouble: 503 with the driver's error kind. The faults hold on every node until
    // removed, since the driver retries an Unavailable or Overloaded answer on another node.
    let unavailable = run.cluster.inject(
        FaultRule::new()
            .query_contains("FROM shortener.links")
            .reply_error(errors::unavailable(Consistency::LocalQuorum, 2, 1)),
    );
    let down = http(addr, "GET", "/links/docs", None).await;
    run.cluster.remove_fault(unavailable);
    assert_eq!(down.status, 503, "{}", down.body);
    let v: serde_json::Value = down.json();
    assert_eq!(v["kind"], "Unavailable", "{}", down.body);
    let overloaded = run.cluster.inject(
        FaultRule::new()
            .query_contains("system.local")
            .reply_error(errors::overloaded()),
    );
    let sick = http(addr, "GET", "/health", None).await;
    run.cluster.remove_fault(overloaded);
    assert_eq!(sick.status, 503, "{}", sick.body);
    assert_eq!(sick.json::<serde_json::Value>()["kind"], "Overloaded");
    // A failed click count still redirects; the click is not counted (and is logged).
    run.cluster.inject(
        FaultRule::new()
            .query_contains("clicks = clicks +")
            .times(1)
            .reply_error(errors::write_timeout(
                Consistency::LocalQuorum,
                1,
                2,
                WriteType::Counter,
            )),
    );
    assert_eq!(http(addr, "GET", "/l/docs", None).await.status, 302);
    assert_eq!(http(addr, "GET", "/l/docs", None).await.status, 302);
    let counted: LinkView = http(addr, "GET", "/links/docs", None).await.json();
    assert_eq!(counted.clicks, Some(1));

    // TTL: a link created with ttl_seconds = 1 is gone once that second has passed.
    let body =
        r#"{"slug": "brief", "url": "https://example.com/b", "user": "ada", "ttl_seconds": 1}"#;
    assert_eq!(http(addr, "POST", "/links", Some(body)).await.status, 201);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(http(addr, "GET", "/links/brief", None).await.status, 404);

    let _ = run.stop.send(());
    let served = tokio::time::timeout(WAIT, run.server)
        .await
        .expect("graceful shutdown within the timeout");
    assert!(matches!(served, Ok(Ok(()))));
    run.cluster.shutdown().await;
}

/// Four clients read `/links/steady` concurrently; node `stop` is stopped once 20 reads have
/// been answered, then 20 more reads follow the stop. Returns every answer's status (and body
/// when it is not 200).
async fn reads_while_stopping(stop: usize) -> Vec<(u16, String)> {
    let run = start().await;
    let addr = run.addr;
    let body = create_body(Some("steady"), "https://example.com/steady", "ada");
    assert_eq!(http(addr, "POST", "/links", Some(&body)).await.status, 201);
    let answered = Arc::new(AtomicUsize::new(0));
    let read = move |answered: Arc<AtomicUsize>| async move {
        let reply = http(addr, "GET", "/links/steady", None).await;
        answered.fetch_add(1, Ordering::SeqCst);
        let detail = if reply.status == 200 {
            String::new()
        } else {
            reply.body
        };
        (reply.status, detail)
    };
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let answered = answered.clone();
            tokio::spawn(async move {
                let mut answers = Vec::new();
                for _ in 0..25 {
                    answers.push(read(answered.clone()).await);
                }
                answers
            })
        })
        .collect();
    tokio::time::timeout(WAIT, async {
        while answered.load(Ordering::SeqCst) < 20 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("20 reads answered within the timeout");
    tokio::time::timeout(WAIT, run.cluster.stop_node(stop))
        .await
        .expect("stop within the timeout")
        .expect("stop the node");
    let mut answers = Vec::new();
    for reader in readers {
        answers.extend(reader.await.expect("a reader task"));
    }
    for _ in 0..20 {
        answers.push(read(answered.clone()).await);
    }
    let _ = run.stop.send(());
    let _ = tokio::time::timeout(WAIT, run.server).await;
    run.cluster.shutdown().await;
    answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotent_reads_survive_a_stopped_replica() {
    let answers = reads_while_stopping(2).await;
    let failed: Vec<_> = answers.iter().filter(|(s, _)| *s != 200).collect();
    assert!(
        failed.is_empty(),
        "{} of {} reads failed; first: {:?}",
        failed.len(),
        answers.len(),
        failed.first()
    );
}

/// Stopping the node the session is connected to. Today's session (phase 1) keeps one
/// connection to one node and has no failover, so every read after the stop fails with
/// `Connection` / `NoConnection` (503): this is a known gap, not a flaky test. Run it with
/// `cargo test --test it -- --ignored` once cluster routing and retries are on main.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotent_reads_survive_a_stopped_coordinator() {
    let answers = reads_while_stopping(0).await;
    let failed: Vec<_> = answers.iter().filter(|(s, _)| *s != 200).collect();
    assert!(
        failed.is_empty(),
        "{} of {} reads failed; first: {:?}",
        failed.len(),
        answers.len(),
        failed.first()
    );
}
