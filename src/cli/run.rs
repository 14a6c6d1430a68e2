//! `cetak daemon`: the tokio main loop around a [`Station`]: the control API on its Unix
//! socket, READY after recovery, watchdog pings, SIGTERM/SIGINT → graceful stop, exit 0.
//!
//! One stop signal: [`run`] takes a [`Shutdown`] token and hands it to the station (workers,
//! preparers, spool watcher, purge, link), the control API and the dashboard; cancelling it
//! stops them all (each worker finishes its card). [`run_daemon`] cancels it on SIGTERM or
//! SIGINT; a test cancels it by hand.

use std::time::Duration;

use crate::config::Config;

use crate::daemon::notify::Notifier;
use crate::daemon::{DaemonError, Station, StationOptions};
use crate::shutdown::Shutdown;

/// Runs the daemon until SIGTERM or SIGINT.
pub fn run_daemon(config: &Config, options: StationOptions) -> Result<(), DaemonError> {
    // One runtime for the process: the control API, the dashboard and the server link (two
    // workers, as the link had on its own runtime before).
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| DaemonError::io(std::path::Path::new("tokio runtime"), e))?;
    rt.block_on(async {
        use tokio::signal::unix::{signal, SignalKind};
        // Install the handlers before READY so a stop right after start is not lost.
        let mut term = signal(SignalKind::terminate())
            .map_err(|e| DaemonError::io(std::path::Path::new("SIGTERM"), e))?;
        let mut int = signal(SignalKind::interrupt())
            .map_err(|e| DaemonError::io(std::path::Path::new("SIGINT"), e))?;
        let shutdown = Shutdown::new();
        let on_signal = shutdown.clone();
        let signals = tokio::spawn(async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
                _ = on_signal.cancelled() => {}
            }
            on_signal.cancel();
        });
        let res = run(config, options, shutdown.clone()).await;
        shutdown.cancel();
        let _ = signals.await;
        res
    })
}

/// Runs the daemon until `shutdown` is cancelled (the station's own `options.shutdown` is
/// replaced by it), then stops everything and returns; a start error stops whatever had
/// started.
pub async fn run(
    config: &Config,
    mut options: StationOptions,
    shutdown: Shutdown,
) -> Result<(), DaemonError> {
    options.shutdown = shutdown.clone();
    let notifier = Notifier::from_env();
    // Every place the daemon writes is its own, or it stops here: no READY, exit non-zero.
    crate::daemon::preflight::check_places(config)?;
    // Files it makes are the service user's only (as the unit's UMask=0077), also when started
    // by hand.
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o077));
    let running = start(config, options, &shutdown).await?;
    let r = running.station.recovery();
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
            _ = shutdown.cancelled() => break,
            _ = tick.tick() => notifier.watchdog(),
        }
    }
    stop(running, &notifier, &mut tick).await
}

/// What runs while the daemon is up.
struct Running {
    station: Station,
    control: ServerTask,
    dashboard: Option<ServerTask>,
    socket: std::path::PathBuf,
}

/// Binds the control socket and the HTTP listener, starts the station, then serves both; a
/// failure stops what had started and removes the socket.
async fn start(
    config: &Config,
    options: StationOptions,
    shutdown: &Shutdown,
) -> Result<Running, DaemonError> {
    // The socket first: a second daemon on the same station stops here, before it touches a
    // printer or the queue.
    let socket = config.control_socket();
    let listener = crate::daemon::control::bind(&socket)?;
    let remove_socket = || {
        let _ = std::fs::remove_file(&socket);
    };
    // The HTTP listener (metrics) is bound before the station starts: a taken port stops here.
    let dashboard = match &config.dashboard {
        Some(d) => Some(crate::dashboard::bind(d).map_err(|e| {
            remove_socket();
            DaemonError::Config(crate::messages::Plain::of(&e))
        })?),
        None => None,
    };
    let station = Station::start_with(config, options).inspect_err(|_| remove_socket())?;
    let control = match start_control(config, &station, &socket, listener, shutdown) {
        Ok(c) => c,
        Err(e) => {
            let _ = tokio::task::spawn_blocking(move || station.shutdown()).await;
            remove_socket();
            return Err(e);
        }
    };
    let dashboard = match dashboard {
        Some(l) => match start_dashboard(config, &station, l, shutdown) {
            Ok(d) => Some(d),
            Err(e) => {
                shutdown.cancel();
                let _ = control.await;
                let _ = tokio::task::spawn_blocking(move || station.shutdown()).await;
                remove_socket();
                return Err(e);
            }
        },
        None => None,
    };
    Ok(Running {
        station,
        control,
        dashboard,
        socket,
    })
}

/// After the stop signal: the servers end, the socket goes, the workers finish their cards;
/// the watchdog keeps being fed meanwhile.
async fn stop(
    running: Running,
    notifier: &Notifier,
    tick: &mut tokio::time::Interval,
) -> Result<(), DaemonError> {
    notifier.stopping();
    // The one signal reached the control API and the dashboard too: no more decisions,
    // workers paused for an operator stop at once.
    let _ = running.control.await;
    if let Some(d) = running.dashboard {
        let _ = d.await;
    }
    let _ = std::fs::remove_file(&running.socket);
    eprintln!("cetak: berhenti / stopping: menyelesaikan kartu yang sedang dicetak");
    // Joining the workers blocks: keep the watchdog alive meanwhile.
    let station = running.station;
    let stopping = tokio::task::spawn_blocking(move || station.shutdown());
    tokio::pin!(stopping);
    loop {
        tokio::select! {
            res = &mut stopping => {
                return res?;
            }
            _ = tick.tick() => notifier.watchdog(),
        }
    }
}

/// A server task that ends once the shutdown token is cancelled.
type ServerTask = tokio::task::JoinHandle<()>;

/// Binds the control socket and serves the API until `shutdown`.
fn start_control(
    config: &Config,
    station: &Station,
    socket: &std::path::Path,
    listener: tokio::net::UnixListener,
    shutdown: &Shutdown,
) -> Result<ServerTask, DaemonError> {
    let journal = crate::daemon::open_journal(config)?;
    let state =
        crate::daemon::control::ControlState::from_config(config, station.handle(), journal)?;
    let stop = shutdown.clone();
    let task = tokio::spawn(async move {
        let shutdown = async move { stop.cancelled().await };
        if let Err(e) = crate::daemon::control::serve(listener, state, shutdown).await {
            tracing::error!(error = %e, "control API stopped");
        }
    });
    tracing::info!(socket = %socket.display(), "control API listening");
    Ok(task)
}

/// Serves the dashboard and `/metrics` on the `[dashboard]` listener until `shutdown`; prints
/// its address (`https://` under TLS).
fn start_dashboard(
    config: &Config,
    station: &Station,
    listener: crate::dashboard::Listener,
    shutdown: &Shutdown,
) -> Result<ServerTask, DaemonError> {
    let scheme = listener.scheme();
    let addr = listener
        .local_addr()
        .map_err(|e| DaemonError::io(std::path::Path::new("dashboard"), e))?;
    let journal = crate::daemon::open_journal(config)?;
    let state = crate::dashboard::DashboardState::new(journal, station.handle(), config, addr)?;
    let stop = shutdown.clone();
    let task = tokio::spawn(async move {
        let shutdown = async move { stop.cancelled().await };
        if let Err(e) = crate::dashboard::serve(listener, state, shutdown).await {
            tracing::error!(error = %e, "dashboard stopped");
        }
    });
    eprintln!("cetak: metrik / metrics: {scheme}://{addr}/metrics");
    eprintln!("cetak: dasbor / dashboard: {scheme}://{addr}/");
    Ok(task)
}
