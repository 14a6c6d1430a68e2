//! A real HTTP server implementing the Dinas side of `docs/protocol/openapi.yaml`, for tests
//! of the cetak station: leases on a server clock, idempotent event storage, cancellations,
//! a push client towards the station, and fault injection (error statuses, hangs, dropped
//! connections, slow long-polls, duplicate offers, the whole server down).
//!
//! Strict by default ([`SimOptions::strict`]): a job a station reported `printing` for belongs
//! to that station; it is never offered again and what would give it back is refused with
//! `409 job_owned`. Per job it counts offers, `printing` and `printed` events
//! ([`ServerSim::job_record`]) so tests can assert "printed exactly once".
//!
//! It works on JSON only and takes the OpenAPI document as the source of truth: every request
//! body is checked against the operation's schema (violations are refused with 400 and kept
//! for [`ServerSim::schema_violations`]); every answer it gives, and every answer the station
//! gives to its push calls, is checked too. It deliberately does not depend on the `cetak`
//! crate, so it cannot share a mistake with the station's own types.

#![forbid(unsafe_code)]

mod api;
pub mod contract;
mod net;
mod shared;
mod state;
pub mod tls;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::watch;

pub use crate::contract::{Contract, ContractError};
use crate::shared::Shared;
pub use crate::shared::{Direction, Faults, Violation};
use crate::state::State;
pub use crate::state::{JobStatus, LeaseInfo, LeaseState};

/// How to start a simulator.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Known stations: (station id, bearer token).
    pub stations: Vec<(String, String)>,
    /// Serve TLS with a fresh CA and a certificate for these names (DNS names or IP
    /// addresses); `None` serves plain HTTP.
    pub tls_names: Option<Vec<String>>,
    /// Serve TLS with a server certificate that expired in 2021.
    pub expired_cert: bool,
    /// Longest lease granted (a station asking more gets this).
    pub lease_seconds: u32,
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Extra CA (PEM) trusted by the push client, for stations serving TLS.
    pub station_ca_pem: Option<String>,
    /// Timeout of the push client's calls to the station.
    pub push_timeout: Duration,
    /// With TLS: require a client certificate from the sim's CA (mutual TLS); the station's
    /// identity is [`ServerSim::client_identity_pem`].
    pub client_auth: bool,
    /// Follow the ownership rule to the letter (default): a job reported `printing` is never
    /// offered again, and a `shutdown`/`no_printer` release or a `cancelled` event with reason
    /// `lease_lost`/`lease_released` for it is refused with `409 job_owned`. Off
    /// ([`SimOptions::lenient`]), such give-backs are accepted and silently ignored, as the
    /// simulator did before issue 10.
    pub strict: bool,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            stations: Vec::new(),
            tls_names: None,
            expired_cert: false,
            lease_seconds: 3600,
            port: 0,
            station_ca_pem: None,
            push_timeout: Duration::from_secs(10),
            client_auth: false,
            strict: true,
        }
    }
}

impl SimOptions {
    /// Adds a station and its token.
    pub fn station(mut self, id: &str, token: &str) -> Self {
        self.stations.push((id.to_string(), token.to_string()));
        self
    }

    /// Serves TLS with a certificate for `127.0.0.1` and `localhost`.
    pub fn tls(self) -> Self {
        self.tls_for(&["127.0.0.1", "localhost"])
    }

    /// Serves TLS with a certificate for exactly these names (a name the client does not use
    /// gives a "wrong host name" error).
    pub fn tls_for(mut self, names: &[&str]) -> Self {
        self.tls_names = Some(names.iter().map(|n| n.to_string()).collect());
        self
    }

    /// Serves TLS (for `127.0.0.1`/`localhost` unless names were given) with a certificate
    /// that expired in 2021.
    pub fn expired_tls(mut self) -> Self {
        if self.tls_names.is_none() {
            self = self.tls();
        }
        self.expired_cert = true;
        self
    }

    /// Requires a client certificate (mutual TLS; implies TLS for `127.0.0.1`/`localhost`
    /// unless names were given).
    pub fn mutual_tls(mut self) -> Self {
        if self.tls_names.is_none() {
            self = self.tls();
        }
        self.client_auth = true;
        self
    }

    /// Caps granted leases.
    pub fn lease_seconds(mut self, secs: u32) -> Self {
        self.lease_seconds = secs;
        self
    }

    /// Accepts (and ignores) the give-back of a job reported `printing` instead of refusing it
    /// (see [`SimOptions::strict`]). For tests of what a lenient server hides.
    pub fn lenient(mut self) -> Self {
        self.strict = false;
        self
    }
}

/// What the server saw of one job (see [`ServerSim::job_record`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRecord {
    /// Where it is.
    pub status: JobStatus,
    /// The station that reported `printing` for it, if any.
    pub owner: Option<String>,
    /// Times offered in a claim answer.
    pub offers: u32,
    /// `printing` events stored.
    pub printing: u32,
    /// `printed` events stored (1 for a card printed exactly once).
    pub printed: u32,
}

/// Why the simulator or one of its calls failed.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The OpenAPI document could not be compiled.
    #[error(transparent)]
    Contract(#[from] ContractError),
    /// TLS setup failed.
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    /// Binding the port failed.
    #[error("cannot listen: {0}")]
    Io(#[from] std::io::Error),
    /// A call to the station failed below HTTP (refused, timeout, TLS).
    #[error("call to station failed: {0}")]
    Http(#[from] reqwest::Error),
}

/// The station's answer to a push, cancel or health call.
#[derive(Debug, Clone)]
pub struct StationAnswer {
    /// HTTP status.
    pub status: u16,
    /// JSON body, if any (non-JSON bodies are kept as a string value).
    pub body: Option<Value>,
    /// `Retry-After` header, if any.
    pub retry_after: Option<String>,
}

/// A running simulator; stops when dropped.
pub struct ServerSim {
    shared: Arc<Shared>,
    base: String,
    addr: SocketAddr,
    ca_pem: Option<String>,
    client_identity_pem: Option<String>,
    down: watch::Sender<bool>,
    listening: watch::Receiver<bool>,
    shutdown: watch::Sender<bool>,
    client: reqwest::Client,
}

impl std::fmt::Debug for ServerSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerSim")
            .field("url", &self.base)
            .finish_non_exhaustive()
    }
}

impl Drop for ServerSim {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

impl ServerSim {
    /// Compiles the contract, binds 127.0.0.1 and starts serving (inside a tokio runtime).
    pub async fn start(opts: SimOptions) -> Result<ServerSim, SimError> {
        let contract = Arc::new(Contract::load()?);
        ServerSim::start_with(opts, contract).await
    }

    /// As [`ServerSim::start`], with an already compiled contract (saves the compile when a
    /// test starts many simulators).
    pub async fn start_with(
        opts: SimOptions,
        contract: Arc<Contract>,
    ) -> Result<ServerSim, SimError> {
        let state = State {
            tokens: opts.stations.iter().cloned().collect(),
            max_lease_seconds: opts.lease_seconds,
            strict: opts.strict,
            ..State::default()
        };
        let shared = Arc::new(Shared::new(contract, state));
        let (tls, ca_pem, client_identity_pem) = match &opts.tls_names {
            Some(names) => {
                let m = tls::generate(names, opts.client_auth, opts.expired_cert)?;
                (
                    Some(tokio_rustls::TlsAcceptor::from(m.config)),
                    Some(m.ca_pem),
                    m.client_identity_pem,
                )
            }
            None => (None, None, None),
        };
        let listener = net::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, opts.port)))?;
        let addr = listener.local_addr()?;
        let (down_tx, down_rx) = watch::channel(false);
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let (listening_tx, listening_rx) = watch::channel(true);
        let router = api::router(shared.clone());
        tokio::spawn(net::accept_loop(
            listener,
            addr,
            router,
            shared.clone(),
            tls.clone(),
            net::Control {
                down: down_rx,
                shutdown: shutdown_rx,
                listening: listening_tx,
            },
        ));
        let mut builder = reqwest::Client::builder()
            .timeout(opts.push_timeout)
            .tls_built_in_root_certs(false)
            .no_proxy();
        if let Some(pem) = &opts.station_ca_pem {
            builder = builder.add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes())?);
        }
        let scheme = if tls.is_some() { "https" } else { "http" };
        Ok(ServerSim {
            shared,
            base: format!("{scheme}://{addr}"),
            addr,
            ca_pem,
            client_identity_pem,
            down: down_tx,
            listening: listening_rx,
            shutdown: shutdown_tx,
            client: builder.build()?,
        })
    }

    /// Base URL (`http://127.0.0.1:PORT` or `https://…`); the API is under `/api/v1`.
    pub fn url(&self) -> &str {
        &self.base
    }

    /// `url()` + `/api/v1`.
    pub fn api_url(&self) -> String {
        format!("{}/api/v1", self.base)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The CA certificate (PEM) to trust, when serving TLS.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// With mutual TLS: the station's client certificate and key (PEM, key first), signed
    /// by the sim's CA.
    pub fn client_identity_pem(&self) -> Option<&str> {
        self.client_identity_pem.as_deref()
    }

    /// The compiled contract.
    pub fn contract(&self) -> &Contract {
        &self.shared.contract
    }

    /// Registers (or re-keys) a station.
    pub fn add_station(&self, station: &str, token: &str) {
        self.shared
            .state()
            .tokens
            .insert(station.to_string(), token.to_string());
    }

    /// Queues a signed job (JWS compact, given as is). The same id again replaces it and makes
    /// it claimable. Long-polling claims are woken.
    pub fn add_job(&self, job_id: &str, jws: &str) {
        self.shared.state().add_job(job_id, jws);
        self.shared.notify.notify_waiters();
    }

    /// Where a job is, as the server sees it.
    pub fn job_status(&self, job_id: &str) -> Option<JobStatus> {
        self.shared
            .state()
            .jobs
            .get(job_id)
            .map(|j| j.status.clone())
    }

    /// Offers, `printing` and `printed` counts and status of one job, as the server saw them.
    pub fn job_record(&self, job_id: &str) -> Option<JobRecord> {
        self.shared.state().jobs.get(job_id).map(|j| JobRecord {
            status: j.status.clone(),
            owner: j.owner.clone(),
            offers: j.offers,
            printing: j.printing,
            printed: j.printed,
        })
    }

    /// Whether the simulator refuses give-backs of owned jobs ([`SimOptions::strict`]).
    pub fn is_strict(&self) -> bool {
        self.shared.state().strict
    }

    /// Every event stored, each once, in the order first received.
    pub fn events(&self) -> Vec<Value> {
        let st = self.shared.state();
        st.event_order
            .iter()
            .filter_map(|id| st.events.get(id).map(|e| e.body.clone()))
            .collect()
    }

    /// How many times an event was delivered (0: never).
    pub fn delivery_count(&self, event_id: &str) -> u32 {
        self.shared
            .state()
            .events
            .get(event_id)
            .map_or(0, |e| e.deliveries)
    }

    /// All leases ever granted, by lease id (expiry applied on the server clock first).
    pub fn leases(&self) -> Vec<LeaseInfo> {
        let now = self.shared.now();
        let mut st = self.shared.state();
        st.expire(now);
        st.leases.values().cloned().collect()
    }

    /// Cancels a job from the server side: an unleased job is withdrawn, a leased one is also
    /// sent to its station in the next claim answer. False for an unknown job.
    pub fn cancel(&self, job_id: &str) -> bool {
        let known = self.shared.state().cancel(job_id);
        self.shared.notify.notify_waiters();
        known
    }

    /// Expires the job's active leases now; the job is claimable again unless it reached a
    /// printer. Returns how many leases expired.
    pub fn expire_lease(&self, job_id: &str) -> usize {
        let now = self.shared.now();
        let n = self.shared.state().expire_job_leases(job_id, now);
        self.shared.notify.notify_waiters();
        n
    }

    /// Caps the leases granted from now on.
    pub fn set_lease_seconds(&self, secs: u32) {
        self.shared.state().max_lease_seconds = secs;
    }

    /// Moves the server clock forward (leases expire by it).
    pub fn advance_clock(&self, by: Duration) {
        self.shared.advance_clock(by);
        self.shared.notify.notify_waiters();
    }

    /// The faults now in force (counters as left).
    pub fn faults(&self) -> Faults {
        self.shared.faults()
    }

    /// Replaces the faults. A change of `down` takes effect shortly after; see [`Self::set_down`].
    pub fn set_faults(&self, faults: Faults) {
        self.update_faults(|f| *f = faults);
    }

    /// Changes the faults in place.
    pub fn update_faults(&self, change: impl FnOnce(&mut Faults)) {
        let (down, dup) = {
            let mut f = self.shared.faults_mut();
            change(&mut f);
            (f.down, f.duplicate_jobs)
        };
        self.shared.state().duplicate_jobs = dup;
        self.down.send_replace(down);
        self.shared.notify.notify_waiters();
    }

    /// Takes the server down (port closed, connections cut) or up again on the same port,
    /// and waits until that is so.
    pub async fn set_down(&self, down: bool) {
        self.update_faults(|f| f.down = down);
        let mut rx = self.listening.clone();
        let _ = rx.wait_for(|listening| *listening != down).await;
    }

    /// Every body that broke the contract: requests the station sent (including events of a
    /// job delivered out of `seq` order), and answers the station gave to push/cancel/health
    /// calls. A station test asserts this is empty.
    pub fn schema_violations(&self) -> Vec<Violation> {
        self.shared
            .violations()
            .into_iter()
            .filter(|v| v.direction != Direction::OwnResponse)
            .collect()
    }

    /// Answers of the simulator itself that broke the contract (a simulator bug).
    pub fn own_violations(&self) -> Vec<Violation> {
        self.shared
            .violations()
            .into_iter()
            .filter(|v| v.direction == Direction::OwnResponse)
            .collect()
    }

    /// Requests received for an operation id (`claimJobs`, `renewLease`, `releaseLease`,
    /// `deliverEvents`), counting refused ones but not those answered by a fault.
    pub fn request_count(&self, operation: &str) -> u64 {
        self.shared.request_count(operation)
    }

    /// Pushes a job to a station (`POST {station_url}/api/v1/jobs`), body as given; the
    /// station's answer is checked against the contract.
    pub async fn push_job_to(
        &self,
        station_url: &str,
        token: &str,
        job: &Value,
    ) -> Result<StationAnswer, SimError> {
        let url = format!("{}/api/v1/jobs", station_url.trim_end_matches('/'));
        let req = self.client.post(url).bearer_auth(token).json(job);
        self.station_call("pushJob", req).await
    }

    /// Cancels a job at a station (`POST {station_url}/api/v1/jobs/{job_id}/cancel`).
    pub async fn cancel_job_at(
        &self,
        station_url: &str,
        token: &str,
        job_id: &str,
    ) -> Result<StationAnswer, SimError> {
        let url = format!(
            "{}/api/v1/jobs/{job_id}/cancel",
            station_url.trim_end_matches('/')
        );
        let req = self.client.post(url).bearer_auth(token);
        self.station_call("cancelJob", req).await
    }

    /// Asks a station's health (`GET {station_url}/api/v1/health`).
    pub async fn health_of(&self, station_url: &str) -> Result<StationAnswer, SimError> {
        let url = format!("{}/api/v1/health", station_url.trim_end_matches('/'));
        self.station_call("stationHealth", self.client.get(url))
            .await
    }

    async fn station_call(
        &self,
        op: &str,
        req: reqwest::RequestBuilder,
    ) -> Result<StationAnswer, SimError> {
        let resp = req.send().await?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = resp.bytes().await?;
        let body = if bytes.is_empty() {
            None
        } else {
            Some(
                serde_json::from_slice(&bytes)
                    .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into())),
            )
        };
        let mut errors = match self
            .shared
            .contract
            .validate_response(op, status, body.as_ref())
        {
            Ok(()) => Vec::new(),
            Err(e) => e,
        };
        if (status == 429 || status == 503) && retry_after.is_none() {
            errors.push(format!("status {status} without Retry-After"));
        }
        if !errors.is_empty() {
            self.shared.record(
                op,
                Direction::StationResponse,
                Some(status),
                errors,
                body.as_ref(),
            );
        }
        Ok(StationAnswer {
            status,
            body,
            retry_after,
        })
    }
}
