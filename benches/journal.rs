//! Journal benchmark (prints figures; `cargo bench --bench journal`).
//!
//! - bulk intake of N jobs (default 100,000; `JOURNAL_BENCH_JOBS` to change) in batches;
//! - open + recover time with N queued, and the resident memory of a fresh process doing it;
//! - claim-next time at 1k / 10k / 100k queued (durable claim, and the dispatch query alone);
//! - peak RSS (VmHWM) of this process.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use cetak::journal::{mask_nik, BlangkoType, Journal, NewJob, PrinterSlot};

const CHILD_ENV: &str = "JOURNAL_BENCH_OPEN_ONLY";

fn vm_hwm_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// A synthetic job document of realistic size (~1 KB, no photo).
fn job(i: u64) -> NewJob {
    let nik = format!(
        "3273{:02}{:02}0{}1{:04}",
        1 + i % 30,
        1 + i % 28,
        i % 10,
        i % 10_000
    );
    let payload = format!(
        r#"{{"job_id":"KIA-2026-{i:07}","document":"kia-5-17","nik":"{nik}","nama":"ANAK SEKOLAH {i}","tempat_lahir":"BANDUNG","tanggal_lahir":"2015-08-17","jenis_kelamin":"PEREMPUAN","gol_darah":"O","agama":"ISLAM","kewarganegaraan":"WNI","no_kk":"3273010101150001","nama_kepala_keluarga":"BUDI SANTOSO","no_akta":"3273-LT-17082015-0001","alamat":"JL. MERDEKA NO. {n}","rt_rw":"003/007","kel_desa":"CITARUM","kecamatan":"BANDUNG WETAN","kabupaten_kota":"KOTA BANDUNG","provinsi":"JAWA BARAT","berlaku_hingga":"16-08-2032","tempat_terbit":"KOTA BANDUNG","tanggal_terbit":"21-11-2026","batch":"SEKOLAH-2026-11","photo_ref":"photos/{i:07}.jpg","padding":"{pad}"}}"#,
        n = i % 200,
        pad = "x".repeat(300),
    );
    NewJob {
        job_id: format!("KIA-2026-{i:07}"),
        blangko_type: BlangkoType::Kia,
        nik_masked: mask_nik(&nik),
        batch_id: Some("SEKOLAH-2026-11".into()),
        batch_nik: None,
        priority: 0,
        needs_chip: i % 4 == 0,
        needs_dual_side: true,
        payload,
    }
}

fn fill(j: &mut Journal, n: u64) -> Duration {
    let start = Instant::now();
    let batch = 5_000;
    let mut i = 0;
    while i < n {
        let jobs: Vec<_> = (i..(i + batch).min(n)).map(job).collect();
        j.enqueue_many(&jobs).expect("intake");
        i += batch;
    }
    start.elapsed()
}

fn slot() -> PrinterSlot {
    PrinterSlot {
        printer_id: "P1".into(),
        blangko_type: BlangkoType::Kia,
        has_encoder: true,
        dual_side: true,
    }
}

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i]
}

fn claim_figures(path: &Path, queued: u64) {
    let mut j = Journal::open(path).expect("open");
    fill(&mut j, queued);
    let s = slot();
    let mut peek = Vec::new();
    for _ in 0..2_000 {
        let t = Instant::now();
        j.peek_next(&s).expect("peek").expect("a job");
        peek.push(t.elapsed());
    }
    let mut claim = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        j.claim_next(&s).expect("claim").expect("a job");
        claim.push(t.elapsed());
    }
    println!(
        "claim-next @ {queued:>7} queued: dispatch query median {:>7.1} µs p99 {:>7.1} µs | durable claim (fsync) median {:>7.2} ms p99 {:>7.2} ms",
        percentile(&mut peek, 0.5).as_secs_f64() * 1e6,
        percentile(&mut peek, 0.99).as_secs_f64() * 1e6,
        percentile(&mut claim, 0.5).as_secs_f64() * 1e3,
        percentile(&mut claim, 0.99).as_secs_f64() * 1e3,
    );
}

fn main() {
    if let Ok(path) = std::env::var(CHILD_ENV) {
        // Fresh process: what the daemon costs to become ready.
        let t = Instant::now();
        let mut j = Journal::open(&path).expect("open");
        let r = j.recover_on_start().expect("recover");
        let queued = j.queued_count().expect("count");
        println!(
            "{} {} {} {}",
            t.elapsed().as_secs_f64(),
            vm_hwm_kib().unwrap_or(0),
            queued,
            r.requeued
        );
        return;
    }
    let n: u64 = std::env::var("JOURNAL_BENCH_JOBS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("journal.db");

    println!(
        "journal benchmark: {n} jobs, ~{} bytes payload each",
        job(1).payload.len()
    );
    let mut j = Journal::open(&path).expect("open");
    let took = fill(&mut j, n);
    println!(
        "bulk intake: {n} jobs in {:.2} s = {:.0} jobs/s (batches of 5,000, one transaction each)",
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64()
    );
    // Leave some claimed jobs behind, as after a crash.
    for _ in 0..4 {
        j.claim_next(&slot()).expect("claim");
    }
    drop(j);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(path.with_extension("db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    println!("journal file: {:.1} MB", size as f64 / 1e6);

    let out = Command::new(std::env::current_exe().expect("exe"))
        .env(CHILD_ENV, &path)
        .output()
        .expect("child");
    let text = String::from_utf8_lossy(&out.stdout);
    let f: Vec<&str> = text.split_whitespace().collect();
    if f.len() == 4 {
        println!(
            "open + recover with {} queued (fresh process): {:.1} ms, peak RSS {:.1} MB ({} requeued)",
            f[2],
            f[0].parse::<f64>().unwrap_or(0.0) * 1e3,
            f[1].parse::<f64>().unwrap_or(0.0) / 1024.0,
            f[3]
        );
    } else {
        println!(
            "open + recover child failed: {text} {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    for q in [1_000, 10_000, 100_000] {
        if q > n {
            continue;
        }
        let d = tempfile::tempdir().expect("tempdir");
        claim_figures(&d.path().join("journal.db"), q);
    }
    println!(
        "peak RSS of the benchmark process (VmHWM): {:.1} MB",
        vm_hwm_kib().unwrap_or(0) as f64 / 1024.0
    );
}
