//! `cetak import`, `cetak import-acks`, `cetak export`: offline bundles on a USB stick.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::station::ConfigArg;
use super::{fail, Lang};
use crate::bundle::{self, BundleError, ImportReport};
use crate::config::Config;
use crate::daemon::{self, intake::IntakeContext};

/// `cetak import FILE` / `cetak import-acks FILE`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Bundle file.
    pub file: PathBuf,
    #[command(flatten)]
    pub config: ConfigArg,
}

/// `cetak export FILE`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Bundle file to write (replaced atomically).
    pub file: PathBuf,
    #[command(flatten)]
    pub config: ConfigArg,
}

fn load(config: &ConfigArg) -> Result<(Config, crate::journal::Journal), (String, String)> {
    let cfg = Config::load(&config.config).map_err(|e| (e.message_id(), e.message_en()))?;
    let j = daemon::open_journal(&cfg).map_err(|e| (e.to_string(), e.to_string()))?;
    Ok((cfg, j))
}

fn read(path: &Path) -> Result<Vec<u8>, (String, String)> {
    use std::io::Read as _;
    let io = |e: std::io::Error| {
        let m = format!("{}: {e}", path.display());
        (m.clone(), m)
    };
    let f = std::fs::File::open(path).map_err(io)?;
    let size = f.metadata().map_err(io)?.len();
    if size > bundle::MAX_BUNDLE_BYTES {
        let e = bundle::BundleError::TooLarge {
            size,
            max: bundle::MAX_BUNDLE_BYTES,
        };
        return Err((e.message_id(), e.message_en()));
    }
    let mut bytes = Vec::new();
    f.take(bundle::MAX_BUNDLE_BYTES)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    Ok(bytes)
}

/// Runs `cetak import` (`acks_only` = `cetak import-acks`).
pub fn import(args: &ImportArgs, acks_only: bool, lang: Lang) -> ExitCode {
    match import_inner(args, acks_only) {
        Ok(r) => {
            print_report(&r, lang);
            if r.rejected.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            }
        }
        Err((id, en)) => fail(lang, id, en),
    }
}

fn import_inner(args: &ImportArgs, acks_only: bool) -> Result<ImportReport, (String, String)> {
    let (cfg, mut j) = load(&args.config)?;
    let ctx = IntakeContext::from_config(&cfg).map_err(|e| (e.to_string(), e.to_string()))?;
    let bytes = read(&args.file)?;
    let name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let allowed: &[&str] = if acks_only {
        &["acks", "jobs"]
    } else {
        &["jobs", "acks"]
    };
    let bytes = if acks_only {
        // Only the acknowledgements of the bundle are used.
        strip_jobs(&bytes).map_err(|e| (e.message_id(), e.message_en()))?
    } else {
        bytes
    };
    bundle::import(&mut j, &ctx, &cfg.station.id, &name, &bytes, allowed)
        .map_err(|e: BundleError| (e.message_id(), e.message_en()))
}

/// A checked copy of the bundle without its jobs.
fn strip_jobs(bytes: &[u8]) -> Result<Vec<u8>, BundleError> {
    let env = bundle::open(bytes)?;
    let mut content: bundle::Inbound = serde_json::from_str(&env.content)
        .map_err(|e| BundleError::Malformed(format!("content: {e}")))?;
    content.jobs.clear();
    let value =
        serde_json::to_value(&content).map_err(|e| BundleError::Malformed(e.to_string()))?;
    Ok(bundle::wrap(&env.kind, &env.station_id, &env.created_at, &value).into_bytes())
}

fn print_report(r: &ImportReport, lang: Lang) {
    println!(
        "{}",
        lang.pick(
            format!(
                "diimpor: {} baru, {} sudah ada, {} ditolak; {} event dikonfirmasi",
                r.queued.len(),
                r.duplicates.len(),
                r.rejected.len(),
                r.acked
            ),
            format!(
                "imported: {} new, {} already known, {} rejected; {} events acknowledged",
                r.queued.len(),
                r.duplicates.len(),
                r.rejected.len(),
                r.acked
            ),
        )
    );
    for (id, code, msg) in &r.rejected {
        println!(
            "{} {id} [{code}] {msg}",
            lang.pick("DITOLAK".into(), "REJECTED".into())
        );
    }
    for id in &r.unknown_acks {
        println!(
            "{} {id}",
            lang.pick(
                "konfirmasi untuk event yang tidak dikenal:".into(),
                "acknowledgement for an unknown event:".into()
            )
        );
    }
}

/// Runs `cetak export`.
pub fn export(args: &ExportArgs, lang: Lang) -> ExitCode {
    let run = || -> Result<usize, (String, String)> {
        let (cfg, j) = load(&args.config)?;
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let (text, n) = bundle::export(&j, &cfg.station.id, &now)
            .map_err(|e| (e.message_id(), e.message_en()))?;
        let io = |e: std::io::Error| {
            let m = format!("{}: {e}", args.file.display());
            (m.clone(), m)
        };
        let tmp = args.file.with_extension("tmp");
        std::fs::write(&tmp, text).map_err(io)?;
        std::fs::rename(&tmp, &args.file).map_err(io)?;
        Ok(n)
    };
    match run() {
        Ok(n) => {
            println!(
                "{}",
                lang.pick(
                    format!("diekspor: {n} event dan laporan stok"),
                    format!("exported: {n} events and the stock report"),
                )
            );
            ExitCode::SUCCESS
        }
        Err((id, en)) => fail(lang, id, en),
    }
}
