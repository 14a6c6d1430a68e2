//! Each server endpoint over real HTTP: long-poll claims, leases, events, cancellations,
//! authentication and contract enforcement.

mod common;

use std::time::{Duration, Instant};

use cetak_server_sim::{Direction, JobStatus, LeaseState};
use common::*;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread")]
async fn empty_claim_is_a_normal_200() {
    let sim = start().await;
    let body = claim(&sim, 0).await;
    assert_eq!(body, json!({"leases": [], "cancellations": []}));
    assert_clean(&sim);
}

#[tokio::test(flavor = "multi_thread")]
async fn long_poll_answers_when_a_job_arrives() {
    let sim = std::sync::Arc::new(start().await);
    let s2 = sim.clone();
    let t0 = Instant::now();
    let waiter = tokio::spawn(async move { claim(&s2, 30).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiter.is_finished(), "claim held while there is nothing");
    sim.add_job("J-1", &jws("J-1", "kia"));
    let body = waiter.await.unwrap();
    assert!(
        t0.elapsed() < Duration::from_secs(25),
        "answered on arrival, not at the deadline"
    );
    let leases = body["leases"].as_array().unwrap();
    assert_eq!(leases.len(), 1);
    assert_eq!(leases[0]["job_id"], "J-1");
    assert_eq!(leases[0]["job"], jws("J-1", "kia"));
    assert_eq!(sim.job_status("J-1"), Some(JobStatus::Leased));
    assert_clean(&sim);
}

#[tokio::test(flavor = "multi_thread")]
async fn long_poll_holds_up_to_wait_seconds() {
    let sim = start().await;
    let t0 = Instant::now();
    let body = claim(&sim, 1).await;
    assert!(t0.elapsed() >= Duration::from_millis(900));
    assert_eq!(body["leases"], json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn claim_respects_max_jobs_types_and_order() {
    let sim = start().await;
    for (id, t) in [
        ("J-1", "kia"),
        ("J-2", "ktp-el"),
        ("J-3", "kia"),
        ("J-4", "kia"),
    ] {
        sim.add_job(id, &jws(id, t));
    }
    let body =
        json!({"max_jobs": 2, "wait_seconds": 0, "blangko_types": ["kia"], "lease_seconds": 60});
    let (status, _, got) = post(&sim, "/stations/ST-01/claims", Some(TOKEN), &body).await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = got["leases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["job_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["J-1", "J-3"]);
    // Leased jobs are offered to no one else.
    let (_, _, other) = post(
        &sim,
        "/stations/ST-02/claims",
        Some(OTHER_TOKEN),
        &claim_body(0),
    )
    .await;
    let ids: Vec<&str> = other["leases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["job_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["J-2", "J-4"]);
    assert_clean(&sim);
}

#[tokio::test(flavor = "multi_thread")]
async fn authentication_401_403_404() {
    let sim = start().await;
    let path = "/stations/ST-01/claims";
    let (s, _, b) = post(&sim, path, None, &claim_body(0)).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
    let (s, _, b) = post(&sim, path, Some("wrong"), &claim_body(0)).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
    let (s, _, b) = post(&sim, path, Some(OTHER_TOKEN), &claim_body(0)).await;
    assert_eq!((s, b["error"]["code"].as_str()), (403, Some("forbidden")));
    let (s, _, b) = post(&sim, "/stations/ST-99/claims", Some(TOKEN), &claim_body(0)).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (404, Some("station_unknown"))
    );
    assert_clean(&sim);
}

#[tokio::test(flavor = "multi_thread")]
async fn schema_violations_are_refused_and_recorded() {
    let sim = start().await;
    let path = "/stations/ST-01/claims";
    let mut bad = claim_body(0);
    bad["max_jobs"] = json!(0);
    let (s, _, b) = post(&sim, path, Some(TOKEN), &bad).await;
    assert_eq!((s, b["error"]["code"].as_str()), (400, Some("bad_request")));
    let mut extra = claim_body(0);
    extra["surprise"] = json!(true);
    let (s, _, _) = post(&sim, path, Some(TOKEN), &extra).await;
    assert_eq!(s, 400);
    // Not JSON at all.
    let resp = client()
        .post(format!("{}{path}", sim.api_url()))
        .bearer_auth(TOKEN)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    // An event of a kind-specific shape with a missing field.
    let ev = event(1, "printed", "J-1", json!({"attempt": 1, "printer": "P1"}));
    let (s, _, _) = post(
        &sim,
        "/stations/ST-01/events",
        Some(TOKEN),
        &json!({"events": [ev]}),
    )
    .await;
    assert_eq!(s, 400);
    assert!(
        sim.events().is_empty(),
        "nothing stored from a refused batch"
    );

    let v = sim.schema_violations();
    assert_eq!(v.len(), 4, "{v:#?}");
    assert!(v.iter().all(|v| v.direction == Direction::Request));
    assert_eq!(v[0].operation, "claimJobs");
    assert!(
        v[0].errors.iter().any(|e| e.starts_with("/max_jobs")),
        "{:?}",
        v[0].errors
    );
    assert_eq!(v[3].operation, "deliverEvents");
    assert_clean(&sim);
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_body_is_413() {
    let sim = start().await;
    let big = "x".repeat(5 * 1024 * 1024);
    let (s, _, b) = post(
        &sim,
        "/stations/ST-01/claims",
        Some(TOKEN),
        &json!({ "pad": big }),
    )
    .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (413, Some("payload_too_large"))
    );
    assert_clean(&sim);
}

async fn lease_one(sim: &cetak_server_sim::ServerSim, job: &str) -> String {
    sim.add_job(job, &jws(job, "kia"));
    let body = claim(sim, 0).await;
    body["leases"][0]["lease_id"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn renew_extends_and_lost_leases_are_409_or_404() {
    let sim = start().await;
    let lease = lease_one(&sim, "J-1").await;
    let renew = format!("/stations/ST-01/leases/{lease}/renew");
    let (s, _, b) = post(&sim, &renew, Some(TOKEN), &json!({"lease_seconds": 120})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["lease_id"], lease.as_str());

    // Another station's view of the same lease id: unknown.
    let (s, _, b) = post(
        &sim,
        &format!("/stations/ST-02/leases/{lease}/renew"),
        Some(OTHER_TOKEN),
        &json!({"lease_seconds": 120}),
    )
    .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (404, Some("lease_unknown"))
    );

    assert_eq!(sim.expire_lease("J-1"), 1);
    let (s, _, b) = post(&sim, &renew, Some(TOKEN), &json!({"lease_seconds": 120})).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (409, Some("lease_expired"))
    );
    assert_eq!(sim.job_status("J-1"), Some(JobStatus::Available));

    let (s, _, b) = post(
        &sim,
        "/stations/ST-01/leases/L-nope/renew",
        Some(TOKEN),
        &json!({"lease_seconds": 120}),
    )
    .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (404, Some("lease_unknown"))
    );
    assert_clean(&sim);
}

#[tokio::test(flavor = "multi_thread")]
async fn leases_expire_on_the_server_clock_and_jobs_come_back() {
    let sim = start().await;
    sim.set_lease_seconds(60);
    let lease = lease_one(&sim, "J-1").await;
    assert_eq!(
        claim(&sim, 0).await["leases"],
        json!([]),
        "leased job not offered again"
    );
    sim.advance_clock(Duration::from_secs(61));
    let again = claim(&sim, 0).await;
    assert_eq!(again["leases"][0]["job_id"], "J-1");
    assert_ne!(again["leases"][0]["lease_id"], lease.as_str());
    let states: Vec<LeaseState> = sim.leases().iter().map(|l| l.state).collect();
    assert_eq!(states, [LeaseState::Expired, LeaseState::Active]);
    assert_clean(&sim);
}

#[tokio::test(flavor = "multi_thread")]
async fn granted_lease_is_capped() {
    let sim = start().await;
    sim.set_lease_seconds(45);
    lease_one(&sim, "J-1").await;
    let l = &sim.leases()[0];
    let secs = l
        .expires_at
        .duration_since(std::time::SystemTime::now())
        .unwrap()
        .as_secs();
    assert!((40..=45).contains(&secs), "{secs}");
}

#[tokio::test(flavor = "multi_thread")]
async fn release_frees_or_closes_the_job() {
    let sim = start().await;
    let lease = lease_one(&sim, "J-1").await;
    let release = format!("/stations/ST-01/leases/{lease}/release");
    let (s, _, b) = post(&sim, &release, Some(TOKEN), &json!({"reason": "shutdown"})).await;
    assert_eq!(s, 204);
    assert_eq!(b, Value::Null);
    assert_eq!(sim.job_status("J-1"), Some(JobStatus::Available));
    let (s, _, b) = post(&sim, &release, Some(TOKEN), &json!({"reason": "shutdown"})).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (409, Some("lease_expired"))
    );
    let (s, _, _) = post(&sim, &release, Some(TOKEN), &json!({"reason": "bored"})).await;
    assert_eq!(s, 400);

    let body = claim(&sim, 0).await;
    let lease = body["leases"][0]["lease_id"].as_str().unwrap();
    let (s, _, _) = post(
        &sim,
        &format!("/stations/ST-01/leases/{lease}/release"),
        Some(TOKEN),
        &json!({"reason": "rejected"}),
    )
    .await;
    assert_eq!(s, 204);
    assert_eq!(
        sim.job_status("J-1"),
        Some(JobStatus::Closed("rejected".into()))
    );
    assert_eq!(claim(&sim, 0).await["leases"], json!([]));
    assert_clean(&sim);
}

#[tokio::test(flavor = "multi_thread")]
async fn events_are_stored_once_and_acknowledged_again() {
    let sim = start().await;
    let path = "/stations/ST-01/events";
    let e1 = event(
        1,
        "accepted",
        "J-1",
        json!({"blangko_type": "kia", "nik_masked": "3171********0001"}),
    );
    let e2 = event(
        2,
        "printing",
        "J-1",
        json!({"attempt": 1, "printer": "P1", "printer_serial": null}),
    );
    let (s, _, b) = post(&sim, path, Some(TOKEN), &json!({"events": [e1, e2]})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["acknowledged"], json!([e1["event_id"], e2["event_id"]]));
    assert_eq!(b["duplicates"], json!([]));

    let e3 = event(
        3,
        "printed",
        "J-1",
        json!({"attempt": 1, "printer": "P1", "printer_serial": "EP1", "card_serial": null,
               "chip_atr": "3B8F80", "chip_uid": "04A224", "operator": "system"}),
    );
    // A retry of the first batch's tail together with the next event.
    let (s, _, b) = post(&sim, path, Some(TOKEN), &json!({"events": [e2, e3]})).await;
    assert_eq!(s, 200);
    assert_eq!(b["acknowledged"], json!([e2["event_id"], e3["event_id"]]));
    assert_eq!(b["duplicates"], json!([e2["event_id"]]));

    assert_eq!(sim.events(), vec![e1.clone(), e2.clone(), e3.clone()]);
    assert_eq!(sim.delivery_count(e1["event_id"].as_str().unwrap()), 1);
    assert_eq!(sim.delivery_count(e2["event_id"].as_str().unwrap()), 2);
    assert_eq!(sim.delivery_count("ST-01:x:99"), 0);
    assert!(
        sim.schema_violations().is_empty(),
        "{:#?}",
        sim.schema_violations()
    );
    assert_clean(&sim);
}

#[tokio::test(flavor = "multi_thread")]
async fn events_from_another_station_are_422() {
    let sim = start().await;
    let mut e = event(1, "rejected", "J-1", json!({"reason": "bad_signature"}));
    e["station"] = json!("ST-02");
    let (s, _, b) = post(
        &sim,
        "/stations/ST-01/events",
        Some(TOKEN),
        &json!({"events": [e]}),
    )
    .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (422, Some("invalid_event"))
    );
    assert!(sim.events().is_empty());
    assert_clean(&sim);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_event_kind_in_the_contract_is_accepted() {
    let sim = start().await;
    let kinds = [
        event(
            1,
            "accepted",
            "J-1",
            json!({"blangko_type": "ktp-el", "nik_masked": "3171********0001"}),
        ),
        event(2, "rejected", "J-2", json!({"reason": "unknown_key"})),
        event(
            3,
            "printing",
            "J-1",
            json!({"attempt": 1, "printer": "P1", "printer_serial": "EP1"}),
        ),
        event(
            4,
            "spoiled",
            "J-1",
            json!({"attempt": 1, "printer": "P1", "category": "gagal-encode",
            "note": "chip mute", "next_state": "queued", "operator": "system"}),
        ),
        event(
            5,
            "in_doubt",
            "J-1",
            json!({"was": "printing", "printer": "P1", "attempt": 2, "reason": "crash"}),
        ),
        event(
            6,
            "doubt_resolved",
            "J-1",
            json!({"decision": "spoiled:rusak", "operator": "op-7",
            "note": "", "next_state": "failed"}),
        ),
        event(
            7,
            "failed",
            "J-1",
            json!({"attempt": 2, "reason": "attempt limit reached"}),
        ),
        event(
            8,
            "cancelled",
            "J-3",
            json!({"reason": "server", "operator": "system"}),
        ),
        event(
            9,
            "requeued",
            "J-4",
            json!({"reason": "printer offline", "attempt": 1}),
        ),
        json!({"event_id": "ST-01:3f9c2a7b1d0e4c55:10", "kind": "alert", "station": "ST-01",
            "at": "2026-11-21T08:00:00.000Z", "alert": "low_stock_type", "key": "kia",
            "message": "KIA stock low: 4 left", "message_id": "Stok KIA menipis: sisa 4"}),
        json!({"event_id": "ST-01:3f9c2a7b1d0e4c55:11", "kind": "stock", "station": "ST-01",
            "at": "2026-11-21T08:00:00.000Z",
            "blangko": [{"blangko_type": "kia", "in_store": 40, "in_feeders": 10, "consumed": 50,
                "spoiled": {"gagal-encode": 1, "gagal-cetak": 0, "rusak": 2, "perubahan-elemen-data": 0},
                "returned": 0}],
            "ribbons": [{"printer": "P1", "ribbon_type": "YMCKO", "remaining_panels": 1000, "remaining_cards": 200}]}),
    ];
    let (s, _, b) = post(
        &sim,
        "/stations/ST-01/events",
        Some(TOKEN),
        &json!({"events": kinds}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(sim.events().len(), 11);
    assert!(
        sim.schema_violations().is_empty(),
        "{:#?}",
        sim.schema_violations()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn printing_event_keeps_an_expired_job_from_being_offered_again() {
    let sim = start().await;
    lease_one(&sim, "J-1").await;
    let e = event(
        1,
        "printing",
        "J-1",
        json!({"attempt": 1, "printer": "P1", "printer_serial": null}),
    );
    let (s, _, _) = post(
        &sim,
        "/stations/ST-01/events",
        Some(TOKEN),
        &json!({"events": [e]}),
    )
    .await;
    assert_eq!(s, 200);
    sim.expire_lease("J-1");
    assert_eq!(sim.job_status("J-1"), Some(JobStatus::InPrinter));
    assert_eq!(claim(&sim, 0).await["leases"], json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn cancellations_reach_the_holder_once() {
    let sim = start().await;
    lease_one(&sim, "J-1").await;
    sim.add_job("J-2", &jws("J-2", "kia"));
    assert!(sim.cancel("J-1"));
    assert!(sim.cancel("J-2"));
    assert!(!sim.cancel("J-404"));
    let body = claim(&sim, 0).await;
    assert_eq!(body, json!({"leases": [], "cancellations": ["J-1"]}));
    assert_eq!(claim(&sim, 0).await["cancellations"], json!([]));
    assert_clean(&sim);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancellation_wakes_a_long_poll() {
    let sim = std::sync::Arc::new(start().await);
    lease_one(&sim, "J-1").await;
    let s2 = sim.clone();
    let waiter = tokio::spawn(async move { claim(&s2, 30).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    sim.cancel("J-1");
    let body = tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .expect("woken")
        .unwrap();
    assert_eq!(body["cancellations"], json!(["J-1"]));
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_paths_answer_404_error_body() {
    let sim = start().await;
    let (s, _, b) = post(&sim, "/nowhere", Some(TOKEN), &json!({})).await;
    assert_eq!((s, b["error"]["code"].as_str()), (404, Some("not_found")));
}
