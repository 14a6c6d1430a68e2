//! The listener: plain HTTP or TLS on 127.0.0.1, one task per connection, and the faults that
//! live below HTTP (hang, drop, down) or before routing (forced error statuses).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, Response, StatusCode};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::{watch, Notify};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::shared::Shared;

/// Longest a TLS handshake may take before the connection is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Binds 127.0.0.1:`port` with SO_REUSEADDR, so the same port can be bound again after
/// a simulated outage.
pub(crate) fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(128)
}

/// Control channels of a running listener.
pub(crate) struct Control {
    pub down: watch::Receiver<bool>,
    pub shutdown: watch::Receiver<bool>,
    pub listening: watch::Sender<bool>,
}

enum Fault {
    None,
    Drop,
    Hang,
    Status(u16),
}

fn take_fault(shared: &Shared) -> Fault {
    let mut f = shared.faults_mut();
    if f.drop_next > 0 {
        f.drop_next -= 1;
        Fault::Drop
    } else if f.hang_next > 0 {
        f.hang_next -= 1;
        Fault::Hang
    } else if f.status_500_next > 0 {
        f.status_500_next -= 1;
        Fault::Status(500)
    } else if f.status_503_next > 0 {
        f.status_503_next -= 1;
        Fault::Status(503)
    } else if f.status_429_next > 0 {
        f.status_429_next -= 1;
        Fault::Status(429)
    } else {
        Fault::None
    }
}

fn forced_status(shared: &Shared, status: u16) -> Response<Body> {
    let (code, message) = match status {
        500 => ("internal", "internal error (injected)"),
        503 => ("unavailable", "unavailable (injected)"),
        _ => ("rate_limited", "too many requests (injected)"),
    };
    let body = json!({"error": {"code": code, "message": message}}).to_string();
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if status != 500 {
        let secs = shared.faults().retry_after_seconds;
        if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    resp
}

/// Accepts until shut down; while `down` is true the port is closed.
pub(crate) async fn accept_loop(
    first: TcpListener,
    addr: SocketAddr,
    router: Router,
    shared: Arc<Shared>,
    tls: Option<TlsAcceptor>,
    mut ctl: Control,
) {
    let mut current = Some(first);
    loop {
        let listener = match current.take() {
            Some(l) => l,
            None => loop {
                match bind(addr) {
                    Ok(l) => break l,
                    Err(_) => {
                        tokio::select! {
                            _ = tokio::time::sleep(Duration::from_millis(20)) => {}
                            _ = ctl.shutdown.changed() => return,
                        }
                    }
                }
            },
        };
        let _ = ctl.listening.send(true);
        loop {
            tokio::select! {
                r = listener.accept() => {
                    if let Ok((stream, _)) = r {
                        let _ = stream.set_nodelay(true);
                        tokio::spawn(connection(
                            stream,
                            tls.clone(),
                            router.clone(),
                            shared.clone(),
                            ctl.down.clone(),
                            ctl.shutdown.clone(),
                        ));
                    }
                }
                r = ctl.down.changed() => {
                    if r.is_err() { return; }
                    if *ctl.down.borrow() { break; }
                }
                _ = ctl.shutdown.changed() => return,
            }
        }
        drop(listener);
        let _ = ctl.listening.send(false);
        loop {
            tokio::select! {
                r = ctl.down.changed() => {
                    if r.is_err() { return; }
                    if !*ctl.down.borrow() { break; }
                }
                _ = ctl.shutdown.changed() => return,
            }
        }
    }
}

async fn until_true(mut rx: watch::Receiver<bool>) {
    loop {
        if *rx.borrow_and_update() {
            return;
        }
        if rx.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

async fn connection(
    stream: tokio::net::TcpStream,
    tls: Option<TlsAcceptor>,
    router: Router,
    shared: Arc<Shared>,
    down: watch::Receiver<bool>,
    shutdown: watch::Receiver<bool>,
) {
    let cut = async move {
        tokio::select! {
            _ = until_true(down) => {}
            _ = until_true(shutdown) => {}
        }
    };
    match tls {
        None => serve(stream, router, shared, cut).await,
        Some(acceptor) => {
            let tls_stream =
                match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                    Ok(Ok(s)) => s,
                    _ => return,
                };
            serve(tls_stream, router, shared, cut).await
        }
    }
}

async fn serve<I>(
    io: I,
    router: Router,
    shared: Arc<Shared>,
    cut: impl std::future::Future<Output = ()>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let kill = Arc::new(Notify::new());
    let svc_kill = kill.clone();
    let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
        let router = router.clone();
        let shared = shared.clone();
        let kill = svc_kill.clone();
        async move {
            match take_fault(&shared) {
                Fault::Drop => {
                    kill.notify_one();
                    std::future::pending::<()>().await;
                    Ok::<_, Infallible>(Response::new(Body::empty()))
                }
                Fault::Hang => {
                    std::future::pending::<()>().await;
                    Ok(Response::new(Body::empty()))
                }
                Fault::Status(s) => Ok(forced_status(&shared, s)),
                Fault::None => router.oneshot(req.map(Body::new)).await,
            }
        }
    });
    let conn = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(io), svc);
    tokio::select! {
        _ = conn => {}
        _ = kill.notified() => {}
        _ = cut => {}
    }
}
