use ringbolt::Table;

#[derive(Table)]
struct Hits {
    #[partition_key]
    #[counter]
    count: i64,
}

fn main() {}
