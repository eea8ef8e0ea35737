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
    let _ = Event::select_partition().bind((String::from("acme"), 7_i64));
}
