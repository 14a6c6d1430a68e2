//! The built daemon against an emulated printer whose feeder runs dry (`feeder-empty-after=N`)
//! or whose reject box is full, decided through the control socket with the built CLI
//! (`cetak events`, `cetak act`): the journal undoes a feed the printer did not take (the
//! ledger exact, no spoiled card), the printer waits for the operator, and a retry after
//! loading prints each card once.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use crate::support::daemon::*;
use cetak::daemon::control::EventView;
use cetak::journal::{Actor, BlangkoType, JobState, Journal, Location, SpoilCategory};
use cetak_drivers::emulator::{CardOutcome, Emulator, EmulatorConfig, Faults};

fn events(config: &Path) -> Vec<EventView> {
    let o = cli(config, &["events", "--json"]);
    if !o.status.success() {
        return Vec::new(); // the daemon is not serving its socket yet
    }
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Waits for a pending event of printer P1 other than `not` (an event already decided).
fn wait_event(config: &Path, what: &str, not: Option<&EventView>) -> EventView {
    let mut found = None;
    wait_for(what, Duration::from_secs(60), || {
        found = events(config)
            .into_iter()
            .find(|e| e.printer == "P1" && Some(e.id) != not.map(|n| n.id));
        found.is_some()
    });
    found.unwrap()
}

struct Site {
    _tmp: tempfile::TempDir,
    config: PathBuf,
}

/// A station with printer P1 (KIA) at `uri` and its control socket in the temp dir.
fn site(uri: String) -> Site {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let socket = tmp.path().join("run/control.sock");
    let text = with_control_socket(&config_text(&data, &[("P1", uri, "kia")], 2), &socket);
    let config = tmp.path().join("cetak.toml");
    std::fs::write(&config, text).unwrap();
    Site { _tmp: tmp, config }
}

fn kia(j: &Journal, loc: Location) -> i64 {
    j.stock_balance(BlangkoType::Kia, &loc).unwrap()
}

fn feeder() -> Location {
    Location::Feeder("P1".into())
}

fn in_printer() -> Location {
    Location::InPrinter("P1".into())
}

#[test]
fn an_empty_feeder_undoes_the_feed_and_a_retry_after_loading_prints_the_card_once() {
    // The ledger says 5 blangko went into the feeder; only 2 are physically there.
    let emu = emulator("EMU-FE-1", 0.0, 2);
    let srv = emu.serve_tcp("127.0.0.1:0").unwrap();
    let site = site(srv.uri());
    let cfg = cetak::config::Config::load(&site.config).unwrap();
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    let a = Actor::operator("tester");
    j.stock_receive(BlangkoType::Kia, 10, "LOT-FE", None, &a)
        .unwrap();
    j.stock_load("P1", BlangkoType::Kia, 5, &a).unwrap();
    let ids = make_jobs(&cetak::daemon::spool_dir(&cfg), "kia-0-5.json", "KIA-FE", 4);
    let mut daemon = start_daemon(&site.config, Stdio::null());

    // Two cards print; the third insert is refused (NACK F): the printer pauses.
    let ev = wait_event(&site.config, "the feeder-empty event", None);
    assert_eq!(ev.allowed, vec!["retry", "cancel"]);
    assert!(
        ev.message_en.contains("feeder is empty"),
        "{}",
        ev.message_en
    );
    assert!(
        ev.message_id.contains("blangko kosong"),
        "{}",
        ev.message_id
    );
    let waiting = ev.job_id.clone().unwrap();
    assert_eq!(emu.cards_ejected(), 2);
    // The job stays queued for, and owned by, this printer; no attempt used.
    let rec = j.job(&waiting).unwrap();
    assert_eq!(rec.state, JobState::Ready);
    assert_eq!(rec.printer_id.as_deref(), Some("P1"));
    assert_eq!(rec.attempt, 0);
    let h = j.job_history(&waiting).unwrap();
    let steps: Vec<&str> = h.iter().map(|e| e.step.as_str()).collect();
    assert!(steps.ends_with(&["feed", "feed not taken"]), "{steps:?}");
    let not_taken = h.last().unwrap();
    assert_eq!(not_taken.to_state, JobState::Ready);
    assert_eq!(not_taken.attempt, 1);
    assert!(not_taken
        .reason
        .as_deref()
        .unwrap()
        .contains("feeder is empty"));
    // The ledger is exact: the blangko never left the feeder, nothing spoiled.
    assert_eq!(kia(&j, feeder()), 3);
    assert_eq!(kia(&j, in_printer()), 0);
    let show = j.stock_show().unwrap();
    assert_eq!(show.types[&BlangkoType::Kia].consumed, 2);
    assert_eq!(show.types[&BlangkoType::Kia].spoiled, 0);
    let v = j.stock_verify().unwrap();
    assert!(v.is_ok(), "{:?}", v.problems);
    // The audit trail has the movement back; the server is told the job went back.
    let audit = j.audit_list(0, 10_000).unwrap();
    assert!(audit
        .iter()
        .any(|e| e.action == "stock.not_taken" && e.subject == waiting));
    let out = j.outbox_for_job(&waiting).unwrap();
    let kinds: Vec<&str> = out.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, vec!["accepted", "printing", "requeued"]);
    assert!(out[2].body.contains("feed_not_taken"), "{}", out[2].body);
    // The hardware counter agrees with the ledger: no tamper alert.
    assert!(j.alerts_open().unwrap().iter().all(|a| a.kind != "tamper"));

    // A retry with the feeder still empty: refused again, nothing changes in the ledger.
    cli_ok(&site.config, &["act", "P1", "retry"]);
    let again = wait_event(&site.config, "the feeder-empty event again", Some(&ev));
    assert_ne!(again.id, ev.id);
    assert_eq!(again.job_id.as_deref(), Some(waiting.as_str()));
    assert_eq!(kia(&j, feeder()), 3);
    assert_eq!(j.job(&waiting).unwrap().attempt, 0);

    // The operator puts one card in and says retry: that card prints, once. The next job
    // finds the feeder empty again; the operator cancels it.
    emu.set_feeder(1);
    cli_ok(&site.config, &["act", "P1", "retry", "--operator", "siti"]);
    wait_for("the waiting job printed", Duration::from_secs(60), || {
        state(&j, &waiting) == JobState::Printed
    });
    let ev = wait_event(&site.config, "the next feeder-empty event", Some(&again));
    let last = ev.job_id.clone().unwrap();
    assert_ne!(last, waiting);
    cli_ok(&site.config, &["act", "P1", "cancel"]);
    wait_settled(&j, &ids, Duration::from_secs(60));
    assert!(stop_daemon(&mut daemon, Duration::from_secs(60)).success());

    assert_eq!(state(&j, &last), JobState::Cancelled);
    let printed: Vec<_> = ids
        .iter()
        .filter(|id| state(&j, id) == JobState::Printed)
        .collect();
    assert_eq!(printed.len(), 3);
    assert_eq!(emu.cards_ejected(), 3, "one card per printed job");
    assert_eq!(emu.cards_rejected(), 0);
    let rec = j.job(&waiting).unwrap();
    assert_eq!(rec.attempt, 1, "one blangko for the job that waited");
    let fed = j
        .job_history(&waiting)
        .unwrap()
        .iter()
        .filter(|e| e.step == "feed")
        .count();
    assert_eq!(fed, 3, "fed three times, taken once");
    assert_eq!(kia(&j, feeder()), 2);
    assert_eq!(kia(&j, in_printer()), 0);
    let show = j.stock_show().unwrap();
    assert_eq!(show.types[&BlangkoType::Kia].consumed, 3);
    assert_eq!(show.types[&BlangkoType::Kia].spoiled, 0);
    let v = j.stock_verify().unwrap();
    assert!(v.is_ok(), "{:?}", v.problems);
    assert!(j.audit_verify().unwrap().is_ok());
    assert!(j.alerts_open().unwrap().iter().all(|a| a.kind != "tamper"));
    let audit = j.audit_list(0, 10_000).unwrap();
    let acts: Vec<_> = audit.iter().filter(|a| a.action == "printer.act").collect();
    assert_eq!(acts.len(), 3, "{acts:?}");
}

#[test]
fn a_full_reject_box_pauses_until_the_operator_empties_it() {
    // The reject box is full from the start; the ribbon ends after one panel, so the first
    // card must go to the reject box.
    let emu = Emulator::new(EmulatorConfig {
        serial: "EMU-RB-1".into(),
        time_scale: 0.0,
        feeder_cards: 10,
        ribbon_cards: 10_000,
        hopper_capacity: 10_000,
        reject_capacity: 1,
        reject_box_cards: 1,
        faults: Faults {
            ribbon_end_after_panels: Some(1),
            ..Faults::default()
        },
        ..EmulatorConfig::default()
    });
    let srv = emu.serve_tcp("127.0.0.1:0").unwrap();
    let site = site(srv.uri());
    let cfg = cetak::config::Config::load(&site.config).unwrap();
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    stock(&mut j, &[("P1", BlangkoType::Kia)], 10);
    let ids = make_jobs(&cetak::daemon::spool_dir(&cfg), "kia-0-5.json", "KIA-RB", 2);
    let mut daemon = start_daemon(&site.config, Stdio::null());

    let ev = wait_event(&site.config, "the reject-box event", None);
    assert_eq!(ev.allowed, vec!["retry", "spoiled"]);
    assert!(
        ev.message_en.contains("reject box is full"),
        "{}",
        ev.message_en
    );
    assert!(
        ev.message_id.contains("Kotak kartu gagal penuh"),
        "{}",
        ev.message_id
    );
    let failed = ev.job_id.clone().unwrap();
    // The card is still in the printer, bound to its job.
    assert_eq!(state(&j, &failed), JobState::Printing);
    assert_eq!(kia(&j, in_printer()), 1);
    assert_eq!(emu.cards_rejected(), 1);

    // A retry with the box still full: the same pause again.
    cli_ok(&site.config, &["act", "P1", "retry"]);
    let again = wait_event(&site.config, "the reject-box event again", Some(&ev));
    assert_ne!(again.id, ev.id);
    assert_eq!(state(&j, &failed), JobState::Printing);

    // A new ribbon, the reject box emptied, retry: the card goes to the box, spoiled; the job
    // prints on a new blangko and the next one follows.
    emu.set_faults(Faults::default());
    emu.empty_reject_box();
    cli_ok(&site.config, &["act", "P1", "retry"]);
    wait_settled(&j, &ids, Duration::from_secs(60));
    assert!(stop_daemon(&mut daemon, Duration::from_secs(60)).success());

    for id in &ids {
        assert_eq!(state(&j, id), JobState::Printed, "{id}");
    }
    assert_eq!(j.job(&failed).unwrap().attempt, 2);
    let spoil = j
        .job_history(&failed)
        .unwrap()
        .into_iter()
        .find(|e| e.step == "spoil")
        .unwrap();
    assert_eq!(spoil.spoil_category, Some(SpoilCategory::GagalCetak));
    assert_eq!(
        emu.cards_rejected(),
        1,
        "the failed card, in the emptied box"
    );
    assert_eq!(emu.cards_ejected(), 2);
    let rejected = emu
        .cards()
        .iter()
        .filter(|c| c.outcome == CardOutcome::Rejected)
        .count();
    assert_eq!(rejected, 1);
    assert_eq!(kia(&j, feeder()), 7);
    assert_eq!(kia(&j, in_printer()), 0);
    let show = j.stock_show().unwrap();
    assert_eq!(show.types[&BlangkoType::Kia].consumed, 2);
    assert_eq!(show.types[&BlangkoType::Kia].spoiled, 1);
    assert_eq!(
        show.types[&BlangkoType::Kia].spoiled_by_category[&SpoilCategory::GagalCetak],
        1
    );
    let v = j.stock_verify().unwrap();
    assert!(v.is_ok(), "{:?}", v.problems);
    assert!(j.audit_verify().unwrap().is_ok());
    assert!(j.alerts_open().unwrap().iter().all(|a| a.kind != "tamper"));
}
