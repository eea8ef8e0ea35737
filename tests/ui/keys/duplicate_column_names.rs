use ringbolt::Table;

#[derive(Table)]
struct Event {
    #[partition_key]
    id: i32,
    body: String,
    #[column(name = "body")]
    text: String,
}

fn main() {}
