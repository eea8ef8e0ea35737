use ringbolt::Table;

#[derive(Table)]
struct Event {
    #[partition_key]
    id: i32,
    #[static_column]
    owner: String,
}

fn main() {}
