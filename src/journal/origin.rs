//! Where a job came from (local file, pull, push, bundle) and the lease the server holds it
//! under, written in the same transaction as the intake; and the report of a document refused
//! before it could be trusted (bad or missing signature), which takes no job id.

use rusqlite::{params, OptionalExtension};
use serde_json::json;

use super::error::{JournalError, Result};
use super::intake::{check_new, check_rejected, insert_new, insert_rejected};
use super::types::{check_id, Timestamp};
use super::{Enqueued, Journal, NewJob, RejectedJob, Tx};

/// A job's origin as stored in `jobs.origin`, `jobs.lease_id`, `jobs.lease_expires_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSource {
    /// `local`, `pull`, `push` or `bundle:<name>`.
    pub origin: String,
    /// Lease under which the server handed the job out, if any.
    pub lease_id: Option<String>,
    /// When that lease ends unless renewed.
    pub lease_expires_at: Option<Timestamp>,
}

impl JobSource {
    /// A job taken in from a local file (spool, `cetak submit`).
    pub fn local() -> JobSource {
        JobSource {
            origin: "local".into(),
            lease_id: None,
            lease_expires_at: None,
        }
    }

    fn check(&self) -> Result<()> {
        if self.origin.is_empty() || self.origin.len() > 200 || self.origin.contains('\n') {
            return Err(JournalError::InvalidInput(format!(
                "job origin {:?} is not acceptable",
                self.origin
            )));
        }
        if let Some(l) = &self.lease_id {
            check_id("lease id", l)?;
        }
        Ok(())
    }
}

fn store_source(tx: &Tx<'_>, job_id: &str, source: &JobSource) -> Result<()> {
    tx.tx
        .prepare_cached(
            "UPDATE jobs SET origin = ?2, lease_id = ?3, lease_expires_at = ?4,
                 lease_granted_at = CASE WHEN ?4 IS NULL THEN NULL ELSE ?5 END
             WHERE job_id = ?1",
        )?
        .execute(params![
            job_id,
            source.origin,
            source.lease_id,
            source.lease_expires_at.map(|t| t.0),
            tx.now.0
        ])?;
    Ok(())
}

impl Journal {
    /// [`Journal::enqueue`] recording where the job came from. A job already known keeps its
    /// first origin and lease: nothing changes.
    pub fn enqueue_from(&mut self, job: &NewJob, source: &JobSource) -> Result<Enqueued> {
        check_new(job)?;
        source.check()?;
        let tx = self.write()?;
        let out = insert_new(&tx, job)?;
        if matches!(out, Enqueued::Added | Enqueued::DuplicateInBatch { .. }) {
            store_source(&tx, &job.job_id, source)?;
        }
        tx.commit()?;
        Ok(out)
    }

    /// [`Journal::reject`] with a reason code for the server (`invalid_job`, …) and the origin.
    pub fn reject_from(
        &mut self,
        job: &RejectedJob,
        code: &str,
        source: &JobSource,
    ) -> Result<Enqueued> {
        check_rejected(job)?;
        check_id("reason code", code)?;
        source.check()?;
        let tx = self.write()?;
        let out = insert_rejected(&tx, job, code)?;
        if out == Enqueued::Added {
            store_source(&tx, &job.job_id, source)?;
        }
        tx.commit()?;
        Ok(out)
    }

    /// Reports a document refused before its signature could be trusted. It gets no job row
    /// (an unverified document must not occupy a job id the genuine job will need), only a
    /// `rejected` event naming the job id it claims, so the server can correlate. `digest`
    /// (hex SHA-256 of what was received) makes it idempotent: the same bytes again report
    /// nothing new. Returns whether an event was written.
    pub fn report_unverified(
        &mut self,
        claimed_job_id: Option<&str>,
        digest: &str,
        code: &str,
        reason: &str,
        source: &JobSource,
    ) -> Result<bool> {
        if let Some(id) = claimed_job_id {
            check_id("job id", id)?;
        }
        check_id("digest", digest)?;
        check_id("reason code", code)?;
        source.check()?;
        let tx = self.write()?;
        let seen: Option<i64> = tx
            .tx
            .query_row(
                "SELECT seq FROM outbox WHERE kind = 'rejected'
                 AND json_extract(body, '$.digest') = ?1 LIMIT 1",
                [digest],
                |r| r.get(0),
            )
            .optional()?;
        if seen.is_some() {
            return Ok(false);
        }
        super::outbox::push(
            &tx,
            claimed_job_id,
            "rejected",
            serde_json::Map::from_iter([
                ("reason".to_string(), json!(reason)),
                ("code".to_string(), json!(code)),
                ("verified".to_string(), json!(false)),
                ("digest".to_string(), json!(digest)),
                ("origin".to_string(), json!(source.origin)),
            ]),
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Origin and lease of a job, `None` for an unknown job id.
    pub fn job_source(&self, job_id: &str) -> Result<Option<JobSource>> {
        let row: Option<(Option<String>, Option<String>, Option<i64>)> = self
            .conn
            .query_row(
                "SELECT origin, lease_id, lease_expires_at FROM jobs WHERE job_id = ?1",
                [job_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(row.map(|(origin, lease_id, exp)| JobSource {
            // Jobs queued before this column existed came from the spool.
            origin: origin.unwrap_or_else(|| "local".into()),
            lease_id,
            lease_expires_at: exp.map(Timestamp),
        }))
    }
}
