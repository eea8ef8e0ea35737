use ringbolt::Table;

#[derive(Table)]
struct Event {
    #[partition_key]
    id: i32,
    #[column(rename = "body_text")]
    body: String,
}

fn main() {}
