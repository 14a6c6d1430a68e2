//! One card at the counter: handed to the head of the family or a family member, with the
//! applicant's pickup code checked when the job carries one; and reading a hand-over back.

use rusqlite::OptionalExtension;

use super::{check_name, hand_over_in_tx, pickup_code_hash, HandOverRefusal, Relation};
use crate::journal::error::{JournalError, Result};
use crate::journal::job_tx::{corrupt, load};
use crate::journal::state::JobState;
use crate::journal::types::{Actor, Timestamp};
use crate::journal::{Journal, Tx};

/// One card's hand-over as the operator states it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct HandOver<'a> {
    /// Name of whoever takes the card (personal data: stored until the purge, never logged).
    pub to: &'a str,
    /// `kepala-keluarga` or `anggota-keluarga`.
    pub relation: Relation,
    /// The applicant's pickup code, required when the job carries one.
    pub pickup_code: Option<&'a str>,
}

impl std::fmt::Debug for HandOver<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandOver")
            .field("to", &"<redacted>")
            .field("relation", &self.relation)
            .field("pickup_code", &self.pickup_code.map(|_| "<redacted>"))
            .finish()
    }
}

/// A hand-over as recorded.
#[derive(Clone, PartialEq, Eq)]
pub struct HandOverRecord {
    /// Job id.
    pub job_id: String,
    /// When.
    pub at: Timestamp,
    /// Who took the card; `None` once purged.
    pub recipient_name: Option<String>,
    /// Their relation to the holder.
    pub relation: Relation,
    /// The applicant's pickup code was checked.
    pub code_checked: bool,
    /// Set when handed over with its whole batch.
    pub batch_id: Option<String>,
    /// The operator as the audit trail records them (label).
    pub handed_by: String,
    /// The operator's Unix uid, as the kernel named it.
    pub handed_by_uid: Option<u32>,
    /// The operator's Unix user name.
    pub handed_by_user: Option<String>,
}

impl std::fmt::Debug for HandOverRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandOverRecord")
            .field("job_id", &self.job_id)
            .field("at", &self.at)
            .field(
                "recipient_name",
                &self.recipient_name.as_ref().map(|_| "<redacted>"),
            )
            .field("relation", &self.relation)
            .field("code_checked", &self.code_checked)
            .field("batch_id", &self.batch_id)
            .field("handed_by", &self.handed_by)
            .finish_non_exhaustive()
    }
}

fn record_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(HandOverRecord, String)> {
    Ok((
        HandOverRecord {
            job_id: r.get(0)?,
            at: Timestamp(r.get(1)?),
            recipient_name: r.get(2)?,
            // Parsed by the caller (a CHECK constraint keeps the column to the three codes).
            relation: Relation::KepalaKeluarga,
            code_checked: r.get(4)?,
            batch_id: r.get(5)?,
            handed_by: r.get(6)?,
            handed_by_uid: r.get(7)?,
            handed_by_user: r.get(8)?,
        },
        r.get(3)?,
    ))
}

/// Checks the given pickup code against the job's stored hash; returns whether a code was
/// checked. Refused when the job carries a code and none or a wrong one was given, or when a
/// code was given for a job that carries none.
fn check_pickup_code(tx: &Tx<'_>, job_id: &str, given: Option<&str>) -> Result<bool> {
    let stored: Option<String> = tx
        .tx
        .prepare_cached("SELECT pickup_code_hash FROM jobs WHERE job_id = ?1")?
        .query_row([job_id], |r| r.get(0))?;
    let given = given.map(str::trim).filter(|c| !c.is_empty());
    match (stored, given) {
        (Some(_), None) => Err(HandOverRefusal::CodeRequired { job: job_id.into() }.into()),
        (Some(s), Some(c)) if s != pickup_code_hash(job_id, c) => {
            Err(HandOverRefusal::CodeMismatch { job: job_id.into() }.into())
        }
        (None, Some(_)) => Err(HandOverRefusal::NoCodeOnJob { job: job_id.into() }.into()),
        (stored, _) => Ok(stored.is_some()),
    }
}

impl Journal {
    /// printed → diserahkan: the card of `job_id` is handed over to `h.to` (head of family or
    /// a family member). When the job carries a pickup code, `h.pickup_code` must match it.
    /// Refused — with nothing recorded — when the job is not printed, was handed over before
    /// (with the time of the first hand-over), or the code is missing or wrong.
    pub fn hand_over(
        &mut self,
        job_id: &str,
        h: &HandOver<'_>,
        actor: &Actor,
    ) -> Result<HandOverRecord> {
        if h.relation == Relation::Sekolah {
            return Err(HandOverRefusal::RelationNotAllowed {
                relation: h.relation,
                allowed: "one card goes to kepala-keluarga or anggota-keluarga; a whole batch to sekolah",
            }
            .into());
        }
        let name = check_name(h.to)?;
        let tx = self.write()?;
        let mut job = load(&tx.tx, job_id)?;
        let code_checked = if job.state == JobState::Printed {
            check_pickup_code(&tx, job_id, h.pickup_code)?
        } else {
            false
        };
        hand_over_in_tx(&tx, &mut job, name, h.relation, code_checked, None, actor)?;
        tx.commit()?;
        self.handover_of(job_id)?
            .ok_or_else(|| corrupt(job_id, "hand-over not recorded".into()))
    }

    /// The hand-over of one job, if it was handed over.
    pub fn handover_of(&self, job_id: &str) -> Result<Option<HandOverRecord>> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT job_id, at, recipient_name, relation, code_checked, batch_id, handed_by,
                        handed_by_uid, handed_by_user
                 FROM handovers WHERE job_id = ?1",
            )?
            .query_row([job_id], record_from_row)
            .optional()?;
        row.map(|(mut rec, relation)| {
            rec.relation = relation
                .parse()
                .map_err(|e: JournalError| corrupt(job_id, e.to_string()))?;
            Ok(rec)
        })
        .transpose()
    }
}
