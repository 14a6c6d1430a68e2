//! `cetak stock …`: the blangko ledger from the command line, including writing off a printed
//! card (perubahan elemen data).

use std::process::ExitCode;

use super::{failed, Remote, StockCommand};
use crate::cli::Lang;
use crate::daemon::control::{
    AdjustRequest, LoadRequest, MoveOutRequest, ReceiveRequest, Recorded, StockView,
    WriteOffRequest,
};

pub(super) fn stock(
    cmd: StockCommand,
    books: &mut Remote,
    operator: Option<String>,
    lang: Lang,
) -> Result<ExitCode, String> {
    let done = |r: Result<Recorded, _>| {
        let r = r.map_err(|e| failed(e, lang))?;
        println!(
            "{} (#{}, {})",
            crate::messages::label(lang, "cli.recorded"),
            r.movement,
            r.operator
        );
        Ok(ExitCode::SUCCESS)
    };
    match cmd {
        StockCommand::Receive {
            blangko_type,
            count,
            lot,
            note,
        } => done(books.stock_receive(&ReceiveRequest {
            blangko_type: blangko_type.code().into(),
            count,
            lot,
            note,
            operator,
        })),
        StockCommand::Load {
            printer,
            count,
            blangko_type,
        } => done(books.stock_load(&LoadRequest {
            printer,
            count,
            blangko_type: blangko_type.map(|b| b.code().into()),
            operator,
        })),
        StockCommand::Unload {
            printer,
            count,
            blangko_type,
        } => done(books.stock_unload(&LoadRequest {
            printer,
            count,
            blangko_type: blangko_type.map(|b| b.code().into()),
            operator,
        })),
        StockCommand::Show => {
            print_stock(&books.stock().map_err(|e| failed(e, lang))?, lang);
            Ok(ExitCode::SUCCESS)
        }
        StockCommand::Spoil {
            job: Some(job),
            category,
            note,
            replaced_by,
            ..
        } => {
            let r = books
                .write_off(
                    &job,
                    &WriteOffRequest {
                        category: category.code().into(),
                        note,
                        replaced_by,
                        operator,
                    },
                )
                .map_err(|e| failed(e, lang))?;
            println!(
                "{job}: {} {} ({})",
                crate::messages::label(lang, "cli.card_written_off_job"),
                match lang {
                    Lang::Id => r.state_id.as_str(),
                    Lang::En => r.state.as_str(),
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
                crate::messages::label(lang, "cli.type_or_job_is_required").to_string()
            })?;
            done(books.stock_spoil(&MoveOutRequest {
                printer: place.printer,
                blangko_type: bt.code().into(),
                count,
                category: Some(category.code().into()),
                note,
                operator,
            }))
        }
        StockCommand::Return {
            place,
            blangko_type,
            count,
            note,
        } => done(books.stock_return(&MoveOutRequest {
            printer: place.printer,
            blangko_type: blangko_type.code().into(),
            count,
            category: None,
            note,
            operator,
        })),
        StockCommand::Adjust {
            place,
            blangko_type,
            delta,
            reason,
        } => done(books.stock_adjust(&AdjustRequest {
            printer: place.printer,
            blangko_type: blangko_type.code().into(),
            delta,
            reason,
            operator,
        })),
        StockCommand::Verify => {
            let v = books.stock_verify().map_err(|e| failed(e, lang))?;
            print_stock(&v.report, lang);
            if v.problems.is_empty() {
                println!("{}", crate::messages::label(lang, "cli.ledger_balances"));
                Ok(ExitCode::SUCCESS)
            } else {
                for p in &v.problems {
                    println!("{}: {p}", crate::messages::label(lang, "cli.problem"));
                }
                Ok(ExitCode::FAILURE)
            }
        }
    }
}

/// Prints the stock figures as a small table.
pub fn print_stock(r: &StockView, lang: Lang) {
    println!(
        "{:<8} {:>8} {:>7} {:>7} {:>7} {:>8} {:>9} {:>8} {:>9} {:>8}",
        crate::messages::label(lang, "cli.type"),
        crate::messages::label(lang, "cli.received"),
        crate::messages::label(lang, "cli.adjust"),
        crate::messages::label(lang, "cli.store"),
        crate::messages::label(lang, "cli.feeders"),
        crate::messages::label(lang, "cli.printers_2"),
        crate::messages::label(lang, "cli.consumed"),
        crate::messages::label(lang, "cli.spoiled"),
        crate::messages::label(lang, "cli.returned"),
        crate::messages::label(lang, "cli.imbalance"),
    );
    for f in &r.types {
        println!(
            "{:<8} {:>8} {:>7} {:>7} {:>7} {:>8} {:>9} {:>8} {:>9} {:>8}",
            f.blangko_type,
            f.received,
            f.adjustments,
            f.in_store,
            f.in_feeders,
            f.in_printers,
            f.consumed,
            f.spoiled,
            f.returned,
            f.imbalance
        );
    }
    for f in &r.feeders {
        println!("  feeder {} ({}): {}", f.printer, f.blangko_type, f.count);
    }
}
