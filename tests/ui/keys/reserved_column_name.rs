use ringbolt::Table;

#[derive(Table)]
struct Event {
    #[partition_key]
    id: i32,
    #[column(name = "select")]
    chosen: bool,
}

fn main() {}
