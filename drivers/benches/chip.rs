//! Chip encoding benchmark through the real stack (pcsc crate → pcscd → vpcd → virtual card):
//! APDUs and bytes for a sample KTP-el (photo about 15 KB) with short and with extended APDUs,
//! the time per card, and the APDU count against the minimum for the chunk size used; with
//! `auto`, also through a reader that fails extended APDUs (fallback) and on a card with a
//! 255-byte buffer (the chunk steps down).
//!
//! Run: `cargo bench -p cetak-drivers --bench chip` (needs pcscd + vsmartcard-vpcd).

use std::time::Instant;

use cetak_drivers::chip::content::{ChipContent, ContentSource};
use cetak_drivers::chip::{encode, PcscChannel, PcscConfig};
use cetak_drivers::vcard::{Faults, VirtualCard};

/// The chip tests' support: the reader, the sample KTP-el, profiles with their PIN, the card.
#[path = "../tests/support/pcsc.rs"]
#[allow(dead_code)] // the bench uses a part of it
mod pcsc;

const ROUNDS: usize = 10;

/// The default profile with `transfer.extended` set to `extended`.
fn profile(extended: &str) -> pcsc::TestProfile {
    pcsc::profile_from(cetak_drivers::chip::profile::DEFAULT_PROFILE_TOML, |t| {
        t.replace("extended = \"auto\"", &format!("extended = \"{extended}\""))
    })
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing to run fast.
    let rounds = if std::env::args().any(|a| a == "--bench") {
        ROUNDS
    } else {
        1
    };
    let reader = pcsc::reader();
    let content = pcsc::ktp_el();
    println!(
        "chip encoding, KTP-el sample, {rounds} cards per mode, reader {:?}",
        reader.name
    );
    println!(
        "{:<15} {:>6} {:>7} {:>8} {:>9} {:>9} {:>8} {:>8} {:>10} {:>10}",
        "mode",
        "chunk",
        "APDUs",
        "min",
        "over-min",
        "data-min",
        "sent B",
        "recv B",
        "median ms",
        "max ms"
    );
    println!("(times: encode + verify of one card, after the reader reported it; card arrival listed apart)");
    let mut failed = false;
    for mode in MODES {
        failed |= !run_mode(mode, rounds, &reader, &content);
    }
    if failed {
        std::process::exit(1);
    }
}

/// One row of the table.
struct Mode {
    label: &'static str,
    /// Profile `transfer.extended`.
    extended: &'static str,
    /// Virtual card faults (`Faults::add` options).
    faults: &'static [&'static str],
    /// Held to the 10 % target over the minimum (the fallback rows pay for learning).
    target: bool,
}

const MODES: &[Mode] = &[
    Mode {
        label: "short",
        extended: "never",
        faults: &[],
        target: true,
    },
    Mode {
        label: "extended",
        extended: "always",
        faults: &[],
        target: true,
    },
    Mode {
        label: "auto",
        extended: "auto",
        faults: &[],
        target: true,
    },
    Mode {
        label: "auto/rdr-short",
        extended: "auto",
        faults: &["reader-short"],
        target: false,
    },
    Mode {
        label: "auto/buf-255",
        extended: "auto",
        faults: &["buffer=255"],
        target: false,
    },
];

/// Encodes `rounds` blank cards in `mode`, prints the row; false when over the target.
fn run_mode(
    mode: &Mode,
    rounds: usize,
    reader: &cetak_drivers::vcard::VirtualReader,
    content: &ChipContent,
) -> bool {
    let p = profile(mode.extended);
    let mut faults = Faults::default();
    for f in mode.faults {
        faults.add(f).expect("fault");
    }
    let mut times = Vec::new();
    let mut opens = Vec::new();
    let mut last = None;
    for _ in 0..rounds {
        let card = VirtualCard::new(pcsc::cetak_card().with_faults(faults.clone()));
        let inserted = pcsc::insert(&card, reader);
        let started = Instant::now();
        let mut ch = PcscChannel::open(PcscConfig::new(reader.name.clone())).expect("open");
        let opened = Instant::now();
        let report = encode(&mut ch, &p.profile, content).expect("encode");
        times.push(opened.elapsed());
        opens.push(opened - started);
        drop(ch);
        inserted.remove();
        last = Some(report);
    }
    let Some(report) = last else { return true };
    times.sort();
    opens.sort();
    let chunk = report.chunk_size;
    // Minimum for this chunk size on a blank card: per file one CREATE FILE plus
    // ceil(len / chunk) UPDATE BINARY and as many READ BINARY; once per card the identity
    // reads the profile asks for (UID, serial), VERIFY and CREATE FILE of the DF.
    let data_min: u64 = report
        .files
        .iter()
        .map(|f| 2 * f.length.div_ceil(chunk) as u64)
        .sum();
    let fixed =
        u64::from(p.profile.card.read_uid) + u64::from(p.profile.card.serial_tag.is_some()) + 1 + 1;
    let min = data_min + report.files.len() as u64 + fixed;
    let actual = report.apdus.commands;
    let over = (actual as f64 / min as f64 - 1.0) * 100.0;
    println!(
        "{:<15} {:>6} {:>7} {:>8} {:>8.1}% {:>9} {:>8} {:>8} {:>10.1} {:>10.1}",
        mode.label,
        chunk,
        actual,
        min,
        over,
        data_min,
        report.apdus.bytes_sent,
        report.apdus.bytes_received,
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
    );
    println!(
        "  card arrival (insert → connected) median {:.1} ms; extended at the end {}, fallback {}, restarts {}",
        opens[opens.len() / 2].as_secs_f64() * 1e3,
        report.extended,
        report.extended_fallback,
        report.restarts,
    );
    if mode.extended == "never" {
        let sizes: Vec<String> = report
            .files
            .iter()
            .map(|f| format!("{:04X} {:?} {} B", f.fid, f.source, f.length))
            .collect();
        println!("  files: {}", sizes.join(", "));
    }
    assert!(report
        .files
        .iter()
        .any(|f| f.source == ContentSource::Photo));
    if mode.target && over > 10.0 {
        eprintln!("  APDU count is {over:.1}% over the minimum (target: within 10%)");
        return false;
    }
    true
}
