//! The control API of a running daemon: HTTP/JSON on a Unix socket (mode 0666), versioned
//! under `/v1`. The kernel names the caller (SO_PEERCRED) and the group database gives the role
//! ([`auth`]): every endpoint says which role it needs, and the uid, user name and role are
//! recorded in the journal and the audit trail. Served by [`server`], spoken by [`client`]
//! (every station command of the CLI) and the dashboard; the books themselves (stock,
//! doubt, outbox, audit, bundles) are in [`books`], shared with `--offline`. See
//! `docs/daemon.md` for the endpoints and who may call each.

pub mod auth;
pub mod batches;
pub mod books;
pub mod client;
pub mod handover;
pub mod server;
pub mod wire;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use auth::{Authority, Caller, Groups, Op, Peer};
pub use books::Books;
pub use client::{ClientError, ControlClient};
pub use handover::{BatchHandOverRequest, BatchHandOverView, HandOverRequest, HandOverView};
pub use server::{bind, serve, status_view, ControlState};
pub use wire::*;

/// `GET /v1/status`: the whole station at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusView {
    /// Station id.
    pub station_id: String,
    /// Station name.
    pub station_name: String,
    /// Every configured printer.
    pub printers: Vec<PrinterView>,
    /// Events waiting for an operator (one per paused printer).
    pub events: Vec<EventView>,
    /// Jobs per state (`queued`, `printed`, `in_doubt`, ...).
    pub queue: BTreeMap<String, u64>,
    /// Open alerts (low stock, tamper, printer faults).
    pub alerts: Vec<AlertView>,
    /// Cards printed since the daemon started.
    pub cards_printed: u64,
    /// The link to the server; absent on a station without `[link]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<LinkView>,
}

/// The server link at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkView {
    /// `ok`, `failing`, or `unknown` (no answer yet).
    pub state: String,
    /// Last good answer (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_ok_at: Option<String>,
    /// Failing since (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing_since: Option<String>,
    /// Last failure, English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_en: Option<String>,
    /// Last failure, Bahasa Indonesia.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_id: Option<String>,
    /// Events waiting for delivery.
    pub events_waiting: u64,
    /// Events the server refused, set aside (`cetak outbox show`).
    pub events_refused: u64,
}

/// A printer and what its worker is doing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrinterView {
    /// Printer id.
    pub id: String,
    /// `starting`, `idle`, `busy`, `paused`, `offline` or `stopped`.
    pub state: String,
    /// Job at the printer (busy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// Pending event (paused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<u64>,
    /// Why it is offline (English).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Why it is offline (Bahasa Indonesia).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_id: Option<String>,
    /// Cards left on the ribbon, as last read after a card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ribbon_cards_left: Option<u32>,
}

/// An event waiting for an operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventView {
    /// Event id (unique within a daemon run); give it back with the decision.
    pub id: u64,
    /// Printer id.
    pub printer: String,
    /// Job at the printer, if any.
    #[serde(default)]
    pub job_id: Option<String>,
    /// Bahasa Indonesia.
    pub message_id: String,
    /// English.
    pub message_en: String,
    /// Allowed actions: `retry`, `cancel`, `spoiled`.
    pub allowed: Vec<String>,
}

/// An open alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertView {
    /// `low_stock_type`, `low_stock_feeder`, `tamper`, `printer_fault`.
    pub kind: String,
    /// What it is about (`kia`, `feeder:P1`, `P1`).
    pub key: String,
    /// Raised at (RFC 3339, UTC).
    pub at: String,
    /// English.
    pub message_en: String,
    /// Bahasa Indonesia.
    pub message_id: String,
}

/// `POST /v1/printers/{id}/act` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActRequest {
    /// `retry`, `cancel` or `spoiled`.
    pub action: String,
    /// Name the operator states (recorded beside the Unix user).
    #[serde(default)]
    pub operator: Option<String>,
    /// The event decided on; refused if another one is pending by now.
    #[serde(default)]
    pub event_id: Option<u64>,
}

/// Answer to an accepted decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActResponse {
    /// Printer id.
    pub printer: String,
    /// Action given.
    pub action: String,
    /// Event decided on.
    pub event_id: u64,
    /// Operator as recorded in the journal, e.g. `Siti (uid 1000 budi)`.
    pub operator: String,
}

/// A refusal before it is put on the wire: HTTP status and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// HTTP status (400, 403, 404, 409, 500, 503).
    pub status: u16,
    /// The body.
    pub body: ApiError,
}

/// Every refusal: a stable code and the message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// `unknown_printer`, `not_paused`, `not_allowed`, `stale_event`, `worker_gone`,
    /// `bad_request`, `unknown_peer`, `forbidden`, `not_found`, `unknown_job`,
    /// `insufficient_stock`, `feeder_holds_other_type`, `illegal_transition`, `lease_lost`,
    /// `bad_bundle`, `internal`.
    pub error: String,
    /// English.
    pub message_en: String,
    /// Bahasa Indonesia.
    pub message_id: String,
}
