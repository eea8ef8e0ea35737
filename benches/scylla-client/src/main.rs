//! The benchmark workload on the `scylla` crate (1.x): one `Session`, the prepared INSERT or
//! SELECT, N requests in flight, one current-thread runtime. Schema metadata fetching is turned
//! off (`fetch_schema_metadata(false)`) so that connecting does not read `system_schema.*`
//! tables the canned server leaves empty; the request path is unaffected.

use bench_common::{blob, drive, run_client, Args, Report, Workload, INSERT_CQL, SELECT_CQL};
use scylla::client::session::Session;
use scylla::client::session_builder::SessionBuilder;
use scylla::statement::prepared::PreparedStatement;

fn main() {
    run_client("scylla", run);
}

async fn run(args: Args) -> Result<Report, String> {
    let session: Session = SessionBuilder::new()
        .known_node(&args.addr)
        .fetch_schema_metadata(false)
        .build()
        .await
        .map_err(|e| format!("cannot connect to {}: {e}", args.addr))?;
    let session: &'static Session = Box::leak(Box::new(session));
    let prepare = |cql: &'static str| async move {
        session
            .prepare(cql)
            .await
            .map_err(|e| format!("cannot prepare {cql:?}: {e}"))
    };
    let statement: &'static PreparedStatement = Box::leak(Box::new(match args.workload {
        Workload::Insert => prepare(INSERT_CQL).await?,
        Workload::Select => prepare(SELECT_CQL).await?,
    }));
    match args.workload {
        Workload::Insert => {
            let blob: &'static [u8] = blob().leak();
            drive(&args, move |k: i64| async move {
                session
                    .execute_unpaged(statement, (k, blob))
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string())
            })
            .await
        }
        Workload::Select => {
            drive(&args, move |k: i64| async move {
                let rows = session
                    .execute_unpaged(statement, (k,))
                    .await
                    .map_err(|e| e.to_string())?
                    .into_rows_result()
                    .map_err(|e| e.to_string())?;
                let (key, value): (i64, Vec<u8>) = rows.single_row().map_err(|e| e.to_string())?;
                std::hint::black_box((key, value));
                Ok::<(), String>(())
            })
            .await
        }
    }
}
