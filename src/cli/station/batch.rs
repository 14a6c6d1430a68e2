//! `cetak batch list` and `cetak batch show ID`: the batches of the collective programmes
//! (e.g. one school each) with their figures, through the daemon like `cetak doubt list`.

use std::process::ExitCode;

use clap::Subcommand;

use super::{failed, Remote};
use crate::cli::Lang;
use crate::journal::BatchFigures;
use crate::messages::label;

/// `cetak batch …`.
#[derive(Debug, Subcommand)]
pub enum BatchCommand {
    /// Daftar batch / list batches, the most recently started first.
    List {
        /// JSON instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// Rincian satu batch / one batch's figures.
    Show {
        /// Batch id.
        batch: String,
        /// JSON instead of the table.
        #[arg(long)]
        json: bool,
    },
}

/// Runs `cetak batch`.
pub fn batch(cmd: BatchCommand, books: &mut Remote, lang: Lang) -> Result<ExitCode, String> {
    match cmd {
        BatchCommand::List { json } => {
            let list = books.batch_list().map_err(|e| failed(e, lang))?;
            if json {
                return print_json(&list);
            }
            if list.is_empty() {
                println!("{}", label(lang, "cli.batch.none"));
                return Ok(ExitCode::SUCCESS);
            }
            let cols = [
                "cli.batch.total",
                "cli.batch.boys",
                "cli.batch.girls",
                "cli.batch.printed",
                "cli.batch.spoiled",
                "cli.batch.waiting",
                "cli.batch.handed_over",
            ];
            print!(
                "{:<24} {:<30}",
                label(lang, "cli.batch.id"),
                label(lang, "cli.batch.name")
            );
            for c in cols {
                print!(" {:>10}", label(lang, c));
            }
            println!();
            for b in &list {
                print!(
                    "{:<24} {:<30}",
                    b.batch_id,
                    b.name.as_deref().unwrap_or("-")
                );
                for n in [
                    b.total,
                    b.boys,
                    b.girls,
                    b.printed,
                    b.spoiled,
                    b.waiting,
                    b.handed_over,
                ] {
                    print!(" {n:>10}");
                }
                println!();
            }
            Ok(ExitCode::SUCCESS)
        }
        BatchCommand::Show { batch, json } => {
            let b = books.batch_show(&batch).map_err(|e| failed(e, lang))?;
            if json {
                return print_json(&b);
            }
            print_one(&b, lang);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<ExitCode, String> {
    println!(
        "{}",
        serde_json::to_string_pretty(v).map_err(|e| e.to_string())?
    );
    Ok(ExitCode::SUCCESS)
}

fn print_one(b: &BatchFigures, lang: Lang) {
    let text = |code: &'static str, value: String| {
        println!("{:<28} {value}", format!("{}:", label(lang, code)));
    };
    text("cli.batch.id", b.batch_id.clone());
    text(
        "cli.batch.name",
        b.name.clone().unwrap_or_else(|| "-".into()),
    );
    text(
        "cli.batch.programme",
        b.programme
            .clone()
            .unwrap_or_else(|| label(lang, "cli.batch.station_policy").into()),
    );
    let rows: [(&'static str, u64); 12] = [
        ("cli.batch.total", b.total),
        ("cli.batch.boys", b.boys),
        ("cli.batch.girls", b.girls),
        ("cli.batch.sex_unknown", b.sex_unknown),
        ("cli.batch.printed", b.printed),
        ("cli.batch.handed_over", b.handed_over),
        ("cli.batch.spoiled", b.spoiled),
        ("cli.batch.waiting", b.waiting),
        ("cli.batch.failed", b.failed),
        ("cli.batch.rejected", b.rejected),
        ("cli.batch.cancelled", b.cancelled),
        ("cli.batch.left", b.total.saturating_sub(b.printed)),
    ];
    for (code, n) in rows {
        if n > 0
            || matches!(
                code,
                "cli.batch.total" | "cli.batch.printed" | "cli.batch.waiting"
            )
        {
            text(code, n.to_string());
        }
    }
}
