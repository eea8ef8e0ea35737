use ringbolt::Table;

#[derive(Table)]
#[query(name = "many", cql = "SELECT nope FROM event WHERE day = ? ORDER BY tags")]
#[table(query(name = "other", cql = "DELETE FROM evnt WHERE tenant = ? AND day = ?"))]
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
