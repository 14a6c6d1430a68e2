//! `cetak encode` and `cetak chip read` as an operator runs them, against a virtual card
//! behind the real pcscd + vpcd: reading needs no PIN when the files are readable always, and
//! a reader that carries short APDUs only still gets the card written.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

use crate::support::daemon::text;
use cetak_drivers::vcard::{claim_reader, CardConfig, Faults, VirtualCard, VirtualReader};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary with `pin` as `CETAK_CHIP_PIN`, or with the variable removed.
fn cetak(args: &[&str], pin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cetak"));
    cmd.args(args)
        .current_dir(root())
        .env("CETAK_LAYOUTS", root().join("layouts"))
        .env_remove("CETAK_LANG")
        .env_remove("CETAK_CHIP_PIN");
    if let Some(pin) = pin {
        cmd.env("CETAK_CHIP_PIN", pin);
    }
    cmd.output().expect("run cetak")
}

fn reader() -> VirtualReader {
    claim_reader(Duration::from_secs(120))
        .unwrap_or_else(|e| panic!("PC/SC test bed unavailable: {e}"))
}

fn encode(reader: &VirtualReader) -> Output {
    cetak(
        &[
            "encode",
            "examples/jobs/ktp-el.json",
            "--reader",
            &reader.name,
            // pcscd may take longer than the default 10 s to see a card on a loaded machine.
            "--wait",
            "60",
        ],
        Some("12345678"),
    )
}

#[test]
fn chip_read_needs_no_pin_for_files_readable_always() {
    let reader = reader();
    let card = VirtualCard::new(CardConfig::cetak());
    let _in = card
        .insert(reader.addr(), Duration::from_secs(5))
        .expect("insert card");
    let o = encode(&reader);
    assert!(o.status.success(), "{}: {}", o.status, text(&o));

    let o = cetak(
        &["chip", "read", "--reader", &reader.name, "--wait", "60"],
        None,
    );
    assert!(o.status.success(), "no CETAK_CHIP_PIN: {}", text(&o));
    let out = text(&o);
    assert!(out.contains("3204124206900005"), "NIK read back: {out}");
    assert!(out.contains("integrity: ok"), "{out}");

    // A wrong PIN in the environment is never sent: the card's counter stays at 3.
    let o = cetak(
        &["chip", "read", "--reader", &reader.name, "--wait", "60"],
        Some("00000000"),
    );
    assert!(o.status.success(), "{}: {}", o.status, text(&o));
    assert_eq!(card.with_state(|s| s.pin_tries_left(0x01)), Some(3));
}

#[test]
fn encode_through_a_reader_without_extended_length() {
    let reader = reader();
    let mut faults = Faults::default();
    faults.add("reader-short").unwrap();
    let card = VirtualCard::new(CardConfig::cetak().with_faults(faults));
    let _in = card
        .insert(reader.addr(), Duration::from_secs(5))
        .expect("insert card");
    let o = encode(&reader);
    assert!(o.status.success(), "{}: {}", o.status, text(&o));
    let out = text(&o);
    assert!(out.contains("\"extended\": false"), "{out}");
    assert!(out.contains("\"extended_fallback\": true"), "{out}");
    let o = cetak(
        &["chip", "read", "--reader", &reader.name, "--wait", "60"],
        None,
    );
    assert!(o.status.success(), "{}: {}", o.status, text(&o));
    assert!(text(&o).contains("3204124206900005"), "{}", text(&o));
}
