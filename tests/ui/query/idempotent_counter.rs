use ringbolt::types::Counter;
use ringbolt::Table;

#[derive(Table)]
#[query(name = "bump", cql = "UPDATE page_views SET views = views + 1 WHERE page = ?", idempotent = true)]
struct PageViews {
    #[partition_key]
    page: String,
    views: Counter,
}

fn main() {}
