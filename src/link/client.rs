//! The HTTP client of the station: rustls only, a timeout on every request, proxies from the
//! standard environment variables (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`), an extra CA file,
//! an optional client certificate (mutual TLS) and the bearer token from a file.

use std::path::Path;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, RETRY_AFTER};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::LinkError;
use super::wire::{
    ClaimRequest, ClaimResponse, ErrorBody, EventAck, EventBatch, Lease, ReleaseRequest,
    RenewRequest,
};
use crate::config::LinkConfig;
use crate::messages::Plain;

/// Everything needed to build a [`LinkClient`], independent of the config file so tests can
/// build one directly.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    /// Server base URL (the API is under `{base}/api/v1`).
    pub server_url: String,
    /// Station id (path segment of every server route).
    pub station_id: String,
    /// Bearer token.
    pub token: String,
    /// Extra trusted CA, PEM.
    pub ca_pem: Option<Vec<u8>>,
    /// Client certificate chain + private key, PEM (mutual TLS).
    pub identity_pem: Option<Vec<u8>>,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Total timeout of a request (a claim gets its `wait_seconds` on top).
    pub request_timeout: Duration,
}

impl ClientSettings {
    /// Reads the token, CA and client certificate files named in `[link]`.
    pub fn from_config(link: &LinkConfig, station_id: &str) -> Result<Self, LinkError> {
        let token = read_token(&link.token_file)?;
        let ca_pem = link.ca_file.as_deref().map(read_file).transpose()?;
        let identity_pem = match (&link.client_cert, &link.client_key) {
            (Some(c), Some(k)) => {
                let mut pem = read_file(c)?;
                pem.push(b'\n');
                pem.extend(read_file(k)?);
                Some(pem)
            }
            _ => None,
        };
        Ok(ClientSettings {
            server_url: link.server_url.clone(),
            station_id: station_id.to_string(),
            token,
            ca_pem,
            identity_pem,
            connect_timeout: Duration::from_secs(link.connect_timeout_seconds.into()),
            request_timeout: Duration::from_secs(link.request_timeout_seconds.into()),
        })
    }
}

/// Reads a token file: the first line, trimmed; empty is an error.
pub fn read_token(path: &Path) -> Result<String, LinkError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| LinkError::Config(crate::messages::file_error(path, &e)))?;
    let token = text.lines().next().unwrap_or("").trim().to_string();
    if token.is_empty() {
        return Err(LinkError::Config(
            Plain::new("link.token_empty").with("path", path.display()),
        ));
    }
    Ok(token)
}

fn read_file(path: &Path) -> Result<Vec<u8>, LinkError> {
    std::fs::read(path).map_err(|e| LinkError::Config(crate::messages::file_error(path, &e)))
}

/// Typed calls to the server's API for one station.
#[derive(Debug, Clone)]
pub struct LinkClient {
    http: reqwest::Client,
    base: String,
    request_timeout: Duration,
    health: super::health::HealthCell,
}

impl LinkClient {
    /// Builds the client (no request is made).
    pub fn new(s: &ClientSettings) -> Result<LinkClient, LinkError> {
        let mut headers = HeaderMap::new();
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", s.token))
            .map_err(|_| LinkError::Config(Plain::new("link.token_characters")))?;
        auth.set_sensitive(true);
        headers.insert(AUTHORIZATION, auth);
        // reqwest reads HTTP(S)_PROXY / NO_PROXY from the environment by default.
        let mut b = reqwest::Client::builder()
            .use_rustls_tls()
            .https_only(false)
            .default_headers(headers)
            .connect_timeout(s.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(30))
            .user_agent(concat!("cetak/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = &s.ca_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| LinkError::Config(Plain::new("link.ca_file").with("detail", e)))?;
            if certs.is_empty() {
                return Err(LinkError::Config(Plain::new("link.ca_file_empty")));
            }
            for c in certs {
                b = b.add_root_certificate(c);
            }
        }
        if let Some(pem) = &s.identity_pem {
            let id = reqwest::Identity::from_pem(pem).map_err(|e| {
                LinkError::Config(Plain::new("link.client_identity").with("detail", e))
            })?;
            b = b.identity(id);
        }
        let http = b
            .build()
            .map_err(|e| LinkError::Config(Plain::new("link.http_client").with("detail", e)))?;
        let root = s.server_url.trim_end_matches('/');
        let station = encode_segment(&s.station_id);
        Ok(LinkClient {
            http,
            base: format!("{root}/api/v1/stations/{station}"),
            request_timeout: s.request_timeout,
            health: Default::default(),
        })
    }

    /// The outcome of every request so far (shared by all clones of this client).
    pub fn health(&self) -> super::health::HealthCell {
        self.health.clone()
    }

    /// Long-poll claim: held by the server up to `wait_seconds`; the timeout allows for it.
    pub async fn claim(&self, req: &ClaimRequest) -> Result<ClaimResponse, LinkError> {
        let timeout = self.request_timeout + Duration::from_secs(req.wait_seconds.into());
        self.post(&format!("{}/claims", self.base), req, timeout)
            .await
    }

    /// Renews a lease; 409 `lease_expired` / 404 `lease_unknown` → [`LinkError::LeaseLost`].
    pub async fn renew(&self, lease_id: &str, lease_seconds: u32) -> Result<Lease, LinkError> {
        let url = format!("{}/leases/{}/renew", self.base, encode_segment(lease_id));
        let r = self
            .post::<_, Lease>(&url, &RenewRequest { lease_seconds }, self.request_timeout)
            .await;
        lease_lost(r, lease_id)
    }

    /// Releases a lease the station will not work.
    pub async fn release(&self, lease_id: &str, reason: &str) -> Result<(), LinkError> {
        let url = format!("{}/leases/{}/release", self.base, encode_segment(lease_id));
        let body = ReleaseRequest {
            reason: reason.to_string(),
        };
        let r = self
            .send(self.http.post(&url).json(&body), self.request_timeout)
            .await
            .map(|_| ());
        lease_lost(r, lease_id)
    }

    /// Delivers a batch of events (≤ 100).
    pub async fn post_events(&self, batch: &EventBatch) -> Result<EventAck, LinkError> {
        self.post(
            &format!("{}/events", self.base),
            batch,
            self.request_timeout,
        )
        .await
    }

    async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        url: &str,
        body: &B,
        timeout: Duration,
    ) -> Result<T, LinkError> {
        let bytes = self.send(self.http.post(url).json(body), timeout).await?;
        let r =
            serde_json::from_slice(&bytes).map_err(|e| LinkError::Protocol(format!("{url}: {e}")));
        if r.is_err() {
            self.health.record(&r);
        }
        r
    }

    async fn send(
        &self,
        req: reqwest::RequestBuilder,
        timeout: Duration,
    ) -> Result<Vec<u8>, LinkError> {
        let r = self.send_once(req, timeout).await;
        self.health.record(&r);
        r
    }

    async fn send_once(
        &self,
        req: reqwest::RequestBuilder,
        timeout: Duration,
    ) -> Result<Vec<u8>, LinkError> {
        let resp = req
            .timeout(timeout)
            .send()
            .await
            .map_err(LinkError::from_reqwest)?;
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let bytes = resp.bytes().await.map_err(LinkError::from_reqwest)?;
        if status.is_success() {
            return Ok(bytes.to_vec());
        }
        Err(error_for(status, &bytes, retry_after))
    }
}

/// 404/409 about the lease (`lease_unknown`, `lease_expired`, or a body without a known code)
/// mean it is gone. `409 job_owned` is not a lost lease: the server refuses to take back a job
/// that belongs to the station, and the caller sees it as such.
fn lease_lost<T>(r: Result<T, LinkError>, lease_id: &str) -> Result<T, LinkError> {
    match r {
        Err(LinkError::Server { status, code, .. })
            if code != "job_owned"
                && (status == 409 || status == 404 || code == "lease_expired") =>
        {
            Err(LinkError::LeaseLost {
                lease_id: lease_id.to_string(),
            })
        }
        other => other,
    }
}

fn error_for(status: StatusCode, body: &[u8], retry_after: Option<Duration>) -> LinkError {
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        return LinkError::Unauthorized {
            status: status.as_u16(),
        };
    }
    let (code, message) = match serde_json::from_slice::<ErrorBody>(body) {
        Ok(b) => (b.error.code, b.error.message),
        Err(_) => (
            format!("http_{}", status.as_u16()),
            String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned(),
        ),
    };
    LinkError::Server {
        status: status.as_u16(),
        code,
        message,
        retry_after,
    }
}

/// `Retry-After` as seconds or an HTTP date.
fn parse_retry_after(v: &str) -> Option<Duration> {
    if let Ok(s) = v.trim().parse::<u64>() {
        return Some(Duration::from_secs(s));
    }
    let t = chrono::DateTime::parse_from_rfc2822(v.trim()).ok()?;
    let secs = (t.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_seconds();
    Some(Duration::from_secs(secs.max(0) as u64))
}

/// Percent-encodes a path segment (ids are normally plain, but never trust that).
fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_date() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn error_bodies_are_typed() {
        let body = br#"{"error":{"code":"lease_expired","message":"gone"}}"#;
        let e = lease_lost::<()>(Err(error_for(StatusCode::CONFLICT, body, None)), "L1");
        assert!(matches!(e, Err(LinkError::LeaseLost { lease_id }) if lease_id == "L1"));
        let body = br#"{"error":{"code":"job_owned","message":"stays with the station"}}"#;
        let e = lease_lost::<()>(Err(error_for(StatusCode::CONFLICT, body, None)), "L1");
        assert!(
            matches!(e, Err(LinkError::Server { status: 409, ref code, .. }) if code == "job_owned")
        );
        let e = error_for(StatusCode::FORBIDDEN, b"", None);
        assert!(matches!(e, LinkError::Unauthorized { status: 403 }));
        let e = error_for(StatusCode::BAD_GATEWAY, b"<html>", None);
        assert!(matches!(e, LinkError::Server { status: 502, ref code, .. } if code == "http_502"));
    }

    #[test]
    fn an_unusable_token_file_is_told_in_each_language() {
        use crate::messages::MessageText as _;
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("token");
        std::fs::write(&empty, "\n").unwrap();
        let e = read_token(&empty).unwrap_err();
        assert!(e.message_id().contains("kosong"), "{}", e.message_id());
        assert!(e.message_en().contains("is empty"), "{}", e.message_en());
        let e = read_token(&dir.path().join("missing")).unwrap_err();
        assert!(
            e.message_id().contains("konfigurasi link")
                && e.message_id().contains("tidak ada")
                && !e.message_id().contains("No such file"),
            "{}",
            e.message_id()
        );
        assert!(
            e.message_en().contains("no such file"),
            "{}",
            e.message_en()
        );
    }

    #[test]
    fn segments_are_encoded() {
        assert_eq!(encode_segment("3273-DISDUK-01"), "3273-DISDUK-01");
        assert_eq!(encode_segment("a/b c"), "a%2Fb%20c");
    }
}
