//! `cetak import`, `cetak import-acks`, `cetak export`: offline bundles on a USB stick. The
//! file is read and written here, as the calling user (the daemon cannot see a user's USB
//! stick); the journal work is done by the daemon (or `--offline`).

use crate::messages::MessageText as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::station::{failed, ConfigArg, OperatorArg, ViaArg};
use super::{fail, Lang};
use crate::bundle;
use crate::daemon::control::{ImportQuery, ImportView};

/// `cetak import FILE` / `cetak import-acks FILE`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Bundle file.
    pub file: PathBuf,
    #[command(flatten)]
    pub config: ConfigArg,
    #[command(flatten)]
    pub who: OperatorArg,
    #[command(flatten)]
    pub via: ViaArg,
}

/// `cetak export FILE`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Bundle file to write (replaced atomically).
    pub file: PathBuf,
    #[command(flatten)]
    pub config: ConfigArg,
    #[command(flatten)]
    pub via: ViaArg,
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
    match import_inner(args, acks_only, lang) {
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

fn import_inner(
    args: &ImportArgs,
    acks_only: bool,
    lang: Lang,
) -> Result<ImportView, (String, String)> {
    let same = |m: String| (m.clone(), m);
    // The file first, as the calling user (`--offline` as root works as the service user).
    let bytes = read(&args.file)?;
    let mut books = args.via.open(&args.config, lang).map_err(same)?;
    let name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let q = ImportQuery {
        name,
        acks_only,
        operator: args.who.operator.clone(),
    };
    books.import(&q, bytes).map_err(|e| same(failed(e, lang)))
}

fn print_report(r: &ImportView, lang: Lang) {
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
    for x in &r.rejected {
        println!(
            "{} {} [{}] {}",
            crate::messages::label(lang, "cli.rejected"),
            x.job_id,
            x.code,
            x.message
        );
    }
    for id in &r.unknown_acks {
        println!(
            "{} {id}",
            crate::messages::label(lang, "cli.acknowledgement_for_an_unknown_event")
        );
    }
}

/// Runs `cetak export`.
pub fn export(args: &ExportArgs, lang: Lang) -> ExitCode {
    let run = || -> Result<usize, (String, String)> {
        let same = |m: String| (m.clone(), m);
        let mut books = args.via.open(&args.config, lang).map_err(same)?;
        let v = books.export().map_err(|e| same(failed(e, lang)));
        // Closed before the file is written: `--offline` as root is root again.
        drop(books);
        let v = v?;
        let (text, n) = (v.bundle, v.events);
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
                crate::messages::say(
                    lang,
                    "cli.exported_n_events_and_the",
                    crate::messages::Args::new().with("n", n)
                )
            );
            ExitCode::SUCCESS
        }
        Err((id, en)) => fail(lang, id, en),
    }
}
