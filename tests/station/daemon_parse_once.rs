//! A job is parsed and validated once per card: at intake; the preparer takes the validated job
//! from intake's in-memory hand-off (`cetak::intake::handoff`) and hands it to the chip encoder
//! (`Prepared` carries it, not the raw document). Counted with `cetak::job::validations()`,
//! also for a drop larger than the hand-off once held (64 jobs), all waiting behind a printer.

use std::path::Path;
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use crate::support::daemon::*;
use cetak::config::Config;
use cetak::daemon::{ChipEncoder, EncodeFailure, Station, StationOptions};
use cetak::job::ValidatedJob;
use cetak::journal::{BlangkoType, ChipInfo, JobState, Journal};
use cetak_drivers::emulator::Emulator;
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

/// Holds the first card in the chip station until the test opens the gate (at most a minute),
/// so the whole drop is taken in while the printer waits; then succeeds at once.
struct Gated(Option<Receiver<()>>);

impl ChipEncoder for Gated {
    fn station(&self) -> EncoderStation {
        EncoderStation::Contactless
    }
    fn encode(&mut self, job: &ValidatedJob) -> Result<ChipInfo, EncodeFailure> {
        if let Some(gate) = self.0.take() {
            let _ = gate.recv_timeout(Duration::from_secs(60));
        }
        assert!(job.job_id().starts_with("KTP-DROP-"));
        Ok(ChipInfo {
            atr: "3B8F".into(),
            uid: "04A1".into(),
        })
    }
}

/// One KTP-el printer (emulated, instant) with chip encoding on, stock for `n` cards and `n`
/// jobs `KTP-{tag}-…` in the spool; the emulator is returned to stay registered.
fn chip_station(dir: &Path, tag: &str, n: usize) -> (Config, Journal, Vec<String>, Emulator) {
    let emu = emulator(&format!("EMU-{tag}"), 0.0, n as u32 + 10);
    let name = format!("{}-{}", tag.to_lowercase(), std::process::id());
    emu.register(&name).unwrap();
    let printers = [("P1", format!("emu://{name}"), "ktp-el")];
    let text = config_text(&dir.join("data"), &printers, 2)
        .replace("encode_chips = false", "encode_chips = true");
    let cfg = Config::parse(&text, Path::new("test.toml")).unwrap();
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    stock(&mut j, &[("P1", BlangkoType::KtpEl)], n as u32 + 10);
    let ids = make_jobs(&cfg.spool_dir(), "ktp-el.json", &format!("KTP-{tag}"), n);
    (cfg, j, ids, emu)
}

#[test]
fn a_chip_card_is_validated_once() {
    let tmp = tempfile::tempdir().unwrap();
    let n = 3;
    let (cfg, j, ids, _emu) = chip_station(tmp.path(), "ONCE", n);
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

#[test]
fn a_drop_larger_than_the_old_hand_off_is_validated_once_per_card() {
    let tmp = tempfile::tempdir().unwrap();
    let n = 100;
    let (cfg, j, ids, _emu) = chip_station(tmp.path(), "DROP", n);
    let before = cetak::job::validations();
    let (open, gate) = channel();
    let mut options = StationOptions::default();
    options
        .encoders
        .insert("P1".into(), Box::new(Gated(Some(gate))));
    let started = Instant::now();
    let station = Station::start_with(&cfg, options).unwrap();
    // The whole drop is in the journal while the first card waits in the chip station: all but
    // the few the preparer took wait in the hand-off, parked.
    wait_for("the drop taken in", Duration::from_secs(120), || {
        ids.iter().all(|id| j.job(id).is_ok())
    });
    let intake = started.elapsed();
    let (held, bytes) = cetak::intake::handoff::held();
    assert!(held > 64, "{held} of {n} held");
    open.send(()).unwrap();
    wait_settled(&j, &ids, Duration::from_secs(300));
    station.shutdown().unwrap();
    for id in &ids {
        assert_eq!(state(&j, id), JobState::Printed, "{id}");
    }
    assert_eq!(cetak::job::validations() - before, n as u64);
    assert_eq!(cetak::intake::handoff::held(), (0, 0), "every job taken");
    println!(
        "{n} KTP-el jobs: taken in in {intake:?}; the hand-off held {held} parked jobs in \
         {bytes} bytes ({} per job); all printed after {:?}",
        bytes / held,
        started.elapsed()
    );
}
