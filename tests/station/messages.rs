//! Operator messages through the built binary under `--lang id` (the default): the CLI's error
//! paths (journal refusals, configuration errors, control socket errors, a bad job, files that
//! are not there, the CLI's own checks, reports) and job state labels reach the operator as the
//! catalogue's Indonesian text, with no English `Display` text; clap's help and errors follow
//! the language; and every catalogue code has both languages with the same placeholders
//! (`docs/messages.md`).

use std::path::Path;
use std::process::{Command, Output};

use crate::support::daemon::*;
use cetak::journal::{BlangkoType, Journal, NewJob, PrinterSlot};
use cetak::messages::{Lang, MessageText, CATALOGUES};

pub(crate) fn cetak(config: &Path, lang: &str, args: &[&str]) -> Output {
    cli(config, &[args, &["--offline", "--lang", lang]].concat())
}

/// A station config (one emulated printer, never started) with an empty store, and its journal.
pub(crate) fn station() -> (tempfile::TempDir, std::path::PathBuf, Journal) {
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
    // A value the checks refuse (TOML syntax errors: `parser_words_…` below).
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
fn a_config_file_that_cannot_be_read_is_told_in_each_language() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("no-such-cetak.toml");
    let t = fails_in_both(
        &["stock", "show", "--config", s(&config), "--offline"],
        "berkas atau folder tidak ada",
        "no such file or directory",
    );
    assert!(t.contains(s(&config)), "{t}");
    assert!(!t.contains("os error"), "the system's English words: {t}");
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

/// Runs `cetak` with `args` (no `--config` added) in `lang`.
fn cetak_in(lang: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cetak"))
        .args(args)
        .args(["--lang", lang])
        .env_remove("CETAK_LANG")
        .env_remove("CETAK_CONFIG")
        .env_remove("CETAK_SOCKET")
        .output()
        .unwrap()
}

/// Runs `args` under `--lang id` and `--lang en`: both fail, the Indonesian output holds
/// `id` and not `en`, the English one holds `en`.
fn fails_in_both(args: &[&str], id: &str, en: &str) -> String {
    assert_ne!(id, en);
    let out = cetak_in("id", args);
    let t = text(&out);
    assert!(!out.status.success(), "{args:?}: {t}");
    assert!(t.contains(id), "{args:?}: {t}\nexpected: {id}");
    assert!(!t.contains(en), "English text under --lang id: {t}");
    crate::support::daemon::assert_one_language(&t, "id");
    let out = cetak_in("en", args);
    let t_en = text(&out);
    assert!(!out.status.success(), "{args:?}: {t_en}");
    assert!(t_en.contains(en), "{args:?}: {t_en}\nexpected: {en}");
    t
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_control_socket_error_is_the_catalogue_text_under_lang_id() {
    let (tmp, config, j) = station();
    drop(j);
    let socket = tmp.path().join("nobody-listens.sock");
    let e = cetak::daemon::control::ControlClient::new(socket.clone())
        .status()
        .unwrap_err();
    let args = ["status", "--config", s(&config), "--socket", s(&socket)];
    let t = fails_in_both(&args, &e.message(Lang::Id), &e.message(Lang::En));
    // The detail the English text has (the socket's path) is in the Indonesian one too.
    assert!(t.contains(s(&socket)), "{t}");
    crate::support::daemon::assert_one_language(&t, "id");
}

#[test]
fn a_bad_job_is_reported_in_indonesian_under_lang_id() {
    let tmp = tempfile::tempdir().unwrap();
    let job = tmp.path().join("bad.json");
    std::fs::write(&job, r#"{"job_id": "J-BAD", "design": "kia-0-5"}"#).unwrap();
    let policy = cetak::job::ValidationPolicy::default();
    let report =
        match cetak::daemon::check_document(cetak::daemon::JobSource::File(&job), &policy, false) {
            Err(cetak::daemon::JobRefusal::Invalid(report)) => report,
            Ok(_) => panic!("the bad job passed"),
        };
    let (id, en) = (report.render(Lang::Id), report.render(Lang::En));
    let first_id = id.lines().next().unwrap();
    let first_en = en.lines().next().unwrap();
    fails_in_both(&["validate", s(&job)], first_id, first_en);
    let out = cetak_in("id", &["validate", s(&job)]);
    assert!(text(&out).contains(&id), "{}", text(&out));
}

#[test]
fn a_missing_file_is_told_in_indonesian_under_lang_id() {
    let (tmp, config, j) = station();
    drop(j);
    let job = tmp.path().join("no-such-job.json");
    let t = fails_in_both(
        &["submit", s(&job), "--config", s(&config), "--offline"],
        "berkas atau folder tidak ada",
        "no such file or directory",
    );
    assert!(t.contains(s(&job)), "{t}");
    assert!(!t.contains("os error"), "the system's English words: {t}");
    let key = tmp.path().join("no-such.key");
    let t = fails_in_both(
        &["sign", s(&job), "--key", s(&key), "--kid", "k1"],
        "berkas atau folder tidak ada",
        "no such file or directory",
    );
    assert!(t.contains(s(&key)), "{t}");
}

#[test]
fn the_clis_own_checks_are_indonesian_under_lang_id() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("keys");
    let say = |code| {
        let m = cetak::messages::Plain::new(code);
        (m.message(Lang::Id), m.message(Lang::En))
    };
    let (id, en) = say("cli.kid_invalid");
    fails_in_both(
        &["keys", "generate", "--kid", "bad kid", "--out", s(&out)],
        &id,
        &en,
    );
    let ktp = root().join("examples/jobs/ktp-el.json");
    let layouts = root().join("layouts");
    let print = [
        "print",
        s(&ktp),
        "--printer",
        "tcp://127.0.0.1:9",
        "--layouts",
        s(&layouts),
    ];
    let (id, en) = say("cli.training_required");
    fails_in_both(&print, &id, &en);
    let with_training: Vec<&str> = print.iter().copied().chain(["--training"]).collect();
    let (id, en) = say("cli.chip_reader_needed");
    fails_in_both(&with_training, &id, &en);
}

#[test]
fn a_report_refusal_is_indonesian_under_lang_id() {
    let (_tmp, config, j) = station();
    drop(j);
    let e = cetak::report::ReportError::UnknownBatch("B-NOPE".into());
    let args = [
        "report",
        "bast",
        "--batch",
        "B-NOPE",
        "--config",
        s(&config),
    ];
    let t = fails_in_both(&args, &e.message(Lang::Id), &e.message(Lang::En));
    assert!(t.starts_with("gagal: "), "{t}");
}

#[test]
fn subcommand_help_and_version_follow_the_language() {
    for args in [&["print", "-h"][..], &["stock", "load", "--help"]] {
        let out = cetak_bare(args);
        let t = text(&out);
        assert!(out.status.success(), "{t}");
        assert!(t.contains("Penggunaan: cetak"), "{t}");
        assert!(t.contains("Opsi:"), "{t}");
        assert!(t.contains("Tampilkan bantuan"), "{t}");
        for english in [
            "Usage:",
            "Options:",
            "Print help",
            "[default:",
            "possible values",
        ] {
            assert!(!t.contains(english), "{english:?} under --lang id: {t}");
        }
        let mut en_args = args.to_vec();
        en_args.extend(["--lang", "en"]);
        let t = text(&cetak_bare(&en_args));
        assert!(t.contains("Usage: cetak") && t.contains("Options:"), "{t}");
        assert!(t.contains("Print help"), "{t}");
    }
    let t = text(&cetak_bare(&["print", "-h"]));
    assert!(
        t.contains("Argumen:") && t.contains("Berkas job (JSON)"),
        "{t}"
    );
    assert!(t.contains("[bawaan: contactless]"), "{t}");
    let t = text(&cetak_bare(&["-h"]));
    assert!(t.contains("Tampilkan versi"), "{t}");
    let out = cetak_bare(&["-V"]);
    assert!(out.status.success());
    assert!(text(&out).starts_with("cetak "), "{}", text(&out));
}

#[test]
fn unknown_flags_and_missing_values_follow_the_language() {
    let t = text(&cetak_bare(&["stock", "show", "--frobnicate"]));
    assert!(
        t.contains("galat: argumen '--frobnicate' tidak dikenal"),
        "{t}"
    );
    assert!(t.contains("Penggunaan: cetak stock show"), "{t}");
    assert!(!t.contains("unexpected") && !t.contains("Usage:"), "{t}");
    let t = text(&cetak_bare(&[
        "--lang",
        "en",
        "stock",
        "show",
        "--frobnicate",
    ]));
    assert!(t.contains("unexpected argument '--frobnicate'"), "{t}");
    let out = cetak_bare(&["stock", "load", "--count", "5"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(
        t.contains("argumen wajib tidak diberikan: --printer"),
        "{t}"
    );
    let t = text(&cetak_bare(&[
        "stock", "load", "--count", "5", "--lang", "en",
    ]));
    assert!(t.contains("required arguments were not provided"), "{t}");
    let t = text(&cetak_bare(&["stock", "load", "--lang", "en", "--printer"]));
    assert!(
        t.contains("a value is required for '--printer <PRINTER>'"),
        "{t}"
    );
}

/// serde's and the TOML parser's own words (found, expected, unclosed…) never reach an
/// operator under `--lang id`: every bad job of the corpus, and the configuration mistakes
/// people make by hand. Under `--lang en` the parser's words stay.
#[test]
fn parser_words_of_bad_jobs_and_config_mistakes_are_indonesian_under_lang_id() {
    const PARSER_WORDS: &[&str] = &[
        "found ",
        "expected",
        "invalid",
        "missing",
        "unknown",
        "not allowed",
        "no other field",
        "unclosed",
        "duplicate",
        "must be",
        "not a regular",
        "teks pengurai",
    ];
    let english_left = |t: &str| {
        // Finding codes (`[json.unknown_field]`) are stable identifiers, not words.
        let lower: String = t
            .to_lowercase()
            .split('[')
            .map(|part| match part.split_once(']') {
                Some((code, rest)) if !code.contains(' ') => rest.to_owned(),
                _ => part.to_owned(),
            })
            .collect();
        PARSER_WORDS.iter().find(|w| lower.contains(**w)).copied()
    };
    let mut jobs: Vec<_> = std::fs::read_dir(root().join("tests/bad_jobs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    jobs.sort();
    assert!(jobs.len() > 40, "the corpus is there");
    // Cases refused only under a station's own photo rule pass `validate` without one.
    let expected: toml::Table = toml::from_str(
        &std::fs::read_to_string(root().join("tests/bad_jobs/expected.toml")).unwrap(),
    )
    .unwrap();
    let station_policy: Vec<&str> = expected["case"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c.get("policy").is_some())
        .map(|c| c["file"].as_str().unwrap())
        .collect();
    assert!(!station_policy.is_empty());
    jobs.retain(|p| !station_policy.contains(&p.file_name().unwrap().to_str().unwrap()));
    // A folder where a job file is expected: a read failure of its own kind.
    jobs.push(root().join("tests/bad_jobs/images"));
    for job in &jobs {
        let out = cetak_in("id", &["validate", s(job)]);
        let t = text(&out);
        assert!(!out.status.success(), "{}: {t}", job.display());
        // The file name is the operator's own; only the messages count.
        let t = t.replace(s(job), "");
        assert_eq!(english_left(&t), None, "{}: {t}", job.display());
    }

    let tmp = tempfile::tempdir().unwrap();
    let good = config_text(
        &tmp.path().join("data"),
        &[("P1", "tcp://127.0.0.1:9".into(), "kia")],
        2,
    );
    let config = tmp.path().join("cetak.toml");
    let mistakes = [
        ("id = \"TEST-01\"", "id = \"TEST-01"),
        ("lookahead = 2", "lookahed = 2"),
        ("lookahead = 2", "lookahead = \"dua\""),
        ("lookahead = 2", "lookahead = 2\nlookahead = 3"),
        ("[policy]", "[policy"),
        ("blangko = \"kia\"", "blangko = kia"),
        ("encode_chips = false", "encode_chips = tidak"),
        ("lookahead = 2", "lookahead = [1 2]"),
    ];
    for (from, to) in mistakes {
        assert!(good.contains(from), "{from}");
        std::fs::write(&config, good.replacen(from, to, 1)).unwrap();
        let out = cetak(&config, "id", &["stock", "show"]);
        let t = text(&out);
        assert!(!out.status.success(), "{to}: {t}");
        assert!(t.contains("konfigurasi"), "{to}: {t}");
        assert_eq!(english_left(&t), None, "{to}: {t}");
        let out = cetak(&config, "en", &["stock", "show"]);
        assert!(english_left(&text(&out)).is_some(), "{to}: {}", text(&out));
    }
}
