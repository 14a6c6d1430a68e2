//! Write + verify through the real stack: pcsc crate → libpcsclite → pcscd → vpcd → virtual
//! card; read-back decoding; the generic ISO card; the lifecycle step; an outside client.

use std::time::Duration;

use crate::support::pcsc::*;
use cetak_drivers::chip::{encode, read_card, ContentSource};
use cetak_drivers::vcard::VirtualCard;

const TIMEOUT: Duration = Duration::from_secs(5);

#[test]
fn ktp_el_is_written_verified_and_read_back() {
    let reader = reader();
    let card = VirtualCard::new(cetak_card());
    let _in = insert(&card, &reader);
    let p = default_profile();
    let content = ktp_el();
    let mut ch = open(&reader, TIMEOUT).unwrap();
    let report = encode(&mut ch, &p.profile, &content).unwrap();
    assert!(report.extended, "the cetak card announces extended length");
    assert_eq!(report.uid.as_deref(), Some("04C37A125E6180"));
    assert_eq!(
        report.card_serial.as_deref(),
        Some(hex::encode_upper(b"CTK0000001").as_str())
    );
    assert_eq!(report.files.len(), 4);
    assert_eq!(report.files[1].length, 15_000);
    // What is on the card is what was meant, byte for byte.
    assert_eq!(card.file(&[0x5043, 0x5002]), content.photo.clone());
    assert_eq!(
        card.file(&[0x5043, 0x5001]),
        Some(content.personal_data_bytes().unwrap())
    );

    let back = read_card(&mut ch, &p.profile).unwrap();
    assert_eq!(back.content, content);
    assert_eq!(back.uid, report.uid);
    assert!(back.integrity.is_some());
    let lines = back.to_lines();
    assert!(
        lines.contains(&"nik: 3273015708950003".to_string()),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"photo: 15000 bytes".to_string()),
        "{lines:?}"
    );
}

#[test]
fn kia_without_photo_is_written_with_short_apdus() {
    let reader = reader();
    let card = VirtualCard::new(cetak_card());
    let _in = insert(&card, &reader);
    let p = profile_from(cetak_drivers::chip::profile::DEFAULT_PROFILE_TOML, |t| {
        t.replace("extended = \"auto\"", "extended = \"never\"")
    });
    let content = kia();
    let mut ch = open(&reader, TIMEOUT).unwrap();
    let report = encode(&mut ch, &p.profile, &content).unwrap();
    assert!(!report.extended);
    let written: Vec<ContentSource> = report.files.iter().map(|f| f.source).collect();
    assert_eq!(
        written,
        [ContentSource::PersonalData, ContentSource::Integrity]
    );
    assert_eq!(
        card.file(&[0x5043, 0x5002]),
        None,
        "no photo file on a KIA 0-5"
    );
    let back = read_card(&mut ch, &p.profile).unwrap();
    assert_eq!(back.content, content);
}

#[test]
fn default_profile_works_on_a_generic_iso_card() {
    let reader = reader();
    let card = VirtualCard::new(generic_card());
    let _in = insert(&card, &reader);
    let p = default_profile();
    let content = ktp_el();
    let mut ch = open(&reader, TIMEOUT).unwrap();
    let report = encode(&mut ch, &p.profile, &content).unwrap();
    assert!(
        !report.extended,
        "the generic card does not announce extended length"
    );
    assert_eq!(
        report.uid, None,
        "no UID from a reader that does not offer it"
    );
    assert_eq!(report.card_serial, None);
    let back = read_card(&mut ch, &p.profile).unwrap();
    assert_eq!(back.content, content);
}

#[test]
fn rewriting_an_already_personalised_card_reuses_its_files() {
    let reader = reader();
    let card = VirtualCard::new(cetak_card());
    let _in = insert(&card, &reader);
    let p = default_profile();
    let mut ch = open(&reader, TIMEOUT).unwrap();
    encode(&mut ch, &p.profile, &kia()).unwrap();
    // Same size personal data (same person, other office): files exist, content replaced.
    let mut again = kia();
    again.personal.last_mut().unwrap().1 = "22-11-2026".into();
    encode(&mut ch, &p.profile, &again).unwrap();
    assert_eq!(read_card(&mut ch, &p.profile).unwrap().content, again);
}

#[test]
fn lifecycle_profile_activates_the_files() {
    let reader = reader();
    let card = VirtualCard::new(cetak_card());
    let _in = insert(&card, &reader);
    let p = profile_from(cetak_drivers::chip::profile::DEFAULT_PROFILE_TOML, |t| {
        t.replace("activate = false", "activate = true").replace(
            "content = \"personal_data\"",
            "content = \"personal_data\"\nfcp_extra = \"8A 01 03\"",
        )
    });
    let mut ch = open(&reader, TIMEOUT).unwrap();
    encode(&mut ch, &p.profile, &kia()).unwrap();
    let lcs = card.with_state(|s| {
        let fs = &s.fs;
        (1..)
            .map_while(|i| fs.node(i).map(|n| (n.fid, n.lcs)))
            .find(|(fid, _)| *fid == 0x5001)
            .map(|(_, lcs)| lcs)
    });
    assert_eq!(
        lcs,
        Some(0x05),
        "created in initialisation state, activated at the end"
    );
}

#[test]
fn opensc_tool_sees_an_iso_card() {
    let reader = reader();
    let card = VirtualCard::new(cetak_card());
    let _in = insert(&card, &reader);
    let p = default_profile();
    {
        let mut ch = open(&reader, TIMEOUT).unwrap();
        encode(&mut ch, &p.profile, &kia()).unwrap();
    }
    let out = std::process::Command::new("opensc-tool")
        .args([
            "-r",
            &reader.name,
            "-s",
            "00 A4 00 0C 02 3F 00",
            "-s",
            "00 A4 04 0C 0A A0 00 00 09 99 43 45 54 41 4B",
        ])
        .args(["-s", "00 A4 02 0C 02 50 01", "-s", "00 B0 00 00 04"])
        .output()
        .expect("opensc-tool (Debian package opensc) must be installed");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "opensc-tool failed: {text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Four answers; the last is the start of the personal-data TLV (65 ...) then 90 00.
    assert_eq!(text.matches("SW1=0x90, SW2=0x00").count(), 4, "{text}");
    assert!(text.contains("65 "), "{text}");
}

#[test]
fn reselect_after_create_option_works_on_the_generic_card() {
    let reader = reader();
    let card = VirtualCard::new(generic_card());
    let _in = insert(&card, &reader);
    let p = profile_from(cetak_drivers::chip::profile::DEFAULT_PROFILE_TOML, |t| {
        t.replace(
            "reselect_after_create = false",
            "reselect_after_create = true",
        )
    });
    assert!(p.profile.transfer.reselect_after_create);
    let mut ch = open(&reader, TIMEOUT).unwrap();
    encode(&mut ch, &p.profile, &ktp_el()).unwrap();
    assert_eq!(read_card(&mut ch, &p.profile).unwrap().content, ktp_el());
}

#[test]
fn after_a_reset_the_card_is_reselected_and_read() {
    let reader = reader();
    let card = VirtualCard::new(cetak_card());
    let _in = insert(&card, &reader);
    let p = default_profile();
    let mut ch = open(&reader, TIMEOUT).unwrap();
    encode(&mut ch, &p.profile, &ktp_el()).unwrap();
    let (before, resets) = card.with_state(|s| (s.apdus_seen(), s.resets()));
    // A reset loses selection and security state; the next session selects and verifies again.
    cetak_drivers::chip::CardChannel::reconnect(&mut ch).unwrap();
    let back = read_card(&mut ch, &p.profile).unwrap();
    assert_eq!(back.content, ktp_el());
    assert!(card.with_state(|s| s.apdus_seen()) > before);
    assert!(
        card.with_state(|s| s.resets()) > resets,
        "the card saw the reset"
    );
}
