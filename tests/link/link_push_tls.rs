//! The push endpoint over HTTPS (rustls) with a certificate from the configuration: the
//! server's push client, trusting that certificate, pushes a signed job and reads the health.

use std::time::Duration;

use crate::support::daemon::emulator;
use crate::support::link::*;
use cetak::daemon::Station;
use cetak::journal::JobState;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_over_https_with_the_configured_certificate() {
    let ck = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let cert_pem = ck.cert.pem();
    let sim = ServerSim::start(SimOptions {
        station_ca_pem: Some(cert_pem.clone()),
        ..SimOptions::default().station(STATION, TOKEN)
    })
    .await
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let cert = tmp.path().join("push.crt");
    let key = tmp.path().join("push.key");
    std::fs::write(&cert, &cert_pem).unwrap();
    std::fs::write(&key, ck.signing_key.serialize_pem()).unwrap();
    let p1 = emulator("EMU-LINK-TLS", 0.0, 10);
    let tag = format!("link-tls-{}", std::process::id());
    p1.register(&tag).unwrap();
    let printers = [("P1", format!("emu://{tag}"), "kia")];
    let extra = format!(
        "push_listen = \"127.0.0.1:0\"\npush_tls_cert = {:?}\npush_tls_key = {:?}\n",
        cert.display().to_string(),
        key.display().to_string()
    );
    let cfg = link_config(&data, &printers, sim.url(), &extra);
    let j = cetak::daemon::open_journal(&cfg).unwrap();
    let station = Station::start(&cfg).unwrap();
    let addr = station.push_addr().unwrap();
    let https = format!("https://{addr}");

    let (id, jws) = signed_jobs("TLS", 1).remove(0);
    let r = sim
        .push_job_to(&https, PUSH_TOKEN, &json!({ "job": jws }))
        .await
        .unwrap();
    assert_eq!(r.status, 202, "{:?}", r.body);
    let h = sim.health_of(&https).await.unwrap();
    assert_eq!(h.status, 200);
    assert!(matches!(
        j.job(&id).map(|r| r.state),
        Ok(JobState::Queued | JobState::Preparing | JobState::Ready)
    ));
    // Plain HTTP to the TLS port gets no answer the client can read as HTTP.
    let plain = sim.health_of(&format!("http://{addr}")).await;
    assert!(plain.is_err(), "{plain:?}");
    // The endpoint is still serving after the bad handshake.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(sim.health_of(&https).await.unwrap().status, 200);
    tokio::task::spawn_blocking(move || station.shutdown())
        .await
        .unwrap()
        .unwrap();
    // A pushed job without a lease is not dropped at shutdown: it stays queued.
    assert_eq!(j.job(&id).unwrap().state, JobState::Queued);
    assert_no_violations(&sim);
}
