use ringbolt::Table;

#[derive(Table)]
#[table(query(name = "by_id"))]
struct Event {
    #[partition_key]
    id: i32,
}

fn main() {}
