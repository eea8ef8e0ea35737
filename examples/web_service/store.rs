//! Every database operation of the service, on statements prepared once at start-up.

use chrono::{DateTime, Utc};
use ringbolt::cluster::NodeState;
use ringbolt::mapping::Prepared;
use ringbolt::session::{
    BatchStatement, DbError, PagingState, PrepareError, PreparedStatement, QueryError, Session,
    SimpleStatement,
};

pub use super::errors::{chain, CreateError, ListError, StoreError};
use super::model::{Link, LinkClicks, UserLink, KEYSPACE};

/// A link to create.
#[derive(Debug, Clone)]
pub struct NewLink {
    /// A custom slug, claimed with a lightweight transaction; `None` generates one.
    pub slug: Option<String>,
    /// Where it redirects.
    pub url: String,
    /// Its owner.
    pub owner: String,
    /// Seconds until the link expires; `None` keeps it forever.
    pub ttl_seconds: Option<i32>,
}

/// What a health probe saw.
#[derive(Debug, Clone)]
pub struct Health {
    /// The coordinator's Cassandra version.
    pub release_version: String,
    /// The nodes the driver sees and their state.
    pub nodes: Vec<NodeView>,
}

/// One node in a [`Health`] report.
#[derive(Debug, Clone)]
pub struct NodeView {
    /// Its address.
    pub address: String,
    /// Its datacenter, if known.
    pub datacenter: Option<String>,
    /// Its rack, if known.
    pub rack: Option<String>,
    /// `up`, `down` or `unknown`, as the driver sees it.
    pub state: &'static str,
}

/// How many generated slugs are tried before giving up (each collision is unlikely).
const GENERATED_SLUG_ATTEMPTS: usize = 5;

/// The service's statements, prepared once, and the session that runs them.
pub struct Store {
    session: Session,
    get_link: Prepared<(String,), Link>,
    get_clicks: Prepared<(String, DateTime<Utc>), LinkClicks>,
    increment_clicks: Prepared<(i64, String, DateTime<Utc>), ()>,
    delete_clicks: Prepared<(String, DateTime<Utc>), ()>,
    list_user_links: Prepared<(String,), UserLink>,
    delete_link: Prepared<(String,), ()>,
    delete_user_link: Prepared<(String, DateTime<Utc>, String), ()>,
    /// `INSERT ... IF NOT EXISTS USING TTL ?`: the typed `insert_if_not_exists` has no TTL.
    claim_link: PreparedStatement,
    /// `INSERT ... USING TTL ?` for both tables, run together in a logged batch.
    insert_link: PreparedStatement,
    insert_user_link: PreparedStatement,
}

impl Store {
    /// Prepares every statement (the schema must exist).
    pub async fn prepare(session: Session) -> Result<Store, PrepareError> {
        let raw =
            |cql: String, idempotent: bool| SimpleStatement::new(cql).with_idempotent(idempotent);
        let link_cols = "(slug, url, owner, created_at) VALUES (?, ?, ?, ?)";
        let claim_link = session
            .prepare(raw(
                format!("INSERT INTO {KEYSPACE}.links {link_cols} IF NOT EXISTS USING TTL ?"),
                false,
            ))
            .await?;
        let insert_link = session
            .prepare(raw(
                format!("INSERT INTO {KEYSPACE}.links {link_cols} USING TTL ?"),
                true,
            ))
            .await?;
        let insert_user_link = session
            .prepare(raw(
                format!(
                    "INSERT INTO {KEYSPACE}.user_links (owner, created_at, slug, url) \
                     VALUES (?, ?, ?, ?) USING TTL ?"
                ),
                true,
            ))
            .await?;
        Ok(Store {
            get_link: session.prepare_typed(Link::get()).await?,
            get_clicks: session.prepare_typed(LinkClicks::get()).await?,
            increment_clicks: session.prepare_typed(LinkClicks::increment()).await?,
            delete_clicks: session.prepare_typed(LinkClicks::delete()).await?,
            list_user_links: session.prepare_typed(UserLink::select_partition()).await?,
            delete_link: session.prepare_typed(Link::delete()).await?,
            delete_user_link: session.prepare_typed(UserLink::delete()).await?,
            claim_link,
            insert_link,
            insert_user_link,
            session,
        })
    }

    /// The session, for callers that need it directly.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Creates a link. A custom slug is claimed with `INSERT ... IF NOT EXISTS` (Cassandra
    /// refuses conditional batches across partitions, so the per-user row follows it; if that
    /// second write fails the link exists but is missing from the user's list, and the error
    /// is returned); a generated slug writes both rows in one logged batch.
    pub async fn create(&self, new: NewLink) -> Result<Link, CreateError> {
        let created_at = now_millis();
        let ttl = new.ttl_seconds.unwrap_or(0);
        let store = |e: &QueryError| CreateError::Store(StoreError::query(e));
        let link = match new.slug {
            Some(slug) => {
                let link = Link {
                    slug,
                    url: new.url,
                    owner: new.owner,
                    created_at,
                };
                let result = self
                    .session
                    .execute(&self.claim_link, link_values(&link, ttl))
                    .await
                    .map_err(|e| store(&e))?;
                let applied = result.was_applied().map_err(|e| {
                    CreateError::Store(StoreError {
                        kind: "Rows".into(),
                        message: chain(&e),
                    })
                })?;
                if !applied {
                    return Err(CreateError::SlugTaken(link.slug));
                }
                self.session
                    .execute(&self.insert_user_link, user_link_values(&link, ttl))
                    .await
                    .map_err(|e| store(&e))?;
                link
            }
            None => {
                let mut attempt = 0;
                loop {
                    attempt += 1;
                    let slug = generate_slug();
                    // A generated slug is new with overwhelming odds; check anyway so a
                    // collision never overwrites someone's link.
                    let taken = self
                        .session
                        .fetch_optional(&self.get_link, (slug.clone(),))
                        .await
                        .map_err(|e| CreateError::Store(StoreError::fetch(&e)))?
                        .is_some();
                    if taken && attempt < GENERATED_SLUG_ATTEMPTS {
                        continue;
                    }
                    if taken {
                        return Err(CreateError::SlugTaken(slug));
                    }
                    let link = Link {
                        slug,
                        url: new.url,
                        owner: new.owner,
                        created_at,
                    };
                    let mut batch = BatchStatement::logged();
                    batch.append(&self.insert_link);
                    batch.append(&self.insert_user_link);
                    self.session
                        .batch(
                            &batch,
                            (link_values(&link, ttl), user_link_values(&link, ttl)),
                        )
                        .await
                        .map_err(|e| store(&e))?;
                    break link;
                }
            }
        };
        Ok(link)
    }

    /// The link and its click count, if it exists.
    pub async fn get(&self, slug: &str) -> Result<Option<(Link, i64)>, StoreError> {
        let Some(link) = self
            .session
            .fetch_optional(&self.get_link, (slug.to_owned(),))
            .await
            .map_err(|e| StoreError::fetch(&e))?
        else {
            return Ok(None);
        };
        let clicks = self
            .session
            .fetch_optional(&self.get_clicks, (slug.to_owned(), link.created_at))
            .await
            .map_err(|e| StoreError::fetch(&e))?
            .map_or(0, |c| c.clicks);
        Ok(Some((link, clicks)))
    }

    /// The target of a link, counting the click; `None` if the link does not exist. The
    /// increment is not idempotent (the driver never retries it); when it fails the redirect
    /// is still served and the failure is reported in `Ok((url, Some(error)))`.
    pub async fn follow(
        &self,
        slug: &str,
    ) -> Result<Option<(String, Option<StoreError>)>, StoreError> {
        let Some(link) = self
            .session
            .fetch_optional(&self.get_link, (slug.to_owned(),))
            .await
            .map_err(|e| StoreError::fetch(&e))?
        else {
            return Ok(None);
        };
        let counted = self
            .session
            .execute_typed(
                &self.increment_clicks,
                (1, slug.to_owned(), link.created_at),
            )
            .await
            .err()
            .map(|e| StoreError::query(&e));
        Ok(Some((link.url, counted)))
    }

    /// One page of a user's links, newest first, and the paging state of the next page.
    pub async fn list(
        &self,
        owner: &str,
        limit: i32,
        cursor: Option<PagingState>,
    ) -> Result<(Vec<UserLink>, Option<PagingState>), ListError> {
        let had_cursor = cursor.is_some();
        self.list_page(owner, limit, cursor)
            .await
            .map_err(|(e, refused_by_server)| {
                // The server refuses a paging state it did not make as invalid input.
                if had_cursor && refused_by_server {
                    ListError::BadCursor
                } else {
                    ListError::Store(e)
                }
            })
    }

    async fn list_page(
        &self,
        owner: &str,
        limit: i32,
        cursor: Option<PagingState>,
    ) -> Result<(Vec<UserLink>, Option<PagingState>), (StoreError, bool)> {
        let mut statement = self
            .list_user_links
            .statement()
            .clone()
            .with_page_size(limit);
        if let Some(state) = cursor {
            statement = statement.with_paging_state(Some(state));
        }
        let result = self
            .session
            .execute(&statement, (owner.to_owned(),))
            .await
            .map_err(|e| {
                let refused = matches!(
                    e.db_error(),
                    Some(DbError::ProtocolError | DbError::Invalid)
                );
                (StoreError::query(&e), refused)
            })?;
        let rows_error = |e: ringbolt::session::RowsError| {
            let e = StoreError {
                kind: "Rows".into(),
                message: chain(&e),
            };
            (e, false)
        };
        let links = result
            .rows::<UserLink>()
            .map_err(rows_error)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(rows_error)?;
        Ok((links, result.paging_state()))
    }

    /// Deletes a link, its entry in the owner's list and its counter; `false` if it did not
    /// exist.
    pub async fn delete(&self, slug: &str) -> Result<bool, StoreError> {
        let Some(link) = self
            .session
            .fetch_optional(&self.get_link, (slug.to_owned(),))
            .await
            .map_err(|e| StoreError::fetch(&e))?
        else {
            return Ok(false);
        };
        let mut batch = BatchStatement::logged();
        batch.append(self.delete_link.statement());
        batch.append(self.delete_user_link.statement());
        self.session
            .batch(
                &batch,
                (
                    (link.slug.clone(),),
                    (link.owner.clone(), link.created_at, link.slug.clone()),
                ),
            )
            .await
            .map_err(|e| StoreError::query(&e))?;
        // Counter deletes cannot share a logged batch with other writes. This counter row is
        // never incremented again (a new link under this slug has another `created_at`).
        self.session
            .execute_typed(&self.delete_clicks, (link.slug, link.created_at))
            .await
            .map_err(|e| StoreError::query(&e))?;
        Ok(true)
    }

    /// Asks a coordinator for its version, and the driver for the nodes it sees.
    pub async fn health(&self) -> Result<Health, StoreError> {
        let local = self
            .session
            .query("SELECT release_version FROM system.local", ())
            .await
            .map_err(|e| StoreError::query(&e))?;
        let rows_error = |e: ringbolt::session::RowsError| StoreError {
            kind: "Rows".into(),
            message: chain(&e),
        };
        let (release_version,): (String,) = local.first_row().map_err(rows_error)?;
        // The nodes the driver sees, with the state its pools and the server's events give them.
        let nodes = self
            .session
            .cluster_state()
            .into_iter()
            .map(|node| NodeView {
                address: node.address.to_string(),
                datacenter: Some(node.datacenter),
                rack: Some(node.rack),
                state: match node.state {
                    NodeState::Up => "up",
                    NodeState::Down => "down",
                    _ => "unknown",
                },
            })
            .collect();
        Ok(Health {
            release_version,
            nodes,
        })
    }
}

type LinkValues = (String, String, String, DateTime<Utc>, i32);

fn link_values(link: &Link, ttl: i32) -> LinkValues {
    (
        link.slug.clone(),
        link.url.clone(),
        link.owner.clone(),
        link.created_at,
        ttl,
    )
}

fn user_link_values(link: &Link, ttl: i32) -> (String, DateTime<Utc>, String, String, i32) {
    (
        link.owner.clone(),
        link.created_at,
        link.slug.clone(),
        link.url.clone(),
        ttl,
    )
}

/// Now, at the millisecond precision of a CQL timestamp (so what is returned is what is stored).
fn now_millis() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now)
}

/// Eight characters of `[0-9A-Za-z]` from a random UUID.
fn generate_slug() -> String {
    const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut n = uuid::Uuid::new_v4().as_u128();
    let mut slug = String::with_capacity(8);
    for _ in 0..8 {
        let digit = (n % 62) as usize;
        n /= 62;
        slug.push(char::from(ALPHABET[digit]));
    }
    slug
}
