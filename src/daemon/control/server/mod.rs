//! The control API server: an axum router on a Unix socket. Every handler first names the
//! caller and checks its role ([`auth`](super::auth)); then it reads the station's board and
//! journal, hands a decision to a worker's channel, or does its bookkeeping on the journal in
//! `spawn_blocking` ([`books`](super::books)), so a slow client never holds a printer up.

use std::future::Future;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use tokio::net::UnixListener;

mod books_routes;

use books_routes::{books_get, books_get_at, books_post, books_post_at, import, json_body};

use super::auth::{Caller, Groups, Op, Peer};
use super::books::Books;
use super::{
    ActRequest, ActResponse, AlertView, EventView, LinkView, PrinterView, Refusal, StatusView,
};
use crate::config::Config;
use crate::daemon::events::{ActError, Action, OperatorEvent, PrinterState, StationHandle};
use crate::daemon::DaemonError;
use crate::journal::Journal;
use crate::messages::Plain;

/// What the handlers share.
#[derive(Clone)]
pub struct ControlState {
    handle: StationHandle,
    journal: Arc<Mutex<Journal>>,
    station_id: String,
    station_name: String,
    groups: Arc<Groups>,
    books: Arc<Books>,
}

impl std::fmt::Debug for ControlState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ControlState")
            .field("station_id", &self.station_id)
            .finish_non_exhaustive()
    }
}

impl ControlState {
    /// The station's handle and a journal connection of its own (status reads, and the
    /// bookkeeping of stock, doubt, outbox and bundles; the workers write their own rows).
    pub fn from_config(
        config: &Config,
        handle: StationHandle,
        journal: Journal,
    ) -> Result<Self, DaemonError> {
        let groups = Groups::from_config(&config.authority);
        let missing = groups.missing();
        if !missing.is_empty() {
            tracing::warn!(groups = ?missing, "authority group missing: nobody has that role (create it: groupadd)");
        }
        if config.station.control_group.is_some() {
            tracing::warn!("station.control_group is no longer used: roles come from [authority]");
        }
        Ok(ControlState {
            books: Arc::new(Books::from_config(config, Some(handle.clone()))?),
            handle,
            journal: Arc::new(Mutex::new(journal)),
            station_id: config.station.id.clone(),
            station_name: config.station.name.clone(),
            groups: Arc::new(groups),
        })
    }

    /// Names the caller and checks that it may do `op` (a refusal is audited).
    async fn caller(&self, peer: Peer, op: Op) -> Result<Caller, Refusal> {
        let Some(uid) = peer.uid else {
            return Err(unknown_peer());
        };
        let s = self.clone();
        let r = tokio::task::spawn_blocking(move || {
            let caller = s.groups.caller(uid);
            let mut j = s.journal.lock().unwrap_or_else(|e| e.into_inner());
            s.books.guard(&mut j, &caller, op).map(|()| caller)
        })
        .await;
        match r {
            Ok(r) => r,
            Err(e) => Err(internal_refusal(e)),
        }
    }

    /// Runs one bookkeeping operation for the caller on the journal, off the async threads.
    async fn books<T: Serialize + Send + 'static>(
        &self,
        peer: Peer,
        f: impl FnOnce(&Books, &mut Journal, &Caller) -> Result<T, Refusal> + Send + 'static,
    ) -> Response {
        let Some(uid) = peer.uid else {
            return refused(unknown_peer());
        };
        let s = self.clone();
        let r = tokio::task::spawn_blocking(move || {
            let caller = s.groups.caller(uid);
            let mut j = s.journal.lock().unwrap_or_else(|e| e.into_inner());
            f(&s.books, &mut j, &caller)
        })
        .await;
        match r {
            Ok(Ok(v)) => Json(v).into_response(),
            Ok(Err(refusal)) => refused(refusal),
            Err(e) => internal(e.to_string()),
        }
    }
}

fn unknown_peer() -> Refusal {
    Refusal::of(403, "unknown_peer", &Plain::new("control.unknown_peer"))
}

/// Binds the control socket at `path`: parent folder created, a stale socket from a killed
/// daemon replaced (a live one is refused: another daemon is running), mode 0666: every local
/// user may connect, and the daemon decides from the caller's groups, so that someone without a
/// role gets a clear answer and is recorded in the audit trail. Call inside the tokio runtime.
pub fn bind(path: &Path) -> Result<UnixListener, DaemonError> {
    if let Some(dir) = path.parent() {
        if !dir.exists() {
            // Made here (not by systemd's RuntimeDirectory=): open for traversal like the unit's
            // RuntimeDirectoryMode=0755, whatever the umask, or nobody could reach the socket.
            std::fs::create_dir_all(dir).map_err(|e| DaemonError::io(dir, e))?;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))
                .map_err(|e| DaemonError::io(dir, e))?;
        }
    }
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if !meta.file_type().is_socket() {
            return Err(DaemonError::Config(
                Plain::new("control.socket_in_the_way").with("path", path.display()),
            ));
        }
        if std::os::unix::net::UnixStream::connect(path).is_ok() {
            return Err(DaemonError::Config(
                Plain::new("control.socket_in_use").with("path", path.display()),
            ));
        }
        std::fs::remove_file(path).map_err(|e| DaemonError::io(path, e))?;
    }
    let std_listener =
        std::os::unix::net::UnixListener::bind(path).map_err(|e| DaemonError::io(path, e))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o666))
        .map_err(|e| DaemonError::io(path, e))?;
    std_listener
        .set_nonblocking(true)
        .map_err(|e| DaemonError::io(path, e))?;
    UnixListener::from_std(std_listener).map_err(|e| DaemonError::io(path, e))
}

/// The `/v1` routes.
pub fn router(state: ControlState) -> Router {
    Router::new()
        .route("/v1/status", get(status))
        .route("/v1/events", get(events))
        .route("/v1/printers/{printer}/act", post(act))
        .route("/v1/stock", books_get(Books::stock_show))
        .route("/v1/stock/verify", books_get(Books::stock_verify))
        .route("/v1/stock/receive", books_post(Books::stock_receive))
        .route("/v1/stock/load", books_post(Books::stock_load))
        .route("/v1/stock/unload", books_post(Books::stock_unload))
        .route("/v1/stock/spoil", books_post(Books::stock_spoil))
        .route("/v1/stock/return", books_post(Books::stock_return))
        .route("/v1/stock/adjust", books_post(Books::stock_adjust))
        .route("/v1/jobs/{job}/write-off", books_post_at(Books::write_off))
        .route("/v1/doubt", books_get(Books::doubt_list))
        .route(
            "/v1/doubt/{job}/resolve",
            books_post_at(Books::doubt_resolve),
        )
        .route("/v1/jobs/{job}/handover", books_post_at(Books::hand_over))
        .route("/v1/batches", books_get(Books::batch_list))
        .route("/v1/batches/{batch}", books_get_at(Books::batch_show))
        .route(
            "/v1/batches/{batch}/handover",
            books_post_at(Books::hand_over_batch),
        )
        .route("/v1/outbox", books_get(Books::outbox_show))
        .route("/v1/outbox/retry", books_post(Books::outbox_retry))
        .route("/v1/audit/verify", books_get(Books::audit_verify))
        .route("/v1/export", books_get(Books::export))
        .route(
            "/v1/submit",
            post(submit).layer(DefaultBodyLimit::max(MAX_JOB_BYTES)),
        )
        .route(
            "/v1/import",
            post(import).layer(DefaultBodyLimit::max(
                crate::bundle::MAX_BUNDLE_BYTES as usize,
            )),
        )
        .fallback(|| async {
            refused(Refusal::of(
                404,
                "not_found",
                &Plain::new("control.no_endpoint"),
            ))
        })
        .with_state(state)
}

/// Serves the API on `listener` until `shutdown` completes.
pub async fn serve(
    listener: UnixListener,
    state: ControlState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<Peer>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

fn refused(r: Refusal) -> Response {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(r.body)).into_response()
}

/// A failure inside the daemon (a task that panicked, a journal that cannot be read).
fn internal_refusal(detail: impl std::fmt::Display) -> Refusal {
    Refusal::of(
        500,
        "internal",
        &Plain::new("control.internal").with("detail", detail),
    )
}

fn internal(detail: String) -> Response {
    refused(internal_refusal(detail))
}

fn printer_view(id: &str, state: &PrinterState) -> PrinterView {
    let mut v = PrinterView {
        id: id.to_string(),
        state: String::new(),
        job_id: None,
        event_id: None,
        reason: None,
        reason_id: None,
        ribbon_cards_left: None,
    };
    v.state = match state {
        PrinterState::Starting => "starting",
        PrinterState::Idle => "idle",
        PrinterState::Busy { job_id } => {
            v.job_id = Some(job_id.clone());
            "busy"
        }
        PrinterState::Paused { event_id } => {
            v.event_id = Some(*event_id);
            "paused"
        }
        PrinterState::Offline { reason, reason_id } => {
            v.reason = Some(reason.clone());
            v.reason_id = Some(reason_id.clone());
            "offline"
        }
        PrinterState::Stopped => "stopped",
    }
    .to_string();
    v
}

fn event_view(e: &OperatorEvent) -> EventView {
    EventView {
        id: e.id,
        printer: e.printer.clone(),
        job_id: e.job_id.clone(),
        message_id: e.message_id.clone(),
        message_en: e.message_en.clone(),
        allowed: e.allowed.iter().map(|a| a.code().to_string()).collect(),
    }
}

async fn status(State(s): State<ControlState>, ConnectInfo(peer): ConnectInfo<Peer>) -> Response {
    if let Err(r) = s.caller(peer, Op::Status).await {
        return refused(r);
    }
    let read = tokio::task::spawn_blocking(move || {
        let j = s.journal.lock().unwrap_or_else(|e| e.into_inner());
        status_view(&s.handle, &j, &s.station_id, &s.station_name)
    })
    .await;
    match read {
        Ok(Ok(v)) => Json(v).into_response(),
        Ok(Err(e)) => internal(e.to_string()),
        Err(e) => internal(e.to_string()),
    }
}

/// The whole station at a glance (`GET /v1/status`, and the dashboard's pages): the workers'
/// board from `handle`, queue, alerts, ribbons and outbox from the journal. Blocking (journal
/// reads).
pub fn status_view(
    handle: &StationHandle,
    j: &Journal,
    station_id: &str,
    station_name: &str,
) -> Result<StatusView, crate::journal::JournalError> {
    let mut printers: Vec<PrinterView> = handle
        .printer_states()
        .iter()
        .map(|(id, st)| printer_view(id, st))
        .collect();
    let events = handle.pending_events().iter().map(event_view).collect();
    let health = handle.link_health();
    let (events_waiting, events_refused) = if health.is_some() {
        (j.outbox_backlog()?, j.outbox_refused_count()?)
    } else {
        (0, 0)
    };
    let (queue, alerts, ribbons) = (j.count_by_state()?, j.alerts_open()?, j.ribbons()?);
    for p in &mut printers {
        p.ribbon_cards_left = ribbons
            .iter()
            .find(|r| r.printer_id == p.id)
            .and_then(|r| r.remaining_cards);
    }
    Ok(StatusView {
        station_id: station_id.to_string(),
        station_name: station_name.to_string(),
        printers,
        events,
        queue,
        alerts: alerts
            .into_iter()
            .map(|a| AlertView {
                kind: a.kind,
                key: a.key,
                at: a.at.to_string(),
                message_en: a.message_en,
                message_id: a.message_id,
            })
            .collect(),
        cards_printed: handle.cards_printed(),
        link: health.map(|h| LinkView {
            state: match (&h.failing_since, &h.last_ok) {
                (Some(_), _) => "failing",
                (None, Some(_)) => "ok",
                (None, None) => "unknown",
            }
            .into(),
            last_ok_at: h.last_ok.map(|t| t.to_string()),
            failing_since: h.failing_since.map(|t| t.to_string()),
            error_en: h.error_en,
            error_id: h.error_id,
            events_waiting,
            events_refused,
        }),
    })
}

async fn events(State(s): State<ControlState>, ConnectInfo(peer): ConnectInfo<Peer>) -> Response {
    if let Err(r) = s.caller(peer, Op::Events).await {
        return refused(r);
    }
    Json(
        s.handle
            .pending_events()
            .iter()
            .map::<EventView, _>(event_view)
            .collect::<Vec<_>>(),
    )
    .into_response()
}

async fn act(
    State(s): State<ControlState>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    UrlPath(printer): UrlPath<String>,
    body: Result<Json<ActRequest>, JsonRejection>,
) -> Response {
    let caller = match s.caller(peer, Op::Act).await {
        Ok(c) => c,
        Err(r) => return refused(r),
    };
    let req = match json_body(body) {
        Ok(b) => b,
        Err(r) => return refused(r),
    };
    let action: Action = match req.action.parse() {
        Ok(a) => a,
        Err(_) => {
            return refused(Refusal::of(
                400,
                "bad_request",
                &Plain::new("control.unknown_action").with("action", format!("{:?}", req.action)),
            ))
        }
    };
    let actor = match caller.actor(req.operator.as_deref()) {
        Ok(a) => a,
        Err(r) => return refused(r),
    };
    let label = actor.id.clone();
    match s.handle.act_as(&printer, action, &actor, req.event_id) {
        Ok(event_id) => {
            tracing::info!(printer = %printer, action = action.code(), operator = %label, "operator decision via control API");
            Json(ActResponse {
                printer,
                action: action.code().to_string(),
                event_id,
                operator: label,
            })
            .into_response()
        }
        Err(e) => {
            let status = match e {
                ActError::UnknownPrinter(_) => StatusCode::NOT_FOUND,
                ActError::WorkerGone(_) => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::CONFLICT,
            };
            refused(Refusal::of(status.as_u16(), e.code(), &e))
        }
    }
}

/// Largest job file taken through `POST /v1/submit` (a job with its photo and signature
/// inlined is well under a megabyte; the margin is for large scans).
const MAX_JOB_BYTES: usize = 32 * 1024 * 1024;

async fn submit(
    State(s): State<ControlState>,
    ConnectInfo(p): ConnectInfo<Peer>,
    query: Result<Query<super::SubmitQuery>, QueryRejection>,
    bytes: Bytes,
) -> Response {
    match books_routes::query(query) {
        Ok(q) => s.books(p, move |b, j, c| b.submit(j, c, &q, &bytes)).await,
        Err(r) => refused(r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printer_states_map_to_the_wire() {
        let v = printer_view("P1", &PrinterState::Paused { event_id: 7 });
        assert_eq!((v.state.as_str(), v.event_id), ("paused", Some(7)));
        let v = printer_view("P2", &PrinterState::Busy { job_id: "J".into() });
        assert_eq!((v.state.as_str(), v.job_id.as_deref()), ("busy", Some("J")));
    }
}
