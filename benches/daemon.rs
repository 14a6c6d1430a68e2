//! Station benchmarks (figures printed, no timed assertions):
//! - utilisation: four emulated printers at scaled realistic timings fed by the daemon, against
//!   what the printers allow (the same card run straight on an idle emulator, no host work);
//!   host time per card (render, journal) alongside;
//! - scale: the station started on a journal holding 100,000 queued jobs: time to ready and
//!   peak memory of a fresh process, dispatch time near the head of the queue.
//!
//! `cargo bench --bench daemon` (env: DAEMON_BENCH_SCALE, DAEMON_BENCH_CARDS, DAEMON_BENCH_JOBS).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use cetak::config::Config;
use cetak::daemon::{self, Station};
use cetak::journal::{Actor, BlangkoType, JobState, NewJob};
use cetak::layout::Layouts;
use cetak_drivers::emulator::{Emulator, EmulatorConfig};
use cetak_drivers::printer::{self, sequence, EvolisOptions};

const CHILD_ENV: &str = "CETAK_DAEMON_BENCH_CHILD";

fn env_or<T: std::str::FromStr>(k: &str, d: T) -> T {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// CPU time (user + system) of this process so far.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<u64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // Fields 14 and 15 (utime, stime) are at 11 and 12 after the command name.
    let ticks = f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

fn payload(sample: &str) -> String {
    let src = root().join("examples/jobs").join(sample);
    cetak::intake::inline_images(&std::fs::read(&src).unwrap(), src.parent().unwrap()).unwrap()
}

fn job(i: usize, payload: &str) -> NewJob {
    let mut doc: serde_json::Value = serde_json::from_str(payload).unwrap();
    let id = format!("BENCH-{i:07}");
    doc["job_id"] = id.clone().into();
    NewJob {
        job_id: id,
        blangko_type: BlangkoType::Kia,
        nik_masked: "3273xxxxxxxx0001".into(),
        batch_id: Some("PROG-1".into()),
        batch_nik: None,
        priority: 0,
        needs_chip: false,
        needs_dual_side: true,
        payload: doc.to_string(),
    }
}

fn emulator(serial: &str, scale: f64) -> Emulator {
    Emulator::new(EmulatorConfig {
        serial: serial.into(),
        time_scale: scale,
        feeder_cards: 100_000,
        ribbon_cards: 100_000,
        hopper_capacity: 100_000,
        ..EmulatorConfig::default()
    })
}

fn config(data: &Path, printers: &[String]) -> Config {
    let mut t = format!(
        "[station]\nid = \"BENCH\"\ndata_dir = {:?}\nlayouts_dir = {:?}\n\n[policy]\nencode_chips = false\n\n",
        data.display().to_string(),
        root().join("layouts").display().to_string()
    );
    for (i, uri) in printers.iter().enumerate() {
        t.push_str(&format!(
            "[[printer]]\nid = \"P{}\"\nuri = \"{uri}\"\nblangko = \"kia\"\n\n",
            i + 1
        ));
    }
    Config::parse(&t, Path::new("bench.toml")).unwrap()
}

fn utilisation() {
    let scale: f64 = env_or("DAEMON_BENCH_SCALE", 0.05);
    let per_printer: usize = env_or("DAEMON_BENCH_CARDS", 8);
    let printers = 4;
    let layouts = Layouts::load(&root().join("layouts")).unwrap();
    let payload = payload("kia-5-17.json");
    let policy = cetak::job::ValidationPolicy::default();

    // Host work per card: validate + render both sides.
    let t = Instant::now();
    let n = 5;
    let mut layers = None;
    for _ in 0..n {
        layers = Some(daemon::render_job(&payload, &policy, &layouts).unwrap());
    }
    let render = t.elapsed() / n;
    let (front, back) = layers.unwrap();

    // What the printer allows: the same card straight on an idle emulator.
    let tag = std::process::id();
    let solo = emulator("SOLO", scale);
    solo.register(&format!("bench-solo-{tag}")).unwrap();
    let mut p = printer::open(
        &format!("emu://bench-solo-{tag}"),
        &EvolisOptions::default(),
    )
    .unwrap();
    let plan = sequence::CardPlan {
        front: Some(&front),
        back: Some(&back),
        encode_at: None,
    };
    let t = Instant::now();
    for _ in 0..3 {
        sequence::print_card(p.as_mut(), &plan, &mut |_| Ok(()), &mut |_| {}).unwrap();
    }
    let card = t.elapsed() / 3;

    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut uris = Vec::new();
    let mut emus = Vec::new();
    for i in 0..printers {
        let e = emulator(&format!("U{i}"), scale);
        let name = format!("bench-u{i}-{tag}");
        e.register(&name).unwrap();
        uris.push(format!("emu://{name}"));
        emus.push(e);
    }
    let cfg = config(&data, &uris);
    let mut j = daemon::open_journal(&cfg).unwrap();
    let a = Actor::operator("bench");
    let total = per_printer * printers;
    j.stock_receive(BlangkoType::Kia, (total * 2 + 40) as u32, "LOT-B", None, &a)
        .unwrap();
    for i in 0..printers {
        j.stock_load(
            &format!("P{}", i + 1),
            BlangkoType::Kia,
            (total / printers + 5) as u32,
            &a,
        )
        .unwrap();
    }
    let jobs: Vec<NewJob> = (0..total).map(|i| job(i, &payload)).collect();
    j.enqueue_many(&jobs).unwrap();
    let cpu0 = cpu_time();
    let t = Instant::now();
    let station = Station::start(&cfg).unwrap();
    let mut first_round = None;
    loop {
        let done = j
            .count_by_state()
            .unwrap()
            .get(JobState::Printed.code())
            .copied()
            .unwrap_or(0);
        if done as usize >= printers && first_round.is_none() {
            first_round = Some(t.elapsed());
        }
        if done as usize >= total {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let wall = t.elapsed();
    let cpu = cpu_time() - cpu0;
    station.shutdown().unwrap();
    // Per printer, from the journal: when its first card was fed and its last one printed.
    let started_ms = chrono::Utc::now().timestamp_millis() - wall.as_millis() as i64;
    let spans: Vec<(String, i64, i64, i64)> = {
        let conn = rusqlite::Connection::open(daemon::journal_path(&data)).unwrap();
        let mut st = conn
            .prepare(
                "SELECT printer_id,
                        MIN(CASE WHEN step = 'feed' THEN at END),
                        MAX(CASE WHEN step = 'mark printed' THEN at END),
                        SUM(step = 'mark printed')
                 FROM job_events WHERE printer_id IS NOT NULL GROUP BY printer_id",
            )
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let ideal = card * per_printer as u32;
    println!("utilisation: {printers} printers × {per_printer} cards, time scale {scale}");
    println!(
        "  printer-bound card time {:.0} ms (idle emulator), ideal {:.2} s, daemon {:.2} s → {:.1} % of what the printers allow",
        card.as_secs_f64() * 1e3,
        ideal.as_secs_f64(),
        wall.as_secs_f64(),
        100.0 * ideal.as_secs_f64() / wall.as_secs_f64()
    );
    if let Some(f) = first_round.filter(|_| per_printer > 1) {
        let ideal = card * (per_printer as u32 - 1);
        let steady = wall - f;
        println!(
            "  steady state (after each printer's first card, i.e. without start-up and layout loading): ideal {:.2} s, daemon {:.2} s → {:.1} %",
            ideal.as_secs_f64(),
            steady.as_secs_f64(),
            100.0 * ideal.as_secs_f64() / steady.as_secs_f64()
        );
    }
    let first_feed = spans.iter().map(|s| s.1).max().unwrap_or(0) - started_ms;
    let (busy, ideal_busy) = spans.iter().fold((0.0, 0.0), |(b, i), s| {
        (
            b + (s.2 - s.1) as f64 / 1e3,
            i + card.as_secs_f64() * s.3 as f64,
        )
    });
    println!(
        "  start-up: every printer fed its first card within {first_feed} ms of Station::start (journal open, recovery, layouts, first render)"
    );
    println!(
        "  from each printer's first feed to its last card: ideal {ideal_busy:.2} s, daemon {busy:.2} s → {:.1} % (cards per printer: {:?})",
        100.0 * ideal_busy / busy,
        spans.iter().map(|s| s.3).collect::<Vec<_>>()
    );
    println!(
        "  host time per card: validate + render {:.0} ms; whole process CPU {:.0} ms/card (includes the emulators decoding panels)",
        render.as_secs_f64() * 1e3,
        cpu.as_secs_f64() * 1e3 / total as f64
    );
}

fn scale_child(data: &str) {
    let t = Instant::now();
    let cfg = config(Path::new(data), &[]);
    let station = Station::start(&cfg).unwrap();
    let ready = t.elapsed();
    let mut j = daemon::open_journal(&cfg).unwrap();
    let queued = j.queued_count().unwrap();
    // Dispatch near the head of a 100k queue.
    let slot = cetak::journal::PrinterSlot {
        printer_id: "PX".into(),
        blangko_type: BlangkoType::Kia,
        has_encoder: false,
        dual_side: true,
    };
    let mut claim = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        let c = j.claim_next(&slot).unwrap().unwrap();
        claim.push(t.elapsed());
        j.release(&c.job_id, "bench").unwrap();
    }
    claim.sort();
    station.shutdown().unwrap();
    println!(
        "{} {} {} {}",
        ready.as_secs_f64(),
        vm_hwm_kib(),
        queued,
        claim[claim.len() / 2].as_secs_f64()
    );
}

fn scale() {
    let n: usize = env_or("DAEMON_BENCH_JOBS", 100_000);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let cfg = config(&data, &[]);
    let mut j = daemon::open_journal(&cfg).unwrap();
    // KIA 0–5 (no photo) keeps 100,000 jobs to a few hundred MB of journal.
    let payload = payload("kia-0-5.json");
    let t = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(5_000) {
        let batch: Vec<NewJob> = chunk.iter().map(|&i| job(i, &payload)).collect();
        j.enqueue_many(&batch).unwrap();
    }
    let took = t.elapsed();
    drop(j);
    println!(
        "scale: bulk intake of {n} jobs ({} KB payload each, images inlined): {:.0} jobs/s",
        payload.len() / 1024,
        n as f64 / took.as_secs_f64()
    );
    let out = Command::new(std::env::current_exe().unwrap())
        .env(CHILD_ENV, &data)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let f: Vec<&str> = text.split_whitespace().collect();
    if f.len() == 4 {
        println!(
            "  fresh process, {} queued: station ready in {:.0} ms (journal recovery + layouts), peak RSS {:.1} MB, claim-next median {:.2} ms",
            f[2],
            f[0].parse::<f64>().unwrap_or(0.0) * 1e3,
            f[1].parse::<f64>().unwrap_or(0.0) / 1024.0,
            f[3].parse::<f64>().unwrap_or(0.0) * 1e3
        );
    } else {
        println!(
            "  child failed: {text} {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn main() {
    if let Ok(data) = std::env::var(CHILD_ENV) {
        scale_child(&data);
        return;
    }
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    utilisation();
    scale();
}
