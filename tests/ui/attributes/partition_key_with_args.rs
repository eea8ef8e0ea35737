use ringbolt::Table;

#[derive(Table)]
struct Event {
    #[partition_key(1)]
    id: i32,
}

fn main() {}
