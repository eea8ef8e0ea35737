//! The benchmark workload through `#[derive(Table)]`: the generated `Kv::insert()` and
//! `Kv::get()` statements (the same CQL text as the other clients), prepared once with
//! `prepare_typed`, run with `execute_borrowed` and `fetch_optional`. The typed INSERT's values
//! are `(i64, Vec<u8>)`, the field types; `execute_borrowed` binds the blob as `&[u8]` (checked
//! against `Vec<u8>` at compile time), as the raw client does.

use bench_common::{blob, drive, run_client, Args, Report, Workload, INSERT_CQL, SELECT_CQL};
use ringbolt::mapping::Prepared;
use ringbolt::session::Session;
use ringbolt::Table;

/// The benchmark table, `bench.kv (k bigint PRIMARY KEY, v blob)`.
#[derive(Debug, Clone, Table)]
#[table(name = "kv", keyspace = "bench")]
struct Kv {
    #[partition_key]
    k: i64,
    v: Vec<u8>,
}

fn main() {
    run_client("ringbolt-derive", run);
}

async fn run(args: Args) -> Result<Report, String> {
    if Kv::insert().cql() != INSERT_CQL || Kv::get().cql() != SELECT_CQL {
        return Err(format!(
            "the derived statements differ from the other clients': {:?}, {:?}",
            Kv::insert().cql(),
            Kv::get().cql()
        ));
    }
    let session: Session = Session::builder()
        .contact_point(args.addr.as_str())
        .build()
        .await
        .map_err(|e| format!("cannot connect to {}: {e}", args.addr))?;
    let session: &'static Session = Box::leak(Box::new(session));
    match args.workload {
        Workload::Insert => {
            let insert = session
                .prepare_typed(Kv::insert())
                .await
                .map_err(|e| format!("cannot prepare the insert: {e}"))?;
            let insert: &'static Prepared<(i64, Vec<u8>), ()> = Box::leak(Box::new(insert));
            let blob: &'static [u8] = blob().leak();
            drive(&args, move |k: i64| async move {
                session
                    .execute_borrowed(insert, (k, blob))
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string())
            })
            .await
        }
        Workload::Select => {
            let get = session
                .prepare_typed(Kv::get())
                .await
                .map_err(|e| format!("cannot prepare the select: {e}"))?;
            let get: &'static Prepared<(i64,), Kv> = Box::leak(Box::new(get));
            drive(&args, move |k: i64| async move {
                let Kv { k: key, v: value } = session
                    .fetch_optional(get, (k,))
                    .await
                    .map_err(|e| e.to_string())?
                    .ok_or("the select returned no row")?;
                std::hint::black_box((key, value));
                Ok::<(), String>(())
            })
            .await
        }
    }
}
