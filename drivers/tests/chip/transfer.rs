//! Short or extended APDUs, chosen from what the card, the negotiated protocol and the reader
//! allow; the fallback when a reader fails the first extended APDU; a small card buffer and
//! GET RESPONSE on a logical channel. All through the real pcscd + vpcd.

use std::time::Duration;

use crate::support::pcsc::*;
use cetak_drivers::chip::apdu::{Command, StatusWord};
use cetak_drivers::chip::{encode, read_card, Apdus, ChipError};
use cetak_drivers::vcard::config::build_atr;
use cetak_drivers::vcard::{CardConfig, Faults, VirtualCard};

const TIMEOUT: Duration = Duration::from_secs(5);

fn with_faults(config: CardConfig, faults: &[&str]) -> CardConfig {
    let mut f = Faults::default();
    for o in faults {
        f.add(o).unwrap();
    }
    config.with_faults(f)
}

#[test]
fn a_reader_without_extended_length_still_gets_the_card_written() {
    let reader = reader();
    // The card announces extended Lc/Le, the reader states no limit (vpcd), but it fails
    // every extended APDU in transport, as a short-APDU CCID reader does.
    let card = VirtualCard::new(with_faults(cetak_card(), &["reader-short"]));
    let _in = insert(&card, &reader);
    let p = default_profile();
    let mut ch = open(&reader, TIMEOUT).unwrap();
    let report = encode(&mut ch, &p.profile, &ktp_el()).unwrap();
    assert!(!report.extended, "{report:?}");
    assert!(report.extended_fallback);
    assert_eq!(report.restarts, 1);
    assert_eq!(report.chunk_size, 240);
    assert_eq!(card.file(&[0x5043, 0x5002]), ktp_el().photo);
    // Reading it back takes the same way.
    let back = read_card(&mut ch, &p.profile).unwrap();
    assert_eq!(back.content, ktp_el());
}

#[test]
fn extended_always_on_such_a_reader_is_the_station_s_error() {
    let reader = reader();
    let card = VirtualCard::new(with_faults(cetak_card(), &["reader-short"]));
    let _in = insert(&card, &reader);
    let p = profile_from(cetak_drivers::chip::profile::DEFAULT_PROFILE_TOML, |t| {
        t.replace("extended = \"auto\"", "extended = \"always\"")
    });
    let mut ch = open(&reader, TIMEOUT).unwrap();
    let e = encode(&mut ch, &p.profile, &ktp_el()).unwrap_err();
    assert!(matches!(e, ChipError::Transport(_)), "{e:?}");
    assert!(!e.spoils_card(), "the reader, not the blangko, is at fault");
}

#[test]
fn a_t0_card_gets_short_apdus_although_its_atr_announces_extended_length() {
    let reader = reader();
    let mut config = generic_card();
    config.atr = build_atr(true, true, 4);
    config.extended_length = true;
    config.max_command_data = 4096;
    config.max_response_data = 4096;
    let card = VirtualCard::new(config);
    let _in = insert(&card, &reader);
    let p = default_profile();
    let mut ch = open(&reader, TIMEOUT).unwrap();
    let report = encode(&mut ch, &p.profile, &ktp_el()).unwrap();
    assert!(!report.extended, "T=0 was negotiated: short APDUs");
    assert!(
        !report.extended_fallback,
        "chosen up front, not after a failure"
    );
    assert_eq!(report.restarts, 0);
    assert_eq!(read_card(&mut ch, &p.profile).unwrap().content, ktp_el());
}

#[test]
fn a_small_card_buffer_steps_the_chunk_down_once_for_the_whole_card() {
    let reader = reader();
    let card = VirtualCard::new(with_faults(cetak_card(), &["buffer=255"]));
    let _in = insert(&card, &reader);
    let p = default_profile();
    let mut ch = open(&reader, TIMEOUT).unwrap();
    let report = encode(&mut ch, &p.profile, &ktp_el()).unwrap();
    assert_eq!(
        report.chunk_size, 240,
        "one step from 4096 to the short chunk"
    );
    // 162 APDUs with 240-byte chunks from the start; one refused 4096-byte UPDATE more.
    assert_eq!(report.apdus.commands, 163, "{report:?}");
    assert_eq!(card.file(&[0x5043, 0x5002]), ktp_el().photo);
    assert_eq!(read_card(&mut ch, &p.profile).unwrap().content, ktp_el());
}

#[test]
fn a_generic_card_with_a_128_byte_buffer_halves_the_short_chunk() {
    let reader = reader();
    let card = VirtualCard::new(generic_card());
    let _in = insert(&card, &reader);
    let p = default_profile();
    let mut ch = open(&reader, TIMEOUT).unwrap();
    let report = encode(&mut ch, &p.profile, &ktp_el()).unwrap();
    assert_eq!(report.chunk_size, 120);
    assert_eq!(card.file(&[0x5043, 0x5002]), ktp_el().photo);
}

#[test]
fn get_response_keeps_the_logical_channel_of_the_command() {
    let reader = reader();
    // A T=0 card with all twenty channels: the FCP of a SELECT comes by GET RESPONSE, which
    // the card accepts only on the channel of the SELECT.
    let mut config = generic_card();
    config.logical_channels = 20;
    config.atr = build_atr(true, false, 20);
    let card = VirtualCard::new(config);
    let _in = insert(&card, &reader);
    let mut ch = open(&reader, TIMEOUT).unwrap();
    let mut apdus = Apdus::new(&mut ch, false);
    let select_mf = |cla| {
        Command::new(cla, 0xA4, 0x00, 0x04)
            .with_data([0x3F, 0x00])
            .with_le(256)
    };
    // Channel 3 = class 03 (first interindustry values, b2-b1); channel 7 = class 43
    // (further values 01xx xxxx, b4-b1 = 7 - 4); channel 19 = class 4F.
    for (channel, cla) in [(3u8, 0x03u8), (7, 0x43), (19, 0x4F)] {
        let open = apdus
            .send(&Command::new(0x00, 0x70, 0x00, channel))
            .unwrap();
        assert_eq!(open.sw, StatusWord::Ok);
        let r = apdus.send(&select_mf(cla)).unwrap();
        assert_eq!(r.sw, StatusWord::Ok, "GET RESPONSE on channel {channel}");
        assert_eq!(r.data.first(), Some(&0x62), "the FCP template");
    }
}
