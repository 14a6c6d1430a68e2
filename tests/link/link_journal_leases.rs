//! Lease rules inside the journal, on a manual clock: feed refuses a job whose lease expired and
//! drops it in the same call; a lost lease drops a job not yet in a printer but leaves one that
//! holds a blangko; a dropped job offered again under a new lease is queued again; renewals.
//! Ownership (issue 10): from its first feed a job is this station's — requeued after a spoiled
//! card or a doubt resolved as spoiled, it is never dropped for its lease nor given back.

use crate::support::journal::*;
use cetak::journal::{
    BlangkoType, DoubtResolution, JobSource, JobState, Journal, JournalError, LeaseDrop,
    SpoilCategory, Timestamp, LEASE_LOST, LEASE_LOST_ALERT, LEASE_RELEASED,
};
use cetak::messages::MessageText as _;

fn pulled(lease: &str, expires: Timestamp) -> JobSource {
    JobSource {
        origin: "pull".into(),
        lease_id: Some(lease.into()),
        lease_expires_at: Some(expires),
    }
}

fn cancelled_events(f: &Fixture, id: &str) -> Vec<serde_json::Value> {
    f.j.outbox_for_job(id)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "cancelled")
        .map(|e| serde_json::from_str(&e.body).unwrap())
        .collect()
}

#[test]
fn feed_refuses_and_drops_a_job_whose_lease_expired() {
    let mut f = open();
    stock_printer(&mut f.j, "P1", BlangkoType::Kia, 5);
    let s = slot("P1", BlangkoType::Kia, false, false);
    f.j.enqueue_from(
        &job("L-1", BlangkoType::Kia),
        &pulled("lease-1", T0.plus_millis(60_000)),
    )
    .unwrap();
    f.j.enqueue_from(
        &job("L-2", BlangkoType::Kia),
        &pulled("lease-2", T0.plus_millis(600_000)),
    )
    .unwrap();
    let c = f.j.claim_next(&s).unwrap().unwrap();
    assert_eq!(c.job_id, "L-1");
    f.j.mark_ready("L-1").unwrap();
    // The lease runs out while the job waits in the printer's look-ahead.
    f.clock.advance(60_000);
    let e = f.j.feed("L-1", Some("SER")).unwrap_err();
    assert!(
        matches!(e, JournalError::LeaseLost { ref job } if job == "L-1"),
        "{e:?}"
    );
    assert!(e.message_id().contains("sewa"));
    assert_eq!(f.j.job("L-1").unwrap().state, JobState::Cancelled);
    let ev = cancelled_events(&f, "L-1");
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0]["reason"], LEASE_LOST);
    // Operators (and the server, through the outbox) hear of it.
    let alerts = f.j.alerts_open().unwrap();
    let a = alerts
        .iter()
        .find(|a| a.kind == LEASE_LOST_ALERT)
        .expect("lease-lost alert");
    assert_eq!(a.key, "L-1");
    assert!(a.message_id.contains("sewa") && a.message_en.contains("lease"));
    assert!(f
        .j
        .outbox_pending(100)
        .unwrap()
        .iter()
        .any(|e| e.kind == "alert" && e.body.contains(LEASE_LOST_ALERT)));
    // No blangko moved for it.
    assert_eq!(f.j.stock_show().unwrap().feeders[0].count, 5);
    // The next job, lease still valid, is fed.
    f.j.claim_next(&s).unwrap().unwrap();
    f.j.mark_ready("L-2").unwrap();
    assert_eq!(f.j.feed("L-2", Some("SER")).unwrap(), 1);
    assert_eq!(f.j.stock_show().unwrap().feeders[0].count, 4);
}

#[test]
fn lost_lease_drops_only_jobs_not_in_a_printer() {
    let mut f = open();
    stock_printer(&mut f.j, "P1", BlangkoType::Kia, 5);
    let s = slot("P1", BlangkoType::Kia, false, false);
    let far = T0.plus_millis(3_600_000);
    f.j.enqueue_from(&job("A", BlangkoType::Kia), &pulled("la", far))
        .unwrap();
    f.j.enqueue_from(&job("B", BlangkoType::Kia), &pulled("lb", far))
        .unwrap();
    f.j.claim_next(&s).unwrap().unwrap();
    f.j.mark_ready("A").unwrap();
    f.j.feed("A", None).unwrap();
    // A is this station's now: only B's lease is kept.
    let held = f.j.leases_held().unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].job_id, "B");
    assert_eq!(
        f.j.lease_lost("A", LEASE_LOST).unwrap(),
        LeaseDrop::Owned(JobState::Feeding)
    );
    assert_eq!(f.j.lease_lost("B", LEASE_LOST).unwrap(), LeaseDrop::Dropped);
    assert_eq!(f.j.job("B").unwrap().state, JobState::Cancelled);
    // Neither lease is renewed any more; A goes on to be printed.
    assert!(f.j.leases_held().unwrap().is_empty());
    f.j.start_printing("A", None).unwrap();
    f.j.mark_printed("A", &Default::default()).unwrap();
    assert!(cancelled_events(&f, "A").is_empty());
}

#[test]
fn expiry_by_the_journal_clock_drops_waiting_jobs() {
    let mut f = open();
    f.j.enqueue_from(
        &job("E-1", BlangkoType::Kia),
        &pulled("le1", T0.plus_millis(1_000)),
    )
    .unwrap();
    f.j.enqueue_from(
        &job("E-2", BlangkoType::Kia),
        &pulled("le2", T0.plus_millis(9_000)),
    )
    .unwrap();
    f.j.enqueue_from(&job("E-3", BlangkoType::Kia), &JobSource::local())
        .unwrap();
    assert!(f.j.drop_expired_leases().unwrap().is_empty());
    f.clock.advance(1_000);
    assert_eq!(f.j.drop_expired_leases().unwrap(), vec!["E-1".to_string()]);
    // Renewal pushes E-2's expiry out.
    assert!(f
        .j
        .lease_renewed("E-2", "le2", T0.plus_millis(20_000))
        .unwrap());
    f.clock.advance(10_000);
    assert!(f.j.drop_expired_leases().unwrap().is_empty());
    assert_eq!(f.j.job("E-2").unwrap().state, JobState::Queued);
    assert_eq!(
        f.j.job("E-3").unwrap().state,
        JobState::Queued,
        "local jobs have no lease"
    );
    let counts = f.j.unfed_counts().unwrap();
    assert_eq!(counts.get(&BlangkoType::Kia), Some(&2));
}

#[test]
fn a_dropped_job_offered_under_a_new_lease_is_queued_again() {
    let mut f = open();
    f.j.enqueue_from(
        &job("R-1", BlangkoType::Kia),
        &pulled("old", T0.plus_millis(5_000)),
    )
    .unwrap();
    // Not dropped yet: requeue is refused.
    assert!(f
        .j
        .lease_requeue("R-1", "new", T0.plus_millis(99_000))
        .is_err());
    f.j.lease_lost("R-1", LEASE_RELEASED).unwrap();
    assert!(f.j.dropped_for_lease("R-1").unwrap());
    f.j.lease_requeue("R-1", "new", T0.plus_millis(99_000))
        .unwrap();
    assert_eq!(f.j.job("R-1").unwrap().state, JobState::Queued);
    let (lease, exp, lost) = f.j.lease_of("R-1").unwrap().unwrap();
    assert_eq!(
        (lease.as_str(), exp, lost),
        ("new", T0.plus_millis(99_000), false)
    );
    let kinds = outbox_kinds(&f.j, "R-1");
    assert_eq!(kinds, ["accepted", "cancelled", "requeued"]);
    // Released at shutdown: no alert (the station chose to give it back).
    assert!(f.j.alerts_open().unwrap().is_empty());
    // An operator cancellation is final: not requeued by a lease offer.
    f.j.cancel("R-1", "salah cetak", &op()).unwrap();
    assert!(!f.j.dropped_for_lease("R-1").unwrap());
    assert!(f
        .j
        .lease_requeue("R-1", "newer", T0.plus_millis(99_000))
        .is_err());
}

#[test]
fn stock_report_and_batch_ack() {
    let mut f = open();
    stock_printer(&mut f.j, "P1", BlangkoType::Kia, 5);
    let id = f.j.report_stock(&[]).unwrap();
    let body = f.j.last_stock_body().unwrap().unwrap();
    assert_eq!(body["event_id"], id.as_str());
    assert_eq!(body["blangko"][0]["blangko_type"], "kia");
    assert_eq!(body["blangko"][0]["in_feeders"], 5);
    assert_eq!(body["blangko"][0]["spoiled"]["rusak"], 0);
    assert_eq!(body["feeders"][0]["printer"], "P1");
    let pending: Vec<String> =
        f.j.outbox_pending(100)
            .unwrap()
            .into_iter()
            .map(|e| e.event_id)
            .collect();
    assert!(pending.contains(&id));
    let mut ids = pending.clone();
    ids.push("unknown:event:1".into());
    assert_eq!(f.j.outbox_ack_many(&ids).unwrap(), pending.len() as u64);
    assert_eq!(f.j.outbox_backlog().unwrap(), 0);
    assert_eq!(
        f.j.outbox_ack_many(&ids).unwrap(),
        0,
        "acking twice is harmless"
    );
}

/// Claims, prepares and feeds `id` on `P1` (the first `printing` event).
fn feed_on_p1(f: &mut Fixture, id: &str) {
    let s = slot("P1", BlangkoType::Kia, false, false);
    let c = f.j.claim_next(&s).unwrap().unwrap();
    assert_eq!(c.job_id, id);
    f.j.mark_ready(id).unwrap();
    f.j.feed(id, Some("SER")).unwrap();
}

/// The job of the issue: it reached a printer, its card was spoiled, its lease ran out while it
/// waited for a new blangko. It stays this station's: not dropped, not given back, fed again.
#[test]
fn a_job_requeued_after_a_spoiled_card_stays_owned_whatever_its_lease_does() {
    let mut f = open();
    stock_printer(&mut f.j, "P1", BlangkoType::Kia, 5);
    f.j.enqueue_from(
        &job("O-1", BlangkoType::Kia),
        &pulled("lo1", T0.plus_millis(60_000)),
    )
    .unwrap();
    assert!(!f.j.is_owned("O-1").unwrap());
    assert_eq!(f.j.leases_held().unwrap().len(), 1, "renewed while unfed");
    feed_on_p1(&mut f, "O-1");
    assert!(f.j.is_owned("O-1").unwrap(), "owned from the first feed");
    f.j.start_printing("O-1", None).unwrap();
    let st =
        f.j.spoil("O-1", SpoilCategory::GagalCetak, "smear", &op())
            .unwrap();
    assert_eq!(st, JobState::Queued);
    // Leases renew only for jobs never owned.
    assert!(f.j.leases_held().unwrap().is_empty());
    assert!(!f
        .j
        .lease_renewed("O-1", "lo1", T0.plus_millis(99_000))
        .unwrap());
    // The lease runs out by the journal clock, then the server refuses it, then shutdown.
    f.clock.advance(120_000);
    assert!(f.j.drop_expired_leases().unwrap().is_empty());
    assert_eq!(
        f.j.lease_lost("O-1", LEASE_LOST).unwrap(),
        LeaseDrop::Owned(JobState::Queued)
    );
    assert_eq!(
        f.j.lease_lost("O-1", LEASE_RELEASED).unwrap(),
        LeaseDrop::Owned(JobState::Queued)
    );
    assert_eq!(f.j.job("O-1").unwrap().state, JobState::Queued);
    assert!(!f.j.dropped_for_lease("O-1").unwrap());
    // Survives a reopen; fed again although the lease expired long ago, and printed.
    f.reopen();
    assert!(f.j.is_owned("O-1").unwrap());
    feed_on_p1(&mut f, "O-1");
    f.j.start_printing("O-1", None).unwrap();
    f.j.mark_printed("O-1", &Default::default()).unwrap();
    assert_eq!(
        outbox_kinds(&f.j, "O-1"),
        [
            "accepted",
            "printing",
            "spoiled",
            "printing",
            "printed",
            "ready_for_pickup"
        ]
    );
    assert!(f.j.alerts_open().unwrap().is_empty());
}

#[test]
fn a_doubt_resolved_as_spoiled_keeps_the_job_owned() {
    let mut f = open();
    stock_printer(&mut f.j, "P1", BlangkoType::Kia, 5);
    f.j.enqueue_from(
        &job("D-1", BlangkoType::Kia),
        &pulled("ld1", T0.plus_millis(30_000)),
    )
    .unwrap();
    feed_on_p1(&mut f, "D-1");
    // The station stops with the card inside and stays down longer than the lease.
    f.clock.advance(600_000);
    f.reopen();
    let r = f.j.recover_on_start().unwrap();
    assert_eq!(r.now_in_doubt, vec!["D-1".to_string()]);
    assert!(f.j.drop_expired_leases().unwrap().is_empty());
    let st =
        f.j.doubt_resolve(
            "D-1",
            DoubtResolution::Spoiled(SpoilCategory::Rusak),
            "no card in the tray",
            &op(),
        )
        .unwrap();
    assert_eq!(st, JobState::Queued);
    assert!(f.j.drop_expired_leases().unwrap().is_empty());
    assert_eq!(
        f.j.lease_lost("D-1", LEASE_RELEASED).unwrap(),
        LeaseDrop::Owned(JobState::Queued)
    );
    feed_on_p1(&mut f, "D-1");
    assert!(!outbox_kinds(&f.j, "D-1").contains(&"cancelled".to_string()));
}

/// A journal written before ownership existed: jobs fed once become owned at the upgrade.
#[test]
fn jobs_fed_before_the_upgrade_are_owned_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.db");
    {
        let mut c = rusqlite::Connection::open(&path).unwrap();
        cetak::journal::schema::migrate_to(&mut c, 8).unwrap();
        c.execute_batch(
            "INSERT INTO jobs (job_id, blangko_type, state, attempt, created_at, updated_at)
                 VALUES ('FED', 'kia', 'queued', 1, 1, 5), ('NEW', 'kia', 'queued', 0, 1, 1);
             INSERT INTO job_events (job_id, at, step, from_state, to_state, attempt)
                 VALUES ('FED', 3, 'feed', 'ready', 'feeding', 1),
                        ('FED', 4, 'spoil', 'feeding', 'spoiled', 1);",
        )
        .unwrap();
    }
    let j = Journal::open(&path).unwrap();
    assert!(j.is_owned("FED").unwrap());
    assert!(!j.is_owned("NEW").unwrap());
}
