//! The daemon as a process (the built binary): SIGTERM finishes the card in the printer and
//! exits 0; SIGKILL at many random moments never prints a job twice. The emulated printers
//! live in the test process behind TCP, so they survive the daemon like real printers do.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;
use std::time::Duration;

use crate::support::daemon::*;
use cetak::journal::{JobState, Journal};
use cetak_drivers::emulator::{CardOutcome, Emulator};

struct Setup {
    _tmp: tempfile::TempDir,
    config: std::path::PathBuf,
    journal: Journal,
    ids: Vec<String>,
    emus: Vec<(String, Emulator)>,
    _servers: Vec<cetak_drivers::emulator::TcpServer>,
}

fn setup(scale: f64, jobs: usize, printers: usize) -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let printers = KiaPrinters::start("PROC", printers, scale);
    let text = config_text(&data, &printers.config_rows(), 2);
    let config = tmp.path().join("cetak.toml");
    std::fs::write(&config, &text).unwrap();
    let cfg = cetak::config::Config::load(&config).unwrap();
    let mut journal = cetak::daemon::open_journal(&cfg).unwrap();
    stock(&mut journal, &printers.slots(), (jobs as u32) * 2);
    let ids = make_jobs(
        &cetak::daemon::spool_dir(&cfg),
        "kia-0-5.json",
        "KIA-P",
        jobs,
    );
    Setup {
        _tmp: tmp,
        config,
        journal,
        ids,
        emus: printers.emus,
        _servers: printers.servers,
    }
}

#[test]
fn sigterm_finishes_the_card_in_the_printer_and_exits_0() {
    // ~1.5 s a card: SIGTERM lands while a card is in the printer.
    let s = setup(0.05, 6, 1);
    let mut child = start_daemon(&s.config, Stdio::null());
    wait_for("a card in the printer", Duration::from_secs(60), || {
        s.ids.iter().any(|id| {
            matches!(
                s.journal.job(id).map(|r| r.state),
                Ok(JobState::Feeding | JobState::Printing)
            )
        })
    });
    let in_printer: Vec<String> = s
        .ids
        .iter()
        .filter(|id| {
            matches!(
                state(&s.journal, id),
                JobState::Feeding | JobState::Printing
            )
        })
        .cloned()
        .collect();
    wait_ready(&s.config);
    sigterm(&child);
    let status = wait_exit(&mut child, Duration::from_secs(60));
    assert_eq!(status.code(), Some(0), "exit status {status:?}");
    for id in &in_printer {
        assert_eq!(
            state(&s.journal, id),
            JobState::Printed,
            "card in the printer at SIGTERM"
        );
    }
    // Nothing left claimed: every other job is back in the queue or printed.
    for id in &s.ids {
        let st = state(&s.journal, id);
        assert!(
            matches!(st, JobState::Printed | JobState::Queued),
            "{id}: {st}"
        );
    }
    let printed = s
        .ids
        .iter()
        .filter(|id| state(&s.journal, id) == JobState::Printed)
        .count();
    assert!(printed < s.ids.len(), "stopped before the queue was done");
    let emu = &s.emus[0].1;
    assert_eq!(emu.cards_ejected(), printed);
    assert!(emu
        .cards()
        .iter()
        .all(|c| c.outcome != CardOutcome::InPrinter));
    cli_ok(&s.config, &["stock", "verify", "--offline"]);
    cli_ok(&s.config, &["audit", "verify", "--offline"]);
}

/// The daemon in-process, without signals: `cli::run::run` with a shutdown token prints a job
/// on an emulated printer; cancelling the token stops it cleanly (Ok, socket gone, the card
/// printed once).
#[test]
fn run_in_process_prints_a_job_and_stops_when_its_token_is_cancelled() {
    let s = setup(0.0, 1, 1);
    let cfg = cetak::config::Config::load(&s.config).unwrap();
    let socket = cfg.control_socket();
    let shutdown = cetak::shutdown::Shutdown::new();
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let daemon = std::thread::spawn({
        let shutdown = shutdown.clone();
        move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            let res = rt.block_on(cetak::cli::run::run(
                &cfg,
                cetak::daemon::StationOptions::default(),
                shutdown,
            ));
            let _ = done_tx.send(res.map_err(|e| e.to_string()));
        }
    });
    wait_settled(&s.journal, &s.ids, Duration::from_secs(60));
    assert_eq!(state(&s.journal, &s.ids[0]), JobState::Printed);
    assert!(socket.exists(), "control socket while running");
    assert!(
        done_rx.try_recv().is_err(),
        "the daemon runs until its token is cancelled"
    );
    shutdown.cancel();
    let res = done_rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the daemon stops after its token is cancelled");
    assert_eq!(res, Ok(()));
    daemon.join().unwrap();
    assert!(!socket.exists(), "control socket removed");
    assert_eq!(s.emus[0].1.cards_ejected(), 1);
    cli_ok(&s.config, &["stock", "verify", "--offline"]);
}

/// issue 4 done-when: ≥ 200 cards, SIGKILL at ≥ 20 random moments, restart each time.
#[test]
fn crash_test_sigkill_never_prints_a_job_twice() {
    let jobs = 200;
    let kills = 20;
    let s = setup(0.0, jobs, 2);
    let mut rng = crash_rng("crash test");
    let mut in_doubt_after_kill = BTreeSet::new();
    for _ in 0..kills {
        let mut child = start_daemon(&s.config, Stdio::null());
        // Between 0.3 s (still starting) and 2.3 s (printing) after start.
        std::thread::sleep(Duration::from_millis(300 + rng.below(2000)));
        child.kill().unwrap();
        child.wait().unwrap();
        for id in &s.ids {
            if s.journal.job(id).is_ok_and(|r| r.state.holds_blangko()) {
                in_doubt_after_kill.insert(id.clone());
            }
        }
    }
    // The last run goes to the end.
    let mut child = start_daemon(&s.config, Stdio::null());
    wait_settled(&s.journal, &s.ids, Duration::from_secs(300));
    wait_ready(&s.config);
    sigterm(&child);
    assert_eq!(
        wait_exit(&mut child, Duration::from_secs(60)).code(),
        Some(0)
    );

    // Only cards that were inside a printer at a kill are in doubt.
    let doubted: Vec<String> = s
        .ids
        .iter()
        .filter(|id| state(&s.journal, id) == JobState::InDoubt)
        .cloned()
        .collect();
    for id in &doubted {
        assert!(
            in_doubt_after_kill.contains(id),
            "{id} in doubt without a kill"
        );
    }
    let listed = cli_ok(&s.config, &["doubt", "list", "--offline", "--lang", "en"]);
    // The operator decides: each in-doubt card is declared spoiled (the job is printed again
    // on a new blangko — the one reprint the issue allows, by an operator decision).
    for id in &doubted {
        assert!(listed.contains(id.as_str()));
        cli_ok(
            &s.config,
            &[
                "doubt",
                "resolve",
                "--offline",
                id,
                "--spoiled",
                "rusak",
                "--operator",
                "op1",
            ],
        );
    }
    let in_doubt = doubted.len();
    let mut child = start_daemon(&s.config, Stdio::null());
    wait_settled(&s.journal, &s.ids, Duration::from_secs(300));
    wait_ready(&s.config);
    sigterm(&child);
    assert_eq!(
        wait_exit(&mut child, Duration::from_secs(60)).code(),
        Some(0)
    );

    let mut printed_serials = BTreeMap::new();
    for id in &s.ids {
        let rec = s.journal.job(id).unwrap();
        // A job spoiled at every attempt (max_attempts) fails; nothing else is left open.
        assert!(
            matches!(rec.state, JobState::Printed | JobState::Failed),
            "{id}: {}",
            rec.state
        );
        if rec.state == JobState::Failed {
            continue;
        }
        let h = s.journal.job_history(id).unwrap();
        let serial = h
            .iter()
            .find(|e| e.to_state == JobState::Printed)
            .and_then(|e| e.card_serial.clone())
            .expect("card serial of a printed job");
        assert!(printed_serials.insert(serial, id.clone()).is_none());
    }
    // Every card the printers ejected is either the one card of a printed job, or the card of
    // an in-doubt job (killed between the eject and its journal entry): no job has two.
    let mut unmatched = 0;
    let mut lag = 0;
    for (pid, emu) in &s.emus {
        let serial = format!("EMU-PROC-{}", &pid[1..].parse::<usize>().unwrap() - 1);
        for card in emu
            .cards()
            .iter()
            .filter(|c| c.outcome == CardOutcome::Ejected)
        {
            if !printed_serials.contains_key(&format!("{serial}#{}", card.number)) {
                unmatched += 1;
            }
        }
        // The ledger knows every card that went through the printer; it may count more only
        // for a kill between the durable journal feed and the physical feed (that job is in
        // doubt, and the operator decides).
        let fed = s.journal.cards_fed(pid).unwrap();
        let hw = emu.cards_inserted() as u64 - 1000;
        assert!(
            hw <= fed,
            "{pid}: {hw} cards through the printer, ledger {fed}"
        );
        lag += fed - hw;
    }
    assert!(
        lag <= in_doubt as u64,
        "ledger ahead by {lag}, {in_doubt} in doubt"
    );
    let ejected: usize = s.emus.iter().map(|(_, e)| e.cards_ejected()).sum();
    assert_eq!(ejected - unmatched, printed_serials.len());
    // A card not matched to its job's printed entry can only be an in-doubt card that came
    // out before the kill (and was then declared spoiled by the operator).
    assert!(
        unmatched <= in_doubt,
        "{unmatched} unexplained cards, {in_doubt} in doubt"
    );
    eprintln!(
        "crash test: {} of {jobs} jobs printed, {kills} kills, {in_doubt} in doubt resolved by the operator, {unmatched} of their cards had come out",
        printed_serials.len()
    );
    cli_ok(&s.config, &["stock", "verify", "--offline"]);
    cli_ok(&s.config, &["audit", "verify", "--offline"]);
}
