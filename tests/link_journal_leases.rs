//! Lease rules inside the journal, on a manual clock: feed refuses a job whose lease expired and
//! drops it in the same call; a lost lease drops a job not yet in a printer but leaves one that
//! holds a blangko; a dropped job offered again under a new lease is queued again; renewals.

mod journal_support;

use cetak::journal::{
    BlangkoType, JobSource, JobState, JournalError, LeaseDrop, Timestamp, LEASE_LOST,
    LEASE_RELEASED,
};
use journal_support::*;

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
    assert_eq!(f.j.leases_held().unwrap().len(), 2);
    assert_eq!(
        f.j.lease_lost("A", LEASE_LOST).unwrap(),
        LeaseDrop::Kept(JobState::Feeding)
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
    let kinds: Vec<String> =
        f.j.outbox_for_job("R-1")
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
    assert_eq!(kinds, ["accepted", "cancelled", "requeued"]);
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
