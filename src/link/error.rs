//! Errors of the link to the server. `Display` is English (logs); the catalogue
//! (`crate::messages`, codes `link.*`) has the operator texts. Each variant's doc says what to
//! check.

use std::time::Duration;

/// Which certificate check failed, when the TLS error says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateProblem {
    /// The server's certificate is signed by a CA the station does not trust (`link.ca_file`).
    UnknownIssuer,
    /// The certificate has expired (or the station's clock is wrong).
    Expired,
    /// The certificate is for another host name than `link.server_url`.
    WrongHost,
    /// The server refused the station's client certificate (mutual TLS).
    ClientRefused,
    /// Another certificate problem; the text as the TLS library gave it.
    Other(String),
}

impl std::fmt::Display for CertificateProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CertificateProblem::UnknownIssuer => f.write_str("signed by an unknown CA"),
            CertificateProblem::Expired => f.write_str("expired (or the station clock is wrong)"),
            CertificateProblem::WrongHost => f.write_str("issued for another host name"),
            CertificateProblem::ClientRefused => {
                f.write_str("the server refused the station's client certificate")
            }
            CertificateProblem::Other(s) => f.write_str(s),
        }
    }
}

/// Why a request to the server did not give the answer the contract promises.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// 401/403: the server does not accept the station's token. Check `link.token_file`.
    #[error("the server refused the station token (HTTP {status}); check link.token_file")]
    Unauthorized {
        /// 401 or 403.
        status: u16,
    },
    /// TLS failed on the server's (or our client) certificate. Check `link.ca_file`, the host
    /// name in `link.server_url` and the station's clock.
    #[error("server certificate: {0}")]
    Certificate(CertificateProblem),
    /// No answer within the configured time.
    #[error("the server did not answer in time")]
    Timeout,
    /// The server could not be reached (down, network, proxy).
    #[error("cannot reach the server: {0}")]
    Connect(String),
    /// The server answered with an error: `500`/5xx is a server error (it retries with
    /// backoff), `503`/`429` a busy server (it retries after `Retry-After`), a 4xx a refusal of
    /// the request. None of them is "unreachable": the server answered.
    #[error("{} (HTTP {status} {code}): {message}", server_label_en(*status))]
    Server {
        /// HTTP status.
        status: u16,
        /// `ErrorBody.error.code`, or `http_<status>` without a body.
        code: String,
        /// English message from the server.
        message: String,
        /// `Retry-After`, when given.
        retry_after: Option<Duration>,
    },
    /// The lease is gone (409 `lease_expired` / 404 `lease_unknown`): the job must not be printed
    /// unless it is already in a printer.
    #[error("lease {lease_id} lost")]
    LeaseLost {
        /// The lease.
        lease_id: String,
    },
    /// The answer does not match the contract (`docs/protocol/openapi.yaml`).
    #[error("answer does not match the protocol: {0}")]
    Protocol(String),
    /// The link configuration cannot be used (unreadable token, bad PEM, bad URL); the message
    /// names the setting, in each language.
    #[error("link configuration: {}", crate::messages::text(crate::messages::Lang::En, .0))]
    Config(crate::messages::Plain),
}

impl crate::messages::Message for LinkError {
    fn message_code(&self) -> &'static str {
        match self {
            LinkError::Unauthorized { .. } => "link.unauthorized",
            LinkError::Certificate(_) => "link.certificate",
            LinkError::Timeout => "link.timeout",
            LinkError::Connect(_) => "link.connect",
            LinkError::Server { .. } => "link.server",
            LinkError::LeaseLost { .. } => "link.lease_lost",
            LinkError::Protocol(_) => "link.protocol",
            LinkError::Config(_) => "link.config",
        }
    }

    fn message_args(&self) -> crate::messages::Args {
        let args = crate::messages::Args::new();
        match self {
            LinkError::Unauthorized { status } => args.with("status", status),
            LinkError::Certificate(p) => {
                let code = match p {
                    CertificateProblem::UnknownIssuer => "link.cert.unknown_issuer",
                    CertificateProblem::Expired => "link.cert.expired",
                    CertificateProblem::WrongHost => "link.cert.wrong_host",
                    CertificateProblem::ClientRefused => "link.cert.client_refused",
                    CertificateProblem::Other(s) => {
                        return args.with_each("problem", format!("teks TLS: {s}"), s)
                    }
                };
                use crate::messages::MessageText as _;
                crate::messages::Plain::new(code).as_arg(args, "problem")
            }
            LinkError::Timeout => args,
            LinkError::Connect(e) | LinkError::Protocol(e) => args.with("reason", e),
            LinkError::Config(p) => {
                use crate::messages::MessageText as _;
                p.as_arg(args, "reason")
            }
            LinkError::Server {
                status,
                code,
                message,
                ..
            } => crate::messages::MessageText::as_arg(
                &crate::messages::Plain::new(server_label_code(*status)),
                args,
                "kind",
            )
            .with("status", status)
            .with("code", code)
            // The server's message is English: it stays out of the Indonesian text.
            .with_each("server_says", "", format!(": {message}")),
            LinkError::LeaseLost { lease_id } => args.with("lease_id", lease_id),
        }
    }
}

impl LinkError {
    /// What went wrong in two words, English, for log lines: "server unreachable" (no answer),
    /// "server busy" (503/429), "server error" (other 5xx), "request refused" (4xx), ...
    pub fn summary_en(&self) -> &'static str {
        match self {
            LinkError::Timeout | LinkError::Connect(_) => "server unreachable",
            LinkError::Server { status, .. } => server_label_en(*status),
            LinkError::Unauthorized { .. } => "station token refused",
            LinkError::Certificate(_) => "certificate problem",
            LinkError::LeaseLost { .. } => "lease lost",
            LinkError::Protocol(_) => "answer outside the protocol",
            LinkError::Config(_) => "link configuration",
        }
    }

    /// Worth retrying later (the server or the network may recover).
    pub fn is_transient(&self) -> bool {
        match self {
            LinkError::Timeout | LinkError::Connect(_) => true,
            LinkError::Server { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }

    /// The server read the request and refused its content for good (400, 413, 422, or
    /// `409 job_owned`: a give-back of a job that belongs to the station): sending the same
    /// again will not help, unlike a 5xx, a timeout or a token problem.
    pub fn is_refusal(&self) -> bool {
        match self {
            LinkError::Server {
                status: 400 | 413 | 422,
                ..
            } => true,
            LinkError::Server {
                status: 409, code, ..
            } => code == "job_owned",
            _ => false,
        }
    }

    /// The delay the server asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            LinkError::Server { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Classifies a transport error from the HTTP client, walking its cause chain for the TLS
    /// library's own error so a certificate problem is named precisely.
    pub(crate) fn from_reqwest(e: reqwest::Error) -> LinkError {
        if let Some(p) = certificate_problem(&e) {
            return LinkError::Certificate(p);
        }
        if e.is_timeout() {
            return LinkError::Timeout;
        }
        if e.is_decode() {
            return LinkError::Protocol(chain_text(&e));
        }
        LinkError::Connect(chain_text(&e))
    }
}

/// The kind of an HTTP error status, English: 503 and 429 mean the server is busy (come back
/// after `Retry-After`), other 5xx a server error, 4xx a refused request.
fn server_label_en(status: u16) -> &'static str {
    match status {
        429 | 503 => "server busy",
        500..=599 => "server error",
        _ => "server refused the request",
    }
}

/// The catalogue row of [`server_label_en`] (`link.kind.*`).
fn server_label_code(status: u16) -> &'static str {
    match status {
        429 | 503 => "link.kind.busy",
        500..=599 => "link.kind.error",
        _ => "link.kind.refused",
    }
}

fn chain_text(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        cur = c.source();
    }
    s
}

/// Finds a `rustls::Error` in the chain (an `io::Error` hides its inner error from `source()`,
/// so look inside with `get_ref`).
fn certificate_problem(e: &(dyn std::error::Error + 'static)) -> Option<CertificateProblem> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cur {
        if let Some(p) = from_rustls(c) {
            return Some(p);
        }
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref() {
                if let Some(p) = from_rustls(inner) {
                    return Some(p);
                }
                if let Some(p) = certificate_problem(inner) {
                    return Some(p);
                }
            }
        }
        cur = c.source();
    }
    None
}

fn from_rustls(e: &(dyn std::error::Error + 'static)) -> Option<CertificateProblem> {
    use rustls::{AlertDescription, CertificateError, Error};
    let r = e.downcast_ref::<Error>()?;
    Some(match r {
        Error::InvalidCertificate(c) => match c {
            CertificateError::UnknownIssuer | CertificateError::BadSignature => {
                CertificateProblem::UnknownIssuer
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                CertificateProblem::Expired
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                CertificateProblem::WrongHost
            }
            other => CertificateProblem::Other(format!("{other:?}")),
        },
        Error::AlertReceived(
            AlertDescription::BadCertificate
            | AlertDescription::CertificateRequired
            | AlertDescription::UnknownCA
            | AlertDescription::CertificateUnknown
            | AlertDescription::AccessDenied,
        ) => CertificateProblem::ClientRefused,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::MessageText as _;

    #[test]
    fn rustls_error_inside_io_error_is_found() {
        let inner = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, inner);
        assert_eq!(
            certificate_problem(&io),
            Some(CertificateProblem::UnknownIssuer)
        );
        let io = std::io::Error::other("plain");
        assert_eq!(certificate_problem(&io), None);
    }

    #[test]
    fn messages_in_both_languages() {
        let e = LinkError::Unauthorized { status: 401 };
        assert!(e.message_en().contains("token"));
        assert!(e.message_id().contains("token stasiun"));
        assert!(!e.is_transient());
        let e = LinkError::Server {
            status: 503,
            code: "unavailable".into(),
            message: "busy".into(),
            retry_after: Some(Duration::from_secs(3)),
        };
        assert!(e.is_transient());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
    }

    #[test]
    fn http_errors_are_server_error_or_busy_never_unreachable() {
        let server = |status: u16, code: &str| LinkError::Server {
            status,
            code: code.into(),
            message: "whatever the server says".into(),
            retry_after: None,
        };
        for (status, code, en, id) in [
            (500, "internal", "server error", "kesalahan server"),
            (502, "http_502", "server error", "kesalahan server"),
            (503, "unavailable", "server busy", "server sibuk"),
            (429, "rate_limited", "server busy", "server sibuk"),
        ] {
            let e = server(status, code);
            assert!(e.message_en().starts_with(en), "{e}");
            assert!(e.message_en().contains(&format!("HTTP {status}")), "{e}");
            assert_eq!(e.summary_en(), en);
            assert!(e.message_id().starts_with(id), "{}", e.message_id());
            for text in [e.message_en(), e.message_id()] {
                assert!(
                    !text.contains("unreachable") && !text.contains("menghubungi"),
                    "{text}"
                );
            }
            // The Indonesian text holds no English words of the server's message.
            assert!(!e.message_id().contains("whatever"), "{}", e.message_id());
        }
        assert_eq!(LinkError::Timeout.summary_en(), "server unreachable");
        assert!(server(400, "bad_request")
            .message_id()
            .starts_with("server menolak"));
    }
}
