//! Checks of a parsed configuration beyond its types: printer URIs, reader patterns, the server
//! URL, addresses and ports, paths and ranges. Each refusal names the key and its line, in
//! Bahasa Indonesia and English: the file is edited by hand on a machine with no IDE, and a
//! mistake found here stops the daemon before READY instead of warning every few seconds.

use crate::messages::MessageText as _;
use std::path::Path;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::{Config, EncoderConfig, LinkConfig, PrinterConfig, RawConfig};

/// A refused value: the key (`printer[1].uri`) and the message in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Problem {
    pub key: String,
    pub id: String,
    pub en: String,
}

fn problem(key: impl Into<String>, id: impl Into<String>, en: impl Into<String>) -> Problem {
    Problem {
        key: key.into(),
        id: id.into(),
        en: en.into(),
    }
}

/// Where the keys are in the file text, to give each message its line.
pub(super) struct Spans<'a> {
    root: Option<DeValue<'a>>,
    text: &'a str,
}

enum Seg<'k> {
    Key(&'k str),
    Index(usize),
}

/// `printer[1].encoder.reader` → `printer`, 1, `encoder`, `reader`.
fn segments(key: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    for part in key.split('.') {
        let mut rest = part;
        if let Some(open) = rest.find('[') {
            out.push(Seg::Key(&rest[..open]));
            rest = &rest[open..];
            while let Some(close) = rest.find(']') {
                if let Ok(i) = rest[1..close].parse() {
                    out.push(Seg::Index(i));
                }
                rest = &rest[close + 1..];
            }
        } else {
            out.push(Seg::Key(rest));
        }
    }
    out
}

impl<'a> Spans<'a> {
    /// Spans of `text`; a text that does not parse gives no lines (it never gets this far).
    pub(super) fn new(text: &'a str) -> Self {
        let root = DeTable::parse(text)
            .ok()
            .map(|t| DeValue::Table(t.into_inner()));
        Spans { root, text }
    }

    /// 1-based line of `key`'s value, or of the nearest enclosing key the file has (a missing
    /// key is blamed on its table); 0 when unknown.
    pub(super) fn line(&self, key: &str) -> usize {
        let Some(root) = &self.root else { return 0 };
        let mut current: Option<&Spanned<DeValue<'a>>> = None;
        let mut found = None;
        for seg in segments(key) {
            let value = current.map_or(root, |c| c.get_ref());
            let next = match seg {
                Seg::Key(k) => value.get(k),
                Seg::Index(i) => value.get(i),
            };
            match next {
                Some(n) => {
                    found = Some(n.span());
                    current = Some(n);
                }
                None => break,
            }
        }
        found.map_or(0, |s| super::line_of(self.text, s.start))
    }
}

/// Every check, in file order; the first problem is reported.
pub(super) fn check(config: &RawConfig) -> Result<(), Problem> {
    let s = &config.station;
    let id = s.id.trim();
    if id.is_empty() {
        return Err(problem(
            "station.id",
            "tidak boleh kosong",
            "must not be empty",
        ));
    }
    if id.chars().any(char::is_control) {
        return Err(problem(
            "station.id",
            "berisi karakter kendali",
            "contains control characters",
        ));
    }
    absolute("station.data_dir", &s.data_dir)?;
    if let Some(p) = &s.layouts_dir {
        absolute("station.layouts_dir", p)?;
    }
    if let Some(p) = &s.spool_dir {
        absolute("station.spool_dir", p)?;
    }
    if let Some(p) = &s.control_socket {
        absolute("station.control_socket", p)?;
    }
    // sun_path holds 108 bytes with the terminating NUL: a longer path cannot be bound.
    let socket = config.control_socket();
    let len = socket.as_os_str().len();
    if len > 107 {
        let key = if s.control_socket.is_some() {
            "station.control_socket"
        } else {
            "station.data_dir"
        };
        return Err(problem(
            key,
            format!(
                "path socket kendali {} terlalu panjang ({len} byte, paling banyak 107)",
                socket.display()
            ),
            format!(
                "control socket path {} is too long ({len} bytes, at most 107)",
                socket.display()
            ),
        ));
    }
    policy(config)?;
    printers(config)?;
    if let Some(link) = &config.link {
        link_checks(link).map_err(|p| Problem {
            key: format!("link.{}", p.key),
            ..p
        })?;
    }
    Ok(())
}

fn absolute(key: &str, path: &Path) -> Result<(), Problem> {
    if path.as_os_str().is_empty() {
        return Err(problem(key, "tidak boleh kosong", "must not be empty"));
    }
    if !path.is_absolute() {
        return Err(problem(
            key,
            format!(
                "{} harus path absolut (mis. /var/lib/cetak): path relatif bergantung pada folder \
                 tempat cetak dijalankan",
                path.display()
            ),
            format!(
                "{} must be an absolute path (e.g. /var/lib/cetak): a relative path depends on \
                 the folder cetak is started from",
                path.display()
            ),
        ));
    }
    Ok(())
}

fn policy(config: &RawConfig) -> Result<(), Problem> {
    let p = &config.policy;
    if !matches!(p.photo_background.as_str(), "warn" | "reject" | "off") {
        return Err(problem(
            "policy.photo_background",
            "harus warn, reject atau off",
            "must be one of warn, reject, off",
        ));
    }
    if !(1..=2).contains(&p.lookahead) {
        return Err(problem(
            "policy.lookahead",
            "harus 1 atau 2",
            "must be 1 or 2",
        ));
    }
    if p.max_attempts == 0 {
        return Err(problem(
            "policy.max_attempts",
            "paling sedikit 1",
            "must be at least 1",
        ));
    }
    for name in config.validation.policies.keys() {
        if crate::job::check_policy_name(name).is_err() {
            return Err(problem(
                format!("validation.policies.{name}"),
                "nama kebijakan: 1-64 karakter A-Z a-z 0-9 . _ -",
                "a policy name is 1-64 of A-Z a-z 0-9 . _ -",
            ));
        }
    }
    Ok(())
}

fn printers(config: &RawConfig) -> Result<(), Problem> {
    let mut ids: Vec<&str> = Vec::new();
    let mut readers: Vec<(String, &str)> = Vec::new();
    for (i, p) in config.printers.iter().enumerate() {
        let key = |k: &str| format!("printer[{i}].{k}");
        let id = p.id.trim();
        if id.is_empty()
            || id.len() > 32
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(problem(
                key("id"),
                "harus 1–32 huruf, angka, - atau _ (mis. P1)",
                "must be 1–32 letters, digits, - or _ (e.g. P1)",
            ));
        }
        if ids.contains(&id) {
            return Err(problem(
                key("id"),
                format!("id printer {id} dipakai dua kali"),
                format!("duplicate printer id {id}"),
            ));
        }
        ids.push(id);
        if let Err(e) = p.uri.parse::<cetak_drivers::transport::PrinterUri>() {
            return Err(problem(key("uri"), e.message_id(), e.to_string()));
        }
        if p.model != "evolis" {
            return Err(problem(
                key("model"),
                format!(
                    "model {:?} tidak dikenal: hanya evolis yang didukung",
                    p.model
                ),
                format!("unknown model {:?}: only evolis is supported", p.model),
            ));
        }
        blangko_type(&key("blangko"), &p.blangko)?;
        if let Some(enc) = &p.encoder {
            let key = |k: &str| format!("printer[{i}].encoder.{k}");
            reader_pattern(&key("reader"), &enc.reader)?;
            let norm = enc.reader.trim().to_lowercase();
            if let Some((_, other)) = readers.iter().find(|(r, _)| *r == norm) {
                return Err(problem(
                    key("reader"),
                    format!("pembaca {:?} sudah dipakai printer {other}", enc.reader),
                    format!("reader {:?} is already used by printer {other}", enc.reader),
                ));
            }
            readers.push((norm, id));
            if let Some(profile) = &enc.profile {
                absolute(&key("profile"), profile)?;
            }
            encoder_station(&key("station"), &enc.station)?;
        }
    }
    Ok(())
}

fn blangko_type(key: &str, text: &str) -> Result<crate::journal::BlangkoType, Problem> {
    text.parse()
        .map_err(|_| problem(key, "harus kia atau ktp-el", "must be kia or ktp-el"))
}

fn encoder_station(
    key: &str,
    text: &str,
) -> Result<cetak_drivers::printer::station::EncoderStation, Problem> {
    use cetak_drivers::printer::station::EncoderStation;
    match text {
        "contact" => Ok(EncoderStation::Contact),
        "contactless" => Ok(EncoderStation::Contactless),
        _ => Err(problem(
            key,
            "harus contact atau contactless",
            "must be contact or contactless",
        )),
    }
}

/// The checked configuration with its values typed (the same rules as [`check`], so after it
/// this fails only for a configuration that skipped it).
pub(super) fn typed(raw: RawConfig) -> Result<Config, Problem> {
    let mut printers = Vec::with_capacity(raw.printers.len());
    for (i, p) in raw.printers.into_iter().enumerate() {
        let key = |k: &str| format!("printer[{i}].{k}");
        let encoder = match p.encoder {
            Some(e) => Some(EncoderConfig {
                station: encoder_station(&key("encoder.station"), &e.station)?,
                reader: e.reader,
                profile: e.profile,
            }),
            None => None,
        };
        printers.push(PrinterConfig {
            blangko: blangko_type(&key("blangko"), &p.blangko)?,
            id: p.id,
            uri: p.uri,
            model: p.model,
            encoder,
        });
    }
    Ok(Config {
        station: raw.station,
        policy: raw.policy,
        printers,
        link: raw.link,
        trust: raw.trust,
        authority: raw.authority,
        report: raw.report,
        dashboard: raw.dashboard,
        validation: raw.validation,
        queue: raw.queue,
    })
}

/// A PC/SC reader name pattern (`*` wildcards, else a case-insensitive substring) that picks
/// one reader: not empty, not only wildcards, printable, within PC/SC's 127-byte names.
fn reader_pattern(key: &str, pattern: &str) -> Result<(), Problem> {
    let p = pattern.trim();
    if p.is_empty() {
        return Err(problem(
            key,
            "pola nama pembaca tidak boleh kosong (lihat `cetak chip readers`)",
            "the reader name pattern must not be empty (see `cetak chip readers`)",
        ));
    }
    if p.chars().all(|c| c == '*') {
        return Err(problem(
            key,
            format!(
                "pola {pattern:?} cocok dengan semua pembaca: tulis bagian dari nama pembaca \
                 (lihat `cetak chip readers`)"
            ),
            format!(
                "the pattern {pattern:?} matches every reader: write part of the reader's name \
                 (see `cetak chip readers`)"
            ),
        ));
    }
    if p.chars().any(char::is_control) {
        return Err(problem(
            key,
            "pola nama pembaca berisi karakter kendali",
            "the reader name pattern contains control characters",
        ));
    }
    if p.len() > 127 {
        return Err(problem(
            key,
            "pola lebih panjang dari nama pembaca PC/SC (paling banyak 127 byte)",
            "the pattern is longer than a PC/SC reader name (at most 127 bytes)",
        ));
    }
    Ok(())
}

/// An address `ip:port` to listen on, port 0–65535 (0 = any free port, as the tests use).
fn listen_addr(key: &str, addr: &str) -> Result<(), Problem> {
    match addr.parse::<std::net::SocketAddr>() {
        Ok(_) => Ok(()),
        Err(_) => Err(problem(
            key,
            format!("{addr:?} bukan alamat seperti 0.0.0.0:8443"),
            format!("{addr:?} is not an address like 0.0.0.0:8443"),
        )),
    }
}

/// The base URL of the server: http(s), a host, no credentials (the token has its own file and
/// a URL ends up in logs), no query or fragment.
fn server_url(key: &str, text: &str) -> Result<(), Problem> {
    let url = reqwest::Url::parse(text.trim()).map_err(|e| {
        problem(
            key,
            format!("{text:?} bukan URL seperti https://cetak.dinas.example/ ({e})"),
            format!("{text:?} is not a URL like https://cetak.dinas.example/ ({e})"),
        )
    })?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(problem(
            key,
            "harus diawali https:// (atau http:// untuk uji)",
            "must start with https:// (or http:// for tests)",
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(problem(key, "URL tanpa nama host", "the URL has no host"));
    }
    if url.port() == Some(0) {
        return Err(problem(
            key,
            "port harus 1–65535",
            "the port must be 1–65535",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(problem(
            key,
            "nama pengguna atau sandi tidak boleh di URL: token stasiun ada di token_file",
            "no user name or password in the URL: the station token goes in token_file",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(problem(
            key,
            "URL dasar tidak boleh memuat ? atau #",
            "the base URL may not have a ? query or # fragment",
        ));
    }
    Ok(())
}

/// `[link]`: ranges, pairs, paths; keys are relative to the table.
fn link_checks(l: &LinkConfig) -> Result<(), Problem> {
    server_url("server_url", &l.server_url)?;
    absolute("token_file", &l.token_file)?;
    for (key, path) in [
        ("ca_file", &l.ca_file),
        ("client_cert", &l.client_cert),
        ("client_key", &l.client_key),
        ("push_token_file", &l.push_token_file),
        ("push_tls_cert", &l.push_tls_cert),
        ("push_tls_key", &l.push_tls_key),
    ] {
        if let Some(p) = path {
            absolute(key, p)?;
        }
    }
    let range = |key: &str, lo: u64, hi: u64, v: u64| {
        if (lo..=hi).contains(&v) {
            Ok(())
        } else {
            Err(problem(
                key,
                format!("harus antara {lo} dan {hi}"),
                format!("must be between {lo} and {hi}"),
            ))
        }
    };
    range("lease_seconds", 30, 3600, l.lease_seconds.into())?;
    range("wait_seconds", 0, 60, l.wait_seconds.into())?;
    if let Some(r) = l.renew_seconds {
        if r == 0 || r >= l.lease_seconds {
            return Err(problem(
                "renew_seconds",
                "paling sedikit 1 dan di bawah lease_seconds",
                "must be at least 1 and below lease_seconds",
            ));
        }
    }
    let positive = |key: &str, v: u64| {
        if v == 0 {
            Err(problem(key, "paling sedikit 1", "must be at least 1"))
        } else {
            Ok(())
        }
    };
    positive("queue_per_printer", l.queue_per_printer.into())?;
    positive("connect_timeout_seconds", l.connect_timeout_seconds.into())?;
    positive("request_timeout_seconds", l.request_timeout_seconds.into())?;
    positive("backoff_initial_ms", l.backoff_initial_ms)?;
    positive("backoff_max_seconds", l.backoff_max_seconds)?;
    positive("stock_interval_seconds", l.stock_interval_seconds)?;
    let pair = |key: &str, other: &str, a: bool, b: bool| {
        if a == b {
            Ok(())
        } else {
            Err(problem(
                key,
                format!("{key} dan {other} harus diisi bersama"),
                format!("{key} and {other} go together"),
            ))
        }
    };
    pair(
        "client_cert",
        "client_key",
        l.client_cert.is_some(),
        l.client_key.is_some(),
    )?;
    pair(
        "push_tls_cert",
        "push_tls_key",
        l.push_tls_cert.is_some(),
        l.push_tls_key.is_some(),
    )?;
    if let Some(addr) = &l.push_listen {
        listen_addr("push_listen", addr)?;
        if l.push_token_file.is_none() {
            return Err(problem(
                "push_token_file",
                "wajib diisi bersama push_listen",
                "required with push_listen",
            ));
        }
    }
    Ok(())
}
