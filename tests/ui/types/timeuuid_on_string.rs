use ringbolt::Table;

#[derive(Table)]
struct Event {
    #[partition_key]
    #[column(timeuuid)]
    id: String,
}

fn main() {}
