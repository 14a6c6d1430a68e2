//! Station subcommands: `daemon`, `submit`, `stock`, `doubt`, `audit`, `demo`. Output is for
//! the operator, in Bahasa Indonesia unless `--lang en`; every failure exits non-zero.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};

mod stock;

pub use stock::print_stock;

use crate::cli::Lang;
use crate::config::Config;
use crate::daemon::{self, Spool};
use crate::journal::{Actor, BlangkoType, DoubtResolution, Journal, SpoilCategory, StockPlace};

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
    },
    /// Buku stok blangko / the blangko ledger.
    Stock {
        #[command(subcommand)]
        cmd: StockCommand,
        #[command(flatten)]
        config: ConfigArg,
        #[command(flatten)]
        who: OperatorArg,
    },
    /// Job yang diragukan / jobs in doubt after a crash or a lost printer.
    Doubt {
        #[command(subcommand)]
        cmd: DoubtCommand,
        #[command(flatten)]
        config: ConfigArg,
        #[command(flatten)]
        who: OperatorArg,
    },
    /// Event untuk server / events for the server: backlog, and those the server refused.
    Outbox {
        #[command(subcommand)]
        cmd: OutboxCommand,
        #[command(flatten)]
        config: ConfigArg,
        #[command(flatten)]
        who: OperatorArg,
    },
    /// Jejak audit / the hash-chained audit trail.
    Audit {
        #[command(subcommand)]
        cmd: AuditCommand,
        #[command(flatten)]
        config: ConfigArg,
    },
    /// Demo lengkap dengan printer emulasi / full demo on emulated printers.
    Demo(crate::daemon::demo::DemoArgs),
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

/// Who is acting.
#[derive(Debug, Args)]
pub struct OperatorArg {
    /// Operator id (default: $USER).
    #[arg(long, global = true)]
    pub operator: Option<String>,
    /// Act as an administrator (needed for `stock adjust`).
    #[arg(long, global = true)]
    pub admin: bool,
}

impl OperatorArg {
    fn actor(&self) -> Actor {
        let id = self
            .operator
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "operator".into());
        if self.admin {
            Actor::admin(id)
        } else {
            Actor::operator(id)
        }
    }
}

/// Where blangko are taken from by hand.
#[derive(Debug, Args)]
pub struct PlaceArg {
    /// Printer whose feeder (default: the store).
    #[arg(long)]
    pub printer: Option<String>,
}

impl PlaceArg {
    fn place(&self) -> StockPlace {
        match &self.printer {
            Some(p) => StockPlace::Feeder(p.clone()),
            None => StockPlace::Store,
        }
    }
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
    /// Kirim ulang event yang ditolak (admin) / send refused events again (administrators).
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
    match lang {
        Lang::Id => state.label_id(),
        Lang::En => state.label_en(),
    }
}

pub(super) fn t<'a>(lang: Lang, id: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Id => id,
        Lang::En => en,
    }
}

/// Runs a station command.
pub fn run(cmd: StationCommand, lang: Lang) -> ExitCode {
    match run_inner(cmd, lang) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("{}: {msg}", t(lang, "gagal", "failed"));
            ExitCode::FAILURE
        }
    }
}

/// Loads and checks the configuration; the message names the line and key, in `lang`.
fn load_config(path: &Path, lang: Lang) -> Result<Config, String> {
    Config::load(path).map_err(|e| lang.pick(e.message_id(), e.message_en()))
}

fn open(config: &ConfigArg, lang: Lang) -> Result<(Config, Journal), String> {
    let cfg = load_config(&config.config, lang)?;
    let j = daemon::open_journal(&cfg).map_err(|e| e.to_string())?;
    Ok((cfg, j))
}

fn run_inner(cmd: StationCommand, lang: Lang) -> Result<ExitCode, String> {
    match cmd {
        StationCommand::Daemon(c) => {
            let cfg = load_config(&c.config, lang)?;
            let options =
                daemon::StationOptions::with_pcsc_encoders(&cfg, crate::chip_content::chip_content)
                    .map_err(|e| e.to_string())?;
            daemon::run::run_daemon(&cfg, options).map_err(|e| e.to_string())?;
            Ok(ExitCode::SUCCESS)
        }
        StationCommand::Submit { job, config } => {
            let cfg = load_config(&config.config, lang)?;
            let spool = Spool::open_for(&cfg).map_err(|e| e.to_string())?;
            let jl = match lang {
                Lang::Id => crate::job::Lang::Id,
                Lang::En => crate::job::Lang::En,
            };
            let id = spool
                .submit(&job, &daemon::validation_policy(&cfg), jl)
                .map_err(|e| e.to_string())?;
            println!("{} {id}", t(lang, "job masuk spool:", "job spooled:"));
            Ok(ExitCode::SUCCESS)
        }
        StationCommand::Stock { cmd, config, who } => {
            let (cfg, mut j) = open(&config, lang)?;
            let code = stock::stock(cmd, &cfg, &mut j, &who.actor(), lang)?;
            // Low-stock alerts follow the movement at once (the daemon re-checks too).
            if let Err(e) = j.low_stock_check(&daemon::stock_thresholds(&cfg)) {
                eprintln!(
                    "{}: {e}",
                    t(lang, "cek stok menipis gagal", "low-stock check failed")
                );
            }
            Ok(code)
        }
        StationCommand::Doubt { cmd, config, who } => {
            let (_, mut j) = open(&config, lang)?;
            doubt(cmd, &mut j, &who.actor(), lang)
        }
        StationCommand::Outbox { cmd, config, who } => {
            let (_, mut j) = open(&config, lang)?;
            outbox(cmd, &mut j, &who.actor(), lang)
        }
        StationCommand::Audit { cmd, config } => {
            let (_, j) = open(&config, lang)?;
            match cmd {
                AuditCommand::Verify => {
                    let r = j.audit_verify().map_err(|e| e.to_string())?;
                    if let Some(p) = &r.problem {
                        println!(
                            "{} {}: {}",
                            t(
                                lang,
                                "JEJAK AUDIT RUSAK pada baris",
                                "AUDIT TRAIL BROKEN at row"
                            ),
                            p.row_id,
                            p.what
                        );
                        return Ok(ExitCode::FAILURE);
                    }
                    println!(
                        "{} ({} {}, head {})",
                        t(lang, "jejak audit utuh", "audit trail intact"),
                        r.rows,
                        t(lang, "baris", "rows"),
                        r.head
                    );
                    Ok(ExitCode::SUCCESS)
                }
            }
        }
        StationCommand::Demo(args) => {
            let summary = crate::daemon::demo::run_demo(&args, lang).map_err(|e| e.to_string())?;
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
    j: &mut Journal,
    actor: &Actor,
    lang: Lang,
) -> Result<ExitCode, String> {
    match cmd {
        DoubtCommand::List => {
            let list = j.doubt_list().map_err(|e| e.to_string())?;
            if list.is_empty() {
                println!("{}", t(lang, "tidak ada job diragukan", "no job in doubt"));
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
                    t(lang, "percobaan", "attempt"),
                    d.attempt,
                    d.was
                        .map(|w| format!("{} {}  ", t(lang, "saat", "while"), state_label(w, lang)))
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
            let state = match (printed, spoiled) {
                (true, _) => j.doubt_resolve_printed(&job, card_serial.as_deref(), &note, actor),
                (false, Some(c)) => {
                    j.doubt_resolve(&job, DoubtResolution::Spoiled(c), &note, actor)
                }
                (false, None) => {
                    return Err(t(
                        lang,
                        "pilih --printed atau --spoiled",
                        "give --printed or --spoiled",
                    )
                    .into())
                }
            }
            .map_err(|e| e.to_string())?;
            println!("{job}: {}", state_label(state, lang));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn outbox(
    cmd: OutboxCommand,
    j: &mut Journal,
    actor: &Actor,
    lang: Lang,
) -> Result<ExitCode, String> {
    match cmd {
        OutboxCommand::Show => {
            let backlog = j.outbox_backlog().map_err(|e| e.to_string())?;
            let refused = j.outbox_refused().map_err(|e| e.to_string())?;
            println!(
                "{}: {backlog}",
                t(
                    lang,
                    "event menunggu dikirim",
                    "events waiting for delivery"
                )
            );
            println!(
                "{}: {}",
                t(lang, "event ditolak server", "events refused by the server"),
                refused.len()
            );
            for r in refused {
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
            let n = j
                .outbox_retry_refused(event.as_deref(), actor)
                .map_err(|e| e.to_string())?;
            println!(
                "{}: {n}",
                t(
                    lang,
                    "event dikembalikan ke antrean",
                    "events back in the delivery queue"
                )
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
