//! `[link]`: the server URL, the push endpoint, paths, ranges and pairs of keys.

use super::{absolute, problem, says, Problem};
use crate::config::LinkConfig;
use crate::messages::Plain;

/// An address `ip:port` to listen on, port 0–65535 (0 = any free port, as the tests use).
fn listen_addr(key: &str, addr: &str) -> Result<(), Problem> {
    match addr.parse::<std::net::SocketAddr>() {
        Ok(_) => Ok(()),
        Err(_) => Err(problem(
            key,
            &Plain::new("config.check.not_an_address").with("value", format!("{addr:?}")),
        )),
    }
}

/// The base URL of the server: http(s), a host, no credentials (the token has its own file and
/// a URL ends up in logs), no query or fragment.
fn server_url(key: &str, text: &str) -> Result<(), Problem> {
    let url = reqwest::Url::parse(text.trim()).map_err(|e| {
        problem(
            key,
            &Plain::new("config.check.not_a_url")
                .with("value", format!("{text:?}"))
                .with_message("reason", &Plain::new(url_fault(e))),
        )
    })?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(says(key, "config.check.https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(says(key, "config.check.no_host"));
    }
    if url.port() == Some(0) {
        return Err(says(key, "config.check.port"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(says(key, "config.check.credentials_in_url"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(says(key, "config.check.query_in_url"));
    }
    Ok(())
}

/// `[link]`: the URL, paths, ranges, pairs of keys, the push endpoint; keys are relative to
/// the table.
pub(super) fn link_checks(l: &LinkConfig) -> Result<(), Problem> {
    server_url("server_url", &l.server_url)?;
    paths(l)?;
    ranges(l)?;
    pairs(l)?;
    if let Some(addr) = &l.push_listen {
        listen_addr("push_listen", addr)?;
        if l.push_token_file.is_none() {
            return Err(problem(
                "push_token_file",
                &Plain::new("config.check.required_with").with("other", "push_listen"),
            ));
        }
    }
    Ok(())
}

/// Every file the link reads is given as an absolute path.
fn paths(l: &LinkConfig) -> Result<(), Problem> {
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
    Ok(())
}

/// Lease and wait within their bounds, renewal inside the lease, the rest at least 1.
fn ranges(l: &LinkConfig) -> Result<(), Problem> {
    let range = |key: &str, lo: u64, hi: u64, v: u64| {
        if (lo..=hi).contains(&v) {
            Ok(())
        } else {
            Err(problem(
                key,
                &Plain::new("config.check.between")
                    .with("lo", lo)
                    .with("hi", hi),
            ))
        }
    };
    range("lease_seconds", 30, 3600, l.lease_seconds.into())?;
    range("wait_seconds", 0, 60, l.wait_seconds.into())?;
    if let Some(r) = l.renew_seconds {
        if r == 0 || r >= l.lease_seconds {
            return Err(says("renew_seconds", "config.check.renew"));
        }
    }
    for (key, v) in [
        ("queue_per_printer", l.queue_per_printer.into()),
        ("connect_timeout_seconds", l.connect_timeout_seconds.into()),
        ("request_timeout_seconds", l.request_timeout_seconds.into()),
        ("backoff_initial_ms", l.backoff_initial_ms),
        ("backoff_max_seconds", l.backoff_max_seconds),
        ("stock_interval_seconds", l.stock_interval_seconds),
    ] {
        if v == 0 {
            return Err(says(key, "config.check.at_least_1"));
        }
    }
    Ok(())
}

/// A certificate goes with its key.
fn pairs(l: &LinkConfig) -> Result<(), Problem> {
    for (key, other, a, b) in [
        (
            "client_cert",
            "client_key",
            l.client_cert.is_some(),
            l.client_key.is_some(),
        ),
        (
            "push_tls_cert",
            "push_tls_key",
            l.push_tls_cert.is_some(),
            l.push_tls_key.is_some(),
        ),
    ] {
        if a != b {
            return Err(problem(
                key,
                &Plain::new("config.check.together")
                    .with("key", key)
                    .with("other", other),
            ));
        }
    }
    Ok(())
}

/// The catalogue row saying why a text is not a URL (`url::ParseError`'s cases).
fn url_fault(e: url::ParseError) -> &'static str {
    use url::ParseError as E;
    match e {
        E::EmptyHost => "config.check.url.empty_host",
        E::InvalidPort => "config.check.url.port",
        E::InvalidIpv4Address | E::InvalidIpv6Address => "config.check.url.ip",
        E::InvalidDomainCharacter | E::IdnaError => "config.check.url.host",
        E::RelativeUrlWithoutBase => "config.check.url.relative",
        _ => "config.check.url.other",
    }
}
