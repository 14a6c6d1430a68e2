//! Fuzzes everything that reads bytes coming from a printer (or, for the emulator, from a host):
//! answer frames, every typed text answer, the whole driver reading answers from a hostile
//! device, the emulator's command parser and the `Dbc` decoder. None may panic or hang.
//!
//! Run: `cd fuzz && cargo +nightly fuzz run printer_answer -- -max_total_time=60`
#![no_main]

use std::time::Duration;

use cetak_drivers::emulator::parser::Parser;
use cetak_drivers::printer::evolis::answer::{
    Count, LastAnswer, RawAnswer, RibbonMark, RibbonType, SensorReading, Text, TextAnswer,
};
use cetak_drivers::printer::evolis::compress::decompress;
use cetak_drivers::printer::layers::{Bitplane, Side, SideLayers};
use cetak_drivers::printer::panel::Panel;
use cetak_drivers::printer::{EvolisOptions, EvolisPrinter, Printer};
use cetak_drivers::transport::fault::{Canned, FaultConfig, FaultInjector};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Frames, one after another, with and without a silence at the end.
    for silent in [false, true] {
        let mut rest = data;
        while let Ok(Some((_, used))) = RawAnswer::parse(rest, silent) {
            assert!(used > 0);
            rest = &rest[used..];
        }
    }
    // Typed answers must round-trip when they parse.
    if let Ok(s) = SensorReading::from_bytes(data) {
        assert_eq!(SensorReading::from_bytes(&s.to_bytes()), Ok(s));
    }
    if let Ok(a) = LastAnswer::from_bytes(data) {
        assert_eq!(LastAnswer::from_bytes(&a.to_bytes()), Ok(a));
    }
    let _ = Count::from_bytes(data);
    let _ = Text::from_bytes(data);
    let _ = RibbonType::from_bytes(data);
    let _ = RibbonMark::from_bytes(data);

    // The driver against a hostile device.
    let options = EvolisOptions {
        quick_timeout: Duration::from_millis(1),
        mechanical_timeout: Duration::from_millis(1),
        ..EvolisOptions::default()
    };
    // A device that answers with the fuzz input, whatever is asked, in input-seeded small
    // pieces (frame reassembly), then goes silent.
    let seed = data.iter().fold(0u64, |h, b| h.rotate_left(5) ^ u64::from(*b));
    let hostile = FaultInjector::new(
        Canned::new("fuzz", data),
        FaultConfig { seed, max_read: Some(7), ..FaultConfig::default() },
    );
    if let Ok(mut p) = EvolisPrinter::connect(hostile, options) {
        let _ = p.status();
        let _ = p.counters();
        if p.feed().is_ok() {
            let k = Bitplane::from_fn(1016, 648, |x, y| (x + y) % 97 == 0);
            let _ = p.print_side(Side::Front, &SideLayers { colour: None, k: Some(k), overlay: None });
            let _ = p.eject();
        }
    }

    // The emulator side: command stream and compressed panels.
    let mut parser = Parser::default();
    let mut out = Vec::new();
    parser.feed(data, &mut out);
    if let Some((&head, body)) = data.split_first() {
        let panel = Panel::ALL[head as usize % 5];
        let levels = [2u16, 32, 64, 128][(head as usize / 5) % 4];
        let _ = decompress(panel, levels, (head as usize) * 4, body);
    }
});
