//! Each injected fault does what it says, over real connections.

mod common;

use std::time::{Duration, Instant};

use cetak_server_sim::{Faults, ServerSim, SimOptions};
use common::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn status_500_next_fires_n_times_then_stops() {
    let sim = start().await;
    sim.set_faults(Faults {
        status_500_next: 2,
        ..Faults::default()
    });
    for _ in 0..2 {
        let (s, retry, b) = post(&sim, "/stations/ST-01/claims", Some(TOKEN), &claim_body(0)).await;
        assert_eq!((s, b["error"]["code"].as_str()), (500, Some("internal")));
        assert_eq!(retry, None);
    }
    claim(&sim, 0).await;
    assert_eq!(sim.faults().status_500_next, 0);
    assert_eq!(
        sim.request_count("claimJobs"),
        1,
        "faulted requests never reach the handler"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn status_503_and_429_carry_retry_after() {
    let sim = start().await;
    sim.set_faults(Faults {
        status_503_next: 1,
        status_429_next: 1,
        retry_after_seconds: 7,
        ..Faults::default()
    });
    let (s, retry, b) = post(&sim, "/stations/ST-01/claims", Some(TOKEN), &claim_body(0)).await;
    assert_eq!(
        (s, retry.as_deref(), b["error"]["code"].as_str()),
        (503, Some("7"), Some("unavailable"))
    );
    let (s, retry, b) = post(&sim, "/stations/ST-01/claims", Some(TOKEN), &claim_body(0)).await;
    assert_eq!(
        (s, retry.as_deref(), b["error"]["code"].as_str()),
        (429, Some("7"), Some("rate_limited"))
    );
    claim(&sim, 0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hang_next_never_answers_until_the_client_gives_up() {
    let sim = start().await;
    sim.update_faults(|f| f.hang_next = 1);
    let quick = reqwest::Client::builder()
        .timeout(Duration::from_millis(700))
        .no_proxy()
        .build()
        .unwrap();
    let t0 = Instant::now();
    let err = quick
        .post(format!("{}/stations/ST-01/claims", sim.api_url()))
        .bearer_auth(TOKEN)
        .json(&claim_body(0))
        .send()
        .await
        .expect_err("no answer");
    assert!(err.is_timeout(), "{err:?}");
    assert!(t0.elapsed() >= Duration::from_millis(600));
    claim(&sim, 0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn drop_next_closes_the_connection_without_an_answer() {
    let sim = start().await;
    sim.update_faults(|f| f.drop_next = 1);
    let err = client()
        .post(format!("{}/stations/ST-01/claims", sim.api_url()))
        .bearer_auth(TOKEN)
        .json(&claim_body(0))
        .send()
        .await
        .expect_err("connection closed");
    assert!(!err.is_timeout(), "closed, not timed out: {err:?}");
    assert!(
        err.is_request() || err.is_connect() || err.is_body(),
        "{err:?}"
    );
    claim(&sim, 0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn slow_claims_delay_every_claim() {
    let sim = start().await;
    sim.add_job("J-1", &jws("J-1", "kia"));
    sim.update_faults(|f| f.slow_claims = Duration::from_millis(800));
    let t0 = Instant::now();
    let body = claim(&sim, 0).await;
    assert!(t0.elapsed() >= Duration::from_millis(750));
    assert_eq!(body["leases"][0]["job_id"], "J-1");
}

#[tokio::test(flavor = "multi_thread")]
async fn duplicate_jobs_offers_a_held_job_under_a_new_lease() {
    let sim = start().await;
    sim.add_job("J-1", &jws("J-1", "kia"));
    let first = claim(&sim, 0).await;
    assert_eq!(claim(&sim, 0).await["leases"], json!([]));
    sim.update_faults(|f| f.duplicate_jobs = true);
    let again = claim(&sim, 0).await;
    assert_eq!(again["leases"][0]["job_id"], "J-1");
    assert_eq!(again["leases"][0]["job"], first["leases"][0]["job"]);
    assert_ne!(
        again["leases"][0]["lease_id"],
        first["leases"][0]["lease_id"]
    );
    // Other stations still do not get it.
    let (_, _, other) = post(
        &sim,
        "/stations/ST-02/claims",
        Some(OTHER_TOKEN),
        &claim_body(0),
    )
    .await;
    assert_eq!(other["leases"], json!([]));
    sim.update_faults(|f| f.duplicate_jobs = false);
    assert_eq!(claim(&sim, 0).await["leases"], json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn down_refuses_connections_then_comes_back_on_the_same_port() {
    let sim = start().await;
    let addr = sim.addr();
    claim(&sim, 0).await;
    sim.set_down(true).await;
    let err = client()
        .post(format!("{}/stations/ST-01/claims", sim.api_url()))
        .bearer_auth(TOKEN)
        .json(&claim_body(0))
        .send()
        .await
        .expect_err("refused");
    assert!(err.is_connect(), "{err:?}");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    sim.set_down(false).await;
    assert_eq!(sim.addr(), addr);
    claim(&sim, 0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn down_cuts_a_held_long_poll() {
    let sim = std::sync::Arc::new(start().await);
    let url = format!("{}/stations/ST-01/claims", sim.api_url());
    let waiter = tokio::spawn(async move {
        client()
            .post(url)
            .bearer_auth(TOKEN)
            .json(&claim_body(30))
            .send()
            .await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    sim.set_down(true).await;
    let r = tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .expect("cut promptly")
        .unwrap();
    assert!(r.is_err(), "{r:?}");
    sim.set_down(false).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_hit_tls_connections_too() {
    let sim = ServerSim::start(SimOptions::default().station(STATION, TOKEN).tls())
        .await
        .unwrap();
    sim.update_faults(|f| f.status_500_next = 1);
    let ca = reqwest::Certificate::from_pem(sim.ca_pem().unwrap().as_bytes()).unwrap();
    let c = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(ca)
        .no_proxy()
        .build()
        .unwrap();
    let r = c
        .post(format!("{}/stations/ST-01/claims", sim.api_url()))
        .bearer_auth(TOKEN)
        .json(&claim_body(0))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 500);
}
