//! The tables of the link shortener, mapped with `#[derive(Table)]`, and its schema.

use chrono::{DateTime, Utc};
use ringbolt::mapping::Table as _;
use ringbolt::Table;

/// The keyspace every table lives in.
pub const KEYSPACE: &str = "shortener";

/// One short link, looked up by its slug.
#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "links", keyspace = "shortener")]
pub struct Link {
    /// The short name in `/l/{slug}`.
    #[partition_key]
    pub slug: String,
    /// Where `/l/{slug}` redirects.
    pub url: String,
    /// The user who created it.
    pub owner: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A user's links, newest first: partition `owner`, clustering `created_at DESC, slug`.
#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "user_links", keyspace = "shortener")]
pub struct UserLink {
    /// The user.
    #[partition_key]
    pub owner: String,
    /// When the link was created (newest first).
    #[clustering_key(desc)]
    pub created_at: DateTime<Utc>,
    /// The link's slug (tells apart links created in the same millisecond).
    #[clustering_key]
    pub slug: String,
    /// Where the link redirects.
    pub url: String,
}

/// How often each link was followed (a counter table). Keyed by slug and creation time: a
/// slug freed by DELETE or by its TTL and claimed again gets a fresh counter, since Cassandra
/// cannot reliably reuse a deleted counter, and counters cannot expire.
#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "link_clicks", keyspace = "shortener")]
pub struct LinkClicks {
    /// The link's slug.
    #[partition_key]
    pub slug: String,
    /// The link's creation time.
    #[clustering_key]
    pub created_at: DateTime<Utc>,
    /// Redirects served.
    #[counter]
    pub clicks: i64,
}

/// The CQL that creates the keyspace (replication factor `rf` in datacenter `dc`) and tables.
pub fn schema(dc: &str, rf: u32) -> Vec<String> {
    let dc = dc.replace('\'', "''");
    vec![
        format!(
            "CREATE KEYSPACE IF NOT EXISTS {KEYSPACE} WITH replication = \
             {{'class': 'NetworkTopologyStrategy', '{dc}': {rf}}}"
        ),
        // The derive's `CREATE TABLE IF NOT EXISTS`, so start-up can run it every time.
        Link::create_table_cql(),
        UserLink::create_table_cql(),
        LinkClicks::create_table_cql(),
    ]
}
