//! The no-panic property of the job parser and validator, checked in CI (the cargo-fuzz target
//! `fuzz/fuzz_targets/job_parser.rs` explores the same property without bounds).

use std::path::PathBuf;

use cetak::job::{check_bytes, Lang, ValidationPolicy};
use proptest::prelude::*;

fn jobs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/jobs")
}

fn samples() -> Vec<Vec<u8>> {
    ["kia-0-5.json", "kia-5-17.json", "ktp-el.json"]
        .iter()
        .map(|n| std::fs::read(jobs_dir().join(n)).unwrap())
        .collect()
}

fn run(bytes: &[u8]) {
    let (report, job) = check_bytes(bytes, &ValidationPolicy::default(), &jobs_dir());
    assert_eq!(report.passed(), job.is_some());
    if let Some(job) = job {
        let _ = job.card_content();
    }
    let _ = report.render(Lang::Id);
    let _ = report.render(Lang::En);
}

/// Replacement values that reach deep into validation when they land on a string.
const NASTY: &[&str] = &[
    "",
    " ",
    "\u{0}",
    "😀",
    "\u{202e}",
    "محمد",
    "<&\"'>",
    "0000000000000000",
    "9999999999999999",
    "2999-12-31",
    "0000-01-01",
    "SEUMUR HIDUP",
    "-",
    "WNA",
    "KAWIN",
    "../../../../etc/passwd",
    "/dev/zero",
    "/dev/urandom",
    "AAAA",
    "////",
    "ẞ",
    "ŉ",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        run(&bytes);
    }

    #[test]
    fn mutated_samples_never_panic(
        which in 0usize..3,
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
    ) {
        let mut bytes = samples()[which].clone();
        for (pos, b) in flips {
            let n = bytes.len();
            bytes[pos % n] = b;
        }
        run(&bytes);
    }

    #[test]
    fn structured_mutations_never_panic(
        which in 0usize..3,
        picks in proptest::collection::vec((any::<usize>(), 0usize..NASTY.len()), 1..6),
    ) {
        // Replace string values found in the sample with nasty ones, keeping valid JSON.
        let mut v: serde_json::Value = serde_json::from_slice(&samples()[which]).unwrap();
        let mut paths = Vec::new();
        collect_paths(&v, String::new(), &mut paths);
        for (i, n) in picks {
            let p = &paths[i % paths.len()];
            if let Some(slot) = v.pointer_mut(p) {
                *slot = serde_json::Value::String(NASTY[n].to_owned());
            }
        }
        run(&serde_json::to_vec(&v).unwrap());
    }
}

fn collect_paths(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                collect_paths(x, format!("{at}/{k}"), out);
            }
        }
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                collect_paths(x, format!("{at}/{i}"), out);
            }
        }
        _ => out.push(at),
    }
}
