//! `docs/job.schema.json` accepts the sample jobs and rejects every structurally bad corpus
//! file (those marked `schema = true` in `tests/bad_jobs/expected.toml`).

use std::path::{Path, PathBuf};

use serde::Deserialize;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root().join("docs/job.schema.json")).unwrap())
            .unwrap();
    jsonschema::draft202012::new(&schema).unwrap()
}

#[test]
fn samples_match_the_schema() {
    let v = validator();
    let samples = [
        "kia-0-5.json",
        "kia-5-17.json",
        "ktp-el.json",
        "ktp-el-wna.json",
        "kia-wna-5-17.json",
        "kia-wna-0-5.json",
    ]
    .map(|name| root().join("examples/jobs").join(name));
    // The long-value jobs the station must accept are valid documents too.
    let good = std::fs::read_dir(root().join("tests/good_jobs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"));
    for path in samples.into_iter().chain(good) {
        let name = path.display().to_string();
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let errors: Vec<String> = v.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}

#[derive(Deserialize)]
struct Manifest {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    file: String,
    #[serde(default)]
    schema: bool,
}

#[test]
fn structurally_bad_jobs_fail_the_schema() {
    let v = validator();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_jobs");
    let m: Manifest =
        toml::from_str(&std::fs::read_to_string(dir.join("expected.toml")).unwrap()).unwrap();
    let mut checked = 0;
    for case in m.case.iter().filter(|c| c.schema) {
        let bytes = std::fs::read(dir.join(&case.file)).unwrap();
        // Files that are not JSON at all fail before any schema can apply.
        let Ok(doc) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            checked += 1;
            continue;
        };
        assert!(!v.is_valid(&doc), "{} passes the schema", case.file);
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} structural cases");
}
