use ringbolt::Table;

#[derive(Table)]
struct Event {
    #[partition_key]
    #[column(name = "event_id", name = "id")]
    id: i32,
}

fn main() {}
