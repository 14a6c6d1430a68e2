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

/// [`emulator`] for long runs: finished cards keep no panels in memory (about 4 MB a card).
pub fn counting_emulator(serial: &str, feeder: u32) -> Emulator {
    Emulator::new(EmulatorConfig {
        serial: serial.into(),
        time_scale: 0.0,
        timings: Timings::default(),
        feeder_cards: feeder,
        ribbon_cards: 10_000,
        hopper_capacity: 10_000,
        reject_capacity: 1_000,
        keep_panels: false,
        ..EmulatorConfig::default()
    })
}

/// Writes `n` self-contained copies of a sample job (images inlined) with ids `{prefix}-{i}`
/// into `dir`, signed with the test key (`{id}.jws`); returns their ids. Copies of a sample
/// in a batch differ in the NIK's serial (a batch refuses the same child twice).
pub fn make_jobs(dir: &Path, sample: &str, prefix: &str, n: usize) -> Vec<String> {
    std::fs::create_dir_all(dir).unwrap();
    let src = root().join("examples/jobs").join(sample);
    let inlined =
        cetak::intake::inline_images(&std::fs::read(&src).unwrap(), src.parent().unwrap()).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&inlined).unwrap();
    let mut ids = Vec::new();
    let nik = doc["person"]["nik"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let in_batch = doc.get("batch").is_some() && nik.len() == 16;
    for i in 0..n {
        let id = format!("{prefix}-{i:05}");
        doc["job_id"] = serde_json::Value::String(id.clone());
        if in_batch {
            // A batch takes one card per child: each copy is another child (NIK serial i + 1;
            // the first copy keeps the sample's NIK).
            doc["person"]["nik"] = format!("{}{:04}", &nik[..12], i % 9_999 + 1).into();
        }
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

/// Sends SIGTERM to a daemon process (a graceful stop).
pub fn sigterm(child: &std::process::Child) {
    let st = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success(), "kill -TERM {}", child.id());
}

/// SIGTERM, then [`wait_exit`]: how the tests stop a daemon they started.
pub fn stop_daemon(child: &mut std::process::Child, timeout: Duration) -> std::process::ExitStatus {
    sigterm(child);
    wait_exit(child, timeout)
}

/// Waits until the daemon answers on its control socket: its signal handlers are installed by
/// then, so a SIGTERM is a graceful stop (a stale socket from a killed run refuses connections).
pub fn wait_ready(config: &Path) {
    let socket = Config::load(config).unwrap().control_socket();
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::os::unix::net::UnixStream::connect(&socket).is_err() {
        assert!(Instant::now() < deadline, "daemon not ready");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `text` (from [`config_text`]) with the control socket at `socket`.
pub fn with_control_socket(text: &str, socket: &Path) -> String {
    assert!(text.contains("\n\n[policy]"), "not a config_text: {text}");
    text.replacen(
        "\n\n[policy]",
        &format!(
            "\ncontrol_socket = {:?}\n\n[policy]",
            socket.display().to_string()
        ),
        1,
    )
}

/// Waits for a daemon started with a piped standard error that must be refused (exit
/// non-zero); returns what it wrote there.
pub fn refused_start(mut child: std::process::Child, timeout: Duration) -> String {
    use std::io::Read as _;
    let st = wait_exit(&mut child, timeout);
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr piped")
        .read_to_string(&mut err)
        .unwrap();
    assert!(!st.success(), "the daemon must not run: {err}");
    err
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

/// Tiny LCG, so the crash tests need no RNG crate.
pub struct Lcg(pub u64);

impl Lcg {
    /// The next number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// The random moments of crash test `test`: seeded from `CETAK_CRASH_SEED` to replay a run,
/// else from the clock; the seed is printed.
pub fn crash_rng(test: &str) -> Lcg {
    let seed: u64 = std::env::var("CETAK_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("{test} seed {seed} (CETAK_CRASH_SEED to replay)");
    Lcg(seed)
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

/// One synthetic child of a school batch written by [`school_jobs`].
#[derive(Debug, Clone)]
pub struct Pupil {
    pub job_id: String,
    pub nik: String,
    pub girl: bool,
}

const BOYS: &[&str] = &[
    "Bima", "Raka", "Fajar", "Dimas", "Rizky", "Arya", "Galih", "Yoga", "Bayu", "Gilang", "Hafiz",
    "Ilham", "Naufal", "Satria", "Wahyu",
];
const GIRLS: &[&str] = &[
    "Nayla",
    "Putri",
    "Aisyah",
    "Citra",
    "Dewi",
    "Intan",
    "Kirana",
    "Laras",
    "Maya",
    "Nadia",
    "Rania",
    "Salsabila",
    "Tiara",
    "Wulan",
    "Zahra",
];
const FAMILY: &[&str] = &[
    "Pratama",
    "Nugraha",
    "Lestari",
    "Permana",
    "Saputra",
    "Wijaya",
    "Hidayat",
    "Rahmawati",
    "Kurniawan",
    "Setiawan",
    "Ramadhani",
    "Maulana",
    "Anggraini",
];

/// Writes `n` signed, self-contained KIA jobs of one school batch (`batch` is the job's
/// `batch` object) into `dir` as `{prefix}-{i:05}.jws`, each a different synthetic child from
/// `sample` (its birth year, design and images): boys and girls mixed (about two girls in
/// five), names from syllable lists, birth dates spread over the year, and a NIK consistent
/// with the birth date and sex (day + 40 for a girl; serial `i + 1`).
pub fn school_jobs(
    dir: &Path,
    sample: &str,
    prefix: &str,
    batch: &serde_json::Value,
    n: usize,
) -> Vec<Pupil> {
    std::fs::create_dir_all(dir).unwrap();
    let src = root().join("examples/jobs").join(sample);
    let inlined =
        cetak::intake::inline_images(&std::fs::read(&src).unwrap(), src.parent().unwrap()).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&inlined).unwrap();
    let year: u32 = doc["person"]["date_of_birth"].as_str().unwrap()[..4]
        .parse()
        .unwrap();
    doc.as_object_mut().unwrap().remove("valid_until");
    doc["batch"] = batch.clone();
    (0..n)
        .map(|i| {
            let id = format!("{prefix}-{i:05}");
            let girl = (i * 7 + 3) % 5 < 2;
            let (day, month) = (1 + i % 28, 1 + (i / 28) % 12);
            let first = if girl { GIRLS } else { BOYS };
            let name = format!(
                "{} {} {}",
                first[i % first.len()],
                first[(i / first.len() + 3) % first.len()],
                FAMILY[i % FAMILY.len()]
            );
            let nik = format!(
                "327301{:02}{month:02}{:02}{:04}",
                day + if girl { 40 } else { 0 },
                year % 100,
                i + 1
            );
            doc["job_id"] = id.clone().into();
            doc["person"]["name"] = name.into();
            doc["person"]["sex"] = if girl { "PEREMPUAN" } else { "LAKI-LAKI" }.into();
            doc["person"]["nik"] = nik.clone().into();
            doc["person"]["date_of_birth"] = format!("{year}-{month:02}-{day:02}").into();
            std::fs::write(dir.join(format!("{id}.jws")), sign(&doc.to_string())).unwrap();
            Pupil {
                job_id: id,
                nik,
                girl,
            }
        })
        .collect()
}

// ---- Unix users for the authority tests: made per test, removed when dropped (needs root) ----

use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

/// Whether this test runs as root (users can be created); says so and skips otherwise.
pub fn root_or_skip(test: &str) -> bool {
    if nix::unistd::getuid().is_root() {
        return true;
    }
    eprintln!("{test}: not root: users cannot be created here; skipped (CI runs as root)");
    false
}

/// Users and groups made for one test; removed when dropped.
pub struct Accounts {
    tag: String,
    users: Vec<String>,
    groups: Vec<String>,
}

static SEQ: AtomicU32 = AtomicU32::new(0);

/// Runs an account command (`groupadd`, `useradd`, `chpasswd`); tests that make users run in
/// parallel processes and these tools refuse while another holds `/etc/passwd`'s lock, so a
/// failure is tried again a few times before it fails the test.
pub fn run_ok(cmd: &mut Command) {
    let mut last = String::new();
    for _ in 0..20 {
        let o = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
        if o.status.success() {
            return;
        }
        last = String::from_utf8_lossy(&o.stderr).into_owned();
        if !last.contains("lock") {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!("{cmd:?}: {last}");
}

impl Accounts {
    pub fn new() -> Accounts {
        let n = SEQ.fetch_add(1, Ordering::SeqCst);
        Accounts {
            tag: format!("ct{}x{n}", std::process::id()),
            users: Vec::new(),
            groups: Vec::new(),
        }
    }

    /// A group `<tag><suffix>`.
    pub fn group(&mut self, suffix: &str) -> String {
        let name = format!("{}{suffix}", self.tag);
        run_ok(Command::new("groupadd").arg(&name));
        self.groups.push(name.clone());
        name
    }

    /// A user `<tag><suffix>` (own primary group, no home) in `groups`; returns (name, uid, gid).
    pub fn user(&mut self, suffix: &str, groups: &[&str]) -> (String, u32, u32) {
        let name = format!("{}{suffix}", self.tag);
        let mut cmd = Command::new("useradd");
        cmd.args(["-M", "-U", "-s", "/usr/sbin/nologin"]);
        if !groups.is_empty() {
            cmd.arg("-G").arg(groups.join(","));
        }
        run_ok(cmd.arg(&name));
        self.users.push(name.clone());
        let u = nix::unistd::User::from_name(&name).unwrap().unwrap();
        (name, u.uid.as_raw(), u.gid.as_raw())
    }

    /// Gives `user` a password (`chpasswd`), so that it can sign in through PAM.
    pub fn set_password(&self, user: &str, password: &str) {
        use std::io::Write as _;
        for _ in 0..20 {
            let mut child = Command::new("chpasswd")
                .stdin(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("chpasswd");
            writeln!(child.stdin.take().unwrap(), "{user}:{password}").unwrap();
            let o = child.wait_with_output().unwrap();
            if o.status.success() {
                return;
            }
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(err.contains("lock"), "chpasswd {user}: {err}");
            std::thread::sleep(Duration::from_millis(250));
        }
        panic!("chpasswd {user}: /etc/shadow stayed locked");
    }
}

impl Drop for Accounts {
    fn drop(&mut self) {
        // Best effort, but not given up on a lock held by another test's useradd.
        let remove = |tool: &str, name: &str| {
            for _ in 0..20 {
                match Command::new(tool).arg(name).output() {
                    Ok(o)
                        if !o.status.success()
                            && String::from_utf8_lossy(&o.stderr).contains("lock") =>
                    {
                        std::thread::sleep(Duration::from_millis(250))
                    }
                    _ => return,
                }
            }
        };
        for u in &self.users {
            remove("userdel", u);
        }
        for g in &self.groups {
            remove("groupdel", g);
        }
    }
}

/// `cmd` without the caller's `CETAK_CONFIG`, `CETAK_SOCKET` and `CETAK_LANG`: a test names
/// its station and language itself, whatever the shell that runs the tests has set.
fn hermetic(cmd: &mut Command) -> &mut Command {
    cmd.env_remove("CETAK_CONFIG")
        .env_remove("CETAK_SOCKET")
        .env_remove("CETAK_LANG")
}

/// The built CLI with `args` on the station configured by `config` (`--config`).
pub fn cli(config: &Path, args: &[&str]) -> Output {
    hermetic(
        Command::new(env!("CARGO_BIN_EXE_cetak"))
            .args(args)
            .arg("--config")
            .arg(config),
    )
    .output()
    .unwrap()
}

/// [`cli`] that must succeed; its standard output.
#[track_caller]
pub fn cli_ok(config: &Path, args: &[&str]) -> String {
    let o = cli(config, args);
    assert!(o.status.success(), "cetak {args:?} failed: {}", text(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The built CLI with `args`, talking to the daemon at `socket` as this process's user.
pub fn cli_at(socket: &Path, args: &[&str]) -> Output {
    hermetic(
        Command::new(env!("CARGO_BIN_EXE_cetak"))
            .args(args)
            .arg("--socket")
            .arg(socket),
    )
    .output()
    .unwrap()
}

/// The built CLI as `user` (its own uid, gid and supplementary groups from the group
/// database) with `--lang lang` and `args`; the caller adds `--socket` or `--config`.
pub fn cli_as(user: &str, lang: &str, args: &[&str]) -> Command {
    let u = nix::unistd::User::from_name(user).unwrap().unwrap();
    let mut cmd = Command::new("setpriv");
    cmd.arg(format!("--reuid={}", u.uid))
        .arg(format!("--regid={}", u.gid))
        .arg("--init-groups")
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_cetak"))
        .args(["--lang", lang])
        .args(args);
    hermetic(&mut cmd);
    cmd
}

/// [`cli_as`] talking to the daemon at `socket`.
pub fn as_user(user: &str, socket: &Path, lang: &str, args: &[&str]) -> Output {
    cli_as(user, lang, args)
        .arg("--socket")
        .arg(socket)
        .output()
        .unwrap()
}

/// Standard output and error of a finished command.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[track_caller]
pub fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "expected success, got {}: {}",
        o.status,
        text(&o)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[track_caller]
pub fn refused(o: Output, needle: &str) -> String {
    assert!(!o.status.success(), "expected a refusal: {}", text(&o));
    let t = text(&o);
    assert!(t.contains(needle), "{needle:?} not in: {t}");
    t
}
