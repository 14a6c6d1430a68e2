//! The access step only where a file's security condition asks for it, and what the PIN
//! counter says, through the real pcscd + vpcd.

use std::time::Duration;

use crate::support::pcsc::*;
use cetak_drivers::chip::profile::DEFAULT_PROFILE_TOML;
use cetak_drivers::chip::{encode, read_card, CardChannel, ChipError};
use cetak_drivers::vcard::{Inserted, VirtualCard, VirtualReader};

const TIMEOUT: Duration = Duration::from_secs(5);

/// A virtual card personalised with the default profile (files readable always).
fn written_card(reader: &VirtualReader) -> (VirtualCard, Inserted) {
    let card = VirtualCard::new(cetak_card());
    let inserted = insert(&card, reader);
    let mut ch = open(reader, TIMEOUT).unwrap();
    encode(&mut ch, &default_profile().profile, &ktp_el()).unwrap();
    (card, inserted)
}

#[test]
fn a_card_readable_always_is_read_without_any_pin() {
    let reader = reader();
    let (card, _in) = written_card(&reader);
    let no_pin = profile_with_pin(DEFAULT_PROFILE_TOML, str::to_string, None);
    let seen = card.with_state(|s| s.apdus_seen());
    let back = read_card(&mut open(&reader, TIMEOUT).unwrap(), &no_pin.profile).unwrap();
    assert_eq!(back.content, ktp_el());
    assert_eq!(card.with_state(|s| s.pin_tries_left(0x01)), Some(3));
    assert!(card.with_state(|s| s.apdus_seen()) > seen);
}

#[test]
fn a_wrong_pin_on_a_read_only_check_leaves_the_retry_counter_untouched() {
    let reader = reader();
    let (card, _in) = written_card(&reader);
    let wrong = profile_with_pin(DEFAULT_PROFILE_TOML, str::to_string, Some("9999"));
    for _ in 0..3 {
        let back = read_card(&mut open(&reader, TIMEOUT).unwrap(), &wrong.profile).unwrap();
        assert_eq!(back.content, ktp_el());
    }
    assert_eq!(
        card.with_state(|s| s.pin_tries_left(0x01)),
        Some(3),
        "no VERIFY was sent: no try spent"
    );
}

#[test]
fn a_file_readable_after_the_pin_is_verified_before_reading() {
    let reader = reader();
    let card = VirtualCard::new(cetak_card());
    let _in = insert(&card, &reader);
    let pin_read = |pin| {
        profile_with_pin(
            DEFAULT_PROFILE_TOML,
            |t| {
                t.replacen(
                    "content = \"personal_data\"\nread = \"always\"",
                    "content = \"personal_data\"\nread = \"pin\"",
                    1,
                )
            },
            pin,
        )
    };
    let right = pin_read(Some(PIN));
    assert!(right
        .profile
        .files
        .iter()
        .any(|f| f.read == cetak_drivers::chip::profile::Condition::Pin));
    let mut ch = open(&reader, TIMEOUT).unwrap();
    encode(&mut ch, &right.profile, &kia()).unwrap();
    // A reset ends the security state: each read starts from nothing.
    CardChannel::reconnect(&mut ch).unwrap();
    assert_eq!(read_card(&mut ch, &right.profile).unwrap().content, kia());
    CardChannel::reconnect(&mut ch).unwrap();
    let e = read_card(&mut ch, &pin_read(None).profile).unwrap_err();
    assert!(matches!(e, ChipError::Secret(_)), "{e:?}");
    CardChannel::reconnect(&mut ch).unwrap();
    let e = read_card(&mut ch, &pin_read(Some("9999")).profile).unwrap_err();
    assert_eq!(e, ChipError::AccessDenied { retries_left: 2 });
}

#[test]
fn the_last_wrong_pin_is_pin_blocked() {
    let reader = reader();
    let mut config = cetak_card();
    config.pin_tries = 1;
    let card = VirtualCard::new(config);
    let _in = insert(&card, &reader);
    let wrong = profile_with_pin(DEFAULT_PROFILE_TOML, str::to_string, Some("9999"));
    let mut ch = open(&reader, TIMEOUT).unwrap();
    // The card answers 63C0: no try left.
    let e = encode(&mut ch, &wrong.profile, &kia()).unwrap_err();
    assert_eq!(e, ChipError::PinBlocked);
    assert!(e.spoils_card());
    assert_eq!(card.with_state(|s| s.pin_tries_left(0x01)), Some(0));
    // From then on 6983: still blocked, with the right PIN too.
    let e = encode(&mut ch, &default_profile().profile, &kia()).unwrap_err();
    assert_eq!(e, ChipError::PinBlocked);
}
