//! Reading jobs back: current record, payload, history, counts.

use rusqlite::OptionalExtension;

use super::error::{JournalError, Result};
use super::job_tx::corrupt;
use super::state::JobState;
use super::types::{BlangkoType, SpoilCategory, Timestamp};
use super::Journal;

/// A job as the journal holds it now (no payload: ask [`Journal::job_payload`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRecord {
    /// Job id (the server's).
    pub job_id: String,
    /// Blangko type; `None` only for a job rejected before its type was known.
    pub blangko_type: Option<BlangkoType>,
    /// Masked NIK.
    pub nik_masked: String,
    /// Batch (collective programme), if any.
    pub batch_id: Option<String>,
    /// Higher first.
    pub priority: i32,
    /// Needs an encoder.
    pub needs_chip: bool,
    /// Needs a dual-side printer.
    pub needs_dual_side: bool,
    /// Current state.
    pub state: JobState,
    /// Blangko used so far.
    pub attempt: u32,
    /// Printer holding the job (preparing … in_doubt).
    pub printer_id: Option<String>,
    /// Last rejection / cancel / doubt / failure reason.
    pub reason: Option<String>,
    /// Intake time.
    pub created_at: Timestamp,
    /// Last transition.
    pub updated_at: Timestamp,
    /// Personal data purged.
    pub purged: bool,
}

/// One row of a job's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// When.
    pub at: Timestamp,
    /// What happened (`enqueue`, `claim`, `feed`, ...).
    pub step: String,
    /// State before (`None` at intake).
    pub from_state: Option<JobState>,
    /// State after.
    pub to_state: JobState,
    /// Attempt number at that time.
    pub attempt: u32,
    /// Printer.
    pub printer_id: Option<String>,
    /// Printer serial.
    pub printer_serial: Option<String>,
    /// Card serial.
    pub card_serial: Option<String>,
    /// Chip ATR.
    pub chip_atr: Option<String>,
    /// Chip UID.
    pub chip_uid: Option<String>,
    /// Operator (or `system`).
    pub operator: Option<String>,
    /// Spoil category.
    pub spoil_category: Option<SpoilCategory>,
    /// Reason / note.
    pub reason: Option<String>,
}

impl Journal {
    /// The job as the journal holds it now.
    pub fn job(&self, job_id: &str) -> Result<JobRecord> {
        self.conn
            .prepare_cached(
                "SELECT job_id, blangko_type, nik_masked, batch_id, priority, needs_chip,
                        needs_dual, state, attempt, printer_id, reason, created_at, updated_at,
                        purged_at IS NOT NULL
                 FROM jobs WHERE job_id = ?1",
            )?
            .query_row([job_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, i32>(4)?,
                    r.get::<_, bool>(5)?,
                    r.get::<_, bool>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, i64>(8)?,
                    r.get::<_, Option<String>>(9)?,
                    r.get::<_, Option<String>>(10)?,
                    r.get::<_, i64>(11)?,
                    r.get::<_, i64>(12)?,
                    r.get::<_, bool>(13)?,
                ))
            })
            .optional()?
            .ok_or_else(|| JournalError::UnknownJob(job_id.to_string()))
            .and_then(|r| {
                Ok(JobRecord {
                    blangko_type: r.1.map(|t| t.parse()).transpose()?,
                    nik_masked: r.2,
                    batch_id: r.3,
                    priority: r.4,
                    needs_chip: r.5,
                    needs_dual_side: r.6,
                    state: r
                        .7
                        .parse()
                        .map_err(|e: JournalError| corrupt(&r.0, e.to_string()))?,
                    attempt: u32::try_from(r.8).map_err(|_| corrupt(&r.0, "attempt".into()))?,
                    printer_id: r.9,
                    reason: r.10,
                    created_at: Timestamp(r.11),
                    updated_at: Timestamp(r.12),
                    purged: r.13,
                    job_id: r.0,
                })
            })
    }

    /// The validated job JSON, or `None` once purged.
    pub fn job_payload(&self, job_id: &str) -> Result<Option<String>> {
        self.conn
            .prepare_cached("SELECT payload FROM jobs WHERE job_id = ?1")?
            .query_row([job_id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| JournalError::UnknownJob(job_id.to_string()))
    }

    /// A job's full history, oldest first.
    pub fn job_history(&self, job_id: &str) -> Result<Vec<HistoryEntry>> {
        let mut st = self.conn.prepare_cached(
            "SELECT at, step, from_state, to_state, attempt, printer_id, printer_serial,
                    card_serial, chip_atr, chip_uid, operator, spoil_category, reason
             FROM job_events WHERE job_id = ?1 ORDER BY id",
        )?;
        let mut rows = st.query([job_id])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let bad = |e: JournalError| corrupt(job_id, e.to_string());
            out.push(HistoryEntry {
                at: Timestamp(r.get(0)?),
                step: r.get(1)?,
                from_state: r
                    .get::<_, Option<String>>(2)?
                    .map(|s| s.parse())
                    .transpose()
                    .map_err(bad)?,
                to_state: r.get::<_, String>(3)?.parse().map_err(bad)?,
                attempt: u32::try_from(r.get::<_, i64>(4)?)
                    .map_err(|_| corrupt(job_id, "attempt".into()))?,
                printer_id: r.get(5)?,
                printer_serial: r.get(6)?,
                card_serial: r.get(7)?,
                chip_atr: r.get(8)?,
                chip_uid: r.get(9)?,
                operator: r.get(10)?,
                spoil_category: r
                    .get::<_, Option<String>>(11)?
                    .map(|s| s.parse())
                    .transpose()
                    .map_err(bad)?,
                reason: r.get(12)?,
            });
        }
        Ok(out)
    }

    /// How many jobs are in each state.
    pub fn count_by_state(&self) -> Result<std::collections::BTreeMap<String, u64>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT state, COUNT(*) FROM jobs GROUP BY state")?;
        let rows = st.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
