//! Writing off a card already printed, before handover: the blangko ledger's
//! "perubahan elemen data" (the citizen's data changed after printing) or a card damaged at
//! the desk. The card moves consumed → spoiled with its category and a required note, audited;
//! the job goes back to the queue for a new card, or ends `superseded` when a newer job
//! replaces it.

use rusqlite::OptionalExtension;
use serde_json::json;

use super::audit;
use super::error::{JournalError, Result};
use super::job_tx::{check_step, corrupt, load, transition, JobRow, StepInfo};
use super::ledger::{self, Location, Movement, MovementKind};
use super::outbox;
use super::state::{JobState, Step};
use super::types::{check_id, Actor, SpoilCategory};
use super::{Journal, Tx};

/// What becomes of a job whose printed card is written off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterWriteOff {
    /// Back to the queue: a new card is printed from the job's document.
    Reprint,
    /// A newer job (this id) replaces it: the job ends `superseded`.
    SupersededBy(String),
}

impl Journal {
    /// printed → spoiled → queued or superseded: the printed card is written off with
    /// `category` (normally [`SpoilCategory::PerubahanElemenData`]) and `note` (required),
    /// moving it from consumed to spoiled in the ledger. Returns the job's new state.
    ///
    /// A reprint needs the job's document: refused once its personal data is purged (name
    /// the replacing job instead).
    pub fn write_off_printed(
        &mut self,
        job_id: &str,
        category: SpoilCategory,
        note: &str,
        after: &AfterWriteOff,
        actor: &Actor,
    ) -> Result<JobState> {
        check_request(job_id, note, after)?;
        let tx = self.write()?;
        let mut job = load(&tx.tx, job_id)?;
        check_step(&job, Step::WriteOff)?;
        let t = job
            .blangko_type
            .ok_or_else(|| corrupt(job_id, "printed job without blangko type".into()))?;
        if *after == AfterWriteOff::Reprint {
            document_kept(&tx, job_id)?;
        }
        let printer = job.printer_id.clone();
        let info = StepInfo {
            category: Some(category),
            reason: Some(note),
            ..StepInfo::default()
        };
        transition(&tx, &mut job, Step::WriteOff, &info, actor)?;
        ledger::record(
            &tx,
            Movement {
                kind: MovementKind::Spoiled,
                blangko_type: t,
                count: 1,
                from: Location::Consumed,
                to: Location::Spoiled,
                job_id: Some(job_id),
                lot: None,
                category: Some(category),
                note: Some(note),
                actor,
            },
        )?;
        job.printer_id = None;
        let next = next_state(&tx, &mut job, after, actor)?;
        let replaced_by = match after {
            AfterWriteOff::Reprint => None,
            AfterWriteOff::SupersededBy(new) => Some(new.as_str()),
        };
        let detail = json!({
            "category": category.code(),
            "note": note,
            "attempt": job.attempt,
            "printer": printer,
            "next_state": next.code(),
            "replaced_by": replaced_by,
        });
        outbox::push(
            &tx,
            Some(job_id),
            "written_off",
            serde_json::Map::from_iter([
                ("category".to_string(), json!(category.code())),
                ("note".to_string(), json!(note)),
                ("next_state".to_string(), json!(next.code())),
                ("replaced_by".to_string(), json!(replaced_by)),
                ("operator".to_string(), json!(actor.id)),
            ]),
        )?;
        audit::append(&tx, actor, "job.write_off", job_id, &detail)?;
        tx.commit()?;
        Ok(next)
    }
}

/// A note is required; a replacing job is a valid id other than the job's own.
fn check_request(job_id: &str, note: &str, after: &AfterWriteOff) -> Result<()> {
    if note.trim().is_empty() {
        return Err(JournalError::InvalidInput(
            "writing off a printed card needs a note (what changed, who asked)".into(),
        ));
    }
    if let AfterWriteOff::SupersededBy(new) = after {
        check_id("replacing job id", new)?;
        if new == job_id {
            return Err(JournalError::InvalidInput(
                "a job cannot supersede itself".into(),
            ));
        }
    }
    Ok(())
}

/// A reprint needs the job's document: refused once its personal data is purged.
fn document_kept(tx: &Tx<'_>, job_id: &str) -> Result<()> {
    let payload: Option<Option<String>> = tx
        .tx
        .query_row(
            "SELECT payload FROM jobs WHERE job_id = ?1",
            [job_id],
            |r| r.get(0),
        )
        .optional()?;
    if payload.flatten().is_none() {
        return Err(JournalError::InvalidInput(format!(
            "job {job_id}: its document is purged, it cannot be printed again; name the job that replaces it"
        )));
    }
    Ok(())
}

/// Back to the queue (a new production: the attempt limit counts from here), or superseded.
fn next_state(
    tx: &Tx<'_>,
    job: &mut JobRow,
    after: &AfterWriteOff,
    actor: &Actor,
) -> Result<JobState> {
    match after {
        AfterWriteOff::Reprint => {
            job.attempt_base = job.attempt;
            transition(tx, job, Step::Requeue, &StepInfo::default(), actor)
        }
        AfterWriteOff::SupersededBy(new) => {
            let reason = format!("superseded by {new}");
            let info = StepInfo {
                reason: Some(&reason),
                ..StepInfo::default()
            };
            transition(tx, job, Step::Supersede, &info, actor)
        }
    }
}
