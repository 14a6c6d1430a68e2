//! Low-stock alerts from a running station: raised when production takes a feeder below its
//! threshold, cleared when blangko are loaded (recorded by another connection, as the CLI does).

use std::time::Duration;

use crate::support::daemon::*;
use cetak::daemon::Station;
use cetak::journal::{Actor, BlangkoType, JobState};

#[test]
fn production_raises_and_loading_clears_the_feeder_alert() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let emu = emulator("EMU-S-1", 0.0, 100);
    let srv = emu.serve_tcp("127.0.0.1:0").unwrap();
    let text = config_text(&data, &[("P1", srv.uri(), "kia")], 2).replace(
        "[policy]\n",
        "[policy]\nlow_stock_feeder = 17\nlow_stock_store = 5\n",
    );
    let cfg = cetak::config::Config::parse(&text, std::path::Path::new("t.toml")).unwrap();
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    let a = Actor::operator("tester");
    j.stock_receive(BlangkoType::Kia, 40, "LOT-S", None, &a)
        .unwrap();
    j.stock_load("P1", BlangkoType::Kia, 20, &a).unwrap();
    let low = |j: &cetak::journal::Journal| {
        j.alerts_open()
            .unwrap()
            .into_iter()
            .filter(|a| a.kind.starts_with("low_stock"))
            .map(|a| format!("{}/{}", a.kind, a.key))
            .collect::<Vec<_>>()
    };
    let station = Station::start(&cfg).unwrap();
    // 20 in the feeder, threshold 17; 40 of the type (store + feeder), threshold 5: nothing low.
    assert!(low(&j).is_empty(), "{:?}", low(&j));
    let ids = make_jobs(&cetak::daemon::spool_dir(&cfg), "kia-0-5.json", "KIA-S", 5);
    wait_settled(&j, &ids, Duration::from_secs(120));
    for id in &ids {
        assert_eq!(state(&j, id), JobState::Printed);
    }
    // 15 left in the feeder: below 17.
    wait_for("feeder alert", Duration::from_secs(10), || {
        low(&j) == vec!["low_stock_feeder/feeder:P1".to_string()]
    });
    let alert = j
        .alerts_open()
        .unwrap()
        .into_iter()
        .find(|a| a.kind == "low_stock_feeder")
        .unwrap();
    // Raised by the worker right after the card that crossed the threshold (16 left), not by a
    // later periodic check.
    assert!(
        alert.message_id.contains("P1") && alert.message_id.contains("sisa 16"),
        "{}",
        alert.message_id
    );
    // The operator loads 10 more (another connection, like `cetak stock load`): the station
    // clears the alert on its own.
    j.stock_load("P1", BlangkoType::Kia, 10, &a).unwrap();
    wait_for("alert cleared", Duration::from_secs(15), || {
        low(&j).is_empty()
    });
    station.shutdown().unwrap();
    assert!(j.stock_verify().unwrap().is_ok());
}
