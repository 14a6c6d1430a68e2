//! Helpers shared by the simulator's tests.
#![allow(dead_code)]

use base64::Engine;
use cetak_server_sim::{ServerSim, SimOptions};
use serde_json::{json, Value};

pub const STATION: &str = "ST-01";
pub const TOKEN: &str = "token-st-01";
pub const OTHER: &str = "ST-02";
pub const OTHER_TOKEN: &str = "token-st-02";

/// A JWS-shaped string around a job document (the simulator does not verify signatures).
pub fn jws(job_id: &str, document: &str) -> String {
    let b = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    let header = b(br#"{"alg":"EdDSA","kid":"test-key"}"#);
    let payload = b(
        json!({"version": 1, "job_id": job_id, "document": document})
            .to_string()
            .as_bytes(),
    );
    format!("{header}.{payload}.{}", b(b"not-a-real-signature"))
}

pub async fn start() -> ServerSim {
    ServerSim::start(
        SimOptions::default()
            .station(STATION, TOKEN)
            .station(OTHER, OTHER_TOKEN),
    )
    .await
    .expect("simulator starts")
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(20))
        .no_proxy()
        .build()
        .unwrap()
}

/// POSTs JSON with the station token; returns status, Retry-After and body.
pub async fn post(
    sim: &ServerSim,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> (u16, Option<String>, Value) {
    let mut req = client().post(format!("{}{path}", sim.api_url())).json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("request answered");
    let status = resp.status().as_u16();
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    let bytes = resp.bytes().await.unwrap();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("JSON body")
    };
    (status, retry, body)
}

pub fn claim_body(wait: u32) -> Value {
    json!({"max_jobs": 5, "wait_seconds": wait, "blangko_types": ["kia", "ktp-el"], "lease_seconds": 600})
}

pub async fn claim(sim: &ServerSim, wait: u32) -> Value {
    let (status, _, body) = post(
        sim,
        &format!("/stations/{STATION}/claims"),
        Some(TOKEN),
        &claim_body(wait),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

pub fn event(seq: u64, kind: &str, job_id: &str, extra: Value) -> Value {
    let mut e = json!({
        "event_id": format!("{STATION}:3f9c2a7b1d0e4c55:{seq}"),
        "kind": kind,
        "station": STATION,
        "at": "2026-11-21T08:00:00.000Z",
        "job_id": job_id,
    });
    if let (Some(m), Value::Object(x)) = (e.as_object_mut(), extra) {
        m.extend(x);
    }
    e
}

/// The simulator's own answers all matched the contract.
pub fn assert_clean(sim: &ServerSim) {
    assert!(
        sim.own_violations().is_empty(),
        "{:#?}",
        sim.own_violations()
    );
}
