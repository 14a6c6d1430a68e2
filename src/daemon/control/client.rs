//! A blocking client of the control API (the CLI's side): one HTTP/1.1 request per call on a
//! fresh connection to the Unix socket, with a deadline.

use std::path::{Path, PathBuf};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use serde::de::DeserializeOwned;

use super::{ActRequest, ActResponse, ApiError, EventView, StatusView};

/// Why a control call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Nothing listens on the socket: the daemon is not running (or uses another socket).
    #[error("the cetak daemon is not running (no control socket at {0})")]
    NotRunning(PathBuf),
    /// The socket exists but this user may not use it (not in the socket's group).
    #[error("permission denied on {0}: ask to be added to the cetak group")]
    PermissionDenied(PathBuf),
    /// The daemon refused the request.
    #[error("{}", .0.message_en)]
    Refused(ApiError),
    /// No answer in time.
    #[error("the daemon did not answer within {0:?}")]
    Timeout(Duration),
    /// The connection broke or the answer was not what the API promises.
    #[error("control API: {0}")]
    Protocol(String),
}

impl ClientError {
    /// The message in Bahasa Indonesia (`Display` is English).
    pub fn message_id(&self) -> String {
        match self {
            ClientError::NotRunning(p) => format!(
                "daemon cetak tidak berjalan (tidak ada socket kendali di {}); jalankan `systemctl start cetak`",
                p.display()
            ),
            ClientError::PermissionDenied(p) => format!(
                "tidak diizinkan memakai {}: minta dimasukkan ke grup cetak",
                p.display()
            ),
            ClientError::Refused(e) => e.message_id.clone(),
            ClientError::Timeout(d) => format!("daemon tidak menjawab dalam {d:?}"),
            ClientError::Protocol(m) => format!("API kendali: {m}"),
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

/// Talks to the daemon at one socket path.
#[derive(Debug, Clone)]
pub struct ControlClient {
    path: PathBuf,
    timeout: Duration,
}

impl ControlClient {
    /// A client for the socket at `path` (10 s deadline per call).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        ControlClient {
            path: path.into(),
            timeout: Duration::from_secs(10),
        }
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
        let body = serde_json::to_vec(req).map_err(|e| ClientError::Protocol(e.to_string()))?;
        let path = format!("/v1/printers/{}/act", encode_segment(printer));
        self.call(Method::POST, &path, Some(body))
    }

    fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        uri: &str,
        body: Option<Vec<u8>>,
    ) -> Result<T, ClientError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        let fut = request(&self.path, method, uri, body);
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
        req = req.header(hyper::header::CONTENT_TYPE, "application/json");
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

/// Percent-encodes a path segment (printer ids are plain, but never trust that).
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
