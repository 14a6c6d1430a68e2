//! The control API server: an axum router on a Unix socket. Handlers only read the station's
//! board and journal or hand a decision to a worker's channel, so a slow client never holds a
//! printer up.

use std::future::Future;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::extract::connect_info::Connected;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::serve::IncomingStream;
use axum::{Json, Router};
use tokio::net::UnixListener;

use super::{
    ActRequest, ActResponse, AlertView, ApiError, EventView, LinkView, PrinterView, StatusView,
};
use crate::daemon::events::{ActError, Action, OperatorEvent, PrinterState, StationHandle};
use crate::daemon::DaemonError;
use crate::journal::{Actor, Journal};

/// What the handlers share.
#[derive(Clone)]
pub struct ControlState {
    handle: StationHandle,
    journal: Arc<Mutex<Journal>>,
    station_id: String,
    station_name: String,
}

impl std::fmt::Debug for ControlState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ControlState")
            .field("station_id", &self.station_id)
            .finish_non_exhaustive()
    }
}

impl ControlState {
    /// The station's handle and a journal connection of its own (read for status; the
    /// workers write the decisions).
    pub fn new(
        handle: StationHandle,
        journal: Journal,
        station_id: &str,
        station_name: &str,
    ) -> Self {
        ControlState {
            handle,
            journal: Arc::new(Mutex::new(journal)),
            station_id: station_id.to_string(),
            station_name: station_name.to_string(),
        }
    }
}

/// Credentials of the connected process (SO_PEERCRED).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    /// Unix user id, if the kernel told.
    pub uid: Option<u32>,
}

impl Connected<IncomingStream<'_, UnixListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, UnixListener>) -> Self {
        Peer {
            uid: stream.io().peer_cred().ok().map(|c| c.uid()),
        }
    }
}

/// Binds the control socket at `path`: parent folder created, a stale socket from a killed
/// daemon replaced (a live one is refused: another daemon is running), mode 0660, group
/// `group` (or `cetak` when it exists and `group` is `None`). Call inside the tokio runtime.
pub fn bind(path: &Path, group: Option<&str>) -> Result<UnixListener, DaemonError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| DaemonError::io(dir, e))?;
    }
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if !meta.file_type().is_socket() {
            return Err(DaemonError::Config(format!(
                "control socket {}: a file that is not a socket is in the way",
                path.display()
            )));
        }
        if std::os::unix::net::UnixStream::connect(path).is_ok() {
            return Err(DaemonError::Config(format!(
                "control socket {} is in use: another cetak daemon is running",
                path.display()
            )));
        }
        std::fs::remove_file(path).map_err(|e| DaemonError::io(path, e))?;
    }
    let std_listener =
        std::os::unix::net::UnixListener::bind(path).map_err(|e| DaemonError::io(path, e))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o660))
        .map_err(|e| DaemonError::io(path, e))?;
    let gid = match group {
        Some(name) => Some(
            nix::unistd::Group::from_name(name)
                .ok()
                .flatten()
                .ok_or_else(|| {
                    DaemonError::Config(format!("station.control_group: no group {name:?}"))
                })?
                .gid,
        ),
        None => nix::unistd::Group::from_name("cetak")
            .ok()
            .flatten()
            .map(|g| g.gid),
    };
    if let Some(gid) = gid {
        std::os::unix::fs::chown(path, None, Some(gid.as_raw()))
            .map_err(|e| DaemonError::io(path, e))?;
    }
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
        .fallback(|| async {
            api_error(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such endpoint (see docs/daemon.md)".into(),
                "endpoint tidak ada (lihat docs/daemon.md)".into(),
            )
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

fn api_error(status: StatusCode, code: &str, en: String, id: String) -> Response {
    (
        status,
        Json(ApiError {
            error: code.to_string(),
            message_en: en,
            message_id: id,
        }),
    )
        .into_response()
}

fn internal(en: String) -> Response {
    api_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        en.clone(),
        format!("kesalahan di daemon: {en}"),
    )
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

async fn status(State(s): State<ControlState>) -> Response {
    let mut printers: Vec<PrinterView> = s
        .handle
        .printer_states()
        .iter()
        .map(|(id, st)| printer_view(id, st))
        .collect();
    let events = s.handle.pending_events().iter().map(event_view).collect();
    let journal = s.journal.clone();
    let health = s.handle.link_health();
    let with_link = health.is_some();
    let read = tokio::task::spawn_blocking(move || {
        let j = journal.lock().unwrap_or_else(|e| e.into_inner());
        let outbox = if with_link {
            (j.outbox_backlog()?, j.outbox_refused_count()?)
        } else {
            (0, 0)
        };
        let counts = (j.count_by_state()?, j.alerts_open()?, j.ribbons()?);
        Ok::<_, crate::journal::JournalError>((counts, outbox))
    })
    .await;
    let ((queue, alerts, ribbons), (events_waiting, events_refused)) = match read {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => return internal(e.to_string()),
        Err(e) => return internal(e.to_string()),
    };
    for p in &mut printers {
        p.ribbon_cards_left = ribbons
            .iter()
            .find(|r| r.printer_id == p.id)
            .and_then(|r| r.remaining_cards);
    }
    Json(StatusView {
        station_id: s.station_id.clone(),
        station_name: s.station_name.clone(),
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
        cards_printed: s.handle.cards_printed(),
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
    .into_response()
}

async fn events(State(s): State<ControlState>) -> Json<Vec<EventView>> {
    Json(s.handle.pending_events().iter().map(event_view).collect())
}

/// The Unix user name of `uid`, if it has a passwd entry.
fn user_name(uid: u32) -> Option<String> {
    nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
        .ok()
        .flatten()
        .map(|u| u.name)
}

/// The operator as recorded: `user (uid N)`, or `Stated Name (uid N user)` when a name is
/// stated (`uid N` / `Stated Name (uid N)` for a uid without a passwd entry). A stated name is
/// 1–64 printable characters.
pub fn operator_label(uid: u32, stated: Option<&str>) -> Result<String, (String, String)> {
    let user = user_name(uid);
    match stated.map(str::trim) {
        None | Some("") => Ok(match user {
            Some(u) => format!("{u} (uid {uid})"),
            None => format!("uid {uid}"),
        }),
        Some(name) => {
            if name.chars().count() > 64 || name.chars().any(char::is_control) {
                return Err((
                    "operator name must be 1-64 printable characters".into(),
                    "nama operator harus 1-64 karakter yang dapat dicetak".into(),
                ));
            }
            Ok(match user {
                Some(u) => format!("{name} (uid {uid} {u})"),
                None => format!("{name} (uid {uid})"),
            })
        }
    }
}

async fn act(
    State(s): State<ControlState>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    UrlPath(printer): UrlPath<String>,
    body: Result<Json<ActRequest>, JsonRejection>,
) -> Response {
    let Json(req) = match body {
        Ok(b) => b,
        Err(e) => {
            return api_error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                e.body_text(),
                format!("permintaan tidak sah: {}", e.body_text()),
            )
        }
    };
    let Some(uid) = peer.uid else {
        return api_error(
            StatusCode::FORBIDDEN,
            "unknown_peer",
            "the caller's user could not be identified".into(),
            "pengguna pemanggil tidak dapat dikenali".into(),
        );
    };
    let action: Action = match req.action.parse() {
        Ok(a) => a,
        Err(en) => {
            return api_error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                en,
                format!(
                    "tindakan {:?} tidak dikenal (retry, cancel, spoiled)",
                    req.action
                ),
            )
        }
    };
    let label = match operator_label(uid, req.operator.as_deref()) {
        Ok(l) => l,
        Err((en, id)) => return api_error(StatusCode::BAD_REQUEST, "bad_request", en, id),
    };
    let actor = Actor::operator(label.clone());
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
            api_error(status, e.code(), e.to_string(), e.message_id())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_label_names_the_unix_user_and_the_stated_name() {
        let user = user_name(0).unwrap();
        assert_eq!(operator_label(0, None).unwrap(), format!("{user} (uid 0)"));
        assert_eq!(
            operator_label(0, Some("  ")).unwrap(),
            format!("{user} (uid 0)")
        );
        assert_eq!(
            operator_label(0, Some(" Siti Rahma ")).unwrap(),
            format!("Siti Rahma (uid 0 {user})")
        );
        assert!(operator_label(0, Some("Siti\nRahma")).is_err());
        assert!(operator_label(0, Some(&"x".repeat(65))).is_err());
        // A uid without a passwd entry still names the operator.
        assert_eq!(
            operator_label(4_000_000_000, None).unwrap(),
            "uid 4000000000"
        );
        assert_eq!(
            operator_label(4_000_000_000, Some("Siti")).unwrap(),
            "Siti (uid 4000000000)"
        );
    }

    #[test]
    fn printer_states_map_to_the_wire() {
        let v = printer_view("P1", &PrinterState::Paused { event_id: 7 });
        assert_eq!((v.state.as_str(), v.event_id), ("paused", Some(7)));
        let v = printer_view("P2", &PrinterState::Busy { job_id: "J".into() });
        assert_eq!((v.state.as_str(), v.job_id.as_deref()), ("busy", Some("J")));
    }
}
