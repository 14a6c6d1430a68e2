//! Every bad job in `tests/bad_jobs/` gives exactly the error its manifest names (code and
//! field), with no panic; the report says "refused" and asks for a non-zero exit.

use std::path::{Path, PathBuf};

use cetak::job::{check_file, BackgroundPolicy, Lang, ValidationPolicy};
use serde::Deserialize;

#[derive(Deserialize)]
struct Manifest {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[allow(dead_code)] // `schema` and `note` are read by job_schema.rs / people
struct Case {
    file: String,
    code: String,
    field: String,
    #[serde(default)]
    schema: bool,
    #[serde(default)]
    policy: Option<PolicyOverride>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PolicyOverride {
    max_image_bytes: Option<u64>,
    photo_jpeg_only: Option<bool>,
    photo_background: Option<BackgroundPolicy>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_jobs")
}

fn manifest() -> Manifest {
    let text = std::fs::read_to_string(corpus_dir().join("expected.toml")).unwrap();
    toml::from_str(&text).unwrap()
}

fn policy(o: &Option<PolicyOverride>) -> ValidationPolicy {
    let mut p = ValidationPolicy::default();
    if let Some(o) = o {
        if let Some(v) = o.max_image_bytes {
            p.max_image_bytes = v;
        }
        if let Some(v) = o.photo_jpeg_only {
            p.photo_jpeg_only = v;
        }
        if let Some(v) = o.photo_background {
            p.photo_background = v;
        }
    }
    p
}

#[test]
fn corpus_is_big_enough_and_complete() {
    let m = manifest();
    assert!(m.case.len() >= 30, "only {} bad jobs", m.case.len());
    let listed: std::collections::BTreeSet<_> = m.case.iter().map(|c| c.file.clone()).collect();
    assert_eq!(listed.len(), m.case.len(), "a file is listed twice");
    for entry in std::fs::read_dir(corpus_dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".json") {
            assert!(listed.contains(&name), "{name} is not in expected.toml");
        }
    }
}

#[test]
fn every_bad_job_gives_exactly_its_error() {
    let mut failures = Vec::new();
    for case in manifest().case {
        let path = corpus_dir().join(&case.file);
        let (report, job) = check_file(&path, &policy(&case.policy));
        let got: Vec<_> = report
            .errors
            .iter()
            .map(|e| (e.code().to_owned(), e.field.clone()))
            .collect();
        let want = vec![(case.code.clone(), case.field.clone())];
        if got != want || job.is_some() || report.exit_code(false) == 0 {
            failures.push(format!("{}: want {want:?}, got {got:?}", case.file));
        }
        // Both languages render, and neither leaks the sample's full NIK or name.
        for lang in [Lang::Id, Lang::En] {
            let text = report.render(lang);
            assert!(!text.contains("3273011708150001"), "{}: {text}", case.file);
            assert!(
                !text.to_uppercase().contains("BIMA"),
                "{}: {text}",
                case.file
            );
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn missing_job_file_is_a_read_error() {
    let (report, job) = check_file(
        &corpus_dir().join("no-such-file.json"),
        &ValidationPolicy::default(),
    );
    assert!(job.is_none());
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].code(), "file.read");
    assert_eq!(report.exit_code(false), 1);
}
