//! Journal errors. `Display` is English (logs, developers); the [`Message`] code names the
//! operator text in the catalogue (`crate::messages`). Each variant's doc says what the
//! operator should do.

use super::state::JobState;
use super::types::BlangkoType;
use crate::messages::{Args, Message};

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

impl Message for JournalError {
    fn message_code(&self) -> &'static str {
        match self {
            JournalError::Sqlite(_) => "journal.sqlite",
            JournalError::SchemaTooNew { .. } => "journal.schema_too_new",
            JournalError::UnknownJob(_) => "journal.unknown_job",
            JournalError::IllegalTransition { .. } => "journal.illegal_transition",
            JournalError::InsufficientStock { .. } => "journal.insufficient_stock",
            JournalError::FeederHoldsOtherType { .. } => "journal.feeder_holds_other_type",
            JournalError::NotAdministrator { .. } => "journal.not_administrator",
            JournalError::InvalidInput(_) => "journal.invalid_input",
            JournalError::Corrupt { .. } => "journal.corrupt",
            JournalError::LeaseLost { .. } => "journal.lease_lost",
            JournalError::HandOver(r) => r.message_code(),
        }
    }

    fn message_args(&self) -> Args {
        let args = Args::new();
        match self {
            JournalError::Sqlite(e) => args.with("error", e),
            JournalError::SchemaTooNew { found, supported } => {
                args.with("found", found).with("supported", supported)
            }
            JournalError::UnknownJob(job) | JournalError::LeaseLost { job } => {
                args.with("job", job)
            }
            JournalError::IllegalTransition {
                job,
                event,
                expected,
                got,
            } => args
                .with("job", job)
                .with("event", event)
                .with("expected", expected)
                .with("got", got),
            JournalError::InsufficientStock {
                blangko_type,
                location,
                available,
                requested,
            } => args
                .with("blangko_type", blangko_type)
                .with("location", location)
                .with("available", available)
                .with("requested", requested),
            JournalError::FeederHoldsOtherType {
                printer,
                held_type,
                held,
            } => args
                .with("printer", printer)
                .with("held_type", held_type)
                .with("held", held),
            JournalError::NotAdministrator { operator } => args.with("operator", operator),
            JournalError::InvalidInput(detail) => args.with("detail", detail),
            JournalError::Corrupt { table, id, detail } => args
                .with("table", table)
                .with("id", id)
                .with("detail", detail),
            JournalError::HandOver(r) => r.message_args(),
        }
    }
}

/// Result alias for the journal.
pub type Result<T, E = JournalError> = std::result::Result<T, E>;
