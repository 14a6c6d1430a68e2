//! A whole school batch at once (the BAST, berita acara serah terima): every printed card of
//! the batch to the school's representative in one transaction, counted by sex for the
//! official record; cards not printed yet stay as they are and are counted.

use serde_json::json;

use super::{check_name, hand_over_in_tx, HandOverRefusal, Relation};
use crate::journal::audit;
use crate::journal::error::Result;
use crate::journal::job_tx::load;
use crate::journal::state::JobState;
use crate::journal::types::{check_id, Actor, Timestamp};
use crate::journal::{Journal, Tx};

/// What a batch hand-over (BAST) recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchHandOver {
    /// Batch id.
    pub batch_id: String,
    /// When.
    pub at: Timestamp,
    /// Cards handed over now (every printed job of the batch).
    pub handed_over: u64,
    /// Of them, for boys (LAKI-LAKI).
    pub boys: u64,
    /// Of them, for girls (PEREMPUAN).
    pub girls: u64,
    /// Of them, whose sex is no longer known (personal data purged before the hand-over).
    pub sex_unknown: u64,
    /// Jobs of the batch handed over before.
    pub handed_over_before: u64,
    /// Jobs of the batch not printed (queued, in a printer, failed, cancelled...): not part
    /// of this hand-over.
    pub not_printed: u64,
    /// The job ids handed over now, in intake order.
    pub jobs: Vec<String>,
}

impl BatchHandOver {
    fn new(batch_id: &str, at: Timestamp) -> Self {
        BatchHandOver {
            batch_id: batch_id.to_string(),
            at,
            handed_over: 0,
            boys: 0,
            girls: 0,
            sex_unknown: 0,
            handed_over_before: 0,
            not_printed: 0,
            jobs: Vec::new(),
        }
    }

    /// Counts a card handed over now, by the holder's sex as the payload tells it (`None`
    /// once purged).
    fn count(&mut self, job_id: String, sex: Option<&str>) {
        self.handed_over += 1;
        match sex {
            Some("LAKI-LAKI") => self.boys += 1,
            Some("PEREMPUAN") => self.girls += 1,
            _ => self.sex_unknown += 1,
        }
        self.jobs.push(job_id);
    }
}

/// Every job of the batch in intake order: id, state code and the holder's sex.
fn batch_jobs(tx: &Tx<'_>, batch_id: &str) -> Result<Vec<(String, String, Option<String>)>> {
    let mut st = tx.tx.prepare_cached(
        "SELECT job_id, state, json_extract(payload, '$.person.sex') FROM jobs
         WHERE batch_id = ?1 ORDER BY id",
    )?;
    let rows = st.query_map([batch_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Hands over every printed job of the batch in the caller's transaction and counts the rest.
fn hand_over_printed(
    tx: &Tx<'_>,
    batch_id: &str,
    name: &str,
    relation: Relation,
    actor: &Actor,
) -> Result<BatchHandOver> {
    let mut out = BatchHandOver::new(batch_id, tx.now);
    for (job_id, state, sex) in batch_jobs(tx, batch_id)? {
        if state == JobState::HandedOver.code() {
            out.handed_over_before += 1;
            continue;
        }
        if state != JobState::Printed.code() {
            out.not_printed += 1;
            continue;
        }
        let mut job = load(&tx.tx, &job_id)?;
        hand_over_in_tx(tx, &mut job, name, relation, false, Some(batch_id), actor)?;
        out.count(job_id, sex.as_deref());
    }
    Ok(out)
}

/// The batch's audit row: the BAST's figures, no name.
fn audit_batch(tx: &Tx<'_>, actor: &Actor, relation: Relation, out: &BatchHandOver) -> Result<()> {
    audit::append(
        tx,
        actor,
        "batch.hand_over",
        &out.batch_id,
        &json!({
            "relation": relation.code(),
            "handed_over": out.handed_over,
            "boys": out.boys,
            "girls": out.girls,
            "sex_unknown": out.sex_unknown,
            "handed_over_before": out.handed_over_before,
            "not_printed": out.not_printed,
        }),
    )?;
    Ok(())
}

impl Journal {
    /// The BAST of a school batch: every printed job of `batch_id` is handed over to `to`
    /// (relation `sekolah`) in one transaction, with one `handed_over` event per job. Jobs of
    /// the batch not printed yet stay as they are and are counted. Refused when no printed
    /// job of the batch waits for hand-over.
    pub fn hand_over_batch(
        &mut self,
        batch_id: &str,
        to: &str,
        relation: Relation,
        actor: &Actor,
    ) -> Result<BatchHandOver> {
        check_id("batch id", batch_id)?;
        if relation != Relation::Sekolah {
            return Err(HandOverRefusal::RelationNotAllowed {
                relation,
                allowed: "a whole batch goes to sekolah; one card to kepala-keluarga or anggota-keluarga",
            }
            .into());
        }
        let name = check_name(to)?;
        let tx = self.write()?;
        let out = hand_over_printed(&tx, batch_id, name, relation, actor)?;
        if out.handed_over == 0 {
            return Err(HandOverRefusal::NothingToHandOver {
                batch: batch_id.to_string(),
                handed_over: out.handed_over_before,
                not_printed: out.not_printed,
            }
            .into());
        }
        audit_batch(&tx, actor, relation, &out)?;
        tx.commit()?;
        Ok(out)
    }
}
