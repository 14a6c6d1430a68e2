//! The counter's vocabulary: who may take a card ([`Relation`]) and why a hand-over is
//! refused ([`HandOverRefusal`]), with the stable codes and message arguments that the CLI,
//! the control API and the dashboard render. Kept apart from the journal writes so the
//! operator-facing texts can be read in one place.

use crate::journal::error::{JournalError, Result};
use crate::journal::types::Timestamp;

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
