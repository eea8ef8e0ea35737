use ringbolt::Table;

#[derive(Table)]
struct Event {
    #[partition_key]
    id: i32,
    #[skip]
    #[clustering_key]
    cached_at: i64,
}

fn main() {}
