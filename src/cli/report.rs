//! `cetak report bast|spoilage|stock`: the official reports, written to a file (PDF or CSV).
//!
//! The command reads the journal itself, read-only (no daemon needed, and none disturbed): it
//! needs read access to the data folder, so it is for root and the service user. Root reads as
//! the folder's owner, so SQLite's shared-memory file is never left owned by root. Operators
//! get the same reports from the daemon's HTTP listener (`GET /reports/…`) once that exists;
//! see `docs/reports.md`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use crate::config::Config;
use crate::journal::Journal;
use crate::messages::{MessageText as _, Plain};
use crate::report::{local_today, Format, Lang, Official, Period, ReportError};

/// `cetak report …`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(subcommand)]
    cmd: ReportCommand,
    #[command(flatten)]
    config: super::station::ConfigArg,
}

/// Which report.
#[derive(Debug, Subcommand)]
enum ReportCommand {
    /// Berita acara serah terima satu batch / handover record (BAST) of one batch.
    Bast {
        /// Batch id (the jobs' `batch.id`).
        #[arg(long)]
        batch: String,
        /// Date of the handover (default: today); it is part of the BAST number.
        #[arg(long)]
        date: Option<NaiveDate>,
        /// PIHAK KEDUA: name (left as dotted lines to fill in by hand when absent).
        #[arg(long)]
        receiver_name: Option<String>,
        /// PIHAK KEDUA: NIP.
        #[arg(long)]
        receiver_nip: Option<String>,
        /// PIHAK KEDUA: position, e.g. `Operator Sekolah SDN 1`.
        #[arg(long)]
        receiver_position: Option<String>,
        #[command(flatten)]
        out: OutArgs,
    },
    /// Blangko rusak per hari atau periode / spoiled blangko of a day or a period.
    Spoilage {
        #[command(flatten)]
        days: Days,
        #[command(flatten)]
        out: OutArgs,
    },
    /// Mutasi dan saldo blangko / blangko movements and balances of a period.
    Stock {
        /// First day (local).
        #[arg(long)]
        from: NaiveDate,
        /// Last day (local), inclusive.
        #[arg(long)]
        to: NaiveDate,
        #[command(flatten)]
        out: OutArgs,
    },
}

/// `--date D` or `--from D --to D`.
#[derive(Debug, Args)]
struct Days {
    /// One day (local).
    #[arg(long, conflicts_with_all = ["from", "to"], required_unless_present = "from")]
    date: Option<NaiveDate>,
    /// First day of a period (local).
    #[arg(long, requires = "to")]
    from: Option<NaiveDate>,
    /// Last day of a period (local), inclusive.
    #[arg(long, requires = "from")]
    to: Option<NaiveDate>,
}

/// Where the report goes.
#[derive(Debug, Args)]
struct OutArgs {
    /// Output file (default: a name made from the report and its dates, in this folder).
    #[arg(long)]
    out: Option<PathBuf>,
    /// pdf or csv (default: from the file's extension, else pdf).
    #[arg(long, value_enum)]
    format: Option<Format>,
}

impl OutArgs {
    fn resolve(&self, default_stem: &str) -> (PathBuf, Format) {
        let format = self.format.unwrap_or_else(|| {
            match self
                .out
                .as_ref()
                .and_then(|p| p.extension())
                .and_then(|e| e.to_str())
            {
                Some(e) if e.eq_ignore_ascii_case("csv") => Format::Csv,
                _ => Format::Pdf,
            }
        });
        let path = self.out.clone().unwrap_or_else(|| {
            let ext = match format {
                Format::Pdf => "pdf",
                Format::Csv => "csv",
            };
            PathBuf::from(format!("{default_stem}.{ext}"))
        });
        (path, format)
    }
}

/// Runs `cetak report …`.
pub fn run(args: ReportArgs, lang: Lang) -> ExitCode {
    match run_inner(args, lang) {
        Ok(path) => {
            let m = Plain::new("cli.report_written").with("path", path.display());
            println!("{}", m.message(lang));
            ExitCode::SUCCESS
        }
        Err(m) => {
            let m = Plain::new("cli.failed").with_message("reason", &m);
            eprintln!("{}", m.message(lang));
            ExitCode::FAILURE
        }
    }
}

fn run_inner(args: ReportArgs, lang: Lang) -> Result<PathBuf, Plain> {
    let cfg = Config::load(&args.config.config).map_err(|e| Plain::of(&e))?;
    let rc = cfg.report.clone();
    let offset = rc.utc_offset_minutes;
    let station = cfg.station.id.clone();
    let journal_path = crate::daemon::journal_path(&cfg.station.data_dir);
    let fail = |e: ReportError| Plain::of(&e);
    let (path, bytes) = with_journal(&journal_path, |j| match &args.cmd {
        ReportCommand::Bast {
            batch,
            date,
            receiver_name,
            receiver_nip,
            receiver_position,
            out,
        } => {
            let date = date.unwrap_or_else(|| local_today(offset));
            let receiver = Official {
                name: receiver_name.clone().unwrap_or_default(),
                nip: receiver_nip.clone().unwrap_or_default(),
                position: receiver_position.clone().unwrap_or_default(),
            };
            let b = crate::report::bast::build(j, &rc, batch, date, receiver)?;
            let (path, format) = out.resolve(&format!("bast-{batch}-{date}"));
            let bytes = match format {
                Format::Pdf => crate::report::bast::pdf(&b, &rc)?,
                Format::Csv => crate::report::bast::csv(&b, lang).into_bytes(),
            };
            Ok((path, bytes))
        }
        ReportCommand::Spoilage { days, out } => {
            let (from, to) = match (days.date, days.from, days.to) {
                (Some(d), _, _) => (d, d),
                (None, Some(f), Some(t)) => (f, t),
                _ => return Err(ReportError::DaysMissing),
            };
            let period = Period::new(from, to, offset)?;
            let s = crate::report::spoilage::build(j, &station, period)?;
            let stem = if from == to {
                format!("blangko-rusak-{from}")
            } else {
                format!("blangko-rusak-{from}-{to}")
            };
            let (path, format) = out.resolve(&stem);
            let bytes = match format {
                Format::Pdf => crate::report::spoilage::pdf(&s, &rc)?,
                Format::Csv => crate::report::spoilage::csv(&s, lang).into_bytes(),
            };
            Ok((path, bytes))
        }
        ReportCommand::Stock { from, to, out } => {
            let period = Period::new(*from, *to, offset)?;
            let s = crate::report::stock::build(j, &station, period)?;
            let (path, format) = out.resolve(&format!("stok-blangko-{from}-{to}"));
            let bytes = match format {
                Format::Pdf => crate::report::stock::pdf(&s, &rc)?,
                Format::Csv => crate::report::stock::csv(&s, lang).into_bytes(),
            };
            Ok((path, bytes))
        }
    })
    .map_err(fail)?;
    std::fs::write(&path, bytes).map_err(|source| {
        fail(ReportError::Io {
            path: path.display().to_string(),
            source,
        })
    })?;
    Ok(path)
}

/// Opens the journal read-only (as the data folder's owner when run by root), runs `f`, closes
/// it, and gives root its ids back before anything is written.
fn with_journal<T>(
    path: &Path,
    f: impl FnOnce(&Journal) -> Result<T, ReportError>,
) -> Result<T, ReportError> {
    use std::os::unix::fs::MetadataExt;
    let dir = path.parent().unwrap_or(Path::new("."));
    let meta = std::fs::metadata(path).map_err(|source| ReportError::JournalUnavailable {
        path: path.display().to_string(),
        source,
    })?;
    let as_owner = nix::unistd::geteuid().is_root() && meta.uid() != 0;
    if as_owner {
        read_as(meta.uid(), meta.gid()).map_err(|e| ReportError::NotOwner {
            dir: dir.display().to_string(),
            source: e.into(),
        })?;
    }
    let r = Journal::open_read_only(path)
        .map_err(ReportError::from)
        .and_then(|j| f(&j));
    if as_owner {
        let _ = nix::unistd::seteuid(nix::unistd::Uid::from_raw(0));
        let _ = nix::unistd::setegid(nix::unistd::Gid::from_raw(0));
    }
    r
}

fn read_as(uid: u32, gid: u32) -> nix::Result<()> {
    use nix::unistd::{setegid, seteuid, Gid, Uid};
    setegid(Gid::from_raw(gid))?;
    seteuid(Uid::from_raw(uid))
}
