//! Hand-over at the pickup counter (seeds 000, 001): a printed card is given to the head of
//! the family or a family member (who shows the originals and, when the job carries one, the
//! applicant's pickup code), or — for a school batch — the whole batch to the school's
//! representative, whose record is the BAST (berita acara serah terima) of the batch.
//!
//! printed → diserahkan, once: the state, the history row, the hand-over record, the
//! `handed_over` event and the audit row are one transaction. A second hand-over is refused
//! with the time of the first. The recipient's name is personal data: it is kept in the
//! `handovers` table only (never in the history, the audit trail, an event or a log) and is
//! cleared by the personal-data purge together with the job's payload.
//!
//! Parts: `refusal` (who may take a card, why a hand-over is refused), `keys` (the hashes kept
//! instead of pickup codes and NIKs, the name purge), `single` (one card to the family),
//! `batch` (a whole batch to the school); this file holds the step both share.

use rusqlite::{params, OptionalExtension};
use serde_json::json;

use super::audit;
use super::error::Result;
use super::job_tx::{check_step, transition, JobRow, StepInfo};
use super::outbox;
use super::state::{JobState, Step};
use super::types::{Actor, Timestamp};
use super::Tx;

mod batch;
mod keys;
mod refusal;
mod single;
#[cfg(test)]
mod tests;

pub use batch::BatchHandOver;
pub use keys::{batch_nik_key, pickup_code_hash};
pub(crate) use keys::{purge_names, remember_pickup_code};
pub use refusal::{HandOverRefusal, Relation};
pub use single::{HandOver, HandOverRecord};

/// Longest recipient name accepted (the job schema allows names of 60 characters; a stated
/// name may carry a title).
const MAX_NAME_CHARS: usize = 100;

fn check_name(to: &str) -> Result<&str> {
    let name = to.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(HandOverRefusal::BadName.into());
    }
    Ok(name)
}

fn first_handover(tx: &Tx<'_>, job_id: &str) -> Result<Option<Timestamp>> {
    Ok(tx
        .tx
        .prepare_cached("SELECT at FROM handovers WHERE job_id = ?1")?
        .query_row([job_id], |r| r.get(0))
        .optional()?
        .map(Timestamp))
}

/// printed → diserahkan in the caller's transaction, with its record, event and audit row.
fn hand_over_in_tx(
    tx: &Tx<'_>,
    job: &mut JobRow,
    name: &str,
    relation: Relation,
    code_checked: bool,
    batch_id: Option<&str>,
    actor: &Actor,
) -> Result<()> {
    if job.state == JobState::HandedOver {
        let at = first_handover(tx, &job.job_id)?.unwrap_or(Timestamp(0));
        return Err(HandOverRefusal::AlreadyHandedOver {
            job: job.job_id.clone(),
            at,
        }
        .into());
    }
    check_step(job, Step::HandOver)?;
    let reason = format!("handed over to {}", relation.code());
    let info = StepInfo {
        reason: Some(&reason),
        ..StepInfo::default()
    };
    transition(tx, job, Step::HandOver, &info, actor)?;
    tx.tx
        .prepare_cached(
            "INSERT INTO handovers (job_id, at, recipient_name, relation, code_checked, batch_id,
                                    handed_by, handed_by_uid, handed_by_user)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            job.job_id,
            tx.now.0,
            name,
            relation.code(),
            code_checked,
            batch_id,
            actor.id,
            actor.uid,
            actor.user,
        ])?;
    // No name in the event: outbox bodies outlive the personal-data purge.
    outbox::push(
        tx,
        Some(&job.job_id),
        "handed_over",
        serde_json::Map::from_iter([
            ("handed_over_at".to_string(), json!(tx.now.to_string())),
            ("relation".to_string(), json!(relation.code())),
            ("code_checked".to_string(), json!(code_checked)),
            ("batch_id".to_string(), json!(batch_id)),
            ("operator".to_string(), json!(actor.id)),
        ]),
    )?;
    audit::append(
        tx,
        actor,
        "job.hand_over",
        &job.job_id,
        &json!({
            "relation": relation.code(),
            "code_checked": code_checked,
            "batch": batch_id,
        }),
    )?;
    Ok(())
}
