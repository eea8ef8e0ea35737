use ringbolt::types::Counter;
use ringbolt::Table;

#[derive(Table)]
#[query(name = "reset", cql = "UPDATE page_views SET views = ? WHERE page = ?")]
#[query(name = "seed", cql = "INSERT INTO page_views (page, views) VALUES (?, ?)")]
struct PageViews {
    #[partition_key]
    page: String,
    views: Counter,
}

fn main() {}
