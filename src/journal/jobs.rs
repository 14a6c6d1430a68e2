//! Job transitions: each public method is one transaction holding the new state, the history
//! row, and — where relevant — the outbox event, the ledger movement and the audit row.

use rusqlite::{params, OptionalExtension};
use serde_json::{json, Map, Value};

use super::audit;
use super::error::{JournalError, Result};
use super::ledger::{self, Location, Movement, MovementKind};
use super::outbox;
use super::state::{expected_list, JobState, Step};
use super::types::{Actor, BlangkoType, SpoilCategory};
use super::{Journal, Tx};

pub use super::intake::{ClaimedJob, Enqueued, IntakeReport, NewJob, PrinterSlot, RejectedJob};

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

fn body(pairs: Value) -> Map<String, Value> {
    match pairs {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn bound_printer(job: &JobRow) -> Result<(String, BlangkoType)> {
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
    super::handover::ready_for_pickup(tx, &job.job_id)?;
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
    let info = StepInfo {
        category: Some(category),
        reason: Some(note),
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

impl Journal {
    fn with_job<T>(
        &mut self,
        job_id: &str,
        f: impl FnOnce(&Tx<'_>, &mut JobRow) -> Result<T>,
    ) -> Result<T> {
        let tx = self.write()?;
        let mut job = load(&tx.tx, job_id)?;
        let out = f(&tx, &mut job)?;
        tx.commit()?;
        Ok(out)
    }

    /// preparing → ready: the card layers are rendered.
    pub fn mark_ready(&mut self, job_id: &str) -> Result<()> {
        self.with_job(job_id, |tx, job| {
            transition(
                tx,
                job,
                Step::Rendered,
                &StepInfo::default(),
                &Actor::system(),
            )?;
            Ok(())
        })
    }

    /// preparing/ready → queued: the worker gives the job back before any blangko moved.
    pub fn release(&mut self, job_id: &str, reason: &str) -> Result<()> {
        self.with_job(job_id, |tx, job| {
            job.printer_id = None;
            let info = StepInfo {
                reason: Some(reason),
                ..StepInfo::default()
            };
            transition(tx, job, Step::Release, &info, &Actor::system())?;
            Ok(())
        })
    }

    /// ready → feeding: one blangko leaves the claiming printer's feeder and is bound to the
    /// job. Committed durably before returning: only then may the printer take the card.
    /// Refused (job stays ready) if the ledger says the feeder is empty. Returns the attempt.
    ///
    /// A job that never reached a printer and whose server lease has expired by the journal
    /// clock (or was lost) is refused with [`JournalError::LeaseLost`] and dropped in the same
    /// call (cancelled, `lease_lost`): the server may have given it to another station. The
    /// first feed makes the job this station's ("owned"): from then on its lease never
    /// refuses a feed (a requeue after a spoiled card keeps the ownership).
    pub fn feed(&mut self, job_id: &str, printer_serial: Option<&str>) -> Result<u32> {
        self.feed_checked(job_id, None, printer_serial)
    }

    /// [`Journal::feed`] by the worker of `printer`: refused as an illegal transition (job
    /// unchanged) when the job is ready for another printer, so a prepared copy overtaken by a
    /// newer one (lease lost, offered again, prepared elsewhere) never takes a blangko.
    pub fn feed_on(
        &mut self,
        printer: &str,
        job_id: &str,
        printer_serial: Option<&str>,
    ) -> Result<u32> {
        self.feed_checked(job_id, Some(printer), printer_serial)
    }

    fn feed_checked(
        &mut self,
        job_id: &str,
        printer: Option<&str>,
        printer_serial: Option<&str>,
    ) -> Result<u32> {
        let tx = self.write()?;
        let mut job = load(&tx.tx, job_id)?;
        // Check the state first so an illegal feed says "expected ready".
        check_step(&job, Step::Feed)?;
        if let Some(p) = printer {
            if job.printer_id.as_deref() != Some(p) {
                return Err(JournalError::IllegalTransition {
                    job: job.job_id.clone(),
                    event: Step::Feed.name(),
                    expected: format!("ready on {p}"),
                    got: job.state,
                });
            }
        }
        if super::lease::lease_forbids_feed(&tx, job_id)? {
            super::lease::drop_in_tx(&tx, &mut job, super::lease::LEASE_LOST)?;
            tx.commit()?;
            return Err(JournalError::LeaseLost {
                job: job_id.to_string(),
            });
        }
        let attempt = (|tx: &Tx<'_>, job: &mut JobRow| -> Result<u32> {
            let (printer, t) = bound_printer(job)?;
            ledger::record(
                tx,
                Movement {
                    kind: MovementKind::Fed,
                    blangko_type: t,
                    count: 1,
                    from: Location::Feeder(printer.clone()),
                    to: Location::InPrinter(printer.clone()),
                    job_id: Some(&job.job_id),
                    lot: None,
                    category: None,
                    note: None,
                    actor: &Actor::system(),
                },
            )?;
            job.attempt += 1;
            let info = StepInfo {
                printer_serial,
                ..StepInfo::default()
            };
            transition(tx, job, Step::Feed, &info, &Actor::system())?;
            // With its `printing` event the job becomes this station's for good (see
            // `lease.rs`); the card of this attempt is not known until the printer says.
            tx.tx
                .prepare_cached(
                    "UPDATE jobs SET owned_since = COALESCE(owned_since, ?2), card_serial = NULL
                     WHERE job_id = ?1",
                )?
                .execute(params![job.job_id, tx.now.0])?;
            outbox::push(
                tx,
                Some(&job.job_id),
                "printing",
                body(json!({
                    "attempt": job.attempt,
                    "printer": printer,
                    "printer_serial": printer_serial,
                })),
            )?;
            Ok(job.attempt)
        })(&tx, &mut job)?;
        tx.commit()?;
        Ok(attempt)
    }

    /// feeding → ready: the printer did not take the card (its feeder is empty: NACK `F` on
    /// the insert). The feed is undone in one transaction: the blangko goes back from
    /// `printer:P` to `feeder:P` in the ledger (movement `not_taken`, audited), the history
    /// says why, the server gets `requeued` (reason `feed_not_taken: …`), and the attempt
    /// number goes back (no blangko was used). The job stays ready on the same printer.
    pub fn feed_not_taken(&mut self, job_id: &str, note: &str) -> Result<()> {
        self.with_job(job_id, |tx, job| {
            check_step(job, Step::FeedNotTaken)?;
            let (printer, t) = bound_printer(job)?;
            let actor = Actor::system();
            ledger::record(
                tx,
                Movement {
                    kind: MovementKind::NotTaken,
                    blangko_type: t,
                    count: 1,
                    from: Location::InPrinter(printer.clone()),
                    to: Location::Feeder(printer.clone()),
                    job_id: Some(&job.job_id),
                    lot: None,
                    category: None,
                    note: Some(note),
                    actor: &actor,
                },
            )?;
            let info = StepInfo {
                reason: Some(note),
                ..StepInfo::default()
            };
            // The history row names the attempt that was not taken; the job then counts one
            // fewer, so the next feed has the same number.
            transition(tx, job, Step::FeedNotTaken, &info, &actor)?;
            let attempt = job.attempt;
            job.attempt = job.attempt.saturating_sub(1);
            tx.tx
                .prepare_cached("UPDATE jobs SET attempt = ?2 WHERE job_id = ?1")?
                .execute(params![job.job_id, job.attempt])?;
            outbox::push(
                tx,
                Some(&job.job_id),
                "requeued",
                body(json!({
                    "reason": format!("feed_not_taken: {note}"),
                    "attempt": attempt,
                })),
            )?;
            Ok(())
        })
    }

    /// feeding → encoding: chip personalisation starts.
    pub fn start_encoding(&mut self, job_id: &str) -> Result<()> {
        self.with_job(job_id, |tx, job| {
            transition(
                tx,
                job,
                Step::StartEncoding,
                &StepInfo::default(),
                &Actor::system(),
            )?;
            Ok(())
        })
    }

    /// feeding/encoding → printing. A chip job must pass through encoding and give its chip
    /// identifiers here.
    pub fn start_printing(&mut self, job_id: &str, chip: Option<&ChipInfo>) -> Result<()> {
        self.with_job(job_id, |tx, job| {
            if job.needs_chip && (job.state == JobState::Feeding || chip.is_none()) {
                return Err(JournalError::IllegalTransition {
                    job: job.job_id.clone(),
                    event: "start printing a chip job without chip identifiers",
                    expected: JobState::Encoding.code().into(),
                    got: job.state,
                });
            }
            let info = StepInfo {
                chip,
                ..StepInfo::default()
            };
            transition(tx, job, Step::StartPrinting, &info, &Actor::system())?;
            Ok(())
        })
    }

    /// printing → printed: the blangko is consumed; the `printed` event goes to the outbox.
    pub fn mark_printed(&mut self, job_id: &str, info: &PrintedInfo) -> Result<()> {
        self.with_job(job_id, |tx, job| {
            printed_in_tx(tx, job, Step::Printed, info, &Actor::system())
        })
    }

    /// feeding/encoding/printing → spoiled: the blangko is written off with its category;
    /// the job goes back to the queue for a new blangko, or fails at the attempt limit.
    /// Returns the job's new state (`queued` or `failed`).
    pub fn spoil(
        &mut self,
        job_id: &str,
        category: SpoilCategory,
        note: &str,
        actor: &Actor,
    ) -> Result<JobState> {
        self.with_job(job_id, |tx, job| {
            if job.state == JobState::InDoubt {
                return Err(JournalError::IllegalTransition {
                    job: job.job_id.clone(),
                    event: "spoil (in-doubt jobs are resolved with doubt_resolve)",
                    expected: "feeding or encoding or printing".into(),
                    got: job.state,
                });
            }
            spoil_in_tx(tx, job, category, note, actor)
        })
    }

    /// queued/preparing/ready → cancelled (operator or server; never once a blangko moved).
    pub fn cancel(&mut self, job_id: &str, reason: &str, actor: &Actor) -> Result<()> {
        self.with_job(job_id, |tx, job| {
            job.printer_id = None;
            let info = StepInfo {
                reason: Some(reason),
                ..StepInfo::default()
            };
            transition(tx, job, Step::Cancel, &info, actor)?;
            outbox::push(
                tx,
                Some(&job.job_id),
                "cancelled",
                body(json!({ "reason": reason, "operator": actor.id })),
            )?;
            audit::append(
                tx,
                actor,
                "job.cancel",
                &job.job_id,
                &json!({ "reason": reason }),
            )?;
            Ok(())
        })
    }

    /// queued/preparing/ready → rejected: found invalid after intake (e.g. at rendering).
    pub fn reject_job(&mut self, job_id: &str, reason: &str, actor: &Actor) -> Result<()> {
        self.with_job(job_id, |tx, job| {
            job.printer_id = None;
            let info = StepInfo {
                reason: Some(reason),
                ..StepInfo::default()
            };
            transition(tx, job, Step::Reject, &info, actor)?;
            outbox::push(
                tx,
                Some(&job.job_id),
                "rejected",
                body(json!({ "reason": reason })),
            )?;
            audit::append(
                tx,
                actor,
                "job.reject",
                &job.job_id,
                &json!({ "reason": reason }),
            )?;
            Ok(())
        })
    }

    /// feeding/encoding/printing → in_doubt: the worker lost track of the card (printer gone,
    /// answer lost). Never printed again without an operator decision.
    pub fn mark_in_doubt(&mut self, job_id: &str, reason: &str) -> Result<()> {
        self.with_job(job_id, |tx, job| {
            super::doubt::doubt_in_tx(tx, job, reason, None)
        })
    }

    /// [`Journal::mark_in_doubt`] with the reason in both languages (English for the journal
    /// and the server, Bahasa Indonesia for `cetak doubt list`).
    pub fn mark_in_doubt_with(
        &mut self,
        job_id: &str,
        reason_en: &str,
        reason_id: &str,
    ) -> Result<()> {
        self.with_job(job_id, |tx, job| {
            super::doubt::doubt_in_tx(tx, job, reason_en, Some(reason_id))
        })
    }
}
