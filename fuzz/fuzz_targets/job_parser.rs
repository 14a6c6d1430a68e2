//! Fuzz target: parsing and validating arbitrary bytes as a job document never panics.
//!
//! Run: `cargo +nightly fuzz run job_parser` (from the repository root; seeds in
//! `examples/jobs/` and `tests/bad_jobs/` make a good starting corpus:
//! `cargo +nightly fuzz run job_parser fuzz/corpus/job_parser examples/jobs tests/bad_jobs`).
#![no_main]

use std::path::Path;

use cetak::job::{check_bytes, parse, validate, ValidationPolicy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = parse(data) {
        // Images resolve against a folder that holds no job files, so a fuzzed path can only
        // reach files that exist anyway; the repository's sample photos are found via `../`.
        let _ = validate(&doc, &ValidationPolicy::default(), Path::new("examples/jobs"));
    }
    let (report, _) = check_bytes(data, &ValidationPolicy::default(), Path::new("examples/jobs"));
    let _ = report.render(cetak::job::Lang::Id);
    let _ = report.render(cetak::job::Lang::En);
});
