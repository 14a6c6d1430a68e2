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

use rusqlite::{params, OptionalExtension};
use serde_json::json;
use sha2::Digest;

use super::audit;
use super::error::{JournalError, Result};
use super::job_tx::{check_step, load, transition, JobRow, StepInfo};
use super::outbox;
use super::state::{JobState, Step};
use super::types::{check_id, Actor, Timestamp};
use super::{Journal, Tx};

/// Longest recipient name accepted (the job schema allows names of 60 characters; a stated
/// name may carry a title).
const MAX_NAME_CHARS: usize = 100;

/// Who took the card, as seed 000 allows: only the family named on the Kartu Keluarga, or for a
/// collective programme the school.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// The head of the family (kepala keluarga).
    KepalaKeluarga,
    /// A member of the family on the same Kartu Keluarga (anggota keluarga).
    AnggotaKeluarga,
    /// The school's representative taking a whole batch (BAST); batch hand-over only.
    Sekolah,
}

impl Relation {
    /// Every relation.
    pub const ALL: [Relation; 3] = [
        Relation::KepalaKeluarga,
        Relation::AnggotaKeluarga,
        Relation::Sekolah,
    ];

    /// Stable code (journal, CLI, events): `kepala-keluarga`, `anggota-keluarga`, `sekolah`.
    pub fn code(self) -> &'static str {
        match self {
            Relation::KepalaKeluarga => "kepala-keluarga",
            Relation::AnggotaKeluarga => "anggota-keluarga",
            Relation::Sekolah => "sekolah",
        }
    }

    /// Bahasa Indonesia label.
    pub fn label_id(self) -> &'static str {
        match self {
            Relation::KepalaKeluarga => "kepala keluarga",
            Relation::AnggotaKeluarga => "anggota keluarga",
            Relation::Sekolah => "perwakilan sekolah",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Relation::KepalaKeluarga => "head of family",
            Relation::AnggotaKeluarga => "family member",
            Relation::Sekolah => "school representative",
        }
    }
}

impl std::fmt::Display for Relation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Relation {
    type Err = JournalError;
    fn from_str(s: &str) -> Result<Self> {
        Relation::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| {
                JournalError::InvalidInput(format!(
                    "unknown relation {s:?} (expected kepala-keluarga, anggota-keluarga or sekolah)"
                ))
            })
    }
}

/// Why a hand-over was refused. Nothing was recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HandOverRefusal {
    /// The card was handed over before. Nothing to do: look at who took it
    /// (`cetak status`, the audit trail).
    #[error("job {job} was already handed over at {at}")]
    AlreadyHandedOver {
        /// Job id.
        job: String,
        /// When it was handed over the first time.
        at: Timestamp,
    },
    /// The job carries a pickup code and none was given. Scan or type the applicant's code.
    #[error("job {job} carries a pickup code: give the applicant's code (--code)")]
    CodeRequired {
        /// Job id.
        job: String,
    },
    /// The code given is not the job's. Check the code and the card; do not hand it over.
    #[error("job {job}: the pickup code does not match; the card is not handed over")]
    CodeMismatch {
        /// Job id.
        job: String,
    },
    /// A code was given for a job that carries none. Check that this is the right card; hand
    /// it over without a code.
    #[error("job {job} carries no pickup code; check the card, then hand it over without --code")]
    NoCodeOnJob {
        /// Job id.
        job: String,
    },
    /// One card goes to the family (kepala-keluarga or anggota-keluarga); a whole batch to
    /// the school (sekolah).
    #[error("relation {relation} is not allowed here: {allowed}")]
    RelationNotAllowed {
        /// The relation given.
        relation: Relation,
        /// What is allowed, in English.
        allowed: &'static str,
    },
    /// The name of whoever takes the card is required (1–100 characters, no control
    /// characters).
    #[error("the recipient's name is required (1-100 characters, no control characters)")]
    BadName,
    /// The batch has no printed card waiting for hand-over. Check the batch id; wait for its
    /// cards to be printed.
    #[error("batch {batch} has no printed card waiting for hand-over ({handed_over} already handed over, {not_printed} not printed)")]
    NothingToHandOver {
        /// Batch id.
        batch: String,
        /// Jobs of the batch handed over before.
        handed_over: u64,
        /// Jobs of the batch not printed (queued, failed, ...).
        not_printed: u64,
    },
}

impl HandOverRefusal {
    /// Stable code for the control API and the CLI.
    pub fn code(&self) -> &'static str {
        match self {
            HandOverRefusal::AlreadyHandedOver { .. } => "already_handed_over",
            HandOverRefusal::CodeRequired { .. } => "pickup_code_required",
            HandOverRefusal::CodeMismatch { .. } => "pickup_code_mismatch",
            HandOverRefusal::NoCodeOnJob { .. } => "no_pickup_code",
            HandOverRefusal::RelationNotAllowed { .. } => "relation_not_allowed",
            HandOverRefusal::BadName => "bad_recipient_name",
            HandOverRefusal::NothingToHandOver { .. } => "nothing_to_hand_over",
        }
    }
}

impl crate::messages::Message for HandOverRefusal {
    fn message_code(&self) -> &'static str {
        match self {
            HandOverRefusal::AlreadyHandedOver { .. } => "handover.already_handed_over",
            HandOverRefusal::CodeRequired { .. } => "handover.pickup_code_required",
            HandOverRefusal::CodeMismatch { .. } => "handover.pickup_code_mismatch",
            HandOverRefusal::NoCodeOnJob { .. } => "handover.no_pickup_code",
            HandOverRefusal::RelationNotAllowed { .. } => "handover.relation_not_allowed",
            HandOverRefusal::BadName => "handover.bad_recipient_name",
            HandOverRefusal::NothingToHandOver { .. } => "handover.nothing_to_hand_over",
        }
    }

    fn message_args(&self) -> crate::messages::Args {
        let args = crate::messages::Args::new();
        match self {
            HandOverRefusal::AlreadyHandedOver { job, at } => args.with("job", job).with("at", at),
            HandOverRefusal::CodeRequired { job }
            | HandOverRefusal::CodeMismatch { job }
            | HandOverRefusal::NoCodeOnJob { job } => args.with("job", job),
            HandOverRefusal::RelationNotAllowed { relation, .. } => args.with("relation", relation),
            HandOverRefusal::BadName => args,
            HandOverRefusal::NothingToHandOver {
                batch,
                handed_over,
                not_printed,
            } => args
                .with("batch", batch)
                .with("handed_over", handed_over)
                .with("not_printed", not_printed),
        }
    }
}

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

/// The hash of a pickup code as the journal keeps it: SHA-256 over a fixed label, the job id
/// and the code (surrounding white space removed, as a scanner may add a newline), hex. Bound
/// to the job so the same code on two jobs gives two hashes.
pub fn pickup_code_hash(job_id: &str, code: &str) -> String {
    let mut h = sha2::Sha256::new();
    h.update(b"cetak-pickup-code-v1\0");
    h.update(job_id.as_bytes());
    h.update(b"\0");
    h.update(code.trim().as_bytes());
    hex::encode(h.finalize())
}

/// The key under which a batch remembers a holder's NIK ([`crate::journal::NewJob::batch_nik`]):
/// SHA-256 over a label, the journal's random id, the batch id and the NIK. Keyed by the
/// journal file so that equal keys in two stations' journals say nothing; still reversible by
/// whoever holds the journal (a NIK's masked form leaves few candidates), hence purged with the
/// payload.
pub fn batch_nik_key(journal_id: &str, batch_id: &str, nik: &str) -> String {
    let mut h = sha2::Sha256::new();
    h.update(b"cetak-batch-nik-v1\0");
    h.update(journal_id.as_bytes());
    h.update(b"\0");
    h.update(batch_id.as_bytes());
    h.update(b"\0");
    h.update(nik.as_bytes());
    hex::encode(h.finalize())
}

/// At intake: keeps the hash of the document's `pickup_code`, if it has one.
pub(crate) fn remember_pickup_code(tx: &Tx<'_>, job_id: &str, payload: &str) -> Result<()> {
    // Cheap test first: bulk intake of a school batch carries no pickup codes.
    if !payload.contains("\"pickup_code\"") {
        return Ok(());
    }
    #[derive(serde::Deserialize)]
    struct Pickup {
        #[serde(default)]
        pickup_code: Option<String>,
    }
    let Ok(Pickup {
        pickup_code: Some(code),
    }) = serde_json::from_str::<Pickup>(payload)
    else {
        return Ok(());
    };
    tx.tx
        .prepare_cached("UPDATE jobs SET pickup_code_hash = ?2 WHERE job_id = ?1")?
        .execute(params![job_id, pickup_code_hash(job_id, &code)])?;
    Ok(())
}

/// Clears the names of recipients whose job's personal data is purged and whose hand-over is
/// older than `older_than` (a card handed over after its job was purged keeps the name for
/// the same retention). Returns how many.
pub(crate) fn purge_names(tx: &Tx<'_>, older_than: Timestamp) -> Result<usize> {
    Ok(tx.tx.execute(
        "UPDATE handovers SET recipient_name = NULL
         WHERE recipient_name IS NOT NULL AND at < ?1 AND EXISTS
             (SELECT 1 FROM jobs j WHERE j.job_id = handovers.job_id AND j.payload IS NULL)",
        [older_than.0],
    )?)
}

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
        let mut code_checked = false;
        if job.state == JobState::Printed {
            let stored: Option<String> = tx
                .tx
                .prepare_cached("SELECT pickup_code_hash FROM jobs WHERE job_id = ?1")?
                .query_row([job_id], |r| r.get(0))?;
            let given = h.pickup_code.map(str::trim).filter(|c| !c.is_empty());
            match (stored, given) {
                (Some(_), None) => {
                    return Err(HandOverRefusal::CodeRequired { job: job_id.into() }.into())
                }
                (Some(s), Some(c)) if s != pickup_code_hash(job_id, c) => {
                    return Err(HandOverRefusal::CodeMismatch { job: job_id.into() }.into())
                }
                (None, Some(_)) => {
                    return Err(HandOverRefusal::NoCodeOnJob { job: job_id.into() }.into())
                }
                (stored, _) => code_checked = stored.is_some(),
            }
        }
        hand_over_in_tx(&tx, &mut job, name, h.relation, code_checked, None, actor)?;
        tx.commit()?;
        self.handover_of(job_id)?
            .ok_or_else(|| super::job_tx::corrupt(job_id, "hand-over not recorded".into()))
    }

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
        let rows: Vec<(String, String, Option<String>)> = {
            let mut st = tx.tx.prepare_cached(
                "SELECT job_id, state, json_extract(payload, '$.person.sex') FROM jobs
                 WHERE batch_id = ?1 ORDER BY id",
            )?;
            let rows = st.query_map([batch_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut out = BatchHandOver {
            batch_id: batch_id.to_string(),
            at: tx.now,
            handed_over: 0,
            boys: 0,
            girls: 0,
            sex_unknown: 0,
            handed_over_before: 0,
            not_printed: 0,
            jobs: Vec::new(),
        };
        for (job_id, state, sex) in rows {
            if state == JobState::HandedOver.code() {
                out.handed_over_before += 1;
                continue;
            }
            if state != JobState::Printed.code() {
                out.not_printed += 1;
                continue;
            }
            let mut job = load(&tx.tx, &job_id)?;
            hand_over_in_tx(&tx, &mut job, name, relation, false, Some(batch_id), actor)?;
            out.handed_over += 1;
            match sex.as_deref() {
                Some("LAKI-LAKI") => out.boys += 1,
                Some("PEREMPUAN") => out.girls += 1,
                _ => out.sex_unknown += 1,
            }
            out.jobs.push(job_id);
        }
        if out.handed_over == 0 {
            return Err(HandOverRefusal::NothingToHandOver {
                batch: batch_id.to_string(),
                handed_over: out.handed_over_before,
                not_printed: out.not_printed,
            }
            .into());
        }
        audit::append(
            &tx,
            actor,
            "batch.hand_over",
            batch_id,
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
        tx.commit()?;
        Ok(out)
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
                .map_err(|e: JournalError| super::job_tx::corrupt(job_id, e.to_string()))?;
            Ok(rec)
        })
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::MessageText as _;

    #[test]
    fn the_pickup_code_hash_is_bound_to_the_job_and_ignores_surrounding_space() {
        let h = pickup_code_hash("J1", "QR-7788");
        assert_eq!(h, pickup_code_hash("J1", " QR-7788\n"));
        assert_ne!(h, pickup_code_hash("J2", "QR-7788"));
        assert_ne!(h, pickup_code_hash("J1", "QR-7789"));
        assert_eq!(h.len(), 64);
        assert!(!h.contains("7788"));
    }

    #[test]
    fn relations_parse_and_debug_output_hides_name_and_code() {
        for r in Relation::ALL {
            assert_eq!(r.code().parse::<Relation>().unwrap(), r);
        }
        assert!("ayah".parse::<Relation>().is_err());
        let h = HandOver {
            to: "SITI RAHAYU",
            relation: Relation::AnggotaKeluarga,
            pickup_code: Some("QR-7788"),
        };
        let dbg = format!("{h:?}");
        assert!(!dbg.contains("SITI") && !dbg.contains("7788"), "{dbg}");
    }

    #[test]
    fn every_refusal_has_a_code_and_both_languages() {
        let all = [
            HandOverRefusal::AlreadyHandedOver {
                job: "J".into(),
                at: Timestamp(0),
            },
            HandOverRefusal::CodeRequired { job: "J".into() },
            HandOverRefusal::CodeMismatch { job: "J".into() },
            HandOverRefusal::NoCodeOnJob { job: "J".into() },
            HandOverRefusal::RelationNotAllowed {
                relation: Relation::Sekolah,
                allowed: "x",
            },
            HandOverRefusal::BadName,
            HandOverRefusal::NothingToHandOver {
                batch: "B".into(),
                handed_over: 0,
                not_printed: 0,
            },
        ];
        let mut codes: Vec<_> = all.iter().map(|r| r.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        for r in &all {
            assert!(!r.message_en().is_empty() && !r.message_id().is_empty());
            assert_ne!(r.message_en(), r.message_id());
        }
    }
}
