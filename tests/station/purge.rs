//! Personal data: gone from the journal file (WAL included) and the spool once the server
//! acknowledged a finished job and retention passed; never in any log line.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::daemon::*;
use base64::Engine as _;
use cetak::daemon::Station;
use cetak::journal::{BlangkoType, Clock as _, JobState, Journal, SystemClock};

/// Full NIKs, KK numbers, names (as written and upper case) of a sample, and a slice of its
/// photo as base64 and raw bytes. The first half of the list is what the job document holds
/// verbatim; the second, derived forms.
fn secrets(sample: &str) -> Vec<Vec<u8>> {
    let (mut written, derived) = secrets_split(sample);
    written.extend(derived);
    written
}

fn secrets_split(sample: &str) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let path = root().join("examples/jobs").join(sample);
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let (mut out, mut derived): (Vec<Vec<u8>>, Vec<Vec<u8>>) = (Vec::new(), Vec::new());
    let mut text = |v: &serde_json::Value| {
        if let Some(s) = v.as_str() {
            out.push(s.as_bytes().to_vec());
            derived.push(s.to_uppercase().into_bytes());
        }
    };
    text(&doc["person"]["nik"]);
    text(&doc["person"]["name"]);
    text(&doc["family"]["no_kk"]);
    text(&doc["family"]["head_of_family"]);
    if let Some(p) = doc["photo"]["path"].as_str() {
        let photo = std::fs::read(path.parent().unwrap().join(p)).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&photo);
        let mid = b64.len() / 2 / 4 * 4;
        out.push(b64.as_bytes()[mid..mid + 64].to_vec());
        derived.push(photo[photo.len() / 2..photo.len() / 2 + 64].to_vec());
    }
    (out, derived)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Every byte SQLite keeps for the journal: the main file, the WAL and the shared-memory index.
fn journal_bytes(path: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let p = PathBuf::from(format!("{}{suffix}", path.display()));
        if let Ok(b) = std::fs::read(&p) {
            all.extend(b);
        }
    }
    all
}

#[test]
fn payload_bytes_are_gone_after_ack_and_retention() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let emu = emulator("EMU-PURGE", 0.0, 20);
    let name = format!("purge-{}", std::process::id());
    emu.register(&name).unwrap();
    let cfg = config(&data, &[("P1", format!("emu://{name}"), "kia")]);
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    stock(&mut j, &[("P1", BlangkoType::Kia)], 10);
    let spool = cetak::daemon::spool_dir(&cfg);
    let mut ids = make_jobs(&spool, "kia-5-17.json", "PURGE-A", 1);
    ids.extend(make_jobs(&spool, "kia-0-5.json", "PURGE-B", 1));
    let station = Station::start(&cfg).unwrap();
    wait_settled(&j, &ids, Duration::from_secs(120));
    station.shutdown().unwrap();
    for id in &ids {
        assert_eq!(j.job(id).unwrap().state, JobState::Printed);
    }
    let secrets: Vec<Vec<u8>> = ["kia-5-17.json", "kia-0-5.json"]
        .iter()
        .flat_map(|s| secrets(s))
        .collect();
    let path = cfg.journal_path();
    // The test can fail: before the purge, the personal data is in the file.
    j.checkpoint().unwrap();
    let before = journal_bytes(&path);
    for sample in ["kia-5-17.json", "kia-0-5.json"] {
        for s in secrets_split(sample).0 {
            assert!(contains(&before, &s), "{}", String::from_utf8_lossy(&s));
        }
    }

    // Within retention (3 days): kept, journal and spool.
    let later = SystemClock.now().plus_millis(1000);
    let r = cetak::daemon::purge::purge_once(&mut j, &spool, 3, later).unwrap();
    assert_eq!((r.purged, r.waiting_for_ack), (0, 0));
    assert_eq!(spool.join("done").read_dir().unwrap().count(), 2);
    // Retention passed but the server has not acknowledged the events: the journal keeps the
    // payload (the spool's convenience copies go).
    let after_retention = later.plus_millis(3 * 86_400_000);
    let r = cetak::daemon::purge::purge_once(&mut j, &spool, 3, after_retention).unwrap();
    assert_eq!((r.purged, r.waiting_for_ack), (0, 2));
    assert!(j.job_payload(&ids[0]).unwrap().is_some());
    // Acknowledged and past retention: purged.
    for e in j.outbox_pending(1000).unwrap() {
        j.outbox_ack(&e.event_id).unwrap();
    }
    let r = cetak::daemon::purge::purge_once(&mut j, &spool, 3, after_retention).unwrap();
    assert_eq!(r.purged, 2);
    assert!(r.checkpointed);

    let after = journal_bytes(&path);
    for s in &secrets {
        assert!(
            !contains(&after, s),
            "{:?} still in the journal files",
            String::from_utf8_lossy(&s[..s.len().min(20)])
        );
    }
    // The spool's copies went too.
    assert_eq!(spool.join("done").read_dir().unwrap().count(), 0);
    // What accountability needs stays.
    for id in &ids {
        let rec = j.job(id).unwrap();
        assert!(rec.purged);
        assert_eq!(rec.state, JobState::Printed);
        assert!(
            rec.nik_masked.contains("****") && rec.nik_masked.len() == 16,
            "{}",
            rec.nik_masked
        );
        assert!(j.job_payload(id).unwrap().is_none());
        let hist = j.job_history(id).unwrap();
        assert!(hist.iter().any(|h| h.card_serial.is_some()), "{hist:?}");
    }
    // A fresh connection sees the same (nothing was only in a cache).
    let again = Journal::open(&path).unwrap();
    assert!(again.job_payload(&ids[0]).unwrap().is_none());
}

#[test]
fn no_full_nik_or_name_in_any_log_line() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let emu = emulator("EMU-LOG", 0.0, 20);
    let server = emu.serve_tcp("127.0.0.1:0").unwrap();
    let text = config_text(&data, &[("P1", server.uri(), "kia")], 2);
    let config_path = tmp.path().join("cetak.toml");
    std::fs::write(&config_path, &text).unwrap();
    let cfg = cetak::config::Config::load(&config_path).unwrap();
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    stock(&mut j, &[("P1", BlangkoType::Kia)], 10);
    let spool = cetak::daemon::spool_dir(&cfg);
    let mut ids = make_jobs(&spool, "kia-5-17.json", "LOG-A", 2);
    ids.extend(make_jobs(&spool, "kia-0-5.json", "LOG-B", 2));
    // Refusals log too: a tampered job, an unsigned one, a signed invalid one.
    let good = payload_of(&spool, &ids[0]);
    let mut tampered = sign(&good).into_bytes();
    let n = tampered.len();
    tampered[n - 5] = if tampered[n - 5] == b'A' { b'B' } else { b'A' };
    std::fs::write(spool.join("tampered.jws"), &tampered).unwrap();
    std::fs::write(spool.join("unsigned.json"), &good).unwrap();
    let mut invalid: serde_json::Value = serde_json::from_str(&good).unwrap();
    invalid["job_id"] = "LOG-INVALID".into();
    invalid["person"]["date_of_birth"] = "2001-01-01".into();
    std::fs::write(spool.join("invalid.jws"), sign(&invalid.to_string())).unwrap();
    // A KTP-el on a KIA-only station stays queued: its data is in the journal, never logged.
    make_jobs(&spool, "ktp-el.json", "LOG-K", 1);

    let log = tmp.path().join("stderr.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_cetak"))
        .args(["daemon", "--config"])
        .arg(&config_path)
        .env("CETAK_LOG", "trace")
        .env("RUST_LOG", "trace")
        .env_remove("NOTIFY_SOCKET")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    wait_settled(&j, &ids, Duration::from_secs(120));
    wait_for("refusals", Duration::from_secs(30), || {
        spool.join("rejected").read_dir().unwrap().count() >= 3
    });
    sigterm(&child);
    assert!(child.wait().unwrap().success());

    let out = std::fs::read(&log).unwrap();
    let lines = String::from_utf8_lossy(&out);
    // Logging did happen, about these jobs.
    assert!(lines.lines().count() > 20, "{lines}");
    assert!(lines.contains("LOG-A-00000"), "{lines}");
    assert!(lines.contains("unverified job rejected"), "{lines}");
    for sample in ["kia-5-17.json", "kia-0-5.json", "ktp-el.json"] {
        for s in secrets(sample) {
            for line in lines.lines() {
                assert!(
                    !contains(line.as_bytes(), &s),
                    "personal data in a log line: {line}"
                );
            }
        }
    }
}
