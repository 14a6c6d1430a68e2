//! Schema and forward-only migrations, tracked by SQLite's `user_version`.
//!
//! Each entry of [`MIGRATIONS`] takes the schema from version `i` to `i + 1` and runs in one
//! transaction with the `user_version` bump, so a crash mid-migration leaves the old version.
//! Never edit a released migration: append a new one.

use rusqlite::Connection;

use super::error::{JournalError, Result};

/// Migrations, in order. Version N = the first N applied.
pub const MIGRATIONS: &[&str] = &[
    // 1: jobs, their history, the blangko ledger and the audit trail.
    r#"
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    -- Random per journal file: makes outbox event ids unique even if a station's journal is
    -- ever recreated.
    INSERT INTO meta (key, value) VALUES ('journal_id', lower(hex(randomblob(8))));

    CREATE TABLE jobs (
        id           INTEGER PRIMARY KEY,          -- intake sequence
        job_id       TEXT NOT NULL UNIQUE,
        blangko_type TEXT CHECK (blangko_type IN ('kia', 'ktp-el')), -- NULL only if rejected
        nik_masked   TEXT NOT NULL DEFAULT '',
        batch_id     TEXT,
        priority     INTEGER NOT NULL DEFAULT 0,   -- higher first
        needs_chip   INTEGER NOT NULL DEFAULT 0,
        needs_dual   INTEGER NOT NULL DEFAULT 0,
        state        TEXT NOT NULL,
        attempt      INTEGER NOT NULL DEFAULT 0,   -- blangko used so far
        printer_id   TEXT,                         -- printer holding the job, if any
        reason       TEXT,                         -- last rejection/cancel/doubt/fail reason
        payload      TEXT,                         -- validated job JSON; NULL once purged
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL
    );
    CREATE INDEX jobs_state ON jobs (state);
    CREATE INDEX jobs_batch ON jobs (batch_id) WHERE batch_id IS NOT NULL;

    CREATE TABLE job_events (
        id             INTEGER PRIMARY KEY,
        job_id         TEXT NOT NULL,
        at             INTEGER NOT NULL,
        step           TEXT NOT NULL,
        from_state     TEXT,
        to_state       TEXT NOT NULL,
        attempt        INTEGER NOT NULL,
        printer_id     TEXT,
        printer_serial TEXT,
        card_serial    TEXT,
        chip_atr       TEXT,
        chip_uid       TEXT,
        operator       TEXT,
        spoil_category TEXT,
        reason         TEXT
    );
    CREATE INDEX job_events_job ON job_events (job_id, id);

    -- Double-entry movements: `count` blangko go from `from_loc` to `to_loc`. Append-only.
    CREATE TABLE ledger (
        id           INTEGER PRIMARY KEY,
        at           INTEGER NOT NULL,
        blangko_type TEXT NOT NULL CHECK (blangko_type IN ('kia', 'ktp-el')),
        kind         TEXT NOT NULL,
        count        INTEGER NOT NULL CHECK (count > 0),
        from_loc     TEXT NOT NULL,
        to_loc       TEXT NOT NULL,
        job_id       TEXT,
        lot          TEXT,
        category     TEXT,
        note         TEXT,
        operator     TEXT NOT NULL,
        audit_id     INTEGER NOT NULL
    );
    CREATE INDEX ledger_kind_at ON ledger (kind, at);
    CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
        BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
    CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
        BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;

    -- Balance per (type, location), maintained with each movement so that refusing a
    -- negative balance is one lookup; `stock_verify` recomputes it from `ledger`.
    CREATE TABLE stock_balance (
        blangko_type TEXT NOT NULL,
        location     TEXT NOT NULL,
        count        INTEGER NOT NULL,
        PRIMARY KEY (blangko_type, location)
    ) WITHOUT ROWID;

    CREATE TABLE audit (
        id        INTEGER PRIMARY KEY,
        at        INTEGER NOT NULL,
        actor     TEXT NOT NULL,
        role      TEXT NOT NULL,
        action    TEXT NOT NULL,
        subject   TEXT NOT NULL,
        detail    TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL
    );
    -- Last row of the chain, so that deleting the newest rows is detected too.
    CREATE TABLE audit_head (
        one     INTEGER PRIMARY KEY CHECK (one = 1),
        last_id INTEGER NOT NULL,
        hash    TEXT NOT NULL
    );
    "#,
    // 2: outbox (events the server must learn about) and alerts.
    r#"
    CREATE TABLE outbox (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id   TEXT NOT NULL UNIQUE,
        job_id     TEXT,
        kind       TEXT NOT NULL,
        body       TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        acked_at   INTEGER
    );
    CREATE INDEX outbox_pending ON outbox (seq) WHERE acked_at IS NULL;
    CREATE INDEX outbox_job ON outbox (job_id) WHERE job_id IS NOT NULL;

    CREATE TABLE alerts (
        id           INTEGER PRIMARY KEY,
        at           INTEGER NOT NULL,
        kind         TEXT NOT NULL,
        key          TEXT NOT NULL,   -- e.g. 'kia/store'; one open alert per (kind, key)
        message      TEXT NOT NULL,   -- English
        message_id   TEXT NOT NULL,   -- Bahasa Indonesia
        cleared_at   INTEGER
    );
    CREATE UNIQUE INDEX alerts_open ON alerts (kind, key) WHERE cleared_at IS NULL;
    "#,
    // 3: dispatch index (flat claim time in queue size) and personal-data purge marker.
    r#"
    CREATE INDEX jobs_dispatch ON jobs (blangko_type, needs_chip, needs_dual, priority DESC, id)
        WHERE state = 'queued';
    ALTER TABLE jobs ADD COLUMN purged_at INTEGER;
    "#,
    // 4 (trust): where a job came from and the lease the server holds it under.
    // origin: 'local', 'pull', 'push' or 'bundle:<name>'; lease columns NULL without a lease.
    r#"
    ALTER TABLE jobs ADD COLUMN origin TEXT;
    ALTER TABLE jobs ADD COLUMN lease_id TEXT;
    ALTER TABLE jobs ADD COLUMN lease_expires_at INTEGER;
    "#,
    // 5: server leases: when a job's lease was lost or released. The lease itself
    //    (`lease_id`, `lease_expires_at`) comes with the origin columns of migration 4.
    r#"
    ALTER TABLE jobs ADD COLUMN lease_lost_at INTEGER;
    CREATE INDEX jobs_leased ON jobs (lease_expires_at)
        WHERE lease_id IS NOT NULL AND lease_lost_at IS NULL;
    "#,
    // 6: events the server refused for good are set aside (not deleted) so they do not block
    //    the ones behind them; an administrator sends them again with `cetak outbox retry`.
    r#"
    ALTER TABLE outbox ADD COLUMN refused_at INTEGER;
    ALTER TABLE outbox ADD COLUMN refused_reason TEXT;
    DROP INDEX outbox_pending;
    CREATE INDEX outbox_pending ON outbox (seq) WHERE acked_at IS NULL AND refused_at IS NULL;
    "#,
    // 7: ribbon left per printer as its worker last read it, so stock reports (online and in
    //    an exported bundle) carry it after a restart and without a running daemon.
    r#"
    CREATE TABLE ribbons (
        printer_id       TEXT PRIMARY KEY,
        ribbon_type      TEXT,
        remaining_panels INTEGER,
        remaining_cards  INTEGER,
        read_at          INTEGER NOT NULL
    );
    "#,
    // 8: the attempt limit counts from the last write-off: a card written off after printing
    //    (data changed, damaged at the desk) gives its job a fresh allowance of attempts while
    //    the attempt numbers themselves keep rising, so every card stays told apart.
    r#"
    ALTER TABLE jobs ADD COLUMN attempt_base INTEGER NOT NULL DEFAULT 0;
    "#,
    // 9: ownership and leases across restarts.
    //  - owned_since: the first `printing` event (first feed). From then on the job belongs to
    //    this station until printed, failed or cancelled by the server or an operator: a lost
    //    lease never drops it and a shutdown never gives it back. Jobs fed under an older
    //    schema become owned from their first feed.
    //  - lease_granted_at: when the current lease was granted or last renewed, so renewal
    //    keeps its schedule (half the granted lease) across restarts.
    //  - card_serial: the card of the current attempt as the printer reported it after the
    //    feed, so a `printed` decided by an operator carries it.
    //  - reason_id: the Bahasa Indonesia text of an in-doubt reason (`reason` is English), so
    //    `cetak doubt list` speaks one language.
    r#"
    ALTER TABLE jobs ADD COLUMN owned_since INTEGER;
    ALTER TABLE jobs ADD COLUMN lease_granted_at INTEGER;
    ALTER TABLE jobs ADD COLUMN card_serial TEXT;
    ALTER TABLE jobs ADD COLUMN reason_id TEXT;
    UPDATE jobs SET owned_since =
        (SELECT MIN(e.at) FROM job_events e WHERE e.job_id = jobs.job_id AND e.step = 'feed')
        WHERE EXISTS (SELECT 1 FROM job_events e WHERE e.job_id = jobs.job_id AND e.step = 'feed');
    "#,
    // 10 (authority): who acted as the kernel told the daemon (SO_PEERCRED), beside
    //     the label and role. NULL for the daemon itself and rows written before this version;
    //     the hash covers them only when present, so older rows verify unchanged.
    r#"
    ALTER TABLE audit ADD COLUMN uid INTEGER;
    ALTER TABLE audit ADD COLUMN user_name TEXT;
    "#,
    // 11 (hand-over): a printed card handed over at the pickup counter (state `diserahkan`).
    //  - jobs.pickup_code_hash: hash of the job's pickup code (`pickup_code` of the document),
    //    written at intake; the code itself is never stored outside the payload, never logged,
    //    and the hash outlives the personal-data purge so a card can still be handed over.
    //  - handovers: one row per handed-over job (UNIQUE: never twice). `recipient_name` is
    //    personal data: cleared with the job's payload by the purge. `handed_by*` is the
    //    operator as the audit trail records them (label, uid, Unix user). `batch_id` is set
    //    when the whole batch was handed over at once (the BAST of a school batch).
    r#"
    ALTER TABLE jobs ADD COLUMN pickup_code_hash TEXT;
    CREATE TABLE handovers (
        id             INTEGER PRIMARY KEY,
        job_id         TEXT NOT NULL UNIQUE,
        at             INTEGER NOT NULL,
        recipient_name TEXT,
        relation       TEXT NOT NULL
            CHECK (relation IN ('kepala-keluarga', 'anggota-keluarga', 'sekolah')),
        code_checked   INTEGER NOT NULL,
        batch_id       TEXT,
        handed_by      TEXT NOT NULL,
        handed_by_uid  INTEGER,
        handed_by_user TEXT
    );
    CREATE INDEX handovers_batch ON handovers (batch_id) WHERE batch_id IS NOT NULL;
    "#,
    // 12 (dashboard): batch progress (printed / left per batch) from the index alone, so a
    //     page answers quickly with 100,000 jobs in the journal.
    r#"
    CREATE INDEX jobs_batch_state ON jobs (batch_id, state) WHERE batch_id IS NOT NULL;
    "#,
    // 13 (batches): one card per child in a batch, and one school finished before the next.
    //  - batch_nik: keyed hash of the holder's NIK (`batch_nik_key`: the journal's random id,
    //    the batch id, the NIK), set at intake for jobs of a batch; intake refuses a second
    //    live job of the same batch with the same key in the transaction that would insert
    //    it. Cleared with the payload by the personal-data purge (a NIK's hash can be
    //    reversed by trying every NIK of the masked pattern).
    //  - batch_seq: the intake sequence (`id`) of the batch's first job, or the job's own for
    //    a job without a batch, set by a trigger on every insert; the `batch-first` dispatch
    //    order sorts by it.
    r#"
    ALTER TABLE jobs ADD COLUMN batch_nik TEXT;
    ALTER TABLE jobs ADD COLUMN batch_seq INTEGER;
    UPDATE jobs SET batch_seq = CASE WHEN batch_id IS NULL THEN id
        ELSE (SELECT MIN(j.id) FROM jobs j WHERE j.batch_id = jobs.batch_id) END;
    CREATE INDEX jobs_batch_nik ON jobs (batch_id, batch_nik) WHERE batch_nik IS NOT NULL;
    CREATE INDEX jobs_dispatch_batch
        ON jobs (blangko_type, needs_chip, needs_dual, priority DESC, batch_seq, id)
        WHERE state = 'queued';
    CREATE TRIGGER jobs_batch_seq AFTER INSERT ON jobs WHEN NEW.batch_seq IS NULL
    BEGIN
        UPDATE jobs SET batch_seq = CASE WHEN NEW.batch_id IS NULL THEN NEW.id
            ELSE (SELECT MIN(j.id) FROM jobs j WHERE j.batch_id = NEW.batch_id) END
        WHERE id = NEW.id;
    END;
    "#,
];

/// Schema version this build writes.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// Current `user_version`.
pub fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Applies migrations up to `target` (for tests of older versions; the journal always migrates
/// to [`LATEST`]). Refuses a database newer than this build.
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<i64> {
    let found = version(conn)?;
    if found > LATEST {
        return Err(JournalError::SchemaTooNew {
            found,
            supported: LATEST,
        });
    }
    let target = target.clamp(0, LATEST);
    for v in found..target {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?;
        // `v` is within MIGRATIONS by the clamp above.
        let sql = MIGRATIONS
            .get(v as usize)
            .ok_or(JournalError::SchemaTooNew {
                found: v,
                supported: LATEST,
            })?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", v + 1)?;
        tx.commit()?;
    }
    version(conn)
}
