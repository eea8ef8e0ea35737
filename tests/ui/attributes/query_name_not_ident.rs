use ringbolt::Table;

#[derive(Table)]
#[query(name = "by id", cql = "SELECT * FROM event WHERE id = ?")]
struct Event {
    #[partition_key]
    id: i32,
}

fn main() {}
