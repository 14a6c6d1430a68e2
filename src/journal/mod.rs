//! The durable journal: jobs and their full history, the blangko ledger, the hash-chained audit
//! trail, the outbox of events for the server, and alerts — one SQLite file in WAL mode.
//!
//! Rules the rest of the station relies on:
//! - Every transition is one `BEGIN IMMEDIATE` transaction holding the job's new state, its
//!   history row, its outbox event and its ledger movement + audit row where a blangko moves.
//!   It is committed with `synchronous=FULL` before [`Journal`] returns, so the daemon may act
//!   physically (feed a card, print) only after the call returned `Ok`.
//! - Time comes from the [`Clock`] given at open; nothing in here reads the wall clock.
//! - On start, [`Journal::recover_on_start`] turns every job that may have been inside a
//!   printer into `in_doubt`: it is never printed again without an operator decision.
//!
//! Modules: [`schema`] (migrations), [`state`] (the pure state machine), `job_tx` (a job row in
//! a write transaction: load, the checked transition, the printed/spoiled steps; the lowest of
//! the job modules, calling none of them), `intake` (idempotent enqueue, reject, dispatch),
//! `jobs` (transitions; may call `doubt` and `lease`, which call only `job_tx`), `records`
//! (reading jobs back), `doubt`
//! (recovery, in-doubt resolution), `ledger` (movements), `stock` (figures, verification,
//! spoilage report), `paperwork` (read-only queries for the official reports and metrics), `writeoff` (a printed card written off before handover), `handover` (a printed card handed over at the pickup counter, one job or a whole batch), `alerts` (low stock, tamper), `audit` (hash chain), `outbox` (events for
//! the server, personal-data purge). See `docs/journal.md`.

#![warn(missing_docs)]

mod alerts;
mod audit;
mod doubt;
mod error;
mod findings;
mod handover;
mod intake;
mod job_tx;
mod jobs;
mod lease;
mod ledger;
mod origin;
mod outbox;
mod paperwork;
mod progress;
mod records;
mod refused;
mod report;
pub mod schema;
pub mod state;
mod stock;
mod types;
mod writeoff;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

pub use alerts::{Alert, StockThresholds};
pub use audit::{AuditEntry, AuditProblem, AuditReport};
pub use doubt::{DoubtResolution, InDoubtJob, RecoveryReport};
pub use error::{JournalError, Result};
pub use findings::{AuditFault, StockProblem};
pub use handover::{
    batch_nik_key, pickup_code_hash, BatchHandOver, HandOver, HandOverRecord, HandOverRefusal,
    Relation,
};
pub use jobs::{
    ChipInfo, ClaimedJob, Enqueued, IntakeReport, NewJob, PrintedInfo, PrinterSlot, RejectedJob,
    DUPLICATE_IN_BATCH,
};
pub use lease::{HeldLease, LeaseDrop, LEASE_LOST, LEASE_LOST_ALERT, LEASE_RELEASED};
pub use ledger::{Location, MovementKind, StockPlace};
pub use origin::JobSource;
pub use outbox::{OutboxEvent, PurgeReport, EVENT_KINDS};
pub use paperwork::{
    BatchCard, BatchCards, MovementRow, PlaceBalances, PrinterCounters, SpoiledCard,
};
pub use progress::{BatchFigures, BatchProgress};
pub use records::{HistoryEntry, JobRecord};
pub use refused::{RefusedEvent, REFUSED_ALERT};
pub use report::{stock_body, RibbonFigure};
pub use state::{ApplicationStatus, JobState, Step};
pub use stock::{FeederFigure, SpoilageRow, StockReport, StockVerification, TypeFigures};
pub use types::{
    mask_nik, Actor, BlangkoType, Clock, ManualClock, Role, SpoilCategory, SystemClock, Timestamp,
};
pub use writeoff::AfterWriteOff;

/// How a journal is opened.
#[derive(Clone)]
pub struct JournalOptions {
    /// Station id, part of every outbox event id.
    pub station_id: String,
    /// Blangko a job may use before it fails (1 = no retry after a spoil).
    pub max_attempts: u32,
    /// The only source of time.
    pub clock: Arc<dyn Clock>,
    /// How long a write waits for another connection's transaction.
    pub busy_timeout: Duration,
    /// The order printers take queued jobs in ([`Journal::claim_next`]).
    pub batch_order: BatchOrder,
}

/// The order of the queue among jobs of equal priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BatchOrder {
    /// A batch's jobs go before those of any batch that started later: one school is finished
    /// before the next starts (seed 004). A job without a batch takes its place by its own
    /// arrival, as if it were a batch of one.
    #[default]
    BatchFirst,
    /// Strictly in intake order.
    Fifo,
}

impl Default for JournalOptions {
    fn default() -> Self {
        JournalOptions {
            station_id: "station".into(),
            max_attempts: 3,
            clock: Arc::new(SystemClock),
            busy_timeout: Duration::from_secs(5),
            batch_order: BatchOrder::default(),
        }
    }
}

impl std::fmt::Debug for JournalOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JournalOptions")
            .field("station_id", &self.station_id)
            .field("max_attempts", &self.max_attempts)
            .field("busy_timeout", &self.busy_timeout)
            .finish_non_exhaustive()
    }
}

/// One connection to the journal. Not `Sync`: give each worker its own (WAL lets them
/// read concurrently; writers serialise on `BEGIN IMMEDIATE` with the busy timeout).
pub struct Journal {
    conn: Connection,
    clock: Arc<dyn Clock>,
    station_id: String,
    journal_id: String,
    max_attempts: u32,
    batch_order: BatchOrder,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal")
            .field("station_id", &self.station_id)
            .field("journal_id", &self.journal_id)
            .finish_non_exhaustive()
    }
}

impl Journal {
    /// Opens (creating if needed) the journal at `path` with default options and the wall
    /// clock, and migrates it to the latest schema.
    pub fn open(path: impl AsRef<Path>) -> Result<Journal> {
        Journal::open_with(path, JournalOptions::default())
    }

    /// Opens with explicit options (station id, attempt limit, clock).
    pub fn open_with(path: impl AsRef<Path>, options: JournalOptions) -> Result<Journal> {
        types::check_id("station id", &options.station_id)?;
        if options.max_attempts == 0 {
            return Err(JournalError::InvalidInput(
                "max_attempts must be at least 1".into(),
            ));
        }
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(options.busy_timeout)?;
        // WAL: readers never block the writer, and a commit is one append + fsync.
        let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(JournalError::InvalidInput(format!(
                "journal file system refused WAL mode (got {mode})"
            )));
        }
        // FULL on every commit: a transition allowing a physical action must survive power
        // loss, and the only high-rate writer (bulk intake) is batched into one transaction.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Freed cells and pages are zeroed, on every connection: a job's row is rewritten at
        // each transition, and without this the old copies of its payload (names, NIK, photo)
        // would linger in free space after the personal-data purge.
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.set_prepared_statement_cache_capacity(64);
        schema::migrate_to(&mut conn, schema::LATEST)?;
        let journal_id: String =
            conn.query_row("SELECT value FROM meta WHERE key = 'journal_id'", [], |r| {
                r.get(0)
            })?;
        Ok(Journal {
            conn,
            clock: options.clock,
            station_id: options.station_id,
            journal_id,
            max_attempts: options.max_attempts,
            batch_order: options.batch_order,
        })
    }

    /// Schema version of the open file.
    pub fn schema_version(&self) -> Result<i64> {
        schema::version(&self.conn)
    }

    /// Random id of this journal file (part of outbox event ids).
    pub fn journal_id(&self) -> &str {
        &self.journal_id
    }

    /// Checkpoints the WAL into the main file (e.g. at shutdown). Safe at any time.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Starts a write transaction with the context every writer needs.
    ///
    /// The time is read only once the write lock is held: a connection that waited for another
    /// writer must not stamp its rows earlier than the rows committed meanwhile, so the history
    /// stays in time order.
    fn write(&mut self) -> Result<Tx<'_>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = self.clock.now();
        Ok(Tx {
            tx,
            now,
            station_id: &self.station_id,
            journal_id: &self.journal_id,
            max_attempts: self.max_attempts,
        })
    }
}

/// An open write transaction plus the values written with each row.
pub(crate) struct Tx<'a> {
    tx: rusqlite::Transaction<'a>,
    now: Timestamp,
    station_id: &'a str,
    journal_id: &'a str,
    max_attempts: u32,
}

impl Tx<'_> {
    fn commit(self) -> Result<()> {
        self.tx.commit()?;
        Ok(())
    }
}
