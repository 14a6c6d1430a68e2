//! Leases of server jobs (issues 5 and 10). A job pulled (or pushed with a lease) carries
//! `lease_id`, `lease_expires_at` and `lease_granted_at` (columns written at intake and at each
//! renewal). Rules:
//! - **Ownership.** From its first `printing` event (`owned_since`, set by the first feed) a
//!   job belongs to this station until it ends `printed`, `failed` or is cancelled by the server
//!   or an operator. Its lease no longer matters: it is not renewed, a lost or expired lease
//!   never drops it and a shutdown never gives it back ([`LeaseDrop::Owned`]). A requeue after
//!   a spoiled card (or a doubt resolved as spoiled) keeps the ownership.
//! - A job whose lease is lost (renewal refused, or the journal clock passes the expiry) and
//!   that was never owned is dropped: `cancelled` with reason `lease_lost` (or
//!   `lease_released` at shutdown), with its `cancelled` event; a loss (not a release) also
//!   raises a `lease_lost` alert.
//! - `feed` refuses a never-owned job whose lease has expired by the journal clock, in its own
//!   transaction (see `jobs.rs`), so a worker can never print a job the server may have given
//!   to another station.
//! - A job dropped for its lease and offered again under a new lease is queued again
//!   ([`Journal::lease_requeue`]).

use rusqlite::{params, OptionalExtension};
use serde_json::json;

use super::error::{JournalError, Result};
use super::job_tx::{load, transition, JobRow, StepInfo};
use super::outbox;
use super::state::{JobState, Step};
use super::types::{Actor, BlangkoType, Timestamp};
use super::{Journal, Tx};

/// Reason code of a job dropped because its lease was lost.
pub const LEASE_LOST: &str = "lease_lost";
/// Reason code of a job dropped because the station released its lease (shutdown).
pub const LEASE_RELEASED: &str = "lease_released";
/// Alert kind raised when a job's lease is lost before it reached a printer (key: the job id).
pub const LEASE_LOST_ALERT: &str = "lease_lost";

/// A lease the station holds for a job that is not terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldLease {
    /// Job id.
    pub job_id: String,
    /// Lease id.
    pub lease_id: String,
    /// Expiry as last granted.
    pub expires_at: Timestamp,
    /// When that expiry was granted (intake or last renewal); `None` in rows written before
    /// the column existed (renew at once).
    pub granted_at: Option<Timestamp>,
    /// The job's state.
    pub state: JobState,
}

/// What [`Journal::lease_lost`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaseDrop {
    /// The job was not in a printer: cancelled, never printed.
    Dropped,
    /// The job is terminal: left as it is.
    Kept(JobState),
    /// The job reached a printer once and belongs to this station: owned, kept (never
    /// dropped or given back for its lease).
    Owned(JobState),
}

/// Whether the job reached a printer once (its first `printing` event): it belongs to this
/// station whatever happens to its lease.
pub(crate) fn is_owned(conn: &rusqlite::Connection, job_id: &str) -> Result<bool> {
    let owned: Option<Option<i64>> = conn
        .prepare_cached("SELECT owned_since FROM jobs WHERE job_id = ?1")?
        .query_row([job_id], |r| r.get(0))
        .optional()?;
    Ok(matches!(owned, Some(Some(_))))
}

/// Whether the job's lease forbids feeding it now (expired by `now`, or marked lost).
/// An owned job is never refused: it belongs to this station.
pub(crate) fn lease_forbids_feed(tx: &Tx<'_>, job_id: &str) -> Result<bool> {
    let row: Option<(Option<i64>, Option<i64>, Option<i64>)> = tx
        .tx
        .prepare_cached(
            "SELECT lease_expires_at, lease_lost_at, owned_since FROM jobs WHERE job_id = ?1",
        )?
        .query_row([job_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(match row {
        Some((_, _, Some(_))) => false,
        Some((_, Some(_), None)) => true,
        Some((Some(exp), None, None)) => exp <= tx.now.0,
        _ => false,
    })
}

/// Drops a never-owned job because of its lease (in the caller's transaction). An owned job
/// is left untouched ([`LeaseDrop::Owned`]).
pub(crate) fn drop_in_tx(tx: &Tx<'_>, job: &mut JobRow, reason: &str) -> Result<LeaseDrop> {
    if is_owned(&tx.tx, &job.job_id)? {
        return Ok(LeaseDrop::Owned(job.state));
    }
    tx.tx
        .prepare_cached(
            "UPDATE jobs SET lease_lost_at = COALESCE(lease_lost_at, ?2) WHERE job_id = ?1",
        )?
        .execute(params![job.job_id, tx.now.0])?;
    if !matches!(
        job.state,
        JobState::Queued | JobState::Preparing | JobState::Ready
    ) {
        return Ok(LeaseDrop::Kept(job.state));
    }
    job.printer_id = None;
    let info = StepInfo {
        reason: Some(reason),
        ..StepInfo::default()
    };
    let actor = Actor::system();
    transition(tx, job, Step::Cancel, &info, &actor)?;
    outbox::push(
        tx,
        Some(&job.job_id),
        "cancelled",
        match json!({ "reason": reason, "operator": actor.id }) {
            serde_json::Value::Object(m) => m,
            _ => serde_json::Map::new(),
        },
    )?;
    if reason == LEASE_LOST {
        let id = &job.job_id;
        super::alerts::raise_in_tx(
            tx,
            LEASE_LOST_ALERT,
            id,
            &format!(
                "job {id} dropped before printing: its lease was lost (the server may give it to another station)"
            ),
            &format!(
                "job {id} dibatalkan sebelum dicetak: sewa (lease) hilang (server dapat memberikannya ke stasiun lain)"
            ),
        )?;
    }
    Ok(LeaseDrop::Dropped)
}

impl Journal {
    /// Leases to keep: held for jobs that never reached a printer, are not terminal and whose
    /// lease is not lost, oldest job first. An owned job's lease is not renewed.
    pub fn leases_held(&self) -> Result<Vec<HeldLease>> {
        let mut st = self.conn.prepare_cached(
            "SELECT job_id, lease_id, lease_expires_at, state, lease_granted_at FROM jobs
             WHERE lease_id IS NOT NULL AND lease_expires_at IS NOT NULL
               AND lease_lost_at IS NULL AND owned_since IS NULL
               AND state NOT IN ('printed', 'diserahkan', 'failed', 'rejected', 'cancelled', 'superseded')
             ORDER BY id",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<i64>>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (job_id, lease_id, exp, state, granted) = row?;
            let state = state
                .parse()
                .map_err(|e: JournalError| super::job_tx::corrupt(&job_id, e.to_string()))?;
            out.push(HeldLease {
                job_id,
                lease_id,
                expires_at: Timestamp(exp),
                granted_at: granted.map(Timestamp),
                state,
            });
        }
        Ok(out)
    }

    /// The lease of one job, if it has one: `(lease_id, expires_at, lost)`.
    pub fn lease_of(&self, job_id: &str) -> Result<Option<(String, Timestamp, bool)>> {
        let row: Option<(Option<String>, Option<i64>, Option<i64>)> = self
            .conn
            .prepare_cached(
                "SELECT lease_id, lease_expires_at, lease_lost_at FROM jobs WHERE job_id = ?1",
            )?
            .query_row([job_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        Ok(match row {
            Some((Some(l), Some(e), lost)) => Some((l, Timestamp(e), lost.is_some())),
            _ => None,
        })
    }

    /// Records a renewal (or a new lease for a job already held, e.g. a duplicate offer), granted
    /// now. Ignored for a job whose lease was lost, that is owned or that is terminal.
    pub fn lease_renewed(
        &mut self,
        job_id: &str,
        lease_id: &str,
        expires_at: Timestamp,
    ) -> Result<bool> {
        let tx = self.write()?;
        let n = tx.tx.execute(
            "UPDATE jobs SET lease_id = ?2, lease_expires_at = ?3, lease_granted_at = ?4
             WHERE job_id = ?1 AND lease_lost_at IS NULL AND owned_since IS NULL
               AND state NOT IN ('printed', 'diserahkan', 'failed', 'rejected', 'cancelled', 'superseded')",
            params![job_id, lease_id, expires_at.0, tx.now.0],
        )?;
        tx.commit()?;
        Ok(n > 0)
    }

    /// The lease is gone (`reason` [`LEASE_LOST`] or [`LEASE_RELEASED`]): a job that never
    /// reached a printer is cancelled and never printed ([`LeaseDrop::Dropped`]); an owned job
    /// is kept and stays this station's ([`LeaseDrop::Owned`]), a terminal one is left as it is.
    pub fn lease_lost(&mut self, job_id: &str, reason: &str) -> Result<LeaseDrop> {
        let tx = self.write()?;
        let mut job = load(&tx.tx, job_id)?;
        let out = drop_in_tx(&tx, &mut job, reason)?;
        tx.commit()?;
        Ok(out)
    }

    /// Drops every never-owned job not in a printer whose lease has expired by the journal clock
    /// (the server could not be reached to renew it). Returns the dropped job ids.
    pub fn drop_expired_leases(&mut self) -> Result<Vec<String>> {
        let tx = self.write()?;
        let ids: Vec<String> = {
            let mut st = tx.tx.prepare_cached(
                "SELECT job_id FROM jobs WHERE lease_expires_at IS NOT NULL
                   AND lease_expires_at <= ?1 AND lease_lost_at IS NULL AND owned_since IS NULL
                   AND state IN ('queued', 'preparing', 'ready') ORDER BY id",
            )?;
            let rows = st.query_map([tx.now.0], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for id in &ids {
            let mut job = load(&tx.tx, id)?;
            drop_in_tx(&tx, &mut job, LEASE_LOST)?;
        }
        tx.commit()?;
        Ok(ids)
    }

    /// Whether the job reached a printer once and so belongs to this station (see the module
    /// doc). False for an unknown job.
    pub fn is_owned(&self, job_id: &str) -> Result<bool> {
        is_owned(&self.conn, job_id)
    }

    /// Whether a job was dropped for its lease (and may be queued again under a new one).
    pub fn dropped_for_lease(&self, job_id: &str) -> Result<bool> {
        let row: Option<(String, Option<String>, Option<i64>)> = self
            .conn
            .prepare_cached("SELECT state, reason, lease_lost_at FROM jobs WHERE job_id = ?1")?
            .query_row([job_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        Ok(matches!(row, Some((s, Some(r), Some(_)))
            if s == "cancelled" && (r == LEASE_LOST || r == LEASE_RELEASED)))
    }

    /// A job dropped for its lease, offered again under a new lease: queued again with it
    /// (history step `requeue_leased`, event `requeued` with reason `new_lease`). Refused for any
    /// other job, and for one whose payload has been purged.
    pub fn lease_requeue(
        &mut self,
        job_id: &str,
        lease_id: &str,
        expires_at: Timestamp,
    ) -> Result<()> {
        let dropped = self.dropped_for_lease(job_id)?;
        let tx = self.write()?;
        let mut job = load(&tx.tx, job_id)?;
        let has_payload: bool = tx.tx.query_row(
            "SELECT payload IS NOT NULL FROM jobs WHERE job_id = ?1",
            [job_id],
            |r| r.get(0),
        )?;
        if !dropped || !has_payload {
            return Err(JournalError::IllegalTransition {
                job: job_id.to_string(),
                event: "requeue under a new lease",
                expected: "cancelled (lease lost or released, payload kept)".into(),
                got: job.state,
            });
        }
        let from = job.state;
        job.state = JobState::Queued;
        job.printer_id = None;
        super::job_tx::history(
            &tx,
            &job,
            "requeue_leased",
            Some(from),
            JobState::Queued,
            &StepInfo {
                reason: Some("new_lease"),
                ..StepInfo::default()
            },
            &Actor::system(),
        )?;
        tx.tx.execute(
            "UPDATE jobs SET state = 'queued', printer_id = NULL, reason = NULL, updated_at = ?2,
                 lease_id = ?3, lease_expires_at = ?4, lease_lost_at = NULL, lease_granted_at = ?2
             WHERE job_id = ?1",
            params![job_id, tx.now.0, lease_id, expires_at.0],
        )?;
        // The job is back: its lease-lost alert no longer holds.
        tx.tx.execute(
            "UPDATE alerts SET cleared_at = ?3 WHERE kind = ?1 AND key = ?2 AND cleared_at IS NULL",
            params![LEASE_LOST_ALERT, job_id, tx.now.0],
        )?;
        outbox::push(
            &tx,
            Some(job_id),
            "requeued",
            match json!({ "reason": "new_lease" }) {
                serde_json::Value::Object(m) => m,
                _ => serde_json::Map::new(),
            },
        )?;
        tx.commit()
    }

    /// Jobs not yet in a printer (queued, preparing, ready) per blangko type: the puller claims
    /// only while this is below its bound.
    pub fn unfed_counts(&self) -> Result<std::collections::BTreeMap<BlangkoType, u64>> {
        let mut st = self.conn.prepare_cached(
            "SELECT blangko_type, COUNT(*) FROM jobs
             WHERE state IN ('queued', 'preparing', 'ready') AND blangko_type IS NOT NULL
             GROUP BY blangko_type",
        )?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut out = std::collections::BTreeMap::new();
        for row in rows {
            let (t, n) = row?;
            let t: BlangkoType = t.parse()?;
            out.insert(t, n.max(0) as u64);
        }
        Ok(out)
    }
}
