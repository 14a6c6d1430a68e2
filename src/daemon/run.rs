//! `cetak daemon`: the tokio main loop around a [`Station`]: the control API on its Unix
//! socket, READY after recovery, watchdog pings, SIGTERM/SIGINT → graceful stop, exit 0.

use std::time::Duration;

use crate::config::Config;

use super::notify::Notifier;
use super::{DaemonError, Station, StationOptions};

/// Runs the daemon until SIGTERM or SIGINT.
pub fn run_daemon(config: &Config, options: StationOptions) -> Result<(), DaemonError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| DaemonError::io(std::path::Path::new("tokio runtime"), e))?;
    rt.block_on(main_loop(config, options))
}

async fn main_loop(config: &Config, options: StationOptions) -> Result<(), DaemonError> {
    use tokio::signal::unix::{signal, SignalKind};
    let notifier = Notifier::from_env();
    // Install the handlers before READY so a stop right after start is not lost.
    let mut term = signal(SignalKind::terminate())
        .map_err(|e| DaemonError::io(std::path::Path::new("SIGTERM"), e))?;
    let mut int = signal(SignalKind::interrupt())
        .map_err(|e| DaemonError::io(std::path::Path::new("SIGINT"), e))?;
    // Every place the daemon writes is its own, or it stops here: no READY, exit non-zero.
    super::preflight::check_places(config)?;
    // Files it makes are the service user's only (as the unit's UMask=0077), also when started
    // by hand.
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o077));
    // The socket first: a second daemon on the same station stops here, before it touches a
    // printer or the queue.
    let socket = config.control_socket();
    let listener = super::control::bind(&socket)?;
    // The HTTP listener (metrics) is bound before the station starts: a taken port stops here.
    let dashboard = match &config.dashboard {
        Some(d) => match crate::dashboard::bind(d) {
            Ok(l) => Some(l),
            Err(e) => {
                let _ = std::fs::remove_file(&socket);
                return Err(DaemonError::Config(e.to_string()));
            }
        },
        None => None,
    };
    let station = match Station::start_with(config, options) {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&socket);
            return Err(e);
        }
    };
    let control = match start_control(config, &station, &socket, listener) {
        Ok(c) => c,
        Err(e) => {
            let _ = tokio::task::spawn_blocking(move || station.shutdown()).await;
            let _ = std::fs::remove_file(&socket);
            return Err(e);
        }
    };
    let dashboard = match dashboard {
        Some(l) => match start_dashboard(config, &station, l) {
            Ok(d) => Some(d),
            Err(e) => {
                let _ = control.stop.send(true);
                let _ = control.task.await;
                let _ = tokio::task::spawn_blocking(move || station.shutdown()).await;
                let _ = std::fs::remove_file(&socket);
                return Err(e);
            }
        },
        None => None,
    };
    let r = station.recovery();
    tracing::info!(
        in_doubt = r.now_in_doubt.len(),
        requeued = r.requeued,
        "recovery done"
    );
    notifier.ready();
    notifier.status("siap / ready");
    eprintln!(
        "cetak: daemon siap / ready ({} printer)",
        config.printers.len()
    );
    let period = notifier
        .watchdog_interval()
        .map(|d| d / 2)
        .unwrap_or(Duration::from_secs(5));
    let mut tick = tokio::time::interval(period);
    loop {
        tokio::select! {
            _ = term.recv() => break,
            _ = int.recv() => break,
            _ = tick.tick() => notifier.watchdog(),
        }
    }
    notifier.stopping();
    // No more decisions: workers paused for an operator stop at once.
    let _ = control.stop.send(true);
    let _ = control.task.await;
    if let Some(d) = dashboard {
        let _ = d.stop.send(true);
        let _ = d.task.await;
    }
    let _ = std::fs::remove_file(&socket);
    eprintln!("cetak: berhenti / stopping: menyelesaikan kartu yang sedang dicetak");
    // Joining the workers blocks: keep the watchdog alive meanwhile.
    let stopping = tokio::task::spawn_blocking(move || station.shutdown());
    tokio::pin!(stopping);
    loop {
        tokio::select! {
            res = &mut stopping => {
                return res.map_err(|e| DaemonError::Config(format!("shutdown task: {e}")))?;
            }
            _ = tick.tick() => notifier.watchdog(),
        }
    }
}

struct Control {
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

/// Binds the control socket and serves the API until told to stop.
fn start_control(
    config: &Config,
    station: &Station,
    socket: &std::path::Path,
    listener: tokio::net::UnixListener,
) -> Result<Control, DaemonError> {
    let journal = super::open_journal(config)?;
    let state = super::control::ControlState::from_config(config, station.handle(), journal)?;
    let (stop, mut rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(async move {
        let shutdown = async move {
            let _ = rx.wait_for(|s| *s).await;
        };
        if let Err(e) = super::control::serve(listener, state, shutdown).await {
            tracing::error!(error = %e, "control API stopped");
        }
    });
    tracing::info!(socket = %socket.display(), "control API listening");
    Ok(Control { stop, task })
}

/// Serves `/metrics` on the `[dashboard]` listener until told to stop; prints its address.
fn start_dashboard(
    config: &Config,
    station: &Station,
    listener: std::net::TcpListener,
) -> Result<Control, DaemonError> {
    let addr = listener
        .local_addr()
        .map_err(|e| DaemonError::io(std::path::Path::new("dashboard"), e))?;
    let journal = super::open_journal(config)?;
    let state = crate::dashboard::DashboardState::new(journal, station.handle(), config, addr);
    let (stop, mut rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(async move {
        let shutdown = async move {
            let _ = rx.wait_for(|s| *s).await;
        };
        if let Err(e) = crate::dashboard::serve(listener, state, shutdown).await {
            tracing::error!(error = %e, "dashboard stopped");
        }
    });
    eprintln!("cetak: metrik / metrics: http://{addr}/metrics");
    eprintln!("cetak: dasbor / dashboard: http://{addr}/");
    Ok(Control { stop, task })
}
