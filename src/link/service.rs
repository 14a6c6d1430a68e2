//! Starts and stops the link's tasks: on the caller's tokio runtime when there is one (the
//! daemon process has one runtime), else on a thread with a runtime of its own (a station
//! started from plain synchronous code, as tests do). The link knows nothing of the station above it:
//! jobs go in through [`crate::intake`], and the station reads [`LinkService::health`].

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::shutdown::Shutdown;

use super::client::{read_token, ClientSettings, LinkClient};
use super::db::Db;
use super::error::LinkError;
use super::health::HealthCell;
use super::leases::{self, LeaseCtx};
use super::{deliver, push};
use crate::config::{Config, LinkConfig};
use crate::intake::IntakeContext;
use crate::journal::{BlangkoType, Journal, JournalError};
use crate::messages::Plain;

/// Why the link could not start.
#[derive(Debug, thiserror::Error)]
pub enum LinkStartError {
    /// A `[link]` setting (or a file it names: token, CA, certificate) cannot be used; the
    /// message names it.
    #[error("link: {}", crate::messages::text(crate::messages::Lang::En, .0))]
    Config(Plain),
    /// The push endpoint could not be bound, or the link thread not started.
    #[error("{path}: {source}")]
    Io {
        /// What was being opened (address, thread).
        path: std::path::PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// The journal refused.
    #[error(transparent)]
    Journal(#[from] JournalError),
}

impl LinkStartError {
    fn io(what: &str, source: std::io::Error) -> Self {
        LinkStartError::Io {
            path: what.into(),
            source,
        }
    }
}

/// The running link: puller, lease keeper, outbox delivery, stock reports and the push endpoint.
///
/// It stops in two phases, so that no lease is given back while a worker may still feed its
/// job: `claims` (the puller) is a child of the station's shutdown token and stops with it;
/// `all` (lease renewal, outbox delivery, stock reports, the push endpoint, then the release
/// of leases of jobs not in a printer) is the link's own and stops at [`LinkService::shutdown`],
/// which the station calls after its workers have finished.
pub struct LinkService {
    claims: Shutdown,
    all: Shutdown,
    runner: Option<Runner>,
    push_addr: Option<SocketAddr>,
    health: HealthCell,
}

/// Where the link's tasks run.
enum Runner {
    /// On the process's runtime; the channel disconnects when they have finished.
    Task(std::sync::mpsc::Receiver<()>),
    /// On a thread with its own runtime (no runtime where the link was started).
    Thread(JoinHandle<()>),
}

/// How long [`LinkService::shutdown`] waits for the link's tasks on the process's runtime
/// (they give up on their own after 5 s per task and 10 s for releasing leases).
const STOP_WAIT: Duration = Duration::from_secs(40);

impl std::fmt::Debug for LinkService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkService")
            .field("push_addr", &self.push_addr)
            .finish_non_exhaustive()
    }
}

/// A link error that stops the start, as its message.
fn config_err(e: LinkError) -> LinkStartError {
    LinkStartError::Config(Plain::of(&e))
}

impl LinkService {
    /// Starts the link for `config` (which must have `[link]`). Files (token, CA, certificates)
    /// are read and the push endpoint bound before this returns, so a wrong setting fails the
    /// start with a clear message.
    pub fn start(
        config: &Config,
        intake: Arc<IntakeContext>,
        shutdown: &Shutdown,
    ) -> Result<LinkService, LinkStartError> {
        let link = config
            .link
            .clone()
            .ok_or_else(|| LinkStartError::Config(Plain::new("link.no_table")))?;
        let settings =
            ClientSettings::from_config(&link, &config.station.id).map_err(config_err)?;
        let client = LinkClient::new(&settings).map_err(config_err)?;
        let journal = Journal::open_with(config.journal_path(), config.journal_options())?;
        let db = Db::new(journal);
        let mut printers: BTreeMap<BlangkoType, u32> = BTreeMap::new();
        for p in &config.printers {
            *printers.entry(p.blangko).or_default() += 1;
        }
        // Bind the push endpoint now so a taken port fails the start.
        let push = bind_push(&link)?;
        let push_addr = push.as_ref().map(|p| p.local);
        let claims = shutdown.child();
        let all = Shutdown::new();
        let health = client.health();
        let tasks = Tasks {
            ctx: LeaseCtx {
                db: db.clone(),
                client: client.clone(),
                intake: intake.clone(),
                link: link.clone(),
                printers,
            },
            db,
            client,
            link,
            station: config.station.id.clone(),
            intake,
            push,
            claims: claims.clone(),
            all: all.clone(),
        };
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        let body = async move {
            let _done = done_tx;
            tasks.run().await;
        };
        let runner = match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(body);
                Runner::Task(done_rx)
            }
            Err(_) => Runner::Thread(on_own_runtime(body)?),
        };
        Ok(LinkService {
            claims,
            all,
            runner: Some(runner),
            push_addr,
            health,
        })
    }

    /// The link's health, updated by every request (for the station's status view).
    pub fn health(&self) -> HealthCell {
        self.health.clone()
    }

    /// Where the push endpoint listens (the bound port when `push_listen` used port 0).
    pub fn push_addr(&self) -> Option<SocketAddr> {
        self.push_addr
    }

    /// Stops claiming new jobs (first step of a shutdown; renewals and delivery go on). The
    /// station's shutdown token does this too.
    pub fn stop_claiming(&self) {
        self.claims.cancel();
    }

    /// Stops every task and releases the leases of jobs not in a printer (call after the
    /// workers stopped). Returns when done. Blocks: on the process's runtime, call it from a
    /// blocking thread (`spawn_blocking`), as the daemon does.
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        self.claims.cancel();
        self.all.cancel();
        match self.runner.take() {
            Some(Runner::Thread(t)) => {
                let _ = t.join();
            }
            Some(Runner::Task(done)) => {
                // Disconnected once the tasks have finished (or the runtime dropped them).
                let _ = done.recv_timeout(STOP_WAIT);
            }
            None => {}
        }
    }
}

impl Drop for LinkService {
    fn drop(&mut self) {
        self.stop_now();
    }
}

/// The push endpoint, bound at start.
struct BoundPush {
    listener: std::net::TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    token: String,
    local: SocketAddr,
}

/// Reads the push token and TLS files and binds `push_listen`, when set.
fn bind_push(link: &LinkConfig) -> Result<Option<BoundPush>, LinkStartError> {
    let Some(addr) = &link.push_listen else {
        return Ok(None);
    };
    let token_file = link
        .push_token_file
        .as_ref()
        .ok_or_else(|| LinkStartError::Config(Plain::new("link.push_needs_token")))?;
    let token = read_token(token_file).map_err(config_err)?;
    let tls = match (&link.push_tls_cert, &link.push_tls_key) {
        (Some(c), Some(k)) => Some(Arc::new(crate::tls::server_config(c, k).map_err(|e| {
            let key = match e.part() {
                Some(crate::tls::Part::Key) => "push_tls_key",
                _ => "push_tls_cert",
            };
            LinkStartError::Config(
                Plain::new("link.push_tls")
                    .with("key", key)
                    .with_message("reason", &e),
            )
        })?)),
        _ => None,
    };
    let io = |e| LinkStartError::io(addr, e);
    let listener = std::net::TcpListener::bind(addr.as_str()).map_err(io)?;
    listener.set_nonblocking(true).map_err(io)?;
    let local = listener.local_addr().map_err(io)?;
    Ok(Some(BoundPush {
        listener,
        tls,
        token,
        local,
    }))
}

/// The link's tasks and what they share.
struct Tasks {
    ctx: LeaseCtx,
    db: Db,
    client: LinkClient,
    link: LinkConfig,
    station: String,
    intake: Arc<IntakeContext>,
    push: Option<BoundPush>,
    claims: Shutdown,
    all: Shutdown,
}

impl Tasks {
    /// Runs the puller, the lease keeper, delivery, stock reports and the push endpoint until
    /// `all` is cancelled, then gives back the leases of jobs not in a printer.
    async fn run(self) {
        let Tasks {
            ctx,
            db,
            client,
            link,
            station,
            intake,
            push,
            claims,
            all,
        } = self;
        let mut tasks = vec![
            tokio::spawn(leases::run_puller(ctx.clone(), claims)),
            tokio::spawn(leases::run_keeper(ctx.clone(), all.clone())),
            tokio::spawn(deliver::run_delivery(
                db.clone(),
                client,
                link.clone(),
                station.clone(),
                all.clone(),
            )),
            tokio::spawn(deliver::run_stock(db.clone(), link, all.clone())),
        ];
        if let Some(push) = push {
            match tokio::net::TcpListener::from_std(push.listener) {
                Ok(listener) => {
                    let state = push::PushState {
                        db,
                        intake,
                        token: Arc::new(push.token),
                        station: Arc::new(station),
                    };
                    tasks.push(tokio::spawn(push::serve(
                        listener,
                        push.tls,
                        state,
                        all.clone(),
                    )));
                }
                Err(e) => tracing::error!(error = %e, "push endpoint not started"),
            }
        }
        leases::stopped(&all).await;
        for t in tasks {
            let _ = tokio::time::timeout(Duration::from_secs(5), t).await;
        }
        // Workers have stopped: give back the leases of jobs not in a printer.
        if tokio::time::timeout(Duration::from_secs(10), leases::release_all(&ctx))
            .await
            .is_err()
        {
            tracing::warn!("releasing leases took too long; the server lets them expire");
        }
    }
}

/// Runs `body` on a thread with a runtime of its own (no runtime where the link was started).
fn on_own_runtime(
    body: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<JoinHandle<()>, LinkStartError> {
    std::thread::Builder::new()
        .name("link".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("link-rt")
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    tracing::error!(error = %e, "link runtime could not start");
                    return;
                }
            };
            rt.block_on(body)
        })
        .map_err(|e| LinkStartError::io("link thread", e))
}
