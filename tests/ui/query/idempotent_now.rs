use ringbolt::Table;

#[derive(Table)]
#[query(name = "touch", cql = "UPDATE event SET body = toJson(now()) WHERE tenant = ? AND day = ? AND at = ? AND seq = ?", idempotent = true)]
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
