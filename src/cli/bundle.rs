//! `cetak import`, `cetak import-acks`, `cetak export`: offline bundles on a USB stick. The
//! file is read and written here, as the calling user (the daemon cannot see a user's USB
//! stick); the journal work is done by the daemon (or `--offline`).

use crate::messages::{file_error, MessageText as _, Plain};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::station::{failed, BooksArgs, ConfigArg, ViaArg};
use super::{fail, Lang};
use crate::bundle;
use crate::daemon::control::{ImportQuery, ImportView};

/// `cetak import FILE` / `cetak import-acks FILE`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Bundle file.
    pub file: PathBuf,
    #[command(flatten)]
    pub books: BooksArgs,
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

/// A failure of `import` / `export`: the CLI's own (a file), or one already in the
/// operator's language (the daemon's answer).
enum Failure {
    Message(Plain),
    Said(String),
}

impl Failure {
    fn print(self, lang: Lang) -> ExitCode {
        match self {
            Failure::Message(m) => fail(lang, &m),
            Failure::Said(s) => {
                let args = crate::messages::Args::new().with("reason", s);
                eprintln!("{}", crate::messages::say(lang, "cli.failed", args));
                ExitCode::FAILURE
            }
        }
    }
}

fn read(path: &Path) -> Result<Vec<u8>, Plain> {
    use std::io::Read as _;
    let io = |e: std::io::Error| file_error(path, &e);
    let f = std::fs::File::open(path).map_err(io)?;
    let size = f.metadata().map_err(io)?.len();
    if size > bundle::MAX_BUNDLE_BYTES {
        let e = bundle::BundleError::TooLarge {
            size,
            max: bundle::MAX_BUNDLE_BYTES,
        };
        return Err(Plain::of(&e));
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
        Err(f) => f.print(lang),
    }
}

fn import_inner(args: &ImportArgs, acks_only: bool, lang: Lang) -> Result<ImportView, Failure> {
    // The file first, as the calling user (`--offline` as root works as the service user).
    let bytes = read(&args.file).map_err(Failure::Message)?;
    let mut books = args.books.open(lang).map_err(Failure::Said)?;
    let name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let q = ImportQuery {
        name,
        acks_only,
        operator: args.books.operator(),
    };
    books
        .import(&q, bytes)
        .map_err(|e| Failure::Said(failed(e, lang)))
}

fn print_report(r: &ImportView, lang: Lang) {
    let m = Plain::new("cli.imported")
        .with("new", r.queued.len())
        .with("known", r.duplicates.len())
        .with("rejected", r.rejected.len())
        .with("acked", r.acked);
    println!("{}", m.message(lang));
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
    let run = || -> Result<usize, Failure> {
        let mut books = args.via.open(&args.config, lang).map_err(Failure::Said)?;
        let v = books.export().map_err(|e| Failure::Said(failed(e, lang)));
        // Closed before the file is written: `--offline` as root is root again.
        drop(books);
        let v = v?;
        let (text, n) = (v.bundle, v.events);
        let io = |e: std::io::Error| Failure::Message(file_error(&args.file, &e));
        let tmp = args.file.with_extension("tmp");
        std::fs::write(&tmp, text).map_err(io)?;
        std::fs::rename(&tmp, &args.file).map_err(io)?;
        Ok(n)
    };
    match run() {
        Ok(n) => {
            let m = Plain::new("cli.exported_n_events_and_the").with("n", n);
            println!("{}", m.message(lang));
            ExitCode::SUCCESS
        }
        Err(f) => f.print(lang),
    }
}
