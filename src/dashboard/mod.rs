//! The daemon's HTTP listener (`[dashboard]`): `GET /metrics` ([`metrics`]) and the report
//! downloads `GET /reports/…` ([`reports`], for operators and administrators, signed in or
//! named by the kernel through [`peer`]), and the web dashboard: one page with every section ([`pages`],
//! [`sections`], [`forms`]; texts in the catalogue through [`text`], data in [`view`]) kept
//! live by server-sent events ([`live`]), the last card of each printer ([`preview`]), signing
//! in with the account (PAM, [`pam`]) or a token ([`tokens`]) and out ([`session`],
//! [`throttle`]), and what a signed-in person does ([`actions`]).
//!
//! Loopback only, unless `tls_cert`/`tls_key` are set: passwords and the figures (who printed
//! how much) must not cross the network in clear, so without TLS an address outside
//! 127.0.0.0/8 or ::1 is refused (at config load, and again at [`bind`]). With TLS the listener
//! speaks only HTTPS ([`crate::tls`], the push endpoint's too), on any address; the session
//! cookie is `Secure`, answers carry `Strict-Transport-Security`, and nobody is named by the
//! kernel's socket table ([`peer`]): every person signs in. Without a `[dashboard]` table the
//! daemon opens no port; with one, `listen` defaults to `127.0.0.1:8470` (port 0 = any free
//! port, for tests; the daemon prints the address).

pub mod actions;
pub mod forms;
pub mod live;
pub mod metrics;
pub mod pages;
pub mod pam;
pub mod peer;
pub mod preview;
pub mod reports;
pub mod sections;
pub mod session;
pub mod tally;
pub mod text;
pub mod throttle;
pub mod tokens;
pub mod view;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tokio_rustls::rustls;

use crate::daemon::control::Books;
use crate::daemon::{DaemonError, StationHandle};
use crate::journal::Journal;

pub use crate::config::DashboardConfig;

/// Why the listener could not start. The message says what to change, in Bahasa Indonesia and
/// English.
#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    /// `listen` is not `host:port`, or not a loopback address without TLS.
    #[error("[dashboard] listen = {listen:?}: {en} / {id}")]
    Address {
        /// The configured value.
        listen: String,
        /// English.
        en: String,
        /// Bahasa Indonesia.
        id: String,
    },
    /// The port is taken or not allowed: choose another, or stop what holds it.
    #[error("[dashboard] listen = {listen:?}: {source}")]
    Bind {
        /// The configured value.
        listen: String,
        /// Cause.
        source: std::io::Error,
    },
    /// `tls_cert`/`tls_key` cannot serve HTTPS (checked at load too; here when the files
    /// changed since, or the configuration was built in code).
    #[error("[dashboard] tls_cert/tls_key: {en} / {id}")]
    Tls {
        /// English.
        en: String,
        /// Bahasa Indonesia.
        id: String,
    },
}

impl crate::messages::Message for DashboardError {
    fn message_code(&self) -> &'static str {
        match self {
            DashboardError::Address { .. } => "dashboard.listen",
            DashboardError::Bind { .. } => "dashboard.bind",
            DashboardError::Tls { .. } => "dashboard.tls",
        }
    }

    fn message_args(&self) -> crate::messages::Args {
        use crate::messages::MessageText as _;
        let args = crate::messages::Args::new();
        match self {
            DashboardError::Address { listen, en, id } => args
                .with("listen", format!("{listen:?}"))
                .with_each("detail", id, en),
            DashboardError::Bind { listen, source } => crate::messages::io_error(source)
                .as_arg(args.with("listen", format!("{listen:?}")), "reason"),
            DashboardError::Tls { en, id } => args.with_each("detail", id, en),
        }
    }
}

/// The bound listener and, with TLS, the server configuration of its handshakes.
#[derive(Debug)]
pub struct Listener {
    tcp: std::net::TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
}

impl Listener {
    /// The address bound (the port chosen for port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.tcp.local_addr()
    }

    /// `https` or `http`, for the address the daemon prints.
    pub fn scheme(&self) -> &'static str {
        if self.tls.is_some() {
            "https"
        } else {
            "http"
        }
    }
}

/// Checks `listen` and the TLS pair, and binds (before the station starts, so a taken port or
/// a bad certificate stops the daemon early).
pub fn bind(cfg: &DashboardConfig) -> Result<Listener, DashboardError> {
    use crate::messages::MessageText as _;
    let address = |key: &str| DashboardError::Address {
        listen: cfg.listen.clone(),
        en: text::t(key, text::Lang::En).into(),
        id: text::t(key, text::Lang::Id).into(),
    };
    let addr: SocketAddr = cfg.listen.parse().map_err(|_| address("listen_address"))?;
    let tls = match cfg.tls() {
        Some((cert, key)) => Some(Arc::new(crate::tls::server_config(cert, key).map_err(
            |e| DashboardError::Tls {
                en: e.message(text::Lang::En),
                id: e.message(text::Lang::Id),
            },
        )?)),
        None if !addr.ip().is_loopback() => return Err(address("listen_loopback")),
        None => None,
    };
    let bind_err = |source| DashboardError::Bind {
        listen: cfg.listen.clone(),
        source,
    };
    let tcp = std::net::TcpListener::bind(addr).map_err(bind_err)?;
    tcp.set_nonblocking(true).map_err(bind_err)?;
    Ok(Listener { tcp, tls })
}

/// What the handlers read: the station's live view, a journal connection of their own, the
/// control socket's books (the forms' operations), and the parts of the configuration the
/// reports, the role check and sign-in need.
#[derive(Clone)]
pub struct DashboardState {
    journal: Arc<Mutex<Journal>>,
    handle: StationHandle,
    books: Arc<Books>,
    report: crate::report::ReportConfig,
    authority: crate::config::AuthorityConfig,
    station: String,
    station_name: String,
    /// Sign-in tokens (`<data_dir>/dashboard-tokens.json`).
    tokens: tokens::Tokens,
    /// The PAM service of account sign-in.
    pam_service: String,
    /// Signed-in sessions.
    sessions: session::Sessions,
    /// Failed sign-ins.
    throttle: throttle::Throttle,
    /// The time-per-card histogram of `/metrics`, kept up to date between scrapes.
    histogram: Arc<Mutex<metrics::CardHistogram>>,
    /// Cards per printer and batch progress, kept up to date between renders.
    tally: Arc<Mutex<tally::Tally>>,
    /// The last card of each printer.
    previews: preview::Previews,
    /// Set when the daemon stops (ends the live-update streams).
    stop: tokio::sync::watch::Receiver<bool>,
    /// The listener's own address (to find the client's socket in the kernel's table).
    local: SocketAddr,
    /// HTTPS: `Secure` cookies, HSTS, and no one named by the kernel's socket table.
    tls: bool,
    /// Whether the account (PAM) form is offered and accepted.
    account_sign_in: bool,
}

impl DashboardState {
    /// From a journal connection (the handlers' own), the station's handle, the configuration
    /// and the listener's address.
    pub fn new(
        journal: Journal,
        handle: StationHandle,
        config: &crate::config::Config,
        local: SocketAddr,
    ) -> Result<Self, DaemonError> {
        let dashboard = config.dashboard.clone().unwrap_or_default();
        let idle = std::time::Duration::from_secs(dashboard.session_idle_minutes * 60);
        Ok(DashboardState {
            journal: Arc::new(Mutex::new(journal)),
            books: Arc::new(Books::from_config(config, Some(handle.clone()))?),
            handle,
            report: config.report.clone(),
            authority: config.authority.clone(),
            station: config.station.id.clone(),
            station_name: config.station.name.clone(),
            tokens: tokens::Tokens::in_dir(&config.station.data_dir),
            pam_service: dashboard.pam_service.clone(),
            sessions: session::Sessions::new(idle),
            throttle: Default::default(),
            histogram: Default::default(),
            tally: Default::default(),
            previews: preview::Previews::from_config(config),
            stop: tokio::sync::watch::channel(false).1,
            local,
            tls: dashboard.tls().is_some(),
            account_sign_in: dashboard.account_sign_in,
        })
    }

    /// The uid owning the client's socket, from the kernel's table ([`peer`]): only for a plain
    /// connection from this machine. Over TLS the listener may face the network, and a
    /// connection from another host must never pass for a local user, so nobody is named.
    pub fn kernel_peer_uid(&self, peer: SocketAddr) -> Option<u32> {
        if self.tls || !peer.ip().is_loopback() {
            return None;
        }
        peer::peer_uid(peer, self.local)
    }

    /// The attributes every cookie of this listener carries (`Secure` over HTTPS).
    pub fn cookie_attributes(&self) -> &'static str {
        if self.tls {
            "Path=/; SameSite=Strict; Secure"
        } else {
            "Path=/; SameSite=Strict"
        }
    }
}

/// The routes.
pub fn router(state: DashboardState) -> Router {
    use actions::StockForm;
    use reports::{download, Kind};
    let mut r = Router::new()
        .route("/", get(pages::index))
        .route("/fragment", get(pages::fragment))
        .route("/login", get(session::login_page).post(session::login))
        .route("/logout", post(session::logout))
        .route("/act", post(actions::act))
        .route("/doubt/resolve", post(actions::doubt_resolve))
        .route("/preview/{printer}", get(preview::get))
        .route("/events", get(live::events))
        .route("/assets/dashboard.css", get(pages::css))
        .route("/assets/dashboard.js", get(pages::js))
        .route("/metrics", get(get_metrics))
        .route(
            "/reports/bast",
            get(|s, c, q, h| download(Kind::Bast, s, c, q, h)),
        )
        .route(
            "/reports/spoilage",
            get(|s, c, q, h| download(Kind::Spoilage, s, c, q, h)),
        )
        .route(
            "/reports/stock",
            get(|s, c, q, h| download(Kind::Stock, s, c, q, h)),
        );
    for kind in StockForm::ALL {
        r = r.route(
            &format!("/stock/{}", kind.code()),
            post(move |s, q, h, b| actions::stock(kind, s, q, h, b)),
        );
    }
    r.with_state(state)
}

async fn get_metrics(State(state): State<DashboardState>) -> Response {
    let r = tokio::task::spawn_blocking(move || {
        let j = state.journal.lock().unwrap_or_else(|e| e.into_inner());
        let mut h = state.histogram.lock().unwrap_or_else(|e| e.into_inner());
        let mut t = state.tally.lock().unwrap_or_else(|e| e.into_inner());
        metrics::render(&j, &state.handle, &mut t, &mut h)
    })
    .await;
    match r {
        Ok(Ok(text)) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "metrics: journal");
            (StatusCode::INTERNAL_SERVER_ERROR, "journal error\n").into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "metrics task");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response()
        }
    }
}

/// HSTS under TLS: a browser that has seen the dashboard over HTTPS never tries it in clear
/// (one year; the listener speaks nothing else).
const HSTS: &str = "max-age=31536000";

/// Serves until `shutdown` completes.
pub async fn serve(
    listener: Listener,
    mut state: DashboardState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt as _;
    let tcp = tokio::net::TcpListener::from_std(listener.tcp)?;
    let (stop, rx) = tokio::sync::watch::channel(false);
    state.stop = rx;
    let shutdown = async move {
        shutdown.await;
        // Live-update streams end, or the graceful shutdown would wait for every open tab.
        let _ = stop.send(true);
    };
    let mut app = router(state);
    match listener.tls {
        Some(cfg) => {
            app = app.layer(axum::middleware::map_response(
                |mut r: Response| async move {
                    r.headers_mut().insert(
                        header::STRICT_TRANSPORT_SECURITY,
                        header::HeaderValue::from_static(HSTS),
                    );
                    r
                },
            ));
            // `tap_io` only for its `ConnectInfo<SocketAddr>`: the handshaking listener's
            // address is the client's.
            let tls = crate::tls::listener(tcp, cfg, "dashboard")?.tap_io(|_| ());
            axum::serve(tls, app.into_make_service_with_connect_info::<SocketAddr>())
                .with_graceful_shutdown(shutdown)
                .await
        }
        None => {
            axum::serve(tcp, app.into_make_service_with_connect_info::<SocketAddr>())
                .with_graceful_shutdown(shutdown)
                .await
        }
    }
}
