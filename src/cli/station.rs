//! Station subcommands: `daemon`, `submit`, `stock`, `doubt`, `handover`, `outbox`, `audit`,
//! `demo`.
//! `stock`, `doubt`, `outbox` and `audit` go through the running daemon (or `--offline`, see
//! [`remote`]); the daemon decides from the caller's Unix groups what it may do, and no flag of
//! this command line grants a role. Output is for the operator, in Bahasa Indonesia unless
//! `--lang en`; every failure exits non-zero.

use crate::messages::MessageText as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};

mod args;
mod batch;
mod doubt;
mod handover;
mod outbox;
pub mod remote;
mod stock;

pub use args::{AuditCommand, DoubtCommand, FeederMove, OutboxCommand, PlaceArg, StockCommand};
pub use remote::Remote;
pub use stock::print_stock;

use crate::cli::Lang;
use crate::config::Config;
use crate::daemon;
use crate::daemon::control::{ClientError, SubmitQuery};

/// Station commands (flattened into the top-level command).
#[derive(Debug, Subcommand)]
pub enum StationCommand {
    /// Jalankan daemon stasiun / run the station daemon.
    Daemon(ConfigArg),
    /// Kirim job ke spool / validate a job and put it in the spool.
    Submit {
        /// Signed job file (`.jws`); plain JSON only on a training station.
        job: PathBuf,
        #[command(flatten)]
        books: BooksArgs,
    },
    /// Buku stok blangko / the blangko ledger.
    Stock {
        #[command(subcommand)]
        cmd: StockCommand,
        #[command(flatten)]
        books: BooksArgs,
    },
    /// Job yang diragukan / jobs in doubt after a crash or a lost printer.
    Doubt {
        #[command(subcommand)]
        cmd: DoubtCommand,
        #[command(flatten)]
        books: BooksArgs,
    },
    /// Serahkan kartu tercetak / hand a printed card over at the pickup counter (or, with
    /// --batch, every printed card of a school batch: its BAST).
    Handover {
        #[command(flatten)]
        args: handover::HandOverArgs,
        #[command(flatten)]
        books: BooksArgs,
    },
    /// Batch program kolektif / batches of the collective programmes (e.g. one school):
    /// `cetak batch list`, `cetak batch show ID` (total, boys, girls, printed, spoiled, waiting).
    Batch {
        #[command(subcommand)]
        cmd: batch::BatchCommand,
        #[command(flatten)]
        config: ConfigArg,
        #[command(flatten)]
        via: ViaArg,
    },
    /// Event untuk server / events for the server: backlog, and those the server refused.
    Outbox {
        #[command(subcommand)]
        cmd: OutboxCommand,
        #[command(flatten)]
        books: BooksArgs,
    },
    /// Jejak audit / the hash-chained audit trail.
    Audit {
        #[command(subcommand)]
        cmd: AuditCommand,
        #[command(flatten)]
        config: ConfigArg,
        #[command(flatten)]
        via: ViaArg,
    },
    /// Demo lengkap dengan printer emulasi / full demo on emulated printers.
    Demo(crate::cli::demo::DemoArgs),
}

/// `--config`.
#[derive(Debug, Args)]
pub struct ConfigArg {
    /// Configuration file.
    #[arg(
        long,
        default_value = "/etc/cetak/cetak.toml",
        env = "CETAK_CONFIG",
        global = true
    )]
    pub config: PathBuf,
}

/// Who is acting: the daemon records the Unix user the kernel names; `--operator` only adds
/// the name the person states (e.g. when staff share a login). It grants nothing: the role
/// comes from the user's groups (`docs/daemon.md`, "Who may do what").
#[derive(Debug, Args)]
pub struct OperatorArg {
    /// Your name, recorded beside your Unix user.
    #[arg(long, global = true)]
    pub operator: Option<String>,
}

/// How the command reaches the station's books.
#[derive(Debug, Args)]
pub struct ViaArg {
    /// Control socket of the running daemon, overriding the configuration.
    #[arg(long, env = "CETAK_SOCKET", global = true)]
    pub socket: Option<PathBuf>,
    /// No daemon running: work on the journal directly. Root and the service user only;
    /// refused while the daemon runs.
    #[arg(long, global = true)]
    pub offline: bool,
}

/// The books of a station and who acts on them: `--config`, `--operator`, `--socket`,
/// `--offline`.
#[derive(Debug, Args)]
pub struct BooksArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    #[command(flatten)]
    pub who: OperatorArg,
    #[command(flatten)]
    pub via: ViaArg,
}

impl BooksArgs {
    /// Opens the way to the books.
    pub fn open(&self, lang: Lang) -> Result<Remote, String> {
        self.via.open(&self.config, lang)
    }

    /// The name the operator gave, if any.
    pub fn operator(&self) -> Option<String> {
        self.who.operator.clone()
    }
}

impl ViaArg {
    /// Opens the way to the books.
    pub fn open(&self, config: &ConfigArg, lang: Lang) -> Result<Remote, String> {
        Remote::open(&config.config, self.socket.as_deref(), self.offline, lang)
    }
}

/// Runs a station command.
pub fn run(cmd: StationCommand, lang: Lang) -> ExitCode {
    match run_inner(cmd, lang) {
        Ok(code) => code,
        Err(msg) => {
            let args = crate::messages::Args::new().with("reason", msg);
            eprintln!("{}", crate::messages::say(lang, "cli.failed", args));
            ExitCode::FAILURE
        }
    }
}

/// Loads and checks the configuration; the message names the line and key, in `lang`.
fn load_config(path: &Path, lang: Lang) -> Result<Config, String> {
    Config::load(path).map_err(|e| e.message(lang))
}

/// A control failure for the operator.
pub(crate) fn failed(e: ClientError, lang: Lang) -> String {
    Remote::message(e, lang)
}

fn run_inner(cmd: StationCommand, lang: Lang) -> Result<ExitCode, String> {
    use StationCommand as C;
    match cmd {
        C::Daemon(c) => daemon(&c, lang),
        C::Submit { job, books } => submit(&job, &books, lang),
        C::Stock { cmd, books } => {
            stock::stock(cmd, &mut books.open(lang)?, books.operator(), lang)
        }
        C::Doubt { cmd, books } => {
            doubt::doubt(cmd, &mut books.open(lang)?, books.operator(), lang)
        }
        C::Handover { args, books } => {
            handover::handover(args, &mut books.open(lang)?, books.operator(), lang)
        }
        C::Batch { cmd, config, via } => batch::batch(cmd, &mut via.open(&config, lang)?, lang),
        C::Outbox { cmd, books } => {
            outbox::outbox(cmd, &mut books.open(lang)?, books.operator(), lang)
        }
        C::Audit { cmd, config, via } => outbox::audit(cmd, &mut via.open(&config, lang)?, lang),
        C::Demo(args) => demo(&args, lang),
    }
}

/// `cetak daemon`: runs the station until SIGTERM / SIGINT.
fn daemon(c: &ConfigArg, lang: Lang) -> Result<ExitCode, String> {
    let cfg = load_config(&c.config, lang)?;
    let options =
        daemon::StationOptions::with_pcsc_encoders(&cfg, crate::chip_content::chip_content)
            .map_err(|e| e.message(lang))?;
    crate::cli::run::run_daemon(&cfg, options).map_err(|e| e.message(lang))?;
    Ok(ExitCode::SUCCESS)
}

/// `cetak submit`: the job file is read (and a training job's images inlined) here, as the
/// calling user, before the books are opened: the daemon cannot see the caller's folders, and
/// `--offline` as root works as the service user.
fn submit(job: &Path, books: &BooksArgs, lang: Lang) -> Result<ExitCode, String> {
    let bytes =
        std::fs::read(job).map_err(|e| crate::messages::file_error(job, &e).message(lang))?;
    let bytes = if bytes.trim_ascii().starts_with(b"{") {
        let base = job.parent().unwrap_or(Path::new("."));
        crate::intake::inline_images(&bytes, base)
            .map_err(|e| e.message(lang))?
            .into_bytes()
    } else {
        bytes
    };
    let operator = books.operator();
    let r = books
        .open(lang)?
        .submit(&SubmitQuery { operator }, bytes)
        .map_err(|e| failed(e, lang))?;
    println!(
        "{} {}",
        crate::messages::label(lang, "cli.job_spooled"),
        r.job_id
    );
    Ok(ExitCode::SUCCESS)
}

/// `cetak demo`: succeeds when every job printed and the stock and the audit trail check out.
fn demo(args: &crate::cli::demo::DemoArgs, lang: Lang) -> Result<ExitCode, String> {
    let summary = crate::cli::demo::run_demo(args, lang).map_err(|e| e.message(lang))?;
    let all_printed = summary
        .jobs
        .iter()
        .all(|j| j.state == crate::journal::JobState::Printed);
    Ok(if all_printed && summary.stock_ok && summary.audit_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
