//! The `[link]` table: how the station reaches the central server and how it is reached.

use std::path::PathBuf;

use serde::Deserialize;

/// `[link]`: how the station reaches the central server and how the server reaches it.
/// See `docs/protocol/station.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkConfig {
    /// Base URL of the server, e.g. `https://cetak.dinas.example/` (the API is under `api/v1`).
    pub server_url: String,
    /// File holding this station's bearer token (one line; kept out of the config file).
    pub token_file: PathBuf,
    /// PEM file of the CA that signed the server's certificate, added to the system roots.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// PEM client certificate for mutual TLS (with `client_key`).
    #[serde(default)]
    pub client_cert: Option<PathBuf>,
    /// PEM private key of `client_cert`.
    #[serde(default)]
    pub client_key: Option<PathBuf>,
    /// Lease length asked for each claimed job (30–3600 s).
    #[serde(default = "default_lease_seconds")]
    pub lease_seconds: u32,
    /// How long a claim may be held by the server when it has nothing (0–60 s).
    #[serde(default = "default_wait_seconds")]
    pub wait_seconds: u32,
    /// Renew leases this often; default half the lease.
    #[serde(default)]
    pub renew_seconds: Option<u32>,
    /// Claim only while fewer than this many jobs per printer are queued and not yet fed.
    #[serde(default = "default_queue_per_printer")]
    pub queue_per_printer: u32,
    /// Connect timeout of every request (s).
    #[serde(default = "default_connect_timeout")]
    pub connect_timeout_seconds: u32,
    /// Total timeout of every request except the long-poll (which gets `wait_seconds` more).
    #[serde(default = "default_request_timeout")]
    pub request_timeout_seconds: u32,
    /// First retry delay after a failed delivery or claim (ms).
    #[serde(default = "default_backoff_initial")]
    pub backoff_initial_ms: u64,
    /// Longest retry delay (s).
    #[serde(default = "default_backoff_max")]
    pub backoff_max_seconds: u64,
    /// Period of the `stock` report event (s); one is also written when the figures change.
    #[serde(default = "default_stock_interval")]
    pub stock_interval_seconds: u64,
    /// Address of the push endpoint, e.g. `0.0.0.0:8443`; absent = no push endpoint.
    #[serde(default)]
    pub push_listen: Option<String>,
    /// File holding the token the server presents when pushing.
    #[serde(default)]
    pub push_token_file: Option<PathBuf>,
    /// PEM certificate (chain) of the push endpoint; with `push_tls_key` it speaks HTTPS.
    #[serde(default)]
    pub push_tls_cert: Option<PathBuf>,
    /// PEM private key of `push_tls_cert`.
    #[serde(default)]
    pub push_tls_key: Option<PathBuf>,
}

fn default_lease_seconds() -> u32 {
    300
}
fn default_wait_seconds() -> u32 {
    30
}
fn default_queue_per_printer() -> u32 {
    4
}
fn default_connect_timeout() -> u32 {
    10
}
fn default_request_timeout() -> u32 {
    30
}
fn default_backoff_initial() -> u64 {
    500
}
fn default_backoff_max() -> u64 {
    300
}
fn default_stock_interval() -> u64 {
    900
}

impl LinkConfig {
    /// When leases are renewed.
    pub fn renew_every(&self) -> std::time::Duration {
        std::time::Duration::from_secs(u64::from(
            self.renew_seconds.unwrap_or(self.lease_seconds / 2),
        ))
    }
}
