//! Lightweight transactions (compare-and-set): claim a name once with `IF NOT EXISTS`, change
//! it only from an expected value with `IF`, and read `[applied]`.
//!
//! ```text
//! cargo run --example lwt                       # embedded ringbolt-sim
//! cargo run --example lwt -- 10.0.0.5:9042 dc1  # a real cluster
//! ```

#[path = "common/mod.rs"]
mod common;

use ringbolt::protocol::SerialConsistency;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let common::Connected { session, embedded } = common::connect().await?;
    session
        .query(
            "CREATE TABLE IF NOT EXISTS examples.usernames (name text PRIMARY KEY, owner text, version int)",
            (),
        )
        .await?;
    session
        .query("DELETE FROM examples.usernames WHERE name = 'ada'", ())
        .await?;

    // A lightweight transaction is not idempotent: if its answer is lost it must not be retried
    // blindly (a second try would see its own first write and report "not applied").
    let claim = session
        .prepare(
            "INSERT INTO examples.usernames (name, owner, version) VALUES (?, ?, 1) IF NOT EXISTS",
        )
        .await?
        .with_serial_consistency(SerialConsistency::LocalSerial)
        .with_idempotent(false);
    for owner in ["alice", "bob"] {
        let result = session.execute(&claim, ("ada", owner)).await?;
        println!("{owner} claims 'ada': applied = {}", result.was_applied()?);
    }

    // Conditional update: only from the version we read.
    let bump = session
        .prepare(
            "UPDATE examples.usernames SET owner = ?, version = ? WHERE name = ? IF version = ?",
        )
        .await?
        .with_idempotent(false);
    let result = session.execute(&bump, ("carol", 2, "ada", 1)).await?;
    println!(
        "move 'ada' to carol if version = 1: applied = {}",
        result.was_applied()?
    );
    let result = session.execute(&bump, ("dave", 2, "ada", 1)).await?;
    println!(
        "move 'ada' to dave if version = 1: applied = {}",
        result.was_applied()?
    );

    let row = session
        .query(
            "SELECT owner, version FROM examples.usernames WHERE name = 'ada'",
            (),
        )
        .await?;
    let (owner, version): (String, i32) = row.first_row()?;
    println!("'ada' belongs to {owner} (version {version})");

    session.close().await;
    if let Some(cluster) = embedded {
        cluster.shutdown().await;
    }
    Ok(())
}
