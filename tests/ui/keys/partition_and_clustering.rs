use ringbolt::Table;

#[derive(Table)]
struct Event {
    #[partition_key]
    #[clustering_key]
    id: i32,
}

fn main() {}
