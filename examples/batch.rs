//! Batches: a logged batch keeps two tables in step (all or nothing), an unlogged batch groups
//! writes to one partition, a counter batch updates counters.
//!
//! ```text
//! cargo run --example batch                       # embedded ringbolt-sim
//! cargo run --example batch -- 10.0.0.5:9042 dc1  # a real cluster
//! ```

#[path = "common/mod.rs"]
mod common;

use ringbolt::session::BatchStatement;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let common::Connected { session, embedded } = common::connect().await?;
    for cql in [
        "CREATE TABLE IF NOT EXISTS examples.orders (id int PRIMARY KEY, customer text, total int)",
        "CREATE TABLE IF NOT EXISTS examples.orders_by_customer \
         (customer text, id int, total int, PRIMARY KEY (customer, id))",
        "CREATE TABLE IF NOT EXISTS examples.order_stats (customer text PRIMARY KEY, orders counter, spent counter)",
    ] {
        session.query(cql, ()).await?;
    }
    let by_id = session
        .prepare("INSERT INTO examples.orders (id, customer, total) VALUES (?, ?, ?)")
        .await?;
    let by_customer = session
        .prepare("INSERT INTO examples.orders_by_customer (customer, id, total) VALUES (?, ?, ?)")
        .await?;

    // Logged: both denormalised rows are written, or neither.
    let mut logged = BatchStatement::logged();
    logged.append(&by_id).append(&by_customer);
    session
        .batch(&logged, ((1, "ada", 30), ("ada", 1, 30)))
        .await?;

    // Unlogged: several rows of one partition in one request (no batch log needed).
    let mut unlogged = BatchStatement::unlogged();
    unlogged.append(&by_customer).append(&by_customer);
    session
        .batch(&unlogged, (("bob", 2, 12), ("bob", 3, 40)))
        .await?;

    // Counter: counters may only be batched with counters.
    let mut counters = BatchStatement::counter();
    counters.append(
        "UPDATE examples.order_stats SET orders = orders + 1, spent = spent + ? WHERE customer = ?",
    );
    counters.append(
        "UPDATE examples.order_stats SET orders = orders + 2, spent = spent + ? WHERE customer = ?",
    );
    session
        .batch(&counters, ((30_i64, "ada"), (52_i64, "bob")))
        .await?;

    let result = session
        .query(
            "SELECT customer, id, total FROM examples.orders_by_customer",
            (),
        )
        .await?;
    for row in result.rows::<(String, i32, i32)>()? {
        let (customer, id, total) = row?;
        println!("order {id} of {customer}: {total}");
    }
    let result = session
        .query(
            "SELECT customer, orders, spent FROM examples.order_stats",
            (),
        )
        .await?;
    for row in result.rows::<(String, i64, i64)>()? {
        let (customer, orders, spent) = row?;
        println!("{customer}: {orders} orders, {spent} spent");
    }

    session.close().await;
    if let Some(cluster) = embedded {
        cluster.shutdown().await;
    }
    Ok(())
}
