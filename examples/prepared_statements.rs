//! Prepared statements: prepare once, execute many times with typed values; the same with a
//! `#[derive(Table)]` struct, whose statements are checked at compile time.
//!
//! ```text
//! cargo run --example prepared_statements                       # embedded ringbolt-sim
//! cargo run --example prepared_statements -- 10.0.0.5:9042 dc1  # a real cluster
//! ```

#[path = "common/mod.rs"]
mod common;

use ringbolt::mapping::Table as _;
use ringbolt::protocol::Consistency;
use ringbolt::Table;

#[derive(Debug, Table)]
#[table(name = "sensors", keyspace = "examples")]
struct Sensor {
    #[partition_key]
    id: i32,
    name: String,
    reading: Option<f64>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let common::Connected { session, embedded } = common::connect().await?;
    // The derive also knows the table's schema (`CREATE TABLE IF NOT EXISTS ...`).
    session.query(Sensor::create_table_cql(), ()).await?;

    // Raw API: CQL text prepared once; each execute sends only the id and the values.
    let insert = session
        .prepare("INSERT INTO examples.sensors (id, name, reading) VALUES (?, ?, ?)")
        .await?
        .with_consistency(Consistency::LocalQuorum)
        .with_idempotent(true);
    for id in 1..=3 {
        session
            .execute(
                &insert,
                (id, format!("sensor-{id}"), Some(20.5 + f64::from(id))),
            )
            .await?;
    }
    let select = session
        .prepare("SELECT name, reading FROM examples.sensors WHERE id = ?")
        .await?;
    let result = session.execute(&select, (2,)).await?;
    let (name, reading): (String, Option<f64>) = result.first_row()?;
    println!("raw API: sensor 2 is {name}, reading {reading:?}");

    // Typed API: the derive generates the statements; arguments and rows are typed.
    let insert = session.prepare_typed(Sensor::insert()).await?;
    let get = session.prepare_typed(Sensor::get()).await?;
    session
        .execute_typed(&insert, (4, "sensor-4".to_owned(), None))
        .await?;
    if let Some(sensor) = session.fetch_optional(&get, (4,)).await? {
        println!(
            "typed API: sensor {} is {}, reading {:?}",
            sensor.id, sensor.name, sensor.reading
        );
    }
    let missing = session.fetch_optional(&get, (99,)).await?;
    println!("typed API, no such row: {}", missing.is_none());

    session.close().await;
    if let Some(cluster) = embedded {
        cluster.shutdown().await;
    }
    Ok(())
}
