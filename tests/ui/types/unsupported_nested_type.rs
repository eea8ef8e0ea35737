use ringbolt::Table;

#[derive(Table)]
struct Account {
    #[partition_key]
    id: i32,
    scores: Vec<u32>,
}

fn main() {}
