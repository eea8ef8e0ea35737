//! Large results: stream rows one page at a time, or page by hand with the paging state (what a
//! web API hands its clients as a cursor).
//!
//! ```text
//! cargo run --example paging_stream                       # embedded ringbolt-sim
//! cargo run --example paging_stream -- 10.0.0.5:9042 dc1  # a real cluster
//! ```

#[path = "common/mod.rs"]
mod common;

use futures::StreamExt;
use ringbolt::session::SimpleStatement;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let common::Connected { session, embedded } = common::connect().await?;
    session
        .query(
            "CREATE TABLE IF NOT EXISTS examples.events \
             (day text, seq int, what text, PRIMARY KEY (day, seq))",
            (),
        )
        .await?;
    let insert = session
        .prepare("INSERT INTO examples.events (day, seq, what) VALUES (?, ?, ?)")
        .await?;
    for seq in 0..250 {
        session
            .execute(&insert, ("2024-06-01", seq, format!("event {seq}")))
            .await?;
    }

    // 1. A stream: the driver fetches the next page when the previous one is used up.
    let select = session
        .prepare("SELECT seq, what FROM examples.events WHERE day = ?")
        .await?
        .with_page_size(100);
    let mut rows = session
        .execute_stream::<(i32, String)>(&select, ("2024-06-01",))
        .await?;
    let mut count = 0;
    while let Some(row) = rows.next().await {
        let (_seq, _what) = row?;
        count += 1;
    }
    println!("streamed {count} rows in pages of 100");

    // 2. By hand: each page's paging state resumes the query where it stopped.
    let mut page = 0;
    let mut state = None;
    loop {
        let statement = SimpleStatement::new("SELECT seq FROM examples.events WHERE day = ?")
            .with_page_size(64)
            .with_paging_state(state.take());
        let result = session.query(statement, ("2024-06-01",)).await?;
        page += 1;
        let seqs = result
            .rows::<(i32,)>()?
            .map(|r| r.map(|(seq,)| seq))
            .collect::<Result<Vec<_>, _>>()?;
        println!(
            "page {page}: {} rows, first {:?}, last {:?}",
            seqs.len(),
            seqs.first(),
            seqs.last()
        );
        match result.paging_state() {
            Some(next) => state = Some(next),
            None => break,
        }
    }

    session.close().await;
    if let Some(cluster) = embedded {
        cluster.shutdown().await;
    }
    Ok(())
}
