use ringbolt::Table;

#[derive(Table)]
struct Event;

fn main() {}
