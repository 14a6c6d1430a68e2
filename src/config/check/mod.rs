//! Checks of a parsed configuration beyond its types: printer URIs, reader patterns, the server
//! URL, addresses and ports, paths and ranges. Each refusal names the key and its line, in
//! Bahasa Indonesia and English: the file is edited by hand on a machine with no IDE, and a
//! mistake found here stops the daemon before READY instead of warning every few seconds.

use std::path::Path;

use super::{Config, RawConfig};
use crate::messages::{Message, MessageText as _, Plain};

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

fn problem(key: impl Into<String>, message: &(impl Message + ?Sized)) -> Problem {
    Problem {
        key: key.into(),
        id: message.message_id(),
        en: message.message_en(),
    }
}

/// A problem whose text is the catalogue row `code` (`config.check.*`) without arguments.
fn says(key: impl Into<String>, code: &'static str) -> Problem {
    problem(key, &Plain::new(code))
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
        return Err(says("station.id", "config.check.empty"));
    }
    if id.chars().any(char::is_control) {
        return Err(says("station.id", "config.check.control_chars"));
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
            &Plain::new("config.check.socket_too_long")
                .with("path", socket.display())
                .with("len", len),
        ));
    }
    Ok(())
}

fn absolute(key: &str, path: &Path) -> Result<(), Problem> {
    if path.as_os_str().is_empty() {
        return Err(says(key, "config.check.empty"));
    }
    if !path.is_absolute() {
        return Err(problem(
            key,
            &Plain::new("config.check.not_absolute").with("path", path.display()),
        ));
    }
    Ok(())
}

fn policy(config: &RawConfig) -> Result<(), Problem> {
    let p = &config.policy;
    if !matches!(p.photo_background.as_str(), "warn" | "reject" | "off") {
        return Err(says(
            "policy.photo_background",
            "config.check.photo_background",
        ));
    }
    if !(1..=2).contains(&p.lookahead) {
        return Err(says("policy.lookahead", "config.check.lookahead"));
    }
    if p.max_attempts == 0 {
        return Err(says("policy.max_attempts", "config.check.at_least_1"));
    }
    for name in config.validation.policies.keys() {
        if crate::job::check_policy_name(name).is_err() {
            return Err(says(
                format!("validation.policies.{name}"),
                "config.check.policy_name",
            ));
        }
    }
    Ok(())
}
