//! The benchmark workload on Ringbolt's driver: one `Session`, the prepared INSERT or SELECT,
//! N requests in flight, one current-thread runtime. The same work as the scylla client: bind
//! `(i64, &[u8])` or `(i64,)`, and decode the SELECT's row into `(i64, Vec<u8>)`.

use bench_common::{blob, drive, run_client, Args, Report, Workload, INSERT_CQL, SELECT_CQL};
use ringbolt_driver::session::{PreparedStatement, Session};

fn main() {
    run_client("ringbolt", run);
}

async fn run(args: Args) -> Result<Report, String> {
    let session: Session = Session::builder()
        .contact_point(args.addr.as_str())
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
                    .execute(statement, (k, blob))
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string())
            })
            .await
        }
        Workload::Select => {
            drive(&args, move |k: i64| async move {
                let result = session
                    .execute(statement, (k,))
                    .await
                    .map_err(|e| e.to_string())?;
                let (key, value): (i64, Vec<u8>) =
                    result.single_row().map_err(|e| e.to_string())?;
                std::hint::black_box((key, value));
                Ok::<(), String>(())
            })
            .await
        }
    }
}
