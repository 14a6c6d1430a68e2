//! The job state machine through the journal: every legal and illegal transition, intake,
//! dispatch, recovery to in_doubt and doubt resolution, on real SQLite files.

use crate::support::journal::*;
use cetak::journal::{
    Actor, BlangkoType, ChipInfo, DoubtResolution, Enqueued, JobState, JournalError, Location,
    PrintedInfo, RejectedJob, SpoilCategory,
};
use cetak::messages::MessageText as _;

const P: &str = "P1";

/// The operations a job can undergo, driven through the public API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Claim,
    Ready,
    Release,
    Feed,
    Encode,
    Print,
    Printed,
    Spoil,
    Cancel,
    Reject,
    Doubt,
    ResolvePrinted,
    ResolveSpoiled,
    HandOver,
}

const OPS: [Op; 14] = [
    Op::Claim,
    Op::Ready,
    Op::Release,
    Op::Feed,
    Op::Encode,
    Op::Print,
    Op::Printed,
    Op::Spoil,
    Op::Cancel,
    Op::Reject,
    Op::Doubt,
    Op::ResolvePrinted,
    Op::ResolveSpoiled,
    Op::HandOver,
];

/// Written independently of `JobState::after`: the states each operation is legal from, for a
/// chip job (encode before print).
fn legal_from(op: Op) -> &'static [JobState] {
    use JobState::*;
    match op {
        Op::Claim => &[Queued],
        Op::Ready => &[Preparing],
        Op::Release => &[Preparing, Ready],
        Op::Feed => &[Ready],
        Op::Encode => &[Feeding],
        Op::Print => &[Encoding],
        Op::Printed => &[Printing],
        Op::Spoil => &[Feeding, Encoding, Printing],
        Op::Cancel | Op::Reject => &[Queued, Preparing, Ready],
        Op::Doubt => &[Feeding, Encoding, Printing],
        Op::ResolvePrinted | Op::ResolveSpoiled => &[InDoubt],
        Op::HandOver => &[Printed],
    }
}

fn chip() -> ChipInfo {
    ChipInfo {
        atr: "3B8F8001804F0CA000000306030001000000006A".into(),
        uid: "04A1B2C3D4E5F6".into(),
    }
}

fn apply(f: &mut Fixture, id: &str, action: Op) -> Result<(), JournalError> {
    let j = &mut f.j;
    match action {
        Op::Claim => {
            // Claim takes "the next" job: only meaningful when this is the only queued job.
            match j.claim_next(&slot(P, BlangkoType::KtpEl, true, true))? {
                Some(c) if c.job_id == id => Ok(()),
                Some(c) => panic!("claimed {} instead of {id}", c.job_id),
                None => Err(JournalError::IllegalTransition {
                    job: id.into(),
                    event: "claim",
                    expected: "queued".into(),
                    got: j.job(id)?.state,
                }),
            }
        }
        Op::Ready => j.mark_ready(id),
        Op::Release => j.release(id, "printer paused"),
        Op::Feed => j.feed(id, Some("EVO-SN-1")).map(|_| ()),
        Op::Encode => j.start_encoding(id),
        Op::Print => j.start_printing(id, Some(&chip())),
        Op::Printed => j.mark_printed(
            id,
            &PrintedInfo {
                card_serial: Some("C-0001".into()),
                printer_serial: Some("EVO-SN-1".into()),
            },
        ),
        Op::Spoil => j
            .spoil(id, SpoilCategory::GagalCetak, "ribbon wrinkle", &op())
            .map(|_| ()),
        Op::Cancel => j.cancel(id, "application withdrawn", &op()),
        Op::Reject => j.reject_job(id, "layout missing", &Actor::system()),
        Op::Doubt => j.mark_in_doubt(id, "printer stopped answering"),
        Op::ResolvePrinted => j
            .doubt_resolve(id, DoubtResolution::Printed, "found in output tray", &op())
            .map(|_| ()),
        Op::ResolveSpoiled => j
            .doubt_resolve(
                id,
                DoubtResolution::Spoiled(SpoilCategory::Rusak),
                "found bent in reject box",
                &op(),
            )
            .map(|_| ()),
        Op::HandOver => j
            .hand_over(
                id,
                &cetak::journal::HandOver {
                    to: "BUDI SANTOSO",
                    relation: cetak::journal::Relation::KepalaKeluarga,
                    pickup_code: None,
                },
                &op(),
            )
            .map(|_| ()),
    }
}

/// A fresh journal with one chip job brought to `target` along the normal path.
fn job_in(target: JobState) -> Fixture {
    let mut f = open_with_attempts(1);
    stock_printer(&mut f.j, P, BlangkoType::KtpEl, 5);
    f.j.enqueue(&chip_job("J1")).unwrap();
    let path: &[Op] = match target {
        JobState::Queued => &[],
        JobState::Preparing => &[Op::Claim],
        JobState::Ready => &[Op::Claim, Op::Ready],
        JobState::Feeding => &[Op::Claim, Op::Ready, Op::Feed],
        JobState::Encoding => &[Op::Claim, Op::Ready, Op::Feed, Op::Encode],
        JobState::Printing => &[Op::Claim, Op::Ready, Op::Feed, Op::Encode, Op::Print],
        JobState::Printed => &[
            Op::Claim,
            Op::Ready,
            Op::Feed,
            Op::Encode,
            Op::Print,
            Op::Printed,
        ],
        // max_attempts = 1: one spoil fails the job.
        JobState::Failed => &[Op::Claim, Op::Ready, Op::Feed, Op::Spoil],
        JobState::Rejected => &[Op::Reject],
        JobState::Cancelled => &[Op::Cancel],
        JobState::InDoubt => &[Op::Claim, Op::Ready, Op::Feed, Op::Doubt],
        // Printed, then the card written off for a newer job.
        JobState::Superseded => &[
            Op::Claim,
            Op::Ready,
            Op::Feed,
            Op::Encode,
            Op::Print,
            Op::Printed,
        ],
        JobState::HandedOver => &[
            Op::Claim,
            Op::Ready,
            Op::Feed,
            Op::Encode,
            Op::Print,
            Op::Printed,
            Op::HandOver,
        ],
        JobState::Spoiled => unreachable!("spoiled is transient"),
    };
    for op in path {
        apply(&mut f, "J1", *op).unwrap_or_else(|e| panic!("{op:?} on the way to {target}: {e}"));
    }
    if target == JobState::Superseded {
        f.j.write_off_printed(
            "J1",
            SpoilCategory::PerubahanElemenData,
            "data changed",
            &cetak::journal::AfterWriteOff::SupersededBy("J2".into()),
            &Actor::operator("op"),
        )
        .unwrap();
    }
    assert_eq!(f.j.job("J1").unwrap().state, target);
    f
}

#[test]
fn every_operation_from_every_state() {
    let states = JobState::ALL
        .into_iter()
        .filter(|s| *s != JobState::Spoiled)
        .collect::<Vec<_>>();
    for from in states {
        for op in OPS {
            let mut f = job_in(from);
            let history_before = f.j.job_history("J1").unwrap().len();
            let result = apply(&mut f, "J1", op);
            let legal = legal_from(op).contains(&from);
            match (&result, legal) {
                (Ok(()), true) => {}
                // Handed over twice: refused with the time of the first hand-over.
                (Err(JournalError::HandOver(r)), false)
                    if from == JobState::HandedOver && op == Op::HandOver =>
                {
                    assert_eq!(r.code(), "already_handed_over");
                    assert_eq!(f.j.job_history("J1").unwrap().len(), history_before);
                }
                (Err(e), false) => {
                    let msg = e.to_string();
                    assert!(
                        msg.contains(&format!("got {from}")) && msg.contains("expected"),
                        "{op:?} from {from}: unclear error {msg}"
                    );
                    assert!(!e.message_id().is_empty());
                    // Nothing changed.
                    assert_eq!(f.j.job("J1").unwrap().state, from);
                    assert_eq!(f.j.job_history("J1").unwrap().len(), history_before);
                }
                (r, legal) => panic!("{op:?} from {from}: legal={legal} but got {r:?}"),
            }
            assert_consistent(&f.j);
        }
    }
}

#[test]
fn printed_path_records_history_ledger_and_outbox() {
    let f = job_in(JobState::Printed);
    let h = f.j.job_history("J1").unwrap();
    let steps: Vec<&str> = h.iter().map(|e| e.step.as_str()).collect();
    assert_eq!(
        steps,
        [
            "enqueue",
            "claim",
            "mark ready",
            "feed",
            "start encoding",
            "start printing",
            "mark printed"
        ]
    );
    let feed = &h[3];
    assert_eq!(feed.printer_id.as_deref(), Some(P));
    assert_eq!(feed.printer_serial.as_deref(), Some("EVO-SN-1"));
    assert_eq!(feed.attempt, 1);
    assert_eq!(h[5].chip_uid.as_deref(), Some("04A1B2C3D4E5F6"));
    assert_eq!(h[6].card_serial.as_deref(), Some("C-0001"));
    let kinds = outbox_kinds(&f.j, "J1");
    assert_eq!(
        kinds,
        ["accepted", "printing", "printed", "ready_for_pickup"]
    );
    let printed = &f.j.outbox_for_job("J1").unwrap()[2];
    let body: serde_json::Value = serde_json::from_str(&printed.body).unwrap();
    assert_eq!(body["chip_uid"], "04A1B2C3D4E5F6");
    assert_eq!(body["printer_serial"], "EVO-SN-1");
    assert_eq!(body["event_id"], printed.event_id.as_str());
    let s = f.j.stock_show().unwrap();
    let ktp = &s.types[&BlangkoType::KtpEl];
    assert_eq!((ktp.consumed, ktp.in_feeders, ktp.in_printers), (1, 4, 0));
    assert_eq!(f.j.cards_fed(P).unwrap(), 1);
    assert_eq!(f.j.cards_fed("P9").unwrap(), 0);
}

#[test]
fn feed_binds_a_blangko_to_the_printer() {
    let f = job_in(JobState::Feeding);
    let t = BlangkoType::KtpEl;
    assert_eq!(
        f.j.stock_balance(t, &Location::InPrinter(P.into()))
            .unwrap(),
        1
    );
    assert_eq!(
        f.j.stock_balance(t, &Location::Feeder(P.into())).unwrap(),
        4
    );
}

#[test]
fn feed_by_another_printer_is_refused_and_moves_nothing() {
    let mut f = open();
    stock_printer(&mut f.j, P, BlangkoType::Kia, 3);
    stock_printer(&mut f.j, "P2", BlangkoType::Kia, 3);
    f.j.enqueue(&job("J1", BlangkoType::Kia)).unwrap();
    f.j.claim_next(&slot(P, BlangkoType::Kia, false, false))
        .unwrap()
        .unwrap();
    f.j.mark_ready("J1").unwrap();
    let e = f.j.feed_on("P2", "J1", None).unwrap_err();
    assert!(
        matches!(
            e,
            JournalError::IllegalTransition {
                got: JobState::Ready,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(f.j.job("J1").unwrap().state, JobState::Ready);
    assert_eq!(
        f.j.stock_balance(BlangkoType::Kia, &Location::Feeder("P2".into()))
            .unwrap(),
        3
    );
    assert_eq!(f.j.feed_on(P, "J1", None).unwrap(), 1);
    assert_consistent(&f.j);
}

#[test]
fn feed_from_an_empty_feeder_is_refused_and_job_stays_ready() {
    let mut f = open();
    f.j.enqueue(&job("J1", BlangkoType::Kia)).unwrap();
    f.j.claim_next(&slot(P, BlangkoType::Kia, false, false))
        .unwrap()
        .unwrap();
    f.j.mark_ready("J1").unwrap();
    let e = f.j.feed("J1", None).unwrap_err();
    assert!(
        matches!(
            e,
            JournalError::InsufficientStock {
                available: 0,
                requested: 1,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("feeder:P1"), "{e}");
    assert_eq!(f.j.job("J1").unwrap().state, JobState::Ready);
    assert_consistent(&f.j);
}

#[test]
fn chip_job_cannot_skip_encoding() {
    let mut f = job_in(JobState::Feeding);
    let e = f.j.start_printing("J1", None).unwrap_err();
    assert!(
        e.to_string().contains("expected encoding, got feeding"),
        "{e}"
    );
}

#[test]
fn spoil_requeues_on_a_new_blangko_until_the_attempt_limit() {
    let mut f = open_with_attempts(2);
    stock_printer(&mut f.j, P, BlangkoType::Kia, 10);
    f.j.enqueue(&job("J1", BlangkoType::Kia)).unwrap();
    let s = slot(P, BlangkoType::Kia, false, false);
    for attempt in 1..=2u32 {
        let c = f.j.claim_next(&s).unwrap().unwrap();
        assert_eq!(c.attempt, attempt - 1);
        f.j.mark_ready("J1").unwrap();
        assert_eq!(f.j.feed("J1", None).unwrap(), attempt);
        f.j.start_printing("J1", None).unwrap();
        let next =
            f.j.spoil("J1", SpoilCategory::GagalCetak, "colour shift", &op())
                .unwrap();
        let want = if attempt < 2 {
            JobState::Queued
        } else {
            JobState::Failed
        };
        assert_eq!(next, want);
    }
    let kia = f.j.stock_show().unwrap().types[&BlangkoType::Kia].clone();
    assert_eq!(kia.spoiled, 2);
    assert_eq!(kia.spoiled_by_category[&SpoilCategory::GagalCetak], 2);
    assert_eq!(kia.in_feeders, 8);
    let kinds = outbox_kinds(&f.j, "J1");
    assert_eq!(
        kinds,
        ["accepted", "printing", "spoiled", "printing", "spoiled", "failed"]
    );
    assert!(f.j.claim_next(&s).unwrap().is_none());
    assert_consistent(&f.j);
}

#[test]
fn enqueue_is_idempotent_by_job_id() {
    let mut f = open();
    let j = job("J1", BlangkoType::Kia);
    assert_eq!(f.j.enqueue(&j).unwrap(), Enqueued::Added);
    assert_eq!(
        f.j.enqueue(&j).unwrap(),
        Enqueued::AlreadyKnown(JobState::Queued)
    );
    // Even with a different payload, and after it moved on.
    f.j.cancel("J1", "test", &op()).unwrap();
    let mut changed = j.clone();
    changed.payload = "{}".into();
    assert_eq!(
        f.j.enqueue(&changed).unwrap(),
        Enqueued::AlreadyKnown(JobState::Cancelled)
    );
    // In bulk, including duplicates inside one batch.
    let batch = vec![
        job("J1", BlangkoType::Kia),
        job("J2", BlangkoType::Kia),
        job("J2", BlangkoType::Kia),
        job("J3", BlangkoType::KtpEl),
    ];
    let r = f.j.enqueue_many(&batch).unwrap();
    assert_eq!((r.added, r.already_known), (2, 2));
    assert_eq!(f.j.queued_count().unwrap(), 2);
    assert_eq!(f.j.outbox_for_job("J2").unwrap().len(), 1);
}

#[test]
fn bulk_intake_refuses_the_whole_batch_on_a_bad_job() {
    let mut f = open();
    let mut bad = job("J2", BlangkoType::Kia);
    bad.nik_masked = nik(3); // a full NIK must never be stored
    let e =
        f.j.enqueue_many(&[job("J1", BlangkoType::Kia), bad])
            .unwrap_err();
    assert!(matches!(e, JournalError::InvalidInput(_)), "{e}");
    assert_eq!(f.j.queued_count().unwrap(), 0);
    let mut not_json = job("J3", BlangkoType::Kia);
    not_json.payload = "{nope".into();
    assert!(f.j.enqueue(&not_json).is_err());
    let mut bad_id = job("J 4", BlangkoType::Kia);
    bad_id.job_id = "J 4".into();
    assert!(f.j.enqueue(&bad_id).is_err());
}

#[test]
fn reject_at_intake_is_recorded_once_with_its_reason() {
    let mut f = open();
    let r = RejectedJob {
        job_id: "J9".into(),
        blangko_type: None,
        nik_masked: None,
        batch_id: None,
        payload: Some("{garbage".into()),
        reason: "tanggal lahir tidak cocok dengan NIK".into(),
    };
    assert_eq!(f.j.reject(&r).unwrap(), Enqueued::Added);
    assert_eq!(
        f.j.reject(&r).unwrap(),
        Enqueued::AlreadyKnown(JobState::Rejected)
    );
    let rec = f.j.job("J9").unwrap();
    assert_eq!(rec.state, JobState::Rejected);
    assert_eq!(rec.reason.as_deref(), Some(r.reason.as_str()));
    let ev = f.j.outbox_for_job("J9").unwrap();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].kind, "rejected");
    // A rejected job is never dispatched and used no blangko.
    assert!(f
        .j
        .claim_next(&slot(P, BlangkoType::Kia, true, true))
        .unwrap()
        .is_none());
    assert_consistent(&f.j);
}

#[test]
fn claim_respects_type_capabilities_priority_and_order() {
    let mut f = open();
    let mut jobs = vec![
        job("K1", BlangkoType::Kia),
        job("K2", BlangkoType::Kia),
        chip_job("E1"),
        job("E2", BlangkoType::KtpEl),
    ];
    jobs[1].priority = 5;
    jobs[0].needs_dual_side = true;
    f.j.enqueue_many(&jobs).unwrap();
    // A simplex KIA printer without encoder: K2 (priority), never K1 (dual) or KTP-el jobs.
    let simplex = slot("P2", BlangkoType::Kia, false, false);
    assert_eq!(f.j.claim_next(&simplex).unwrap().unwrap().job_id, "K2");
    assert!(f.j.claim_next(&simplex).unwrap().is_none());
    let duplex = slot("P3", BlangkoType::Kia, false, true);
    let c = f.j.claim_next(&duplex).unwrap().unwrap();
    assert_eq!(c.job_id, "K1");
    assert!(c.payload.contains("SITI RAHAYU"));
    assert_eq!(f.j.job("K1").unwrap().printer_id.as_deref(), Some("P3"));
    // KTP-el printer without encoder gets only E2; with encoder and duplex, E1.
    let ktp = slot("P4", BlangkoType::KtpEl, false, false);
    assert_eq!(f.j.claim_next(&ktp).unwrap().unwrap().job_id, "E2");
    assert!(f.j.claim_next(&ktp).unwrap().is_none());
    let ktp_full = slot("P5", BlangkoType::KtpEl, true, true);
    assert_eq!(f.j.claim_next(&ktp_full).unwrap().unwrap().job_id, "E1");
}

#[test]
fn claim_order_is_intake_order_within_a_priority() {
    let mut f = open();
    let jobs: Vec<_> = (0..50)
        .map(|i| job(&format!("J{i:03}"), BlangkoType::Kia))
        .collect();
    f.j.enqueue_many(&jobs).unwrap();
    let s = slot(P, BlangkoType::Kia, true, true);
    for i in 0..50 {
        assert_eq!(
            f.j.claim_next(&s).unwrap().unwrap().job_id,
            format!("J{i:03}")
        );
    }
}

#[test]
fn recover_on_start_puts_cards_in_printers_in_doubt_and_requeues_the_rest() {
    let mut f = open();
    stock_printer(&mut f.j, P, BlangkoType::KtpEl, 10);
    let ids = ["A", "B", "C", "D", "E", "F"];
    for id in ids {
        f.j.enqueue(&chip_job(id)).unwrap();
    }
    let s = slot(P, BlangkoType::KtpEl, true, true);
    for _ in ids {
        f.j.claim_next(&s).unwrap().unwrap();
    }
    // A preparing; B ready; C feeding; D encoding; E printing; F printed.
    for id in ["B", "C", "D", "E", "F"] {
        f.j.mark_ready(id).unwrap();
    }
    for id in ["C", "D", "E", "F"] {
        f.j.feed(id, None).unwrap();
    }
    for id in ["D", "E", "F"] {
        f.j.start_encoding(id).unwrap();
    }
    for id in ["E", "F"] {
        f.j.start_printing(id, Some(&chip())).unwrap();
    }
    f.j.mark_printed("F", &PrintedInfo::default()).unwrap();
    // Simulated crash: drop without any shutdown, reopen.
    f.reopen();
    let r = f.j.recover_on_start().unwrap();
    assert_eq!(r.now_in_doubt, ["C", "D", "E"]);
    assert_eq!(r.requeued, 2);
    let state = |f: &Fixture, id| f.j.job(id).unwrap().state;
    assert_eq!(state(&f, "A"), JobState::Queued);
    assert_eq!(state(&f, "B"), JobState::Queued);
    assert_eq!(state(&f, "F"), JobState::Printed);
    // In-doubt jobs are never dispatched again.
    let mut claimed = vec![];
    while let Some(c) = f.j.claim_next(&s).unwrap() {
        claimed.push(c.job_id);
    }
    assert_eq!(claimed, ["A", "B"]);
    let list = f.j.doubt_list().unwrap();
    let listed: Vec<(&str, Option<JobState>)> =
        list.iter().map(|d| (d.job_id.as_str(), d.was)).collect();
    assert_eq!(
        listed,
        [
            ("C", Some(JobState::Feeding)),
            ("D", Some(JobState::Encoding)),
            ("E", Some(JobState::Printing))
        ]
    );
    assert_eq!(list[0].printer_id.as_deref(), Some(P));
    // The blangko stay in the printer until resolved.
    let ktp = f.j.stock_show().unwrap().types[&BlangkoType::KtpEl].clone();
    assert_eq!(ktp.in_printers, 3);
    // A second recovery changes nothing.
    let again = f.j.recover_on_start().unwrap();
    assert!(again.now_in_doubt.is_empty());
    assert_consistent(&f.j);

    // Resolve: C printed, D spoiled (requeued), E spoiled.
    f.clock.advance(60_000);
    let who = Actor::operator("op-02");
    assert_eq!(
        f.j.doubt_resolve("C", DoubtResolution::Printed, "in output tray", &who)
            .unwrap(),
        JobState::Printed
    );
    assert_eq!(
        f.j.doubt_resolve(
            "D",
            DoubtResolution::Spoiled(SpoilCategory::GagalEncode),
            "in reject box",
            &who
        )
        .unwrap(),
        JobState::Queued
    );
    f.j.doubt_resolve(
        "E",
        DoubtResolution::Spoiled(SpoilCategory::Rusak),
        "jammed",
        &who,
    )
    .unwrap();
    assert!(f.j.doubt_list().unwrap().is_empty());
    let e =
        f.j.doubt_resolve("C", DoubtResolution::Printed, "again", &who)
            .unwrap_err();
    assert!(
        e.to_string().contains("expected in_doubt, got printed"),
        "{e}"
    );
    let ktp = f.j.stock_show().unwrap().types[&BlangkoType::KtpEl].clone();
    assert_eq!((ktp.consumed, ktp.spoiled, ktp.in_printers), (2, 2, 0));
    // Every resolution is audited with the operator.
    let audit = f.j.audit_list(0, 1000).unwrap();
    let resolutions: Vec<_> = audit
        .iter()
        .filter(|a| a.action == "doubt.resolve")
        .collect();
    assert_eq!(resolutions.len(), 3);
    assert!(resolutions.iter().all(|a| a.actor == "op-02"));
    assert!(resolutions[1].detail.contains("spoiled:gagal-encode"));
    let kinds = outbox_kinds(&f.j, "D");
    assert_eq!(
        kinds,
        [
            "accepted",
            "printing",
            "in_doubt",
            "spoiled",
            "doubt_resolved"
        ]
    );
    assert_consistent(&f.j);
}

#[test]
fn unknown_job_is_a_clear_error() {
    let mut f = open();
    let e = f.j.mark_ready("nope").unwrap_err();
    assert!(matches!(e, JournalError::UnknownJob(ref j) if j == "nope"));
    assert!(e.message_id().contains("tidak dikenal"));
}

#[test]
fn concurrent_workers_never_claim_the_same_job() {
    let f = open();
    let path = f.path();
    {
        let mut j = cetak::journal::Journal::open(&path).unwrap();
        let jobs: Vec<_> = (0..200)
            .map(|i| job(&format!("J{i:03}"), BlangkoType::Kia))
            .collect();
        j.enqueue_many(&jobs).unwrap();
    }
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut j = cetak::journal::Journal::open(&path).unwrap();
                let s = slot(&format!("P{w}"), BlangkoType::Kia, false, false);
                let mut got = vec![];
                while let Some(c) = j.claim_next(&s).unwrap() {
                    got.push(c.job_id);
                }
                got
            })
        })
        .collect();
    let mut all: Vec<String> = workers
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    assert_eq!(all.len(), 200);
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 200, "a job was claimed twice");
}
