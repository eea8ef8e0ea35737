use ringbolt::Table;

#[derive(Table)]
#[query(name = "by_body", cql = "SELECT * FROM event WHERE tenant = ? AND day = ? AND body = ?")]
struct Event {
    #[partition_key]
    tenant: String,
    #[partition_key]
    day: i32,
    #[clustering_key]
    at: i64,
    #[clustering_key]
    seq: i32,
    body: String,
    tags: Vec<String>,
}

fn main() {}
