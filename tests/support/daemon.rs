//! Shared helpers for the daemon tests: sample jobs with fresh ids, a station configuration
//! around emulated printers, and waiting for the journal to settle.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cetak::config::Config;
use cetak::journal::{Actor, BlangkoType, JobState, Journal};
use cetak_drivers::emulator::{Emulator, EmulatorConfig, Timings};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Key id of [`test_key`].
pub const TEST_KID: &str = "daemon-test-1";

/// The key the test stations trust (synthetic, for tests only). Not the demo key: a production
/// station (`training = false`, as these are) that trusts the demo key refuses to start.
pub fn test_key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[0x5a; 32])
}

/// `[[trust.key]]` for [`test_key`].
pub fn test_trust_config() -> String {
    format!(
        "[[trust.key]]\nkid = \"{TEST_KID}\"\npublic_key = \"{}\"\n",
        cetak::signing::b64url(test_key().verifying_key().as_bytes())
    )
}

/// Writes `n` self-contained copies of a sample job (images inlined) with ids `{prefix}-{i}`
/// into `dir`, signed with the test key (`{id}.jws`); returns their ids.
pub fn make_jobs(dir: &Path, sample: &str, prefix: &str, n: usize) -> Vec<String> {
    std::fs::create_dir_all(dir).unwrap();
    let src = root().join("examples/jobs").join(sample);
    let inlined =
        cetak::intake::inline_images(&std::fs::read(&src).unwrap(), src.parent().unwrap()).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&inlined).unwrap();
    let mut ids = Vec::new();
    for i in 0..n {
        let id = format!("{prefix}-{i:05}");
        doc["job_id"] = serde_json::Value::String(id.clone());
        std::fs::write(dir.join(format!("{id}.jws")), sign(&doc.to_string())).unwrap();
        ids.push(id);
    }
    ids
}

/// A job document signed with the test key (trusted by [`config_text`]).
pub fn sign(json: &str) -> String {
    cetak::signing::sign(&test_key(), TEST_KID, json.as_bytes())
}

/// The job document inside a signed job file written by [`make_jobs`].
pub fn payload_of(dir: &Path, id: &str) -> String {
    let jws = std::fs::read(dir.join(format!("{id}.jws"))).unwrap();
    let now = chrono::Utc::now();
    let mut store = cetak::signing::TrustStore::new();
    store
        .add(cetak::signing::TrustedKey {
            kid: TEST_KID.into(),
            key: test_key().verifying_key(),
            not_after: None,
        })
        .unwrap();
    let p = store.verify_bytes(&jws, now).unwrap();
    String::from_utf8(p).unwrap()
}

/// An emulator with scaled timings (0 = instant) and `feeder` cards.
pub fn emulator(serial: &str, scale: f64, feeder: u32) -> Emulator {
    Emulator::new(EmulatorConfig {
        serial: serial.into(),
        time_scale: scale,
        timings: Timings::default(),
        feeder_cards: feeder,
        ribbon_cards: 10_000,
        hopper_capacity: 10_000,
        reject_capacity: 1_000,
        ..EmulatorConfig::default()
    })
}

/// `n` emulated KIA printers `P1`…`Pn`, each served over TCP on a loopback port of its own.
pub struct KiaPrinters {
    /// (printer id, emulator).
    pub emus: Vec<(String, Emulator)>,
    /// The TCP servers (kept alive with the printers).
    pub servers: Vec<cetak_drivers::emulator::TcpServer>,
    /// (printer id, URI).
    pub list: Vec<(String, String)>,
}

impl KiaPrinters {
    /// Starts them; emulator serials are `EMU-{tag}-{i}`.
    pub fn start(tag: &str, n: usize, scale: f64) -> KiaPrinters {
        let mut p = KiaPrinters {
            emus: Vec::new(),
            servers: Vec::new(),
            list: Vec::new(),
        };
        for i in 0..n {
            let id = format!("P{}", i + 1);
            let emu = emulator(&format!("EMU-{tag}-{i}"), scale, 1000);
            let srv = emu.serve_tcp("127.0.0.1:0").unwrap();
            p.list.push((id.clone(), srv.uri()));
            p.emus.push((id, emu));
            p.servers.push(srv);
        }
        p
    }

    /// The `[[printer]]` rows of [`config_text`].
    pub fn config_rows(&self) -> Vec<(&str, String, &str)> {
        self.list
            .iter()
            .map(|(id, uri)| (id.as_str(), uri.clone(), "kia"))
            .collect()
    }

    /// The feeders to fill with [`stock`].
    pub fn slots(&self) -> Vec<(&str, BlangkoType)> {
        self.list
            .iter()
            .map(|(id, _)| (id.as_str(), BlangkoType::Kia))
            .collect()
    }
}

/// A configuration text for `printers` (`(id, uri, blangko)`).
pub fn config_text(data: &Path, printers: &[(&str, String, &str)], lookahead: usize) -> String {
    let mut t = format!(
        "[station]\nid = \"TEST-01\"\ndata_dir = {:?}\nlayouts_dir = {:?}\n\n[policy]\nlookahead = {lookahead}\nencode_chips = false\n\n",
        data.display().to_string(),
        root().join("layouts").display().to_string()
    );
    t.push_str(&test_trust_config());
    t.push('\n');
    for (id, uri, bt) in printers {
        t.push_str(&format!(
            "[[printer]]\nid = \"{id}\"\nuri = \"{uri}\"\nblangko = \"{bt}\"\n\n"
        ));
    }
    t
}

pub fn config(data: &Path, printers: &[(&str, String, &str)]) -> Config {
    Config::parse(&config_text(data, printers, 2), Path::new("test.toml")).unwrap()
}

/// Receives and loads `count` blangko per printer.
pub fn stock(j: &mut Journal, printers: &[(&str, BlangkoType)], count: u32) {
    let a = Actor::operator("tester");
    for (id, bt) in printers {
        j.stock_receive(*bt, count, &format!("LOT-{id}"), None, &a)
            .unwrap();
        j.stock_load(id, *bt, count, &a).unwrap();
    }
}

/// Waits until every job is terminal or in doubt; panics after `timeout`.
pub fn wait_settled(j: &Journal, ids: &[String], timeout: Duration) {
    let start = Instant::now();
    loop {
        let open: Vec<_> = ids
            .iter()
            .filter(|id| {
                !j.job(id)
                    .map(|r| r.state.is_terminal() || r.state == JobState::InDoubt)
                    .unwrap_or(false)
            })
            .collect();
        if open.is_empty() {
            return;
        }
        assert!(
            start.elapsed() < timeout,
            "{} jobs not settled, e.g. {:?}: {:?}",
            open.len(),
            open[0],
            j.job(open[0]).map(|r| r.state)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits for a condition.
pub fn wait_for(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub fn state(j: &Journal, id: &str) -> JobState {
    j.job(id).unwrap().state
}

/// Starts the built `cetak daemon` on `config` (warnings only, no systemd notify socket);
/// `stderr` is where its log goes.
pub fn start_daemon(config: &Path, stderr: std::process::Stdio) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_cetak"))
        .args(["daemon", "--config"])
        .arg(config)
        .env("CETAK_LOG", "warn")
        .env_remove("NOTIFY_SOCKET")
        .stdout(std::process::Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("start the daemon")
}

/// Waits for a daemon process to exit; kills it and fails the test after `timeout`.
pub fn wait_exit(child: &mut std::process::Child, timeout: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            return st;
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            panic!("daemon did not exit within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Labels of the Indonesian output (`cetak doubt`, `cetak status`) that must not appear in the
/// English one (lower case).
pub const ID_WORDS: &[&str] = &[
    "percobaan",
    "saat",
    "stasiun",
    "dimulai",
    "antre",
    "tercetak",
    "diragukan",
    "mencetak",
    "gagal",
    "tidak ada",
    "peringatan",
    "kartu",
    "sejak",
    "terhubung",
    "sibuk",
    "kesalahan",
    "menunggu",
    "dikirim",
    "ditolak",
    "sisa",
    "siaga",
];

/// And the other way round.
pub const EN_WORDS: &[&str] = &[
    "attempt",
    "while",
    "station",
    "restarted",
    "queued",
    "printed",
    "in doubt",
    "printing",
    "failed",
    "no job",
    "alerts",
    "cards",
    "since",
    "connected",
    "busy",
    "server error",
    "waiting",
    "refused",
    "ribbon",
    "idle",
    "unreachable",
    "jobs",
    "printers",
];

/// Fails if `text`, printed for `--lang {lang}` (`en` or `id`), holds a label of the other
/// language.
pub fn assert_one_language(text: &str, lang: &str) {
    let (foreign, what) = match lang {
        "en" => (ID_WORDS, "Indonesian"),
        _ => (EN_WORDS, "English"),
    };
    let lower = text.to_lowercase();
    for w in foreign {
        assert!(
            !lower.contains(w),
            "{what} word {w:?} in --lang {lang} output:\n{text}"
        );
    }
}
