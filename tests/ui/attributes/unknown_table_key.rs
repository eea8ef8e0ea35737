use ringbolt::Table;

#[derive(Table)]
#[table(name = "events", ttl = 3600)]
struct Event {
    #[partition_key]
    id: i32,
}

fn main() {}
