//! Dashboard benchmark (prints figures; `cargo bench --bench dashboard`), with N jobs in the
//! journal (default 100,000 in 100 batches, `DASHBOARD_BENCH_JOBS` to change), nine in ten of
//! them printed (their feed and printed events and ledger rows written straight into the
//! journal file, as a station that printed them would have):
//! - a page: read the snapshot and render the whole page for a signed-in administrator (every
//!   form); target under 50 ms;
//! - a `/metrics` scrape: the first (the time-per-card histogram reads every card) and the
//!   following ones (the histogram only reads the cards printed since), and the old way
//!   (every card at each scrape) beside them.

use std::time::{Duration, Instant};

use cetak::daemon::control::Authority;
use cetak::daemon::StationHandle;
use cetak::dashboard::pages::{self, Viewer};
use cetak::dashboard::{metrics, tally::Tally, text::Lang, view};
use cetak::journal::{mask_nik, BlangkoType, Journal, NewJob};

fn job(i: u64) -> NewJob {
    let nik = format!(
        "3273{:02}{:02}0{}1{:04}",
        1 + i % 30,
        1 + i % 28,
        i % 10,
        i % 10_000
    );
    NewJob {
        job_id: format!("KIA-2026-{i:07}"),
        blangko_type: BlangkoType::Kia,
        nik_masked: mask_nik(&nik),
        batch_id: Some(format!("SEKOLAH-{:03}", i % 100)),
        batch_nik: None,
        priority: 0,
        needs_chip: false,
        needs_dual_side: true,
        payload: format!(
            r#"{{"job_id":"KIA-2026-{i:07}","padding":"{}"}}"#,
            "x".repeat(300)
        ),
    }
}

/// Marks nine in ten jobs printed on P1 or P2, 20–60 s after their feed, straight in SQL (the
/// journal's own path takes a transaction per step; this is only the shape the queries read).
fn print_most(path: &std::path::Path, n: u64) {
    let mut c = rusqlite::Connection::open(path).expect("open journal file");
    let tx = c.transaction().expect("tx");
    {
        let mut ev = tx
            .prepare(
                "INSERT INTO job_events (job_id, at, step, from_state, to_state, attempt, printer_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)",
            )
            .unwrap();
        let mut led = tx
            .prepare(
                "INSERT INTO ledger (at, blangko_type, kind, count, from_loc, to_loc, job_id, operator, audit_id)
                 VALUES (?1, 'kia', 'consumed', 1, ?2, 'consumed', ?3, 'system', 0)",
            )
            .unwrap();
        let t0: i64 = 1_790_000_000_000;
        for i in (0..n).filter(|i| i % 10 != 0) {
            let id = format!("KIA-2026-{i:07}");
            let printer = if i % 2 == 0 { "P1" } else { "P2" };
            let fed = t0 + i as i64 * 60_000;
            let done = fed + 20_000 + (i as i64 % 40) * 1_000;
            ev.execute(rusqlite::params![
                id, fed, "feed", "ready", "feeding", printer
            ])
            .unwrap();
            ev.execute(rusqlite::params![
                id,
                done,
                "mark printed",
                "printing",
                "printed",
                printer
            ])
            .unwrap();
            led.execute(rusqlite::params![done, format!("printer:{printer}"), id])
                .unwrap();
        }
        tx.execute("UPDATE jobs SET state = 'printed' WHERE id % 10 != 1", [])
            .unwrap();
    }
    tx.commit().unwrap();
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Median, p90 and max of `times`, sorted in place.
fn figures(times: &mut [Duration]) -> String {
    times.sort();
    format!(
        "median {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        ms(times[times.len() / 2]),
        ms(times[times.len() * 9 / 10]),
        ms(times[times.len() - 1])
    )
}

fn main() {
    let n: u64 = std::env::var("DASHBOARD_BENCH_JOBS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("journal.db");
    let mut j = Journal::open(&path).expect("open");
    let mut i = 0;
    while i < n {
        let jobs: Vec<_> = (i..(i + 5_000).min(n)).map(job).collect();
        j.enqueue_many(&jobs).expect("intake");
        i += 5_000;
    }
    print_most(&path, n);
    let j = Journal::open(&path).expect("reopen");
    let handle = StationHandle::default();
    let viewer = Viewer {
        user: "siti".into(),
        csrf: "0".repeat(64),
        authority: Authority::Administrator,
    };
    let mut times = Vec::new();
    let mut bytes = 0;
    // The dashboard keeps its tally between renders: the first render reads every card.
    let mut tally = Tally::default();
    let t = Instant::now();
    view::read(&handle, &j, "BENCH-01", "Bench", &mut tally).expect("snapshot");
    let first_page = t.elapsed();
    for _ in 0..30 {
        let t = Instant::now();
        let snap = view::read(&handle, &j, "BENCH-01", "Bench", &mut tally).expect("snapshot");
        let page = pages::page(&snap, Lang::Id, Some(&viewer), None);
        times.push(t.elapsed());
        bytes = page.len();
    }
    // Where the time goes (one call each).
    let part = |name: &str, f: &dyn Fn()| {
        let t = Instant::now();
        f();
        println!("  {name}: {:.1} ms", ms(t.elapsed()));
    };
    part("count_by_state", &|| {
        j.count_by_state().unwrap();
    });
    part("stock_show", &|| {
        j.stock_show().unwrap();
    });
    part("doubt_list", &|| {
        j.doubt_list().unwrap();
    });
    part("printer_counters", &|| {
        j.printer_counters().unwrap();
    });
    part("last_card (P1)", &|| {
        j.last_card("P1").unwrap();
    });
    part("batch_progress", &|| {
        j.batch_progress(view::BATCHES_SHOWN).unwrap();
    });
    part("alerts_open + ribbons", &|| {
        j.alerts_open().unwrap();
        j.ribbons().unwrap();
    });
    part("status_view", &|| {
        cetak::daemon::control::status_view(&handle, &j, "BENCH-01", "Bench").unwrap();
    });
    part("outbox_backlog + outbox_refused_count", &|| {
        j.outbox_backlog().unwrap();
        j.outbox_refused_count().unwrap();
    });
    part("card_durations_after (nothing new)", &|| {
        j.card_durations_after(i64::MAX / 2).unwrap();
    });
    part("printer_counters_after (nothing new)", &|| {
        j.printer_counters_after(i64::MAX / 2).unwrap();
    });
    println!(
        "dashboard page with {n} jobs in the journal ({bytes} bytes of HTML): first {:.1} ms, then {} (target < 50 ms)",
        ms(first_page),
        figures(&mut times)
    );

    // /metrics: the histogram kept between scrapes, as the daemon does.
    let mut histogram = metrics::CardHistogram::default();
    let mut tally = Tally::default();
    let t = Instant::now();
    let text = metrics::render(&j, &handle, &mut tally, &mut histogram).expect("metrics");
    let first = t.elapsed();
    let mut times = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        metrics::render(&j, &handle, &mut tally, &mut histogram).expect("metrics");
        times.push(t.elapsed());
    }
    let mut every_card = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        j.card_durations().expect("durations");
        every_card.push(t.elapsed());
    }
    println!(
        "/metrics with {n} jobs ({} cards in the histogram, {} bytes): first scrape {:.1} ms; next scrapes {}",
        histogram.count(),
        text.len(),
        ms(first),
        figures(&mut times)
    );
    println!(
        "  reading every card's time (what each scrape did before): {}",
        figures(&mut every_card)
    );
}
