//! Recovery at start and in-doubt resolution. A job that may have been inside a printer when
//! the station stopped is never printed again automatically: an operator looks at the printer
//! (output tray, reject box) and says whether the card was printed or spoiled.

use rusqlite::{params, OptionalExtension};
use serde_json::json;

use super::audit;
use super::error::{JournalError, Result};
use super::job_tx::{load, printed_in_tx, spoil_in_tx, transition, JobRow, PrintedInfo, StepInfo};
use super::outbox;
use super::state::{JobState, Step};
use super::types::{Actor, BlangkoType, SpoilCategory, Timestamp};
use super::{Journal, Tx};

/// What [`Journal::recover_on_start`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecoveryReport {
    /// Jobs that were in a printer (feeding/encoding/printing), now in_doubt.
    pub now_in_doubt: Vec<String>,
    /// Jobs that were claimed but had no blangko yet (preparing/ready), back in the queue.
    pub requeued: u64,
}

/// The operator's decision on an in-doubt job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoubtResolution {
    /// The card came out printed: the blangko is consumed, the job is done.
    Printed,
    /// The card is spoiled: the blangko is written off, the job goes back to the queue (or
    /// fails at the attempt limit).
    Spoiled(SpoilCategory),
}

/// A job waiting for an operator decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InDoubtJob {
    /// Job id.
    pub job_id: String,
    /// Blangko type.
    pub blangko_type: Option<BlangkoType>,
    /// Masked NIK (to find the card).
    pub nik_masked: String,
    /// Printer that held the card.
    pub printer_id: Option<String>,
    /// Attempt number.
    pub attempt: u32,
    /// State it was in before the doubt (feeding, encoding or printing).
    pub was: Option<JobState>,
    /// Why it is in doubt (English).
    pub reason: Option<String>,
    /// Why it is in doubt, in Bahasa Indonesia (when the station wrote it).
    pub reason_id: Option<String>,
    /// Since when.
    pub since: Timestamp,
}

/// Why a restart puts a card in doubt, English and Bahasa Indonesia.
const RESTARTED: (&str, &str) = (
    "station restarted with the card in a printer",
    "stasiun dimulai ulang saat kartu ada di dalam printer",
);

/// feeding/encoding/printing → in_doubt, with outbox event and audit row. `reason` is English
/// (journal, server); `reason_id` its Bahasa Indonesia text for operators, if known.
pub(crate) fn doubt_in_tx(
    tx: &Tx<'_>,
    job: &mut JobRow,
    reason: &str,
    reason_id: Option<&str>,
) -> Result<()> {
    let was = job.state;
    let info = StepInfo {
        reason: Some(reason),
        ..StepInfo::default()
    };
    transition(tx, job, Step::Doubt, &info, &Actor::system())?;
    tx.tx
        .prepare_cached("UPDATE jobs SET reason_id = ?2 WHERE job_id = ?1")?
        .execute(params![job.job_id, reason_id])?;
    outbox::push(
        tx,
        Some(&job.job_id),
        "in_doubt",
        serde_json::Map::from_iter([
            ("was".to_string(), json!(was.code())),
            ("printer".to_string(), json!(job.printer_id)),
            ("attempt".to_string(), json!(job.attempt)),
            ("reason".to_string(), json!(reason)),
        ]),
    )?;
    audit::append(
        tx,
        &Actor::system(),
        "job.in_doubt",
        &job.job_id,
        &json!({ "was": was.code(), "printer": job.printer_id, "reason": reason }),
    )?;
    Ok(())
}

fn ids_in(tx: &Tx<'_>, states: &str) -> Result<Vec<String>> {
    let mut st = tx.tx.prepare(&format!(
        "SELECT job_id FROM jobs WHERE state IN ({states}) ORDER BY id"
    ))?;
    let rows = st.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Journal {
    /// Run once at daemon start, before any worker: jobs in feeding/encoding/printing become
    /// in_doubt (never printed again automatically); preparing/ready go back to the queue.
    /// One transaction.
    pub fn recover_on_start(&mut self) -> Result<RecoveryReport> {
        let tx = self.write()?;
        let mut report = RecoveryReport::default();
        for job_id in ids_in(&tx, "'feeding', 'encoding', 'printing'")? {
            let mut job = load(&tx.tx, &job_id)?;
            doubt_in_tx(&tx, &mut job, RESTARTED.0, Some(RESTARTED.1))?;
            report.now_in_doubt.push(job_id);
        }
        for job_id in ids_in(&tx, "'preparing', 'ready'")? {
            let mut job = load(&tx.tx, &job_id)?;
            job.printer_id = None;
            let info = StepInfo {
                reason: Some("station restarted"),
                ..StepInfo::default()
            };
            transition(&tx, &mut job, Step::Release, &info, &Actor::system())?;
            report.requeued += 1;
        }
        tx.commit()?;
        Ok(report)
    }

    /// Jobs waiting for an operator decision, oldest first.
    pub fn doubt_list(&self) -> Result<Vec<InDoubtJob>> {
        let mut st = self.conn.prepare_cached(
            "SELECT j.job_id, j.blangko_type, j.nik_masked, j.printer_id, j.attempt, j.reason,
                    j.updated_at,
                    (SELECT e.from_state FROM job_events e
                      WHERE e.job_id = j.job_id AND e.to_state = 'in_doubt'
                      ORDER BY e.id DESC LIMIT 1),
                    j.reason_id
             FROM jobs j WHERE j.state = 'in_doubt' ORDER BY j.updated_at, j.id",
        )?;
        let mut rows = st.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let job_id: String = r.get(0)?;
            let bad = |e: JournalError| JournalError::Corrupt {
                table: "jobs",
                id: job_id.clone(),
                detail: e.to_string(),
            };
            out.push(InDoubtJob {
                blangko_type: r
                    .get::<_, Option<String>>(1)?
                    .map(|s| s.parse())
                    .transpose()
                    .map_err(bad)?,
                nik_masked: r.get(2)?,
                printer_id: r.get(3)?,
                attempt: u32::try_from(r.get::<_, i64>(4)?).unwrap_or(u32::MAX),
                reason: r.get(5)?,
                reason_id: r.get(8)?,
                since: Timestamp(r.get(6)?),
                was: r
                    .get::<_, Option<String>>(7)?
                    .map(|s| s.parse())
                    .transpose()
                    .map_err(bad)?,
                job_id,
            });
        }
        Ok(out)
    }

    /// The operator's decision on an in-doubt job, audited. Returns the job's new state
    /// (`printed`, `queued` or `failed`). A `printed` decision carries what the station knows
    /// of the card: the card number the printer reported after the feed, and the printer's
    /// serial.
    pub fn doubt_resolve(
        &mut self,
        job_id: &str,
        resolution: DoubtResolution,
        note: &str,
        actor: &Actor,
    ) -> Result<JobState> {
        self.resolve(job_id, resolution, None, note, actor)
    }

    /// The operator says the in-doubt card came out printed, and may give the card number read
    /// from the card itself (`card_serial`) when the printer did not report one. Refused when
    /// the printer reported a different number for this attempt (the card in hand may be
    /// another one).
    pub fn doubt_resolve_printed(
        &mut self,
        job_id: &str,
        card_serial: Option<&str>,
        note: &str,
        actor: &Actor,
    ) -> Result<JobState> {
        self.resolve(job_id, DoubtResolution::Printed, card_serial, note, actor)
    }

    fn resolve(
        &mut self,
        job_id: &str,
        resolution: DoubtResolution,
        card_from_operator: Option<&str>,
        note: &str,
        actor: &Actor,
    ) -> Result<JobState> {
        if let Some(c) = card_from_operator {
            super::types::check_id("card serial", c)?;
        }
        let tx = self.write()?;
        let mut job = load(&tx.tx, job_id)?;
        if job.state != JobState::InDoubt {
            return Err(JournalError::IllegalTransition {
                job: job_id.to_string(),
                event: "resolve doubt",
                expected: JobState::InDoubt.code().into(),
                got: job.state,
            });
        }
        let attempt = job.attempt;
        let printer = job.printer_id.clone();
        let mut card_serial = None;
        let (decision, new_state) = match resolution {
            DoubtResolution::Printed => {
                let info = known_card(&tx, &job, card_from_operator)?;
                card_serial = info.card_serial.clone();
                printed_in_tx(&tx, &mut job, Step::ResolvePrinted, &info, actor)?;
                ("printed".to_string(), job.state)
            }
            DoubtResolution::Spoiled(c) => {
                let next = spoil_in_tx(&tx, &mut job, c, note, actor)?;
                (format!("spoiled:{}", c.code()), next)
            }
        };
        outbox::push(
            &tx,
            Some(job_id),
            "doubt_resolved",
            serde_json::Map::from_iter([
                ("decision".to_string(), json!(decision)),
                ("operator".to_string(), json!(actor.id)),
                ("note".to_string(), json!(note)),
                ("next_state".to_string(), json!(new_state.code())),
            ]),
        )?;
        audit::append(
            &tx,
            actor,
            "doubt.resolve",
            job_id,
            &json!({
                "decision": decision,
                "note": note,
                "attempt": attempt,
                "printer": printer,
                "card_serial": card_serial,
                "next_state": new_state.code(),
            }),
        )?;
        tx.commit()?;
        Ok(new_state)
    }
}

/// What the journal knows of the in-doubt attempt's card: the number the printer reported after
/// the feed ([`Journal::card_fed`]) or, failing that, the one the operator read from the card,
/// and the printer serial recorded at the feed.
fn known_card(tx: &Tx<'_>, job: &JobRow, from_operator: Option<&str>) -> Result<PrintedInfo> {
    let reported: Option<String> = tx.tx.query_row(
        "SELECT card_serial FROM jobs WHERE job_id = ?1",
        [&job.job_id],
        |r| r.get(0),
    )?;
    let printer_serial: Option<String> = tx
        .tx
        .prepare_cached(
            "SELECT printer_serial FROM job_events WHERE job_id = ?1 AND step = 'feed'
             ORDER BY id DESC LIMIT 1",
        )?
        .query_row([&job.job_id], |r| r.get(0))
        .optional()?
        .flatten();
    let card_serial = match (reported, from_operator) {
        (Some(p), Some(o)) if p != o => {
            return Err(JournalError::InvalidInput(format!(
                "the printer reported card {p} for this attempt, not {o}: check that the card in \
                 hand belongs to job {} (leave the card number out to keep the printer's)",
                job.job_id
            )))
        }
        (Some(p), _) => Some(p),
        (None, o) => o.map(str::to_string),
    };
    Ok(PrintedInfo {
        card_serial,
        printer_serial,
    })
}

impl Journal {
    /// Records the card number the printer reported for the card just fed for `job_id` (the
    /// attempt in a printer). A `printed` decided later by an operator (in doubt) carries it.
    pub fn card_fed(&mut self, job_id: &str, card_serial: &str) -> Result<()> {
        super::types::check_id("card serial", card_serial)?;
        let tx = self.write()?;
        let n = tx.tx.execute(
            "UPDATE jobs SET card_serial = ?2
             WHERE job_id = ?1 AND state IN ('feeding', 'encoding', 'printing')",
            params![job_id, card_serial],
        )?;
        if n == 0 {
            let job = load(&tx.tx, job_id)?;
            return Err(JournalError::IllegalTransition {
                job: job_id.to_string(),
                event: "record the card fed",
                expected: "feeding or encoding or printing".into(),
                got: job.state,
            });
        }
        tx.commit()
    }
}
