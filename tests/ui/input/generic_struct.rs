use ringbolt::Table;

#[derive(Table)]
struct Event<T> {
    #[partition_key]
    id: i32,
    body: T,
}

fn main() {}
