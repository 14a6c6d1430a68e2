//! Crash safety at the SQLite level: a child process runs a stream of transitions (intake,
//! stock, feed, print, spoil, doubt resolution) and is killed with SIGKILL at random moments,
//! then restarted, many times. After each kill the journal opens, every transition the child
//! reported as committed is there, the ledger balances and the audit chain holds; at the end no
//! job was printed twice and cards in printers at a kill are in doubt, never reprinted.

use std::collections::BTreeMap;
use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::support::journal::*;
use cetak::journal::{
    Actor, BlangkoType, DoubtResolution, Journal, JournalOptions, Location, PrintedInfo,
    SpoilCategory, SystemClock,
};

const ENV: &str = "CETAK_JOURNAL_CRASH_DB";

fn child_options() -> JournalOptions {
    JournalOptions {
        station_id: "ST-CRASH".into(),
        max_attempts: 3,
        clock: Arc::new(SystemClock),
        ..JournalOptions::default()
    }
}

/// Tiny xorshift so the test needs no RNG crate; seeded per process.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn seed() -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1);
    (t ^ (u64::from(std::process::id()) << 32)) | 1
}

/// The child's side: runs until killed. A no-op unless started by the parent test.
#[test]
fn crash_child_workload() {
    let Ok(path) = std::env::var(ENV) else {
        return;
    };
    let mut rng = Rng(seed());
    let mut j = Journal::open_with(&path, child_options()).unwrap();
    j.recover_on_start().unwrap();
    let who = Actor::operator("op-crash");
    for d in j.doubt_list().unwrap() {
        let how = if rng.below(2) == 0 {
            DoubtResolution::Printed
        } else {
            DoubtResolution::Spoiled(SpoilCategory::Rusak)
        };
        let st = j.doubt_resolve(&d.job_id, how, "checked", &who).unwrap();
        println!("C {} {}", d.job_id, st);
    }
    let printers = [
        slot("P1", BlangkoType::Kia, false, false),
        slot("P2", BlangkoType::KtpEl, true, true),
    ];
    let tag = std::process::id();
    let mut n = 0u64;
    loop {
        if j.queued_count().unwrap() < 4 {
            let batch: Vec<_> = (0..10)
                .map(|_| {
                    n += 1;
                    let id = format!("J{tag}-{n}");
                    if n % 2 == 0 {
                        chip_job(&id)
                    } else {
                        job(&id, BlangkoType::Kia)
                    }
                })
                .collect();
            j.enqueue_many(&batch).unwrap();
            for b in &batch {
                println!("C {} queued", b.job_id);
            }
        }
        for s in &printers {
            let t = s.blangko_type;
            let feeder = Location::Feeder(s.printer_id.clone());
            if j.stock_balance(t, &feeder).unwrap() < 2 {
                if j.stock_balance(t, &Location::Store).unwrap() < 20 {
                    j.stock_receive(t, 100, "L-CRASH", None, &admin()).unwrap();
                }
                j.stock_load(&s.printer_id, t, 10, &who).unwrap();
            }
            let Some(c) = j.claim_next(s).unwrap() else {
                continue;
            };
            let id = c.job_id;
            println!("C {id} preparing");
            j.mark_ready(&id).unwrap();
            println!("C {id} ready");
            j.feed(&id, Some("SN-1")).unwrap();
            println!("C {id} feeding");
            if c.needs_chip {
                j.start_encoding(&id).unwrap();
                println!("C {id} encoding");
            }
            let chip = cetak::journal::ChipInfo {
                atr: "3B00".into(),
                uid: format!("{:08X}", rng.next() as u32),
            };
            j.start_printing(&id, c.needs_chip.then_some(&chip))
                .unwrap();
            println!("C {id} printing");
            if rng.below(6) == 0 {
                let st = j
                    .spoil(&id, SpoilCategory::GagalCetak, "smear", &who)
                    .unwrap();
                println!("C {id} {st}");
            } else {
                j.mark_printed(&id, &PrintedInfo::default()).unwrap();
                println!("C {id} printed");
            }
        }
    }
}

/// Runs the child for a random time, kills it, returns the transitions it reported.
fn run_child_and_kill(path: &std::path::Path, rng: &mut Rng) -> Vec<(String, String)> {
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new(exe)
        .args([
            "--exact",
            "journal_crash::crash_child_workload",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(ENV, path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let ms = 80 + rng.below(400);
    let started = Instant::now();
    std::thread::sleep(Duration::from_millis(ms));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(30));
    out.lines()
        .filter_map(|l| l.strip_prefix("C "))
        .filter_map(|l| l.split_once(' '))
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn killed_mid_stream_reopens_balanced_and_never_prints_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.db");
    let mut rng = Rng(seed());
    let mut reported = Vec::new();
    let kills = 15;
    let mut max_in_printer = 0;
    let mut kills_mid_card = 0;
    for round in 0..kills {
        let lines = run_child_and_kill(&path, &mut rng);
        reported.extend(lines);
        let j = Journal::open_with(&path, child_options()).unwrap();
        // Every transition reported as committed survived the kill.
        let mut want: BTreeMap<(String, String), usize> = BTreeMap::new();
        for (job, st) in &reported {
            *want.entry((job.clone(), st.clone())).or_default() += 1;
        }
        for ((job, st), n) in &want {
            let have = j
                .job_history(job)
                .unwrap_or_else(|e| panic!("round {round}: {job} lost: {e}"))
                .iter()
                .filter(|h| h.to_state.code() == st)
                .count();
            assert!(
                have >= *n,
                "round {round}: {job} {st}: reported {n}, journal has {have}"
            );
        }
        let v = j.stock_verify().unwrap();
        assert!(v.is_ok(), "round {round}: {:?}", v.problems);
        let a = j.audit_verify().unwrap();
        assert!(a.is_ok(), "round {round}: {:?}", a.problem);
        // At most one card per printer was inside a printer at the kill.
        let counts = j.count_by_state().unwrap();
        let in_printer: u64 = ["feeding", "encoding", "printing"]
            .iter()
            .map(|s| counts.get(*s).copied().unwrap_or(0))
            .sum();
        assert!(in_printer <= 2, "round {round}: {counts:?}");
        max_in_printer = max_in_printer.max(in_printer);
        kills_mid_card += u64::from(in_printer > 0);
    }
    // Final recovery by the "operator".
    let mut j = Journal::open_with(&path, child_options()).unwrap();
    let r = j.recover_on_start().unwrap();
    for id in &r.now_in_doubt {
        j.doubt_resolve(
            id,
            DoubtResolution::Spoiled(SpoilCategory::Rusak),
            "end of test",
            &Actor::operator("op"),
        )
        .unwrap();
    }
    let counts = j.count_by_state().unwrap();
    let printed = counts.get("printed").copied().unwrap_or(0);
    assert!(
        printed > 10,
        "the child made too little progress: {counts:?}"
    );
    for busy in [
        "preparing",
        "ready",
        "feeding",
        "encoding",
        "printing",
        "in_doubt",
    ] {
        assert_eq!(counts.get(busy), None, "{counts:?}");
    }
    // No job printed twice: at most one transition to printed per job, one consumed blangko
    // per printed job.
    let c = rusqlite::Connection::open(&path).unwrap();
    let twice: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM (SELECT job_id FROM job_events WHERE to_state = 'printed'
             GROUP BY job_id HAVING COUNT(*) > 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(twice, 0);
    // A card that was in a printer at a kill was never fed again without an operator
    // decision: every feed after the first follows a spoil (or doubt resolution) of the job.
    let refeeds: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM job_events f WHERE f.step = 'feed' AND f.attempt > 1
             AND NOT EXISTS (SELECT 1 FROM job_events s WHERE s.job_id = f.job_id
                             AND s.id < f.id AND s.to_state = 'spoiled' AND s.attempt = f.attempt - 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(refeeds, 0);
    assert_consistent(&j);
    eprintln!(
        "crash test: {kills} kills ({kills_mid_card} with a card in a printer, at most {max_in_printer}), final states {counts:?}"
    );
}
