//! `cetak daemon`: the tokio main loop around a [`Station`]: READY after recovery, watchdog
//! pings, SIGTERM/SIGINT → graceful stop, exit 0.

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
    let station = Station::start_with(config, options)?;
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
