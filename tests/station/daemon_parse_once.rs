//! A job is parsed and validated once per card: at intake; the preparer takes the validated job
//! from intake's in-memory hand-off (`cetak::intake::handoff`) and hands it to the chip encoder
//! (`Prepared` carries it, not the raw document). Counted with `cetak::job::validations()`.

use std::time::Duration;

use crate::support::daemon::*;
use cetak::config::Config;
use cetak::daemon::{ChipEncoder, EncodeFailure, Station, StationOptions};
use cetak::job::ValidatedJob;
use cetak::journal::{BlangkoType, ChipInfo, JobState};
use cetak_drivers::printer::station::EncoderStation;

/// Succeeds at once; checks it is given the job the card is for.
struct Quiet;

impl ChipEncoder for Quiet {
    fn station(&self) -> EncoderStation {
        EncoderStation::Contactless
    }
    fn encode(&mut self, job: &ValidatedJob) -> Result<ChipInfo, EncodeFailure> {
        assert!(job.job_id().starts_with("KTP-ONCE-"));
        Ok(ChipInfo {
            atr: "3B8F".into(),
            uid: "04A1".into(),
        })
    }
}

#[test]
fn a_chip_card_is_validated_once() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let emu = emulator("EMU-ONCE", 0.0, 50);
    let name = format!("once-{}", std::process::id());
    emu.register(&name).unwrap();
    let printers = [("P1", format!("emu://{name}"), "ktp-el")];
    let text =
        config_text(&data, &printers, 2).replace("encode_chips = false", "encode_chips = true");
    let cfg = Config::parse(&text, std::path::Path::new("test.toml")).unwrap();
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    stock(&mut j, &[("P1", BlangkoType::KtpEl)], 10);
    let n = 3;
    let ids = make_jobs(&cfg.spool_dir(), "ktp-el.json", "KTP-ONCE", n);
    let before = cetak::job::validations();
    let mut options = StationOptions::default();
    options.encoders.insert("P1".into(), Box::new(Quiet));
    let station = Station::start_with(&cfg, options).unwrap();
    wait_settled(&j, &ids, Duration::from_secs(120));
    station.shutdown().unwrap();
    for id in &ids {
        assert_eq!(state(&j, id), JobState::Printed, "{id}");
        assert!(
            j.job(id).unwrap().needs_chip,
            "{id} went through the chip step"
        );
    }
    // One validation at intake (the spool); the preparer renders the job intake validated, and
    // the chip encoder builds its content from it.
    assert_eq!(cetak::job::validations() - before, n as u64);
}
