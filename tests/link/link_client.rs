//! The station's HTTP client against the server simulator over real HTTP/TLS: a wrong token, an
//! unknown CA, a wrong host name, a hang and server errors give their typed `LinkError`.

use cetak::messages::MessageText as _;
use std::time::{Duration, Instant};

use crate::support::link::*;
use cetak::link::wire::{ClaimRequest, EventBatch};
use cetak::link::{CertificateProblem, ClientSettings, LinkClient, LinkError};

fn settings(url: &str, token: &str, ca: Option<&str>) -> ClientSettings {
    ClientSettings {
        server_url: url.to_string(),
        station_id: STATION.to_string(),
        token: token.to_string(),
        ca_pem: ca.map(|c| c.as_bytes().to_vec()),
        identity_pem: None,
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(2),
    }
}

fn claim(wait: u32) -> ClaimRequest {
    ClaimRequest {
        max_jobs: 5,
        wait_seconds: wait,
        blangko_types: vec!["kia".into()],
        lease_seconds: 60,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_over_tls_with_the_right_ca_and_token() {
    let sim = ServerSim::start(SimOptions::default().station(STATION, TOKEN).tls())
        .await
        .unwrap();
    let (id, jws) = signed_jobs("CLI-OK", 1).remove(0);
    sim.add_job(&id, &jws);
    let c = LinkClient::new(&settings(sim.url(), TOKEN, sim.ca_pem())).unwrap();
    let r = c.claim(&claim(0)).await.unwrap();
    assert_eq!(r.leases.len(), 1);
    assert_eq!(r.leases[0].job_id, id);
    assert_eq!(r.leases[0].job, jws);
    let lease = c.renew(&r.leases[0].lease_id, 60).await.unwrap();
    assert_eq!(lease.lease_id, r.leases[0].lease_id);
    c.release(&lease.lease_id, "shutdown").await.unwrap();
    // A released lease is gone: renewing it is a lost lease.
    let e = c.renew(&lease.lease_id, 60).await.unwrap_err();
    assert!(matches!(e, LinkError::LeaseLost { .. }), "{e:?}");
    let ack = c.post_events(&EventBatch { events: vec![] }).await;
    // An empty batch is either accepted or refused as a bad request, never a transport error.
    assert!(
        !matches!(ack, Err(LinkError::Connect(_) | LinkError::Timeout)),
        "{ack:?}"
    );
    assert_no_violations_except_empty_batch(&sim);
}

fn assert_no_violations_except_empty_batch(sim: &ServerSim) {
    let v: Vec<_> = sim
        .schema_violations()
        .into_iter()
        .filter(|v| v.operation != "deliverEvents")
        .collect();
    assert!(v.is_empty(), "{v:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_token_is_unauthorized() {
    let sim = sim().await;
    let c = LinkClient::new(&settings(sim.url(), "not-the-token", None)).unwrap();
    let e = c.claim(&claim(0)).await.unwrap_err();
    assert!(matches!(e, LinkError::Unauthorized { .. }), "{e:?}");
    assert!(e.message_id().contains("token"), "{}", e.message_id());
    assert!(!e.is_transient());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_ca_is_a_certificate_error() {
    let sim = ServerSim::start(SimOptions::default().station(STATION, TOKEN).tls())
        .await
        .unwrap();
    // No CA given: the simulator's fresh CA is in no trust store.
    let c = LinkClient::new(&settings(sim.url(), TOKEN, None)).unwrap();
    let e = c.claim(&claim(0)).await.unwrap_err();
    assert!(
        matches!(e, LinkError::Certificate(CertificateProblem::UnknownIssuer)),
        "{e:?}"
    );
    assert!(e.message_id().contains("CA"), "{}", e.message_id());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_for_another_host_is_named() {
    let sim = ServerSim::start(
        SimOptions::default()
            .station(STATION, TOKEN)
            .tls_for(&["dinas.example"]),
    )
    .await
    .unwrap();
    let c = LinkClient::new(&settings(sim.url(), TOKEN, sim.ca_pem())).unwrap();
    let e = c.claim(&claim(0)).await.unwrap_err();
    assert!(
        matches!(e, LinkError::Certificate(CertificateProblem::WrongHost)),
        "{e:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_server_certificate_is_named() {
    let sim = ServerSim::start(SimOptions::default().station(STATION, TOKEN).expired_tls())
        .await
        .unwrap();
    // The CA is trusted and the name is right: only the dates are wrong.
    let c = LinkClient::new(&settings(sim.url(), TOKEN, sim.ca_pem())).unwrap();
    let e = c.claim(&claim(0)).await.unwrap_err();
    assert!(
        matches!(e, LinkError::Certificate(CertificateProblem::Expired)),
        "{e:?}"
    );
    assert!(!e.is_transient());
    assert!(e.message_id().contains("kedaluwarsa"), "{}", e.message_id());
    assert!(e.to_string().contains("expired"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hang_times_out_within_the_configured_time() {
    let sim = sim().await;
    sim.update_faults(|f| f.hang_next = 1);
    let c = LinkClient::new(&settings(sim.url(), TOKEN, None)).unwrap();
    let start = Instant::now();
    let e = c
        .post_events(&EventBatch { events: vec![] })
        .await
        .unwrap_err();
    let took = start.elapsed();
    assert!(matches!(e, LinkError::Timeout), "{e:?}");
    assert!(e.is_transient());
    // Configured total 2 s; generous upper bound for a loaded machine.
    assert!(
        took >= Duration::from_millis(1900) && took < Duration::from_secs(10),
        "{took:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_typed_and_retry_after_is_read() {
    let sim = sim().await;
    sim.update_faults(|f| f.status_500_next = 1);
    let c = LinkClient::new(&settings(sim.url(), TOKEN, None)).unwrap();
    let e = c.claim(&claim(0)).await.unwrap_err();
    assert!(matches!(e, LinkError::Server { status: 500, .. }), "{e:?}");
    assert!(e.is_transient());
    sim.update_faults(|f| {
        f.status_503_next = 1;
        f.retry_after_seconds = 7;
    });
    let e = c.claim(&claim(0)).await.unwrap_err();
    assert!(matches!(e, LinkError::Server { status: 503, .. }), "{e:?}");
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
    // Dropped connection: a transport error, retried later.
    sim.update_faults(|f| f.drop_next = 1);
    let e = c.claim(&claim(0)).await.unwrap_err();
    assert!(e.is_transient(), "{e:?}");
    // Down: refused connection.
    sim.set_down(true).await;
    let e = c.claim(&claim(0)).await.unwrap_err();
    assert!(matches!(e, LinkError::Connect(_)), "{e:?}");
    sim.set_down(false).await;
    c.claim(&claim(0)).await.unwrap();
    assert_no_violations(&sim);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_poll_is_held_and_not_cut_by_the_request_timeout() {
    let sim = sim().await;
    let c = LinkClient::new(&settings(sim.url(), TOKEN, None)).unwrap();
    let start = Instant::now();
    // wait 3 s > request timeout 2 s: the claim's timeout allows for the hold.
    let r = c.claim(&claim(3)).await.unwrap();
    assert!(r.leases.is_empty());
    assert!(
        start.elapsed() >= Duration::from_millis(2500),
        "{:?}",
        start.elapsed()
    );
    assert_no_violations(&sim);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_needs_the_station_certificate() {
    let sim = ServerSim::start(SimOptions::default().station(STATION, TOKEN).mutual_tls())
        .await
        .unwrap();
    let mut with = settings(sim.url(), TOKEN, sim.ca_pem());
    with.identity_pem = sim.client_identity_pem().map(|p| p.as_bytes().to_vec());
    let c = LinkClient::new(&with).unwrap();
    let r = c.claim(&claim(0)).await.unwrap();
    assert!(r.leases.is_empty());
    // Without it the server refuses the handshake (or the first request): never a success.
    let c = LinkClient::new(&settings(sim.url(), TOKEN, sim.ca_pem())).unwrap();
    let e = c.claim(&claim(0)).await.unwrap_err();
    assert!(
        matches!(
            e,
            LinkError::Certificate(CertificateProblem::ClientRefused)
                | LinkError::Certificate(_)
                | LinkError::Connect(_)
        ),
        "{e:?}"
    );
    assert!(!e.message_en().is_empty());
}

/// A forward proxy on loopback that records each request line and relays the bytes to the
/// server: shows the client takes the proxy from `HTTP_PROXY`.
async fn recording_proxy(
    target: std::net::SocketAddr,
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut head = vec![0u8; 4096];
                let n = client.read(&mut head).await.unwrap_or(0);
                let text = String::from_utf8_lossy(&head[..n]).to_string();
                if let Some(line) = text.lines().next() {
                    log.lock().unwrap().push(line.to_string());
                }
                let Ok(mut server) = tokio::net::TcpStream::connect(target).await else {
                    return;
                };
                if server.write_all(&head[..n]).await.is_err() {
                    return;
                }
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            });
        }
    });
    (url, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_proxy_comes_from_the_environment() {
    let sim = sim().await;
    let (proxy, seen) = recording_proxy(sim.addr()).await;
    // Each test runs in its own process under nextest; the variables are read when the client
    // is built.
    std::env::set_var("HTTP_PROXY", &proxy);
    std::env::set_var("http_proxy", &proxy);
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");
    let c = LinkClient::new(&settings(sim.url(), TOKEN, None)).unwrap();
    std::env::remove_var("HTTP_PROXY");
    std::env::remove_var("http_proxy");
    let r = c.claim(&claim(0)).await.unwrap();
    assert!(r.leases.is_empty());
    let lines = seen.lock().unwrap().clone();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("POST http://") && l.contains("/claims")),
        "the claim went through the proxy: {lines:?}"
    );
}
