use ringbolt::Table;

#[derive(Table)]
#[table(name = "event-log", keyspace = "App")]
struct Event {
    #[partition_key]
    id: i32,
}

fn main() {}
