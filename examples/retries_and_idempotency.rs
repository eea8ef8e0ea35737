//! Why the driver asks whether a statement is idempotent. With sim fault injection, a write is
//! applied but the coordinator answers WRITE_TIMEOUT: the client cannot know the write happened.
//! Running an idempotent statement again is harmless; running a counter increment again
//! counts twice. So a retry policy may retry a write only when the statement is marked
//! idempotent (`with_idempotent(true)`; the typed API marks each generated statement:
//! `increment`, `decrement` and `IF` statements are not idempotent).
//!
//! ```text
//! cargo run --example retries_and_idempotency     # embedded ringbolt-sim only (fault injection)
//! ```

use ringbolt::session::{QueryError, Session};
use ringbolt_sim::{FaultRule, SimCluster};

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
    println!("set title: {}", describe(&outcome));
    let outcome = session.execute(&count, ("home",)).await;
    println!("count click: {}", describe(&outcome));
    println!(
        "clicks after one failed increment: {} (the write happened despite the error)",
        clicks(&session).await?
    );

    // What a blind retry of the increment would do: count the same click twice.
    session.execute(&count, ("home",)).await?;
    println!(
        "clicks after retrying it: {} — one click counted twice; this is why a statement \
         not marked idempotent must never be retried",
        clicks(&session).await?
    );
    // Retrying the idempotent statement is harmless: the title is the same either way.
    session.execute(&set_title, ("Home", "home")).await?;
    let title = session
        .query("SELECT title FROM demo.pages WHERE page = 'home'", ())
        .await?;
    let (title,): (String,) = title.first_row()?;
    println!("title after retrying the idempotent write: {title:?} (unchanged)");

    session.close().await;
    cluster.shutdown().await;
    Ok(())
}
