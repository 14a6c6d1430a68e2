//! `cetak stock …`: the blangko ledger from the command line, including writing off a printed
//! card (perubahan elemen data).

use std::process::ExitCode;

use super::{failed, FeederMove, PlaceArg, Remote, StockCommand};
use crate::cli::Lang;
use crate::daemon::control::{
    AdjustRequest, LoadRequest, MoveOutRequest, ReceiveRequest, Recorded, StockView,
    WriteOffRequest,
};
use crate::journal::{BlangkoType, SpoilCategory};

/// Runs `cetak stock …`: each subcommand is one request to the books; a movement prints its
/// number and who recorded it.
pub(super) fn stock(
    cmd: StockCommand,
    books: &mut Remote,
    operator: Option<String>,
    lang: Lang,
) -> Result<ExitCode, String> {
    use StockCommand as S;
    let recorded = match cmd {
        S::Show => {
            print_stock(&books.stock().map_err(|e| failed(e, lang))?, lang);
            return Ok(ExitCode::SUCCESS);
        }
        S::Verify => return verify(books, lang),
        S::Spoil {
            job: Some(job),
            category,
            note,
            replaced_by,
            ..
        } => return write_off(books, &job, category, note, replaced_by, operator, lang),
        S::Receive {
            blangko_type,
            count,
            lot,
            note,
        } => books.stock_receive(&ReceiveRequest {
            blangko_type: blangko_type.code().into(),
            count,
            lot,
            note,
            operator,
        }),
        S::Load(m) => books.stock_load(&feeder_move(m, operator)),
        S::Unload(m) => books.stock_unload(&feeder_move(m, operator)),
        S::Spoil {
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
            let out = move_out(place, bt, count, Some(category), note, operator);
            books.stock_spoil(&out)
        }
        S::Return {
            place,
            blangko_type,
            count,
            note,
        } => books.stock_return(&move_out(place, blangko_type, count, None, note, operator)),
        S::Adjust {
            place,
            blangko_type,
            delta,
            reason,
        } => books.stock_adjust(&AdjustRequest {
            printer: place.printer,
            blangko_type: blangko_type.code().into(),
            delta,
            reason,
            operator,
        }),
    };
    let r: Recorded = recorded.map_err(|e| failed(e, lang))?;
    println!(
        "{} (#{}, {})",
        crate::messages::label(lang, "cli.recorded"),
        r.movement,
        r.operator
    );
    Ok(ExitCode::SUCCESS)
}

fn feeder_move(m: FeederMove, operator: Option<String>) -> LoadRequest {
    LoadRequest {
        printer: m.printer,
        count: m.count,
        blangko_type: m.blangko_type.map(|b| b.code().into()),
        operator,
    }
}

/// Blangko leaving the store or a feeder (spoiled, returned to the province).
fn move_out(
    place: PlaceArg,
    blangko_type: BlangkoType,
    count: u32,
    category: Option<SpoilCategory>,
    note: String,
    operator: Option<String>,
) -> MoveOutRequest {
    MoveOutRequest {
        printer: place.printer,
        blangko_type: blangko_type.code().into(),
        count,
        category: category.map(|c| c.code().into()),
        note,
        operator,
    }
}

/// `cetak stock spoil --job`: a printed card written off before handover.
fn write_off(
    books: &mut Remote,
    job: &str,
    category: SpoilCategory,
    note: String,
    replaced_by: Option<String>,
    operator: Option<String>,
    lang: Lang,
) -> Result<ExitCode, String> {
    let request = WriteOffRequest {
        category: category.code().into(),
        note,
        replaced_by,
        operator,
    };
    let r = books
        .write_off(job, &request)
        .map_err(|e| failed(e, lang))?;
    let state = crate::cli::control::job_state_label(&r.state, lang);
    println!(
        "{job}: {} {state} ({})",
        crate::messages::label(lang, "cli.card_written_off_job"),
        category.label(lang)
    );
    Ok(ExitCode::SUCCESS)
}

/// `cetak stock verify`: the figures, then the ledger's problems (failing when there is one).
fn verify(books: &mut Remote, lang: Lang) -> Result<ExitCode, String> {
    let v = books.stock_verify().map_err(|e| failed(e, lang))?;
    print_stock(&v.report, lang);
    if v.problems.is_empty() {
        println!("{}", crate::messages::label(lang, "cli.ledger_balances"));
        return Ok(ExitCode::SUCCESS);
    }
    for p in &v.problems {
        println!(
            "{}: {}",
            crate::messages::label(lang, "cli.problem"),
            p.text(lang)
        );
    }
    Ok(ExitCode::FAILURE)
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
