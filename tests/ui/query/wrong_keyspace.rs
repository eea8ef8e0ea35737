use ringbolt::Table;

#[derive(Table)]
#[table(keyspace = "app")]
#[query(name = "elsewhere", cql = "SELECT * FROM audit.event WHERE tenant = ? AND day = ?")]
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
