use ringbolt::session::Session;
use ringbolt::Table;

#[derive(Table)]
struct Event {
    #[partition_key]
    tenant: String,
    body: String,
}

async fn write(session: &Session) {
    // `apply` reads `[applied]`: only lightweight transactions (insert_if_not_exists) have it.
    let insert = session.prepare_typed(Event::insert()).await.unwrap();
    let _ = session.apply(&insert, (String::new(), String::new())).await;
}

fn main() {
    let _ = write;
}
