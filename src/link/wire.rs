//! Wire types of the station ↔ server protocol, shared by the station's client and its push
//! endpoint. `docs/protocol/openapi.yaml` is the contract; these types must serialise to exactly
//! what it describes. The test server (crate `cetak-server-sim` in `server-sim/`) does not use
//! them: it checks every body against the document itself.
//!
//! Server side, under `{base}/api/v1`, bearer token per station:
//! - `POST /stations/{station_id}/claims` — long-poll claim: [`ClaimRequest`] → [`ClaimResponse`]
//!   (the server may hold the request up to `wait_seconds` until jobs arrive; an empty answer is
//!   a normal 200).
//! - `POST /stations/{station_id}/leases/{lease_id}/renew` — [`RenewRequest`] → [`Lease`];
//!   409 with code `lease_expired` or 404 `lease_unknown` means the lease is lost.
//! - `POST /stations/{station_id}/leases/{lease_id}/release` — [`ReleaseRequest`] → 204.
//! - `POST /stations/{station_id}/events` — [`EventBatch`] → [`EventAck`]; idempotent on
//!   `event_id`.
//!
//! Station side (push, for servers that can reach the station), under `{station}/api/v1`:
//! - `POST /jobs` — [`PushJob`] → 202 [`PushResult`], 422 [`ErrorBody`] when rejected.
//! - `POST /jobs/{job_id}/cancel` — → 200 [`PushResult`], 409 `already_in_printer`.
//! - `GET /health` — 200 [`Health`].
//!
//! Errors everywhere: an HTTP status and an [`ErrorBody`].

use serde::{Deserialize, Serialize};

/// Long-poll claim for new jobs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    /// At most this many leases in the answer (1–50).
    pub max_jobs: u32,
    /// How long the server may hold the request when it has nothing (0–60 s).
    pub wait_seconds: u32,
    /// Blangko types loaded at the station (`kia`, `ktp-el`); the server sends only those.
    pub blangko_types: Vec<String>,
    /// Lease length the station asks for (the server may grant less), 30–3600 s.
    pub lease_seconds: u32,
}

/// Answer to a claim: new leases, and cancellations of jobs leased earlier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ClaimResponse {
    /// Newly leased jobs.
    pub leases: Vec<LeasedJob>,
    /// Job ids the server cancels (only honoured for jobs not yet in a printer).
    #[serde(default)]
    pub cancellations: Vec<String>,
}

/// One job under lease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeasedJob {
    /// Lease id (opaque).
    pub lease_id: String,
    /// The job's id (equals `job_id` inside the signed document).
    pub job_id: String,
    /// RFC 3339 UTC; the job must be in a printer before this, or renewed.
    pub expires_at: String,
    /// The job document as a JWS compact serialization (EdDSA, `kid`), see `docs/signing.md`.
    pub job: String,
}

/// A lease's new expiry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lease {
    /// Lease id.
    pub lease_id: String,
    /// RFC 3339 UTC.
    pub expires_at: String,
}

/// Renewal of a lease while its job is being worked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenewRequest {
    /// Requested extension (30–3600 s).
    pub lease_seconds: u32,
}

/// Release of a lease the station will not work (shutdown, no suitable printer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseRequest {
    /// `shutdown` | `no_printer` | `cancelled` | `rejected`.
    pub reason: String,
}

/// Events delivered in order (by `seq` within the station); at most 100 per batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventBatch {
    /// The events, oldest first.
    pub events: Vec<Event>,
}

/// One event. Common fields are typed; the kind-specific fields (see the OpenAPI document, one
/// schema per kind) travel in `detail`, exactly as the journal's outbox stored them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Idempotency key: `station:journal:seq`, unique for ever.
    pub event_id: String,
    /// `accepted`, `rejected`, `printing`, `printed`, `ready_for_pickup`, `spoiled`, `failed`,
    /// `in_doubt`, `doubt_resolved`, `cancelled`, `requeued`, `handed_over`, `alert`, `stock`.
    pub kind: String,
    /// Station id.
    pub station: String,
    /// When it happened (RFC 3339 UTC).
    pub at: String,
    /// The job it is about, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// Kind-specific fields.
    #[serde(flatten)]
    pub detail: serde_json::Map<String, serde_json::Value>,
}

/// What the server took from a batch. Every event it has stored — now or before — is listed,
/// so a repeated delivery is acknowledged too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EventAck {
    /// Events stored (new or already known).
    pub acknowledged: Vec<String>,
    /// Of those, the ones the server already had (informational).
    #[serde(default)]
    pub duplicates: Vec<String>,
}

/// A job pushed by the server to the station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushJob {
    /// JWS compact serialization of the job document.
    pub job: String,
    /// Lease under which it is pushed, if the server leases pushed jobs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_id: Option<String>,
    /// Lease expiry (RFC 3339 UTC), with `lease_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

/// The station's answer to a push or a cancel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushResult {
    /// The job id.
    pub job_id: String,
    /// `queued` | `duplicate` | `cancelled`.
    pub status: String,
}

/// Station health for the server (and load balancers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Health {
    /// Station id.
    pub station: String,
    /// `ok` | `degraded`.
    pub status: String,
    /// Jobs queued and not yet in a printer.
    pub queued: u64,
    /// Events not yet acknowledged by the server.
    pub outbox_backlog: u64,
}

/// Error body of every non-2xx answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Machine-readable code and human message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorDetail {
    /// Stable code, e.g. `unauthorized`, `lease_expired`, `lease_unknown`, `bad_request`,
    /// `unsigned`, `bad_signature`, `unknown_key`, `invalid_job`, `already_in_printer`.
    pub code: String,
    /// English message.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_keeps_kind_specific_fields_flat() {
        let text = r#"{"event_id":"S:j:1","kind":"printed","station":"S","at":"2026-11-21T08:00:00Z","job_id":"J1","card_serial":"P#7"}"#;
        let e: Event = serde_json::from_str(text).unwrap();
        assert_eq!(e.detail["card_serial"], "P#7");
        let back = serde_json::to_value(&e).unwrap();
        assert_eq!(
            back,
            serde_json::from_str::<serde_json::Value>(text).unwrap()
        );
    }

    #[test]
    fn claim_request_refuses_unknown_fields() {
        let r = serde_json::from_str::<ClaimRequest>(
            r#"{"max_jobs":1,"wait_seconds":0,"blangko_types":[],"lease_seconds":60,"x":1}"#,
        );
        assert!(r.is_err());
    }
}
