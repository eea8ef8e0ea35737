use ringbolt::Table;

#[derive(Table)]
enum Event {
    Created { id: i32 },
}

fn main() {}
