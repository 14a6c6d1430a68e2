//! TLS (trusted CA, unknown CA, wrong host name) and the push client towards a station.

mod common;

use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use cetak_server_sim::{Direction, ServerSim, SimOptions};
use common::*;
use serde_json::{json, Value};

fn client_trusting(pem: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).unwrap())
        .no_proxy()
        .build()
        .unwrap()
}

async fn tls_claim(c: &reqwest::Client, url: &str) -> Result<u16, reqwest::Error> {
    let r = c
        .post(format!("{url}/api/v1/stations/ST-01/claims"))
        .bearer_auth(TOKEN)
        .json(&claim_body(0))
        .send()
        .await?;
    Ok(r.status().as_u16())
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_with_the_sim_ca_works() {
    let sim = ServerSim::start(SimOptions::default().station(STATION, TOKEN).tls())
        .await
        .unwrap();
    assert!(sim.url().starts_with("https://127.0.0.1:"));
    let pem = sim.ca_pem().unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    assert_eq!(
        tls_claim(&client_trusting(pem), sim.url()).await.unwrap(),
        200
    );
    // By host name too.
    let by_name = sim.url().replace("127.0.0.1", "localhost");
    assert_eq!(
        tls_claim(&client_trusting(pem), &by_name).await.unwrap(),
        200
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_unknown_ca_is_refused() {
    let sim = ServerSim::start(SimOptions::default().station(STATION, TOKEN).tls())
        .await
        .unwrap();
    let other = ServerSim::start(SimOptions::default().tls()).await.unwrap();
    let err = tls_claim(&client_trusting(other.ca_pem().unwrap()), sim.url())
        .await
        .expect_err("unknown CA");
    let text = format!("{err:?}");
    assert!(text.contains("UnknownIssuer"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_wrong_host_name_is_refused() {
    let sim = ServerSim::start(
        SimOptions::default()
            .station(STATION, TOKEN)
            .tls_for(&["cetak-server.example"]),
    )
    .await
    .unwrap();
    let err = tls_claim(&client_trusting(sim.ca_pem().unwrap()), sim.url())
        .await
        .expect_err("wrong name");
    let text = format!("{err:?}");
    assert!(text.contains("NotValidForName"), "{text}");
}

/// A stand-in station whose answers the test chooses (the real station is tested in cetak).
async fn station(answer: (StatusCode, Value)) -> (String, Arc<Mutex<Vec<(String, Value)>>>) {
    let seen: Arc<Mutex<Vec<(String, Value)>>> = Arc::default();
    let s1 = seen.clone();
    let a1 = answer.clone();
    let app = Router::new()
        .route(
            "/api/v1/jobs",
            post(
                move |headers: axum::http::HeaderMap, Json(v): Json<Value>| {
                    let seen = s1.clone();
                    let answer = a1.clone();
                    async move {
                        let auth = headers
                            .get("authorization")
                            .map(|h| h.to_str().unwrap().to_string())
                            .unwrap_or_default();
                        seen.lock().unwrap().push((auth, v));
                        (answer.0, Json(answer.1))
                    }
                },
            ),
        )
        .route(
            "/api/v1/jobs/{job_id}/cancel",
            post(|| async {
                (
                    StatusCode::CONFLICT,
                    Json(json!({"error": {"code": "already_in_printer", "message": "in P1"}})),
                )
            }),
        )
        .route(
            "/api/v1/health",
            get(|| async {
                Json(json!({"station": "ST-01", "status": "ok", "queued": 0, "outbox_backlog": 2}))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

#[tokio::test(flavor = "multi_thread")]
async fn push_cancel_health_reach_the_station_and_good_answers_pass() {
    let sim = start().await;
    let (url, seen) = station((
        StatusCode::ACCEPTED,
        json!({"job_id": "J-1", "status": "queued"}),
    ))
    .await;
    let job =
        json!({"job": jws("J-1", "kia"), "lease_id": "L-1", "expires_at": "2026-11-21T08:10:00Z"});
    let a = sim.push_job_to(&url, TOKEN, &job).await.unwrap();
    assert_eq!(a.status, 202);
    assert_eq!(a.body.unwrap()["status"], "queued");
    let got = seen.lock().unwrap().clone();
    assert_eq!(got, vec![(format!("Bearer {TOKEN}"), job)]);

    let c = sim.cancel_job_at(&url, TOKEN, "J-1").await.unwrap();
    assert_eq!(c.status, 409);
    let h = sim.health_of(&url).await.unwrap();
    assert_eq!(h.status, 200);
    assert!(
        sim.schema_violations().is_empty(),
        "{:#?}",
        sim.schema_violations()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_station_answer_off_the_contract_is_recorded() {
    let sim = start().await;
    // 200 is not a declared status of pushJob, and the body has an unknown status value.
    let (url, _) = station((StatusCode::OK, json!({"job_id": "J-1", "status": "maybe"}))).await;
    let a = sim
        .push_job_to(&url, TOKEN, &json!({"job": jws("J-1", "kia")}))
        .await
        .unwrap();
    assert_eq!(a.status, 200);
    let v = sim.schema_violations();
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(v[0].direction, Direction::StationResponse);
    assert_eq!(v[0].operation, "pushJob");

    let (url, _) = station((
        StatusCode::ACCEPTED,
        json!({"job_id": "J-1", "status": "maybe"}),
    ))
    .await;
    sim.push_job_to(&url, TOKEN, &json!({"job": jws("J-1", "kia")}))
        .await
        .unwrap();
    let v = sim.schema_violations();
    assert_eq!(v.len(), 2);
    assert!(
        v[1].errors.iter().any(|e| e.starts_with("/status")),
        "{:?}",
        v[1].errors
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn push_to_an_unreachable_station_is_an_error() {
    let sim = start().await;
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    drop(l);
    let r = sim.push_job_to(&url, TOKEN, &json!({"job": "a.b.c"})).await;
    assert!(
        matches!(r, Err(cetak_server_sim::SimError::Http(_))),
        "{r:?}"
    );
}
