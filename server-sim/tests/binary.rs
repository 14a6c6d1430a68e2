//! The `cetak-server-sim` binary serves a directory of signed jobs.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::*;
use serde_json::json;

struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn binary_serves_the_jobs_of_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("J-7.jws"),
        format!("{}\n", jws("J-7", "kia")),
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a job").unwrap();
    let ca = dir.path().join("ca.pem");
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_cetak-server-sim"))
            .args(["--station", "ST-01=secret", "--jobs"])
            .arg(dir.path())
            .arg("--tls-ca-out")
            .arg(&ca)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let url = tokio::task::spawn_blocking(move || {
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            if let Some(rest) = line.strip_prefix("listening on ") {
                return rest.split_whitespace().next().unwrap().to_string();
            }
        }
        panic!("no listening line");
    })
    .await
    .unwrap();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let pem = std::fs::read(&ca).unwrap();
    let c = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .no_proxy()
        .build()
        .unwrap();
    let body: serde_json::Value = c
        .post(format!("{url}/stations/ST-01/claims"))
        .bearer_auth("secret")
        .json(&json!({"max_jobs": 5, "wait_seconds": 0, "blangko_types": ["kia"], "lease_seconds": 60}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["leases"][0]["job_id"], "J-7");
    assert_eq!(body["leases"][0]["job"], jws("J-7", "kia"));
    assert_eq!(body["leases"].as_array().unwrap().len(), 1);
}

#[test]
fn binary_refuses_a_bad_station_argument() {
    let out = Command::new(env!("CARGO_BIN_EXE_cetak-server-sim"))
        .args(["--station", "no-token"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ID=TOKEN"));
}
