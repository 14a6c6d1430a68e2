//! `cetak doubt` through the built binary on a real journal (issue 10 §4, §5): a `printed`
//! decision carries the card number the printer reported at the feed and the printer serial;
//! an operator adds the card number read from the card when the printer did not report one;
//! a different number than the printer's is refused. `--lang en` prints no Indonesian label
//! and the default Bahasa Indonesia no English one.

use std::path::Path;
use std::process::Output;

use crate::support::daemon::*;
use crate::support::journal::{job, printing_on};
use cetak::journal::{BlangkoType, Journal};

// No daemon runs here: the offline mode (root, as the tests run) uses the same code as the
// daemon's control API.
fn cetak(config: &Path, args: &[&str]) -> Output {
    cli(config, &[args, &["--offline"]].concat())
}

fn ok(config: &Path, args: &[&str]) -> String {
    cli_ok(config, &[args, &["--offline"]].concat())
}

/// A station config (one emulated printer id, never started) and its journal.
fn station() -> (tempfile::TempDir, std::path::PathBuf, Journal) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let text = config_text(&data, &[("P1", "tcp://127.0.0.1:9".into(), "kia")], 2);
    let config = tmp.path().join("cetak.toml");
    std::fs::write(&config, text).unwrap();
    let cfg = cetak::config::Config::load(&config).unwrap();
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    stock(&mut j, &[("P1", BlangkoType::Kia)], 10);
    (tmp, config, j)
}

/// Queues `id` and leaves it printing on P1 (printer serial `SN-P1`), with `card` as the
/// printer's card number if given.
fn fed(j: &mut Journal, id: &str, card: Option<&str>) {
    j.enqueue(&job(id, BlangkoType::Kia)).unwrap();
    printing_on(j, id, "P1", card);
}

fn printed_event(j: &Journal, id: &str) -> serde_json::Value {
    let e = j
        .outbox_for_job(id)
        .unwrap()
        .into_iter()
        .find(|e| e.kind == "printed")
        .expect("printed event");
    serde_json::from_str(&e.body).unwrap()
}

#[test]
fn a_printed_decision_carries_the_card_number_and_printer_serial() {
    let (_tmp, config, mut j) = station();
    fed(&mut j, "D-REPORTED", Some("SN-P1#1057"));
    fed(&mut j, "D-UNKNOWN", None);
    fed(&mut j, "D-OTHER", Some("SN-P1#1059"));
    // The station stops with the cards inside; at the next start they are in doubt.
    j.recover_on_start().unwrap();

    ok(&config, &["doubt", "resolve", "D-REPORTED", "--printed"]);
    let e = printed_event(&j, "D-REPORTED");
    assert_eq!(e["card_serial"], "SN-P1#1057");
    assert_eq!(e["printer_serial"], "SN-P1");

    // The printer did not say: the operator reads the number off the card.
    ok(
        &config,
        &[
            "doubt",
            "resolve",
            "D-UNKNOWN",
            "--printed",
            "--card-serial",
            "KIA-0000456",
        ],
    );
    let e = printed_event(&j, "D-UNKNOWN");
    assert_eq!(e["card_serial"], "KIA-0000456");
    assert_eq!(e["printer_serial"], "SN-P1");
    let audit: Vec<_> = j
        .audit_list(0, 1000)
        .unwrap()
        .into_iter()
        .filter(|a| a.action == "doubt.resolve" && a.subject == "D-UNKNOWN")
        .collect();
    assert!(audit[0].detail.contains("KIA-0000456"), "{:?}", audit[0]);

    // Another number than the printer reported: refused, nothing recorded.
    let out = cetak(
        &config,
        &[
            "doubt",
            "resolve",
            "D-OTHER",
            "--printed",
            "--card-serial",
            "SN-P1#2000",
            "--lang",
            "en",
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("SN-P1#1059"), "{err}");
    assert!(j
        .outbox_for_job("D-OTHER")
        .unwrap()
        .iter()
        .all(|e| e.kind != "printed"));
    // A card number goes with --printed only.
    let out = cetak(
        &config,
        &[
            "doubt",
            "resolve",
            "D-OTHER",
            "--spoiled",
            "rusak",
            "--card-serial",
            "X",
        ],
    );
    assert!(!out.status.success());
    ok(&config, &["doubt", "resolve", "D-OTHER", "--printed"]);
    assert_eq!(printed_event(&j, "D-OTHER")["card_serial"], "SN-P1#1059");
}

#[test]
fn doubt_output_speaks_one_language() {
    let (_tmp, config, mut j) = station();
    let none_en = ok(&config, &["doubt", "list", "--lang", "en"]);
    assert!(none_en.contains("no job in doubt"));
    assert_one_language(&none_en, "en");
    fed(&mut j, "L-1", Some("SN-P1#7"));
    fed(&mut j, "L-2", None);
    j.recover_on_start().unwrap();
    let en = ok(&config, &["doubt", "list", "--lang", "en"]);
    let id = ok(&config, &["doubt", "list"]);
    assert!(en.contains("L-1") && id.contains("L-1"));
    assert!(en.contains("attempt") && en.contains("restarted"), "{en}");
    assert!(
        id.contains("percobaan") && id.contains("dimulai ulang"),
        "{id}"
    );
    assert_one_language(&en, "en");
    assert_one_language(&id, "id");
    let en = ok(
        &config,
        &["doubt", "resolve", "L-1", "--printed", "--lang", "en"],
    );
    assert!(en.contains("printed"), "{en}");
    assert_one_language(&en, "en");
    let id = ok(&config, &["doubt", "resolve", "L-2", "--spoiled", "rusak"]);
    assert!(id.contains("antre"), "{id}");
    assert_one_language(&id, "id");
}
