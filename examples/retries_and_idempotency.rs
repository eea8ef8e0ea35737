//! Why the driver asks whether a statement is idempotent. With sim fault injection, a write is
//! applied but the coordinator answers WRITE_TIMEOUT: the client cannot know the write happened.
//! Running an idempotent statement again is harmless; running a counter increment again
//! counts twice.
//!
//! The session here uses a retry policy that retries every write timeout on the next node.
//! The driver follows it for the idempotent statement, and refuses for the increment: the
//! idempotency gate sits outside every policy. (`with_idempotent(true)` marks a statement; the
//! typed API marks each generated statement: `increment`, `decrement` and `IF` statements are
//! not idempotent.)
//!
//! ```text
//! cargo run --example retries_and_idempotency     # embedded ringbolt-sim only (fault injection)
//! ```

use std::sync::Arc;

use ringbolt::policies::retry::{RequestFailure, RetryDecision, RetryPolicy};
use ringbolt::session::{QueryError, Session};
use ringbolt_sim::{FaultRule, SimCluster};

/// Retries every write timeout once on the next node: too eager on its own, which is what the
/// gate is for.
struct RetryWriteTimeouts;

impl RetryPolicy for RetryWriteTimeouts {
    fn decide(&self, failure: &RequestFailure, attempt: u32, _idempotent: bool) -> RetryDecision {
        match failure {
            RequestFailure::WriteTimeout { .. } if attempt == 0 => {
                RetryDecision::RetryNextNode(None)
            }
            _ => RetryDecision::Rethrow,
        }
    }
}

async fn clicks(session: &Session) -> Result<i64, Box<dyn std::error::Error>> {
    let result = session
        .query("SELECT clicks FROM demo.clicks WHERE page = 'home'", ())
        .await?;
    Ok(result
        .maybe_first_row::<(i64,)>()?
        .map_or(0, |(clicks,)| clicks))
}

fn describe(outcome: &Result<ringbolt::session::QueryResult, QueryError>) -> String {
    match outcome {
        Ok(_) => "succeeded".to_owned(),
        Err(e) => match e.db_error() {
            Some(db) => format!("failed: {db}"),
            None => format!("failed: {e}"),
        },
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cluster = SimCluster::builder().nodes(3).port(0).start().await?;
    let contact_point = cluster
        .contact_points()
        .first()
        .copied()
        .ok_or("no nodes")?;
    let session = Session::builder()
        .contact_point(contact_point)
        .local_datacenter("dc1")
        .retry_policy(Arc::new(RetryWriteTimeouts))
        .build()
        .await?;
    session
        .query(
            "CREATE KEYSPACE demo WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3}",
            (),
        )
        .await?;
    session
        .query(
            "CREATE TABLE demo.clicks (page text PRIMARY KEY, clicks counter)",
            (),
        )
        .await?;
    session
        .query(
            "CREATE TABLE demo.pages (page text PRIMARY KEY, title text)",
            (),
        )
        .await?;

    // An idempotent write: setting a value twice leaves the same value.
    let set_title = session
        .prepare("UPDATE demo.pages SET title = ? WHERE page = ?")
        .await?
        .with_idempotent(true);
    // A non-idempotent write: each run adds one.
    let count = session
        .prepare("UPDATE demo.clicks SET clicks = clicks + 1 WHERE page = ?")
        .await?
        .with_idempotent(false);
    println!("set_title idempotent: {}", set_title.is_idempotent());
    println!("count idempotent:     {}", count.is_idempotent());

    // The next run of each statement is applied, then answered with WRITE_TIMEOUT.
    cluster.inject(
        FaultRule::new()
            .query_contains("SET title")
            .times(1)
            .apply_then_fail(),
    );
    cluster.inject(
        FaultRule::new()
            .query_contains("clicks + 1")
            .times(1)
            .apply_then_fail(),
    );

    let outcome = session.execute(&set_title, ("Home", "home")).await;
    println!(
        "set title: {} (the driver retried it on another node: retries = {})",
        describe(&outcome),
        session.request_stats().retries
    );
    let outcome = session.execute(&count, ("home",)).await;
    println!(
        "count click: {} (not retried: the server may have applied it)",
        describe(&outcome)
    );
    println!(
        "clicks after the failed increment: {} (the write happened despite the error, once)",
        clicks(&session).await?
    );

    // What a blind retry of the increment would have done: count the same click twice.
    session.execute(&count, ("home",)).await?;
    println!(
        "clicks after running it again by hand: {} (one click counted twice; this is why the \
         driver never resends a statement that is not idempotent)",
        clicks(&session).await?
    );

    session.close().await;
    cluster.shutdown().await;
    Ok(())
}
