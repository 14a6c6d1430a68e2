//! Dashboard page benchmark (prints figures; `cargo bench --bench dashboard`): the time to read
//! a page's snapshot from the journal and render the whole page, with N jobs in the journal
//! (default 100,000 in 100 batches; `DASHBOARD_BENCH_JOBS` to change). Target: under 50 ms.

use std::time::{Duration, Instant};

use cetak::daemon::StationHandle;
use cetak::dashboard::{pages, text::Lang, view};
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

fn main() {
    let n: u64 = std::env::var("DASHBOARD_BENCH_JOBS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut j = Journal::open(dir.path().join("journal.db")).expect("open");
    let mut i = 0;
    while i < n {
        let jobs: Vec<_> = (i..(i + 5_000).min(n)).map(job).collect();
        j.enqueue_many(&jobs).expect("intake");
        i += 5_000;
    }
    let handle = StationHandle::default();
    let mut times = Vec::new();
    let mut bytes = 0;
    for _ in 0..30 {
        let t = Instant::now();
        let snap = view::read(&handle, &j, "BENCH-01", "Bench").expect("snapshot");
        let page = pages::page(&snap, Lang::Id, None);
        times.push(t.elapsed());
        bytes = page.len();
    }
    times.sort();
    // Where the time goes (one call each).
    let part = |name: &str, f: &dyn Fn()| {
        let t = Instant::now();
        f();
        println!("  {name}: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
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
    part("batch_progress", &|| {
        j.batch_progress(view::BATCHES_SHOWN).unwrap();
    });
    part("alerts_open + ribbons", &|| {
        j.alerts_open().unwrap();
        j.ribbons().unwrap();
    });
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "dashboard page with {n} jobs in the journal ({bytes} bytes of HTML): median {:.1} ms, p90 {:.1} ms, max {:.1} ms (target < 50 ms)",
        ms(times[times.len() / 2]),
        ms(times[times.len() * 9 / 10]),
        ms(times[times.len() - 1])
    );
}
