//! The station configuration as an operator writes it: every bad value is refused with its line
//! and key, in Bahasa Indonesia and English; a daemon given such a file (or a production file
//! trusting the demo key) exits non-zero before READY.

use cetak::messages::MessageText as _;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use cetak::config::{Config, ConfigError};

/// A good configuration (the offline station of `tests/good_station.toml`, which the config
/// unit tests read too, with a server link); the cases below replace one of its lines
/// (numbered from 1).
const BASE: &str = concat!(
    include_str!("../good_station.toml"),
    "\n[link]\nserver_url = \"https://dinas.example/\"\ntoken_file = \"/etc/cetak/token\"\n"
);

/// BASE with line `n` replaced by `with` (which may hold several lines).
fn replace_line(n: usize, with: &str) -> String {
    let mut lines: Vec<String> = BASE.lines().map(str::to_string).collect();
    lines[n - 1] = with.to_string();
    lines.join("\n") + "\n"
}

struct Case {
    line: usize,
    with: &'static str,
    key: &'static str,
    /// Line the message must name (the replaced one, or one after it).
    at: usize,
    id: &'static str,
    en: &'static str,
}

const fn case(
    line: usize,
    with: &'static str,
    key: &'static str,
    at: usize,
    id: &'static str,
    en: &'static str,
) -> Case {
    Case {
        line,
        with,
        key,
        at,
        id,
        en,
    }
}

fn cases() -> Vec<Case> {
    vec![
        // Printer URIs: known schemes only, well-formed.
        case(10, r#"uri = "lpt://printer""#, "printer[0].uri", 10, "tidak dikenal", "unknown printer URI scheme"),
        case(10, r#"uri = "/dev/usb/lp0""#, "printer[0].uri", 10, "tidak dikenal", "unknown printer URI scheme"),
        case(10, r#"uri = "tcp://host:99999""#, "printer[0].uri", 10, "port harus 1..65535", "port must be 1..65535"),
        case(10, r#"uri = "serial://ttyUSB0""#, "printer[0].uri", 10, "harus path absolut", "absolute path"),
        case(15, r#"uri = "serial:///dev/ttyUSB0?baud=12""#, "printer[1].uri", 15, "kecepatan 300 sampai 4000000", "baud"),
        case(15, r#"uri = "usblp:///dev/usb/lp0?x=1""#, "printer[1].uri", 15, "tidak memakai opsi", "take no options"),
        // Printer ids and model.
        case(14, r#"id = "P 2""#, "printer[1].id", 14, "huruf, angka", "letters, digits"),
        case(14, r#"id = "P1""#, "printer[1].id", 14, "dipakai dua kali", "duplicate printer id"),
        case(11, "blangko = \"kia\"\nmodel = \"zebra\"", "printer[0].model", 12, "hanya evolis", "only evolis"),
        case(16, r#"blangko = "sim""#, "printer[1].blangko", 16, "kia atau ktp-el", "kia or ktp-el"),
        // Reader patterns.
        case(17, r#"encoder = { reader = "  ", station = "contactless" }"#, "printer[1].encoder.reader", 17, "tidak boleh kosong", "must not be empty"),
        case(17, r#"encoder = { reader = "**", station = "contactless" }"#, "printer[1].encoder.reader", 17, "semua pembaca", "matches every reader"),
        case(17, "encoder = { reader = \"Virtual\\u0007PCD\" }", "printer[1].encoder.reader", 17, "karakter kendali", "control characters"),
        case(11, "blangko = \"kia\"\nencoder = { reader = \"virtual pcd\" }", "printer[1].encoder.reader", 18, "sudah dipakai printer P1", "already used by printer P1"),
        case(17, r#"encoder = { reader = "Virtual PCD", station = "side" }"#, "printer[1].encoder.station", 17, "contact atau contactless", "contact or contactless"),
        case(17, r#"encoder = { reader = "Virtual PCD", profile = "profiles/default.toml" }"#, "printer[1].encoder.profile", 17, "path absolut", "absolute path"),
        // Server URL.
        case(20, r#"server_url = "ftp://dinas.example/""#, "link.server_url", 20, "https://", "must start with https://"),
        case(20, r#"server_url = "dinas.example""#, "link.server_url", 20, "bukan URL", "is not a URL"),
        case(20, r#"server_url = "https://""#, "link.server_url", 20, "bukan URL", "is not a URL"),
        case(20, r#"server_url = "https://dinas.example:0/""#, "link.server_url", 20, "port harus", "port must be"),
        case(20, r#"server_url = "https://station:secret@dinas.example/""#, "link.server_url", 20, "sandi", "password"),
        case(20, r#"server_url = "https://dinas.example/?station=1""#, "link.server_url", 20, "? atau #", "query"),
        // Ports and addresses.
        case(21, "token_file = \"/etc/cetak/token\"\npush_listen = \"0.0.0.0:65536\"\npush_token_file = \"/etc/cetak/push\"", "link.push_listen", 22, "bukan alamat", "not an address"),
        case(21, "token_file = \"/etc/cetak/token\"\npush_listen = \"station.local:8443\"\npush_token_file = \"/etc/cetak/push\"", "link.push_listen", 22, "bukan alamat", "not an address"),
        case(21, "token_file = \"/etc/cetak/token\"\nlease_seconds = 5", "link.lease_seconds", 22, "antara 30 dan 3600", "between 30 and 3600"),
        // Paths.
        case(3, r#"data_dir = "var/lib/cetak""#, "station.data_dir", 3, "path absolut", "absolute path"),
        case(3, r#"data_dir = """#, "station.data_dir", 3, "tidak boleh kosong", "must not be empty"),
        case(3, "data_dir = \"/var/lib/cetak\"\nlayouts_dir = \"layouts\"", "station.layouts_dir", 4, "path absolut", "absolute path"),
        case(3, "data_dir = \"/var/lib/cetak\"\ncontrol_socket = \"/run/cetak/a-very-long-folder-name-that-no-one-should-use/and-another-one-below-it/and-a-third-one/control.sock\"", "station.control_socket", 4, "terlalu panjang", "too long"),
        case(21, r#"token_file = "token""#, "link.token_file", 21, "path absolut", "absolute path"),
        // Policy.
        case(6, "lookahead = 3", "policy.lookahead", 6, "1 atau 2", "1 or 2"),
    ]
}

#[test]
fn base_configuration_is_good() {
    let c = Config::parse(BASE, Path::new("cetak.toml")).unwrap();
    assert_eq!(c.printers.len(), 2);
    assert!(c.link.is_some());
}

#[test]
fn each_bad_value_names_line_and_key_in_both_languages() {
    for c in cases() {
        let text = replace_line(c.line, c.with);
        let err = match Config::parse(&text, Path::new("cetak.toml")) {
            Err(e) => e,
            Ok(_) => panic!("{:?} was accepted", c.with),
        };
        match &err {
            ConfigError::Invalid { line, key, .. } => {
                assert_eq!(key, c.key, "{:?}: {err}", c.with);
                assert_eq!(*line, c.at, "{:?}: {err}", c.with);
            }
            other => panic!("{:?}: expected an invalid value, got {other:?}", c.with),
        }
        let (id, en) = (err.message_id(), err.message_en());
        let key = format!("`{}`", c.key);
        for (msg, line_word, fragment) in [(&id, "baris", c.id), (&en, "line", c.en)] {
            assert!(
                msg.contains(&format!("cetak.toml, {line_word} {}", c.at)),
                "{:?}: no line in {msg}",
                c.with
            );
            assert!(msg.contains(&key), "{:?}: no key in {msg}", c.with);
            assert!(
                msg.contains(fragment),
                "{:?}: {fragment:?} not in {msg}",
                c.with
            );
        }
        assert!(id.starts_with("konfigurasi "), "{id}");
        assert!(en.starts_with("config "), "{en}");
    }
}

#[test]
fn toml_mistakes_name_the_line_in_both_languages() {
    let text = replace_line(16, "blangko = \"ktp-el\"\nfeeder = 3");
    let err = Config::parse(&text, Path::new("cetak.toml")).unwrap_err();
    let (id, en) = (err.message_id(), err.message_en());
    assert!(
        id.contains("baris 17") && id.contains("kunci tidak dikenal") && id.contains("feeder"),
        "{id}"
    );
    assert!(en.contains("line 17") && en.contains("feeder"), "{en}");
}

// --- The daemon and the commands that read a configuration ---

fn write_config(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("cetak.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// A station with no printer on its own data folder.
fn station_text(data: &Path, extra: &str) -> String {
    format!(
        "[station]\nid = \"TEST-01\"\ndata_dir = {:?}\n\n[policy]\nencode_chips = false\n{extra}",
        data.display().to_string()
    )
}

/// Runs `cetak daemon --config` with a notify socket of its own; returns the output and the
/// notify messages it sent. A daemon that reaches READY is stopped with SIGTERM.
fn run_daemon(config: &Path, lang: &str, dir: &Path) -> (Output, Vec<String>) {
    let notify_path = dir.join(format!("notify-{lang}.sock"));
    let _ = std::fs::remove_file(&notify_path);
    let notify = UnixDatagram::bind(&notify_path).unwrap();
    notify
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cetak"))
        .args(["--lang", lang, "daemon", "--config"])
        .arg(config)
        .env("NOTIFY_SOCKET", &notify_path)
        .env("CETAK_LOG", "warn")
        .env_remove("WATCHDOG_USEC")
        .current_dir("/")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut messages = Vec::new();
    let start = Instant::now();
    let mut buf = [0u8; 512];
    loop {
        if let Ok(n) = notify.recv(&mut buf) {
            let m = String::from_utf8_lossy(&buf[..n]).into_owned();
            if m.contains("READY=1") {
                let _ = nix_kill(child.id());
            }
            messages.push(m);
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("the daemon neither exited nor became ready in 30 s");
        }
    }
    while let Ok(n) = notify.recv(&mut buf) {
        messages.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    }
    (child.wait_with_output().unwrap(), messages)
}

/// SIGTERM to a child we started.
fn nix_kill(pid: u32) -> std::io::Result<()> {
    let status = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other("kill failed"))
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_good_station_reaches_ready() {
    // The control for the refusals below: the notify socket does see READY.
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &station_text(&dir.path().join("data"), ""));
    let (out, notes) = run_daemon(&config, "en", dir.path());
    assert!(
        notes.iter().any(|m| m.contains("READY=1")),
        "{notes:?} {}",
        stderr(&out)
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_bad_printer_uri_stops_the_daemon_before_ready() {
    let dir = tempfile::tempdir().unwrap();
    let text = station_text(
        &dir.path().join("data"),
        "\n[[printer]]\nid = \"P1\"\nuri = \"lpt://evolis\"\nblangko = \"kia\"\n",
    );
    let line = text.lines().position(|l| l.starts_with("uri")).unwrap() + 1;
    let config = write_config(dir.path(), &text);
    for (lang, word, says) in [
        ("id", "baris", "tidak dikenal"),
        ("en", "line", "unknown printer URI scheme"),
    ] {
        let (out, notes) = run_daemon(&config, lang, dir.path());
        let err = stderr(&out);
        assert!(!out.status.success(), "{lang}: {err}");
        assert!(
            notes.iter().all(|m| !m.contains("READY=1")),
            "{lang}: {notes:?}"
        );
        assert!(err.contains(&format!("{word} {line}")), "{lang}: {err}");
        assert!(
            err.contains("printer[0].uri") && err.contains(says),
            "{lang}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    assert!(
        !dir.path().join("data/journal.sqlite").exists(),
        "nothing was started"
    );
}

/// The demo key's `[[trust.key]]` lines, under another kid: the key is recognised by its bytes.
fn demo_key_lines(kid: &str) -> String {
    format!(
        "\n[[trust.key]]\nkid = \"{kid}\"\npublic_key = \"{}\"\n",
        cetak::signing::demo::DEMO_PUBLIC_KEY.trim()
    )
}

#[test]
fn a_production_station_trusting_the_demo_key_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let text = station_text(&dir.path().join("data"), &demo_key_lines("dinas-2026-1"));
    let line = text
        .lines()
        .position(|l| l.starts_with("public_key"))
        .unwrap()
        + 1;
    let config = write_config(dir.path(), &text);
    for (lang, says) in [
        ("id", "kunci demo demo-2026-1"),
        ("en", "is the demo key demo-2026-1"),
    ] {
        let (out, notes) = run_daemon(&config, lang, dir.path());
        let err = stderr(&out);
        assert!(!out.status.success(), "{lang}: {err}");
        assert!(
            notes.iter().all(|m| !m.contains("READY=1")),
            "{lang}: {notes:?}"
        );
        assert!(err.contains(says), "{lang}: {err}");
        assert!(
            err.contains("dinas-2026-1") && err.contains(&line.to_string()),
            "{lang}: {err}"
        );
        assert!(
            err.contains(cetak::signing::demo::DEMO_PUBLIC_KEY.trim()),
            "{lang}: {err}"
        );
    }
    // A training station may trust it (the demo is one).
    let training = text.replace(
        "encode_chips = false",
        "encode_chips = false\ntraining = true",
    );
    let config = write_config(dir.path(), &training);
    let (out, notes) = run_daemon(&config, "en", dir.path());
    assert!(
        notes.iter().any(|m| m.contains("READY=1")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn commands_reading_the_production_config_refuse_the_demo_key_too() {
    let dir = tempfile::tempdir().unwrap();
    let samples = dir.path().join("samples");
    let generated = Command::new(env!("CARGO_BIN_EXE_cetak"))
        .args(["generate", "samples", "--out"])
        .arg(&samples)
        .current_dir("/")
        .output()
        .unwrap();
    assert!(generated.status.success(), "{}", stderr(&generated));
    let job = samples.join("jobs/kia-5-17.json");
    let config = write_config(
        dir.path(),
        &station_text(&dir.path().join("data"), &demo_key_lines("demo-2026-1")),
    );
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cetak"))
            .args(["--lang", "en"])
            .args(args)
            .current_dir("/")
            .output()
            .unwrap()
    };
    let (job, config) = (job.to_str().unwrap(), config.to_str().unwrap());
    // The same job validates without the configuration...
    let o = run(&["validate", job]);
    assert!(o.status.success(), "{}", stderr(&o));
    // ...and every path that takes the configuration refuses it.
    for args in [
        vec!["validate", job, "--config", config],
        vec!["render", job, "--config", config, "--out", "/nonexistent"],
        vec!["submit", job, "--config", config],
        vec!["stock", "show", "--config", config],
    ] {
        let o = run(&args);
        assert!(!o.status.success(), "{args:?}");
        assert!(
            stderr(&o).contains("is the demo key demo-2026-1"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}
