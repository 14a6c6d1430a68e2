//! Outbox: events the server must learn about, written in the same transaction as the state
//! change they report and delivered later with the event id as idempotency key.
//! Event ids are `station:journal:seq`; `seq` is global, so order per job is the seq order.

use rusqlite::{params, OptionalExtension};

use super::error::{JournalError, Result};
use super::types::Timestamp;
use super::{Journal, Tx};

/// One event waiting for (or past) delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEvent {
    /// Global order of the events.
    pub seq: i64,
    /// Unique id, the idempotency key the server de-duplicates on.
    pub event_id: String,
    /// Job the event is about, if any.
    pub job_id: Option<String>,
    /// `accepted`, `rejected`, `printing`, `printed`, `ready_for_pickup`, `spoiled`, `failed`,
    /// `in_doubt`, `doubt_resolved`, `cancelled`, `requeued`, `written_off`, `handed_over`,
    /// `alert`.
    pub kind: String,
    /// JSON body (includes `event_id`, `kind`, `station`, `at`, `job_id`).
    pub body: String,
    /// When written.
    pub created_at: Timestamp,
    /// When the server acknowledged it.
    pub acked_at: Option<Timestamp>,
}

/// What [`Journal::purge_personal_data`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PurgeReport {
    /// Jobs whose payload was cleared.
    pub purged: u64,
    /// Terminal jobs old enough but with unacknowledged events (kept for now).
    pub waiting_for_ack: u64,
    /// The WAL was checkpointed and truncated after the purge, so no copy of the purged
    /// payloads is left in `journal.sqlite-wal` either. `false` when a reader held an old
    /// snapshot: the next purge run retries.
    pub checkpointed: bool,
}

/// Every kind of event the journal writes for the server: the one list `push` accepts, so
/// the contract test can hold `docs/protocol/openapi.yaml` to it (`Event`'s discriminator).
pub const EVENT_KINDS: &[&str] = &[
    "accepted",
    "rejected",
    "printing",
    "printed",
    "spoiled",
    "failed",
    "in_doubt",
    "doubt_resolved",
    "cancelled",
    "requeued",
    "ready_for_pickup",
    "handed_over",
    "written_off",
    "alert",
    "stock",
];

/// Writes one event in the caller's transaction and returns its id. A kind missing from
/// [`EVENT_KINDS`] is refused (a new kind is added there and to the contract first).
pub(crate) fn push(
    tx: &Tx<'_>,
    job_id: Option<&str>,
    kind: &str,
    mut body: serde_json::Map<String, serde_json::Value>,
) -> Result<String> {
    if !EVENT_KINDS.contains(&kind) {
        return Err(super::JournalError::InvalidInput(format!(
            "event kind {kind} is not in EVENT_KINDS"
        )));
    }
    let seq: i64 = tx
        .tx
        .prepare_cached("SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox")?
        .query_row([], |r| r.get(0))?;
    let event_id = format!("{}:{}:{}", tx.station_id, tx.journal_id, seq);
    body.insert("event_id".into(), event_id.clone().into());
    body.insert("kind".into(), kind.into());
    body.insert("station".into(), tx.station_id.into());
    body.insert("at".into(), tx.now.to_string().into());
    if let Some(j) = job_id {
        body.insert("job_id".into(), j.into());
    }
    let text = serde_json::Value::Object(body).to_string();
    tx.tx
        .prepare_cached(
            "INSERT INTO outbox (seq, event_id, job_id, kind, body, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![seq, event_id, job_id, kind, text, tx.now.0])?;
    Ok(event_id)
}

fn event_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OutboxEvent> {
    Ok(OutboxEvent {
        seq: r.get(0)?,
        event_id: r.get(1)?,
        job_id: r.get(2)?,
        kind: r.get(3)?,
        body: r.get(4)?,
        created_at: Timestamp(r.get(5)?),
        acked_at: r.get::<_, Option<i64>>(6)?.map(Timestamp),
    })
}

impl Journal {
    /// Events waiting for delivery (unacknowledged and not set aside as refused), oldest
    /// first (so per-job order is kept), at most `limit`.
    pub fn outbox_pending(&self, limit: u32) -> Result<Vec<OutboxEvent>> {
        let mut st = self.conn.prepare_cached(
            "SELECT seq, event_id, job_id, kind, body, created_at, acked_at FROM outbox
             WHERE acked_at IS NULL AND refused_at IS NULL ORDER BY seq LIMIT ?1",
        )?;
        let rows = st.query_map([limit], event_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Unacknowledged events after `after_seq` (0 = from the start), oldest first, refused ones
    /// included: for reading the whole backlog in pages (bundle export).
    pub fn outbox_pending_after(&self, after_seq: i64, limit: u32) -> Result<Vec<OutboxEvent>> {
        let mut st = self.conn.prepare_cached(
            "SELECT seq, event_id, job_id, kind, body, created_at, acked_at FROM outbox
             WHERE acked_at IS NULL AND seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows = st.query_map(params![after_seq, limit], event_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every event of one job, in order (acknowledged or not).
    pub fn outbox_for_job(&self, job_id: &str) -> Result<Vec<OutboxEvent>> {
        let mut st = self.conn.prepare_cached(
            "SELECT seq, event_id, job_id, kind, body, created_at, acked_at FROM outbox
             WHERE job_id = ?1 ORDER BY seq",
        )?;
        let rows = st.query_map([job_id], event_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Marks an event delivered. Acknowledging twice is fine (the server may repeat itself);
    /// an unknown id is an error.
    pub fn outbox_ack(&mut self, event_id: &str) -> Result<()> {
        let tx = self.write()?;
        let found: Option<Option<i64>> = tx
            .tx
            .query_row(
                "SELECT acked_at FROM outbox WHERE event_id = ?1",
                [event_id],
                |r| r.get(0),
            )
            .optional()?;
        match found {
            None => {
                return Err(JournalError::InvalidInput(format!(
                    "unknown outbox event {event_id:?}"
                )))
            }
            Some(Some(_)) => {}
            Some(None) => {
                tx.tx.execute(
                    "UPDATE outbox SET acked_at = ?1 WHERE event_id = ?2",
                    params![tx.now.0, event_id],
                )?;
            }
        }
        tx.commit()
    }

    /// Number of events waiting for delivery (refused ones are counted by
    /// [`Journal::outbox_refused_count`]).
    pub fn outbox_backlog(&self) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM outbox WHERE acked_at IS NULL AND refused_at IS NULL",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    /// Clears the payload (names, NIK, photo) of terminal jobs last changed before
    /// `older_than` whose events the server has all acknowledged. Keeps job id, masked NIK,
    /// card and chip identifiers (in the history), timestamps and outcome.
    ///
    /// The bytes are really gone: `secure_delete` makes SQLite overwrite freed cells and pages
    /// with zeros, and the WAL (which holds page images from before the purge) is checkpointed
    /// into the main file and truncated afterwards.
    pub fn purge_personal_data(&mut self, older_than: Timestamp) -> Result<PurgeReport> {
        self.conn.pragma_update(None, "secure_delete", "ON")?;
        let tx = self.write()?;
        // Every ended job, `superseded` (written off and replaced by a newer job) and
        // `diserahkan` (handed over) included.
        let eligible =
            "state IN ('printed', 'diserahkan', 'failed', 'rejected', 'cancelled', 'superseded')
             AND payload IS NOT NULL AND updated_at < ?1";
        let waiting: i64 = tx.tx.query_row(
            &format!(
                "SELECT COUNT(*) FROM jobs WHERE {eligible} AND EXISTS
                 (SELECT 1 FROM outbox o WHERE o.job_id = jobs.job_id AND o.acked_at IS NULL)"
            ),
            [older_than.0],
            |r| r.get(0),
        )?;
        let purged = tx.tx.execute(
            &format!(
                "UPDATE jobs SET payload = NULL, batch_nik = NULL, purged_at = ?2
                 WHERE {eligible} AND NOT EXISTS
                 (SELECT 1 FROM outbox o WHERE o.job_id = jobs.job_id AND o.acked_at IS NULL)"
            ),
            params![older_than.0, tx.now.0],
        )?;
        // The name of whoever took the card goes with the job's personal data, also when the
        // job's payload was purged before its hand-over.
        let names = super::handover::purge_names(&tx, older_than)?;
        tx.commit()?;
        let checkpointed = if purged + names > 0 {
            let busy: i64 = self
                .conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
            busy == 0
        } else {
            true
        };
        Ok(PurgeReport {
            purged: purged as u64,
            waiting_for_ack: waiting as u64,
            checkpointed,
        })
    }
}
