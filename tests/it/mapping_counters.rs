//! Counter tables of `#[derive(Table)]` on `ringbolt-sim`: generated increment / decrement,
//! reads of counter rows, deletes, and a hand-written counter update.
//!
//! Address (range p5): 127.0.67.1.

use ringbolt::protocol::ProtocolVersion;
use ringbolt::types::Counter;
use ringbolt::Table;

use super::mapping_support::{create_schema, start};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(keyspace = "stats")]
#[query(
    name = "add_views",
    cql = "UPDATE stats.page_hits SET views = views + ? WHERE site = ? AND day = ? AND path = ?"
)]
#[query(
    name = "top",
    cql = "SELECT path, clicks FROM page_hits WHERE site = ? AND day = ? ORDER BY path DESC LIMIT ?"
)]
struct PageHits {
    #[partition_key]
    site: String,
    #[partition_key]
    day: i32,
    #[clustering_key]
    path: String,
    views: Counter,
    #[counter]
    clicks: i64,
}

#[tokio::test]
async fn counters_increment_and_decrement() {
    let fx = start(67, "stats", ProtocolVersion::V5).await;
    let s = &fx.session;
    create_schema::<PageHits>(s).await;
    let increment = s.prepare_typed(PageHits::increment()).await.unwrap();
    let decrement = s.prepare_typed(PageHits::decrement()).await.unwrap();
    let get = s.prepare_typed(PageHits::get()).await.unwrap();
    let key = |path: &str| ("example.org".to_owned(), 3, path.to_owned());

    // A counter row that was never written does not exist.
    assert_eq!(s.fetch_optional(&get, key("/")).await.unwrap(), None);
    for _ in 0..3 {
        s.execute_typed(&increment, (10, 1, "example.org".into(), 3, "/".into()))
            .await
            .unwrap();
    }
    s.execute_typed(&decrement, (4, 0, "example.org".into(), 3, "/".into()))
        .await
        .unwrap();
    s.execute_typed(&increment, (1, 5, "example.org".into(), 3, "/a".into()))
        .await
        .unwrap();
    assert_eq!(
        s.fetch_optional(&get, key("/")).await.unwrap(),
        Some(PageHits {
            site: "example.org".into(),
            day: 3,
            path: "/".into(),
            views: Counter(26),
            clicks: 3,
        })
    );

    let add_views = s.prepare_typed(PageHits::add_views()).await.unwrap();
    assert!(!add_views.is_idempotent());
    s.execute_typed(&add_views, (-6, "example.org".into(), 3, "/".into()))
        .await
        .unwrap();
    let partition = s.prepare_typed(PageHits::select_partition()).await.unwrap();
    let rows = s
        .fetch_all(&partition, ("example.org".into(), 3))
        .await
        .unwrap();
    let summary: Vec<(&str, i64, i64)> = rows
        .iter()
        .map(|r| (r.path.as_str(), r.views.0, r.clicks))
        .collect();
    assert_eq!(summary, [("/", 20, 3), ("/a", 1, 5)]);

    let top = s.prepare_typed(PageHits::top()).await.unwrap();
    assert_eq!(
        s.fetch_all(&top, ("example.org".into(), 3, 1))
            .await
            .unwrap(),
        [("/a".to_owned(), 5)]
    );

    let range = s
        .prepare_typed(PageHits::select_range_path())
        .await
        .unwrap();
    let got = s
        .fetch_all(&range, ("example.org".into(), 3, "/".into(), "/a".into()))
        .await
        .unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].path, "/");

    let delete = s.prepare_typed(PageHits::delete()).await.unwrap();
    s.execute_typed(&delete, key("/a")).await.unwrap();
    assert_eq!(s.fetch_optional(&get, key("/a")).await.unwrap(), None);
    let delete_partition = s.prepare_typed(PageHits::delete_partition()).await.unwrap();
    s.execute_typed(&delete_partition, ("example.org".into(), 3))
        .await
        .unwrap();
    assert!(s
        .fetch_all(&partition, ("example.org".into(), 3))
        .await
        .unwrap()
        .is_empty());
}
