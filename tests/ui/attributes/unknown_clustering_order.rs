use ringbolt::Table;

#[derive(Table)]
struct Event {
    #[partition_key]
    id: i32,
    #[clustering_key(descending)]
    at: i64,
}

fn main() {}
