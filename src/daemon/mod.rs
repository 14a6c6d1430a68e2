//! The station daemon: local intake (spool), one worker per printer with look-ahead rendering,
//! operator events, and shutdown as wiring (one [`crate::shutdown::Shutdown`] token every loop
//! checks, `StationOptions::shutdown`; each worker finishes its card and gives prepared jobs
//! back). See `docs/daemon.md`.

pub mod chip;
pub mod control;
pub mod events;
pub mod notify;
pub mod preflight;
mod prepare;
pub mod purge;

pub use prepare::{
    check_document, check_fit, check_job, render_payload as render_job, CheckedJob, JobRefusal,
    JobSource,
};
mod worker;
pub use worker::card;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::config::Config;
use crate::job::ValidationPolicy;
use crate::journal::{Journal, JournalError, JournalOptions, RecoveryReport, StockThresholds};
use crate::layout::Layouts;
use crate::shutdown::Shutdown;

pub use crate::intake::{
    accept_signed, Accepted, IntakeContext, IntakeError, JobOrigin, Spool, SpoolReport,
};
use crate::link::LinkStartError;
pub use chip::{ChipEncoder, ContentFn, EncodeFailure, PcscEncoder};
pub use events::{
    ActError, Action, Decision, LinkStatus, OperatorEvent, PrinterState, StationHandle,
};

/// Why the daemon (or one of its commands) could not do its work.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// A file or folder could not be used.
    #[error("{path}: {source}")]
    Io {
        /// Path involved.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// The journal refused.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// Layouts could not be loaded, or a template cannot be drawn: check the layouts folder
    /// (`station.layouts_dir`) or reinstall the package's layouts.
    #[error("layouts: {0}")]
    Layouts(#[from] crate::layout::LayoutError),
    /// A job document is invalid (the validation report).
    #[error("{0}")]
    InvalidJob(String),
    /// Configuration problem (or a place the station needs, in use): the message says what.
    #[error("{}", crate::messages::text(crate::messages::Lang::En, .0))]
    Config(crate::messages::Plain),
    /// The configuration file does not load.
    #[error(transparent)]
    ConfigFile(#[from] crate::config::ConfigError),
    /// A printer's chip encoder (`[printer.encoder]`) cannot be set up: check the reader name
    /// and the card profile.
    #[error("printer {printer}: {source}")]
    Encoder {
        /// Printer id.
        printer: String,
        /// Why.
        source: EncodeFailure,
    },
    /// The task stopping the station ended abnormally (panicked or was cancelled).
    #[error("shutdown task: {0}")]
    ShutdownTask(#[from] tokio::task::JoinError),
    /// A place the daemon writes is not its own or not writable (start-up check); the message
    /// names the file and the fix, in Bahasa Indonesia and English.
    #[error("{0}")]
    Place(preflight::PlaceProblem),
}

impl crate::messages::Message for DaemonError {
    fn message_code(&self) -> &'static str {
        match self {
            DaemonError::Io { .. } => "daemon.io",
            DaemonError::Journal(e) => e.message_code(),
            DaemonError::Layouts(e) => e.message_code(),
            DaemonError::ConfigFile(e) => e.message_code(),
            DaemonError::Encoder { .. } => "daemon.encoder",
            DaemonError::ShutdownTask(_) => "daemon.shutdown_task",
            DaemonError::InvalidJob(_) => "daemon.invalid_job",
            DaemonError::Config(p) => p.code,
            DaemonError::Place(_) => "daemon.place",
        }
    }

    fn message_args(&self) -> crate::messages::Args {
        let args = crate::messages::Args::new();
        match self {
            DaemonError::Io { path, source } => {
                args.with("path", path.display()).with("source", source)
            }
            DaemonError::Journal(e) => e.message_args(),
            DaemonError::Layouts(e) => e.message_args(),
            DaemonError::ConfigFile(e) => e.message_args(),
            DaemonError::Encoder { printer, source } => args.with("printer", printer).with_each(
                "detail",
                &source.message_id,
                &source.message_en,
            ),
            DaemonError::ShutdownTask(e) => args.with("detail", e),
            DaemonError::InvalidJob(d) => args.with("detail", d),
            DaemonError::Config(p) => p.args.clone(),
            // Both languages whatever `--lang`: it is read in the service's journal, where the
            // reader's language is not known.
            DaemonError::Place(p) => args.with("detail", p),
        }
    }
}

impl DaemonError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        DaemonError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl From<IntakeError> for DaemonError {
    fn from(e: IntakeError) -> Self {
        match e {
            IntakeError::Io { path, source } => DaemonError::Io { path, source },
            IntakeError::Journal(e) => DaemonError::Journal(e),
            IntakeError::InvalidJob(m) => DaemonError::InvalidJob(m),
            IntakeError::Config(e) => DaemonError::ConfigFile(e),
        }
    }
}

impl From<LinkStartError> for DaemonError {
    fn from(e: LinkStartError) -> Self {
        match e {
            LinkStartError::Io { path, source } => DaemonError::Io { path, source },
            LinkStartError::Journal(e) => DaemonError::Journal(e),
            LinkStartError::Config(p) => DaemonError::Config(p),
        }
    }
}

/// Where the journal of a data directory lives.
pub fn journal_path(data_dir: &Path) -> PathBuf {
    data_dir.join("journal.sqlite")
}

/// The spool folder of a configuration ([`Config::spool_dir`]).
pub fn spool_dir(config: &Config) -> PathBuf {
    config.spool_dir()
}

/// Journal options from the configuration ([`Config::journal_options`]).
pub fn journal_options(config: &Config) -> JournalOptions {
    config.journal_options()
}

/// Validation policy from the configuration ([`Config::validation_policy`]).
pub fn validation_policy(config: &Config) -> ValidationPolicy {
    config.validation_policy()
}

/// Low-stock thresholds from the configuration: `low_stock_store` for each blangko type a
/// configured printer uses (store + feeders), `low_stock_feeder` for each configured printer.
pub fn stock_thresholds(config: &Config) -> StockThresholds {
    let mut th = StockThresholds::default();
    for p in &config.printers {
        th.per_type
            .insert(p.blangko, i64::from(config.policy.low_stock_store));
        th.per_feeder
            .insert(p.id.clone(), i64::from(config.policy.low_stock_feeder));
    }
    th
}

/// Opens the station's journal.
pub fn open_journal(config: &Config) -> Result<Journal, DaemonError> {
    let dir = &config.station.data_dir;
    std::fs::create_dir_all(dir).map_err(|e| DaemonError::io(dir, e))?;
    Ok(Journal::open_with(
        journal_path(dir),
        journal_options(config),
    )?)
}

/// A running station: workers and the spool watcher on their own threads.
pub struct Station {
    handle: StationHandle,
    stop: Shutdown,
    threads: Vec<JoinHandle<()>>,
    recovery: RecoveryReport,
    journal: Journal,
    link: Option<crate::link::LinkService>,
}

impl std::fmt::Debug for Station {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Station")
            .field("recovery", &self.recovery)
            .finish_non_exhaustive()
    }
}

/// What a station is started with besides its configuration.
#[derive(Default)]
pub struct StationOptions {
    /// Chip encoders by printer id; a printer with one takes jobs that need a chip.
    pub encoders: std::collections::BTreeMap<String, Box<dyn ChipEncoder>>,
    /// The stop signal: cancelling it stops the station as [`Station::shutdown`] does (each
    /// worker finishes its card); the daemon process passes its own.
    pub shutdown: Shutdown,
}

impl StationOptions {
    /// A PC/SC encoder for every printer whose configuration has `[printer.encoder]`, with
    /// `content` building each job's chip content (`chip_content::chip_content`).
    pub fn with_pcsc_encoders(config: &Config, content: ContentFn) -> Result<Self, DaemonError> {
        let mut encoders: std::collections::BTreeMap<String, Box<dyn ChipEncoder>> =
            Default::default();
        for p in &config.printers {
            if let Some(enc) = &p.encoder {
                let e = PcscEncoder::from_config(enc, content).map_err(|source| {
                    DaemonError::Encoder {
                        printer: p.id.clone(),
                        source,
                    }
                })?;
                encoders.insert(p.id.clone(), Box::new(e));
            }
        }
        Ok(StationOptions {
            encoders,
            shutdown: Shutdown::new(),
        })
    }
}

impl std::fmt::Debug for StationOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StationOptions")
            .field("encoders", &self.encoders.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// What the station's threads share, gathered once by [`Station::start_with`].
struct Parts {
    path: PathBuf,
    jopts: JournalOptions,
    policy: ValidationPolicy,
    layouts: Arc<Layouts>,
    thresholds: StockThresholds,
    handle: StationHandle,
    stop: Shutdown,
}

impl Parts {
    /// The spool watcher and the purge, each on its own journal connection.
    fn spawn_background(&self, config: &Config) -> Result<Vec<JoinHandle<()>>, DaemonError> {
        let spool = Spool::open_for(config)?;
        let mut intake_journal = Journal::open_with(&self.path, self.jopts.clone())?;
        let stop = self.stop.clone();
        let policy = self.policy.clone();
        let thresholds = self.thresholds.clone();
        let handle = self.handle.clone();
        let spool_thread = spawn("spool", move || {
            run_spool(
                spool,
                &mut intake_journal,
                &policy,
                (&thresholds, &handle),
                &stop,
            )
        })?;
        let purge_journal = Journal::open_with(&self.path, self.jopts.clone())?;
        let (stop, root, days) = (
            self.stop.clone(),
            spool_dir(config),
            config.policy.retention_days,
        );
        let purge_thread = spawn("purge", move || {
            purge::run_purge(purge_journal, root, days, &stop)
        })?;
        Ok(vec![spool_thread, purge_thread])
    }

    /// One printer's worker thread.
    fn spawn_worker(
        &self,
        config: &Config,
        p: &crate::config::PrinterConfig,
        encoder: Option<Box<dyn ChipEncoder>>,
    ) -> Result<JoinHandle<()>, DaemonError> {
        let setup = worker::WorkerSetup {
            printer_id: p.id.clone(),
            uri: p.uri.clone(),
            blangko: p.blangko,
            encoder,
            journal_path: self.path.clone(),
            journal_options: self.jopts.clone(),
            policy: self.policy.clone(),
            layouts: self.layouts.clone(),
            lookahead: config.policy.lookahead,
            training: config.policy.training,
            handle: self.handle.clone(),
            stop: self.stop.clone(),
            actions: self.handle.add_printer(&p.id),
            thresholds: self.thresholds.clone(),
        };
        spawn(&format!("printer-{}", p.id), move || {
            worker::run_worker(setup)
        })
    }
}

impl Station {
    /// [`Station::start_with`] without chip encoders.
    pub fn start(config: &Config) -> Result<Station, DaemonError> {
        Station::start_with(config, StationOptions::default())
    }

    /// Opens the journal, recovers (jobs that may have been inside a printer become in-doubt),
    /// loads the layouts and starts the spool watcher and one worker per printer. Returns once
    /// recovery is done: the caller may then tell systemd READY.
    pub fn start_with(
        config: &Config,
        mut options: StationOptions,
    ) -> Result<Station, DaemonError> {
        let mut journal = open_journal(config)?;
        let recovery = journal.recover_on_start()?;
        let thresholds = stock_thresholds(config);
        let handle = StationHandle::default();
        handle.note_low_stock(&journal.low_stock_check(&thresholds)?);
        let layouts = Arc::new(Layouts::load_from(&config.layout_source())?);
        // A template the renderer cannot draw stops the station now, not at its first card.
        layouts.bake_all()?;
        let parts = Parts {
            path: journal_path(&config.station.data_dir),
            jopts: journal_options(config),
            policy: validation_policy(config),
            layouts,
            thresholds,
            handle,
            stop: options.shutdown.clone(),
        };
        let mut threads = parts.spawn_background(config)?;
        for p in &config.printers {
            let encoder = options.encoders.remove(&p.id);
            threads.push(parts.spawn_worker(config, p, encoder)?);
        }
        let link = match &config.link {
            Some(_) => {
                let ctx = Arc::new(IntakeContext::from_config(config)?);
                let link = crate::link::LinkService::start(config, ctx, &parts.stop)?;
                parts.handle.attach_link(Arc::new(link.health()));
                Some(link)
            }
            None => None,
        };
        Ok(Station {
            handle: parts.handle,
            stop: parts.stop,
            threads,
            recovery,
            journal,
            link,
        })
    }

    /// The in-process view and control of the station.
    pub fn handle(&self) -> StationHandle {
        self.handle.clone()
    }

    /// Address of the push endpoint, when `[link]` has `push_listen`.
    pub fn push_addr(&self) -> Option<std::net::SocketAddr> {
        self.link.as_ref().and_then(|l| l.push_addr())
    }

    /// What recovery found at start.
    pub fn recovery(&self) -> &RecoveryReport {
        &self.recovery
    }

    /// Stops taking new cards; each worker finishes its current card and releases prepared
    /// jobs; then the journal is checkpointed.
    pub fn shutdown(self) -> Result<(), DaemonError> {
        if let Some(link) = &self.link {
            link.stop_claiming();
        }
        self.stop.cancel();
        for t in self.threads {
            let _ = t.join();
        }
        // After the workers: leases of jobs they gave back are released.
        if let Some(link) = self.link {
            link.shutdown();
        }
        self.journal.checkpoint()?;
        Ok(())
    }
}

fn spawn(name: &str, f: impl FnOnce() + Send + 'static) -> Result<JoinHandle<()>, DaemonError> {
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(f)
        .map_err(|e| DaemonError::io(Path::new(name), e))
}

/// The spool watcher; it also re-checks low stock every few seconds, so that blangko received
/// or loaded with the CLI (another process) raise or clear alerts without a card printing.
fn run_spool(
    spool: Spool,
    journal: &mut Journal,
    policy: &ValidationPolicy,
    (thresholds, handle): (&StockThresholds, &StationHandle),
    stop: &Shutdown,
) {
    let mut round: u32 = 0;
    while !stop.is_cancelled() {
        match spool.scan(journal, policy) {
            Ok(r) if r != SpoolReport::default() => {
                tracing::info!(queued = r.queued, rejected = r.rejected, "spool intake")
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "spool intake failed"),
        }
        if round % 5 == 0 {
            match journal.low_stock_check(thresholds) {
                Ok(open) => handle.note_low_stock(&open),
                Err(e) => tracing::warn!(error = %e, "low-stock check failed"),
            }
        }
        round = round.wrapping_add(1);
        if stop.wait_timeout(Duration::from_secs(1)) {
            return;
        }
    }
}
