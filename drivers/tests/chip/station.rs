//! The encoder station tie-in and the long-running virtual card (`cetak vcard`), through the
//! real pcscd + vpcd.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::support::pcsc::*;
use cetak_drivers::chip::{encode, read_card, ChipError, PcscChannel, PcscConfig};
use cetak_drivers::printer::station::{EncoderStation, StationCard};
use cetak_drivers::vcard::{Faults, VcardStation, VirtualCard};

#[test]
fn a_chip_is_present_only_while_a_card_is_parked() {
    let reader = reader();
    let mut faulty = Faults::default();
    faulty.add("write-error-at=100").unwrap();
    let (mut station, cards) = VcardStation::with_plan(
        reader.addr(),
        vec![cetak_card().with_faults(faulty)],
        cetak_card(),
    );
    let p = default_profile();
    let quick = |wait_ms| {
        PcscChannel::open(PcscConfig {
            reader_pattern: reader.name.clone(),
            card_wait: Duration::from_millis(wait_ms),
            apdu_timeout: Duration::from_secs(2),
        })
    };

    assert!(
        matches!(quick(600).err(), Some(ChipError::NoCard { .. })),
        "nothing parked yet"
    );

    // First blangko: a faulty chip, rejected.
    station.card_parked(EncoderStation::Contact);
    let e = encode(&mut quick(5000).unwrap(), &p.profile, &ktp_el()).unwrap_err();
    assert!(matches!(e, ChipError::MemoryFailure { .. }), "{e:?}");
    station.card_left();
    assert!(
        matches!(quick(600).err(), Some(ChipError::NoCard { .. })),
        "the card has left"
    );

    // Second blangko: a good chip, a fresh blank card.
    station.card_parked(EncoderStation::Contactless);
    let mut ch = quick(5000).unwrap();
    encode(&mut ch, &p.profile, &ktp_el()).unwrap();
    assert_eq!(read_card(&mut ch, &p.profile).unwrap().content, ktp_el());
    drop(ch);
    station.card_left();

    let all = cards.all();
    assert_eq!(all.len(), 2);
    assert_eq!(
        all[0].file(&[0x5043, 0x5001]).map(|f| f[..2].to_vec()),
        Some(vec![0x65, 0x82])
    );
    assert_eq!(all[1].file(&[0x5043, 0x5002]), ktp_el().photo);
}

#[test]
fn the_long_running_virtual_card_serves_until_stopped() {
    let reader = reader();
    let card = VirtualCard::new(cetak_card());
    let stop = Arc::new(AtomicBool::new(false));
    let (c, s, addr) = (card.clone(), stop.clone(), reader.addr());
    let service = std::thread::spawn(move || c.run(addr, &s));
    let p = default_profile();
    let mut ch = open(&reader, Duration::from_secs(2)).unwrap();
    encode(&mut ch, &p.profile, &kia()).unwrap();
    drop(ch);
    stop.store(true, Ordering::Relaxed);
    service.join().unwrap().unwrap();
    assert_eq!(
        card.file(&[0x5043, 0x5001]),
        Some(kia().personal_data_bytes().unwrap())
    );
}
