//! The chip step in the worker, with a scripted encoder behind the same `ChipEncoder` trait the
//! PC/SC encoder implements: the chip is encoded at the station before printing; a card whose
//! chip fails is rejected as `gagal-encode` without using ribbon and the job goes on a new
//! blangko; chip identifiers reach the journal.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::daemon::*;
use cetak::daemon::{ChipEncoder, EncodeFailure, Station, StationOptions};
use cetak::job::ValidatedJob;
use cetak::journal::{BlangkoType, ChipInfo, JobState, NewJob, SpoilCategory};
use cetak_drivers::emulator::CardOutcome;
use cetak_drivers::printer::station::EncoderStation;

struct Scripted {
    calls: Arc<Mutex<Vec<String>>>,
    fail_first: usize,
}

impl ChipEncoder for Scripted {
    fn station(&self) -> EncoderStation {
        EncoderStation::Contactless
    }
    fn encode(&mut self, job: &ValidatedJob) -> Result<ChipInfo, EncodeFailure> {
        let mut calls = self.calls.lock().unwrap();
        calls.push(job.job_id().to_string());
        if calls.len() <= self.fail_first {
            return Err(EncodeFailure {
                spoils_card: true,
                message_en: "chip does not answer".into(),
                message_id: "chip tidak menjawab".into(),
            });
        }
        Ok(ChipInfo {
            atr: "3B8F8001804F0CA000000306030001000000006A".into(),
            uid: format!("04A1{:04X}", calls.len()),
        })
    }
}

#[test]
fn chip_is_encoded_before_printing_and_a_bad_chip_spoils_only_its_card() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let emu = emulator("EMU-CHIP", 0.0, 50);
    let name = format!("chip-{}", std::process::id());
    emu.register(&name).unwrap();
    let cfg = config(&data, &[("P1", format!("emu://{name}"), "ktp-el")]);
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    stock(&mut j, &[("P1", BlangkoType::KtpEl)], 10);
    let dir = tmp.path().join("jobs");
    let ids = make_jobs(&dir, "ktp-el.json", "KTP-C", 3);
    for id in &ids {
        let payload = payload_of(&dir, id);
        j.enqueue(&NewJob {
            job_id: id.clone(),
            blangko_type: BlangkoType::KtpEl,
            nik_masked: "3204xxxxxxxx0005".into(),
            batch_id: None,
            batch_nik: None,
            priority: 0,
            needs_chip: true,
            needs_dual_side: true,
            payload,
        })
        .unwrap();
    }
    let calls = Arc::new(Mutex::new(Vec::new()));
    let mut options = StationOptions::default();
    options.encoders.insert(
        "P1".into(),
        Box::new(Scripted {
            calls: calls.clone(),
            fail_first: 1,
        }),
    );
    let station = Station::start_with(&cfg, options).unwrap();
    wait_settled(&j, &ids, Duration::from_secs(120));
    station.shutdown().unwrap();

    for id in &ids {
        assert_eq!(state(&j, id), JobState::Printed, "{id}");
        let h = j.job_history(id).unwrap();
        let printing = h
            .iter()
            .rfind(|e| e.to_state == JobState::Printing)
            .unwrap();
        assert!(printing.chip_uid.as_deref().unwrap().starts_with("04A1"));
        // Encoding came before printing.
        let enc = h
            .iter()
            .rposition(|e| e.to_state == JobState::Encoding)
            .unwrap();
        let pr = h
            .iter()
            .rposition(|e| e.to_state == JobState::Printing)
            .unwrap();
        assert!(enc < pr);
    }
    let first = &calls.lock().unwrap()[0];
    assert_eq!(
        j.job(first).unwrap().attempt,
        2,
        "the spoiled chip's job used a second blangko"
    );
    let cards = emu.cards();
    let rejected: Vec<_> = cards
        .iter()
        .filter(|c| c.outcome == CardOutcome::Rejected)
        .collect();
    assert_eq!(rejected.len(), 1);
    assert!(
        rejected[0].sides.is_empty(),
        "no ribbon used on the bad chip"
    );
    assert!(cards
        .iter()
        .all(|c| c.stations == vec![EncoderStation::Contactless]));
    let v = j.stock_verify().unwrap();
    assert!(v.is_ok(), "{:?}", v.problems);
    assert_eq!(
        v.report.types[&BlangkoType::KtpEl].spoiled_by_category[&SpoilCategory::GagalEncode],
        1
    );
    assert!(j.audit_verify().unwrap().is_ok());
}
