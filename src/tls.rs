//! HTTPS for the station's listeners (the link's push endpoint, the dashboard): the server
//! configuration from PEM files and a listener that does each handshake off the accept loop.
//! One module for both, so that they speak TLS the same way (rustls with ring, its safe default
//! protocol versions) and a configuration is read and refused the same way
//! (`[link] push_tls_cert`, `[dashboard] tls_cert`). Errors are told through the catalogue
//! (`tls.*`) because the configuration check shows them to the operator who edited the file.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::rustls;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

use crate::messages::{io_error, Args, Message, MessageText as _};

/// Longest a client may take for its handshake before its connection is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Which file of the pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The certificate (chain).
    Cert,
    /// Its private key.
    Key,
}

impl Part {
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Part::Cert => ("sertifikat", "certificate"),
            Part::Key => ("kunci privat", "private key"),
        }
    }
}

/// Why a certificate and key cannot serve HTTPS: fix the file named, or the pair.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The file cannot be read (missing, permissions).
    #[error("{part:?} {path}: {source}")]
    Read {
        /// Certificate or key.
        part: Part,
        /// The file.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// The file is not PEM, or holds nothing of the kind needed.
    #[error("{part:?} {path}: {detail}")]
    Pem {
        /// Certificate or key.
        part: Part,
        /// The file.
        path: PathBuf,
        /// What the PEM reader said.
        detail: String,
    },
    /// rustls refused the pair (a key that does not match the certificate, a key type it
    /// does not support).
    #[error("certificate and key: {0}")]
    Rejected(String),
}

impl Message for TlsError {
    fn message_code(&self) -> &'static str {
        match self {
            TlsError::Read { .. } => "tls.read",
            TlsError::Pem { .. } => "tls.pem",
            TlsError::Rejected(_) => "tls.rejected",
        }
    }

    fn message_args(&self) -> Args {
        let args = Args::new();
        match self {
            TlsError::Read { part, path, source } => {
                let (id, en) = part.words();
                io_error(source).as_arg(
                    args.with_each("part", id, en).with("path", path.display()),
                    "source",
                )
            }
            TlsError::Pem { part, path, detail } => {
                let (id, en) = part.words();
                args.with_each("part", id, en)
                    .with("path", path.display())
                    .with("detail", detail)
            }
            TlsError::Rejected(detail) => args.with("detail", detail),
        }
    }
}

impl TlsError {
    /// Which file is at fault, when it is one of them (the configuration names that key).
    pub fn part(&self) -> Option<Part> {
        match self {
            TlsError::Read { part, .. } | TlsError::Pem { part, .. } => Some(*part),
            TlsError::Rejected(_) => None,
        }
    }
}

/// The server configuration of a certificate chain and its key, both PEM files.
pub fn server_config(cert: &Path, key: &Path) -> Result<rustls::ServerConfig, TlsError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let read = |part, path: &Path| {
        std::fs::read(path).map_err(|source| TlsError::Read {
            part,
            path: path.to_owned(),
            source,
        })
    };
    let pem = |part, path: &Path, detail: String| TlsError::Pem {
        part,
        path: path.to_owned(),
        detail,
    };
    let cert_pem = read(Part::Cert, cert)?;
    let certs = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| pem(Part::Cert, cert, e.to_string()))?;
    if certs.is_empty() {
        return Err(pem(
            Part::Cert,
            cert,
            "no -----BEGIN CERTIFICATE----- block".into(),
        ));
    }
    let key_pem = read(Part::Key, key)?;
    let key_der =
        PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| pem(Part::Key, key, e.to_string()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(certs, key_der))
        .map_err(|e| TlsError::Rejected(e.to_string()))
}

/// Accepted TLS connections, handshaken off the accept loop (a slow client cannot block
/// others); serve it with `axum::serve` (for `ConnectInfo<SocketAddr>`, through
/// `axum::serve::ListenerExt::tap_io`).
pub struct TlsListener {
    rx: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.rx.recv().await {
            Some(c) => c,
            // The acceptor task ended (shutdown): never yield another connection.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local)
    }
}

/// Accepts on `tcp` and does the handshakes with `config`; `what` names the listener in the
/// log. Must be called inside a tokio runtime; the acceptor task ends when the listener is
/// dropped.
pub fn listener(
    tcp: TcpListener,
    config: Arc<rustls::ServerConfig>,
    what: &'static str,
) -> std::io::Result<TlsListener> {
    let local = tcp.local_addr()?;
    let acceptor = TlsAcceptor::from(config);
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(async move {
        loop {
            let (sock, addr) = tokio::select! {
                r = tcp.accept() => match r {
                    Ok(c) => c,
                    Err(e) => {
                        tracing::warn!(error = %e, listener = what, "accept");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
                () = tx.closed() => return,
            };
            let acceptor = acceptor.clone();
            let tx = tx.clone();
            tokio::spawn(async move {
                match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(sock)).await {
                    Ok(Ok(s)) => {
                        let _ = tx.send((s, addr)).await;
                    }
                    Ok(Err(e)) => {
                        tracing::debug!(peer = %addr, error = %e, listener = what, "TLS handshake failed")
                    }
                    Err(_) => {
                        tracing::debug!(peer = %addr, listener = what, "TLS handshake timed out")
                    }
                }
            });
        }
    });
    Ok(TlsListener { rx, local })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Lang;

    fn pair(dir: &Path) -> (PathBuf, PathBuf) {
        let ck = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
        let (cert, key) = (dir.join("c.pem"), dir.join("k.pem"));
        std::fs::write(&cert, ck.cert.pem()).unwrap();
        std::fs::write(&key, ck.signing_key.serialize_pem()).unwrap();
        (cert, key)
    }

    #[test]
    fn a_good_pair_is_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = pair(dir.path());
        server_config(&cert, &key).unwrap();
    }

    #[test]
    fn each_bad_file_is_named_in_both_languages() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = pair(dir.path());
        let missing = dir.path().join("none.pem");
        let e = server_config(&missing, &key).unwrap_err();
        assert_eq!(e.part(), Some(Part::Cert));
        assert!(e.message(Lang::Id).contains("sertifikat"), "{e}");
        assert!(e.message(Lang::Id).contains("tidak ada"), "{e}");
        assert!(e.message(Lang::En).contains("no such file"), "{e}");

        let garbage = dir.path().join("garbage.pem");
        std::fs::write(&garbage, "hello\n").unwrap();
        let e = server_config(&garbage, &key).unwrap_err();
        assert!(
            matches!(
                e,
                TlsError::Pem {
                    part: Part::Cert,
                    ..
                }
            ),
            "{e:?}"
        );
        let e = server_config(&cert, &garbage).unwrap_err();
        assert!(
            matches!(
                e,
                TlsError::Pem {
                    part: Part::Key,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(e.message(Lang::Id).contains("kunci privat"), "{e}");
        assert!(e.message(Lang::En).contains("private key"), "{e}");

        // Another certificate's key: the pair is refused.
        let other = tempfile::tempdir().unwrap();
        let (_, other_key) = pair(other.path());
        let e = server_config(&cert, &other_key).unwrap_err();
        assert!(matches!(e, TlsError::Rejected(_)), "{e:?}");
        assert!(!e.message(Lang::Id).is_empty());
    }
}
