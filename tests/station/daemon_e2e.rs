//! End-to-end production on two emulated printers (one over TCP, one in-process), spool
//! intake with a bad job, and a fault mid-card that pauses only its printer.

use std::time::Duration;

use crate::support::daemon::*;
use cetak::daemon::{Action, PrinterState, Station};
use cetak::journal::{BlangkoType, JobState};
use cetak_drivers::emulator::{CardOutcome, Faults};

#[test]
fn two_printers_produce_every_job_once() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let p1 = emulator("EMU-E2E-1", 0.0, 100);
    let p2 = emulator("EMU-E2E-2", 0.0, 100);
    let tcp = p1.serve_tcp("127.0.0.1:0").unwrap();
    let name = format!("e2e-{}", std::process::id());
    p2.register(&name).unwrap();
    let cfg = config(
        &data,
        &[
            ("P1", tcp.uri(), "kia"),
            ("P2", format!("emu://{name}"), "kia"),
        ],
    );
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    stock(
        &mut j,
        &[("P1", BlangkoType::Kia), ("P2", BlangkoType::Kia)],
        30,
    );
    let spool = cetak::daemon::spool_dir(&cfg);
    let mut ids = make_jobs(&spool, "kia-0-5.json", "KIA-A", 12);
    ids.extend(make_jobs(&spool, "kia-5-17.json", "KIA-B", 8));

    let station = Station::start(&cfg).unwrap();
    wait_settled(&j, &ids, Duration::from_secs(240));
    let handle = station.handle();
    station.shutdown().unwrap();

    for id in &ids {
        assert_eq!(state(&j, id), JobState::Printed, "{id}");
    }
    assert_eq!(handle.cards_printed(), ids.len() as u64);
    let ejected = p1.cards_ejected() + p2.cards_ejected();
    assert_eq!(ejected, ids.len(), "one card per job");
    assert!(
        p1.cards_ejected() > 0 && p2.cards_ejected() > 0,
        "both printers worked"
    );
    // Every printed card is traced to exactly one job through its hardware number.
    let mut serials = std::collections::BTreeSet::new();
    for id in &ids {
        let printed = j
            .job_history(id)
            .unwrap()
            .into_iter()
            .filter(|h| h.to_state == JobState::Printed)
            .collect::<Vec<_>>();
        assert_eq!(printed.len(), 1);
        let serial = printed[0].card_serial.clone().expect("card serial");
        assert!(serials.insert(serial));
    }
    assert!(j.stock_verify().unwrap().is_ok());
    assert!(j.audit_verify().unwrap().is_ok());
    let show = j.stock_show().unwrap();
    assert_eq!(show.types[&BlangkoType::Kia].consumed, ids.len() as i64);
    // No tamper alert: every card through the printers is in the ledger.
    assert!(j.alerts_open().unwrap().iter().all(|a| a.kind != "tamper"));
}

#[test]
fn spool_rejects_a_bad_job_with_its_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let cfg = config(&data, &[]);
    let j = cetak::daemon::open_journal(&cfg).unwrap();
    let spool_dir = cetak::daemon::spool_dir(&cfg);
    let ids = make_jobs(&spool_dir, "ktp-el.json", "KTP-OK", 1);
    // A KTP-el whose NIK does not match the birth date.
    let mut bad: serde_json::Value =
        serde_json::from_str(&payload_of(&spool_dir, &ids[0])).unwrap();
    bad["job_id"] = "KTP-BAD-1".into();
    bad["person"]["date_of_birth"] = "1991-01-01".into();
    std::fs::write(spool_dir.join("bad.jws"), sign(&bad.to_string())).unwrap();
    std::fs::write(spool_dir.join("garbage.jws"), sign("{ not json")).unwrap();

    let station = Station::start(&cfg).unwrap();
    wait_for("intake", Duration::from_secs(20), || {
        spool_dir.join("rejected/garbage.jws").exists()
            && spool_dir.join("rejected/bad.jws").exists()
            && spool_dir.join(format!("done/{}.jws", ids[0])).exists()
    });
    station.shutdown().unwrap();
    assert_eq!(state(&j, &ids[0]), JobState::Queued);
    let bad = j.job("KTP-BAD-1").unwrap();
    assert_eq!(bad.state, JobState::Rejected);
    let reason = bad.reason.unwrap();
    assert!(reason.contains("ERROR"), "{reason}");
    let counts = j.count_by_state().unwrap();
    assert_eq!(counts.get("rejected"), Some(&2), "{counts:?}");
    assert!(std::fs::read_dir(&spool_dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .all(|e| e.path().is_dir()));
}

#[test]
fn faults_pause_only_their_printer_and_work_goes_on_after_the_operator() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let p1 = emulator("EMU-F-1", 0.0, 100);
    let p2 = emulator("EMU-F-2", 0.01, 100);
    let tag = std::process::id();
    p1.register(&format!("fault-a-{tag}")).unwrap();
    p2.register(&format!("fault-b-{tag}")).unwrap();
    // P1 jams on its first card's third panel; P2 has its cover open from the start.
    p1.set_faults(Faults {
        jam_at_panel: Some(3),
        ..Faults::default()
    });
    p2.set_cover_open(true);
    let cfg = config(
        &data,
        &[
            ("P1", format!("emu://fault-a-{tag}"), "kia"),
            ("P2", format!("emu://fault-b-{tag}"), "ktp-el"),
        ],
    );
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    stock(
        &mut j,
        &[("P1", BlangkoType::Kia), ("P2", BlangkoType::KtpEl)],
        20,
    );
    let spool = cetak::daemon::spool_dir(&cfg);
    let kia = make_jobs(&spool, "kia-0-5.json", "KIA-F", 4);
    let ktp = make_jobs(&spool, "ktp-el.json", "KTP-F", 2);
    let station = Station::start(&cfg).unwrap();
    let h = station.handle();

    // Both printers pause with their own event; neither blocks the other.
    wait_for("two events", Duration::from_secs(60), || {
        h.pending_events().len() == 2
    });
    let events = h.pending_events();
    let jam = events.iter().find(|e| e.printer == "P1").unwrap();
    assert_eq!(jam.allowed, vec![Action::MarkSpoiled]);
    let cover = events.iter().find(|e| e.printer == "P2").unwrap();
    assert!(cover.allowed.contains(&Action::Retry));
    assert!(cover.message_id.contains("P2"));
    assert!(matches!(
        h.printer_states()["P2"],
        PrinterState::Paused { .. }
    ));
    // Retry is not allowed for a jammed card.
    assert!(h.act("P1", Action::Retry).is_err());
    // No blangko moved for the cover-open printer.
    let jammed_job = jam.job_id.clone().unwrap();
    for id in &ktp {
        assert!(matches!(
            state(&j, id),
            JobState::Queued | JobState::Preparing | JobState::Ready
        ));
    }

    // The operator pulls the jammed card out: spoiled, the job goes back to the queue.
    h.act("P1", Action::MarkSpoiled).unwrap();
    wait_settled(&j, &kia, Duration::from_secs(120));
    for id in &kia {
        assert_eq!(state(&j, id), JobState::Printed, "{id}");
    }
    assert_eq!(j.job(&jammed_job).unwrap().attempt, 2);
    // P2 is still paused; closing the cover alone is not enough, the operator says retry.
    assert!(matches!(
        h.printer_states()["P2"],
        PrinterState::Paused { .. }
    ));
    p2.set_cover_open(false);
    h.act("P2", Action::Retry).unwrap();
    wait_settled(&j, &ktp, Duration::from_secs(120));
    station.shutdown().unwrap();
    for id in &ktp {
        assert_eq!(state(&j, id), JobState::Printed, "{id}");
    }
    assert_eq!(
        p1.cards()
            .iter()
            .filter(|c| c.outcome == CardOutcome::Jammed)
            .count(),
        1
    );
    let v = j.stock_verify().unwrap();
    assert!(v.is_ok(), "{:?}", v.problems);
    assert_eq!(v.report.types[&BlangkoType::Kia].spoiled, 1);
    assert!(j.audit_verify().unwrap().is_ok());
}
