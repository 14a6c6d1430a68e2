//! The link to the central server: the wire types of the protocol
//! (`docs/protocol/openapi.yaml`), the HTTP client, the lease puller and keeper, outbox delivery
//! and the station's push endpoint. How the station behaves is in `docs/protocol/station.md`.
//!
//! Everything here runs on one `link` thread with its own tokio runtime, started by the station
//! (`crate::daemon`, the layer above) when the configuration has `[link]`; the journal is the
//! only state, so a restart picks up where the previous run stopped. Jobs go in through
//! [`crate::intake`], the layer below.

pub mod backoff;
pub mod client;
mod db;
mod deliver;
pub mod error;
pub mod health;
mod leases;
pub mod push;
mod service;
pub mod wire;

pub use backoff::Backoff;
pub use client::{ClientSettings, LinkClient};
pub use error::{CertificateProblem, LinkError};
pub use health::{HealthCell, LinkHealth};
pub use service::{LinkService, LinkStartError};

/// RFC 3339 text → journal timestamp.
pub(crate) fn parse_time(s: &str) -> Option<crate::journal::Timestamp> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| crate::journal::Timestamp::from_datetime(t.with_timezone(&chrono::Utc)))
}
