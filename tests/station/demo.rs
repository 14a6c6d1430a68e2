//! `cetak demo` as a newcomer runs it: from `/`, with nothing of the checkout around, every
//! sample printed (the KTP-el with its chip written through the real pcscd), and the demo's
//! vpcd readers out of reach of the network: no listening socket on their ports in this
//! network namespace, and pcscd's own namespace has no interface but loopback. The pcscd stays
//! and is reused by the next demo (documented in docs/daemon.md).

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use cetak_drivers::vcard::testbed::{BASE_PORT, READER_PAIRS};

/// Listening TCP sockets (IPv4 and IPv6) of the network namespace seen through `net`
/// (`/proc/net` or `/proc/PID/net`): (local address as hex, port).
fn listeners(net: &Path) -> Vec<(String, u16)> {
    let mut out = Vec::new();
    for file in ["tcp", "tcp6"] {
        let Ok(text) = std::fs::read_to_string(net.join(file)) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            // local_address is ADDR:PORT in hex; state 0A = LISTEN.
            if f.len() > 3 && f[3] == "0A" {
                if let Some((addr, port)) = f[1].split_once(':') {
                    if let Ok(port) = u16::from_str_radix(port, 16) {
                        out.push((addr.to_string(), port));
                    }
                }
            }
        }
    }
    out
}

fn vpcd_ports() -> std::ops::Range<u16> {
    BASE_PORT..BASE_PORT + 2 * READER_PAIRS
}

/// The pcscd the demo says it used and left running; checked to be a live pcscd.
fn pcscd_of(log: &str) -> u32 {
    let pid: u32 = log
        .split("pcscd (pid ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("the demo names no pcscd: {log}"));
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let first = cmdline.split(|&b| b == 0).next().unwrap_or_default();
    assert!(
        first.ends_with(b"pcscd"),
        "pid {pid} is not a running pcscd"
    );
    pid
}

/// Starts the demo from `/` into `out` (with the jobs of `jobs`, else the built-in samples).
fn start_demo(out: &Path, jobs: Option<&Path>) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cetak"));
    cmd.args([
        "--lang",
        "en",
        "demo",
        "--time-scale",
        "0",
        "--timeout",
        "240",
        "--out",
    ])
    .arg(out);
    if let Some(jobs) = jobs {
        cmd.arg("--jobs").arg(jobs);
    }
    cmd.current_dir("/")
        .env_remove("CETAK_LAYOUTS")
        .env_remove("CETAK_CHIP_PIN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start cetak demo")
}

/// Waits for the demo, watching this namespace's listeners on the vpcd ports meanwhile;
/// returns its output and every listener seen there.
fn watch(mut child: Child) -> (Output, Vec<(String, u16)>) {
    let mut seen = Vec::new();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        for l in listeners(Path::new("/proc/net")) {
            if vpcd_ports().contains(&l.1) && !seen.contains(&l) {
                seen.push(l);
            }
        }
        if start.elapsed() > Duration::from_secs(280) {
            let _ = child.kill();
            panic!("the demo did not finish in 280 s (its own --timeout is 240 s)");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    (child.wait_with_output().unwrap(), seen)
}

fn text(o: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn demo_from_root_prints_every_sample_with_vpcd_on_loopback_only_and_reuses_its_pcscd() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("demo");
    let (first, seen) = watch(start_demo(&out, None));
    let log = text(&first);
    assert!(first.status.success(), "{log}");
    // The KTP-el printer's encoder had a reader, so its chip was written before printing.
    assert!(
        log.contains("P2's contactless encoder uses reader"),
        "{log}"
    );
    let summary = log.split("== Summary ==").nth(1).expect("summary");
    let jobs: Vec<&str> = summary
        .lines()
        .filter(|l| l.contains(" printer "))
        .collect();
    assert!(jobs.len() >= 3, "{summary}");
    assert!(jobs.iter().all(|l| l.contains(" printed ")), "{summary}");
    assert!(
        log.contains("stock verify: OK") && log.contains("audit verify: OK"),
        "{log}"
    );
    // The built-in samples were written beside the output, and the cards printed.
    assert!(out.join("samples/jobs/ktp-el.json").is_file());
    let cards = walk(&out.join("cards"));
    assert!(
        cards
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "png")),
        "{cards:?}"
    );

    // Nothing listened on the vpcd ports in this namespace while the demo ran, nor does now.
    assert!(seen.is_empty(), "vpcd ports listened on here: {seen:?}");
    let pid = pcscd_of(&log);
    assert!(
        log.contains(&format!("pcscd (pid {pid}) keeps running")),
        "{log}"
    );
    // pcscd's readers listen in its own namespace, whose only interface is loopback.
    let its_net = Path::new("/proc").join(pid.to_string()).join("net");
    let dev = std::fs::read_to_string(its_net.join("dev")).unwrap();
    let interfaces: Vec<&str> = dev
        .lines()
        .skip(2)
        .filter_map(|l| l.split(':').next().map(str::trim))
        .collect();
    assert_eq!(interfaces, ["lo"], "{dev}");
    let inside: Vec<_> = listeners(&its_net)
        .into_iter()
        .filter(|(_, p)| vpcd_ports().contains(p))
        .collect();
    assert!(!inside.is_empty(), "no vpcd listener in pcscd's namespace");

    // The next demo (the KTP-el sample only) reuses the same pcscd, and its readers still
    // listen nowhere here.
    let one = tmp.path().join("one");
    std::fs::create_dir_all(one.join("jobs")).unwrap();
    std::fs::copy(
        out.join("samples/jobs/ktp-el.json"),
        one.join("jobs/ktp-el.json"),
    )
    .unwrap();
    std::os::unix::fs::symlink(out.join("samples/photos"), one.join("photos")).unwrap();
    let (second, seen) = watch(start_demo(
        &tmp.path().join("again"),
        Some(&one.join("jobs")),
    ));
    assert!(
        second.status.success(),
        "{}: {}",
        second.status,
        text(&second)
    );
    assert!(text(&second).contains("P2's contactless encoder uses reader"));
    assert!(seen.is_empty(), "vpcd ports listened on here: {seen:?}");
    assert_eq!(
        pcscd_of(&text(&second)),
        pid,
        "the second demo used another pcscd"
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// `cetak demo --serve`: after the summary the station stays up with the dashboard and
/// `/metrics` on the address it prints, with a sign-in token; SIGTERM stops it cleanly.
#[test]
fn demo_serve_keeps_the_station_up_with_the_dashboard_until_sigterm() {
    use std::io::{BufRead, BufReader};
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("demo");
    let mut child = Command::new(env!("CARGO_BIN_EXE_cetak"))
        .args([
            "--lang",
            "en",
            "demo",
            "--time-scale",
            "0",
            "--timeout",
            "240",
        ])
        .args(["--serve", "--listen", "127.0.0.1:0", "--out"])
        .arg(&out)
        .current_dir("/")
        .env_remove("CETAK_LAYOUTS")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start cetak demo --serve");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let (mut addr, mut token, mut log) = (None, None, String::new());
    while addr.is_none() || token.is_none() {
        let line = rx
            .recv_timeout(Duration::from_secs(280))
            .unwrap_or_else(|_| panic!("no dashboard address from the demo: {log}"));
        log.push_str(&line);
        log.push('\n');
        if let Some(a) = line.strip_prefix("dashboard: http://") {
            addr = Some(a.trim_end_matches('/').to_string());
        }
        if let Some(t) = line.strip_prefix("sign in with the token: ") {
            token = Some(t.split_whitespace().next().unwrap().to_string());
        }
    }
    let (addr, token) = (addr.unwrap(), token.unwrap());
    assert!(log.contains("stock verify: OK"), "{log}");

    let (head, metrics) = crate::support::web::get(&addr, "/metrics", &[]);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        metrics.contains("cetak_cards_printed_total{printer=\"P1\",type=\"kia\"}"),
        "{metrics}"
    );
    let (head, page) = crate::support::web::get(&addr, "/?lang=en", &[]);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        page.contains("data-printer=\"P2\"") && page.contains(">Printers<"),
        "{page}"
    );
    let (head, _) = crate::support::web::post_form(&addr, "/login", &format!("token={token}"), &[]);
    assert!(head.starts_with("HTTP/1.1 303"), "{head}");

    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the demo did not stop"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    // Until the reader thread sees the end of the output.
    let mut rest = Vec::new();
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(10)) {
        rest.push(line);
    }
    assert!(rest.iter().any(|l| l == "demo stopped"), "{rest:?}");
}
