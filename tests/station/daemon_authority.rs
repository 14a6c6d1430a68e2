//! Who may do what (issue 11), through the real control socket of the built daemon with real
//! Unix users created for each test (`groupadd`/`useradd`, removed at the end) and the built
//! CLI run as each of them (`setpriv`): an operator loads blangko and decides on a paused
//! printer but is refused an adjustment; an administrator adjusts; a user in neither group is
//! refused everything with a clear message; all three are in the audit trail as who they are.
//! A journal owned by root with mode 0644 stops a daemon running as another user before READY,
//! naming the file and the fix. No command line flag grants a role.
//!
//! Creating users needs root (CI runs as root); elsewhere these tests say so and pass.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::daemon::*;
use cetak::daemon::control::EventView;
use cetak::journal::{BlangkoType, JobState};

/// Folders from `/` to `dir` that others must traverse to reach the socket and the binary.
fn open_to_others(dir: &Path) {
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A station in `dir` for the service user `uid`:`gid`: its data and run folders are its own
/// (0700), the configuration readable by everyone (0644), as the package installs them;
/// printer P1 at `uri` is never reached. Returns (data folder, control socket, config file).
fn service_station(dir: &Path, uid: u32, gid: u32, uri: &str) -> (PathBuf, PathBuf, PathBuf) {
    open_to_others(dir);
    let data = dir.join("data");
    let run = dir.join("run");
    for d in [&data, &run] {
        std::fs::create_dir(d).unwrap();
        std::os::unix::fs::chown(d, Some(uid), Some(gid)).unwrap();
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let socket = run.join("control.sock");
    let text = with_control_socket(
        &config_text(&data, &[("P1", uri.into(), "kia")], 2),
        &socket,
    );
    let config = dir.join("cetak.toml");
    std::fs::write(&config, text).unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    (data, socket, config)
}

#[test]
fn operator_administrator_and_outsider_through_the_socket() {
    if !root_or_skip("operator_administrator_and_outsider_through_the_socket") {
        return;
    }
    let mut acc = Accounts::new();
    let ops = acc.group("op");
    let adms = acc.group("ad");
    let (op, op_uid, _) = acc.user("u1", &[&ops]);
    let (adm, adm_uid, _) = acc.user("u2", &[&adms]);
    let (out, out_uid, _) = acc.user("u3", &[]);

    let emu = emulator("EMU-AUTH-1", 0.0, 100);
    let srv = emu.serve_tcp("127.0.0.1:0").unwrap();
    let tmp = tempfile::tempdir().unwrap();
    open_to_others(tmp.path());
    let data = tmp.path().join("data");
    let socket = tmp.path().join("run/control.sock");
    let text_cfg =
        with_control_socket(&config_text(&data, &[("P1", srv.uri(), "kia")], 2), &socket)
            + &format!("\n[authority]\noperator_group = {ops:?}\nadmin_group = {adms:?}\n");
    let config = tmp.path().join("cetak.toml");
    std::fs::write(&config, text_cfg).unwrap();
    let cfg = cetak::config::Config::load(&config).unwrap();
    // A signed job in a folder the operator can read; she submits it through the daemon.
    let jobs = tmp.path().join("jobs");
    let ids = make_jobs(&jobs, "kia-0-5.json", "KIA-AUTH", 1);
    open_to_others(&jobs);
    let job_file = jobs.join(format!("{}.jws", ids[0]));
    std::fs::set_permissions(&job_file, std::fs::Permissions::from_mode(0o644)).unwrap();

    // No blangko recorded: P1 will pause at its first job ("record `cetak stock load`").
    let mut daemon = start_daemon(&config, Stdio::piped());
    wait_for("socket", Duration::from_secs(60), || socket.exists());
    let job_arg = job_file.to_str().unwrap();
    refused(
        as_user(&out, &socket, "en", &["submit", job_arg]),
        &format!("usermod -aG {ops} {out}"),
    );
    let r = ok(as_user(&op, &socket, "en", &["submit", job_arg]));
    assert!(r.contains(&ids[0]), "{r}");
    let events = |who: &str| -> Vec<EventView> {
        serde_json::from_str(&ok(as_user(who, &socket, "en", &["events", "--json"]))).unwrap()
    };
    wait_for("P1 paused", Duration::from_secs(60), || {
        socket.exists()
            && as_user(&op, &socket, "en", &["events", "--json"])
                .status
                .success()
            && events(&op).len() == 1
    });
    assert!(
        std::fs::metadata(tmp.path().join("run"))
            .unwrap()
            .permissions()
            .mode()
            & 0o005
            == 0o005,
        "the socket's folder is open to every user"
    );

    // The outsider: every request refused, saying how to get a role, in both languages.
    let hint = format!("usermod -aG {ops} {out}");
    for args in [
        &["status"][..],
        &["events"],
        &["stock", "show"],
        &["stock", "load", "--printer", "P1", "--count", "5"],
        &["act", "P1", "retry"],
        &["doubt", "list"],
        &["outbox", "show"],
        &["audit", "verify"],
        &[
            "stock", "adjust", "--type", "kia", "--delta", "5", "--reason", "x",
        ],
    ] {
        let t = refused(as_user(&out, &socket, "en", args), &hint);
        assert!(t.contains(&format!("{out} (uid {out_uid})")), "{t}");
    }
    refused(
        as_user(&out, &socket, "id", &["stock", "show"]),
        "minta administrator menambahkan Anda",
    );

    // The operator may not receive blangko (administrators only)…
    refused(
        as_user(
            &op,
            &socket,
            "en",
            &[
                "stock", "receive", "--type", "kia", "--count", "30", "--lot", "L-1",
            ],
        ),
        &format!("administrators only (group {adms})"),
    );
    // … the administrator does.
    let r = ok(as_user(
        &adm,
        &socket,
        "id",
        &[
            "stock", "receive", "--type", "kia", "--count", "30", "--lot", "L-1",
        ],
    ));
    assert!(r.contains("tercatat"), "{r}");
    // The operator loads 20 into P1's feeder, under her stated name.
    let r = ok(as_user(
        &op,
        &socket,
        "en",
        &[
            "stock",
            "load",
            "--printer",
            "P1",
            "--count",
            "20",
            "--operator",
            "Siti Rahma",
        ],
    ));
    let siti = format!("Siti Rahma (uid {op_uid} {op})");
    assert!(r.contains(&siti), "{r}");
    // An adjustment is refused to the operator, whatever name she states; `--admin` does not
    // even parse.
    refused(
        as_user(
            &op,
            &socket,
            "en",
            &[
                "stock",
                "adjust",
                "--type",
                "kia",
                "--delta",
                "100",
                "--reason",
                "found",
                "--operator",
                "Kepala Dinas",
            ],
        ),
        &format!("{op} (uid {op_uid}) may not adjust stock: administrators only"),
    );
    refused(
        as_user(
            &op,
            &socket,
            "en",
            &[
                "stock", "adjust", "--type", "kia", "--delta", "100", "--reason", "found",
                "--admin",
            ],
        ),
        "--admin",
    );
    refused(
        as_user(&op, &socket, "en", &["outbox", "retry", "--all"]),
        "administrators only",
    );
    // She decides on the paused printer: printing goes on.
    let ev = events(&op).remove(0);
    assert_eq!(ev.printer, "P1");
    let r = ok(as_user(
        &op,
        &socket,
        "en",
        &["act", "P1", "retry", "--event", &ev.id.to_string()],
    ));
    assert!(r.contains(&format!("{op} (uid {op_uid})")), "{r}");
    let j = cetak::daemon::open_journal(&cfg).unwrap();
    wait_settled(&j, &ids, Duration::from_secs(120));
    assert_eq!(state(&j, &ids[0]), JobState::Printed);
    // Reports are the operator's too.
    let shown = ok(as_user(&op, &socket, "en", &["stock", "show"]));
    assert!(shown.contains("feeder P1 (kia): 19"), "{shown}");
    ok(as_user(&op, &socket, "en", &["audit", "verify"]));
    ok(as_user(&op, &socket, "en", &["doubt", "list"]));
    // The administrator adjusts (one blangko missing from the store at the count).
    let r = ok(as_user(
        &adm,
        &socket,
        "en",
        &[
            "stock",
            "adjust",
            "--type",
            "kia",
            "--delta",
            "-1",
            "--reason",
            "hitung ulang",
        ],
    ));
    assert!(r.contains(&format!("{adm} (uid {adm_uid})")), "{r}");
    let report = j.stock_show().unwrap();
    assert_eq!(report.types[&BlangkoType::Kia].adjustments, -1);
    assert_eq!(report.types[&BlangkoType::Kia].in_store, 9);

    assert!(stop_daemon(&mut daemon, Duration::from_secs(60)).success());

    // The audit trail names all three as who they are: uid, user name, role.
    let audit = j.audit_list(0, 10_000).unwrap();
    assert!(j.audit_verify().unwrap().is_ok());
    let of = |uid: u32| audit.iter().filter(move |a| a.uid == Some(uid));
    assert!(of(out_uid).count() >= 1);
    for a in of(out_uid) {
        assert_eq!(
            (a.action.as_str(), a.role.as_str(), a.user.as_deref()),
            ("auth.refused", "none", Some(out.as_str())),
            "{a:?}"
        );
    }
    assert!(of(out_uid).any(|a| a.subject == "stock.adjust"));
    assert!(of(op_uid).all(|a| a.role == "operator" && a.user.as_deref() == Some(op.as_str())));
    assert!(
        of(op_uid).any(|a| a.action == "auth.refused" && a.subject == "stock.adjust"),
        "the operator's refused adjustment is on record"
    );
    assert!(of(op_uid).any(|a| a.action == "printer.act"));
    assert!(of(op_uid).any(|a| a.action == "job.submit" && a.subject == ids[0]));
    assert!(of(op_uid).any(|a| a.actor == siti && a.subject.contains("feeder:P1")));
    assert!(of(adm_uid).all(|a| a.role == "admin" && a.user.as_deref() == Some(adm.as_str())));
    assert!(of(adm_uid).any(|a| a.detail.contains("hitung ulang")));
    assert!(of(adm_uid).count() >= 2, "receive and adjust");
    // Nothing changed the books but what was allowed.
    assert!(j.stock_verify().unwrap().is_ok());
}

/// A datagram socket standing in for systemd's notify socket.
struct Notify {
    sock: UnixDatagram,
    path: PathBuf,
}

impl Notify {
    fn new(dir: &Path) -> Notify {
        let path = dir.join("notify.sock");
        let sock = UnixDatagram::bind(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
        sock.set_nonblocking(true).unwrap();
        Notify { sock, path }
    }

    /// Every message received so far.
    fn drain(&self) -> String {
        let mut all = String::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = self.sock.recv(&mut buf) {
            all.push_str(&String::from_utf8_lossy(&buf[..n]));
            all.push('\n');
        }
        all
    }
}

#[test]
fn a_root_owned_journal_stops_the_daemon_before_ready_naming_file_and_fix() {
    if !root_or_skip("a_root_owned_journal_stops_the_daemon_before_ready_naming_file_and_fix") {
        return;
    }
    let mut acc = Accounts::new();
    let (svc, svc_uid, svc_gid) = acc.user("sv", &[]);
    let tmp = tempfile::tempdir().unwrap();
    let (data, socket, config) =
        service_station(tmp.path(), svc_uid, svc_gid, "emu://authority-unused");
    // `cetak stock receive` run by root before the first daemon start, as in the issue: the
    // journal is root's, 0644.
    let journal = cetak::daemon::journal_path(&data);
    {
        let mut j = cetak::journal::Journal::open(&journal).unwrap();
        j.stock_receive(
            BlangkoType::Kia,
            10,
            "L-ROOT",
            None,
            &cetak::journal::Actor::admin("root"),
        )
        .unwrap();
        j.checkpoint().unwrap();
    }
    std::fs::set_permissions(&journal, std::fs::Permissions::from_mode(0o644)).unwrap();
    let notify = Notify::new(tmp.path());

    let start = || {
        Command::new("setpriv")
            .arg(format!("--reuid={svc_uid}"))
            .arg(format!("--regid={svc_gid}"))
            .arg("--clear-groups")
            .arg("--")
            .arg(env!("CARGO_BIN_EXE_cetak"))
            .args(["daemon", "--config"])
            .arg(&config)
            .env("NOTIFY_SOCKET", &notify.path)
            .env("CETAK_LOG", "warn")
            .env_remove("CETAK_LANG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let err = refused_start(start(), Duration::from_secs(30));
    let jp = journal.display().to_string();
    assert!(
        err.contains(&format!("{jp} dimiliki root (uid 0)")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{jp} is owned by root (uid 0)")),
        "{err}"
    );
    assert!(
        err.contains(&format!("chown {svc}: {jp} && chmod 0600 {jp}")),
        "the fix is named: {err}"
    );
    assert!(!notify.drain().contains("READY=1"), "no READY");
    assert!(!socket.exists(), "nothing was bound");

    // The fix as named works for the journal; a spool folder root made (open to all, so the
    // daemon could even write it) is refused the same way: nothing of the data directory may
    // belong to another user.
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", journal.display()));
        if p.exists() {
            std::os::unix::fs::chown(&p, Some(svc_uid), Some(svc_gid)).unwrap();
        }
    }
    let spool = data.join("spool");
    std::fs::create_dir(&spool).unwrap();
    std::os::unix::fs::chown(&spool, Some(svc_uid), Some(svc_gid)).unwrap();
    let done = spool.join("done");
    std::fs::create_dir(&done).unwrap();
    std::fs::set_permissions(&done, std::fs::Permissions::from_mode(0o777)).unwrap();
    let err = refused_start(start(), Duration::from_secs(30));
    assert!(
        err.contains(&format!("chown -R {svc}: {}", done.display())),
        "{err}"
    );
    assert!(!notify.drain().contains("READY=1"), "no READY");
    std::os::unix::fs::chown(&done, Some(svc_uid), Some(svc_gid)).unwrap();

    // Then the same daemon starts and says READY.
    let mut daemon = start();
    let begun = Instant::now();
    let mut said = String::new();
    while !said.contains("READY=1") {
        assert!(
            begun.elapsed() < Duration::from_secs(60),
            "no READY after the fix: {said}"
        );
        assert!(daemon.try_wait().unwrap().is_none(), "daemon exited");
        std::thread::sleep(Duration::from_millis(50));
        said.push_str(&notify.drain());
    }
    // Its journal and spool are private now (narrowed at start).
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&journal), 0o600);
    assert_eq!(mode(&done), 0o700);
    assert!(stop_daemon(&mut daemon, Duration::from_secs(60)).success());
}

#[test]
fn no_command_line_flag_or_request_field_grants_a_role() {
    use clap::CommandFactory;
    // Every flag of every subcommand: none names a role or an identity to assume.
    fn walk(cmd: &clap::Command, path: &str, found: &mut Vec<String>) {
        for a in cmd.get_arguments() {
            let names: Vec<String> = a
                .get_long_and_visible_aliases()
                .unwrap_or_default()
                .into_iter()
                .map(str::to_string)
                .chain(a.get_env().map(|e| e.to_string_lossy().to_lowercase()))
                .collect();
            for n in names {
                let n = n.to_lowercase();
                if [
                    "admin",
                    "role",
                    "root",
                    "sudo",
                    "privilege",
                    "uid",
                    "group",
                    "as-user",
                ]
                .iter()
                .any(|bad| n.contains(bad))
                {
                    found.push(format!("{path} --{n}"));
                }
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), found);
        }
    }
    let mut found = Vec::new();
    walk(&cetak::cli::Cli::command(), "cetak", &mut found);
    assert!(found.is_empty(), "flags that look like a role: {found:?}");
    // `--operator` is there, and only as a stated name.
    let cmd = cetak::cli::Cli::command();
    let stock = cmd.find_subcommand("stock").unwrap();
    let op = stock
        .get_arguments()
        .find(|a| a.get_id() == "operator")
        .expect("--operator stays");
    assert!(op.get_help().unwrap().to_string().contains("name"));

    // The request bodies refuse a field that would claim a role.
    for body in [
        r#"{"blangko_type":"kia","delta":5,"reason":"x","role":"admin"}"#,
        r#"{"blangko_type":"kia","delta":5,"reason":"x","admin":true}"#,
    ] {
        assert!(serde_json::from_str::<cetak::daemon::control::AdjustRequest>(body).is_err());
    }
    assert!(
        serde_json::from_str::<cetak::daemon::control::RetryRequest>(r#"{"event":null,"uid":0}"#)
            .is_err()
    );
}

#[test]
fn offline_is_for_root_and_the_service_user_and_leaves_nothing_to_root() {
    if !root_or_skip("offline_is_for_root_and_the_service_user_and_leaves_nothing_to_root") {
        return;
    }
    let mut acc = Accounts::new();
    let (svc, svc_uid, svc_gid) = acc.user("sv", &[]);
    let (other, _, _) = acc.user("ot", &[]);
    let tmp = tempfile::tempdir().unwrap();
    let (data, socket, config) =
        service_station(tmp.path(), svc_uid, svc_gid, "emu://offline-unused");
    let root_cli = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cetak"))
            .args(["--lang", "en"])
            .args(args)
            .arg("--config")
            .arg(&config)
            .env_remove("CETAK_SOCKET")
            .output()
            .unwrap()
    };
    let as_offline = |user: &str, args: &[&str]| {
        cli_as(user, "en", args)
            .arg("--config")
            .arg(&config)
            .output()
            .unwrap()
    };

    // Root, before the first daemon start (the issue's case): the journal is made as the
    // service user, private, and the record names root.
    let r = ok(root_cli(&[
        "stock",
        "receive",
        "--offline",
        "--type",
        "kia",
        "--count",
        "5",
        "--lot",
        "L-1",
    ]));
    assert!(r.contains("(uid 0"), "{r}");
    for entry in std::fs::read_dir(&data).unwrap() {
        let e = entry.unwrap();
        let meta = e.metadata().unwrap();
        use std::os::unix::fs::MetadataExt;
        assert_eq!(
            meta.uid(),
            svc_uid,
            "{:?} is not the service user's",
            e.path()
        );
        if meta.is_file() {
            assert_eq!(meta.mode() & 0o077, 0, "{:?} readable by others", e.path());
        }
    }
    // Root writes an exported bundle where only root may (its ids come back after the journal).
    let private = tmp.path().join("root-only");
    std::fs::create_dir(&private).unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o700)).unwrap();
    let bundle = private.join("out.json");
    ok(root_cli(&["export", "--offline", bundle.to_str().unwrap()]));
    assert!(bundle.exists());
    // The service user itself may; anyone else may not.
    let shown = ok(as_offline(&svc, &["stock", "show", "--offline"]));
    assert!(shown.contains("kia"), "{shown}");
    refused(
        as_offline(&other, &["stock", "show", "--offline"]),
        "--offline is for root or the service user",
    );

    // With the daemon running (as the service user), --offline is refused to root too.
    let mut daemon = Command::new("setpriv")
        .arg(format!("--reuid={svc_uid}"))
        .arg(format!("--regid={svc_gid}"))
        .arg("--clear-groups")
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_cetak"))
        .args(["daemon", "--config"])
        .arg(&config)
        .env("CETAK_LOG", "warn")
        .env_remove("NOTIFY_SOCKET")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for("daemon socket", Duration::from_secs(60), || {
        std::os::unix::net::UnixStream::connect(&socket).is_ok()
    });
    refused(
        root_cli(&["stock", "show", "--offline"]),
        "the daemon is running",
    );
    // Without --offline root goes through the daemon, as an administrator.
    let shown = ok(root_cli(&["stock", "show"]));
    assert!(shown.contains("kia"), "{shown}");
    assert!(stop_daemon(&mut daemon, Duration::from_secs(60)).success());
    let _ = svc;
}
