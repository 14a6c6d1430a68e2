//! Hand-over at the pickup counter on the control API (operators):
//! `POST /v1/jobs/{job}/handover` (one card, to the family, against the pickup code when the
//! job carries one) and `POST /v1/batches/{batch}/handover` (every printed card of a school
//! batch to the school's representative: the batch's BAST). The recipient's name goes to the
//! journal only; it is never logged and never part of an answer.

use serde::{Deserialize, Serialize};

use super::auth::{Caller, Op};
use super::books::journal_refusal;
use super::{Books, Refusal};
use crate::journal::{HandOver, Journal, JournalError, Relation};

/// `POST /v1/jobs/{job}/handover`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandOverRequest {
    /// Name of whoever takes the card (personal data).
    pub to: String,
    /// `kepala-keluarga` or `anggota-keluarga`.
    pub relation: String,
    /// The applicant's pickup code; required when the job carries one.
    #[serde(default)]
    pub code: Option<String>,
    /// Stated name of the operator.
    #[serde(default)]
    pub operator: Option<String>,
}

impl std::fmt::Debug for HandOverRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandOverRequest")
            .field("to", &"<redacted>")
            .field("relation", &self.relation)
            .field("code", &self.code.as_ref().map(|_| "<redacted>"))
            .field("operator", &self.operator)
            .finish()
    }
}

/// `POST /v1/batches/{batch}/handover`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchHandOverRequest {
    /// Name of the school's representative (personal data).
    pub to: String,
    /// `sekolah`.
    pub relation: String,
    /// Stated name of the operator.
    #[serde(default)]
    pub operator: Option<String>,
}

impl std::fmt::Debug for BatchHandOverRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchHandOverRequest")
            .field("to", &"<redacted>")
            .field("relation", &self.relation)
            .field("operator", &self.operator)
            .finish()
    }
}

/// Answer to a hand-over of one card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandOverView {
    /// Job id.
    pub job_id: String,
    /// New state code (`diserahkan`).
    pub state: String,
    /// The state in Bahasa Indonesia.
    pub state_id: String,
    /// When (RFC 3339).
    pub at: String,
    /// Relation code.
    pub relation: String,
    /// The pickup code was checked.
    pub code_checked: bool,
    /// Operator as recorded.
    pub operator: String,
}

/// Answer to a batch hand-over: the figures of its BAST.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchHandOverView {
    /// Batch id.
    pub batch_id: String,
    /// When (RFC 3339).
    pub at: String,
    /// Cards handed over now.
    pub handed_over: u64,
    /// Of them, boys.
    pub boys: u64,
    /// Of them, girls.
    pub girls: u64,
    /// Of them, sex no longer known (data purged).
    pub sex_unknown: u64,
    /// Jobs of the batch handed over before.
    pub handed_over_before: u64,
    /// Jobs of the batch not printed (not part of this hand-over).
    pub not_printed: u64,
    /// The jobs handed over now.
    pub jobs: Vec<String>,
    /// Operator as recorded.
    pub operator: String,
}

fn relation(code: &str) -> Result<Relation, Refusal> {
    code.parse::<Relation>().map_err(journal_refusal)
}

/// A hand-over refusal keeps its own code; everything else as any journal refusal.
fn refusal(e: JournalError) -> Refusal {
    match &e {
        JournalError::HandOver(r) => {
            let status = match r {
                crate::journal::HandOverRefusal::BadName
                | crate::journal::HandOverRefusal::RelationNotAllowed { .. } => 400,
                _ => 409,
            };
            Refusal::of(status, r.code(), r)
        }
        _ => journal_refusal(e),
    }
}

impl Books {
    /// `POST /v1/jobs/{job}/handover`.
    pub fn hand_over(
        &self,
        j: &mut Journal,
        c: &Caller,
        job: &str,
        r: &HandOverRequest,
    ) -> Result<HandOverView, Refusal> {
        self.guard(j, c, Op::HandOver)?;
        let actor = c.actor(r.operator.as_deref())?;
        let h = HandOver {
            to: &r.to,
            relation: relation(&r.relation)?,
            pickup_code: r.code.as_deref(),
        };
        let rec = j.hand_over(job, &h, &actor).map_err(refusal)?;
        let state = crate::journal::JobState::HandedOver;
        Ok(HandOverView {
            job_id: rec.job_id,
            state: state.code().to_string(),
            state_id: state.label_id().to_string(),
            at: rec.at.to_string(),
            relation: rec.relation.code().to_string(),
            code_checked: rec.code_checked,
            operator: rec.handed_by,
        })
    }

    /// `POST /v1/batches/{batch}/handover`.
    pub fn hand_over_batch(
        &self,
        j: &mut Journal,
        c: &Caller,
        batch: &str,
        r: &BatchHandOverRequest,
    ) -> Result<BatchHandOverView, Refusal> {
        self.guard(j, c, Op::HandOver)?;
        let actor = c.actor(r.operator.as_deref())?;
        let b = j
            .hand_over_batch(batch, &r.to, relation(&r.relation)?, &actor)
            .map_err(refusal)?;
        Ok(BatchHandOverView {
            batch_id: b.batch_id,
            at: b.at.to_string(),
            handed_over: b.handed_over,
            boys: b.boys,
            girls: b.girls,
            sex_unknown: b.sex_unknown,
            handed_over_before: b.handed_over_before,
            not_printed: b.not_printed,
            jobs: b.jobs,
            operator: actor.id,
        })
    }
}
