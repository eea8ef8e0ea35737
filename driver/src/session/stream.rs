//! [`RowStream`]: the rows of a statement across pages, fetching the next page only when the
//! current one is used up, so at most one page is held in memory.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use futures::Stream;

use super::errors::QueryError;
use super::result::QueryResult;
use super::statement::{PagingState, PreparedStatement, SimpleStatement};
use super::Session;
use crate::protocol::request::SerializedValues;
use crate::types::DeserializeRow;

/// What a stream fetches pages of.
pub(crate) enum PageSource {
    /// CQL text without values.
    Simple(SimpleStatement),
    /// A prepared statement with its serialized values.
    Prepared(PreparedStatement, SerializedValues),
}

impl PageSource {
    fn fetch(
        &self,
        session: Session,
        paging: Option<PagingState>,
    ) -> BoxFuture<'static, Result<QueryResult, QueryError>> {
        match self {
            PageSource::Simple(statement) => {
                let statement = statement.clone();
                Box::pin(async move { session.query_page(&statement, paging.as_ref()).await })
            }
            PageSource::Prepared(prepared, values) => {
                let prepared = prepared.clone();
                let values = values.clone();
                Box::pin(async move {
                    session
                        .execute_page(&prepared, values, paging.as_ref())
                        .await
                })
            }
        }
    }
}

/// A stream of rows as `T` (see [`Session::execute_stream`]).
pub struct RowStream<T> {
    session: Session,
    source: PageSource,
    paging_state: Option<PagingState>,
    rows: VecDeque<T>,
    fetching: Option<BoxFuture<'static, Result<QueryResult, QueryError>>>,
    started: bool,
    finished: bool,
    row_type: PhantomData<fn() -> T>,
}

// No field is pinned structurally: the fetch future is boxed and rows are moved out by value.
impl<T> Unpin for RowStream<T> {}

impl<T> RowStream<T> {
    pub(crate) fn new(
        session: Session,
        source: PageSource,
        paging_state: Option<PagingState>,
    ) -> Self {
        RowStream {
            session,
            source,
            paging_state,
            rows: VecDeque::new(),
            fetching: None,
            started: false,
            finished: false,
            row_type: PhantomData,
        }
    }

    /// Where the stream would resume: the paging state of the next page not yet fetched.
    pub fn paging_state(&self) -> Option<&PagingState> {
        self.paging_state.as_ref()
    }
}

impl<T> Stream for RowStream<T>
where
    T: for<'frame> DeserializeRow<'frame>,
{
    type Item = Result<T, QueryError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(row) = this.rows.pop_front() {
                return Poll::Ready(Some(Ok(row)));
            }
            if this.finished
                || (this.started && this.paging_state.is_none() && this.fetching.is_none())
            {
                this.finished = true;
                return Poll::Ready(None);
            }
            let fetch = match &mut this.fetching {
                Some(fetch) => fetch,
                None => {
                    this.started = true;
                    let future = this
                        .source
                        .fetch(this.session.clone(), this.paging_state.clone());
                    this.fetching.insert(future)
                }
            };
            let page = match fetch.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(page) => page,
            };
            this.fetching = None;
            let page = match page {
                Ok(page) => page,
                Err(e) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(e)));
                }
            };
            this.paging_state = page.paging_state();
            let decoded = page
                .rows::<T>()
                .and_then(|rows| rows.collect::<Result<VecDeque<T>, _>>());
            match decoded {
                Ok(rows) => this.rows = rows,
                Err(e) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(QueryError::Rows(e))));
                }
            }
        }
    }
}
