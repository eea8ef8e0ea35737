use ringbolt::Table;

#[derive(Table)]
struct Event(i32, String);

fn main() {}
