//! `GET /metrics` of the running daemon (`[dashboard] listen`), read with a Prometheus
//! text-format parser that is not ours (`prometheus-parse`), against the ledger and the jobs.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::support::daemon::*;
use cetak::journal::{Actor, AfterWriteOff, BlangkoType, JobState, SpoilCategory, StockPlace};
use prometheus_parse::{Scrape, Value};

fn http_get(addr: &str, path: &str) -> (String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    (head.to_string(), body.to_string())
}

fn value(v: &Value) -> f64 {
    match v {
        Value::Counter(x) | Value::Gauge(x) | Value::Untyped(x) => *x,
        other => panic!("not a number: {other:?}"),
    }
}

/// Sum of the samples of `metric` whose labels include all of `want`.
fn sum(scrape: &Scrape, metric: &str, want: &[(&str, &str)]) -> f64 {
    scrape
        .samples
        .iter()
        .filter(|s| s.metric == metric)
        .filter(|s| want.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| value(&s.value))
        .sum()
}

#[test]
fn metrics_parse_and_equal_the_ledger() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let emu = emulator("EMU-M-1", 0.0, 100);
    let srv = emu.serve_tcp("127.0.0.1:0").unwrap();
    let text = config_text(&data, &[("P1", srv.uri(), "kia")], 2)
        + "\n[dashboard]\nlisten = \"127.0.0.1:0\"\n";
    let config = tmp.path().join("cetak.toml");
    std::fs::write(&config, &text).unwrap();
    let cfg = cetak::config::Config::parse(&text, &config).unwrap();
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    let a = Actor::operator("tester");
    j.stock_receive(BlangkoType::Kia, 30, "LOT-M", None, &a)
        .unwrap();
    j.stock_load("P1", BlangkoType::Kia, 20, &a).unwrap();
    j.stock_spoil(
        &StockPlace::Store,
        BlangkoType::Kia,
        2,
        SpoilCategory::Rusak,
        "basah",
        &a,
    )
    .unwrap();
    let ids = make_jobs(&cetak::daemon::spool_dir(&cfg), "kia-0-5.json", "KIA-M", 4);

    let mut daemon = start_daemon(&config, std::process::Stdio::piped());
    let stderr = daemon.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("http://").nth(1) {
                let _ = tx.send(rest.trim_end_matches("/metrics").to_string());
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("metrics address");
    wait_settled(&j, &ids, Duration::from_secs(120));
    // A printed card written off (perubahan elemen data) and printed again.
    j.write_off_printed(
        &ids[0],
        SpoilCategory::PerubahanElemenData,
        "alamat berubah",
        &AfterWriteOff::Reprint,
        &a,
    )
    .unwrap();
    wait_for("reprint", Duration::from_secs(60), || {
        state(&j, &ids[0]) == JobState::Printed
    });
    wait_for("idle", Duration::from_secs(30), || {
        let (_, body) = http_get(&addr, "/metrics");
        body.contains("cetak_printer_state{printer=\"P1\",state=\"idle\"} 1")
    });

    let (head, body) = http_get(&addr, "/metrics");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.to_lowercase()
            .contains("content-type: text/plain; version=0.0.4"),
        "{head}"
    );
    let scrape = Scrape::parse(body.lines().map(|l| Ok(l.to_string()))).unwrap();
    let names: Vec<&str> = scrape.samples.iter().map(|s| s.metric.as_str()).collect();
    assert!(names.iter().all(|n| n.starts_with("cetak_")), "{names:?}");

    // Printed: every `consumed` movement of the ledger (the written-off card too).
    let all = j
        .movements(
            cetak::journal::Timestamp(0),
            cetak::journal::Timestamp(i64::MAX),
        )
        .unwrap();
    let consumed: i64 = all
        .iter()
        .filter(|m| m.kind == "consumed")
        .map(|m| m.count)
        .sum();
    assert_eq!(consumed, 5);
    assert_eq!(
        sum(
            &scrape,
            "cetak_cards_printed_total",
            &[("printer", "P1"), ("type", "kia")]
        ),
        consumed as f64
    );
    // Spoiled by category: as the ledger's stock figures say.
    let stock = j.stock_show().unwrap();
    let kia = &stock.types[&BlangkoType::Kia];
    for c in SpoilCategory::ALL {
        let ledger = kia.spoiled_by_category.get(&c).copied().unwrap_or(0);
        assert_eq!(
            sum(
                &scrape,
                "cetak_cards_spoiled_total",
                &[("type", "kia"), ("category", c.code())]
            ),
            ledger as f64,
            "{c}"
        );
    }
    assert_eq!(sum(&scrape, "cetak_cards_spoiled_total", &[]), 3.0);
    assert_eq!(
        sum(&scrape, "cetak_blangko_in_store", &[("type", "kia")]),
        kia.in_store as f64
    );
    assert_eq!(
        sum(
            &scrape,
            "cetak_feeder_blangko",
            &[("printer", "P1"), ("type", "kia")]
        ),
        kia.in_feeders as f64
    );
    assert_eq!(kia.in_feeders, 15);
    let by_state: HashMap<String, u64> = j.count_by_state().unwrap().into_iter().collect();
    for s in JobState::ALL {
        assert_eq!(
            sum(&scrape, "cetak_jobs", &[("state", s.code())]),
            by_state.get(s.code()).copied().unwrap_or(0) as f64,
            "{s:?}"
        );
    }
    assert_eq!(
        sum(&scrape, "cetak_outbox_backlog", &[]),
        j.outbox_backlog().unwrap() as f64
    );
    assert_eq!(sum(&scrape, "cetak_outbox_refused", &[]), 0.0);
    assert_eq!(
        sum(&scrape, "cetak_printer_state", &[("printer", "P1")]),
        1.0
    );
    // Time per card: one observation per printed card, cumulative buckets.
    let hist = scrape
        .samples
        .iter()
        .find(|s| s.metric == "cetak_card_seconds")
        .expect("histogram");
    let Value::Histogram(buckets) = &hist.value else {
        panic!("{:?}", hist.value)
    };
    let inf = buckets.iter().find(|b| b.less_than.is_infinite()).unwrap();
    assert_eq!(inf.count, consumed as f64);
    assert!(buckets.windows(2).all(|w| w[0].count <= w[1].count));
    // No [link]: no link state.
    assert!(!names.contains(&"cetak_link_up"));

    // Anything else is not served.
    let (head, _) = http_get(&addr, "/nope");
    assert!(head.starts_with("HTTP/1.1 404"), "{head}");

    // The reports download for a caller with a role (root is an administrator) ...
    let today = cetak::report::local_today(420);
    let url = format!(
        "/reports/stock?from={}&to={}&format=csv",
        today.pred_opt().unwrap(),
        today.succ_opt().unwrap()
    );
    let (head, body) = http_get(&addr, &url);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.to_lowercase().contains("content-type: text/csv"),
        "{head}"
    );
    assert!(body.starts_with("no_gerakan,waktu,jenis_blangko"), "{body}");
    let (head, body) = http_get(&addr, "/reports/spoilage?date=2026-01-01");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.contains("application/pdf") && body.starts_with("%PDF"),
        "{head}"
    );
    let (head, body) = http_get(&addr, "/reports/bast?batch=NOPE");
    assert!(head.starts_with("HTTP/1.1 404"), "{head}");
    assert!(body.contains("\"error\":\"not_found\""), "{body}");
    // ... and not for a user with none (nobody), named by the kernel, not by anything sent.
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .args(["curl", "-s", "-w", "\n%{http_code}"])
        .arg(format!("http://{addr}{url}"))
        .output()
        .expect("setpriv and curl");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.ends_with("\n403"), "{text}");
    assert!(text.contains("\"error\":\"forbidden\""), "{text}");

    assert!(stop_daemon(&mut daemon, Duration::from_secs(60)).success());
}

#[test]
fn a_non_loopback_listen_address_stops_the_daemon() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let text = config_text(&data, &[], 2) + "\n[dashboard]\nlisten = \"0.0.0.0:0\"\n";
    let config = tmp.path().join("cetak.toml");
    std::fs::write(&config, &text).unwrap();
    let daemon = start_daemon(&config, std::process::Stdio::piped());
    let err = refused_start(daemon, Duration::from_secs(60));
    assert!(err.contains("loopback"), "{err}");
}
