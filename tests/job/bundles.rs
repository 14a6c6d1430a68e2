//! Offline bundles through the binary: `cetak import`, `cetak export`, `cetak import-acks`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use crate::support::daemon::*;
use cetak::bundle;
use cetak::daemon::Station;
use cetak::journal::{BlangkoType, JobState};
use serde_json::{json, Value};

struct Rig {
    tmp: tempfile::TempDir,
    config: PathBuf,
    cfg: cetak::config::Config,
}

fn rig(printers: &[(&str, String, &str)]) -> Rig {
    let tmp = tempfile::tempdir().unwrap();
    let text = config_text(&tmp.path().join("data"), printers, 2);
    std::fs::create_dir_all(tmp.path().join("data")).unwrap();
    let config = tmp.path().join("cetak.toml");
    std::fs::write(&config, text).unwrap();
    let cfg = cetak::config::Config::load(&config).unwrap();
    Rig { tmp, config, cfg }
}

/// The CLI with no daemon running: `--offline`, as root (CI runs as root; the daemon path is
/// covered by tests/station/daemon_authority.rs).
fn cetak(rig: &Rig, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cetak"))
        .args(["--lang", "en"])
        .args(args)
        .arg("--offline")
        .arg("--config")
        .arg(&rig.config)
        .output()
        .unwrap()
}

fn out(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Signed sample jobs with fresh ids, as JWS strings.
fn signed_jobs(rig: &Rig, sample: &str, prefix: &str, n: usize) -> Vec<(String, String)> {
    let dir = rig.tmp.path().join("made");
    make_jobs(&dir, sample, prefix, n)
        .into_iter()
        .map(|id| {
            let jws = std::fs::read_to_string(dir.join(format!("{id}.jws"))).unwrap();
            (id, jws)
        })
        .collect()
}

fn write_bundle(path: &Path, kind: &str, station: &str, content: &Value) {
    std::fs::write(
        path,
        bundle::wrap(kind, station, "2026-11-21T08:00:00Z", content),
    )
    .unwrap();
}

#[test]
fn import_queues_signed_jobs_once_and_reports_refusals() {
    let r = rig(&[]);
    let jobs = signed_jobs(&r, "kia-5-17.json", "BUN-A", 2);
    let mut tampered = jobs[0].1.clone().into_bytes();
    let n = tampered.len();
    tampered[n - 3] = if tampered[n - 3] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let file = r.tmp.path().join("usb-1.json");
    let content = json!({ "jobs": [jobs[0].1, jobs[1].1, tampered] });
    write_bundle(&file, "jobs", "TEST-01", &content);

    let o = cetak(&r, &["import", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(
        out(&o).contains("imported: 2 new, 0 already known, 1 rejected"),
        "{}",
        out(&o)
    );
    assert!(out(&o).contains("[bad_signature]"), "{}", out(&o));
    let j = cetak::daemon::open_journal(&r.cfg).unwrap();
    assert_eq!(j.queued_count().unwrap(), 2);
    let src = j.job_source(&jobs[0].0).unwrap().unwrap();
    assert_eq!(src.origin, "bundle:usb-1.json");

    // Imported twice: nothing new, nothing reported twice.
    let pending_before = j.outbox_backlog().unwrap();
    let o = cetak(&r, &["import", file.to_str().unwrap()]);
    assert!(
        out(&o).contains("imported: 0 new, 2 already known, 1 rejected"),
        "{}",
        out(&o)
    );
    assert_eq!(j.queued_count().unwrap(), 2);
    assert_eq!(j.outbox_backlog().unwrap(), pending_before);
}

#[test]
fn damaged_foreign_or_newer_bundles_change_nothing() {
    let r = rig(&[]);
    let jobs = signed_jobs(&r, "kia-0-5.json", "BUN-D", 1);
    let content = json!({ "jobs": [jobs[0].1] });
    let dir = r.tmp.path();

    // Edited content (checksum no longer matches).
    let good = bundle::wrap("jobs", "TEST-01", "2026-11-21T08:00:00Z", &content);
    let mut env: Value = serde_json::from_str(&good).unwrap();
    let edited = env["content"].as_str().unwrap().replacen("[", "[ ", 1);
    env["content"] = Value::String(edited);
    std::fs::write(dir.join("edited.json"), env.to_string()).unwrap();
    // Another station's bundle.
    write_bundle(&dir.join("other.json"), "jobs", "OTHER-9", &content);
    // A future version.
    let mut newer: Value = serde_json::from_str(&good).unwrap();
    newer["version"] = json!(2);
    std::fs::write(dir.join("newer.json"), newer.to_string()).unwrap();
    // Not a bundle at all; an events bundle given to import.
    std::fs::write(dir.join("junk.json"), b"\x00\x01 not json").unwrap();
    write_bundle(&dir.join("events.json"), "events", "TEST-01", &json!({}));
    // Larger than a station reads (a sparse file: no disk used); refused before reading.
    std::fs::File::create(dir.join("huge.json"))
        .unwrap()
        .set_len(bundle::MAX_BUNDLE_BYTES + 1)
        .unwrap();

    for (name, want) in [
        ("edited.json", "sha256"),
        ("other.json", "OTHER-9"),
        ("newer.json", "version 2"),
        ("junk.json", "not a cetak bundle"),
        ("events.json", "events"),
        ("missing.json", "missing.json"),
        ("huge.json", "split"),
    ] {
        let o = cetak(&r, &["import", dir.join(name).to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", out(&o));
        assert!(out(&o).contains(want), "{name}: {}", out(&o));
    }
    let j = cetak::daemon::open_journal(&r.cfg).unwrap();
    assert_eq!(j.queued_count().unwrap(), 0);
    assert_eq!(j.outbox_backlog().unwrap(), 0);
}

fn read_export(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap();
    let env = bundle::open(&bytes).expect("export is a valid bundle");
    assert_eq!(env.kind, "events");
    assert_eq!(env.station_id, "TEST-01");
    serde_json::from_str(&env.content).unwrap()
}

fn event_ids(content: &Value) -> Vec<String> {
    content["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn export_carries_pending_events_and_stock_and_acks_come_back() {
    let r = rig(&[]);
    {
        let mut j = cetak::daemon::open_journal(&r.cfg).unwrap();
        stock(&mut j, &[("P1", BlangkoType::Kia)], 7);
        // As a worker records it after each card.
        j.record_ribbon(&cetak::journal::RibbonFigure {
            printer_id: "P1".into(),
            ribbon_type: Some("ymcko".into()),
            remaining_panels: None,
            remaining_cards: Some(182),
        })
        .unwrap();
    }
    let jobs = signed_jobs(&r, "kia-5-17.json", "BUN-E", 3);
    let file = r.tmp.path().join("in.json");
    write_bundle(
        &file,
        "jobs",
        "TEST-01",
        &json!({ "jobs": jobs.iter().map(|j| &j.1).collect::<Vec<_>>() }),
    );
    assert!(cetak(&r, &["import", file.to_str().unwrap()])
        .status
        .success());

    let ex1 = r.tmp.path().join("out-1.json");
    let o = cetak(&r, &["export", ex1.to_str().unwrap()]);
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains("exported: 3 events"), "{}", out(&o));
    let c1 = read_export(&ex1);
    let ids1 = event_ids(&c1);
    assert_eq!(ids1.len(), 3);
    for (e, (job_id, _)) in c1["events"].as_array().unwrap().iter().zip(&jobs) {
        assert_eq!(e["kind"], "accepted");
        assert_eq!(e["job_id"], job_id.as_str());
        assert_eq!(e["station"], "TEST-01");
    }
    assert_eq!(c1["stock"]["types"]["kia"]["received"], 7);
    assert_eq!(c1["stock"]["types"]["kia"]["in_feeders"], 7);
    assert_eq!(c1["stock"]["feeders"][0]["printer_id"], "P1");
    assert_eq!(c1["stock"]["ribbons"][0]["printer_id"], "P1");
    assert_eq!(c1["stock"]["ribbons"][0]["remaining_cards"], 182);
    // No personal data in what leaves the station on a USB stick.
    let text = std::fs::read_to_string(&ex1).unwrap();
    assert!(!text.contains("3273011708150001") && !text.contains("Bima Arya"));

    // Exported twice: the same event ids (the server de-duplicates).
    let ex2 = r.tmp.path().join("out-2.json");
    assert!(cetak(&r, &["export", ex2.to_str().unwrap()])
        .status
        .success());
    assert_eq!(event_ids(&read_export(&ex2)), ids1);

    // The server acknowledges two of them (and one id it made up).
    let acks = r.tmp.path().join("acks.json");
    write_bundle(
        &acks,
        "acks",
        "TEST-01",
        &json!({ "acks": [ids1[0], ids1[1], "TEST-01:nope:99"] }),
    );
    let o = cetak(&r, &["import-acks", acks.to_str().unwrap()]);
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains("2 events acknowledged"), "{}", out(&o));
    assert!(
        out(&o).contains("unknown event: TEST-01:nope:99"),
        "{}",
        out(&o)
    );
    // Twice is fine.
    assert!(cetak(&r, &["import-acks", acks.to_str().unwrap()])
        .status
        .success());
    let ex3 = r.tmp.path().join("out-3.json");
    assert!(cetak(&r, &["export", ex3.to_str().unwrap()])
        .status
        .success());
    assert_eq!(event_ids(&read_export(&ex3)), vec![ids1[2].clone()]);

    // Acks inside a jobs bundle work too; import-acks ignores the bundle's jobs.
    let more = signed_jobs(&r, "kia-0-5.json", "BUN-F", 1);
    let mixed = r.tmp.path().join("mixed.json");
    write_bundle(
        &mixed,
        "jobs",
        "TEST-01",
        &json!({ "jobs": [more[0].1], "acks": [ids1[2]] }),
    );
    let o = cetak(&r, &["import-acks", mixed.to_str().unwrap()]);
    assert!(out(&o).contains("imported: 0 new"), "{}", out(&o));
    let j = cetak::daemon::open_journal(&r.cfg).unwrap();
    assert!(j.job(&more[0].0).is_err());
    assert_eq!(j.outbox_backlog().unwrap(), 0);
    let o = cetak(&r, &["import", mixed.to_str().unwrap()]);
    assert!(out(&o).contains("imported: 1 new"), "{}", out(&o));
}

#[test]
fn the_same_job_by_bundle_and_by_spool_is_printed_once() {
    let emu = emulator("EMU-BUN", 0.0, 20);
    let name = format!("bun-{}", std::process::id());
    emu.register(&name).unwrap();
    let r = rig(&[("P1", format!("emu://{name}"), "kia")]);
    let mut j = cetak::daemon::open_journal(&r.cfg).unwrap();
    stock(&mut j, &[("P1", BlangkoType::Kia)], 10);
    let jobs = signed_jobs(&r, "kia-5-17.json", "BUN-S", 2);
    let file = r.tmp.path().join("usb.json");
    write_bundle(
        &file,
        "jobs",
        "TEST-01",
        &json!({ "jobs": [jobs[0].1, jobs[1].1] }),
    );
    assert!(cetak(&r, &["import", file.to_str().unwrap()])
        .status
        .success());
    // The same signed files also arrive through the spool, before and while the station runs.
    let spool = cetak::daemon::spool_dir(&r.cfg);
    std::fs::create_dir_all(&spool).unwrap();
    std::fs::write(spool.join("again-0.jws"), &jobs[0].1).unwrap();
    let station = Station::start(&r.cfg).unwrap();
    std::fs::write(spool.join("again-1.jws"), &jobs[1].1).unwrap();
    let ids: Vec<String> = jobs.iter().map(|j| j.0.clone()).collect();
    wait_settled(&j, &ids, Duration::from_secs(120));
    wait_for("spool", Duration::from_secs(20), || {
        spool.join("done/again-1.jws").exists()
    });
    // Imported once more after printing: still nothing new.
    let o = cetak(&r, &["import", file.to_str().unwrap()]);
    assert!(
        out(&o).contains("imported: 0 new, 2 already known"),
        "{}",
        out(&o)
    );
    std::thread::sleep(Duration::from_millis(500));
    station.shutdown().unwrap();
    for id in &ids {
        assert_eq!(j.job(id).unwrap().state, JobState::Printed);
    }
    assert_eq!(emu.cards().len(), 2);
}
