//! Intake (idempotent by job id) and dispatch (claiming the next job for a printer).

use rusqlite::{params, OptionalExtension as _};
use serde_json::json;

use super::error::{JournalError, Result};
use super::job_tx::{history, load, transition, JobRow, StepInfo};
use super::outbox;
use super::state::{JobState, Step};
use super::types::{check_id, check_masked_nik, Actor, BlangkoType};
use super::{BatchOrder, Journal, Tx};

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
    /// The holder's key within the batch ([`super::batch_nik_key`]); with a batch, a second
    /// live job with the same key is refused ([`Enqueued::DuplicateInBatch`]).
    pub batch_nik: Option<String>,
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Enqueued {
    /// New job, now queued (or recorded as rejected).
    Added,
    /// The same job id was already in the journal; nothing changed.
    AlreadyKnown(JobState),
    /// The batch already holds a live job (not cancelled, superseded or rejected) for the same
    /// holder: one card per child (seed 004 §6–7). The job is recorded as rejected with code
    /// [`DUPLICATE_IN_BATCH`], naming the other job, in the same transaction as the check.
    DuplicateInBatch {
        /// The batch.
        batch_id: String,
        /// The job already there.
        other_job: String,
    },
}

/// Reason code of a job refused because its batch already holds the holder's card.
pub const DUPLICATE_IN_BATCH: &str = "duplicate_in_batch";

/// Outcome of [`Journal::enqueue_many`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IntakeReport {
    /// Jobs newly queued.
    pub added: u64,
    /// Jobs already known (duplicates, in the journal or earlier in the same batch).
    pub already_known: u64,
    /// Jobs refused because their batch already holds the same holder.
    pub duplicate_in_batch: u64,
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
    if let Some(k) = &job.batch_nik {
        check_id("batch key", k)?;
    }
    serde_json::from_str::<serde::de::IgnoredAny>(&job.payload).map_err(|e| {
        JournalError::InvalidInput(format!("job {} payload is not JSON: {e}", job.job_id))
    })?;
    Ok(())
}

fn existing_state(tx: &Tx<'_>, job_id: &str) -> Result<JobState> {
    Ok(load(&tx.tx, job_id)?.state)
}

/// The live job of `batch_id` holding the same holder, if any.
fn same_holder(tx: &Tx<'_>, job: &NewJob) -> Result<Option<(String, String)>> {
    let (Some(batch), Some(key)) = (&job.batch_id, &job.batch_nik) else {
        return Ok(None);
    };
    let other: Option<String> = tx
        .tx
        .prepare_cached(
            "SELECT job_id FROM jobs INDEXED BY jobs_batch_nik
             WHERE batch_id = ?1 AND batch_nik = ?2 AND job_id <> ?3
               AND state NOT IN ('cancelled', 'superseded', 'rejected')
             ORDER BY id LIMIT 1",
        )?
        .query_row(params![batch, key, job.job_id], |r| r.get(0))
        .optional()?;
    Ok(other.map(|o| (batch.clone(), o)))
}

/// Inserts a queued job, or refuses it as a second card for a holder of its batch (checked in
/// this same transaction: two intakes cannot both pass).
pub(super) fn insert_new(tx: &Tx<'_>, job: &NewJob) -> Result<Enqueued> {
    if tx
        .tx
        .prepare_cached("SELECT 1 FROM jobs WHERE job_id = ?1")?
        .exists([&job.job_id])?
    {
        return Ok(Enqueued::AlreadyKnown(existing_state(tx, &job.job_id)?));
    }
    if let Some((batch_id, other_job)) = same_holder(tx, job)? {
        return refuse_second_card(tx, job, batch_id, other_job);
    }
    if !insert_queued(tx, job)? {
        return Ok(Enqueued::AlreadyKnown(existing_state(tx, &job.job_id)?));
    }
    record_accepted(tx, job)?;
    Ok(Enqueued::Added)
}

/// Records `job` as rejected with [`DUPLICATE_IN_BATCH`]: `other_job` already holds the card
/// of the same holder in `batch_id`.
fn refuse_second_card(
    tx: &Tx<'_>,
    job: &NewJob,
    batch_id: String,
    other_job: String,
) -> Result<Enqueued> {
    let rec = RejectedJob {
        job_id: job.job_id.clone(),
        blangko_type: Some(job.blangko_type),
        nik_masked: Some(job.nik_masked.clone()),
        batch_id: Some(batch_id.clone()),
        payload: Some(job.payload.clone()),
        reason: format!(
            "batch {batch_id} already holds a card for this NIK: job {other_job} \
             (one card per child)"
        ),
    };
    insert_rejected(tx, &rec, DUPLICATE_IN_BATCH)?;
    Ok(Enqueued::DuplicateInBatch {
        batch_id,
        other_job,
    })
}

/// The queued row with its batch key and pickup-code hash; `false` when the job id was
/// already there (nothing written).
fn insert_queued(tx: &Tx<'_>, job: &NewJob) -> Result<bool> {
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
        return Ok(false);
    }
    if job.batch_nik.is_some() {
        tx.tx
            .prepare_cached("UPDATE jobs SET batch_nik = ?2 WHERE job_id = ?1")?
            .execute(params![job.job_id, job.batch_nik])?;
    }
    super::handover::remember_pickup_code(tx, &job.job_id, &job.payload)?;
    Ok(true)
}

/// The new job's history row and its `accepted` event.
fn record_accepted(tx: &Tx<'_>, job: &NewJob) -> Result<()> {
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
    Ok(())
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
                Enqueued::DuplicateInBatch { .. } => report.duplicate_in_batch += 1,
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
        let order = self.batch_order;
        let tx = self.write()?;
        let Some(job_id) = next_candidate(&tx.tx, printer, order)? else {
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
        next_candidate(&self.conn, printer, self.batch_order)
    }

    /// The key of `nik` within `batch_id` in this journal ([`NewJob::batch_nik`]).
    pub fn batch_nik_key(&self, batch_id: &str, nik: &str) -> String {
        super::batch_nik_key(&self.journal_id, batch_id, nik)
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

/// The best queued job for `printer`, without claiming it: highest priority, then (batch
/// first) the earliest-started batch, then intake order.
fn next_candidate(
    conn: &rusqlite::Connection,
    printer: &PrinterSlot,
    order: BatchOrder,
) -> Result<Option<String>> {
    let mut best: Option<((i32, i64, i64), String)> = None;
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
    let sql = match order {
        BatchOrder::Fifo => {
            "SELECT priority, id, id, job_id FROM jobs INDEXED BY jobs_dispatch
             WHERE state = 'queued' AND blangko_type = ?1 AND needs_chip = ?2 AND needs_dual = ?3
             ORDER BY priority DESC, id LIMIT 1"
        }
        BatchOrder::BatchFirst => {
            "SELECT priority, batch_seq, id, job_id FROM jobs INDEXED BY jobs_dispatch_batch
             WHERE state = 'queued' AND blangko_type = ?1 AND needs_chip = ?2 AND needs_dual = ?3
             ORDER BY priority DESC, batch_seq, id LIMIT 1"
        }
    };
    let mut st = conn.prepare_cached(sql)?;
    for &chip in chips {
        for &dual in duals {
            let mut rows = st.query(params![printer.blangko_type.code(), chip, dual])?;
            if let Some(r) = rows.next()? {
                let rank: (i32, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
                let better = match &best {
                    None => true,
                    Some((b, _)) => (rank.0, -rank.1, -rank.2) > (b.0, -b.1, -b.2),
                };
                if better {
                    best = Some((rank, r.get(3)?));
                }
            }
        }
    }
    Ok(best.map(|b| b.1))
}
