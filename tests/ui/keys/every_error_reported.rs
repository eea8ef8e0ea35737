use ringbolt::Table;

#[derive(Table)]
#[table(nmae = "events")]
struct Event {
    #[column(name = "id")]
    event_id: i32,
    id: i32,
    #[skip]
    #[partition_key]
    cache: u8,
}

fn main() {}
