use ringbolt::Table;

#[derive(Table)]
struct Event {
    id: i32,
    body: String,
}

fn main() {}
