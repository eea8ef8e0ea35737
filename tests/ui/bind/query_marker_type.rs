use ringbolt::Table;

#[derive(Table)]
#[query(name = "latest", cql = "SELECT * FROM event WHERE tenant IN ? LIMIT ?")]
struct Event {
    #[partition_key]
    tenant: String,
    #[clustering_key]
    at: i64,
    body: String,
}

fn main() {
    // `IN ?` binds a Vec of the column's type, LIMIT an i32.
    let _ = Event::latest().bind((String::from("acme"), 10_i64));
}
