//! Shared helpers for the link tests: a station configuration with `[link]` and a trusted test
//! key, signed sample jobs, and the server simulator.
#![allow(dead_code)]

use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine as _;
use cetak::config::Config;
use ed25519_dalek::SigningKey;
use serde_json::Value;

pub use cetak_server_sim::{ServerSim, SimOptions};

pub use super::daemon as daemon_support;

pub const STATION: &str = "TEST-01";
pub const TOKEN: &str = "station-token-5f1c";
pub const PUSH_TOKEN: &str = "push-token-9a2e";
pub const KID: &str = "link-test-1";

/// The test key the station trusts (synthetic, for tests only).
pub fn key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

/// Another key, trusted by nobody.
pub fn other_key() -> SigningKey {
    SigningKey::from_bytes(&[9u8; 32])
}

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A sample job document (images inline) with its id set.
pub fn job_doc(sample: &str, job_id: &str) -> Value {
    let src = crate::support::daemon::root()
        .join("examples/jobs")
        .join(sample);
    let inlined =
        cetak::intake::inline_images(&std::fs::read(&src).unwrap(), src.parent().unwrap()).unwrap();
    let mut doc: Value = serde_json::from_str(&inlined).unwrap();
    doc["job_id"] = Value::String(job_id.to_string());
    doc
}

/// The document signed with the trusted test key.
pub fn signed(doc: &Value) -> String {
    cetak::signing::sign(&key(), KID, doc.to_string().as_bytes())
}

/// `n` signed KIA jobs `{prefix}-{i}`.
pub fn signed_jobs(prefix: &str, n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let id = format!("{prefix}-{i:04}");
            let jws = signed(&job_doc("kia-0-5.json", &id));
            (id, jws)
        })
        .collect()
}

/// `[[trust.key]]` for the test key.
pub fn trust_toml() -> String {
    format!(
        "[[trust.key]]\nkid = \"{KID}\"\npublic_key = \"{}\"\n\n",
        b64(key().verifying_key().as_bytes())
    )
}

/// Station configuration around `printers` with `[link]` to `server_url`; `extra` lines are added
/// to the `[link]` table. Token files are written into `data`.
pub fn link_config(
    data: &Path,
    printers: &[(&str, String, &str)],
    server_url: &str,
    extra: &str,
) -> Config {
    let text = link_config_text(data, printers, server_url, extra);
    Config::parse(&text, Path::new("link-test.toml")).unwrap()
}

/// The text of [`link_config`] (for a daemon process, which reads a file).
pub fn link_config_text(
    data: &Path,
    printers: &[(&str, String, &str)],
    server_url: &str,
    extra: &str,
) -> String {
    std::fs::create_dir_all(data).unwrap();
    let token = data.join("station.token");
    std::fs::write(&token, format!("{TOKEN}\n")).unwrap();
    let push_token = data.join("push.token");
    std::fs::write(&push_token, format!("{PUSH_TOKEN}\n")).unwrap();
    let mut text = crate::support::daemon::config_text(data, printers, 2);
    text.push_str(&trust_toml());
    text.push_str(&format!(
        "[link]\nserver_url = \"{server_url}\"\ntoken_file = {:?}\nlease_seconds = 300\nwait_seconds = 2\nbackoff_initial_ms = 50\nbackoff_max_seconds = 2\nrequest_timeout_seconds = 5\nconnect_timeout_seconds = 2\nstock_interval_seconds = 3600\npush_token_file = {:?}\n{extra}\n",
        token.display().to_string(),
        push_token.display().to_string(),
    ));
    text
}

/// A simulator knowing the test station.
pub async fn sim() -> ServerSim {
    ServerSim::start(SimOptions::default().station(STATION, TOKEN))
        .await
        .unwrap()
}

/// Waits (async) for a condition.
pub async fn until(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Events the server stored for one job, kinds in the order received.
pub fn server_kinds(sim: &ServerSim, job_id: &str) -> Vec<String> {
    sim.events()
        .iter()
        .filter(|e| e["job_id"] == job_id)
        .map(|e| e["kind"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Asserts the station spoke the contract.
pub fn assert_no_violations(sim: &ServerSim) {
    let v = sim.schema_violations();
    assert!(v.is_empty(), "schema violations: {v:#?}");
}
