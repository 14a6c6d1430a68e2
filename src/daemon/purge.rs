//! Personal-data retention: at start and every hour, finished jobs whose events
//! the server acknowledged lose their payload once `policy.retention_days` have passed since
//! their last change ([`Journal::purge_personal_data`]), and the spool's `done/` and
//! `rejected/` copies of job files go after the same time.

use crate::shutdown::Shutdown;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::journal::{Clock, Journal, PurgeReport, SystemClock};

use super::DaemonError;

/// How often the daemon purges.
pub const PURGE_INTERVAL: Duration = Duration::from_secs(3600);

/// One purge: the journal (cut-off = now − retention) and the spool's finished files.
pub fn purge_once(
    journal: &mut Journal,
    spool_root: &Path,
    retention_days: u32,
    now: crate::journal::Timestamp,
) -> Result<PurgeReport, DaemonError> {
    let retention_ms = i64::from(retention_days) * 86_400_000;
    let report = journal.purge_personal_data(now.plus_millis(-retention_ms))?;
    let cutoff = SystemTime::UNIX_EPOCH
        + Duration::from_millis(u64::try_from(now.0 - retention_ms).unwrap_or(0));
    for folder in ["done", "rejected"] {
        purge_folder(&spool_root.join(folder), cutoff)?;
    }
    Ok(report)
}

/// Removes files last modified before `cutoff` (the spool's copies of job documents).
fn purge_folder(dir: &Path, cutoff: SystemTime) -> Result<(), DaemonError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(DaemonError::io(dir, e)),
    };
    let old: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.metadata()
                .is_ok_and(|m| m.is_file() && m.modified().is_ok_and(|t| t < cutoff))
        })
        .map(|e| e.path())
        .collect();
    for p in old {
        std::fs::remove_file(&p).map_err(|e| DaemonError::io(&p, e))?;
    }
    Ok(())
}

/// The daemon's purge thread: once at start, then every [`PURGE_INTERVAL`] until `stop`.
pub(crate) fn run_purge(
    mut journal: Journal,
    spool_root: PathBuf,
    retention_days: u32,
    stop: &Shutdown,
) {
    loop {
        match purge_once(&mut journal, &spool_root, retention_days, SystemClock.now()) {
            Ok(r) if r.purged > 0 || !r.checkpointed => tracing::info!(
                purged = r.purged,
                waiting_for_ack = r.waiting_for_ack,
                checkpointed = r.checkpointed,
                "personal data purged"
            ),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "personal-data purge failed"),
        }
        if stop.wait_timeout(PURGE_INTERVAL) {
            return;
        }
    }
}
