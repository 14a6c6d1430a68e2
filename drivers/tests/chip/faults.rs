//! Each fault of the virtual card gives its typed error, within its timeout, through the real
//! pcscd + vpcd.

use std::time::{Duration, Instant};

use crate::support::pcsc::*;
use cetak_drivers::chip::{encode, ChipError, EncodeReport};
use cetak_drivers::vcard::{CardConfig, Faults, VirtualCard};

/// Encodes a KTP-el on a card with `faults`; returns the result and how long it took.
fn encode_with(
    faults: &[&str],
    apdu_timeout: Duration,
) -> (Result<EncodeReport, ChipError>, Duration) {
    let mut f = Faults::default();
    for o in faults {
        f.add(o).unwrap();
    }
    encode_on(cetak_card().with_faults(f), apdu_timeout)
}

fn encode_on(
    config: CardConfig,
    apdu_timeout: Duration,
) -> (Result<EncodeReport, ChipError>, Duration) {
    let reader = reader();
    let card = VirtualCard::new(config);
    let inserted = insert(&card, &reader);
    let p = default_profile();
    let started = Instant::now();
    let r = open(&reader, apdu_timeout).and_then(|mut ch| encode(&mut ch, &p.profile, &ktp_el()));
    let took = started.elapsed();
    inserted.remove();
    (r, took)
}

#[test]
fn mute_card_times_out() {
    let (r, took) = encode_with(&["mute-after=3"], Duration::from_millis(800));
    let e = r.unwrap_err();
    assert_eq!(e, ChipError::Mute { timeout_ms: 800 });
    assert!(e.spoils_card());
    assert!(took < Duration::from_secs(5), "gave up after {took:?}");
}

#[test]
fn slow_card_beyond_the_deadline_is_mute() {
    let (r, _) = encode_with(&["slow=1500"], Duration::from_millis(500));
    assert_eq!(r.unwrap_err(), ChipError::Mute { timeout_ms: 500 });
}

#[test]
fn slow_card_within_the_deadline_succeeds() {
    let (r, _) = encode_with(&["slow=5"], Duration::from_secs(5));
    let report = r.unwrap();
    assert_eq!(report.files.len(), 4);
}

#[test]
fn card_removed_mid_write() {
    let (r, took) = encode_with(&["remove-on-update=3"], Duration::from_secs(2));
    assert_eq!(r.unwrap_err(), ChipError::CardRemoved);
    assert!(took < Duration::from_secs(6), "took {took:?}");
}

#[test]
fn write_error_at_an_offset_is_a_memory_failure() {
    let (r, _) = encode_with(&["write-error-at=5000"], Duration::from_secs(2));
    let e = r.unwrap_err();
    assert!(
        matches!(&e, ChipError::MemoryFailure { step } if step.contains("5002")),
        "{e:?}"
    );
    assert!(e.spoils_card());
}

#[test]
fn full_memory_is_card_full() {
    let (r, _) = encode_with(&["memory=8000"], Duration::from_secs(2));
    let e = r.unwrap_err();
    assert!(
        matches!(&e, ChipError::CardFull { step } if step.contains("CREATE FILE 5002")),
        "{e:?}"
    );
}

#[test]
fn foreign_atr_is_refused_before_any_write() {
    let reader = reader();
    let mut f = Faults::default();
    f.add("foreign-atr").unwrap();
    let card = VirtualCard::new(cetak_card().with_faults(f));
    let _in = insert(&card, &reader);
    let p = default_profile();
    let mut ch = open(&reader, Duration::from_secs(2)).unwrap();
    let e = encode(&mut ch, &p.profile, &ktp_el()).unwrap_err();
    assert!(
        matches!(&e, ChipError::ForeignCard { atr } if atr.starts_with("3B8F8001804F0CA0000003")),
        "{e:?}"
    );
    assert_eq!(
        card.with_state(|s| s.apdus_seen()),
        0,
        "nothing sent to a foreign card"
    );
}

#[test]
fn corrupted_storage_fails_verification() {
    let (r, _) = encode_with(&["corrupt-at=100"], Duration::from_secs(2));
    assert_eq!(
        r.unwrap_err(),
        ChipError::VerifyMismatch { fid: "5001".into() }
    );
}

#[test]
fn wrong_pin_is_access_denied_with_tries_left() {
    let (r, _) = encode_on(
        CardConfig::cetak().with_pin(0x01, b"99999999".to_vec()),
        Duration::from_secs(2),
    );
    assert_eq!(r.unwrap_err(), ChipError::AccessDenied { retries_left: 2 });
}

#[test]
fn no_card_in_the_reader() {
    let reader = reader();
    let started = Instant::now();
    let e = cetak_drivers::chip::PcscChannel::open(cetak_drivers::chip::PcscConfig {
        reader_pattern: reader.name.clone(),
        card_wait: Duration::from_millis(700),
        apdu_timeout: Duration::from_secs(1),
    })
    .err()
    .unwrap();
    assert!(
        matches!(e, ChipError::NoCard { waited_ms: 700, .. }),
        "{e:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[test]
fn unknown_reader_pattern() {
    let _reader = reader(); // makes sure pcscd runs
    let e = cetak_drivers::chip::PcscChannel::open(cetak_drivers::chip::PcscConfig::new(
        "no such reader 42",
    ))
    .err()
    .unwrap();
    assert!(
        matches!(&e, ChipError::NoReader { available, .. } if !available.is_empty()),
        "{e:?}"
    );
    assert!(
        !e.spoils_card(),
        "a missing reader is the station's problem, not the card's"
    );
}

/// A process may exit right after dropping its channel (`cetak encode` does): by then no PC/SC
/// call may still be in flight, or libpcsclite's exit-time destructor races it and the process
/// dies by a signal after printing success.
#[test]
fn a_dropped_channel_has_left_libpcsclite_before_the_drop_returns() {
    use cetak_drivers::chip::pcsc_backend::live_workers;
    let reader = reader();
    let card = VirtualCard::new(cetak_card());
    let inserted = insert(&card, &reader);
    for round in 0..5 {
        let ch = open(&reader, Duration::from_secs(5)).expect("open");
        assert_eq!(live_workers(), 1, "round {round}");
        drop(ch);
        assert_eq!(
            live_workers(),
            0,
            "round {round}: worker still in libpcsclite"
        );
    }
    inserted.remove();
    let empty = crate::support::pcsc::reader();
    let e = cetak_drivers::chip::PcscChannel::open(cetak_drivers::chip::PcscConfig {
        reader_pattern: empty.name.clone(),
        card_wait: Duration::from_millis(300),
        apdu_timeout: Duration::from_secs(1),
    })
    .err()
    .expect("no card");
    assert!(matches!(e, ChipError::NoCard { .. }), "{e:?}");
    assert_eq!(live_workers(), 0, "a failed open leaves its worker behind");
}
