//! A school batch of the collective KIA programme at full size (figures printed, no timed
//! assertions): the scenario of `tests/station/school_batch.rs` — generated pupils through the
//! built daemon's intake, two emulated printers, `cetak batch`, the hand-over and the BAST —
//! with every one of its checks, for 500 pupils (a large school) instead of the test's 200.
//!
//! `cargo bench --bench school_batch` (env: SCHOOL_BENCH_PUPILS, default 500). The figures of
//! the debug build the tests use: `cargo bench --profile dev --bench school_batch`.

#[path = "../tests/support/mod.rs"]
mod support;

// The test file itself, so that the benchmark and the test cannot drift apart; its `#[test]`
// is not compiled here.
#[allow(dead_code)]
#[path = "../tests/station/school_batch.rs"]
mod school_batch;

fn main() {
    let pupils = std::env::var("SCHOOL_BENCH_PUPILS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let run = school_batch::school_batch(pupils);
    println!("{run}");
    println!(
        "per pupil: {:.1} ms to print (intake included), {:.1} ms whole run",
        run.printed.as_secs_f64() * 1000.0 / pupils as f64,
        run.whole.as_secs_f64() * 1000.0 / pupils as f64
    );
}
