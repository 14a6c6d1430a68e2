//! Talking to the daemon's `[dashboard]` listener from tests: plain HTTP GETs, a reader of the
//! server-sent events of `GET /events`, and headless Chromium (Debian's `chromium`) for
//! screenshots, written under `target/dashboard/` as artefacts.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// `GET path` with extra header lines (`"Cookie: lang=en"`); (head, body).
pub fn get(addr: &str, path: &str, headers: &[&str]) -> (String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for h in headers {
        req.push_str(h);
        req.push_str("\r\n");
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    (head.to_string(), body.to_string())
}

/// An open `GET /events` stream.
pub struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    /// Opens the stream; panics unless it answers 200 with `text/event-stream`.
    pub fn open(addr: &str, query: &str) -> Events {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        write!(
            s,
            "GET /events{query} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut reader = BufReader::new(s);
        let mut head = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" || line.is_empty() {
                break;
            }
            head.push_str(&line);
        }
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(
            head.to_lowercase()
                .contains("content-type: text/event-stream"),
            "{head}"
        );
        Events { reader }
    }

    /// The data of the next `main` event (chunked transfer framing lines are skipped: they are
    /// hex lengths, never `event:`/`data:` lines), or `None` after `timeout`.
    pub fn next_main(&mut self, timeout: Duration) -> Option<String> {
        let start = Instant::now();
        let mut event = String::new();
        let mut data = String::new();
        while start.elapsed() < timeout {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    continue
                }
                Err(e) => panic!("events: {e}"),
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if let Some(v) = line.strip_prefix("event:") {
                event = v.trim().to_string();
            } else if let Some(v) = line.strip_prefix("data:") {
                if !data.is_empty() {
                    data.push('\n');
                }
                data.push_str(v.strip_prefix(' ').unwrap_or(v));
            } else if line.is_empty() && !data.is_empty() {
                if event == "main" {
                    return Some(data);
                }
                event.clear();
                data.clear();
            }
        }
        None
    }
}

/// Headless Chromium, if installed (`scripts/install-deps` installs Debian's `chromium`).
pub fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// Where the tests' artefacts go: `target/dashboard/`.
pub fn artefacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/dashboard");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A screenshot of `url` at `width`×`height` into `out` (PNG).
pub fn screenshot(browser: &Path, url: &str, width: u32, height: u32, out: &Path) {
    let profile = tempfile::tempdir().unwrap();
    // `timeout`: a hung browser fails the test instead of holding it.
    let o = std::process::Command::new("timeout")
        .arg("90")
        .arg(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            // The page keeps an event stream open, so the network is never idle: shoot after
            // a fixed time instead (`--virtual-time-budget` would wait forever).
            "--timeout=4000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--window-size={width},{height}"))
        .arg(format!("--screenshot={}", out.display()))
        .arg(url)
        .output()
        .expect("run chromium");
    assert!(
        out.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Width and height of a PNG file (from its IHDR chunk).
pub fn png_size(path: &Path) -> (u32, u32) {
    let b = std::fs::read(path).unwrap();
    assert_eq!(&b[1..4], b"PNG", "{}", path.display());
    let be = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    (be(16), be(20))
}

/// `POST path` with a form body and extra header lines; (head, body).
pub fn post_form(addr: &str, path: &str, form: &str, headers: &[&str]) -> (String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
        form.len()
    );
    for h in headers {
        req.push_str(h);
        req.push_str("\r\n");
    }
    req.push_str("\r\n");
    req.push_str(form);
    s.write_all(req.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    (head.to_string(), body.to_string())
}

/// The value of `attr="…"` after the first occurrence of `after` in `html`.
pub fn attr_after(html: &str, after: &str, attr: &str) -> String {
    let at = html
        .find(after)
        .unwrap_or_else(|| panic!("no {after} in {html}"));
    let rest = &html[at..];
    let key = format!("{attr}=\"");
    let v = &rest[rest
        .find(&key)
        .unwrap_or_else(|| panic!("no {attr} after {after}"))
        + key.len()..];
    v[..v.find('"').unwrap()].to_string()
}
