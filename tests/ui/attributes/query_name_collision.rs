use ringbolt::Table;

#[derive(Table)]
#[query(name = "get", cql = "SELECT * FROM event WHERE id = ?")]
#[query(name = "by_id", cql = "SELECT * FROM event WHERE id = ?")]
#[table(query(name = "by_id", cql = "SELECT body FROM event WHERE id = ?"))]
struct Event {
    #[partition_key]
    id: i32,
    body: String,
}

fn main() {}
