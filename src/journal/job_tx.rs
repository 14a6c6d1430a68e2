//! A job row inside a write transaction: loading it, its one checked transition with the
//! history row, and the in-transaction steps several public modules share (printed, spoiled).
//! The lowest module of the job transitions: `jobs`, `doubt`, `lease`, `intake`, `records` and
//! `writeoff` build on it; it calls none of them, so the journal's modules form no loop.

use rusqlite::{params, OptionalExtension};
use serde_json::{json, Map, Value};

use super::error::{JournalError, Result};
use super::ledger::{self, Location, Movement, MovementKind};
use super::outbox;
use super::state::{expected_list, JobState, Step};
use super::types::{Actor, BlangkoType, SpoilCategory};
use super::Tx;

/// Chip identifiers read during encoding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChipInfo {
    /// Answer-to-reset, hex.
    pub atr: String,
    /// Chip UID, hex.
    pub uid: String,
}

/// What the printer and encoder said about a printed card.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrintedInfo {
    /// Card (blangko) serial, if the printer or the chip reports one.
    pub card_serial: Option<String>,
    /// Printer serial number.
    pub printer_serial: Option<String>,
}

/// The columns a transition needs.
pub(crate) struct JobRow {
    pub job_id: String,
    pub blangko_type: Option<BlangkoType>,
    pub state: JobState,
    pub attempt: u32,
    /// Attempts before the last write-off, which do not count against the limit.
    pub attempt_base: u32,
    pub printer_id: Option<String>,
    pub needs_chip: bool,
}

/// Optional details written into the history row.
#[derive(Default)]
pub(crate) struct StepInfo<'a> {
    pub printer_serial: Option<&'a str>,
    pub card_serial: Option<&'a str>,
    pub chip: Option<&'a ChipInfo>,
    pub category: Option<SpoilCategory>,
    pub reason: Option<&'a str>,
}

pub(crate) fn corrupt(id: &str, detail: String) -> JournalError {
    JournalError::Corrupt {
        table: "jobs",
        id: id.to_string(),
        detail,
    }
}

pub(crate) fn load(conn: &rusqlite::Connection, job_id: &str) -> Result<JobRow> {
    /// Columns as stored, parsed below.
    struct Raw {
        t: Option<String>,
        state: String,
        attempt: i64,
        attempt_base: i64,
        printer_id: Option<String>,
        needs_chip: bool,
    }
    let raw = conn
        .prepare_cached(
            "SELECT blangko_type, state, attempt, printer_id, needs_chip, attempt_base FROM jobs
             WHERE job_id = ?1",
        )?
        .query_row([job_id], |r| {
            Ok(Raw {
                t: r.get(0)?,
                state: r.get(1)?,
                attempt: r.get(2)?,
                printer_id: r.get(3)?,
                needs_chip: r.get(4)?,
                attempt_base: r.get(5)?,
            })
        })
        .optional()?
        .ok_or_else(|| JournalError::UnknownJob(job_id.to_string()))?;
    Ok(JobRow {
        job_id: job_id.to_string(),
        blangko_type: raw
            .t
            .map(|t| t.parse())
            .transpose()
            .map_err(|e: JournalError| corrupt(job_id, e.to_string()))?,
        state: raw
            .state
            .parse()
            .map_err(|e: JournalError| corrupt(job_id, e.to_string()))?,
        attempt: u32::try_from(raw.attempt).map_err(|_| corrupt(job_id, "attempt".into()))?,
        attempt_base: u32::try_from(raw.attempt_base)
            .map_err(|_| corrupt(job_id, "attempt_base".into()))?,
        printer_id: raw.printer_id,
        needs_chip: raw.needs_chip,
    })
}

/// Writes one history row.
pub(crate) fn history(
    tx: &Tx<'_>,
    job: &JobRow,
    step: &str,
    from: Option<JobState>,
    to: JobState,
    info: &StepInfo<'_>,
    actor: &Actor,
) -> Result<()> {
    tx.tx
        .prepare_cached(
            "INSERT INTO job_events (job_id, at, step, from_state, to_state, attempt, printer_id,
                 printer_serial, card_serial, chip_atr, chip_uid, operator, spoil_category, reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?
        .execute(params![
            job.job_id,
            tx.now.0,
            step,
            from.map(|s| s.code()),
            to.code(),
            job.attempt,
            job.printer_id,
            info.printer_serial,
            info.card_serial,
            info.chip.map(|c| c.atr.as_str()),
            info.chip.map(|c| c.uid.as_str()),
            actor.id,
            info.category.map(|c| c.code()),
            info.reason,
        ])?;
    Ok(())
}

/// Refuses `step` if the job's state does not allow it ("expected X, got Y").
pub(crate) fn check_step(job: &JobRow, step: Step) -> Result<JobState> {
    job.state
        .after(step)
        .map_err(|expected| JournalError::IllegalTransition {
            job: job.job_id.clone(),
            event: step.name(),
            expected: expected_list(expected),
            got: job.state,
        })
}

/// Checks `step` against the job's state, then writes the new state and the history row.
pub(crate) fn transition(
    tx: &Tx<'_>,
    job: &mut JobRow,
    step: Step,
    info: &StepInfo<'_>,
    actor: &Actor,
) -> Result<JobState> {
    let from = job.state;
    let to = check_step(job, step)?;
    job.state = to;
    history(tx, job, step.name(), Some(from), to, info, actor)?;
    tx.tx
        .prepare_cached(
            "UPDATE jobs SET state = ?2, attempt = ?3, printer_id = ?4, updated_at = ?5,
                 reason = COALESCE(?6, reason), attempt_base = ?7
             WHERE job_id = ?1",
        )?
        .execute(params![
            job.job_id,
            to.code(),
            job.attempt,
            job.printer_id,
            tx.now.0,
            info.reason,
            job.attempt_base
        ])?;
    Ok(to)
}

pub(crate) fn body(pairs: Value) -> Map<String, Value> {
    match pairs {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

pub(crate) fn bound_printer(job: &JobRow) -> Result<(String, BlangkoType)> {
    match (&job.printer_id, job.blangko_type) {
        (Some(p), Some(t)) => Ok((p.clone(), t)),
        _ => Err(corrupt(
            &job.job_id,
            format!("state {} without printer or blangko type", job.state),
        )),
    }
}

/// printing/in_doubt → printed: the bound blangko is consumed.
pub(crate) fn printed_in_tx(
    tx: &Tx<'_>,
    job: &mut JobRow,
    step: Step,
    info: &PrintedInfo,
    actor: &Actor,
) -> Result<()> {
    check_step(job, step)?;
    let (printer, t) = bound_printer(job)?;
    let step_info = StepInfo {
        printer_serial: info.printer_serial.as_deref(),
        card_serial: info.card_serial.as_deref(),
        ..StepInfo::default()
    };
    transition(tx, job, step, &step_info, actor)?;
    ledger::record(
        tx,
        Movement {
            kind: MovementKind::Consumed,
            blangko_type: t,
            count: 1,
            from: Location::InPrinter(printer.clone()),
            to: Location::Consumed,
            job_id: Some(&job.job_id),
            lot: None,
            category: None,
            note: None,
            actor,
        },
    )?;
    let chip: Option<(String, String)> = tx
        .tx
        .prepare_cached(
            "SELECT chip_atr, chip_uid FROM job_events WHERE job_id = ?1 AND chip_uid IS NOT NULL
             ORDER BY id DESC LIMIT 1",
        )?
        .query_row([&job.job_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    // When this attempt's blangko was fed: the card's production start, for the server.
    let started_at: Option<i64> = tx
        .tx
        .prepare_cached(
            "SELECT at FROM job_events WHERE job_id = ?1 AND step = 'feed' ORDER BY id DESC LIMIT 1",
        )?
        .query_row([&job.job_id], |r| r.get(0))
        .optional()?;
    outbox::push(
        tx,
        Some(&job.job_id),
        "printed",
        body(json!({
            "started_at": started_at.map(|t| super::types::Timestamp(t).to_string()),
            "finished_at": tx.now.to_string(),
            "attempt": job.attempt,
            "printer": printer,
            "printer_serial": info.printer_serial,
            "card_serial": info.card_serial,
            "chip_atr": chip.as_ref().map(|c| &c.0),
            "chip_uid": chip.as_ref().map(|c| &c.1),
            "operator": actor.id,
        })),
    )?;
    ready_for_pickup(tx, &job.job_id)?;
    Ok(())
}

/// feeding/encoding/printing/in_doubt → spoiled → queued (new blangko) or failed (limit).
pub(crate) fn spoil_in_tx(
    tx: &Tx<'_>,
    job: &mut JobRow,
    category: SpoilCategory,
    note: &str,
    actor: &Actor,
) -> Result<JobState> {
    check_step(job, Step::Spoil)?;
    let (printer, t) = bound_printer(job)?;
    // The card's number goes into the history, for the spoilage report (berita acara).
    let card_serial: Option<String> = tx
        .tx
        .prepare_cached("SELECT card_serial FROM jobs WHERE job_id = ?1")?
        .query_row([&job.job_id], |r| r.get(0))?;
    let info = StepInfo {
        category: Some(category),
        reason: Some(note),
        card_serial: card_serial.as_deref(),
        ..StepInfo::default()
    };
    transition(tx, job, Step::Spoil, &info, actor)?;
    ledger::record(
        tx,
        Movement {
            kind: MovementKind::Spoiled,
            blangko_type: t,
            count: 1,
            from: Location::InPrinter(printer.clone()),
            to: Location::Spoiled,
            job_id: Some(&job.job_id),
            lot: None,
            category: Some(category),
            note: Some(note),
            actor,
        },
    )?;
    let give_up = job.attempt.saturating_sub(job.attempt_base) >= tx.max_attempts;
    job.printer_id = None;
    let next = if give_up {
        let reason = format!("attempt limit {} reached", tx.max_attempts);
        let info = StepInfo {
            reason: Some(&reason),
            ..StepInfo::default()
        };
        transition(tx, job, Step::Fail, &info, actor)?
    } else {
        transition(tx, job, Step::Requeue, &StepInfo::default(), actor)?
    };
    outbox::push(
        tx,
        Some(&job.job_id),
        "spoiled",
        body(json!({
            "attempt": job.attempt,
            "printer": printer,
            "category": category.code(),
            "note": note,
            "next_state": next.code(),
            "operator": actor.id,
        })),
    )?;
    if give_up {
        outbox::push(
            tx,
            Some(&job.job_id),
            "failed",
            body(json!({ "attempt": job.attempt, "reason": "attempt limit reached" })),
        )?;
    }
    Ok(next)
}

/// With every `printed` (by the worker or an operator's doubt resolution): the
/// `ready_for_pickup` event, so the server can notify the applicant (seeds 000, 001: an SMS
/// or the app says the card can be collected). It says whether the pickup code will be asked
/// for and the batch, if any (a school batch is collected by the school).
pub(crate) fn ready_for_pickup(tx: &Tx<'_>, job_id: &str) -> Result<()> {
    let (has_code, batch): (bool, Option<String>) = tx
        .tx
        .prepare_cached(
            "SELECT pickup_code_hash IS NOT NULL, batch_id FROM jobs WHERE job_id = ?1",
        )?
        .query_row([job_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    outbox::push(
        tx,
        Some(job_id),
        "ready_for_pickup",
        serde_json::Map::from_iter([
            ("pickup_code_required".to_string(), json!(has_code)),
            ("batch_id".to_string(), json!(batch)),
        ]),
    )?;
    Ok(())
}
