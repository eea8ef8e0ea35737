//! The HTTP API: routes, request validation, JSON bodies and error answers.

use std::future::Future;
use std::sync::Arc;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::net::TcpListener;

use super::cursor;
use super::model::Link;
use super::store::{CreateError, ListError, NewLink, Store, StoreError};

/// What every handler shares.
pub struct AppState {
    /// The database operations.
    pub store: Store,
}

/// The longest URL accepted.
pub const MAX_URL_LEN: usize = 2048;
/// The longest slug or user name accepted.
pub const MAX_NAME_LEN: usize = 64;
/// The page size when `limit` is not given.
pub const DEFAULT_LIMIT: i32 = 20;
/// The largest `limit`.
pub const MAX_LIMIT: i32 = 100;
/// The longest TTL Cassandra accepts (20 years).
pub const MAX_TTL_SECONDS: i64 = 630_720_000;

/// Every route of the service.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/links", post(create_link))
        .route("/links/{slug}", get(get_link).delete(delete_link))
        .route("/l/{slug}", get(follow_link))
        .route("/users/{user}/links", get(list_links))
        .fallback(|| async { ApiError::NotFound("no such route".into()) })
        .method_not_allowed_fallback(|| async {
            (
                StatusCode::METHOD_NOT_ALLOWED,
                Json(json!({ "error": "this route does not take that method" })),
            )
        })
        .with_state(state)
}

/// Serves `router(state)` on `listener` until `shutdown` completes, then finishes the requests
/// in flight.
pub async fn serve(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// An answer other than success, as `{"error": "..."}` (plus `kind` for database errors).
#[derive(Debug)]
pub enum ApiError {
    /// 400: the request is malformed or a field is invalid.
    BadRequest(String),
    /// 404: no such link or route.
    NotFound(String),
    /// 409: the slug is taken.
    Conflict(String),
    /// 503: the database failed.
    Unavailable(StoreError),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            ApiError::BadRequest(e) => (StatusCode::BAD_REQUEST, json!({ "error": e })),
            ApiError::NotFound(e) => (StatusCode::NOT_FOUND, json!({ "error": e })),
            ApiError::Conflict(e) => (StatusCode::CONFLICT, json!({ "error": e })),
            ApiError::Unavailable(e) => {
                eprintln!("database error: {e}");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    json!({ "error": e.message, "kind": e.kind }),
                )
            }
        };
        (status, Json(body)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Unavailable(e)
    }
}

/// The body of `POST /links`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateLink {
    /// A custom slug; generated when absent.
    pub slug: Option<String>,
    /// Where the link redirects (http or https).
    pub url: String,
    /// The owner.
    pub user: String,
    /// Seconds until the link expires.
    pub ttl_seconds: Option<i64>,
}

/// A link as the API shows it.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct LinkView {
    /// Its slug.
    pub slug: String,
    /// Where it redirects.
    pub url: String,
    /// Its owner.
    pub user: String,
    /// Creation time, RFC 3339.
    pub created_at: String,
    /// Redirects served (only on `GET /links/{slug}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clicks: Option<i64>,
}

impl LinkView {
    fn new(link: Link, clicks: Option<i64>) -> LinkView {
        LinkView {
            slug: link.slug,
            url: link.url,
            user: link.owner,
            created_at: link.created_at.to_rfc3339(),
            clicks,
        }
    }
}

/// The answer of `GET /users/{user}/links`.
#[derive(Debug, Serialize, Deserialize)]
pub struct LinkPage {
    /// This page's links, newest first.
    pub links: Vec<LinkView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The query of `GET /users/{user}/links`.
#[derive(Debug, Deserialize)]
pub struct ListParams {
    /// Page size, 1 to [`MAX_LIMIT`].
    pub limit: Option<String>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
}

fn check_name(what: &str, value: &str) -> Result<(), ApiError> {
    let ok = !value.is_empty()
        && value.len() <= MAX_NAME_LEN
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(ApiError::BadRequest(format!(
            "{what} must be 1 to {MAX_NAME_LEN} characters of A-Z, a-z, 0-9, '-' or '_'"
        )))
    }
}

fn check_url(url: &str) -> Result<(), ApiError> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest)
            if !rest.is_empty()
                && url.len() <= MAX_URL_LEN
                && !url.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Ok(())
        }
        _ => Err(ApiError::BadRequest(format!(
            "url must be an http:// or https:// URL of at most {MAX_URL_LEN} characters without spaces"
        ))),
    }
}

async fn create_link(
    State(state): State<Arc<AppState>>,
    body: Result<Json<CreateLink>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    check_url(&body.url)?;
    check_name("user", &body.user)?;
    if let Some(slug) = &body.slug {
        check_name("slug", slug)?;
    }
    let ttl_seconds = match body.ttl_seconds {
        None => None,
        Some(ttl) => match i32::try_from(ttl) {
            Ok(ttl) if ttl > 0 && i64::from(ttl) <= MAX_TTL_SECONDS => Some(ttl),
            _ => {
                return Err(ApiError::BadRequest(format!(
                    "ttl_seconds must be between 1 and {MAX_TTL_SECONDS}"
                )))
            }
        },
    };
    let new = NewLink {
        slug: body.slug,
        url: body.url,
        owner: body.user,
        ttl_seconds,
    };
    match state.store.create(new).await {
        Ok(link) => {
            let location = format!("/links/{}", link.slug);
            Ok((
                StatusCode::CREATED,
                [(header::LOCATION, location)],
                Json(LinkView::new(link, None)),
            )
                .into_response())
        }
        Err(CreateError::SlugTaken(slug)) => Err(ApiError::Conflict(format!(
            "the slug {slug:?} is taken; choose another or leave slug out to get a generated one"
        ))),
        Err(CreateError::Store(e)) => Err(ApiError::Unavailable(e)),
    }
}

fn path_slug(
    slug: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<String, ApiError> {
    let Path(slug) = slug.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    check_name("slug", &slug)?;
    Ok(slug)
}

fn not_found(slug: &str) -> ApiError {
    ApiError::NotFound(format!("no link with slug {slug:?}"))
}

async fn get_link(
    State(state): State<Arc<AppState>>,
    slug: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Json<LinkView>, ApiError> {
    let slug = path_slug(slug)?;
    match state.store.get(&slug).await? {
        Some((link, clicks)) => Ok(Json(LinkView::new(link, Some(clicks)))),
        None => Err(not_found(&slug)),
    }
}

async fn follow_link(
    State(state): State<Arc<AppState>>,
    slug: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Response, ApiError> {
    let slug = path_slug(slug)?;
    match state.store.follow(&slug).await? {
        Some((url, count_error)) => {
            if let Some(e) = count_error {
                eprintln!("click on {slug:?} not counted: {e}");
            }
            Ok((StatusCode::FOUND, [(header::LOCATION, url)]).into_response())
        }
        None => Err(not_found(&slug)),
    }
}

async fn delete_link(
    State(state): State<Arc<AppState>>,
    slug: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<StatusCode, ApiError> {
    let slug = path_slug(slug)?;
    if state.store.delete(&slug).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found(&slug))
    }
}

fn bad_cursor() -> ApiError {
    ApiError::BadRequest(
        "cursor is not one this service returned for this user; start again without it".into(),
    )
}

async fn list_links(
    State(state): State<Arc<AppState>>,
    user: Result<Path<String>, axum::extract::rejection::PathRejection>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<LinkPage>, ApiError> {
    let Path(user) = user.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    check_name("user", &user)?;
    let Query(params) = params.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let limit = match params.limit.as_deref() {
        None => DEFAULT_LIMIT,
        Some(text) => match text.parse::<i32>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                return Err(ApiError::BadRequest(format!(
                    "limit must be a whole number from 1 to {MAX_LIMIT}"
                )))
            }
        },
    };
    let cursor = match params.cursor.as_deref() {
        None | Some("") => None,
        Some(text) => Some(cursor::decode(text).ok_or_else(bad_cursor)?),
    };
    let (links, next) = match state.store.list(&user, limit, cursor).await {
        Ok(page) => page,
        Err(ListError::BadCursor) => return Err(bad_cursor()),
        Err(ListError::Store(e)) => return Err(ApiError::Unavailable(e)),
    };
    Ok(Json(LinkPage {
        links: links
            .into_iter()
            .map(|l| {
                LinkView::new(
                    Link {
                        slug: l.slug,
                        url: l.url,
                        owner: l.owner,
                        created_at: l.created_at,
                    },
                    None,
                )
            })
            .collect(),
        next_cursor: next.as_ref().map(cursor::encode),
    }))
}

async fn health(State(state): State<Arc<AppState>>) -> Response {
    let protocol = state
        .store
        .session()
        .protocol_version()
        .map(|v| format!("v{}", v as u8));
    match state.store.health().await {
        Ok(h) => {
            let nodes: Vec<_> = h
                .nodes
                .iter()
                .map(|n| {
                    json!({
                        "address": n.address,
                        "datacenter": n.datacenter,
                        "rack": n.rack,
                        "state": n.state,
                    })
                })
                .collect();
            Json(json!({
                "status": "ok",
                "release_version": h.release_version,
                "protocol_version": protocol,
                "nodes": nodes,
            }))
            .into_response()
        }
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "error": e.message, "kind": e.kind })),
        )
            .into_response(),
    }
}
