//! The virtual card checked against ISO/IEC 7816-4 alone, through the real pcscd + vpcd: raw
//! command APDUs written out from the standard (no encoder code builds them) and the status
//! words the standard gives for them. Where the standard leaves a choice, the expected answer
//! is the one written down in docs/chip.md.

use std::ffi::CString;
use std::time::{Duration, Instant};

use crate::support::pcsc::*;
use cetak_drivers::vcard::{CardConfig, Faults, VirtualCard};
use pcsc::{Card, Context, Protocols, Scope, ShareMode};

/// Connects to the card in `reader` with the pcsc crate directly (T=0 or T=1).
fn connect(reader: &str) -> Card {
    let ctx = Context::establish(Scope::User).expect("pcscd");
    let name = CString::new(reader).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match ctx.connect(&name, ShareMode::Shared, Protocols::T0 | Protocols::T1) {
            Ok(card) => return card,
            Err(e) if Instant::now() > deadline => panic!("no card in {reader}: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// Sends `apdu` (hex, spaces allowed) and returns the answer as upper-case hex, no spaces.
fn tx(card: &Card, apdu: &str) -> String {
    let bytes = hex::decode(apdu.replace(' ', "")).expect("hex APDU");
    let mut buf = vec![0u8; pcsc::MAX_BUFFER_SIZE_EXTENDED];
    let answer = card.transmit(&bytes, &mut buf).expect("transmit");
    hex::encode_upper(answer)
}

/// SW1 SW2 of an answer.
fn sw(answer: &str) -> &str {
    &answer[answer.len() - 4..]
}

#[test]
fn class_byte_and_logical_channels() {
    let reader = reader();
    let card = VirtualCard::new(CardConfig::cetak());
    let _in = insert(&card, &reader);
    let c = connect(&reader.name);
    // §5.4.1: 000x xxxx = first interindustry values; b4-b3 secure messaging, b5 chaining,
    // b2-b1 logical channel. No SM, no chaining, channel 0: SELECT MF (§11.2.2, P1 00 P2 0C).
    assert_eq!(tx(&c, "00 A4 00 0C 02 3F 00"), "9000");
    // SM indication without secure messaging: 6882 "secure messaging not supported".
    assert_eq!(tx(&c, "0C A4 00 0C 02 3F 00"), "6882");
    assert_eq!(tx(&c, "04 A4 00 0C 02 3F 00"), "6882");
    // Further interindustry values 01xx xxxx: b6 = SM.
    assert_eq!(tx(&c, "60 A4 00 0C 02 3F 00"), "6882");
    // Command chaining (b5) on a card whose ATR does not offer it: 6884.
    assert_eq!(tx(&c, "10 A4 00 0C 02 3F 00"), "6884");
    // Channel 1 (b2-b1 = 01) and channel 4 (01xx 0000) before MANAGE CHANNEL opened them.
    assert_eq!(tx(&c, "01 A4 00 0C 02 3F 00"), "6881");
    assert_eq!(tx(&c, "40 A4 00 0C 02 3F 00"), "6881");
    // Proprietary class (1xxx xxxx) on a card with none.
    assert_eq!(tx(&c, "80 A4 00 0C 02 3F 00"), "6E00");
    // §11.1.2 MANAGE CHANNEL open, P2 = 00: the card assigns the number and returns it (Le 01).
    assert_eq!(tx(&c, "00 70 00 00 01"), "019000");
    assert_eq!(tx(&c, "01 A4 00 0C 02 3F 00"), "9000");
    // Open channel 4 by number (P2 = 04), use it, close it (P1 = 80, P2 = 00: own channel).
    assert_eq!(tx(&c, "00 70 00 04"), "9000");
    assert_eq!(tx(&c, "40 A4 00 0C 02 3F 00"), "9000");
    assert_eq!(tx(&c, "40 70 80 00"), "9000");
    assert_eq!(tx(&c, "40 A4 00 0C 02 3F 00"), "6881");
    // Close channel 1 from the basic channel (P2 = 01).
    assert_eq!(tx(&c, "00 70 80 01"), "9000");
    assert_eq!(tx(&c, "01 A4 00 0C 02 3F 00"), "6881");
}

#[test]
fn reader_pseudo_apdu_on_a_contact_card_is_class_not_supported() {
    let reader = reader();
    // A contact card: no contactless reader answers class FF, so the card sees it; FF is no
    // valid class for a card (§5.4.1).
    let card = VirtualCard::new(CardConfig::generic());
    let _in = insert(&card, &reader);
    let c = connect(&reader.name);
    assert_eq!(tx(&c, "FF CA 00 00 00"), "6E00");
}

#[test]
fn contactless_reader_gives_the_uid() {
    let reader = reader();
    let card = VirtualCard::new(CardConfig::cetak());
    let _in = insert(&card, &reader);
    let c = connect(&reader.name);
    // PC/SC part 3 GET DATA: FF CA 00 00 00 = UID, full length.
    assert_eq!(tx(&c, "FF CA 00 00 00"), "04C37A125E61809000");
}

#[test]
fn verify_counts_down_to_63c0_then_blocks() {
    let reader = reader();
    let card = VirtualCard::new(cetak_card());
    let _in = insert(&card, &reader);
    let c = connect(&reader.name);
    // §11.5.6 VERIFY, P2 = 01 (specific reference data 1). No data: ask the state; 63CX with
    // X tries left.
    assert_eq!(tx(&c, "00 20 00 01"), "63C3");
    for left in ["63C2", "63C1", "63C0"] {
        assert_eq!(tx(&c, "00 20 00 01 08 39 39 39 39 FF FF FF FF"), left);
    }
    // 6983: authentication method blocked, even with the right PIN.
    assert_eq!(tx(&c, "00 20 00 01 08 32 34 36 38 FF FF FF FF"), "6983");
    assert_eq!(tx(&c, "00 20 00 01"), "6983");
}

#[test]
fn t0_card_keeps_get_response_on_the_channel_of_the_command() {
    let reader = reader();
    let card = VirtualCard::new(CardConfig::generic());
    let _in = insert(&card, &reader);
    let c = connect(&reader.name);
    assert_eq!(tx(&c, "00 70 00 01"), "9000");
    // SELECT MF returning the FCP (P2 = 04) on channel 1: T=0 answers 61xx (§5.3.4 / 7816-3).
    let first = tx(&c, "01 A4 00 04 02 3F 00");
    assert!(first.starts_with("61"), "{first}");
    // GET RESPONSE (§11.7.1) with the class of the command: the FCP template (62 ...).
    let fcp = tx(&c, &format!("01 C0 00 00 {}", &first[2..4]));
    assert!(fcp.starts_with("62") && sw(&fcp) == "9000", "{fcp}");
    // On another channel there is nothing to get.
    let again = tx(&c, "01 A4 00 04 02 3F 00");
    assert_eq!(tx(&c, &format!("00 C0 00 00 {}", &again[2..4])), "6985");
}

#[test]
fn extended_length_on_a_card_without_it_is_wrong_length() {
    let reader = reader();
    let mut config = CardConfig::cetak();
    config.extended_length = false;
    config.atr = cetak_drivers::vcard::config::atr_with_extended(false);
    let card = VirtualCard::new(config);
    let _in = insert(&card, &reader);
    let c = connect(&reader.name);
    // §5.1 case 2E: Le field 00 01 00 (Ne = 256) in extended form.
    assert_eq!(tx(&c, "00 A4 00 00 00 01 00"), "6700");
    // The short form of the same command is fine.
    assert_eq!(sw(&tx(&c, "00 A4 00 00 00")), "9000");
}

#[test]
fn small_card_buffer_refuses_a_longer_data_field() {
    let reader = reader();
    let mut faults = Faults::default();
    faults.add("buffer=255").unwrap();
    let card = VirtualCard::new(cetak_card().with_faults(faults));
    let _in = insert(&card, &reader);
    let c = connect(&reader.name);
    assert_eq!(tx(&c, "00 20 00 01 08 32 34 36 38 FF FF FF FF"), "9000");
    // CREATE FILE (ISO/IEC 7816-9) of a 1024-byte transparent EF 5001: 62 { 80 0400, 82 01,
    // 83 5001 }.
    assert_eq!(
        tx(&c, "00 E0 00 00 0D 62 0B 80 02 04 00 82 01 01 83 02 50 01"),
        "9000"
    );
    // UPDATE BINARY with 255 data bytes fits; 256 (extended Lc 00 01 00) does not: 6700.
    let fits = format!("00 D6 00 00 FF {}", "AB".repeat(255));
    assert_eq!(tx(&c, &fits), "9000");
    let long = format!("00 D6 00 00 00 01 00 {}", "AB".repeat(256));
    assert_eq!(tx(&c, &long), "6700");
    // READ BINARY: Ne = 255 fits, Ne = 512 (extended Le 02 00) does not.
    assert_eq!(sw(&tx(&c, "00 B0 00 00 FF")), "9000");
    assert_eq!(tx(&c, "00 B0 00 00 00 02 00"), "6700");
}
