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

mod batch;
mod handover;
pub mod remote;
mod stock;

pub use remote::Remote;
pub use stock::print_stock;

use crate::cli::Lang;
use crate::config::Config;
use crate::daemon;
use crate::daemon::control::{ClientError, ResolveRequest, RetryRequest, SubmitQuery};
use crate::journal::{BlangkoType, SpoilCategory};

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
        config: ConfigArg,
        #[command(flatten)]
        who: OperatorArg,
        #[command(flatten)]
        via: ViaArg,
    },
    /// Buku stok blangko / the blangko ledger.
    Stock {
        #[command(subcommand)]
        cmd: StockCommand,
        #[command(flatten)]
        config: ConfigArg,
        #[command(flatten)]
        who: OperatorArg,
        #[command(flatten)]
        via: ViaArg,
    },
    /// Job yang diragukan / jobs in doubt after a crash or a lost printer.
    Doubt {
        #[command(subcommand)]
        cmd: DoubtCommand,
        #[command(flatten)]
        config: ConfigArg,
        #[command(flatten)]
        who: OperatorArg,
        #[command(flatten)]
        via: ViaArg,
    },
    /// Serahkan kartu tercetak / hand a printed card over at the pickup counter (or, with
    /// --batch, every printed card of a school batch: its BAST).
    Handover {
        #[command(flatten)]
        args: handover::HandOverArgs,
        #[command(flatten)]
        config: ConfigArg,
        #[command(flatten)]
        who: OperatorArg,
        #[command(flatten)]
        via: ViaArg,
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
        config: ConfigArg,
        #[command(flatten)]
        who: OperatorArg,
        #[command(flatten)]
        via: ViaArg,
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

impl ViaArg {
    /// Opens the way to the books.
    pub fn open(&self, config: &ConfigArg, lang: Lang) -> Result<Remote, String> {
        Remote::open(&config.config, self.socket.as_deref(), self.offline, lang)
    }
}

/// Where blangko are taken from by hand.
#[derive(Debug, Args)]
pub struct PlaceArg {
    /// Printer whose feeder (default: the store).
    #[arg(long)]
    pub printer: Option<String>,
}

/// `cetak stock …`.
#[derive(Debug, Subcommand)]
pub enum StockCommand {
    /// Terima blangko / receive blangko into the store.
    Receive {
        /// kia or ktp-el.
        #[arg(long = "type")]
        blangko_type: BlangkoType,
        /// Count.
        #[arg(long)]
        count: u32,
        /// Lot / box number.
        #[arg(long)]
        lot: String,
        /// Note.
        #[arg(long)]
        note: Option<String>,
    },
    /// Isi feeder printer / load blangko from the store into a printer's feeder.
    Load {
        /// Printer id.
        #[arg(long)]
        printer: String,
        /// Count.
        #[arg(long)]
        count: u32,
        /// Type (default: the one configured for the printer).
        #[arg(long = "type")]
        blangko_type: Option<BlangkoType>,
    },
    /// Keluarkan dari feeder / unload blangko from a printer's feeder back to the store.
    Unload {
        /// Printer id.
        #[arg(long)]
        printer: String,
        /// Count.
        #[arg(long)]
        count: u32,
        /// Type (default: the one configured for the printer).
        #[arg(long = "type")]
        blangko_type: Option<BlangkoType>,
    },
    /// Tampilkan stok / show the figures.
    Show,
    /// Catat blangko rusak / write off spoiled blangko (from the store or a feeder), or with
    /// `--job` a card already printed (perubahan elemen data): the job is printed again on a
    /// new card, or ends superseded with `--replaced-by NEW_JOB`.
    Spoil {
        #[command(flatten)]
        place: PlaceArg,
        /// kia or ktp-el.
        #[arg(long = "type", required_unless_present = "job")]
        blangko_type: Option<BlangkoType>,
        /// Count.
        #[arg(long, default_value_t = 1, conflicts_with = "job")]
        count: u32,
        /// gagal-encode, gagal-cetak, rusak, perubahan-elemen-data.
        #[arg(long)]
        category: SpoilCategory,
        /// Note (required with --job).
        #[arg(long, default_value = "")]
        note: String,
        /// A printed job whose card is written off before handover.
        #[arg(long, conflicts_with_all = ["blangko_type", "printer"])]
        job: Option<String>,
        /// With --job: the new job that replaces it (otherwise it is printed again).
        #[arg(long, requires = "job")]
        replaced_by: Option<String>,
    },
    /// Kembalikan ke provinsi / return blangko to the province.
    Return {
        #[command(flatten)]
        place: PlaceArg,
        /// kia or ktp-el.
        #[arg(long = "type")]
        blangko_type: BlangkoType,
        /// Count.
        #[arg(long)]
        count: u32,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Koreksi (administrator) / adjust a count (administrators only).
    Adjust {
        #[command(flatten)]
        place: PlaceArg,
        /// kia or ktp-el.
        #[arg(long = "type")]
        blangko_type: BlangkoType,
        /// Signed change, e.g. -2 or 3.
        #[arg(long, allow_hyphen_values = true)]
        delta: i64,
        /// Reason (required).
        #[arg(long)]
        reason: String,
    },
    /// Periksa keseimbangan / verify the ledger balances.
    Verify,
}

/// `cetak doubt …`.
#[derive(Debug, Subcommand)]
pub enum DoubtCommand {
    /// Daftar job diragukan / list in-doubt jobs.
    List,
    /// Putuskan / resolve one in-doubt job.
    Resolve {
        /// Job id.
        job: String,
        /// The card came out printed.
        #[arg(long, conflicts_with = "spoiled", required_unless_present = "spoiled")]
        printed: bool,
        /// The card is spoiled, with its category.
        #[arg(long)]
        spoiled: Option<SpoilCategory>,
        /// With --printed: the card number read from the card, when the printer did not
        /// report one (nomor kartu).
        #[arg(long, conflicts_with = "spoiled")]
        card_serial: Option<String>,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
}

/// `cetak outbox …`.
#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Antrean dan event yang ditolak / backlog and refused events.
    Show,
    /// Kirim ulang event yang ditolak (administrator) / send refused events again
    /// (administrators).
    Retry {
        /// Event id (as `cetak outbox show` lists it).
        event: Option<String>,
        /// Every refused event.
        #[arg(long, conflicts_with = "event", required_unless_present = "event")]
        all: bool,
    },
}

/// `cetak audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Periksa rantai hash / verify the hash chain.
    Verify,
}

/// A job state as a label in `lang`.
fn state_label(state: crate::journal::JobState, lang: Lang) -> &'static str {
    state.label(lang)
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
    match cmd {
        StationCommand::Daemon(c) => {
            let cfg = load_config(&c.config, lang)?;
            let options =
                daemon::StationOptions::with_pcsc_encoders(&cfg, crate::chip_content::chip_content)
                    .map_err(|e| e.message(lang))?;
            crate::cli::run::run_daemon(&cfg, options).map_err(|e| e.message(lang))?;
            Ok(ExitCode::SUCCESS)
        }
        StationCommand::Submit {
            job,
            config,
            who,
            via,
        } => {
            // Read (and a training job's images inlined) here, as the calling user: the
            // daemon cannot see the caller's folders.
            let bytes = std::fs::read(&job).map_err(|e| format!("{}: {e}", job.display()))?;
            let bytes = if bytes.trim_ascii().starts_with(b"{") {
                let base = job.parent().unwrap_or(Path::new("."));
                crate::intake::inline_images(&bytes, base)
                    .map_err(|e| e.message(lang))?
                    .into_bytes()
            } else {
                bytes
            };
            let mut books = via.open(&config, lang)?;
            let q = SubmitQuery {
                operator: who.operator,
            };
            let r = books.submit(&q, bytes).map_err(|e| failed(e, lang))?;
            println!(
                "{} {}",
                crate::messages::label(lang, "cli.job_spooled"),
                r.job_id
            );
            Ok(ExitCode::SUCCESS)
        }
        StationCommand::Stock {
            cmd,
            config,
            who,
            via,
        } => {
            let mut books = via.open(&config, lang)?;
            stock::stock(cmd, &mut books, who.operator, lang)
        }
        StationCommand::Doubt {
            cmd,
            config,
            who,
            via,
        } => {
            let mut books = via.open(&config, lang)?;
            doubt(cmd, &mut books, who.operator, lang)
        }
        StationCommand::Handover {
            args,
            config,
            who,
            via,
        } => {
            let mut books = via.open(&config, lang)?;
            handover::handover(args, &mut books, who.operator, lang)
        }
        StationCommand::Batch { cmd, config, via } => {
            let mut books = via.open(&config, lang)?;
            batch::batch(cmd, &mut books, lang)
        }
        StationCommand::Outbox {
            cmd,
            config,
            who,
            via,
        } => {
            let mut books = via.open(&config, lang)?;
            outbox(cmd, &mut books, who.operator, lang)
        }
        StationCommand::Audit { cmd, config, via } => {
            let mut books = via.open(&config, lang)?;
            match cmd {
                AuditCommand::Verify => {
                    let r = books.audit_verify().map_err(|e| failed(e, lang))?;
                    if let (Some(row), Some(what)) = (r.problem_row, &r.problem) {
                        println!(
                            "{} {}: {}",
                            crate::messages::label(lang, "cli.audit_trail_broken_at_row"),
                            row,
                            what
                        );
                        return Ok(ExitCode::FAILURE);
                    }
                    println!(
                        "{} ({} {}, head {})",
                        crate::messages::label(lang, "cli.audit_trail_intact"),
                        r.rows,
                        crate::messages::label(lang, "cli.rows"),
                        r.head
                    );
                    Ok(ExitCode::SUCCESS)
                }
            }
        }
        StationCommand::Demo(args) => {
            let summary = crate::cli::demo::run_demo(&args, lang).map_err(|e| e.message(lang))?;
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
    }
}

fn doubt(
    cmd: DoubtCommand,
    books: &mut Remote,
    operator: Option<String>,
    lang: Lang,
) -> Result<ExitCode, String> {
    match cmd {
        DoubtCommand::List => {
            let list = books.doubt_list().map_err(|e| failed(e, lang))?;
            if list.is_empty() {
                println!("{}", crate::messages::label(lang, "cli.no_job_in_doubt"));
            }
            for d in list {
                let reason = match lang {
                    Lang::Id => d.reason_id.as_deref().or(d.reason.as_deref()),
                    Lang::En => d.reason.as_deref(),
                };
                println!(
                    "{}  NIK {}  printer {}  {} {}  {}{}",
                    d.job_id,
                    d.nik_masked,
                    d.printer_id.as_deref().unwrap_or("-"),
                    crate::messages::label(lang, "cli.attempt"),
                    d.attempt,
                    d.was
                        .as_deref()
                        .and_then(|w| w.parse::<crate::journal::JobState>().ok())
                        .map(|w| format!(
                            "{} {}  ",
                            crate::messages::label(lang, "cli.while"),
                            state_label(w, lang)
                        ))
                        .unwrap_or_default(),
                    reason.unwrap_or("")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        DoubtCommand::Resolve {
            job,
            printed,
            spoiled,
            card_serial,
            note,
        } => {
            if !printed && spoiled.is_none() {
                return Err(lang
                    .pick(
                        "pilih --printed atau --spoiled",
                        "give --printed or --spoiled",
                    )
                    .into());
            }
            let req = ResolveRequest {
                printed,
                spoiled: spoiled.map(|c| c.code().to_string()),
                card_serial,
                note,
                operator,
            };
            let r = books
                .doubt_resolve(&job, &req)
                .map_err(|e| failed(e, lang))?;
            let label = r
                .state
                .parse::<crate::journal::JobState>()
                .map(|s| {
                    format!(
                        "{} [{}]",
                        state_label(s, lang),
                        s.application_status().label(lang)
                    )
                })
                .unwrap_or_else(|_| r.state.clone());
            println!("{job}: {label}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn outbox(
    cmd: OutboxCommand,
    books: &mut Remote,
    operator: Option<String>,
    lang: Lang,
) -> Result<ExitCode, String> {
    match cmd {
        OutboxCommand::Show => {
            let v = books.outbox().map_err(|e| failed(e, lang))?;
            println!(
                "{}: {}",
                crate::messages::label(lang, "cli.events_waiting_for_delivery"),
                v.backlog
            );
            println!(
                "{}: {}",
                crate::messages::label(lang, "cli.events_refused_by_the_server"),
                v.refused.len()
            );
            for r in v.refused {
                println!(
                    "  {}  {}  {}  {}: {}",
                    r.event_id,
                    r.kind,
                    r.job_id.as_deref().unwrap_or("-"),
                    r.refused_at,
                    r.reason
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        OutboxCommand::Retry { event, all: _ } => {
            let r = books
                .outbox_retry(&RetryRequest { event, operator })
                .map_err(|e| failed(e, lang))?;
            println!(
                "{}: {}",
                crate::messages::label(lang, "cli.events_back_in_the_delivery"),
                r.count
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
