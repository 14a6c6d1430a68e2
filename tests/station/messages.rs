//! Operator messages through the built binary under `--lang id` (the default): a journal
//! refusal, a configuration error and a job state label reach the operator in Bahasa Indonesia,
//! with no English `Display` text; and every catalogue code has both languages with the same
//! placeholders (`docs/messages.md`).

use std::path::Path;
use std::process::{Command, Output};

use crate::support::daemon::*;
use cetak::journal::{BlangkoType, Journal, NewJob, PrinterSlot};
use cetak::messages::{Lang, MessageText, CATALOGUES};

fn cetak(config: &Path, lang: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cetak"))
        .args(args)
        .arg("--config")
        .arg(config)
        .args(["--offline", "--lang", lang])
        .env_remove("CETAK_LANG")
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A station config (one emulated printer, never started) with an empty store, and its journal.
fn station() -> (tempfile::TempDir, std::path::PathBuf, Journal) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let text = config_text(&data, &[("P1", "tcp://127.0.0.1:9".into(), "kia")], 2);
    let config = tmp.path().join("cetak.toml");
    std::fs::write(&config, text).unwrap();
    let cfg = cetak::config::Config::load(&config).unwrap();
    let j = cetak::daemon::open_journal(&cfg).unwrap();
    (tmp, config, j)
}

#[test]
fn a_journal_refusal_is_indonesian_under_lang_id() {
    let (_tmp, config, j) = station();
    drop(j);
    let args = ["stock", "load", "--printer", "P1", "--count", "5"];
    let out = cetak(&config, "id", &args);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(
        t.contains("gagal: blangko kia di store tidak cukup: tersedia 0, diminta 5"),
        "{t}"
    );
    assert!(
        !t.contains("not enough"),
        "English Display text under --lang id: {t}"
    );
    let t = text(&cetak(&config, "en", &args));
    assert!(t.contains("failed: not enough kia blangko in store"), "{t}");
}

#[test]
fn a_journal_error_opening_the_journal_is_indonesian_under_lang_id() {
    let (tmp, config, j) = station();
    drop(j);
    let db = rusqlite::Connection::open(tmp.path().join("data/journal.sqlite")).unwrap();
    db.pragma_update(None, "user_version", 999).unwrap();
    drop(db);
    let out = cetak(&config, "id", &["stock", "show"]);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(
        t.contains("gagal: versi skema jurnal 999 lebih baru"),
        "{t}"
    );
    assert!(
        !t.contains("newer than"),
        "English Display text under --lang id: {t}"
    );
}

#[test]
fn a_config_error_is_indonesian_under_lang_id() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("cetak.toml");
    // A value the checks refuse (not a TOML syntax error, whose parser words are English).
    let data = tmp.path().join("data");
    let text_ok = config_text(&data, &[("P1", "tcp://127.0.0.1:9".into(), "kia")], 2);
    std::fs::write(&config, text_ok.replace("lookahead = 2", "lookahead = 0")).unwrap();
    let err = cetak::config::Config::load(&config).unwrap_err();
    let (id, en) = (err.message(Lang::Id), err.message(Lang::En));
    assert_ne!(id, en);
    let out = cetak(&config, "id", &["stock", "show"]);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains(&id), "{t}\nexpected {id}");
    assert!(
        !t.contains(&en),
        "English Display text under --lang id: {t}"
    );
    assert!(t.contains("konfigurasi"), "{t}");
    assert!(!t.contains("config "), "{t}");
}

#[test]
fn a_state_label_is_indonesian_under_lang_id() {
    let (_tmp, config, mut j) = station();
    stock(&mut j, &[("P1", BlangkoType::Kia)], 3);
    j.enqueue(&NewJob {
        job_id: "J-1".into(),
        blangko_type: BlangkoType::Kia,
        nik_masked: "3273********0007".into(),
        batch_id: None,
        batch_nik: None,
        priority: 0,
        needs_chip: false,
        needs_dual_side: false,
        payload: r#"{"job_id":"J-1"}"#.into(),
    })
    .unwrap();
    let slot = PrinterSlot {
        printer_id: "P1".into(),
        blangko_type: BlangkoType::Kia,
        has_encoder: false,
        dual_side: true,
    };
    j.claim_next(&slot).unwrap().unwrap();
    j.mark_ready("J-1").unwrap();
    j.feed("J-1", Some("SN-P1")).unwrap();
    j.recover_on_start().unwrap();
    drop(j);
    let out = cetak(&config, "id", &["doubt", "list"]);
    let t = text(&out);
    assert!(t.contains("saat blangko masuk"), "{t}");
    assert!(
        !t.contains("feeding"),
        "English state label under --lang id: {t}"
    );
}

#[test]
fn every_code_has_both_languages_with_the_same_placeholders() {
    let defects = cetak_drivers::messages::check(CATALOGUES);
    assert!(defects.is_empty(), "{defects:#?}");
}

fn cetak_bare(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cetak"))
        .args(args)
        .env_remove("CETAK_LANG")
        .output()
        .unwrap()
}

#[test]
fn command_line_errors_are_indonesian_by_default() {
    let out = cetak_bare(&["frobnicate"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(
        t.contains("galat: subperintah 'frobnicate' tidak dikenal"),
        "{t}"
    );
    assert!(
        !t.contains("unrecognized"),
        "clap's English under --lang id: {t}"
    );
    let t = text(&cetak_bare(&["act", "P1", "explode", "--lang", "id"]));
    assert!(
        t.contains(
            "nilai 'explode' tidak sah untuk '<ACTION>' (yang boleh: retry, cancel, spoiled)"
        ),
        "{t}"
    );
    let t = text(&cetak_bare(&["stock", "load", "--printer"]));
    assert!(t.contains("memerlukan nilai"), "{t}");
    assert!(!t.contains("required"), "{t}");
    let out = cetak_bare(&["--lang=en", "frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("unrecognized subcommand 'frobnicate'"));
}

#[test]
fn top_level_help_follows_the_language() {
    let out = cetak_bare(&["--help"]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(t.contains("Penggunaan: cetak"), "{t}");
    assert!(t.contains("Perintah:") && t.contains("Opsi:"), "{t}");
    assert!(t.contains("Bahasa pesan"), "{t}");
    assert!(!t.contains("Usage:") && !t.contains("Commands:"), "{t}");
    let t = text(&cetak_bare(&["--lang", "en", "--help"]));
    assert!(t.contains("Usage: cetak") && t.contains("Commands:"), "{t}");
    assert!(t.contains("Message language"), "{t}");
}
