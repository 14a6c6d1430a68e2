//! Intake (idempotent by job id) and dispatch (claiming the next job for a printer).

use rusqlite::params;
use serde_json::json;

use super::error::{JournalError, Result};
use super::job_tx::{history, load, transition, JobRow, StepInfo};
use super::outbox;
use super::state::{JobState, Step};
use super::types::{check_id, check_masked_nik, Actor, BlangkoType};
use super::{Journal, Tx};

/// A validated job to queue. The journal keeps the job document as opaque JSON text so it does
/// not depend on the job type's Rust definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// The server's job id; intake is idempotent on it.
    pub job_id: String,
    /// Which blangko it prints on.
    pub blangko_type: BlangkoType,
    /// Masked NIK ([`super::mask_nik`]); a full NIK is refused.
    pub nik_masked: String,
    /// Collective programme batch, if any.
    pub batch_id: Option<String>,
    /// Higher is printed first; equal priorities in intake order.
    pub priority: i32,
    /// Needs a printer with an encoder.
    pub needs_chip: bool,
    /// Needs a dual-side printer.
    pub needs_dual_side: bool,
    /// The validated job document (JSON text).
    pub payload: String,
}

/// A job refused at intake (no blangko used). Fields that could not be read are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedJob {
    /// Job id (the caller derives one, e.g. from the file hash, if the document had none).
    pub job_id: String,
    /// Blangko type, if known.
    pub blangko_type: Option<BlangkoType>,
    /// Masked NIK, if known.
    pub nik_masked: Option<String>,
    /// Batch, if known.
    pub batch_id: Option<String>,
    /// The document as received, kept for diagnosis until purged.
    pub payload: Option<String>,
    /// Why it was refused (shown to operators and sent to the server).
    pub reason: String,
}

/// Outcome of enqueueing one job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// New job, now queued (or recorded as rejected).
    Added,
    /// The same job id was already in the journal; nothing changed.
    AlreadyKnown(JobState),
}

/// Outcome of [`Journal::enqueue_many`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IntakeReport {
    /// Jobs newly queued.
    pub added: u64,
    /// Jobs already known (duplicates, in the journal or earlier in the same batch).
    pub already_known: u64,
}

/// What a printer can take, for dispatch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterSlot {
    /// Printer id (as in the config and the ledger's `feeder:ID`).
    pub printer_id: String,
    /// Blangko type loaded in its feeder.
    pub blangko_type: BlangkoType,
    /// It has a chip encoder.
    pub has_encoder: bool,
    /// It prints both sides.
    pub dual_side: bool,
}

/// A job claimed by a printer (now `preparing`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    /// Job id.
    pub job_id: String,
    /// Blangko type.
    pub blangko_type: BlangkoType,
    /// The job document to render.
    pub payload: String,
    /// Blangko already used by earlier attempts.
    pub attempt: u32,
    /// Needs the encoder.
    pub needs_chip: bool,
    /// Needs both sides.
    pub needs_dual_side: bool,
}

pub(super) fn check_new(job: &NewJob) -> Result<()> {
    check_id("job id", &job.job_id)?;
    check_masked_nik(&job.nik_masked)?;
    if let Some(b) = &job.batch_id {
        check_id("batch id", b)?;
    }
    serde_json::from_str::<serde::de::IgnoredAny>(&job.payload).map_err(|e| {
        JournalError::InvalidInput(format!("job {} payload is not JSON: {e}", job.job_id))
    })?;
    Ok(())
}

fn existing_state(tx: &Tx<'_>, job_id: &str) -> Result<JobState> {
    Ok(load(&tx.tx, job_id)?.state)
}

pub(super) fn insert_new(tx: &Tx<'_>, job: &NewJob) -> Result<Enqueued> {
    let n = tx
        .tx
        .prepare_cached(
            "INSERT INTO jobs (job_id, blangko_type, nik_masked, batch_id, priority, needs_chip,
                               needs_dual, state, attempt, payload, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'queued', 0, ?8, ?9, ?9)
             ON CONFLICT (job_id) DO NOTHING",
        )?
        .execute(params![
            job.job_id,
            job.blangko_type.code(),
            job.nik_masked,
            job.batch_id,
            job.priority,
            job.needs_chip,
            job.needs_dual_side,
            job.payload,
            tx.now.0,
        ])?;
    if n == 0 {
        return Ok(Enqueued::AlreadyKnown(existing_state(tx, &job.job_id)?));
    }
    super::handover::remember_pickup_code(tx, &job.job_id, &job.payload)?;
    let row = JobRow {
        job_id: job.job_id.clone(),
        blangko_type: Some(job.blangko_type),
        state: JobState::Queued,
        attempt: 0,
        attempt_base: 0,
        printer_id: None,
        needs_chip: job.needs_chip,
    };
    history(
        tx,
        &row,
        "enqueue",
        None,
        JobState::Queued,
        &StepInfo::default(),
        &Actor::system(),
    )?;
    outbox::push(
        tx,
        Some(&job.job_id),
        "accepted",
        serde_json::Map::from_iter([
            ("blangko_type".to_string(), job.blangko_type.code().into()),
            ("nik_masked".to_string(), job.nik_masked.clone().into()),
        ]),
    )?;
    Ok(Enqueued::Added)
}

impl Journal {
    /// Queues a validated job. The same job id delivered again changes nothing and answers
    /// [`Enqueued::AlreadyKnown`] with the job's state.
    pub fn enqueue(&mut self, job: &NewJob) -> Result<Enqueued> {
        check_new(job)?;
        let tx = self.write()?;
        let out = insert_new(&tx, job)?;
        tx.commit()?;
        Ok(out)
    }

    /// Queues many jobs in one transaction (bulk intake of a collective programme). All are
    /// checked first: one bad job refuses the whole batch, naming it.
    pub fn enqueue_many(&mut self, jobs: &[NewJob]) -> Result<IntakeReport> {
        for j in jobs {
            check_new(j)?;
        }
        let tx = self.write()?;
        let mut report = IntakeReport::default();
        for j in jobs {
            match insert_new(&tx, j)? {
                Enqueued::Added => report.added += 1,
                Enqueued::AlreadyKnown(_) => report.already_known += 1,
            }
        }
        tx.commit()?;
        Ok(report)
    }

    /// Records a job refused at intake (invalid document, bad signature...) with its reason.
    /// Idempotent like [`Journal::enqueue`]. The `rejected` event carries code `invalid_job`.
    pub fn reject(&mut self, job: &RejectedJob) -> Result<Enqueued> {
        check_rejected(job)?;
        let tx = self.write()?;
        let out = insert_rejected(&tx, job, "invalid_job")?;
        tx.commit()?;
        Ok(out)
    }

    /// Claims the next queued job this printer can do (blangko type, encoder, dual side):
    /// highest priority first, then intake order. One indexed lookup per capability
    /// combination, so the time does not grow with the queue. The job becomes `preparing`.
    pub fn claim_next(&mut self, printer: &PrinterSlot) -> Result<Option<ClaimedJob>> {
        check_id("printer id", &printer.printer_id)?;
        let tx = self.write()?;
        let Some(job_id) = next_candidate(&tx.tx, printer)? else {
            return Ok(None);
        };
        let mut job = load(&tx.tx, &job_id)?;
        job.printer_id = Some(printer.printer_id.clone());
        transition(
            &tx,
            &mut job,
            Step::Claim,
            &StepInfo::default(),
            &Actor::system(),
        )?;
        let (payload, needs_dual): (Option<String>, bool) = tx.tx.query_row(
            "SELECT payload, needs_dual FROM jobs WHERE job_id = ?1",
            [&job_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let payload = payload.ok_or_else(|| JournalError::Corrupt {
            table: "jobs",
            id: job_id.clone(),
            detail: "queued job without payload".into(),
        })?;
        tx.commit()?;
        Ok(Some(ClaimedJob {
            job_id,
            blangko_type: printer.blangko_type,
            payload,
            attempt: job.attempt,
            needs_chip: job.needs_chip,
            needs_dual_side: needs_dual,
        }))
    }

    /// The job [`Journal::claim_next`] would take for this printer, without claiming it
    /// (a read: no transaction, no fsync).
    pub fn peek_next(&self, printer: &PrinterSlot) -> Result<Option<String>> {
        next_candidate(&self.conn, printer)
    }

    /// Jobs waiting in the queue.
    pub fn queued_count(&self) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM jobs WHERE state = 'queued'",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }
}

pub(super) fn check_rejected(job: &RejectedJob) -> Result<()> {
    check_id("job id", &job.job_id)?;
    check_masked_nik(job.nik_masked.as_deref().unwrap_or_default())?;
    if job.reason.trim().is_empty() {
        return Err(JournalError::InvalidInput(
            "a rejection needs a reason".into(),
        ));
    }
    Ok(())
}

/// Inserts a rejected job with its history row and `rejected` event (reason + `code`).
pub(super) fn insert_rejected(tx: &Tx<'_>, job: &RejectedJob, code: &str) -> Result<Enqueued> {
    let nik = job.nik_masked.clone().unwrap_or_default();
    let n = tx.tx.execute(
        "INSERT INTO jobs (job_id, blangko_type, nik_masked, batch_id, state, attempt,
                           reason, payload, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'rejected', 0, ?5, ?6, ?7, ?7)
         ON CONFLICT (job_id) DO NOTHING",
        params![
            job.job_id,
            job.blangko_type.map(|t| t.code()),
            nik,
            job.batch_id,
            job.reason,
            job.payload,
            tx.now.0
        ],
    )?;
    if n == 0 {
        return Ok(Enqueued::AlreadyKnown(existing_state(tx, &job.job_id)?));
    }
    let row = JobRow {
        job_id: job.job_id.clone(),
        blangko_type: job.blangko_type,
        state: JobState::Rejected,
        attempt: 0,
        attempt_base: 0,
        printer_id: None,
        needs_chip: false,
    };
    let info = StepInfo {
        reason: Some(&job.reason),
        ..StepInfo::default()
    };
    history(
        tx,
        &row,
        "reject at intake",
        None,
        JobState::Rejected,
        &info,
        &Actor::system(),
    )?;
    outbox::push(
        tx,
        Some(&job.job_id),
        "rejected",
        serde_json::Map::from_iter([
            ("reason".to_string(), json!(job.reason)),
            ("code".to_string(), json!(code)),
        ]),
    )?;
    Ok(Enqueued::Added)
}

/// The best queued job for `printer`, without claiming it.
fn next_candidate(conn: &rusqlite::Connection, printer: &PrinterSlot) -> Result<Option<String>> {
    let mut best: Option<(i32, i64, String)> = None;
    let chips: &[bool] = if printer.has_encoder {
        &[false, true]
    } else {
        &[false]
    };
    let duals: &[bool] = if printer.dual_side {
        &[false, true]
    } else {
        &[false]
    };
    let mut st = conn.prepare_cached(
        "SELECT priority, id, job_id FROM jobs INDEXED BY jobs_dispatch
         WHERE state = 'queued' AND blangko_type = ?1 AND needs_chip = ?2 AND needs_dual = ?3
         ORDER BY priority DESC, id LIMIT 1",
    )?;
    for &chip in chips {
        for &dual in duals {
            let mut rows = st.query(params![printer.blangko_type.code(), chip, dual])?;
            if let Some(r) = rows.next()? {
                let cand: (i32, i64, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
                let better = match &best {
                    None => true,
                    Some(b) => (cand.0, -cand.1) > (b.0, -b.1),
                };
                if better {
                    best = Some(cand);
                }
            }
        }
    }
    Ok(best.map(|b| b.2))
}
