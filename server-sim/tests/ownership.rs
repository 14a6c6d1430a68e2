//! The ownership rule of `docs/protocol/README.md` ("Ownership: once in a printer, the job stays
//! with the station"), checked over real HTTP from the README's text alone: a job reported
//! `printing` is never offered again; a `shutdown`/`no_printer` release of it and a `cancelled`
//! event with reason `lease_lost`/`lease_released` for it are refused with `409 job_owned`
//! (nothing stored); a requeue after a spoiled card keeps it with the station; `printed`,
//! `failed` or a cancellation end it. The lenient mode accepts and ignores such give-backs.

mod common;

use std::time::Duration;

use cetak_server_sim::{JobStatus, ServerSim, SimOptions};
use common::*;
use serde_json::{json, Value};

const EVENTS: &str = "/stations/ST-01/events";

/// Queues `job_id`, claims it; returns its lease id.
async fn lease_one(sim: &ServerSim, job_id: &str) -> String {
    sim.add_job(job_id, &jws(job_id, "kia"));
    let body = claim(sim, 0).await;
    assert_eq!(body["leases"][0]["job_id"], job_id, "{body}");
    body["leases"][0]["lease_id"].as_str().unwrap().to_string()
}

fn printing(seq: u64, job: &str, attempt: u32) -> Value {
    event(
        seq,
        "printing",
        job,
        json!({"attempt": attempt, "printer": "P1", "printer_serial": "EP1-00123"}),
    )
}

fn cancelled(seq: u64, job: &str, reason: &str) -> Value {
    event(
        seq,
        "cancelled",
        job,
        json!({"reason": reason, "operator": "system"}),
    )
}

fn spoiled_requeued(seq: u64, job: &str, attempt: u32) -> Value {
    event(
        seq,
        "spoiled",
        job,
        json!({"attempt": attempt, "printer": "P1", "category": "gagal-cetak",
               "note": "smear", "next_state": "queued", "operator": "system"}),
    )
}

fn printed(seq: u64, job: &str, attempt: u32) -> Value {
    event(
        seq,
        "printed",
        job,
        json!({"attempt": attempt, "printer": "P1", "printer_serial": "EP1-00123",
               "card_serial": "EP1-00123#57", "chip_atr": null, "chip_uid": null,
               "operator": "system"}),
    )
}

async fn deliver(sim: &ServerSim, events: &[Value]) -> (u16, Value) {
    let (s, _, b) = post(sim, EVENTS, Some(TOKEN), &json!({ "events": events })).await;
    (s, b)
}

async fn release(sim: &ServerSim, lease: &str, reason: &str) -> (u16, Value) {
    let (s, _, b) = post(
        sim,
        &format!("/stations/ST-01/leases/{lease}/release"),
        Some(TOKEN),
        &json!({ "reason": reason }),
    )
    .await;
    (s, b)
}

fn code(b: &Value) -> Option<&str> {
    b["error"]["code"].as_str()
}

fn leased_ids(body: &Value) -> Vec<String> {
    body["leases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["job_id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_reported_printing_stays_with_its_station_until_printed() {
    let sim = start().await;
    assert!(sim.is_strict(), "strict is the default");
    let lease = lease_one(&sim, "J-1").await;
    let (s, b) = deliver(&sim, &[printing(1, "J-1", 1)]).await;
    assert_eq!(s, 200, "{b}");
    // The lease expires on the server clock: the job is not offered again, to anyone.
    sim.advance_clock(Duration::from_secs(3600));
    assert!(leased_ids(&claim(&sim, 0).await).is_empty());
    let (_, _, other) = post(
        &sim,
        "/stations/ST-02/claims",
        Some(OTHER_TOKEN),
        &claim_body(0),
    )
    .await;
    assert!(leased_ids(&other).is_empty(), "{other}");
    // A shutdown or no-printer release would give it back: refused, nothing changes.
    for reason in ["shutdown", "no_printer"] {
        let (s, b) = release(&sim, &lease, reason).await;
        assert_eq!((s, code(&b)), (409, Some("job_owned")), "{reason}: {b}");
    }
    // So would a `cancelled` event with reason lease_lost / lease_released: refused whole.
    let before = sim.events().len();
    for (seq, reason) in [(2, "lease_lost"), (3, "lease_released")] {
        let e = cancelled(seq, "J-1", reason);
        let (s, b) = deliver(&sim, std::slice::from_ref(&e)).await;
        assert_eq!((s, code(&b)), (409, Some("job_owned")), "{reason}: {b}");
        assert_eq!(sim.delivery_count(e["event_id"].as_str().unwrap()), 0);
    }
    assert_eq!(sim.events().len(), before, "nothing stored");
    // A spoiled card sends it back to the station's queue: still the station's.
    let (s, b) = deliver(&sim, &[spoiled_requeued(4, "J-1", 1)]).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(sim.job_status("J-1"), Some(JobStatus::InPrinter));
    assert!(leased_ids(&claim(&sim, 0).await).is_empty());
    let (s, b) = deliver(&sim, &[cancelled(5, "J-1", "lease_released")]).await;
    assert_eq!((s, code(&b)), (409, Some("job_owned")), "{b}");
    // Printed on a second blangko: closed, counted once.
    let (s, b) = deliver(&sim, &[printing(6, "J-1", 2), printed(7, "J-1", 2)]).await;
    assert_eq!(s, 200, "{b}");
    let r = sim.job_record("J-1").unwrap();
    assert_eq!(r.status, JobStatus::Closed("printed".into()));
    assert_eq!(r.owner.as_deref(), Some(STATION));
    assert_eq!((r.offers, r.printing, r.printed), (1, 2, 1));
    assert!(sim.schema_violations().is_empty());
    assert_clean(&sim);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_give_back_after_printing_in_the_same_batch_is_refused_whole() {
    let sim = start().await;
    lease_one(&sim, "J-1").await;
    let (s, b) = deliver(
        &sim,
        &[printing(1, "J-1", 1), cancelled(2, "J-1", "lease_lost")],
    )
    .await;
    assert_eq!((s, code(&b)), (409, Some("job_owned")), "{b}");
    assert!(sim.events().is_empty(), "nothing of the batch stored");
    assert_eq!(sim.job_status("J-1"), Some(JobStatus::Leased));
    // The batch without the give-back goes through.
    let (s, _) = deliver(&sim, &[printing(1, "J-1", 1)]).await;
    assert_eq!(s, 200);
    // Delivered again (a lost answer), the stored printing event changes nothing.
    let (s, b) = deliver(&sim, &[printing(1, "J-1", 1)]).await;
    assert_eq!(s, 200);
    assert_eq!(b["duplicates"], json!([printing(1, "J-1", 1)["event_id"]]));
    assert_eq!(sim.job_record("J-1").unwrap().printing, 1);
    assert_clean(&sim);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_that_never_reached_a_printer_is_given_back_and_offered_again() {
    let sim = start().await;
    let lease = lease_one(&sim, "J-1").await;
    let (s, b) = deliver(&sim, &[cancelled(1, "J-1", "lease_lost")]).await;
    assert_eq!(s, 200, "{b}");
    let (s, _) = release(&sim, &lease, "shutdown").await;
    assert_eq!(s, 204);
    let again = claim(&sim, 0).await;
    assert_eq!(leased_ids(&again), ["J-1"]);
    assert_eq!(sim.job_record("J-1").unwrap().offers, 2);
    assert_clean(&sim);
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_or_cancelled_by_the_server_ends_the_ownership() {
    let sim = start().await;
    lease_one(&sim, "J-1").await;
    lease_one(&sim, "J-2").await;
    let failed = event(
        3,
        "failed",
        "J-1",
        json!({"attempt": 3, "reason": "attempt limit reached"}),
    );
    let (s, b) = deliver(
        &sim,
        &[printing(1, "J-1", 3), printing(2, "J-2", 1), failed],
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        sim.job_status("J-1"),
        Some(JobStatus::Closed("failed".into()))
    );
    // J-2 queued again after a spoiled card, then cancelled by the server: the station
    // honours it (no blangko in a printer) and reports it.
    let (s, _) = deliver(&sim, &[spoiled_requeued(4, "J-2", 1)]).await;
    assert_eq!(s, 200);
    assert!(sim.cancel("J-2"));
    assert_eq!(claim(&sim, 0).await["cancellations"], json!(["J-2"]));
    let (s, b) = deliver(&sim, &[cancelled(5, "J-2", "server")]).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        sim.job_status("J-2"),
        Some(JobStatus::Closed("cancelled".into()))
    );
    assert_clean(&sim);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_lenient_mode_accepts_and_ignores_a_give_back() {
    let sim = ServerSim::start(SimOptions::default().station(STATION, TOKEN).lenient())
        .await
        .unwrap();
    assert!(!sim.is_strict());
    let lease = lease_one(&sim, "J-1").await;
    let (s, _) = deliver(&sim, &[printing(1, "J-1", 1)]).await;
    assert_eq!(s, 200);
    let (s, _) = release(&sim, &lease, "shutdown").await;
    assert_eq!(s, 204);
    let (s, _) = deliver(&sim, &[cancelled(2, "J-1", "lease_lost")]).await;
    assert_eq!(s, 200);
    // Kept "in printer" and never offered again: the job is lost to everyone.
    assert_eq!(sim.job_status("J-1"), Some(JobStatus::InPrinter));
    assert!(leased_ids(&claim(&sim, 0).await).is_empty());
    assert_clean(&sim);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_printed_card_is_counted() {
    let sim = start().await;
    lease_one(&sim, "J-1").await;
    let (s, _) = deliver(&sim, &[printing(1, "J-1", 1), printed(2, "J-1", 1)]).await;
    assert_eq!(s, 200);
    let (s, _) = deliver(&sim, &[printing(3, "J-1", 2), printed(4, "J-1", 2)]).await;
    assert_eq!(s, 200);
    let r = sim.job_record("J-1").unwrap();
    assert_eq!((r.printing, r.printed), (2, 2), "a doubled card is visible");
}
