//! The station against the server simulator over real HTTP, with emulated printers: production
//! through a server outage (events pile up and drain, each stored once, order per job kept),
//! the same job delivered twice printed once, a lost lease never printed, and bad signatures
//! rejected and reported — via pull and push.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::support::daemon::{emulator, stock};
use crate::support::link::*;
use cetak::daemon::{Action, Station};
use cetak::journal::{Actor, BlangkoType, JobState, Journal};
use serde_json::{json, Value};

/// Every outbox event of the journal, `(event_id, job_id)` in seq order.
fn journal_events(cfg: &cetak::config::Config) -> Vec<(String, Option<String>)> {
    let c = rusqlite::Connection::open(cfg.journal_path()).unwrap();
    let mut st = c
        .prepare("SELECT event_id, job_id FROM outbox ORDER BY seq")
        .unwrap();
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    rows
}

/// The server holds every event of the journal, each exactly once.
fn assert_each_event_stored_once(sim: &cetak_server_sim::ServerSim, cfg: &cetak::config::Config) {
    let local: BTreeSet<String> = journal_events(cfg).into_iter().map(|(e, _)| e).collect();
    let server: Vec<String> = sim
        .events()
        .iter()
        .map(|e| e["event_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(server.len(), local.len(), "each event once");
    assert_eq!(server.into_iter().collect::<BTreeSet<_>>(), local);
}

fn printed_count(j: &Journal, ids: &[String]) -> usize {
    ids.iter()
        .filter(|id| {
            j.job(id)
                .map(|r| r.state == JobState::Printed)
                .unwrap_or(false)
        })
        .count()
}

/// `GET /v1/status` from a control server over a Unix socket in the test's temp dir, serving
/// the running station as the daemon does.
async fn control_status(
    cfg: &cetak::config::Config,
    station: &Station,
) -> cetak::daemon::control::StatusView {
    use cetak::daemon::control::{bind, serve, ControlClient, ControlState};
    let path = cfg.station.data_dir.join("control-test.sock");
    let listener = bind(&path).unwrap();
    let state = ControlState::from_config(
        cfg,
        station.handle(),
        cetak::daemon::open_journal(cfg).unwrap(),
    )
    .unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, state, async {
        let _ = rx.await;
    }));
    let view = tokio::task::spawn_blocking(move || ControlClient::new(path).status())
        .await
        .unwrap()
        .unwrap();
    let _ = tx.send(());
    let _ = server.await;
    view
}

async fn stop(station: Station) {
    tokio::task::spawn_blocking(move || station.shutdown())
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_goes_on_through_a_server_outage_and_every_event_arrives_once() {
    let sim = sim().await;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let p1 = emulator("EMU-LINK-1", 0.02, 100);
    let p2 = emulator("EMU-LINK-2", 0.02, 100);
    let tag = format!("link-outage-{}", std::process::id());
    p1.register(&format!("{tag}-a")).unwrap();
    p2.register(&format!("{tag}-b")).unwrap();
    let printers = [
        ("P1", format!("emu://{tag}-a"), "kia"),
        ("P2", format!("emu://{tag}-b"), "kia"),
    ];
    let cfg = link_config(&data, &printers, sim.url(), "queue_per_printer = 3\n");
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    stock(
        &mut j,
        &[("P1", BlangkoType::Kia), ("P2", BlangkoType::Kia)],
        40,
    );
    let jobs = signed_jobs("OUT", 24);
    let ids: Vec<String> = jobs.iter().map(|(i, _)| i.clone()).collect();
    for (id, jws) in &jobs {
        sim.add_job(id, jws);
    }
    let station = Station::start(&cfg).unwrap();
    until("first cards", Duration::from_secs(120), || {
        printed_count(&j, &ids) >= 4
    })
    .await;

    // The server goes away: leased jobs keep printing, events pile up.
    sim.set_down(true).await;
    let before = printed_count(&j, &ids);
    until(
        "printing while the server is down",
        Duration::from_secs(120),
        || printed_count(&j, &ids) >= before + 2,
    )
    .await;
    assert!(j.outbox_backlog().unwrap() > 0, "events pile up while down");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    sim.set_down(false).await;
    // Then a run of other faults while the rest is claimed, printed and reported.
    sim.update_faults(|f| {
        f.status_500_next = 3;
        f.drop_next = 2;
        f.hang_next = 1;
    });
    until("every job printed", Duration::from_secs(240), || {
        printed_count(&j, &ids) == ids.len()
    })
    .await;
    // The stock reports carry the ribbon each printer's worker read from its counters.
    until(
        "ribbons of both printers reported",
        Duration::from_secs(60),
        || {
            sim.events().iter().any(|e| {
                e["kind"] == "stock"
                    && ["P1", "P2"].iter().all(|p| {
                        e["ribbons"].as_array().is_some_and(|rs| {
                            rs.iter().any(|r| {
                                r["printer"] == *p && r["remaining_cards"].as_u64().is_some()
                            })
                        })
                    })
            })
        },
    )
    .await;
    until("outbox drained", Duration::from_secs(120), || {
        j.outbox_backlog().unwrap() == 0
    })
    .await;
    stop(station).await;
    // Shutdown may add events (none expected: no job left under lease); deliver nothing more.

    // Exactly once as the server sees it: every journal event stored, none missing, none extra.
    let local = journal_events(&cfg);
    let server = sim.events();
    let server_ids: Vec<String> = server
        .iter()
        .map(|e| e["event_id"].as_str().unwrap().to_string())
        .collect();
    let unique: BTreeSet<&String> = server_ids.iter().collect();
    assert_eq!(unique.len(), server_ids.len(), "stored once each");
    let local_ids: BTreeSet<&String> = local.iter().map(|(e, _)| e).collect();
    let acked: BTreeSet<&String> = local_ids
        .iter()
        .copied()
        .filter(|id| unique.contains(id))
        .collect();
    assert_eq!(acked, local_ids, "every journal event reached the server");
    assert!(
        unique.iter().all(|id| local_ids.contains(id)),
        "nothing invented"
    );
    for id in &server_ids {
        assert!(sim.delivery_count(id) >= 1);
    }
    // Order per job: the server received each job's events in journal order.
    let mut local_per_job: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (e, job) in &local {
        if let Some(job) = job {
            local_per_job.entry(job).or_default().push(e);
        }
    }
    for (job, events) in &local_per_job {
        let got: Vec<&str> = server
            .iter()
            .filter(|e| e["job_id"] == *job)
            .map(|e| e["event_id"].as_str().unwrap())
            .collect();
        assert_eq!(&got, events, "order of job {job}");
    }
    for id in &ids {
        let kinds = server_kinds(&sim, id);
        assert!(kinds.contains(&"printed".to_string()), "{id}: {kinds:?}");
        assert_eq!(kinds.first().map(String::as_str), Some("accepted"), "{id}");
    }
    assert_eq!(
        p1.cards_ejected() + p2.cards_ejected(),
        ids.len(),
        "one card per job"
    );
    assert!(
        server.iter().any(|e| e["kind"] == "stock"),
        "a stock report reached the server"
    );
    assert_no_violations(&sim);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_job_pulled_twice_or_pulled_and_pushed_is_printed_once() {
    let sim = sim().await;
    sim.update_faults(|f| f.duplicate_jobs = true);
    let (_tmp, p1, cfg) = one_printer_station(
        &sim,
        "DUP",
        0.02,
        100,
        "push_listen = \"127.0.0.1:0\"\nrenew_seconds = 1\n",
    );
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    stock(&mut j, &[("P1", BlangkoType::Kia)], 40);
    let jobs = signed_jobs("DUP", 6);
    let mut ids: Vec<String> = jobs.iter().map(|(i, _)| i.clone()).collect();
    let station = Station::start(&cfg).unwrap();
    let push_url = format!("http://{}", station.push_addr().unwrap());

    // Pushed first, then offered by the server too (pushed and pulled).
    let (pid, pjws) = signed_jobs("DUP-PUSH", 1).remove(0);
    let a = sim
        .push_job_to(&push_url, PUSH_TOKEN, &json!({ "job": pjws }))
        .await
        .unwrap();
    assert_eq!(a.status, 202, "{:?}", a.body);
    assert_eq!(a.body.as_ref().unwrap()["status"], "queued");
    let again = sim
        .push_job_to(&push_url, PUSH_TOKEN, &json!({ "job": pjws }))
        .await
        .unwrap();
    assert_eq!(again.status, 202);
    assert_eq!(again.body.as_ref().unwrap()["status"], "duplicate");
    sim.add_job(&pid, &pjws);
    ids.push(pid);
    // Pulled (and offered again by the duplicate fault), and pushed as well.
    for (id, jws) in &jobs {
        sim.add_job(id, jws);
    }
    for (_, jws) in jobs.iter().take(3) {
        let r = sim
            .push_job_to(&push_url, PUSH_TOKEN, &json!({ "job": jws }))
            .await
            .unwrap();
        assert_eq!(r.status, 202, "{:?}", r.body);
    }
    // Wrong push token.
    let r = sim
        .push_job_to(&push_url, "wrong", &json!({ "job": jobs[0].1 }))
        .await
        .unwrap();
    assert_eq!(r.status, 401);
    let h = sim.health_of(&push_url).await.unwrap();
    assert_eq!(h.status, 200, "{:?}", h.body);
    assert_eq!(h.body.as_ref().unwrap()["station"], STATION);

    until("every job printed", Duration::from_secs(180), || {
        printed_count(&j, &ids) == ids.len()
    })
    .await;
    // Give duplicate offers time to arrive after printing too.
    tokio::time::sleep(Duration::from_secs(2)).await;
    until("outbox drained", Duration::from_secs(60), || {
        j.outbox_backlog().unwrap() == 0
    })
    .await;
    stop(station).await;
    assert_eq!(p1.cards_ejected(), ids.len(), "each job printed once");
    for id in &ids {
        let printed = j
            .job_history(id)
            .unwrap()
            .iter()
            .filter(|h| h.to_state == JobState::Printed)
            .count();
        assert_eq!(printed, 1, "{id}");
    }
    assert_no_violations(&sim);
}

/// A station with one emulated KIA printer `P1` (serial `EMU-LINK-{name}`, its `time_scale`
/// and feeder) linked to `sim`, with `extra` lines in `[link]`.
fn one_printer_station(
    sim: &cetak_server_sim::ServerSim,
    name: &str,
    scale: f64,
    feeder: u32,
    extra: &str,
) -> (
    tempfile::TempDir,
    cetak_drivers::emulator::Emulator,
    cetak::config::Config,
) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let p1 = emulator(&format!("EMU-LINK-{name}"), scale, feeder);
    let tag = format!("link-{}-{}", name.to_lowercase(), std::process::id());
    p1.register(&tag).unwrap();
    let printers = [("P1", format!("emu://{tag}"), "kia")];
    let cfg = link_config(&data, &printers, sim.url(), extra);
    (tmp, p1, cfg)
}

/// One KIA printer with no blangko in its feeder and one leased job waiting at it (prepared,
/// not fed): the set-up of the lease-loss tests.
struct WaitingJob {
    _tmp: tempfile::TempDir,
    p1: cetak_drivers::emulator::Emulator,
    j: Journal,
    id: String,
    station: Station,
}

async fn job_waiting_at_the_printer(sim: &cetak_server_sim::ServerSim, name: &str) -> WaitingJob {
    let (_tmp, p1, cfg) = one_printer_station(sim, name, 0.0, 100, "renew_seconds = 1\n");
    let j = cetak::daemon::open_journal(&cfg).unwrap();
    let (id, jws) = signed_jobs(name, 1).remove(0);
    sim.add_job(&id, &jws);
    let station = Station::start(&cfg).unwrap();
    until("job leased and prepared", Duration::from_secs(60), || {
        matches!(j.job(&id).map(|r| r.state), Ok(JobState::Ready))
    })
    .await;
    WaitingJob {
        _tmp,
        p1,
        j,
        id,
        station,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_whose_lease_is_lost_before_a_printer_is_never_printed() {
    let sim = sim().await;
    let WaitingJob {
        _tmp,
        p1,
        mut j,
        id,
        station,
    } = job_waiting_at_the_printer(&sim, "LOST").await;
    // The server takes the lease back (and withdraws the job so it is not offered again).
    assert_eq!(sim.expire_lease(&id), 1);
    sim.cancel(&id);
    until("job dropped", Duration::from_secs(30), || {
        matches!(j.job(&id).map(|r| r.state), Ok(JobState::Cancelled))
    })
    .await;
    // Blangko arrive and the operator retries: the dropped job is not printed.
    stock(&mut j, &[("P1", BlangkoType::Kia)], 5);
    let _ = station.handle().act("P1", Action::Retry);
    // Whichever reached the station first — the failed renewal (lease_lost) or the server's
    // cancellation in a claim answer — dropped it, and the server hears of it.
    until("drop reported", Duration::from_secs(30), || {
        sim.events()
            .iter()
            .any(|e| e["job_id"] == id.as_str() && e["kind"] == "cancelled")
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop(station).await;
    assert_eq!(p1.cards_ejected(), 0, "never printed");
    assert_eq!(j.job(&id).unwrap().state, JobState::Cancelled);
    assert_no_violations(&sim);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_dropped_for_its_lease_and_offered_again_is_printed_once() {
    let sim = sim().await;
    sim.set_lease_seconds(3);
    let WaitingJob {
        _tmp,
        p1,
        mut j,
        id,
        station,
    } = job_waiting_at_the_printer(&sim, "RELET").await;
    // The server is away past the lease: the station drops the job by its own clock. The
    // server keeps the job and, when it is back, offers it again under a new lease.
    sim.set_down(true).await;
    until(
        "dropped by the journal clock",
        Duration::from_secs(30),
        || matches!(j.job(&id).map(|r| r.state), Ok(JobState::Cancelled)),
    )
    .await;
    sim.set_down(false).await;
    until("dropped and reported", Duration::from_secs(30), || {
        sim.events().iter().any(|e| {
            e["job_id"] == id.as_str() && e["kind"] == "cancelled" && e["reason"] == "lease_lost"
        })
    })
    .await;
    until(
        "queued again under a new lease",
        Duration::from_secs(60),
        || {
            matches!(
                j.job(&id).map(|r| r.state),
                Ok(JobState::Queued | JobState::Preparing | JobState::Ready)
            ) && sim.leases().iter().filter(|l| l.job_id == id).count() >= 2
        },
    )
    .await;
    stock(&mut j, &[("P1", BlangkoType::Kia)], 5);
    let _ = station.handle().act("P1", Action::Retry);
    until("printed", Duration::from_secs(60), || {
        matches!(j.job(&id).map(|r| r.state), Ok(JobState::Printed))
    })
    .await;
    until("printed reported", Duration::from_secs(30), || {
        sim.events()
            .iter()
            .any(|e| e["job_id"] == id.as_str() && e["kind"] == "printed")
    })
    .await;
    // The copy prepared before the drop is let go, not mistaken for a feeder problem.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        station.handle().pending_events().is_empty(),
        "{:?}",
        station.handle().pending_events()
    );
    stop(station).await;
    assert_eq!(p1.cards_ejected(), 1, "printed exactly once");
    let printed = sim
        .events()
        .iter()
        .filter(|e| e["job_id"] == id.as_str() && e["kind"] == "printed")
        .count();
    assert_eq!(printed, 1);
    assert_no_violations(&sim);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lease_expiring_while_the_server_is_down_drops_the_job() {
    let sim = sim().await;
    sim.set_lease_seconds(3);
    let WaitingJob {
        _tmp,
        p1,
        j,
        id,
        station,
    } = job_waiting_at_the_printer(&sim, "DOWN").await;
    // Renewals keep a 3 s lease alive for longer than 3 s.
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(j.job(&id).unwrap().state, JobState::Ready, "renewed");
    sim.set_down(true).await;
    until(
        "dropped by the journal clock",
        Duration::from_secs(30),
        || matches!(j.job(&id).map(|r| r.state), Ok(JobState::Cancelled)),
    )
    .await;
    sim.cancel(&id);
    sim.set_down(false).await;
    until("lease_lost reported", Duration::from_secs(30), || {
        sim.events()
            .iter()
            .any(|e| e["job_id"] == id.as_str() && e["reason"] == "lease_lost")
    })
    .await;
    stop(station).await;
    assert_eq!(p1.cards_ejected(), 0);
    assert_no_violations(&sim);
}

/// A JWS whose payload was changed after signing.
fn tampered(jws: &str) -> String {
    use base64::Engine as _;
    let parts: Vec<&str> = jws.split('.').collect();
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut doc: Value = serde_json::from_slice(&b64.decode(parts[1]).unwrap()).unwrap();
    doc["priority"] = json!(9);
    format!("{}.{}.{}", parts[0], b64.encode(doc.to_string()), parts[2])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_signatures_are_rejected_and_reported_via_pull_and_push() {
    let sim = sim().await;
    let (_tmp, p1, cfg) =
        one_printer_station(&sim, "SIG", 0.0, 100, "push_listen = \"127.0.0.1:0\"\n");
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    stock(&mut j, &[("P1", BlangkoType::Kia)], 20);
    let bad = |prefix: &str| -> Vec<(String, String, &'static str)> {
        let doc = |n: &str| job_doc("kia-0-5.json", &format!("{prefix}-{n}"));
        vec![
            (
                format!("{prefix}-wrongkey"),
                cetak::signing::sign(&other_key(), KID, doc("wrongkey").to_string().as_bytes()),
                "bad_signature",
            ),
            (
                format!("{prefix}-tampered"),
                tampered(&signed(&doc("tampered"))),
                "bad_signature",
            ),
            (
                format!("{prefix}-unknownkid"),
                cetak::signing::sign(&key(), "nobody-1", doc("unknownkid").to_string().as_bytes()),
                "unknown_key",
            ),
            (
                format!("{prefix}-unsigned"),
                doc("unsigned").to_string(),
                "unsigned",
            ),
        ]
    };
    let station = Station::start(&cfg).unwrap();
    let push_url = format!("http://{}", station.push_addr().unwrap());
    let pulled = bad("PULL");
    for (id, jws, _) in &pulled {
        sim.add_job(id, jws);
    }
    let pushed = bad("PUSH");
    for (id, jws, code) in &pushed {
        let r = sim
            .push_job_to(&push_url, PUSH_TOKEN, &json!({ "job": jws }))
            .await
            .unwrap();
        assert_eq!(r.status, 422, "{id}: {:?}", r.body);
        assert_eq!(r.body.as_ref().unwrap()["error"]["code"], *code, "{id}");
    }
    // A good job after them is printed: the station is not stuck on the bad ones.
    let (good, good_jws) = signed_jobs("SIG-GOOD", 1).remove(0);
    sim.add_job(&good, &good_jws);
    until("good job printed", Duration::from_secs(120), || {
        matches!(j.job(&good).map(|r| r.state), Ok(JobState::Printed))
    })
    .await;
    for (id, _, code) in pulled.iter().chain(&pushed) {
        until(
            &format!("rejected event of {id}"),
            Duration::from_secs(30),
            || {
                sim.events().iter().any(|e| {
                    e["kind"] == "rejected"
                        && e["job_id"] == id.as_str()
                        && e.to_string().contains(code)
                })
            },
        )
        .await;
        let state = j.job(id).map(|r| r.state);
        assert!(
            !matches!(state, Ok(JobState::Printed | JobState::Queued)),
            "{id}: {state:?}"
        );
    }
    stop(station).await;
    assert_eq!(p1.cards_ejected(), 1, "only the good job printed");
    assert_no_violations(&sim);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_cancellation_applies_only_before_a_printer() {
    let sim = sim().await;
    let (_tmp, p1, cfg) =
        one_printer_station(&sim, "CANCEL", 0.0, 100, "push_listen = \"127.0.0.1:0\"\n");
    let j = cetak::daemon::open_journal(&cfg).unwrap();
    let station = Station::start(&cfg).unwrap();
    let push_url = format!("http://{}", station.push_addr().unwrap());
    // Feeder empty in the ledger: jobs wait before feeding.
    let jobs = signed_jobs("CAN", 2);
    for (id, jws) in &jobs {
        sim.add_job(id, jws);
    }
    until("jobs leased", Duration::from_secs(60), || {
        jobs.iter().all(|(id, _)| j.job(id).is_ok())
    })
    .await;
    // Cancel one through the claim answer, one through the push endpoint.
    sim.cancel(&jobs[0].0);
    let r = sim
        .cancel_job_at(&push_url, PUSH_TOKEN, &jobs[1].0)
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = sim
        .cancel_job_at(&push_url, PUSH_TOKEN, "NO-SUCH-JOB")
        .await
        .unwrap();
    assert_eq!(r.status, 404, "{:?}", r.body);
    until("both cancelled", Duration::from_secs(30), || {
        jobs.iter()
            .all(|(id, _)| matches!(j.job(id).map(|r| r.state), Ok(JobState::Cancelled)))
    })
    .await;
    let _ = Actor::system();
    stop(station).await;
    assert_eq!(p1.cards_ejected(), 0);
    assert_no_violations(&sim);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undelivered_events_survive_a_restart_and_drain_once() {
    let sim = sim().await;
    sim.set_down(true).await;
    let (_tmp, _p1, cfg) = one_printer_station(&sim, "RESTART", 0.0, 10, "");
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    stock(&mut j, &[("P1", BlangkoType::Kia)], 5);
    for _ in 0..3 {
        j.report_stock(&[]).unwrap();
    }
    // First run: the server is down the whole time.
    let station = Station::start(&cfg).unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let backlog = j.outbox_backlog().unwrap();
    assert!(backlog >= 3, "{backlog}");
    // The operator sees it in `cetak status`, through the real control socket. The station
    // may write an event meanwhile (nothing is delivered while the server is down, so the
    // backlog only grows): the status shows a figure between the two readings.
    let waiting_before = j.outbox_backlog().unwrap();
    let link = control_status(&cfg, &station)
        .await
        .link
        .expect("link shown");
    let waiting_after = j.outbox_backlog().unwrap();
    assert_eq!(link.state, "failing", "{link:?}");
    assert!(link.failing_since.is_some());
    assert!(
        link.error_id
            .as_deref()
            .unwrap()
            .contains("tidak dapat menghubungi server"),
        "{link:?}"
    );
    assert!(
        (waiting_before..=waiting_after).contains(&link.events_waiting),
        "{waiting_before} <= {} <= {waiting_after}",
        link.events_waiting
    );
    stop(station).await;
    assert!(sim.events().is_empty());
    // Second run, server back: the journal alone says what is left to deliver.
    sim.set_down(false).await;
    let station = Station::start(&cfg).unwrap();
    until(
        "outbox drained after restart",
        Duration::from_secs(60),
        || j.outbox_backlog().unwrap() == 0,
    )
    .await;
    let link = control_status(&cfg, &station)
        .await
        .link
        .expect("link shown");
    assert_eq!(link.state, "ok", "{link:?}");
    assert!(link.error_en.is_none() && link.last_ok_at.is_some());
    assert_eq!((link.events_waiting, link.events_refused), (0, 0));
    stop(station).await;
    assert_each_event_stored_once(&sim, &cfg);
    assert_no_violations(&sim);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_the_server_refuses_is_set_aside_and_the_rest_goes_on() {
    let sim = sim().await;
    let (_tmp, p1, cfg) = one_printer_station(&sim, "REFUSE", 0.0, 10, "");
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    stock(&mut j, &[("P1", BlangkoType::Kia)], 5);
    let jobs = signed_jobs("REFUSE", 3);
    let bad = jobs[0].0.clone();
    sim.update_faults(|f| f.refuse_events_of_jobs = vec![bad.clone()]);
    for (id, jws) in &jobs {
        sim.add_job(id, jws);
    }
    let station = Station::start(&cfg).unwrap();
    // The other jobs' events reach the server although the refused job's events came first.
    until("the good jobs reported", Duration::from_secs(60), || {
        jobs[1..]
            .iter()
            .all(|(id, _)| server_kinds(&sim, id).contains(&"printed".to_string()))
    })
    .await;
    assert_eq!(p1.cards_ejected(), 3, "printing never waited on the server");
    until("refusal alert delivered", Duration::from_secs(30), || {
        sim.events()
            .iter()
            .any(|e| e["kind"] == "alert" && e["alert"] == "event_refused")
    })
    .await;
    let refused = j.outbox_refused().unwrap();
    assert!(!refused.is_empty());
    assert!(refused.iter().all(|r| r.job_id.as_deref() == Some(&*bad)));
    assert!(refused[0].reason.contains("422"), "{}", refused[0].reason);
    assert!(
        server_kinds(&sim, &bad).is_empty(),
        "nothing of the refused job stored"
    );
    until("backlog drained", Duration::from_secs(30), || {
        j.outbox_backlog().unwrap() == 0
    })
    .await;

    // The server is fixed; the administrator sends the refused events again, in order.
    sim.update_faults(|f| f.refuse_events_of_jobs.clear());
    let n = j
        .outbox_retry_refused(None, &Actor::admin("admin"))
        .unwrap();
    assert_eq!(n, refused.len() as u64);
    until("refused events delivered", Duration::from_secs(60), || {
        j.outbox_backlog().unwrap() == 0 && j.outbox_refused_count().unwrap() == 0
    })
    .await;
    stop(station).await;
    let kinds = server_kinds(&sim, &bad);
    assert_eq!(
        kinds.first().map(String::as_str),
        Some("accepted"),
        "{kinds:?}"
    );
    assert!(kinds.contains(&"printed".to_string()), "{kinds:?}");
    assert_each_event_stored_once(&sim, &cfg);
    assert!(j.audit_verify().unwrap().is_ok());
    assert_no_violations(&sim);
}

/// Issue 10 §5: HTTP 503/429 is "server busy" and 500 "server error", never "unreachable", in
/// the link's health shown by `cetak status`; each language's status holds no label of the
/// other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_or_failing_server_is_reported_as_such_not_as_unreachable() {
    use crate::support::daemon::assert_one_language;
    use cetak::cli::{control::format_status, Lang};
    let sim = sim().await;
    sim.update_faults(|f| f.status_503_next = 100_000);
    let (_tmp, _p1, cfg) = one_printer_station(&sim, "BUSY", 0.0, 10, "");
    let station = Station::start(&cfg).unwrap();
    let mut view = control_status(&cfg, &station).await;
    for _ in 0..200 {
        if view.link.as_ref().is_some_and(|l| l.state == "failing") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        view = control_status(&cfg, &station).await;
    }
    let link = view.link.clone().expect("link shown");
    assert_eq!(link.state, "failing", "{link:?}");
    let (en, id) = (
        link.error_en.clone().unwrap(),
        link.error_id.clone().unwrap(),
    );
    assert!(en.starts_with("server busy (HTTP 503"), "{en}");
    assert!(id.starts_with("server sibuk (HTTP 503"), "{id}");
    for t in [&en, &id] {
        assert!(
            !t.contains("unreachable") && !t.contains("menghubungi"),
            "{t}"
        );
    }
    let text_en = format_status(&view, Lang::En);
    let text_id = format_status(&view, Lang::Id);
    assert!(text_en.contains("server busy"), "{text_en}");
    assert!(text_id.contains("server sibuk"), "{text_id}");
    assert_one_language(&text_en, "en");
    assert_one_language(&text_id, "id");

    // Now the server breaks: "server error" / "kesalahan server".
    sim.update_faults(|f| {
        f.status_503_next = 0;
        f.status_500_next = 100_000;
    });
    let mut link = link;
    for _ in 0..200 {
        link = control_status(&cfg, &station).await.link.unwrap();
        if link
            .error_en
            .as_deref()
            .is_some_and(|e| e.contains("HTTP 500"))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        link.error_en
            .as_deref()
            .unwrap()
            .starts_with("server error (HTTP 500"),
        "{link:?}"
    );
    assert!(
        link.error_id
            .as_deref()
            .unwrap()
            .starts_with("kesalahan server (HTTP 500"),
        "{link:?}"
    );
    sim.update_faults(|f| f.status_500_next = 0);
    stop(station).await;
}
