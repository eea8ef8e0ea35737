use ringbolt::Table;

#[derive(Table)]
struct Event {
    #[partition_key]
    tenant: String,
    #[clustering_key]
    at: i64,
    body: String,
}

fn main() {
    let _ = Event::get().bind((String::from("acme"), "yesterday"));
}
