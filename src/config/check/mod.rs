//! Checks of a parsed configuration beyond its types: printer URIs, reader patterns, the server
//! URL, addresses and ports, paths and ranges. Each refusal names the key and its line, in
//! Bahasa Indonesia and English: the file is edited by hand on a machine with no IDE, and a
//! mistake found here stops the daemon before READY instead of warning every few seconds.

use std::path::Path;

use super::{Config, RawConfig};

mod dashboard;
mod link;
mod printers;
mod spans;

pub(super) use spans::Spans;

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

/// Every check, in file order, typing the values as it goes; the first problem is reported.
pub(super) fn check(config: RawConfig) -> Result<Config, Problem> {
    station(&config)?;
    policy(&config)?;
    let printers = printers::printers(config.printers)?;
    if let Some(link) = &config.link {
        link::link_checks(link).map_err(|p| Problem {
            key: format!("link.{}", p.key),
            ..p
        })?;
    }
    if let Some(d) = &config.dashboard {
        dashboard::dashboard_checks(d).map_err(|p| Problem {
            key: format!("dashboard.{}", p.key),
            ..p
        })?;
    }
    Ok(Config {
        station: config.station,
        policy: config.policy,
        printers,
        link: config.link,
        trust: config.trust,
        authority: config.authority,
        report: config.report,
        dashboard: config.dashboard,
        validation: config.validation,
        queue: config.queue,
    })
}

/// `[station]`: a printable id, absolute paths, a control socket path that can be bound.
fn station(config: &RawConfig) -> Result<(), Problem> {
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
