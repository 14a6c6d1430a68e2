//! Journal errors. `Display` is English (logs, developers); [`JournalError::message_id`] is the
//! Bahasa Indonesia text shown to operators. Each variant's doc says what the operator should do.

use super::state::JobState;
use super::types::BlangkoType;

/// Everything the journal can refuse or fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    /// SQLite failed (disk full, permissions, corruption). Check the data directory and its
    /// free space; the journal file itself is intact unless `PRAGMA integrity_check` says so.
    #[error("journal database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database was written by a newer cetak. Upgrade cetak; never downgrade the journal.
    #[error("journal schema version {found} is newer than this cetak supports ({supported})")]
    SchemaTooNew {
        /// `user_version` found in the file.
        found: i64,
        /// Highest version this build knows.
        supported: i64,
    },
    /// No job with this id. Check the id (`cetak doubt list`, the job file).
    #[error("unknown job {0}")]
    UnknownJob(String),
    /// A transition that the state machine does not allow from the job's current state.
    #[error("job {job}: cannot {event}: expected {expected}, got {got}")]
    IllegalTransition {
        /// Job id.
        job: String,
        /// What was attempted (e.g. `feed`).
        event: &'static str,
        /// States the event is allowed from, e.g. `ready`.
        expected: String,
        /// The job's actual state.
        got: JobState,
    },
    /// A movement would take more blangko out of a location than it holds. Count the cards
    /// physically; record the difference with an adjustment (administrator).
    #[error("not enough {blangko_type} blangko in {location}: {available} available, {requested} requested")]
    InsufficientStock {
        /// Blangko type of the movement.
        blangko_type: BlangkoType,
        /// Location, e.g. `store` or `feeder:P1`.
        location: String,
        /// What the ledger says is there.
        available: i64,
        /// What the movement asked for.
        requested: i64,
    },
    /// A feeder holds one blangko type at a time. Unload the feeder first.
    #[error("feeder of printer {printer} still holds {held} blangko of type {held_type}")]
    FeederHoldsOtherType {
        /// Printer id.
        printer: String,
        /// Type currently in the feeder.
        held_type: BlangkoType,
        /// How many.
        held: i64,
    },
    /// The action is for administrators only (e.g. stock adjustment).
    #[error("operator {operator} is not an administrator")]
    NotAdministrator {
        /// Operator id.
        operator: String,
    },
    /// An argument is unusable (empty id, zero count, full NIK where a masked one belongs...).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A row holds a value this build cannot read (manual edits, or a bug). Run
    /// `cetak audit verify` and report.
    #[error("corrupt journal row in {table} {id}: {detail}")]
    Corrupt {
        /// Table name.
        table: &'static str,
        /// Row key.
        id: String,
        /// What was wrong.
        detail: String,
    },
    /// The server lease of a job expired or was lost before it reached a printer: the job was
    /// dropped (cancelled, reason `lease_lost`) and must not be printed. Nothing to do; the
    /// server hands the job out again.
    #[error("job {job}: its server lease is lost; dropped, not printed")]
    LeaseLost {
        /// Job id.
        job: String,
    },
    /// A hand-over at the pickup counter was refused (not printed yet, already handed over,
    /// pickup code wrong...). Each reason's doc says what the operator should do.
    #[error("{0}")]
    HandOver(#[from] super::handover::HandOverRefusal),
}

impl JournalError {
    /// Operator-facing message in Bahasa Indonesia.
    pub fn message_id(&self) -> String {
        match self {
            JournalError::Sqlite(e) => format!("kesalahan basis data jurnal: {e}"),
            JournalError::SchemaTooNew { found, supported } => format!(
                "versi skema jurnal {found} lebih baru daripada yang didukung cetak ini ({supported}); perbarui cetak"
            ),
            JournalError::UnknownJob(j) => format!("pekerjaan {j} tidak dikenal"),
            JournalError::IllegalTransition {
                job,
                event,
                expected,
                got,
            } => format!(
                "pekerjaan {job}: tidak dapat {event}: seharusnya {expected}, ternyata {got}"
            ),
            JournalError::InsufficientStock {
                blangko_type,
                location,
                available,
                requested,
            } => format!(
                "blangko {blangko_type} di {location} tidak cukup: tersedia {available}, diminta {requested}"
            ),
            JournalError::FeederHoldsOtherType {
                printer,
                held_type,
                held,
            } => format!(
                "feeder printer {printer} masih berisi {held} blangko {held_type}; kosongkan dahulu"
            ),
            JournalError::NotAdministrator { operator } => {
                format!("operator {operator} bukan administrator")
            }
            JournalError::InvalidInput(s) => format!("masukan tidak valid: {s}"),
            JournalError::Corrupt { table, id, detail } => {
                format!("baris jurnal rusak di {table} {id}: {detail}")
            }
            JournalError::LeaseLost { job } => format!(
                "pekerjaan {job}: sewa (lease) dari server hilang; dibatalkan, tidak dicetak"
            ),
            JournalError::HandOver(r) => r.message_id(),
        }
    }

    /// English message (same as `Display`), for symmetry with `message_id`.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

/// Result alias for the journal.
pub type Result<T, E = JournalError> = std::result::Result<T, E>;
