//! Batches in the journal: one live job per holder in a batch (checked in the transaction that
//! would insert, so two connections racing cannot both pass; a cancelled job frees the holder),
//! and the dispatch order (`batch-first` finishes one school before the next; `fifo` keeps
//! intake order).

use std::sync::{Arc, Barrier};

use crate::support::journal::*;
use cetak::journal::{
    BatchOrder, BlangkoType, Enqueued, JobState, Journal, NewJob, DUPLICATE_IN_BATCH,
};

fn pupil(j: &Journal, id: &str, batch: &str, serial: u32) -> NewJob {
    NewJob {
        batch_id: Some(batch.into()),
        batch_nik: Some(j.batch_nik_key(batch, &nik(serial))),
        ..job(id, BlangkoType::Kia)
    }
}

#[test]
fn a_second_job_for_the_same_child_in_a_batch_is_rejected_naming_the_first() {
    let mut f = open();
    let first = pupil(&f.j, "SD-1-A", "SD-1", 11);
    assert_eq!(f.j.enqueue(&first).unwrap(), Enqueued::Added);
    let again = pupil(&f.j, "SD-1-B", "SD-1", 11);
    assert_eq!(
        f.j.enqueue(&again).unwrap(),
        Enqueued::DuplicateInBatch {
            batch_id: "SD-1".into(),
            other_job: "SD-1-A".into()
        }
    );
    let rec = f.j.job("SD-1-B").unwrap();
    assert_eq!(rec.state, JobState::Rejected);
    assert!(rec.reason.as_deref().unwrap().contains("SD-1-A"), "{rec:?}");
    let ev = f.j.outbox_for_job("SD-1-B").unwrap();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].kind, "rejected");
    assert!(ev[0].body.contains(DUPLICATE_IN_BATCH), "{}", ev[0].body);
    // The same id delivered again stays what it was.
    assert_eq!(
        f.j.enqueue(&again).unwrap(),
        Enqueued::AlreadyKnown(JobState::Rejected)
    );
    // Another child of the batch, and the same child in another batch, are fine.
    assert_eq!(
        f.j.enqueue(&pupil(&f.j, "SD-1-C", "SD-1", 12)).unwrap(),
        Enqueued::Added
    );
    assert_eq!(
        f.j.enqueue(&pupil(&f.j, "SD-2-A", "SD-2", 11)).unwrap(),
        Enqueued::Added
    );
    // Once the first job is cancelled, the child may have a job in the batch again.
    f.j.cancel("SD-1-A", "data corrected", &op()).unwrap();
    assert_eq!(
        f.j.enqueue(&pupil(&f.j, "SD-1-D", "SD-1", 11)).unwrap(),
        Enqueued::Added
    );
    let b = f.j.batch_figures("SD-1").unwrap().unwrap();
    assert_eq!((b.total, b.rejected, b.cancelled, b.waiting), (2, 1, 1, 2));
    assert_consistent(&f.j);
}

#[test]
fn connections_racing_with_the_same_child_let_exactly_one_job_in() {
    let f = open();
    let path = f.path();
    let key = f.j.batch_nik_key("SD-R", &nik(5));
    let n = 8;
    let gate = Arc::new(Barrier::new(n));
    let outcomes: Vec<Enqueued> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let (gate, path, key) = (gate.clone(), path.clone(), key.clone());
                let clock = f.clock.clone();
                s.spawn(move || {
                    let mut j = Journal::open_with(&path, options(clock, 3)).unwrap();
                    let job = NewJob {
                        batch_id: Some("SD-R".into()),
                        batch_nik: Some(key),
                        ..job(&format!("SD-R-{i}"), BlangkoType::Kia)
                    };
                    gate.wait();
                    j.enqueue(&job).unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let added = outcomes.iter().filter(|o| **o == Enqueued::Added).count();
    let dup = outcomes
        .iter()
        .filter(|o| matches!(o, Enqueued::DuplicateInBatch { .. }))
        .count();
    assert_eq!((added, dup), (1, n - 1), "{outcomes:?}");
}

/// Intake interleaves two schools and an individual job; returns the claim order on one printer.
fn claim_order(order: BatchOrder) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(cetak::journal::ManualClock::new(T0));
    let mut j = Journal::open_with(
        dir.path().join("journal.db"),
        cetak::journal::JournalOptions {
            batch_order: order,
            ..options(clock, 3)
        },
    )
    .unwrap();
    for (i, id) in ["A-1", "B-1", "A-2", "SOLO-1", "B-2", "A-3", "B-3"]
        .iter()
        .enumerate()
    {
        let batch = &id[..id.find('-').unwrap()];
        let job = if batch == "SOLO" {
            job(id, BlangkoType::Kia)
        } else {
            pupil(&j, id, &format!("SD-{batch}"), i as u32)
        };
        assert_eq!(j.enqueue(&job).unwrap(), Enqueued::Added);
    }
    let p = slot("P1", BlangkoType::Kia, false, true);
    let mut out = Vec::new();
    while let Some(c) = j.claim_next(&p).unwrap() {
        out.push(c.job_id);
    }
    out
}

#[test]
fn batch_first_finishes_one_school_before_the_next_and_fifo_keeps_intake_order() {
    assert_eq!(
        claim_order(BatchOrder::BatchFirst),
        ["A-1", "A-2", "A-3", "B-1", "B-2", "B-3", "SOLO-1"]
    );
    assert_eq!(
        claim_order(BatchOrder::Fifo),
        ["A-1", "B-1", "A-2", "SOLO-1", "B-2", "A-3", "B-3"]
    );
}
