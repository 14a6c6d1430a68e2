//! The engine against APDUs written out by hand.

use super::*;
use crate::vcard::config::CardConfig;

fn run(card: &mut CardState, apdu: &str) -> String {
    match card.process(&hex::decode(apdu.replace(' ', "")).unwrap()) {
        Action::Respond(b) => hex::encode_upper(b),
        other => format!("{other:?}"),
    }
}

#[test]
fn verify_counts_down_and_blocks() {
    let mut c = CardState::new(CardConfig::cetak().with_pin(0x01, b"1234".to_vec()));
    assert_eq!(run(&mut c, "00 20 00 01"), "63C3");
    assert_eq!(run(&mut c, "00 20 00 01 04 31313131"), "63C2");
    assert_eq!(run(&mut c, "00 20 00 01 04 31323334"), "9000");
    assert_eq!(run(&mut c, "00 20 00 01"), "9000");
    c.reset();
    // The try that uses up the counter answers 63C0 (ISO/IEC 7816-4: 63CX, X = tries left);
    // from then on the method is blocked: 6983.
    for left in ["63C2", "63C1", "63C0", "6983"] {
        assert_eq!(run(&mut c, "00 20 00 01 04 39393939"), left);
    }
    assert_eq!(
        run(&mut c, "00 20 00 01 04 31323334"),
        "6983",
        "blocked stays blocked"
    );
    assert_eq!(run(&mut c, "00 20 00 02 04 31323334"), "6A88");
}

#[test]
fn files_need_the_pin_and_respect_their_size() {
    let mut c = CardState::new(CardConfig::cetak().with_pin(0x01, b"1234".to_vec()));
    // 62 { 80 0010, 82 01, 83 5001, 8C 03 10 00 }: 16 bytes, update after PIN, read always.
    let create = "00 E0 00 00 12 62 10 80 02 00 10 82 01 01 83 02 50 01 8C 03 03 10 00";
    assert_eq!(run(&mut c, create), "6982");
    assert_eq!(run(&mut c, "00 20 00 01 04 31323334"), "9000");
    assert_eq!(run(&mut c, create), "9000");
    assert_eq!(run(&mut c, create), "6A89");
    assert_eq!(run(&mut c, "00 D6 00 0E 03 AABBCC"), "6A84");
    assert_eq!(run(&mut c, "00 D6 00 20 01 AA"), "6B00");
    assert_eq!(run(&mut c, "00 D6 00 00 02 AABB"), "9000");
    c.reset();
    assert_eq!(run(&mut c, "00 A4 02 0C 02 5001"), "9000");
    assert_eq!(
        run(&mut c, "00 D6 00 00 01 CC"),
        "6982",
        "update needs the PIN again after reset"
    );
    assert_eq!(run(&mut c, "00 B0 00 00 02"), "AABB9000");
    assert_eq!(run(&mut c, "00 B0 00 0E 04"), "00006282");
    assert_eq!(run(&mut c, "00 A4 02 0C 02 5009"), "6A82");
    assert_eq!(run(&mut c, "00 99 00 00"), "6D00");
    assert_eq!(run(&mut c, "80 A4 00 00"), "6E00");
}

#[test]
fn generic_card_answers_like_t0() {
    let mut c = CardState::new(CardConfig::generic());
    assert_eq!(
        run(&mut c, "FF CA 00 00 00"),
        "6E00",
        "no UID from a contact reader"
    );
    assert_eq!(run(&mut c, "00 A4 00 04 02 3F00 00"), "6111");
    assert!(run(&mut c, "00 C0 00 00 11").starts_with("620F"));
    assert_eq!(
        run(&mut c, "00 C0 00 00 11"),
        "6985",
        "nothing pending any more"
    );
    let ext = format!("00 D6 00 00 00 00 81 {}", "00".repeat(0x81));
    assert_eq!(
        run(&mut c, &ext),
        "LinkFailure",
        "T=0 cannot carry an extended APDU"
    );
}

#[test]
fn class_byte_is_checked() {
    let mut c = CardState::new(CardConfig::cetak());
    assert_eq!(run(&mut c, "00 A4 00 0C 02 3F00"), "9000");
    assert_eq!(run(&mut c, "0C A4 00 0C 02 3F00"), "6882", "SM bits, no SM");
    assert_eq!(
        run(&mut c, "60 A4 00 0C 02 3F00"),
        "6882",
        "further class, SM bit"
    );
    assert_eq!(run(&mut c, "10 A4 00 0C 02 3F00"), "6884", "chaining");
    assert_eq!(
        run(&mut c, "01 A4 00 0C 02 3F00"),
        "6881",
        "channel 1 not open"
    );
    assert_eq!(
        run(&mut c, "4F A4 00 0C 02 3F00"),
        "6881",
        "channel 19 not open"
    );
    assert_eq!(run(&mut c, "20 A4 00 0C 02 3F00"), "6E00", "reserved class");
    assert_eq!(
        run(&mut c, "A0 A4 00 0C 02 3F00"),
        "6E00",
        "proprietary class"
    );
}

#[test]
fn logical_channels_open_and_close() {
    let mut c = CardState::new(CardConfig::cetak());
    assert_eq!(run(&mut c, "00 70 00 00 01"), "019000");
    assert_eq!(run(&mut c, "00 70 00 00"), "6700", "card-assigned needs Le");
    assert_eq!(run(&mut c, "00 70 00 04"), "9000");
    assert_eq!(run(&mut c, "00 70 00 04"), "6A86", "already open");
    assert_eq!(run(&mut c, "40 A4 00 0C 02 3F00"), "9000", "channel 4");
    assert_eq!(run(&mut c, "01 70 80 00"), "9000", "close own channel");
    assert_eq!(run(&mut c, "01 A4 00 0C 02 3F00"), "6881");
    assert_eq!(run(&mut c, "00 70 80 00"), "6A86", "basic channel stays");
    c.reset();
    assert_eq!(
        run(&mut c, "40 A4 00 0C 02 3F00"),
        "6881",
        "reset closes channels"
    );
    let mut g = CardState::new(CardConfig::generic());
    assert_eq!(run(&mut g, "00 70 00 04"), "6881", "four channels: 0-3");
}

#[test]
fn get_response_stays_on_its_channel() {
    let mut c = CardState::new(CardConfig::generic());
    assert_eq!(run(&mut c, "00 70 00 01"), "9000");
    assert_eq!(run(&mut c, "01 A4 00 04 02 3F00 00"), "6111");
    assert_eq!(
        run(&mut c, "00 C0 00 00 11"),
        "6985",
        "data is on channel 1"
    );
    assert_eq!(run(&mut c, "01 A4 00 04 02 3F00 00"), "6111");
    assert!(run(&mut c, "01 C0 00 00 11").starts_with("620F"));
}

#[test]
fn small_buffer_refuses_long_data() {
    let mut f = crate::vcard::Faults::default();
    f.add("buffer=16").unwrap();
    let mut c = CardState::new(CardConfig::cetak().with_faults(f));
    let long = format!("00 D6 00 00 11 {}", "00".repeat(17));
    assert_eq!(run(&mut c, &long), "6700");
}

#[test]
fn contact_card_refuses_reader_pseudo_apdus() {
    let mut c = CardState::new(CardConfig::generic());
    assert_eq!(run(&mut c, "FF CA 00 00 00"), "6E00");
    let mut cl = CardState::new(CardConfig::cetak());
    assert_eq!(run(&mut cl, "FF CA 00 00 00"), "04C37A125E61809000");
    // PC/SC part 3 GET DATA: a short Le gets the exact length, a long one 6282.
    assert_eq!(run(&mut cl, "FF CA 00 00 04"), "6C07");
    assert_eq!(run(&mut cl, "FF CA 00 00 07"), "04C37A125E61809000");
    assert_eq!(run(&mut cl, "FF CA 00 00 10"), "04C37A125E61806282");
    assert_eq!(run(&mut cl, "FF CA 01 00 00"), "6A86");
    assert_eq!(run(&mut cl, "FF 82 00 00 06 FFFFFFFFFFFF"), "6A81");
}
