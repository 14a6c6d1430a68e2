//! A card already printed whose data changed before handover ("perubahan elemen data"): the
//! card is written off consumed → spoiled with a required note, audited; the job is printed
//! again on a new card, or ends superseded by a newer job. The ledger keeps balancing.

use crate::support::journal::*;
use cetak::journal::{
    AfterWriteOff, BlangkoType, JobState, JournalError, PrintedInfo, SpoilCategory,
};

const KIA: BlangkoType = BlangkoType::Kia;
const PED: SpoilCategory = SpoilCategory::PerubahanElemenData;

/// Queues and prints `id` on P1.
fn print(f: &mut Fixture, id: &str) {
    f.j.enqueue(&job(id, KIA)).unwrap();
    let c =
        f.j.claim_next(&slot("P1", KIA, false, true))
            .unwrap()
            .unwrap();
    assert_eq!(c.job_id, id);
    f.j.mark_ready(id).unwrap();
    f.j.feed(id, Some("SN-1")).unwrap();
    f.j.start_printing(id, None).unwrap();
    f.j.mark_printed(id, &PrintedInfo::default()).unwrap();
}

#[test]
fn written_off_card_is_spoiled_and_the_job_is_printed_again() {
    let mut f = open();
    stock_printer(&mut f.j, "P1", KIA, 10);
    print(&mut f, "KIA-W-1");
    let state =
        f.j.write_off_printed(
            "KIA-W-1",
            PED,
            "alamat berubah sebelum diserahkan",
            &AfterWriteOff::Reprint,
            &op(),
        )
        .unwrap();
    assert_eq!(state, JobState::Queued);
    let r = f.j.job("KIA-W-1").unwrap();
    assert_eq!((r.state, r.attempt), (JobState::Queued, 1));
    let s = f.j.stock_show().unwrap();
    let kia = &s.types[&KIA];
    assert_eq!((kia.consumed, kia.spoiled), (0, 1));
    assert_eq!(kia.spoiled_by_category[&PED], 1);
    assert_consistent(&f.j);
    // The history names the step, the category, the note and the operator.
    let h = f.j.job_history("KIA-W-1").unwrap();
    let w = h
        .iter()
        .find(|e| e.step == "write off printed card")
        .unwrap();
    assert_eq!(w.from_state, Some(JobState::Printed));
    assert_eq!(w.to_state, JobState::Spoiled);
    assert_eq!(w.spoil_category, Some(PED));
    assert_eq!(w.operator.as_deref(), Some(op().id.as_str()));
    assert_eq!(h.last().unwrap().to_state, JobState::Queued);
    // Audited: the ledger movement and the decision.
    let audit = f.j.audit_list(0, 1000).unwrap();
    assert!(audit
        .iter()
        .any(|a| a.action == "job.write_off" && a.subject == "KIA-W-1"));
    assert!(audit
        .iter()
        .any(|a| a.action == "stock.spoiled" && a.detail.contains("\"from\":\"consumed\"")));

    // The new card: printed again, a second blangko consumed.
    let c =
        f.j.claim_next(&slot("P1", KIA, false, true))
            .unwrap()
            .unwrap();
    assert_eq!(c.job_id, "KIA-W-1");
    f.j.mark_ready("KIA-W-1").unwrap();
    assert_eq!(f.j.feed("KIA-W-1", None).unwrap(), 2);
    f.j.start_printing("KIA-W-1", None).unwrap();
    f.j.mark_printed("KIA-W-1", &PrintedInfo::default())
        .unwrap();
    let kia = f.j.stock_show().unwrap().types[&KIA].clone();
    assert_eq!((kia.consumed, kia.spoiled, kia.in_feeders), (1, 1, 8));
    assert_consistent(&f.j);
}

#[test]
fn a_job_replaced_by_a_newer_one_ends_superseded() {
    let mut f = open();
    stock_printer(&mut f.j, "P1", KIA, 10);
    print(&mut f, "KIA-W-2");
    let state =
        f.j.write_off_printed(
            "KIA-W-2",
            PED,
            "nama dikoreksi, job baru KIA-W-3",
            &AfterWriteOff::SupersededBy("KIA-W-3".into()),
            &op(),
        )
        .unwrap();
    assert_eq!(state, JobState::Superseded);
    assert!(state.is_terminal());
    let r = f.j.job("KIA-W-2").unwrap();
    assert_eq!(r.state, JobState::Superseded);
    assert!(r.reason.unwrap().contains("KIA-W-3"));
    // Nothing claims it again.
    assert!(f
        .j
        .claim_next(&slot("P1", KIA, false, true))
        .unwrap()
        .is_none());
    assert_consistent(&f.j);
    // Superseded is final: no second write-off.
    assert!(matches!(
        f.j.write_off_printed("KIA-W-2", PED, "again", &AfterWriteOff::Reprint, &op()),
        Err(JournalError::IllegalTransition { .. })
    ));
}

#[test]
fn write_off_is_refused_without_a_note_or_for_a_card_not_printed() {
    let mut f = open();
    stock_printer(&mut f.j, "P1", KIA, 10);
    print(&mut f, "KIA-W-4");
    for note in ["", "   "] {
        assert!(matches!(
            f.j.write_off_printed("KIA-W-4", PED, note, &AfterWriteOff::Reprint, &op()),
            Err(JournalError::InvalidInput(_))
        ));
    }
    assert!(matches!(
        f.j.write_off_printed(
            "KIA-W-4",
            PED,
            "x",
            &AfterWriteOff::SupersededBy("KIA-W-4".into()),
            &op()
        ),
        Err(JournalError::InvalidInput(_))
    ));
    // A queued job has no printed card.
    f.j.enqueue(&job("KIA-W-5", KIA)).unwrap();
    assert!(matches!(
        f.j.write_off_printed("KIA-W-5", PED, "x", &AfterWriteOff::Reprint, &op()),
        Err(JournalError::IllegalTransition { .. })
    ));
    assert!(matches!(
        f.j.write_off_printed("NOPE", PED, "x", &AfterWriteOff::Reprint, &op()),
        Err(JournalError::UnknownJob(_))
    ));
    // Nothing moved.
    assert_eq!(f.j.job("KIA-W-4").unwrap().state, JobState::Printed);
    let kia = f.j.stock_show().unwrap().types[&KIA].clone();
    assert_eq!((kia.consumed, kia.spoiled), (1, 0));
    assert_consistent(&f.j);
}

#[test]
fn a_reprint_after_a_write_off_gets_its_own_attempt_allowance() {
    // Two attempts per production. The first card printed, then written off; the reprint's
    // first blangko spoils: the job must go back to the queue, not fail on the old attempt.
    let mut f = open_with_attempts(2);
    stock_printer(&mut f.j, "P1", KIA, 10);
    print(&mut f, "KIA-W-4");
    f.j.write_off_printed(
        "KIA-W-4",
        PED,
        "nama ibu diperbaiki",
        &AfterWriteOff::Reprint,
        &op(),
    )
    .unwrap();
    let reprint = |f: &mut Fixture| {
        let c =
            f.j.claim_next(&slot("P1", KIA, false, true))
                .unwrap()
                .unwrap();
        assert_eq!(c.job_id, "KIA-W-4");
        f.j.mark_ready("KIA-W-4").unwrap();
        let attempt = f.j.feed("KIA-W-4", None).unwrap();
        f.j.start_printing("KIA-W-4", None).unwrap();
        let next =
            f.j.spoil("KIA-W-4", SpoilCategory::GagalCetak, "pita kusut", &op())
                .unwrap();
        (attempt, next)
    };
    assert_eq!(reprint(&mut f), (2, JobState::Queued));
    // Attempt numbers keep rising (each card told apart); the limit still holds.
    assert_eq!(reprint(&mut f), (3, JobState::Failed));
    assert_consistent(&f.j);
}

/// Issue 10 §6: a superseded job has ended like any other; its personal data goes with the same
/// retention, once the server acknowledged its events.
#[test]
fn a_superseded_job_loses_its_personal_data_like_other_ended_jobs() {
    let mut f = open();
    stock_printer(&mut f.j, "P1", KIA, 10);
    print(&mut f, "KIA-W-9");
    f.j.write_off_printed(
        "KIA-W-9",
        PED,
        "alamat berubah, job baru KIA-W-10",
        &AfterWriteOff::SupersededBy("KIA-W-10".into()),
        &op(),
    )
    .unwrap();
    for e in f.j.outbox_for_job("KIA-W-9").unwrap() {
        f.j.outbox_ack(&e.event_id).unwrap();
    }
    f.clock.advance(3 * 86_400_000);
    let cutoff = T0.plus_millis(2 * 86_400_000);
    let r = f.j.purge_personal_data(cutoff).unwrap();
    assert_eq!((r.purged, r.waiting_for_ack), (1, 0));
    assert_eq!(f.j.job_payload("KIA-W-9").unwrap(), None);
    let rec = f.j.job("KIA-W-9").unwrap();
    assert!(rec.purged);
    assert_eq!(rec.state, JobState::Superseded);
    assert_consistent(&f.j);
}
