use ringbolt::session::Session;
use ringbolt::Table;

#[derive(Table)]
struct Event {
    #[partition_key]
    tenant: String,
    #[clustering_key]
    at: i64,
    body: String,
}

async fn latest(session: &Session) {
    let get = session.prepare_typed(Event::get()).await.unwrap();
    // The key is (String, i64): a (&str, i32) tuple does not compile.
    let _ = session.fetch_optional(&get, ("acme", 7_i32)).await;
}

fn main() {
    let _ = latest;
}
