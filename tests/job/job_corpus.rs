//! Every bad job in `tests/bad_jobs/` gives exactly the error its manifest names (code and
//! field), with no panic; the report says "refused" and asks for a non-zero exit. Every job in
//! `tests/good_jobs/` (values at the limits the rules allow) is accepted with exactly the
//! warnings its manifest names, and renders. Both go through the check the daemon and the CLI
//! run before a blangko is used: validation, then the layout fit check.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cetak::daemon::{check_job, JobRefusal, JobSource};
use cetak::job::{check_file, BackgroundPolicy, Lang, ValidationPolicy, ValidationReport};
use cetak::layout::Layouts;
use serde::Deserialize;

fn layouts() -> &'static Layouts {
    static L: OnceLock<Layouts> = OnceLock::new();
    L.get_or_init(|| {
        Layouts::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("layouts"))
            .expect("shipped layouts load")
    })
}

/// The full check: validation, then the fit check; `Ok` with the report of an accepted job.
fn full_check(
    path: &Path,
    policy: &ValidationPolicy,
) -> Result<ValidationReport, ValidationReport> {
    match check_job(JobSource::File(path), policy, layouts(), false) {
        Ok(checked) => Ok(checked.report),
        Err(JobRefusal::Invalid(report)) => Err(report),
    }
}

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
        let report = match full_check(&path, &policy(&case.policy)) {
            Ok(report) | Err(report) => report,
        };
        let got: Vec<_> = report
            .errors
            .iter()
            .map(|e| (e.code().to_owned(), e.field.clone()))
            .collect();
        let want = vec![(case.code.clone(), case.field.clone())];
        if got != want || report.exit_code(false) == 0 {
            failures.push(format!("{}: want {want:?}, got {got:?}", case.file));
        }
        // Validation alone refuses every case that is not about the layouts.
        if !case.code.starts_with("layout.") {
            let (alone, job) = check_file(&path, &policy(&case.policy));
            if job.is_some() || alone.errors != report.errors {
                failures.push(format!("{}: validation alone differs", case.file));
            }
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

#[derive(Deserialize)]
struct GoodManifest {
    case: Vec<GoodCase>,
}

#[derive(Deserialize)]
#[allow(dead_code)] // `note` is for people
struct GoodCase {
    file: String,
    design: String,
    warnings: Vec<String>,
    #[serde(default)]
    note: Option<String>,
}

fn good_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/good_jobs")
}

#[test]
fn every_good_job_is_accepted_and_renders() {
    let text = std::fs::read_to_string(good_dir().join("expected.toml")).unwrap();
    let m: GoodManifest = toml::from_str(&text).unwrap();
    let listed: std::collections::BTreeSet<_> = m.case.iter().map(|c| c.file.clone()).collect();
    for entry in std::fs::read_dir(good_dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".json") {
            assert!(listed.contains(&name), "{name} is not in expected.toml");
        }
    }
    let mut failures = Vec::new();
    for case in &m.case {
        let path = good_dir().join(&case.file);
        let checked = match check_job(
            JobSource::File(&path),
            &ValidationPolicy::default(),
            layouts(),
            false,
        ) {
            Ok(c) => c,
            Err(JobRefusal::Invalid(r)) => {
                failures.push(format!("{}: refused\n{}", case.file, r.render(Lang::En)));
                continue;
            }
        };
        let design = serde_json::to_value(checked.job.design()).unwrap();
        if design != serde_json::Value::String(case.design.clone()) {
            failures.push(format!("{}: design {design}", case.file));
        }
        let warnings: Vec<String> = checked
            .report
            .warnings
            .iter()
            .map(|w| w.code().to_owned())
            .collect();
        if warnings != case.warnings {
            failures.push(format!("{}: warnings {warnings:?}", case.file));
        }
        match cetak::render::render_card(&checked.job.card_content(), layouts()) {
            Err(e) => failures.push(format!("{}: render {e}", case.file)),
            // To look at them: CETAK_LOOK_DIR=/tmp/look cargo test --test job job_corpus::
            Ok(card) => {
                if let Some(dir) = std::env::var_os("CETAK_LOOK_DIR") {
                    let dir = Path::new(&dir).join(case.file.trim_end_matches(".json"));
                    cetak::render::write_pngs(&card, &dir).unwrap();
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
