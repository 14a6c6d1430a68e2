//! The web dashboard of a running daemon (`[dashboard] listen`) on emulated printers: the page
//! in Bahasa Indonesia and English, live updates by server-sent events while cards print, a
//! paused printer with its allowed actions, and screenshots at 1366×768 and 390×844 in headless
//! Chromium (written to `target/dashboard/`).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::daemon::*;
use crate::support::web;
use cetak::journal::{BlangkoType, JobState};

/// Signed KIA jobs of one batch (a school), as the collective programme sends them.
fn batch_jobs(dir: &Path, prefix: &str, batch: &str, n: usize) -> Vec<String> {
    // Each a different child: a batch refuses a second card for the same NIK.
    let batch = serde_json::json!({ "id": batch, "name": "SD Negeri Cigadung 1" });
    school_jobs(dir, "kia-0-5.json", prefix, &batch, n)
        .into_iter()
        .map(|p| p.job_id)
        .collect()
}

/// The printer card of `printer` in a fragment.
fn printer_card<'a>(html: &'a str, printer: &str) -> &'a str {
    let start = html
        .find(&format!("data-printer=\"{printer}\""))
        .unwrap_or_else(|| panic!("no printer {printer} in {html}"));
    let rest = &html[start..];
    &rest[..rest.find("</article>").unwrap()]
}

/// The number in `<dd class="{class}">N</dd>` of a printer card.
fn figure(card: &str, class: &str) -> u64 {
    let tag = format!("<dd class=\"{class}\">");
    let at = card
        .find(&tag)
        .unwrap_or_else(|| panic!("no {class} in {card}"))
        + tag.len();
    let end = card[at..].find('<').unwrap();
    card[at..at + end].parse().unwrap()
}

#[test]
fn the_dashboard_shows_the_station_live_in_both_languages() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // P1 prints a card in about three seconds; P2 waits with its cover open.
    let p1 = emulator("EMU-D-1", 0.3, 100);
    let p2 = emulator("EMU-D-2", 0.0, 100);
    p2.set_cover_open(true);
    let s1 = p1.serve_tcp("127.0.0.1:0").unwrap();
    let s2 = p2.serve_tcp("127.0.0.1:0").unwrap();
    let text = config_text(
        &data,
        &[("P1", s1.uri(), "kia"), ("P2", s2.uri(), "ktp-el")],
        1,
    ) + "\n[dashboard]\nlisten = \"127.0.0.1:0\"\n";
    let config = tmp.path().join("cetak.toml");
    std::fs::write(&config, &text).unwrap();
    let cfg = cetak::config::Config::parse(&text, &config).unwrap();
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    stock(
        &mut j,
        &[("P1", BlangkoType::Kia), ("P2", BlangkoType::KtpEl)],
        20,
    );
    let spool = cetak::daemon::spool_dir(&cfg);
    let ids = batch_jobs(&spool, "KIA-D", "SDN-CIGADUNG-1", 3);
    make_jobs(&spool, "ktp-el.json", "KTP-D", 1);

    let mut daemon = start_daemon(&config, Stdio::piped());
    let stderr = daemon.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("dashboard") {
                if let Some(rest) = line.split("http://").nth(1) {
                    let _ = tx.send(rest.trim_end_matches('/').to_string());
                }
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("dashboard address");

    // Live: one stream, no reload; P1's printed counter climbs to 3 in the pushed fragments.
    let mut events = web::Events::open(&addr, "");
    let mut seen = Vec::new();
    let start = Instant::now();
    let mut last = String::new();
    while start.elapsed() < Duration::from_secs(120) {
        let Some(html) = events.next_main(Duration::from_secs(10)) else {
            continue;
        };
        let n = figure(printer_card(&html, "P1"), "printed");
        if seen.last() != Some(&n) {
            seen.push(n);
        }
        last = html;
        if n == 3 {
            break;
        }
    }
    eprintln!("dashboard: printed counts pushed {seen:?}");
    assert_eq!(seen.last(), Some(&3), "printed counts pushed: {seen:?}");
    assert!(seen.len() >= 2, "no update without reload: {seen:?}");
    for id in &ids {
        assert_eq!(state(&j, id), JobState::Printed, "{id}");
    }
    // The pushed fragment: the paused printer with its event and allowed actions, the batch's
    // progress, the store and feeders, in Bahasa Indonesia.
    let p2card = printer_card(&last, "P2");
    assert!(p2card.contains("berhenti sementara"), "{p2card}");
    assert!(p2card.contains("data-action=\"retry\""), "{p2card}");
    assert!(p2card.contains(">Ulangi<"), "{p2card}");
    assert!(last.contains("data-batch=\"SDN-CIGADUNG-1\""), "{last}");
    let batch = &last[last.find("data-batch=").unwrap()..];
    assert!(
        batch.starts_with("data-batch=\"SDN-CIGADUNG-1\"><td>SDN-CIGADUNG-1</td><td>3</td><td>3</td><td>0</td><td>0</td>"),
        "{batch}"
    );
    assert!(
        last.contains("data-feeder=\"P1\"><td>P1</td><td>kia</td><td>17</td>"),
        "{last}"
    );
    assert!(last.contains("Kemajuan batch") && last.contains("Koneksi server"));

    // The whole page, Indonesian by default; English by ?lang=en (remembered in a cookie) or
    // by the cookie alone.
    let (head, page) = web::get(&addr, "/", &[]);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(page.contains("<html lang=\"id\">"), "{page}");
    assert!(page.contains("Antrean") && !page.contains(">Queue<"));
    assert!(page.contains("/assets/dashboard.js"));
    let (head, en) = web::get(&addr, "/?lang=en", &[]);
    assert!(
        head.to_lowercase().contains("set-cookie: lang=en"),
        "{head}"
    );
    assert!(en.contains("<html lang=\"en\">") && en.contains(">Queue<"));
    assert!(en.contains(">Retry<") && en.contains("paused"), "{en}");
    let (_, by_cookie) = web::get(&addr, "/", &["Cookie: lang=en"]);
    assert!(by_cookie.contains(">Batch progress<"));
    let (head, js) = web::get(&addr, "/assets/dashboard.js", &[]);
    assert!(head.contains("text/javascript"), "{head}");
    assert!(js.contains("EventSource"));

    eprintln!("dashboard: pages checked");
    // Sign-in with a per-user token (root: an administrator), then the decision on the paused
    // printer from the page's form, with the session's CSRF token.
    let (head, _) = web::post_form(&addr, "/login", "token=cetak_0000", &[]);
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");
    let issue = |user: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_cetak"))
            .args([
                "--lang",
                "en",
                "dashboard",
                "token",
                "issue",
                user,
                "--config",
            ])
            .arg(&config)
            .output()
            .unwrap()
    };
    // A user in neither group gets no token.
    let o = issue("nobody");
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("neither the operator nor"));
    let o = issue("root");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    let token = out.lines().next().unwrap().to_string();
    assert!(token.starts_with("cetak_"), "{out}");
    let (head, _) = web::post_form(&addr, "/login", &format!("token={token}"), &[]);
    assert!(head.starts_with("HTTP/1.1 303"), "{head}");
    let set = head
        .lines()
        .find(|l| l.to_lowercase().starts_with("set-cookie: cetak_session="))
        .unwrap_or_else(|| panic!("{head}"));
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let cookie = format!(
        "Cookie: {}",
        set.split_once(": ").unwrap().1.split(';').next().unwrap()
    );
    let (_, signed) = web::get(&addr, "/", &[&cookie]);
    assert!(
        signed.contains("<span class=\"who\">root</span>"),
        "{signed}"
    );
    let card = printer_card(&signed, "P2");
    let csrf = web::attr_after(card, "name=\"csrf\"", "value");
    let event = web::attr_after(card, "name=\"event\"", "value");
    // Without the session's CSRF token, or without a session: refused, nothing happens.
    let act = format!("printer=P2&action=retry&event={event}");
    let (head, _) = web::post_form(&addr, "/act", &format!("{act}&csrf=x"), &[&cookie]);
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");
    let (head, _) = web::post_form(&addr, "/act", &format!("{act}&csrf={csrf}"), &[]);
    assert!(head.starts_with("HTTP/1.1 401"), "{head}");
    p2.set_cover_open(false);
    let (head, body) = web::post_form(&addr, "/act", &format!("{act}&csrf={csrf}"), &[&cookie]);
    assert!(head.starts_with("HTTP/1.1 303"), "{head}\n{body}");
    wait_for(
        "P2 prints after the decision",
        Duration::from_secs(60),
        || j.count_by_state().unwrap().get("printed") == Some(&4),
    );
    let audit = j.audit_list(0, 10_000).unwrap();
    let decided = audit
        .iter()
        .find(|a| a.action == "printer.act" && a.subject == "P2")
        .expect("decision audited");
    assert_eq!(decided.uid, Some(0));
    assert_eq!(decided.user.as_deref(), Some("root"));
    assert!(decided.detail.contains("retry"), "{}", decided.detail);

    // Screenshots at a desk screen and a phone, as artefacts.
    match web::chromium() {
        Some(browser) => {
            let dir = web::artefacts();
            for (name, w, h) in [("desk-1366x768", 1366, 768), ("phone-390x844", 390, 844)] {
                let out = dir.join(format!("{name}.png"));
                let _ = std::fs::remove_file(&out);
                web::screenshot(&browser, &format!("http://{addr}/"), w, h, &out);
                assert_eq!(web::png_size(&out), (w, h), "{}", out.display());
            }
        }
        None => eprintln!("chromium not installed (scripts/install-deps): no screenshots"),
    }

    // The daemon stops at once although a browser still holds an event stream open.
    assert!(std::process::Command::new("kill")
        .args(["-TERM", &daemon.id().to_string()])
        .status()
        .unwrap()
        .success());
    assert!(wait_exit(&mut daemon, Duration::from_secs(30)).success());
    drop(events);
}
