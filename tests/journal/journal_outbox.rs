//! Outbox (ids, order, ack), personal-data purge, and schema migrations from every version.

use std::collections::HashSet;

use crate::support::journal::*;
use cetak::journal::schema::{migrate_to, LATEST, MIGRATIONS};
use cetak::journal::{BlangkoType, JobState, Journal, JournalError, PrintedInfo, Timestamp};
use rusqlite::Connection;

fn print_one(f: &mut Fixture, id: &str) {
    f.j.claim_next(&slot("P1", BlangkoType::Kia, false, false))
        .unwrap()
        .unwrap();
    f.j.mark_ready(id).unwrap();
    f.j.feed(id, None).unwrap();
    f.j.start_printing(id, None).unwrap();
    f.j.mark_printed(id, &PrintedInfo::default()).unwrap();
}

#[test]
fn events_are_unique_ordered_and_acknowledged() {
    let mut f = open();
    stock_printer(&mut f.j, "P1", BlangkoType::Kia, 5);
    for i in 0..3 {
        f.j.enqueue(&job(&format!("J{i}"), BlangkoType::Kia))
            .unwrap();
    }
    print_one(&mut f, "J0");
    let pending = f.j.outbox_pending(100).unwrap();
    assert_eq!(pending.len(), 6);
    let ids: HashSet<_> = pending.iter().map(|e| e.event_id.clone()).collect();
    assert_eq!(ids.len(), 6);
    assert!(pending.windows(2).all(|w| w[0].seq < w[1].seq));
    assert!(pending[0]
        .event_id
        .starts_with(&format!("ST-3273:{}:", f.j.journal_id())));
    let j0: Vec<_> = pending
        .iter()
        .filter(|e| e.job_id.as_deref() == Some("J0"))
        .map(|e| e.kind.as_str())
        .collect();
    assert_eq!(j0, ["accepted", "printing", "printed", "ready_for_pickup"]);
    // The accepted event carries the masked NIK only.
    assert!(!pending[0].body.contains(&nik(7)));
    assert_eq!(f.j.outbox_pending(2).unwrap().len(), 2);
    f.j.outbox_ack(&pending[0].event_id).unwrap();
    f.j.outbox_ack(&pending[0].event_id).unwrap(); // repeated ack is fine
    assert_eq!(f.j.outbox_backlog().unwrap(), 5);
    assert_eq!(f.j.outbox_pending(1).unwrap()[0].seq, pending[1].seq);
    assert!(matches!(
        f.j.outbox_ack("ST-3273:x:999"),
        Err(JournalError::InvalidInput(_))
    ));
    // Pending events survive a restart.
    f.reopen();
    assert_eq!(f.j.outbox_backlog().unwrap(), 5);
}

#[test]
fn journals_get_distinct_ids() {
    let a = open();
    let b = open();
    assert_ne!(a.j.journal_id(), b.j.journal_id());
}

#[test]
fn purge_clears_payload_only_after_final_event_is_acknowledged() {
    let mut f = open();
    stock_printer(&mut f.j, "P1", BlangkoType::Kia, 5);
    f.j.enqueue(&job("J0", BlangkoType::Kia)).unwrap();
    f.j.enqueue(&job("J1", BlangkoType::Kia)).unwrap();
    print_one(&mut f, "J0");
    f.clock.advance(3 * 86_400_000);
    let cutoff = f.clock_now().plus_millis(-86_400_000);
    // Not yet acknowledged: kept.
    let r = f.j.purge_personal_data(cutoff).unwrap();
    assert_eq!((r.purged, r.waiting_for_ack), (0, 1));
    for e in f.j.outbox_for_job("J0").unwrap() {
        f.j.outbox_ack(&e.event_id).unwrap();
    }
    // Too recent: kept.
    assert_eq!(f.j.purge_personal_data(T0).unwrap().purged, 0);
    let r = f.j.purge_personal_data(cutoff).unwrap();
    assert_eq!(r.purged, 1);
    assert_eq!(f.j.job_payload("J0").unwrap(), None);
    let rec = f.j.job("J0").unwrap();
    assert!(rec.purged);
    assert_eq!(rec.state, JobState::Printed);
    assert_eq!(rec.nik_masked, cetak::journal::mask_nik(&nik(7)));
    // History (timestamps, outcome) stays; queued J1 is untouched.
    assert_eq!(f.j.job_history("J0").unwrap().len(), 6);
    assert!(f.j.job_payload("J1").unwrap().is_some());
    // No personal data left anywhere in the file for J0's name... only J1 still has it.
    let c = Connection::open(f.path()).unwrap();
    let n: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM jobs WHERE payload LIKE '%SITI RAHAYU%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
    assert_consistent(&f.j);
}

trait Now {
    fn clock_now(&self) -> Timestamp;
}
impl Now for Fixture {
    fn clock_now(&self) -> Timestamp {
        use cetak::journal::Clock;
        self.clock.now()
    }
}

#[test]
fn migrates_from_empty_and_from_every_older_version() {
    assert_eq!(LATEST as usize, MIGRATIONS.len());
    for start in 0..=LATEST {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.db");
        {
            let mut c = Connection::open(&path).unwrap();
            assert_eq!(migrate_to(&mut c, start).unwrap(), start);
            if start >= 1 {
                // Data written by an older version survives the upgrade.
                c.execute(
                    "INSERT INTO jobs (job_id, blangko_type, nik_masked, state, payload,
                                       created_at, updated_at)
                     VALUES ('OLD-1', 'kia', '327301******0001', 'queued', '{}', 1, 1)",
                    [],
                )
                .unwrap();
            }
        }
        let mut j = Journal::open(&path).unwrap();
        assert_eq!(j.schema_version().unwrap(), LATEST, "from {start}");
        if start >= 1 {
            assert_eq!(j.job("OLD-1").unwrap().state, JobState::Queued);
            let c = j
                .claim_next(&slot("P1", BlangkoType::Kia, false, false))
                .unwrap();
            assert_eq!(c.unwrap().job_id, "OLD-1");
        }
        // Opening again is a no-op.
        drop(j);
        assert_eq!(
            Journal::open(&path).unwrap().schema_version().unwrap(),
            LATEST
        );
    }
}

#[test]
fn refuses_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.db");
    {
        let c = Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", LATEST + 1).unwrap();
    }
    let e = Journal::open(&path).unwrap_err();
    assert!(matches!(e, JournalError::SchemaTooNew { .. }), "{e}");
}

#[test]
fn opens_in_wal_mode_with_full_sync() {
    let f = open();
    let c = Connection::open(f.path()).unwrap();
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn garbage_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.db");
    std::fs::write(&path, b"this is not a database, just text padded out ...................................................................").unwrap();
    let e = Journal::open(&path).unwrap_err();
    assert!(matches!(e, JournalError::Sqlite(_)), "{e}");
}

#[test]
fn full_nik_lives_only_in_the_payload() {
    let mut f = open();
    stock_printer(&mut f.j, "P1", BlangkoType::Kia, 5);
    let full = nik(42);
    let mut j = job("J0", BlangkoType::Kia);
    j.nik_masked = cetak::journal::mask_nik(&full);
    j.payload = format!(r#"{{"nik":"{full}","nama":"DEWI LESTARI"}}"#);
    f.j.enqueue(&j).unwrap();
    print_one(&mut f, "J0");
    f.j.reject(&cetak::journal::RejectedJob {
        job_id: "J1".into(),
        blangko_type: Some(BlangkoType::Kia),
        nik_masked: Some(cetak::journal::mask_nik(&full)),
        batch_id: None,
        payload: Some(format!(r#"{{"nik":"{full}"}}"#)),
        reason: "foto tidak valid".into(),
    })
    .unwrap();
    let c = Connection::open(f.path()).unwrap();
    for (table, cols) in [
        ("jobs", "job_id || nik_masked || coalesce(reason, '')"),
        (
            "job_events",
            "coalesce(reason, '') || coalesce(operator, '')",
        ),
        ("outbox", "body"),
        ("audit", "detail || subject"),
        ("ledger", "coalesce(note, '') || coalesce(job_id, '')"),
    ] {
        let n: i64 = c
            .query_row(
                &format!("SELECT COUNT(*) FROM {table} WHERE ({cols}) LIKE '%' || ?1 || '%'"),
                [&full],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 0, "full NIK found in {table}");
    }
    let in_payload: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM jobs WHERE payload LIKE '%' || ?1 || '%'",
            [&full],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(in_payload, 2);
}
