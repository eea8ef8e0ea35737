use ringbolt::Table;

#[derive(Table)]
struct Hits {
    #[partition_key]
    page: String,
    #[counter]
    count: String,
}

fn main() {}
