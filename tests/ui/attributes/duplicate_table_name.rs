use ringbolt::Table;

#[derive(Table)]
#[table(name = "events")]
#[table(keyspace = "app", name = "event_log")]
struct Event {
    #[partition_key]
    id: i32,
}

fn main() {}
