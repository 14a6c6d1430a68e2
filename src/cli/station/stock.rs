//! `cetak stock …`: the blangko ledger from the command line, including writing off a printed
//! card (perubahan elemen data).

use std::process::ExitCode;

use super::{t, StockCommand};
use crate::cli::Lang;
use crate::config::Config;
use crate::journal::{Actor, AfterWriteOff, Journal, StockReport};

pub(super) fn stock(
    cmd: StockCommand,
    cfg: &Config,
    j: &mut Journal,
    actor: &Actor,
    lang: Lang,
) -> Result<ExitCode, String> {
    let done = |n: i64| {
        println!("{} (#{n})", t(lang, "tercatat", "recorded"));
        Ok(ExitCode::SUCCESS)
    };
    let e = |e: crate::journal::JournalError| e.to_string();
    match cmd {
        StockCommand::Receive {
            blangko_type,
            count,
            lot,
            note,
        } => done(
            j.stock_receive(blangko_type, count, &lot, note.as_deref(), actor)
                .map_err(e)?,
        ),
        StockCommand::Load {
            printer,
            count,
            blangko_type,
        } => {
            let bt = match blangko_type {
                Some(b) => b,
                None => cfg
                    .printers
                    .iter()
                    .find(|p| p.id == printer)
                    .ok_or_else(|| {
                        format!(
                            "{} {printer:?}",
                            t(
                                lang,
                                "printer tidak ada di konfigurasi:",
                                "printer not in config:"
                            )
                        )
                    })?
                    .blangko
                    .parse()
                    .map_err(e)?,
            };
            done(j.stock_load(&printer, bt, count, actor).map_err(e)?)
        }
        StockCommand::Show => {
            print_stock(&j.stock_show().map_err(e)?, lang);
            Ok(ExitCode::SUCCESS)
        }
        StockCommand::Spoil {
            job: Some(job),
            category,
            note,
            replaced_by,
            ..
        } => {
            let after = match replaced_by {
                Some(new) => AfterWriteOff::SupersededBy(new),
                None => AfterWriteOff::Reprint,
            };
            let state = j
                .write_off_printed(&job, category, &note, &after, actor)
                .map_err(e)?;
            println!(
                "{job}: {} {} ({})",
                t(lang, "kartu dihapusbukukan, job", "card written off, job"),
                match lang {
                    Lang::Id => state.label_id(),
                    Lang::En => state.code(),
                },
                category.label_id()
            );
            Ok(ExitCode::SUCCESS)
        }
        StockCommand::Spoil {
            place,
            blangko_type,
            count,
            category,
            note,
            job: None,
            ..
        } => {
            let bt = blangko_type.ok_or_else(|| {
                t(
                    lang,
                    "--type atau --job wajib",
                    "--type or --job is required",
                )
                .to_string()
            })?;
            done(
                j.stock_spoil(&place.place(), bt, count, category, &note, actor)
                    .map_err(e)?,
            )
        }
        StockCommand::Return {
            place,
            blangko_type,
            count,
            note,
        } => done(
            j.stock_return(&place.place(), blangko_type, count, &note, actor)
                .map_err(e)?,
        ),
        StockCommand::Adjust {
            place,
            blangko_type,
            delta,
            reason,
        } => done(
            j.stock_adjust(&place.place(), blangko_type, delta, &reason, actor)
                .map_err(e)?,
        ),
        StockCommand::Verify => {
            let v = j.stock_verify().map_err(e)?;
            print_stock(&v.report, lang);
            if v.is_ok() {
                println!("{}", t(lang, "stok seimbang", "ledger balances"));
                Ok(ExitCode::SUCCESS)
            } else {
                for p in &v.problems {
                    println!("{}: {p}", t(lang, "MASALAH", "PROBLEM"));
                }
                Ok(ExitCode::FAILURE)
            }
        }
    }
}

/// Prints the stock figures as a small table.
pub fn print_stock(r: &StockReport, lang: Lang) {
    println!(
        "{:<8} {:>8} {:>7} {:>7} {:>7} {:>8} {:>9} {:>8} {:>9} {:>8}",
        t(lang, "jenis", "type"),
        t(lang, "diterima", "received"),
        t(lang, "koreksi", "adjust"),
        t(lang, "gudang", "store"),
        t(lang, "feeder", "feeders"),
        t(lang, "printer", "printers"),
        t(lang, "terpakai", "consumed"),
        t(lang, "rusak", "spoiled"),
        t(lang, "kembali", "returned"),
        t(lang, "selisih", "imbalance"),
    );
    for (bt, f) in &r.types {
        println!(
            "{:<8} {:>8} {:>7} {:>7} {:>7} {:>8} {:>9} {:>8} {:>9} {:>8}",
            bt.code(),
            f.received,
            f.adjustments,
            f.in_store,
            f.in_feeders,
            f.in_printers,
            f.consumed,
            f.spoiled,
            f.returned,
            f.imbalance()
        );
    }
    for f in &r.feeders {
        println!(
            "  feeder {} ({}): {}",
            f.printer_id,
            f.blangko_type.code(),
            f.count
        );
    }
}
