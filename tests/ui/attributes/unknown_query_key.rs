use ringbolt::Table;

#[derive(Table)]
#[query(name = "by_id", cql = "SELECT * FROM event WHERE id = ?", consistency = "quorum")]
struct Event {
    #[partition_key]
    id: i32,
}

fn main() {}
