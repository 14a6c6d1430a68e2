//! The dashboard over HTTPS (`[dashboard] tls_cert`/`tls_key`), what the configuration refuses
//! at load, token issue and revoke in the audit trail, and `account_sign_in = false`; each
//! against the built daemon or CLI. The certificate is self-signed and made here (rcgen), as in
//! `tests/link/link_push_tls.rs`; the client is rustls trusting only that certificate.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::Duration;

use crate::support::daemon::*;
use crate::support::web;

/// A self-signed certificate for 127.0.0.1 and its key, written as PEM files under `dir`;
/// returns (cert path, key path, the certificate's DER for the client's trust store).
fn certificate(dir: &Path) -> (PathBuf, PathBuf, Vec<u8>) {
    let ck = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let (cert, key) = (dir.join("dashboard.crt"), dir.join("dashboard.key"));
    std::fs::write(&cert, ck.cert.pem()).unwrap();
    std::fs::write(&key, ck.signing_key.serialize_pem()).unwrap();
    (cert, key, ck.cert.der().to_vec())
}

/// A station with one emulated printer and `dashboard` as its `[dashboard]` table; returns the
/// config path and the printer's server (kept alive by the caller).
fn station(tmp: &Path, dashboard: &str) -> (PathBuf, cetak_drivers::emulator::TcpServer) {
    let p1 = emulator("EMU-TLS-1", 0.0, 10);
    let s1 = p1.serve_tcp("127.0.0.1:0").unwrap();
    let text = config_text(&tmp.join("data"), &[("P1", s1.uri(), "kia")], 1)
        + "\n[dashboard]\n"
        + dashboard;
    let config = tmp.join("cetak.toml");
    std::fs::write(&config, &text).unwrap();
    let cfg = cetak::config::Config::parse(&text, &config).unwrap();
    drop(cetak::daemon::open_journal(&cfg).unwrap());
    (config, s1)
}

/// `tls_cert`/`tls_key` lines for the files.
fn tls_keys(cert: &Path, key: &Path) -> String {
    format!(
        "tls_cert = {:?}\ntls_key = {:?}\n",
        cert.display().to_string(),
        key.display().to_string()
    )
}

/// Starts the built daemon and reads the dashboard's URL from its log (`scheme://addr`).
fn daemon_at(config: &Path, scheme: &str) -> (std::process::Child, String) {
    let mut daemon = start_daemon(config, Stdio::piped());
    let stderr = daemon.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let prefix = format!("{scheme}://");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("dashboard") {
                if let Some(rest) = line.split(prefix.as_str()).nth(1) {
                    let _ = tx.send(rest.trim_end_matches('/').to_string());
                }
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the dashboard's address in the daemon's log");
    (daemon, addr)
}

fn stop(mut daemon: std::process::Child) {
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(daemon.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    assert!(wait_exit(&mut daemon, Duration::from_secs(60)).success());
}

/// One HTTPS request (`method path`, extra header lines, body) to `addr` with a rustls client
/// that trusts only `cert_der`, for the name 127.0.0.1; (head, body).
fn https(
    addr: &str,
    cert_der: &[u8],
    method: &str,
    path: &str,
    headers: &[&str],
    body: &str,
) -> (String, String) {
    use rustls::pki_types::{CertificateDer, ServerName};
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from(cert_der.to_vec())).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from("127.0.0.1").unwrap();
    let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let sock = TcpStream::connect(addr).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut tls = rustls::StreamOwned::new(conn, sock);
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if !body.is_empty() {
        req.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    for h in headers {
        req.push_str(h);
        req.push_str("\r\n");
    }
    req.push_str("\r\n");
    req.push_str(body);
    tls.write_all(req.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match tls.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            // A server that closes without close_notify: what came is the answer.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => panic!("HTTPS {path}: {e}"),
        }
    }
    let raw = String::from_utf8_lossy(&bytes);
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    (head.to_string(), body.to_string())
}

/// The `Set-Cookie: cetak_session=…` line of a head.
fn session_set_cookie(head: &str) -> String {
    head.lines()
        .find(|l| l.to_lowercase().starts_with("set-cookie: cetak_session="))
        .unwrap_or_else(|| panic!("no session cookie: {head}"))
        .to_string()
}

fn cookie_header(set: &str) -> String {
    format!(
        "Cookie: {}",
        set.split_once(": ").unwrap().1.split(';').next().unwrap()
    )
}

/// `cetak [--lang LANG] ARGS… --config CONFIG`.
fn cetak(lang: &str, args: &[&str], config: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cetak"))
        .args(["--lang", lang])
        .args(args)
        .arg("--config")
        .arg(config)
        .env_remove("CETAK_LANG")
        .output()
        .unwrap()
}

fn first_line(o: &Output) -> String {
    assert!(o.status.success(), "{}", text(o));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .next()
        .unwrap()
        .to_string()
}

/// The name of the user running the tests (an administrator of a station whose data folder it
/// owns).
fn me() -> String {
    nix::unistd::User::from_uid(nix::unistd::getuid())
        .unwrap()
        .unwrap()
        .name
}

#[test]
fn the_dashboard_serves_https_on_any_address_and_every_person_signs_in() {
    let tmp = tempfile::tempdir().unwrap();
    let (cert, key, der) = certificate(tmp.path());
    let (config, _printer) = station(
        tmp.path(),
        &format!("listen = \"0.0.0.0:0\"\n{}", tls_keys(&cert, &key)),
    );
    let (daemon, printed) = daemon_at(&config, "https");
    // Listening on every address; this client comes over loopback.
    let port = printed.rsplit(':').next().unwrap();
    assert!(printed.starts_with("0.0.0.0:"), "{printed}");
    let addr = format!("127.0.0.1:{port}");
    let get = |path: &str, headers: &[&str]| https(&addr, &der, "GET", path, headers, "");

    let (head, metrics) = get("/metrics", &[]);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(metrics.contains("cetak_cards_printed_total"), "{metrics}");
    let lower = head.to_lowercase();
    assert!(
        lower.contains("strict-transport-security: max-age=31536000"),
        "{head}"
    );
    let (head, login) = get("/login", &[]);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        login.contains("name=\"password\"") && login.contains("name=\"token\""),
        "{login}"
    );

    // Plain HTTP to the HTTPS port: no page, and the port still serves HTTPS afterwards.
    let mut plain = TcpStream::connect(&addr).unwrap();
    plain
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    plain
        .write_all(
            format!("GET /login HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .unwrap();
    let mut answer = Vec::new();
    let _ = plain.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        !answer.starts_with("HTTP/") && !answer.contains("<form"),
        "{answer}"
    );
    assert!(get("/metrics", &[]).0.starts_with("HTTP/1.1 200"));

    // Unsigned: nothing but the sign-in page and /metrics.
    let (head, _) = get("/", &[]);
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");

    // Signed in with a token: the cookie is Secure; the page and a report download follow.
    let token = first_line(&cetak(
        "en",
        &["dashboard", "token", "issue", &me()],
        &config,
    ));
    let (head, _) = https(
        &addr,
        &der,
        "POST",
        "/login",
        &[],
        &format!("token={token}"),
    );
    assert!(head.starts_with("HTTP/1.1 303"), "{head}");
    let set = session_set_cookie(&head);
    for attr in ["HttpOnly", "SameSite=Strict", "Secure"] {
        assert!(set.contains(attr), "{attr} missing: {set}");
    }
    let cookie = cookie_header(&set);
    let (head, page) = get("/", &[&cookie]);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(page.contains("data-printer=\"P1\""), "{page}");
    let (head, csv) = get(
        "/reports/stock?from=2026-01-01&to=2026-01-31&format=csv",
        &[&cookie],
    );
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.contains("text/csv"), "{head}");
    assert!(!csv.is_empty());
    // The language cookie is Secure too.
    let (head, _) = get("/?lang=en", &[&cookie]);
    let lang = head
        .lines()
        .find(|l| l.to_lowercase().starts_with("set-cookie: lang=en"))
        .unwrap_or_else(|| panic!("{head}"));
    assert!(lang.contains("Secure"), "{lang}");
    stop(daemon);
}

#[test]
fn the_kernel_names_the_caller_on_plain_loopback_only_never_over_tls() {
    let tmp = tempfile::tempdir().unwrap();
    let (cert, key, der) = certificate(tmp.path());
    let report = "/reports/stock?from=2026-01-01&to=2026-01-31&format=csv";
    // Plain loopback: this test's user (the station's administrator: it owns the data folder)
    // is named from the kernel's socket table, reads the page and downloads a report.
    let (config, _printer) = station(tmp.path(), "listen = \"127.0.0.1:0\"\n");
    let (daemon, addr) = daemon_at(&config, "http");
    let (head, _) = web::get(&addr, "/", &[]);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(!head.to_lowercase().contains("strict-transport-security"));
    assert!(web::get(&addr, report, &[]).0.starts_with("HTTP/1.1 200"));
    let token = first_line(&cetak(
        "en",
        &["dashboard", "token", "issue", &me()],
        &config,
    ));
    let (head, _) = web::post_form(&addr, "/login", &format!("token={token}"), &[]);
    let set = session_set_cookie(&head);
    assert!(set.contains("HttpOnly") && !set.contains("Secure"), "{set}");
    stop(daemon);

    // The same station over TLS on the same loopback address: nobody is named by the kernel;
    // the same user gets nothing without signing in.
    let text = std::fs::read_to_string(&config).unwrap() + &tls_keys(&cert, &key);
    std::fs::write(&config, text).unwrap();
    let (daemon, addr) = daemon_at(&config, "https");
    let get = |path: &str| https(&addr, &der, "GET", path, &[], "");
    let (head, body) = get("/");
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");
    assert!(body.contains("please sign in at /login"), "{body}");
    let (head, body) = get(report);
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");
    assert!(body.contains("unknown_caller"), "{body}");
    let (head, _) = get("/events");
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");
    stop(daemon);
}

/// `cetak daemon` on `config`: it must exit non-zero before serving; its error output.
fn refused_at_start(config: &Path, lang: &str) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_cetak"))
        .args(["--lang", lang, "daemon", "--config"])
        .arg(config)
        .env("CETAK_LOG", "warn")
        .env_remove("NOTIFY_SOCKET")
        .env_remove("CETAK_LANG")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!o.status.success(), "the daemon started: {}", text(&o));
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn the_configuration_refuses_an_open_address_without_tls_and_a_bad_pair() {
    let tmp = tempfile::tempdir().unwrap();
    let (cert, key, _) = certificate(tmp.path());
    let other = tempfile::tempdir().unwrap();
    let (_, other_key, _) = certificate(other.path());
    let not_pem = tmp.path().join("not.pem");
    std::fs::write(&not_pem, "this is not a certificate\n").unwrap();
    let base = config_text(
        &tmp.path().join("data"),
        &[("P1", "emu://x".into(), "kia")],
        1,
    );
    let config = tmp.path().join("cetak.toml");
    let with = |dashboard: &str| {
        std::fs::write(&config, format!("{base}\n[dashboard]\n{dashboard}")).unwrap();
        &config
    };

    // An address other computers reach, in clear: refused, saying what to do, in each language.
    let c = with("listen = \"0.0.0.0:8470\"\n");
    let id = refused_at_start(c, "id");
    assert!(id.contains("dashboard.listen"), "{id}");
    assert!(
        id.contains("tanpa TLS hanya alamat loopback") && id.contains("isi tls_cert/tls_key"),
        "{id}"
    );
    let en = refused_at_start(c, "en");
    assert!(
        en.contains("without TLS only a loopback address")
            && en.contains("configure tls_cert/tls_key"),
        "{en}"
    );

    // The certificate without its key.
    let c = with(&format!(
        "listen = \"0.0.0.0:0\"\ntls_cert = {:?}\n",
        cert.display().to_string()
    ));
    let en = refused_at_start(c, "en");
    assert!(
        en.contains("dashboard.tls_key") && en.contains("tls_cert and tls_key go together"),
        "{en}"
    );
    assert!(refused_at_start(c, "id").contains("harus diisi bersama"));

    // A file that is not PEM, named with its key.
    let c = with(&format!(
        "listen = \"0.0.0.0:0\"\n{}",
        tls_keys(&not_pem, &key)
    ));
    let en = refused_at_start(c, "en");
    assert!(en.contains("dashboard.tls_cert"), "{en}");
    assert!(
        en.contains(&format!(
            "certificate {} is not a usable PEM file",
            not_pem.display()
        )),
        "{en}"
    );
    let id = refused_at_start(c, "id");
    assert!(
        id.contains(&format!(
            "sertifikat {} bukan berkas PEM",
            not_pem.display()
        )),
        "{id}"
    );
    let c = with(&format!(
        "listen = \"127.0.0.1:0\"\n{}",
        tls_keys(&cert, &not_pem)
    ));
    let en = refused_at_start(c, "en");
    assert!(
        en.contains("dashboard.tls_key") && en.contains("private key"),
        "{en}"
    );

    // Another certificate's key.
    let c = with(&format!(
        "listen = \"127.0.0.1:0\"\n{}",
        tls_keys(&cert, &other_key)
    ));
    let en = refused_at_start(c, "en");
    assert!(en.contains("cannot be used together"), "{en}");
    assert!(refused_at_start(c, "id").contains("tidak dapat dipakai bersama"));

    // A missing file.
    let missing = tmp.path().join("missing.key");
    let c = with(&format!(
        "listen = \"127.0.0.1:0\"\n{}",
        tls_keys(&cert, &missing)
    ));
    let id = refused_at_start(c, "id");
    assert!(
        id.contains("kunci privat") && id.contains("tidak ada"),
        "{id}"
    );
}

/// The audit rows of `config`'s journal with `action`.
fn audit_rows(config: &Path, action: &str) -> Vec<cetak::journal::AuditEntry> {
    let cfg = cetak::config::Config::load(config).unwrap();
    let j = cetak::daemon::open_journal(&cfg).unwrap();
    j.audit_list(0, 10_000)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == action)
        .collect()
}

#[test]
fn token_issue_and_revoke_are_in_the_audit_trail_without_the_token() {
    let tmp = tempfile::tempdir().unwrap();
    let (config, _printer) = station(tmp.path(), "listen = \"127.0.0.1:0\"\n");
    let who = me();
    let uid = nix::unistd::getuid().as_raw();
    let token = first_line(&cetak(
        "en",
        &["dashboard", "token", "issue", &who],
        &config,
    ));
    assert!(token.starts_with("cetak_"), "{token}");
    let o = cetak("en", &["dashboard", "token", "revoke", &who], &config);
    assert!(text(&o).contains("token revoked"), "{}", text(&o));

    let issued = audit_rows(&config, "dashboard.token_issue");
    let revoked = audit_rows(&config, "dashboard.token_revoke");
    assert_eq!(
        (issued.len(), revoked.len()),
        (1, 1),
        "{issued:?} {revoked:?}"
    );
    for row in [&issued[0], &revoked[0]] {
        assert_eq!(row.subject, who);
        assert_eq!(row.actor, format!("{who} (uid {uid})"));
        assert_eq!(
            (row.uid, row.user.as_deref()),
            (Some(uid), Some(who.as_str()))
        );
        assert_eq!(row.role, "admin");
    }
    assert!(issued[0].id < revoked[0].id);
    assert_eq!(revoked[0].detail, r#"{"had_token":true}"#);
    // Never the token, nor its hash.
    let cfg = cetak::config::Config::load(&config).unwrap();
    let j = cetak::daemon::open_journal(&cfg).unwrap();
    let hash = {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(token.as_bytes()))
    };
    for row in j.audit_list(0, 10_000).unwrap() {
        let all = format!("{row:?}");
        assert!(!all.contains(&token[6..]) && !all.contains(&hash), "{all}");
    }
    assert!(j.audit_verify().unwrap().is_ok());
    drop(j);

    if !root_or_skip("dashboard_tls token as root and refusal") {
        return;
    }
    // Root works as the data folder's owner (the service user): the token file and the journal
    // stay that user's, so a daemon running as it can still read them.
    let mut acc = Accounts::new();
    let (svc, svc_uid, svc_gid) = acc.user("s", &[]);
    let data = tmp.path().join("data");
    run_ok(
        Command::new("chown")
            .arg("-R")
            .arg(format!("{svc_uid}:{svc_gid}"))
            .arg(&data),
    );
    let o = cetak("en", &["dashboard", "token", "issue", &svc], &config);
    assert!(o.status.success(), "{}: {}", o.status, text(&o));
    {
        use std::os::unix::fs::MetadataExt as _;
        for entry in std::fs::read_dir(&data).unwrap() {
            let path = entry.unwrap().path();
            let owner = std::fs::metadata(&path).unwrap().uid();
            assert_eq!(
                owner,
                svc_uid,
                "{} is not the service user's",
                path.display()
            );
        }
        assert!(data.join("dashboard-tokens.json").exists());
    }
    let issued = audit_rows(&config, "dashboard.token_issue");
    assert_eq!(issued.len(), 2, "{issued:?}");
    assert_eq!(
        (issued[1].actor.as_str(), issued[1].subject.as_str()),
        ("root (uid 0)", svc.as_str())
    );

    // A caller without the administrator role is refused, and that is audited too, as on the
    // control socket (here the journal is writable to it; a real station's is not).
    let ops = acc.group("op");
    let (operator, op_uid, _) = acc.user("o", &[&ops]);
    let text_cfg = std::fs::read_to_string(&config).unwrap()
        + &format!("\n[authority]\noperator_group = {ops:?}\n");
    std::fs::write(&config, text_cfg).unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    let mode =
        |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    mode(tmp.path(), 0o755);
    mode(&tmp.path().join("data"), 0o777);
    mode(&tmp.path().join("data/journal.sqlite"), 0o666);
    let o = cli_as(
        &operator,
        "en",
        &["dashboard", "token", "issue", &operator, "--config"],
    )
    .arg(&config)
    .output()
    .unwrap();
    assert!(!o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("only an administrator may issue"),
        "{}",
        text(&o)
    );
    let refused = audit_rows(&config, "auth.refused");
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].subject, "dashboard.token_issue");
    assert_eq!(refused[0].uid, Some(op_uid));
    assert_eq!(refused[0].user.as_deref(), Some(operator.as_str()));
    assert_eq!(refused[0].role, "operator");
    // No token was issued.
    assert_eq!(audit_rows(&config, "dashboard.token_issue").len(), 2);
}

#[test]
fn with_account_sign_in_off_only_tokens_sign_in() {
    let tmp = tempfile::tempdir().unwrap();
    let mut acc = root_or_skip("dashboard_tls account_sign_in").then(Accounts::new);
    let account = acc.as_mut().map(|acc| {
        let ops = acc.group("op");
        let (user, _, _) = acc.user("o", &[&ops]);
        acc.set_password(&user, "Rahasia-Op-456");
        (ops, user)
    });
    let authority = account
        .as_ref()
        .map(|(ops, _)| format!("\n[authority]\noperator_group = {ops:?}\n"))
        .unwrap_or_default();
    let (config, _printer) = station(
        tmp.path(),
        &format!("listen = \"127.0.0.1:0\"\naccount_sign_in = false\n{authority}"),
    );
    let (daemon, addr) = daemon_at(&config, "http");
    let (head, login) = web::get(&addr, "/login", &[]);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        !login.contains("name=\"password\"") && !login.contains("name=\"user\""),
        "{login}"
    );
    assert!(login.contains("name=\"token\""), "{login}");
    // The right password of a user with a role: refused, never a session.
    if let Some((_, user)) = &account {
        let (head, body) = web::post_form(
            &addr,
            "/login",
            &format!("user={user}&password=Rahasia-Op-456"),
            &[],
        );
        assert!(head.starts_with("HTTP/1.1 403"), "{head}");
        assert!(!head.to_lowercase().contains("cetak_session="), "{head}");
        assert!(body.contains("password"), "{body}");
    }
    // A token still signs in.
    let token = first_line(&cetak(
        "en",
        &["dashboard", "token", "issue", &me()],
        &config,
    ));
    let (head, _) = web::post_form(&addr, "/login", &format!("token={token}"), &[]);
    assert!(head.starts_with("HTTP/1.1 303"), "{head}");
    session_set_cookie(&head);
    stop(daemon);
}
