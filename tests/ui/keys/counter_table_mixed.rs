use ringbolt::types::Counter;
use ringbolt::Table;

#[derive(Table)]
struct PageViews {
    #[partition_key]
    page: String,
    views: Counter,
    title: String,
}

fn main() {}
