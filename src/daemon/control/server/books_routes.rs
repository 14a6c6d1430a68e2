//! The routes of the books (stock, write-off, doubt, hand-over, outbox, audit, bundles): each
//! is one [`Books`] method, run for the caller on the journal off the async threads. The
//! helpers below turn a method into its route, so that no handler is written out by hand.

use axum::body::Bytes;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{ConnectInfo, Path as UrlPath, Query, State};
use axum::response::Response;
use axum::routing::{get, post, MethodRouter};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{refused, ControlState};
use crate::daemon::control::auth::{Caller, Peer};
use crate::daemon::control::books::Books;
use crate::daemon::control::Refusal;
use crate::journal::Journal;
use crate::messages::Plain;

/// A request body: the JSON, or why it is not.
type Body<T> = Result<Json<T>, JsonRejection>;

/// The request body, or a 400 refusal naming what is wrong with it.
pub(super) fn json_body<T>(body: Body<T>) -> Result<T, Refusal> {
    body.map(|Json(b)| b)
        .map_err(|e| bad_request(e.body_text()))
}

/// A GET answered by `f`.
pub(super) fn books_get<T>(
    f: fn(&Books, &mut Journal, &Caller) -> Result<T, Refusal>,
) -> MethodRouter<ControlState>
where
    T: Serialize + Send + 'static,
{
    get(
        move |State(s): State<ControlState>, ConnectInfo(p): ConnectInfo<Peer>| async move {
            s.books(p, f).await
        },
    )
}

/// A GET on one item of the path (`/v1/batches/{batch}`), handed to `f`.
pub(super) fn books_get_at<T>(
    f: fn(&Books, &mut Journal, &Caller, &str) -> Result<T, Refusal>,
) -> MethodRouter<ControlState>
where
    T: Serialize + Send + 'static,
{
    get(
        move |State(s): State<ControlState>,
              ConnectInfo(p): ConnectInfo<Peer>,
              UrlPath(item): UrlPath<String>| async move {
            s.books(p, move |b, j, c| f(b, j, c, &item)).await
        },
    )
}

/// A POST whose JSON body `R` is handed to `f`.
pub(super) fn books_post<R, T>(
    f: fn(&Books, &mut Journal, &Caller, &R) -> Result<T, Refusal>,
) -> MethodRouter<ControlState>
where
    R: DeserializeOwned + Send + 'static,
    T: Serialize + Send + 'static,
{
    post(
        move |State(s): State<ControlState>, ConnectInfo(p): ConnectInfo<Peer>, body: Body<R>| async move {
            match json_body(body) {
                Ok(r) => s.books(p, move |b, j, c| f(b, j, c, &r)).await,
                Err(r) => refused(r),
            }
        },
    )
}

/// A POST on one item of the path (`/v1/jobs/{job}/…`, `/v1/batches/{batch}/…`): the item and
/// the JSON body `R` are handed to `f`.
pub(super) fn books_post_at<R, T>(
    f: fn(&Books, &mut Journal, &Caller, &str, &R) -> Result<T, Refusal>,
) -> MethodRouter<ControlState>
where
    R: DeserializeOwned + Send + 'static,
    T: Serialize + Send + 'static,
{
    post(
        move |State(s): State<ControlState>,
              ConnectInfo(p): ConnectInfo<Peer>,
              UrlPath(item): UrlPath<String>,
              body: Body<R>| async move {
            match json_body(body) {
                Ok(r) => s.books(p, move |b, j, c| f(b, j, c, &item, &r)).await,
                Err(r) => refused(r),
            }
        },
    )
}

/// The query of a request, or a 400 refusal naming what is wrong with it.
pub(super) fn query<Q>(query: Result<Query<Q>, QueryRejection>) -> Result<Q, Refusal> {
    query
        .map(|Query(q)| q)
        .map_err(|e| bad_request(e.body_text()))
}

/// `POST /v1/import`: a bundle as the raw body, its options in the query.
pub(super) async fn import(
    State(s): State<ControlState>,
    ConnectInfo(p): ConnectInfo<Peer>,
    query: Result<Query<crate::daemon::control::ImportQuery>, QueryRejection>,
    bytes: Bytes,
) -> Response {
    match self::query(query) {
        Ok(q) => s.books(p, move |b, j, c| b.import(j, c, &q, &bytes)).await,
        Err(r) => refused(r),
    }
}

/// A request the API cannot read; axum's and serde's words stay, marked as the parser's.
fn bad_request(detail: String) -> Refusal {
    Refusal::of(
        400,
        "bad_request",
        &Plain::new("control.bad_request").with_each(
            "detail",
            crate::messages::serde_words::parser_text_id(&detail),
            detail.clone(),
        ),
    )
}
