//! The control channel end to end: the built daemon serving its Unix socket, the built CLI
//! (`cetak status`, `cetak events`, `cetak act`) deciding on paused printers, the operator
//! recorded in the journal and the audit trail, low-stock alerts visible in the status.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::daemon::*;
use cetak::daemon::control::{EventView, StatusView};
use cetak::journal::{BlangkoType, JobState};
use cetak_drivers::emulator::Faults;

fn status(config: &Path) -> StatusView {
    serde_json::from_str(&cli_ok(config, &["status", "--json"])).unwrap()
}

fn events(config: &Path) -> Vec<EventView> {
    serde_json::from_str(&cli_ok(config, &["events", "--json"])).unwrap()
}

/// The test process's user name and primary group name (the peer the daemon will see).
fn me() -> (u32, String, String) {
    let uid = nix::unistd::getuid();
    let user = nix::unistd::User::from_uid(uid).unwrap().unwrap().name;
    let group = nix::unistd::Group::from_gid(nix::unistd::getgid())
        .unwrap()
        .unwrap()
        .name;
    (uid.as_raw(), user, group)
}

struct Site {
    _tmp: tempfile::TempDir,
    config: PathBuf,
    socket: PathBuf,
}

fn site(printers: &[(&str, String, &str)], extra_policy: &str) -> Site {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let socket = tmp.path().join("run/control.sock");
    let text = with_control_socket(
        &config_text(&data, printers, 2)
            .replace("[policy]\n", &format!("[policy]\n{extra_policy}")),
        &socket,
    );
    let config = tmp.path().join("cetak.toml");
    std::fs::write(&config, text).unwrap();
    Site {
        _tmp: tmp,
        config,
        socket,
    }
}

#[test]
fn operators_decide_on_paused_printers_through_the_socket() {
    let p1 = emulator("EMU-C-1", 0.0, 100);
    let p2 = emulator("EMU-C-2", 0.0, 100);
    // P1 jams on its first card; P2 has its cover open from the start.
    p1.set_faults(Faults {
        jam_at_panel: Some(3),
        ..Faults::default()
    });
    p2.set_cover_open(true);
    let s1 = p1.serve_tcp("127.0.0.1:0").unwrap();
    let s2 = p2.serve_tcp("127.0.0.1:0").unwrap();
    let (uid, user, _group) = me();
    let site = site(
        &[("P1", s1.uri(), "kia"), ("P2", s2.uri(), "ktp-el")],
        // 20 cards per feeder are below this: a low-stock alert from the start.
        "low_stock_feeder = 50\n",
    );
    let cfg = cetak::config::Config::load(&site.config).unwrap();
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    stock(
        &mut j,
        &[("P1", BlangkoType::Kia), ("P2", BlangkoType::KtpEl)],
        20,
    );
    let spool = cetak::daemon::spool_dir(&cfg);
    let kia = make_jobs(&spool, "kia-0-5.json", "KIA-C", 3);
    let ktp = make_jobs(&spool, "ktp-el.json", "KTP-C", 2);
    // A socket file left by a killed daemon is replaced.
    std::fs::create_dir_all(site.socket.parent().unwrap()).unwrap();
    drop(std::os::unix::net::UnixListener::bind(&site.socket).unwrap());

    let mut daemon = start_daemon(&site.config, Stdio::piped());
    wait_for("two operator events", Duration::from_secs(60), || {
        cli(&site.config, &["events", "--json"]).status.success() && events(&site.config).len() == 2
    });
    // Socket: mode 0666 (every local user reaches the daemon, which decides from the groups).
    let meta = std::fs::metadata(&site.socket).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o666);

    // A user in neither group connects and is refused with a clear message, and the refusal is
    // audited as who it is (only checked when the test runs as root and can switch to
    // `nobody`; tests/station/daemon_authority.rs covers the roles with users of its own).
    if uid == 0 && Path::new("/usr/sbin/runuser").exists() {
        let open = std::fs::Permissions::from_mode(0o755);
        std::fs::set_permissions(site._tmp.path(), open.clone()).unwrap();
        std::fs::set_permissions(site.socket.parent().unwrap(), open).unwrap();
        let o = Command::new("/usr/sbin/runuser")
            .args(["-u", "nobody", "--"])
            .arg(env!("CARGO_BIN_EXE_cetak"))
            .args(["--lang", "en", "status", "--socket"])
            .arg(&site.socket)
            .output()
            .unwrap();
        assert!(!o.status.success(), "{}", text(&o));
        assert!(
            text(&o).contains("usermod -aG cetak-operator nobody"),
            "{}",
            text(&o)
        );
        let refused: Vec<_> = j
            .audit_list(0, 10_000)
            .unwrap()
            .into_iter()
            .filter(|a| a.action == "auth.refused")
            .collect();
        assert_eq!(refused.len(), 1, "{refused:?}");
        assert_eq!(refused[0].user.as_deref(), Some("nobody"));
        assert_eq!(refused[0].role, "none");
    } else {
        eprintln!("not root: the non-member check is skipped");
    }

    // A second daemon on the same station refuses to start and leaves the socket alone.
    // It says so in the operator's language (Bahasa Indonesia by default), from the catalogue.
    let second = start_daemon(&site.config, Stdio::piped());
    let err = refused_start(second, Duration::from_secs(30));
    assert!(
        err.contains("sedang dipakai: daemon cetak lain sedang berjalan")
            && !err.contains("another cetak daemon"),
        "{err}"
    );
    assert!(site.socket.exists());

    let ev = events(&site.config);
    let jam = ev.iter().find(|e| e.printer == "P1").unwrap().clone();
    let cover = ev.iter().find(|e| e.printer == "P2").unwrap().clone();
    assert_eq!(jam.allowed, vec!["spoiled"]);
    assert!(cover.allowed.contains(&"retry".to_string()));

    // The status shows the paused printers, their events, the queue and the low-stock alert.
    let st = status(&site.config);
    assert_eq!(st.station_id, "TEST-01");
    let p = |id: &str| st.printers.iter().find(|p| p.id == id).unwrap().clone();
    assert_eq!(p("P1").state, "paused");
    assert_eq!(p("P1").event_id, Some(jam.id));
    assert_eq!(p("P2").state, "paused");
    assert_eq!(st.events.len(), 2);
    assert!(st.queue.values().sum::<u64>() >= 5, "{:?}", st.queue);
    assert!(
        st.alerts
            .iter()
            .any(|a| a.kind == "low_stock_feeder" && a.key == "feeder:P1"),
        "{:?}",
        st.alerts
    );
    assert!(st.alerts.iter().any(|a| a.kind == "printer_fault"));
    let table = cli_ok(&site.config, &["status"]);
    assert!(table.contains("menunggu operator"), "{table}");
    assert!(table.contains("feeder printer P1 hampir kosong"), "{table}");
    let table_en = cli_ok(&site.config, &["--lang", "en", "status"]);
    assert!(table_en.contains("feeder of printer P1 low"), "{table_en}");
    // Each job state comes with the application status staff know (seed 000).
    assert!(
        table.contains(" [diproses — pencetakan dan personalisasi] ")
            || table.contains(" [disetujui] "),
        "{table}"
    );
    assert!(
        table_en.contains(" [in process — printing and personalisation] ")
            || table_en.contains(" [approved] "),
        "{table_en}"
    );

    // Refusals are clear and change nothing: retry on a jam, an unknown printer, a stale event.
    let o = cli(&site.config, &["act", "P1", "retry"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("tidak diizinkan"), "{}", text(&o));
    let o = cli(&site.config, &["--lang", "en", "act", "P9", "retry"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("unknown printer"), "{}", text(&o));
    let stale = (cover.id + 100).to_string();
    let o = cli(
        &site.config,
        &["--lang", "en", "act", "P2", "retry", "--event", &stale],
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("no longer pending"), "{}", text(&o));

    // The operator takes the jammed card out and says so, with her name.
    let jammed = jam.job_id.clone().unwrap();
    let out = cli_ok(
        &site.config,
        &[
            "act",
            "P1",
            "spoiled",
            "--operator",
            "Siti Rahma",
            "--event",
            &jam.id.to_string(),
        ],
    );
    let label = format!("Siti Rahma (uid {uid} {user})");
    assert!(out.contains(&label), "{out}");
    // The same event cannot be decided twice.
    let o = cli(&site.config, &["act", "P1", "spoiled"]);
    assert!(!o.status.success(), "{}", text(&o));

    // P2: the cover is closed, the operator (no stated name) says retry.
    p2.set_cover_open(false);
    cli_ok(&site.config, &["act", "P2", "retry"]);
    let all: Vec<String> = kia.iter().chain(&ktp).cloned().collect();
    wait_settled(&j, &all, Duration::from_secs(120));
    for id in &all {
        assert_eq!(state(&j, id), JobState::Printed, "{id}");
    }
    let st = status(&site.config);
    assert!(st.events.is_empty());
    assert_eq!(st.queue.get("printed"), Some(&5));
    assert_eq!(st.cards_printed, 5);
    assert!(!st.alerts.iter().any(|a| a.kind == "printer_fault"));
    // The ribbon each worker read after its cards; no link configured, so no server line.
    for p in &st.printers {
        assert!(p.ribbon_cards_left.is_some(), "{p:?}");
    }
    assert!(st.link.is_none());
    let table = cli_ok(&site.config, &["status"]);
    assert!(table.contains("sisa pita"), "{table}");
    assert!(!table.contains("Server:"), "{table}");

    assert!(stop_daemon(&mut daemon, Duration::from_secs(60)).success());
    assert!(!site.socket.exists(), "socket removed at stop");

    // The journal names the operator on the spoil and in the audit trail.
    let h = j.job_history(&jammed).unwrap();
    let spoil = h.iter().find(|e| e.step == "spoil").unwrap();
    assert_eq!(spoil.operator.as_deref(), Some(label.as_str()));
    let audit = j.audit_list(0, 10_000).unwrap();
    let acts: Vec<_> = audit.iter().filter(|a| a.action == "printer.act").collect();
    assert_eq!(acts.len(), 2, "{acts:?}");
    assert!(acts
        .iter()
        .any(|a| a.actor == label && a.subject == "P1" && a.detail.contains("spoiled")));
    assert!(acts
        .iter()
        .any(|a| a.actor == format!("{user} (uid {uid})") && a.subject == "P2"));
    assert!(j.audit_verify().unwrap().is_ok());
    assert!(j.stock_verify().unwrap().is_ok());

    // Perubahan elemen data from the CLI: one printed card written off and printed again, one
    // superseded by a newer job; a note is required; the ledger still balances.
    let write_off = [
        "stock",
        "spoil",
        "--offline",
        "--job",
        &kia[1],
        "--category",
        "perubahan-elemen-data",
    ];
    let o = cli(&site.config, &write_off);
    assert!(!o.status.success(), "{}", text(&o));
    let out = cli_ok(
        &site.config,
        &[
            &write_off[..],
            &["--note", "alamat berubah", "--operator", "siti"],
        ]
        .concat(),
    );
    assert!(out.contains("antre"), "{out}");
    assert_eq!(state(&j, &kia[1]), JobState::Queued);
    let out = cli_ok(
        &site.config,
        &[
            "--lang",
            "en",
            "stock",
            "spoil",
            "--offline",
            "--job",
            &kia[2],
            "--category",
            "perubahan-elemen-data",
            "--note",
            "nama dikoreksi",
            "--replaced-by",
            "KIA-C-NEW",
        ],
    );
    assert!(out.contains("superseded"), "{out}");
    let verify = cli_ok(&site.config, &["stock", "verify", "--offline"]);
    assert!(verify.contains("stok seimbang"), "{verify}");
    let report = j.stock_show().unwrap();
    assert_eq!(
        report.types[&BlangkoType::Kia].spoiled_by_category
            [&cetak::journal::SpoilCategory::PerubahanElemenData],
        2
    );

    // With the daemon gone the CLI says so, in both languages, and exits non-zero.
    let o = cli(&site.config, &["status"]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("daemon cetak tidak berjalan"),
        "{}",
        text(&o)
    );
    let o = cli(&site.config, &["--lang", "en", "act", "P1", "retry"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("not running"), "{}", text(&o));
}

#[test]
fn outbox_cli_lists_refused_events_and_root_offline_sends_them_again() {
    let s = site(&[("P1", "emu://outbox-cli-unused".into(), "kia")], "");
    let cfg = cetak::config::Config::load(&s.config).unwrap();
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    j.raise_alert("tamper", "P1", "en", "id").unwrap();
    let ev = j.outbox_pending(1).unwrap().remove(0).event_id;
    assert!(j
        .outbox_refuse(&ev, "HTTP 422 (invalid_event): bad")
        .unwrap());

    // No daemon: the CLI says so, and names --offline.
    let o = cli(&s.config, &["--lang", "en", "outbox", "show"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("not running"), "{}", text(&o));
    assert!(text(&o).contains("--offline"), "{}", text(&o));
    if !nix::unistd::getuid().is_root() {
        eprintln!("not root: --offline is refused to other users; the rest is skipped");
        return;
    }
    let shown = cli_ok(&s.config, &["outbox", "show", "--offline"]);
    assert!(shown.contains(&ev), "{shown}");
    assert!(shown.contains("ditolak"), "{shown}");
    assert!(shown.contains("HTTP 422"), "{shown}");

    let o = cli(&s.config, &["outbox", "retry", "--offline"]);
    assert!(!o.status.success(), "an event or --all is required");
    // The administrator flag is gone: no command line flag grants a role.
    let o = cli(&s.config, &["outbox", "retry", &ev, "--admin", "--offline"]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("--admin"), "{}", text(&o));
    assert_eq!(j.outbox_refused_count().unwrap(), 1);

    cli_ok(
        &s.config,
        &["outbox", "retry", &ev, "--offline", "--operator", "adm1"],
    );
    assert_eq!(j.outbox_refused_count().unwrap(), 0);
    assert_eq!(j.outbox_pending(1).unwrap()[0].event_id, ev);
    let audit = j.audit_list(0, 100).unwrap();
    let root = nix::unistd::User::from_uid(0.into()).unwrap().unwrap().name;
    assert!(
        audit.iter().any(|a| a.action == "event_retry"
            && a.actor == format!("adm1 (uid 0 {root})")
            && a.uid == Some(0)
            && a.role == "admin"),
        "{audit:?}"
    );
}
