//! A blocking client of the control API (the CLI's side): one HTTP/1.1 request per call on a
//! fresh connection to the Unix socket, with a deadline.

use std::path::{Path, PathBuf};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use serde::de::DeserializeOwned;

use super::wire::*;
use super::{ActRequest, ActResponse, ApiError, EventView, StatusView};

/// Why a control call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Nothing listens on the socket: the daemon is not running (or uses another socket).
    #[error("the cetak daemon is not running (no control socket at {0})")]
    NotRunning(PathBuf),
    /// The socket exists but its folder or file is closed to this user (the shipped unit
    /// leaves both open: RuntimeDirectoryMode=0755, socket 0666).
    #[error("permission denied on {0}: the control socket or its folder is closed to this user; ask an administrator to check its permissions")]
    PermissionDenied(PathBuf),
    /// The daemon refused the request.
    #[error("{}", .0.message_en)]
    Refused(ApiError),
    /// No answer in time.
    #[error("the daemon did not answer within {0:?}; check the outcome (cetak status / cetak stock show) before repeating")]
    Timeout(Duration),
    /// The connection broke or the answer was not what the API promises.
    #[error("control API: {0}")]
    Protocol(String),
}

impl crate::messages::Message for ClientError {
    fn message_code(&self) -> &'static str {
        match self {
            ClientError::NotRunning(_) => "control.not_running",
            ClientError::PermissionDenied(_) => "control.permission_denied",
            ClientError::Refused(_) => "control.refused",
            ClientError::Timeout(_) => "control.timeout",
            ClientError::Protocol(_) => "control.protocol",
        }
    }

    fn message_args(&self) -> crate::messages::Args {
        let args = crate::messages::Args::new();
        match self {
            ClientError::NotRunning(p) | ClientError::PermissionDenied(p) => {
                args.with("path", p.display())
            }
            // The daemon's answer carries both languages.
            ClientError::Refused(e) => {
                args.with_each("message", e.message_id.clone(), e.message_en.clone())
            }
            ClientError::Timeout(d) => args.with("waited", format!("{d:?}")),
            ClientError::Protocol(m) => args.with("reason", m),
        }
    }
}

/// Talks to the daemon at one socket path.
#[derive(Debug, Clone)]
pub struct ControlClient {
    path: PathBuf,
    timeout: Duration,
}

impl ControlClient {
    /// A client for the socket at `path`. The deadline per call (60 s) is longer than the
    /// daemon's journal busy timeout (30 s), so a write waiting for the journal is answered
    /// rather than abandoned half-way from the operator's point of view.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        ControlClient {
            path: path.into(),
            timeout: Duration::from_secs(60),
        }
    }

    /// The socket this client talks to.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether a daemon answers on the socket (a connection is accepted).
    pub fn daemon_listening(&self) -> bool {
        std::os::unix::net::UnixStream::connect(&self.path).is_ok()
    }

    /// Changes the deadline per call.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// `GET /v1/status`.
    pub fn status(&self) -> Result<StatusView, ClientError> {
        self.call(Method::GET, "/v1/status", None)
    }

    /// `GET /v1/events`.
    pub fn events(&self) -> Result<Vec<EventView>, ClientError> {
        self.call(Method::GET, "/v1/events", None)
    }

    /// `POST /v1/printers/{printer}/act`.
    pub fn act(&self, printer: &str, req: &ActRequest) -> Result<ActResponse, ClientError> {
        let path = format!("/v1/printers/{}/act", encode_segment(printer));
        self.post(&path, req)
    }

    /// `GET /v1/stock`.
    pub fn stock(&self) -> Result<StockView, ClientError> {
        self.call(Method::GET, "/v1/stock", None)
    }

    /// `GET /v1/stock/verify`.
    pub fn stock_verify(&self) -> Result<StockVerifyView, ClientError> {
        self.call(Method::GET, "/v1/stock/verify", None)
    }

    /// `POST /v1/stock/receive`.
    pub fn stock_receive(&self, r: &ReceiveRequest) -> Result<Recorded, ClientError> {
        self.post("/v1/stock/receive", r)
    }

    /// `POST /v1/stock/load`.
    pub fn stock_load(&self, r: &LoadRequest) -> Result<Recorded, ClientError> {
        self.post("/v1/stock/load", r)
    }

    /// `POST /v1/stock/unload`.
    pub fn stock_unload(&self, r: &LoadRequest) -> Result<Recorded, ClientError> {
        self.post("/v1/stock/unload", r)
    }

    /// `POST /v1/stock/spoil`.
    pub fn stock_spoil(&self, r: &MoveOutRequest) -> Result<Recorded, ClientError> {
        self.post("/v1/stock/spoil", r)
    }

    /// `POST /v1/stock/return`.
    pub fn stock_return(&self, r: &MoveOutRequest) -> Result<Recorded, ClientError> {
        self.post("/v1/stock/return", r)
    }

    /// `POST /v1/stock/adjust`.
    pub fn stock_adjust(&self, r: &AdjustRequest) -> Result<Recorded, ClientError> {
        self.post("/v1/stock/adjust", r)
    }

    /// `POST /v1/jobs/{job}/write-off`.
    pub fn write_off(&self, job: &str, r: &WriteOffRequest) -> Result<JobStateView, ClientError> {
        self.post(&format!("/v1/jobs/{}/write-off", encode_segment(job)), r)
    }

    /// `GET /v1/doubt`.
    pub fn doubt_list(&self) -> Result<Vec<DoubtView>, ClientError> {
        self.call(Method::GET, "/v1/doubt", None)
    }

    /// `POST /v1/doubt/{job}/resolve`.
    pub fn doubt_resolve(
        &self,
        job: &str,
        r: &ResolveRequest,
    ) -> Result<JobStateView, ClientError> {
        self.post(&format!("/v1/doubt/{}/resolve", encode_segment(job)), r)
    }

    /// `POST /v1/jobs/{job}/handover`.
    pub fn hand_over(
        &self,
        job: &str,
        r: &super::HandOverRequest,
    ) -> Result<super::HandOverView, ClientError> {
        self.post(&format!("/v1/jobs/{}/handover", encode_segment(job)), r)
    }

    /// `GET /v1/batches`.
    pub fn batch_list(&self) -> Result<Vec<crate::journal::BatchFigures>, ClientError> {
        self.call(Method::GET, "/v1/batches", None)
    }

    /// `GET /v1/batches/{batch}`.
    pub fn batch_show(&self, batch: &str) -> Result<crate::journal::BatchFigures, ClientError> {
        self.call(
            Method::GET,
            &format!("/v1/batches/{}", encode_segment(batch)),
            None,
        )
    }

    /// `POST /v1/batches/{batch}/handover`.
    pub fn hand_over_batch(
        &self,
        batch: &str,
        r: &super::BatchHandOverRequest,
    ) -> Result<super::BatchHandOverView, ClientError> {
        self.post(
            &format!("/v1/batches/{}/handover", encode_segment(batch)),
            r,
        )
    }

    /// `GET /v1/outbox`.
    pub fn outbox(&self) -> Result<OutboxView, ClientError> {
        self.call(Method::GET, "/v1/outbox", None)
    }

    /// `POST /v1/outbox/retry`.
    pub fn outbox_retry(&self, r: &RetryRequest) -> Result<RetryView, ClientError> {
        self.post("/v1/outbox/retry", r)
    }

    /// `GET /v1/audit/verify`.
    pub fn audit_verify(&self) -> Result<AuditVerifyView, ClientError> {
        self.call(Method::GET, "/v1/audit/verify", None)
    }

    /// `GET /v1/export`.
    pub fn export(&self) -> Result<ExportView, ClientError> {
        self.call(Method::GET, "/v1/export", None)
    }

    /// `POST /v1/import` with the bundle file as it is (a large bundle takes a while: the
    /// deadline is at least 10 minutes).
    pub fn import(&self, q: &ImportQuery, bundle: Vec<u8>) -> Result<ImportView, ClientError> {
        let mut uri = format!(
            "/v1/import?name={}&acks_only={}",
            encode_segment(&q.name),
            q.acks_only
        );
        if let Some(op) = &q.operator {
            uri.push_str(&format!("&operator={}", encode_segment(op)));
        }
        let slow = ControlClient {
            path: self.path.clone(),
            timeout: self.timeout.max(Duration::from_secs(600)),
        };
        slow.call_with(Method::POST, &uri, Some(bundle), "application/octet-stream")
    }

    /// `POST /v1/submit` with a job file's content (an unsigned training job's images inlined).
    pub fn submit(&self, q: &SubmitQuery, job: Vec<u8>) -> Result<SubmitView, ClientError> {
        let mut uri = "/v1/submit".to_string();
        if let Some(op) = &q.operator {
            uri.push_str(&format!("?operator={}", encode_segment(op)));
        }
        self.call_with(Method::POST, &uri, Some(job), "application/octet-stream")
    }

    fn post<B: serde::Serialize, T: DeserializeOwned>(
        &self,
        uri: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        let body = serde_json::to_vec(body).map_err(|e| ClientError::Protocol(e.to_string()))?;
        self.call(Method::POST, uri, Some(body))
    }

    fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        uri: &str,
        body: Option<Vec<u8>>,
    ) -> Result<T, ClientError> {
        self.call_with(method, uri, body, "application/json")
    }

    fn call_with<T: DeserializeOwned>(
        &self,
        method: Method,
        uri: &str,
        body: Option<Vec<u8>>,
        content_type: &str,
    ) -> Result<T, ClientError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        let fut = request(&self.path, method, uri, body, content_type);
        let (status, bytes) = rt
            .block_on(async { tokio::time::timeout(self.timeout, fut).await })
            .map_err(|_| ClientError::Timeout(self.timeout))??;
        if status.is_success() {
            serde_json::from_slice(&bytes)
                .map_err(|e| ClientError::Protocol(format!("unexpected answer: {e}")))
        } else {
            match serde_json::from_slice::<ApiError>(&bytes) {
                Ok(e) => Err(ClientError::Refused(e)),
                Err(_) => Err(ClientError::Protocol(format!(
                    "HTTP {status}: {}",
                    String::from_utf8_lossy(&bytes)
                        .chars()
                        .take(200)
                        .collect::<String>()
                ))),
            }
        }
    }
}

async fn request(
    path: &Path,
    method: Method,
    uri: &str,
    body: Option<Vec<u8>>,
    content_type: &str,
) -> Result<(StatusCode, Bytes), ClientError> {
    let stream = tokio::net::UnixStream::connect(path)
        .await
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused => {
                ClientError::NotRunning(path.to_path_buf())
            }
            std::io::ErrorKind::PermissionDenied => {
                ClientError::PermissionDenied(path.to_path_buf())
            }
            _ => ClientError::Protocol(format!("{}: {e}", path.display())),
        })?;
    let proto = |e: hyper::Error| ClientError::Protocol(e.to_string());
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(proto)?;
    let driver = tokio::spawn(conn);
    let has_body = body.is_some();
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header(hyper::header::HOST, "cetak");
    if has_body {
        req = req.header(hyper::header::CONTENT_TYPE, content_type);
    }
    let req = req
        .body(Full::new(Bytes::from(body.unwrap_or_default())))
        .map_err(|e| ClientError::Protocol(e.to_string()))?;
    let resp = sender.send_request(req).await.map_err(proto)?;
    let status = resp.status();
    let bytes = resp.into_body().collect().await.map_err(proto)?.to_bytes();
    driver.abort();
    Ok((status, bytes))
}

/// Percent-encodes a path segment or query value (printer ids are plain, but never trust
/// that).
fn encode_segment(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
