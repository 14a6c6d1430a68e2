//! `cetak demo --serve`: after the demo's jobs settle, the demo station stays up with the
//! dashboard and `/metrics` on `--listen`, and prints their address and a sign-in token for the
//! person who runs it (root or the demo's own user: an administrator of the demo station, as
//! the service user is of a real one). Ctrl-C or SIGTERM stops it; the station then finishes
//! the card in hand and stops.

use tokio::signal::unix::{signal, SignalKind};

use crate::cli::Lang;
use crate::config::Config;
use crate::daemon::{DaemonError, Station};
use crate::messages::{Args, Plain};

/// Serves the dashboard of the running demo `station` until Ctrl-C or SIGTERM.
pub fn serve(config: &Config, station: &Station, lang: Lang) -> Result<(), DaemonError> {
    let dashboard = config.dashboard.clone().unwrap_or_default();
    let listener =
        crate::dashboard::bind(&dashboard).map_err(|e| DaemonError::Config(Plain::of(&e)))?;
    let io = |e| DaemonError::io(std::path::Path::new("dashboard"), e);
    let addr = listener.local_addr().map_err(io)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(io)?;
    let journal = crate::daemon::open_journal(config)?;
    let state = crate::dashboard::DashboardState::new(journal, station.handle(), config, addr)?;
    // The handlers first: a signal right after the address is printed stops the demo cleanly.
    let (mut int, mut term) = {
        let _in_runtime = rt.enter();
        (
            signal(SignalKind::interrupt()).map_err(io)?,
            signal(SignalKind::terminate()).map_err(io)?,
        )
    };
    let user = crate::daemon::control::auth::user_name(nix::unistd::geteuid().as_raw())
        .unwrap_or_else(|| "root".into());
    let tokens = crate::dashboard::tokens::Tokens::in_dir(&config.station.data_dir);
    let now = chrono::Utc::now().to_rfc3339();
    let token = tokens
        .issue(&user, &now)
        .map_err(|e| DaemonError::Config(crate::cli::dashboard::token_error(e)))?;
    let say = |code, args| crate::messages::say(lang, code, args);
    let scheme = listener.scheme();
    let url = |path: &str| Args::new().with("url", format!("{scheme}://{addr}{path}"));
    println!("\n{}", crate::messages::label(lang, "dash.demo_heading"));
    println!("{}", say("dash.demo_dashboard", url("/")));
    println!("{}", say("dash.demo_metrics", url("/metrics")));
    let who = Args::new().with("token", &token).with("user", &user);
    println!("{}", say("dash.demo_token", who));
    println!("{}", crate::messages::label(lang, "dash.demo_running"));
    let stop = async move {
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
        }
    };
    rt.block_on(crate::dashboard::serve(listener, state, stop))
        .map_err(io)?;
    println!("{}", crate::messages::label(lang, "dash.demo_stopped"));
    Ok(())
}
