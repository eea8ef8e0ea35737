use ringbolt::Table;

#[derive(Table)]
struct Event {
    #[partition_key]
    #[partition_key]
    id: i32,
}

fn main() {}
