//! The web dashboard of a running daemon (`[dashboard] listen`) on emulated printers: the page
//! in Bahasa Indonesia and English, live updates by server-sent events while cards print, a
//! paused printer with its allowed actions, and screenshots at 1366×768 and 390×844 in headless
//! Chromium (written to `target/dashboard/`).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::cdp::Browser;
use crate::support::daemon::*;
use crate::support::journal::{job, printing_on};
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

    let (mut daemon, addr) = daemon_with_dashboard(&config);

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
    let cookie = session_cookie(&head);
    let (_, signed) = web::get(&addr, "/", &[&cookie]);
    assert!(
        signed.contains("<span class=\"who\" data-role=\"admin\">root</span>"),
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
    assert!(stop_daemon(&mut daemon, Duration::from_secs(30)).success());
    drop(events);
}

/// A session cookie header from a `303` sign-in answer; the cookie is out of scripts' reach
/// and not sent by other sites.
fn session_cookie(head: &str) -> String {
    let set = head
        .lines()
        .find(|l| l.to_lowercase().starts_with("set-cookie: cetak_session="))
        .unwrap_or_else(|| panic!("no session cookie: {head}"));
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    format!(
        "Cookie: {}",
        set.split_once(": ").unwrap().1.split(';').next().unwrap()
    )
}

/// Starts the built daemon on `config` and returns it with the dashboard's address.
fn daemon_with_dashboard(config: &Path) -> (std::process::Child, String) {
    let mut daemon = start_daemon(config, Stdio::piped());
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
    (daemon, addr)
}

/// Queues `id` and feeds it into printer `printer` (not in the configuration), then recovers
/// as a restarted station would: the job is in doubt.
fn in_doubt(j: &mut cetak::journal::Journal, id: &str, printer: &str) {
    j.enqueue(&job(id, BlangkoType::Kia)).unwrap();
    printing_on(j, id, printer, None);
    j.recover_on_start().unwrap();
    assert_eq!(state(j, id), JobState::InDoubt);
}

#[test]
fn sign_in_by_account_or_token_forms_by_role_refusals_audited_sign_out_and_throttling() {
    if !root_or_skip("dashboard roles") {
        return;
    }
    let mut acc = Accounts::new();
    let ops = acc.group("op");
    let adms = acc.group("adm");
    let (operator, op_uid, _) = acc.user("o", &[&ops]);
    let (admin, adm_uid, _) = acc.user("a", &[&adms]);
    acc.set_password(&operator, "Rahasia-Op-123");

    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let p1 = emulator("EMU-R-1", 0.0, 100);
    let s1 = p1.serve_tcp("127.0.0.1:0").unwrap();
    let cfg_text = config_text(&data, &[("P1", s1.uri(), "kia")], 1)
        + &format!("\n[authority]\noperator_group = {ops:?}\nadmin_group = {adms:?}\n")
        + "\n[dashboard]\nlisten = \"127.0.0.1:0\"\n";
    let config = tmp.path().join("cetak.toml");
    std::fs::write(&config, &cfg_text).unwrap();
    let cfg = cetak::config::Config::parse(&cfg_text, &config).unwrap();
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    stock(&mut j, &[("P9", BlangkoType::Kia)], 2);
    j.stock_receive(
        BlangkoType::Kia,
        30,
        "LOT-R",
        None,
        &cetak::journal::Actor::admin("t"),
    )
    .unwrap();
    in_doubt(&mut j, "DOUBT-R-1", "P9");
    let (mut daemon, addr) = daemon_with_dashboard(&config);

    // The operator signs in with their account's password (PAM); a wrong one is refused.
    let login = |form: &str| web::post_form(&addr, "/login", form, &[]);
    let (head, body) = login(&format!("user={operator}&password=salah"));
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");
    assert!(
        body.contains("kata sandi") && body.contains("password"),
        "{body}"
    );
    let (head, _) = login(&format!("user={operator}&password=Rahasia-Op-123"));
    assert!(head.starts_with("HTTP/1.1 303"), "{head}");
    let op = session_cookie(&head);
    // The administrator with a token issued by root.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_cetak"))
        .args(["dashboard", "token", "issue", &admin, "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}: {}", o.status, text(&o));
    let token = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let (head, _) = login(&format!("token={token}"));
    assert!(head.starts_with("HTTP/1.1 303"), "{head}");
    let adm = session_cookie(&head);

    // Forms by role: the operator loads a feeder and resolves jobs in doubt; only the
    // administrator receives, spoils, returns and adjusts.
    let (_, page) = web::get(&addr, "/", &[&op]);
    assert!(
        page.contains(&format!("data-role=\"operator\">{operator}<")),
        "{page}"
    );
    assert!(page.contains("data-form=\"load\""), "{page}");
    for f in ["receive", "spoil", "return", "adjust"] {
        assert!(
            !page.contains(&format!("data-form=\"{f}\"")),
            "{f} shown to an operator"
        );
    }
    assert!(page.contains("data-resolve=\"DOUBT-R-1\""), "{page}");
    let (_, page) = web::get(&addr, "/", &[&adm]);
    for f in ["load", "receive", "spoil", "return", "adjust"] {
        assert!(
            page.contains(&format!("data-form=\"{f}\"")),
            "{f} not shown to an admin"
        );
    }
    let csrf_op = web::attr_after(&web::get(&addr, "/", &[&op]).1, "name=\"csrf\"", "value");
    let csrf_adm = web::attr_after(&web::get(&addr, "/", &[&adm]).1, "name=\"csrf\"", "value");

    // The operator loads 5 blangko into P1, and resolves the job in doubt as printed.
    let post =
        |path: &str, form: String, cookie: &str| web::post_form(&addr, path, &form, &[cookie]);
    let (head, body) = post(
        "/stock/load",
        format!("csrf={csrf_op}&printer=P1&count=5"),
        &op,
    );
    assert!(head.starts_with("HTTP/1.1 303"), "{head}\n{body}");
    assert!(head.contains("/?done=load"), "{head}");
    let (head, body) = post(
        "/doubt/resolve",
        format!("csrf={csrf_op}&job=DOUBT-R-1&resolution=printed&card_serial=&note=ada+di+baki"),
        &op,
    );
    assert!(head.starts_with("HTTP/1.1 303"), "{head}\n{body}");
    assert_eq!(state(&j, "DOUBT-R-1"), JobState::Printed);
    // An adjustment: refused to the operator (403, both languages), done by the administrator.
    let adjust =
        |csrf: &str| format!("csrf={csrf}&place=store&type=kia&delta=-1&reason=hitung+ulang");
    let (head, body) = post("/stock/adjust", adjust(&csrf_op), &op);
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");
    assert!(body.contains("hanya administrator"), "{body}");
    assert!(body.contains("administrators only"), "{body}");
    let (head, body) = post("/stock/adjust", adjust(&csrf_adm), &adm);
    assert!(head.starts_with("HTTP/1.1 303"), "{head}\n{body}");
    let (head, _) = post(
        "/stock/receive",
        format!("csrf={csrf_adm}&type=kia&count=10&lot=LOT-9&note="),
        &adm,
    );
    assert!(head.starts_with("HTTP/1.1 303"), "{head}");
    // A form without the session's CSRF token does nothing.
    let (head, _) = post("/stock/load", "csrf=x&printer=P1&count=1".into(), &op);
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");
    let store = j.stock_show().unwrap().types[&BlangkoType::Kia].in_store;
    assert_eq!(store, 30 - 5 - 1 + 10);

    // Each action in the audit trail as the person who did it; the refusal too.
    let audit = j.audit_list(0, 100_000).unwrap();
    let by = |action: &str, uid: u32| {
        audit
            .iter()
            .any(|a| a.action == action && a.uid == Some(uid))
    };
    assert!(by("stock.loaded", op_uid), "{audit:#?}");
    assert!(by("doubt.resolve", op_uid));
    assert!(by("auth.refused", op_uid));
    assert!(by("stock.adjusted", adm_uid));
    assert!(by("stock.received", adm_uid));
    let refused = audit.iter().find(|a| a.action == "auth.refused").unwrap();
    assert_eq!(refused.subject, "stock.adjust");
    assert_eq!(refused.user.as_deref(), Some(operator.as_str()));

    // Signing out ends the session: the old cookie no longer acts.
    let (head, _) = post("/logout", format!("csrf={csrf_op}"), &op);
    assert!(head.starts_with("HTTP/1.1 303"), "{head}");
    assert!(
        head.contains("Max-Age=0") && head.contains("/login?out=1"),
        "{head}"
    );
    let (head, _) = post(
        "/stock/load",
        format!("csrf={csrf_op}&printer=P1&count=1"),
        &op,
    );
    assert!(head.starts_with("HTTP/1.1 401"), "{head}");

    // Throttling: five failures for one user (one above, four here), then even the right
    // password waits (429).
    for i in 0..4 {
        let (head, _) = login(&format!("user={operator}&password=salah{i}"));
        assert!(head.starts_with("HTTP/1.1 403"), "{head}");
    }
    let (head, body) = login(&format!("user={operator}&password=Rahasia-Op-123"));
    assert!(head.starts_with("HTTP/1.1 429"), "{head}");
    assert!(
        body.contains("coba lagi") && body.contains("try again"),
        "{body}"
    );

    assert!(stop_daemon(&mut daemon, Duration::from_secs(30)).success());
}

/// The figure `dd.{class}` of printer `printer`'s card as the browser shows it now.
fn shown(b: &mut Browser, printer: &str, class: &str) -> String {
    let v = b.eval(&format!(
        "(document.querySelector('[data-printer=\"{printer}\"] dd.{class}') || {{}}).textContent || ''"
    ));
    v.as_str().unwrap_or_default().to_string()
}

#[test]
fn an_operator_and_an_administrator_work_the_dashboard_in_headless_chromium() {
    if !root_or_skip("dashboard in chromium") {
        return;
    }
    let Some(chromium) = web::chromium() else {
        panic!("chromium is not installed: run scripts/install-deps");
    };
    let mut acc = Accounts::new();
    let ops = acc.group("op");
    let adms = acc.group("adm");
    let (operator, op_uid, _) = acc.user("o", &[&ops]);
    let (admin, adm_uid, _) = acc.user("a", &[&adms]);
    acc.set_password(&operator, "Sandi-Operator-1");
    acc.set_password(&admin, "Sandi-Admin-1");

    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // P1 prints a card in about three seconds; P2 waits with its cover open.
    let p1 = emulator("EMU-B-1", 0.3, 100);
    let p2 = emulator("EMU-B-2", 0.0, 100);
    p2.set_cover_open(true);
    let s1 = p1.serve_tcp("127.0.0.1:0").unwrap();
    let s2 = p2.serve_tcp("127.0.0.1:0").unwrap();
    let cfg_text = config_text(
        &data,
        &[("P1", s1.uri(), "kia"), ("P2", s2.uri(), "ktp-el")],
        1,
    ) + &format!(
        "\n[authority]\noperator_group = {ops:?}\nadmin_group = {adms:?}\n"
    ) + "\n[dashboard]\nlisten = \"127.0.0.1:0\"\n";
    let config = tmp.path().join("cetak.toml");
    std::fs::write(&config, &cfg_text).unwrap();
    let cfg = cetak::config::Config::parse(&cfg_text, &config).unwrap();
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    stock(
        &mut j,
        &[
            ("P1", BlangkoType::Kia),
            ("P2", BlangkoType::KtpEl),
            ("P9", BlangkoType::Kia),
        ],
        10,
    );
    j.stock_receive(
        BlangkoType::Kia,
        40,
        "LOT-B",
        None,
        &cetak::journal::Actor::admin("t"),
    )
    .unwrap();
    in_doubt(&mut j, "DOUBT-B-1", "P9");
    let spool = cetak::daemon::spool_dir(&cfg);
    let ids = batch_jobs(&spool, "KIA-B", "SDN-CIGADUNG-2", 8);
    let ktp = make_jobs(&spool, "ktp-el.json", "KTP-B", 1);
    let (mut daemon, addr) = daemon_with_dashboard(&config);
    let base = format!("http://{addr}");
    let shots = web::artefacts();

    // The operator signs in with their account in the browser's form.
    let mut b = Browser::start(&chromium, 1366, 768);
    b.open(&format!("{base}/login"));
    b.fill("input[name=user]", &operator);
    b.fill("input[name=password]", "Sandi-Operator-1");
    b.click_to("#sign-in form button", &format!("{base}/"));
    b.wait_for(
        "signed in",
        Duration::from_secs(10),
        "document.querySelector('.who[data-role=operator]')",
    );
    // Live: a card prints and the page shows it without a reload (the mark set on this
    // document survives; the figure comes from a pushed update).
    b.wait_for(
        "live stream",
        Duration::from_secs(30),
        "document.body.dataset.updated",
    );
    b.eval("window.__cetak_same_page = true");
    let before: u64 = shown(&mut b, "P1", "printed").parse().unwrap();
    let more = format!(
        "window.__cetak_same_page && Number(document.querySelector('[data-printer=\"P1\"] dd.printed').textContent) > {before}"
    );
    b.wait_for("a card printed live", Duration::from_secs(120), &more);
    eprintln!(
        "browser: P1 printed {before} → {}",
        shown(&mut b, "P1", "printed")
    );
    b.wait_for(
        "the last card's preview",
        Duration::from_secs(60),
        "(() => { const i = document.querySelector('[data-printer=\"P1\"] .preview img'); return i && i.complete && i.naturalWidth === 320; })()",
    );
    b.wait_for(
        "P2 paused with its actions",
        Duration::from_secs(60),
        "document.querySelector('[data-printer=\"P2\"] button[data-action=retry]:not([disabled])')",
    );
    // Screenshots at a desk screen and a phone, while a printer waits and a job is in doubt.
    b.screenshot(&shots.join("e2e-operator-1366x768.png"));
    b.eval("document.getElementById('doubt').scrollIntoView()");
    b.screenshot(&shots.join("e2e-operator-doubt-1366x768.png"));
    b.viewport(390, 844);
    b.open(&format!("{base}/"));
    b.screenshot(&shots.join("e2e-operator-390x844.png"));
    assert_eq!(
        web::png_size(&shots.join("e2e-operator-390x844.png")),
        (390, 844)
    );
    b.viewport(1366, 768);
    b.open(&format!("{base}/"));
    assert_eq!(
        web::png_size(&shots.join("e2e-operator-1366x768.png")),
        (1366, 768)
    );

    // Load blangko through the form: one movement of 5 into P1's feeder, by the operator (the
    // feeder's balance moves with the cards fed meanwhile, so the movement is what is checked).
    b.fill("form[data-form=load] select[name=printer]", "P1");
    b.fill("form[data-form=load] input[name=count]", "5");
    b.click_to("form[data-form=load] button", &format!("{base}/?done=load"));
    b.wait_for(
        "recorded",
        Duration::from_secs(10),
        "document.querySelector('.flash')",
    );
    let loaded: Vec<_> = j
        .audit_list(0, 100_000)
        .unwrap()
        .into_iter()
        .filter(|a| a.action == "stock.loaded" && a.uid == Some(op_uid))
        .collect();
    assert_eq!(loaded.len(), 1, "{loaded:#?}");
    let detail: serde_json::Value = serde_json::from_str(&loaded[0].detail).unwrap();
    assert_eq!(
        (detail["count"].as_i64(), detail["to"].as_str()),
        (Some(5), Some("feeder:P1")),
        "{detail}"
    );

    // Decide on the paused printer: the cover is shut, then "retry".
    p2.set_cover_open(false);
    b.click_to(
        "[data-printer=\"P2\"] button[data-action=retry]",
        &format!("{base}/?done=act"),
    );
    wait_for(
        "P2 prints after the decision",
        Duration::from_secs(60),
        || state(&j, &ktp[0]) == JobState::Printed,
    );

    // Resolve the job in doubt: printed, with the card number read off the card.
    b.fill(
        "tr[data-job=\"DOUBT-B-1\"] select[name=resolution]",
        "printed",
    );
    b.fill(
        "tr[data-job=\"DOUBT-B-1\"] input[name=card_serial]",
        "KIA-00417",
    );
    b.click_to(
        "button[data-resolve=\"DOUBT-B-1\"]",
        &format!("{base}/?done=doubt"),
    );
    assert_eq!(state(&j, "DOUBT-B-1"), JobState::Printed);
    b.wait_for(
        "no job in doubt",
        Duration::from_secs(10),
        "document.querySelector('#doubt .count').textContent === '0'",
    );

    // The operator has no adjustment form, and the request is refused if sent anyway.
    assert_eq!(
        b.eval("document.querySelector('form[data-form=adjust]') === null"),
        true
    );
    let refused = b.eval(
        "(async () => { const c = document.querySelector('input[name=csrf]').value; \
           const r = await fetch('/stock/adjust', { method: 'POST', \
             headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, \
             body: 'csrf=' + c + '&place=store&type=kia&delta=-1&reason=hitung' }); \
           return [r.status, await r.text()]; })()",
    );
    assert_eq!(refused[0], 403, "{refused}");
    let page = refused[1].as_str().unwrap();
    assert!(
        page.contains("hanya administrator") && page.contains("administrators only"),
        "{page}"
    );

    // Sign out; the administrator signs in and makes the adjustment.
    b.click_to("#sign-out", &format!("{base}/login?out=1"));
    b.fill("input[name=user]", &admin);
    b.fill("input[name=password]", "Sandi-Admin-1");
    b.click_to("#sign-in form button", &format!("{base}/"));
    b.wait_for(
        "admin signed in",
        Duration::from_secs(10),
        "document.querySelector('.who[data-role=admin]')",
    );
    let store_before = j.stock_show().unwrap().types[&BlangkoType::Kia].in_store;
    b.fill("form[data-form=adjust] select[name=place]", "store");
    b.fill("form[data-form=adjust] select[name=type]", "kia");
    b.fill("form[data-form=adjust] input[name=delta]", "-1");
    b.fill(
        "form[data-form=adjust] input[name=reason]",
        "hitung ulang gudang",
    );
    b.click_to(
        "form[data-form=adjust] button",
        &format!("{base}/?done=adjust"),
    );
    assert_eq!(
        j.stock_show().unwrap().types[&BlangkoType::Kia].in_store,
        store_before - 1
    );
    b.viewport(390, 844);
    b.open(&format!("{base}/?lang=en"));
    b.eval("document.getElementById('forms').scrollIntoView()");
    b.screenshot(&shots.join("e2e-admin-forms-390x844.png"));

    // Everyone as who they are in the audit trail.
    let audit = j.audit_list(0, 100_000).unwrap();
    let by = |action: &str, uid: u32| {
        audit
            .iter()
            .any(|a| a.action == action && a.uid == Some(uid))
    };
    assert!(by("stock.loaded", op_uid));
    assert!(by("printer.act", op_uid));
    assert!(by("doubt.resolve", op_uid));
    assert!(by("auth.refused", op_uid));
    assert!(by("stock.adjusted", adm_uid));
    for id in &ids {
        wait_for("the batch printed", Duration::from_secs(120), || {
            state(&j, id) == JobState::Printed
        });
    }
    drop(b);
    assert!(stop_daemon(&mut daemon, Duration::from_secs(30)).success());
}
