//! Job transitions: each public method is one transaction holding the new state, the history
//! row, and — where relevant — the outbox event, the ledger movement and the audit row.

use rusqlite::params;
use serde_json::json;

use super::audit;
use super::error::{JournalError, Result};
use super::job_tx::{
    body, bound_printer, check_step, load, printed_in_tx, spoil_in_tx, transition, JobRow, StepInfo,
};
use super::ledger::{self, Location, Movement, MovementKind};
use super::outbox;
use super::state::{JobState, Step};
use super::types::{Actor, SpoilCategory};
use super::{Journal, Tx};

pub use super::intake::{
    ClaimedJob, Enqueued, IntakeReport, NewJob, PrinterSlot, RejectedJob, DUPLICATE_IN_BATCH,
};
pub use super::job_tx::{ChipInfo, PrintedInfo};

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
                    job_id: Some(&job.job_id),
                    ..Movement::plain(
                        MovementKind::Fed,
                        t,
                        1,
                        (
                            Location::Feeder(printer.clone()),
                            Location::InPrinter(printer.clone()),
                        ),
                        &Actor::system(),
                    )
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
                    job_id: Some(&job.job_id),
                    note: Some(note),
                    ..Movement::plain(
                        MovementKind::NotTaken,
                        t,
                        1,
                        (
                            Location::InPrinter(printer.clone()),
                            Location::Feeder(printer.clone()),
                        ),
                        &actor,
                    )
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
        let event = body(json!({ "reason": reason, "operator": actor.id }));
        self.end_unfed(
            job_id,
            Step::Cancel,
            ("cancelled", event),
            "job.cancel",
            reason,
            actor,
        )
    }

    /// queued/preparing/ready → rejected: found invalid after intake (e.g. at rendering).
    pub fn reject_job(&mut self, job_id: &str, reason: &str, actor: &Actor) -> Result<()> {
        let event = body(json!({ "reason": reason }));
        self.end_unfed(
            job_id,
            Step::Reject,
            ("rejected", event),
            "job.reject",
            reason,
            actor,
        )
    }

    /// Ends a job before any blangko moved (`step`): its outbox event (kind, body) and its
    /// audit row (`action`) in the same transaction.
    fn end_unfed(
        &mut self,
        job_id: &str,
        step: Step,
        (kind, event): (&str, serde_json::Map<String, serde_json::Value>),
        action: &str,
        reason: &str,
        actor: &Actor,
    ) -> Result<()> {
        self.with_job(job_id, |tx, job| {
            job.printer_id = None;
            let info = StepInfo {
                reason: Some(reason),
                ..StepInfo::default()
            };
            transition(tx, job, step, &info, actor)?;
            outbox::push(tx, Some(&job.job_id), kind, event)?;
            audit::append(tx, actor, action, &job.job_id, &json!({ "reason": reason }))?;
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
