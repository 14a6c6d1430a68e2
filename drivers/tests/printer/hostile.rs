//! Property tests with arbitrary bytes (the fuzz target `printer_answer` in `fuzz/` does the
//! same with coverage guidance): answer parsers, the driver talking to a hostile device, the
//! emulator's command parser and the `Dbc` decoder never panic, never hang, and never take
//! garbage for success.

use std::time::Duration;

use cetak_drivers::emulator::parser::{Parsed, Parser};
use cetak_drivers::printer::evolis::answer::{
    Count, LastAnswer, RawAnswer, RibbonMark, SensorReading, TextAnswer,
};
use cetak_drivers::printer::evolis::compress::{compress, decompress};
use cetak_drivers::printer::evolis::request::Request;
use cetak_drivers::printer::layers::{Bitplane, Side, SideLayers};
use cetak_drivers::printer::panel::{raw_size, Panel, PanelImage};
use cetak_drivers::printer::{EvolisOptions, EvolisPrinter, Printer};
use cetak_drivers::transport::fault::{Canned, FaultConfig, FaultInjector};
use proptest::prelude::*;

/// A device answering with `input` whatever is asked, in small pieces, then silence.
fn hostile(input: &[u8], seed: u64) -> FaultInjector<Canned> {
    let config = FaultConfig {
        seed,
        max_read: Some(5),
        ..FaultConfig::default()
    };
    FaultInjector::new(Canned::new("hostile", input), config)
}

fn options() -> EvolisOptions {
    EvolisOptions {
        quick_timeout: Duration::from_millis(1),
        mechanical_timeout: Duration::from_millis(1),
        ..EvolisOptions::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn answer_parsers_never_panic(data in proptest::collection::vec(any::<u8>(), 0..200)) {
        for silent in [false, true] {
            let mut rest = &data[..];
            while let Ok(Some((_, used))) = RawAnswer::parse(rest, silent) {
                prop_assert!(used > 0);
                rest = &rest[used..];
            }
        }
        if let Ok(s) = SensorReading::from_bytes(&data) {
            prop_assert_eq!(SensorReading::from_bytes(&s.to_bytes()), Ok(s));
        }
        if let Ok(a) = LastAnswer::from_bytes(&data) {
            prop_assert_eq!(LastAnswer::from_bytes(&a.to_bytes()), Ok(a));
        }
        if let Ok(m) = RibbonMark::from_bytes(&data) {
            prop_assert_eq!(RibbonMark::from_bytes(&m.to_bytes()), Ok(m));
        }
        if let Ok(c) = Count::from_bytes(&data) {
            prop_assert_eq!(Count::from_bytes(&c.to_bytes()), Ok(c));
        }
    }

    #[test]
    fn driver_survives_a_hostile_device(data in proptest::collection::vec(any::<u8>(), 0..300), seed in any::<u64>()) {
        // Mostly garbage, sometimes a plausible ACK prefix so later commands are reached.
        let mut input = vec![0x06];
        input.extend_from_slice(&data);
        if let Ok(mut p) = EvolisPrinter::connect(hostile(&input, seed), options()) {
            let _ = p.status();
            let _ = p.counters();
            if p.feed().is_ok() {
                let k = Bitplane::from_fn(1016, 648, |x, y| (x + y) % 97 == 0);
                let _ = p.print_side(Side::Front, &SideLayers { colour: None, k: Some(k), overlay: None });
                let _ = p.eject();
            }
        }
    }

    #[test]
    fn emulator_parser_and_decoder_never_panic(data in proptest::collection::vec(any::<u8>(), 0..400), split in 0usize..400) {
        let mut parser = Parser::default();
        let mut out = Vec::new();
        let split = split.min(data.len());
        parser.feed(&data[..split], &mut out);
        parser.feed(&data[split..], &mut out);
        for p in &out {
            // A raw download is only ever produced with exactly one panel of payload.
            if let Parsed::Request(Request::Download { levels, data, .. }) = p {
                prop_assert_eq!(Some(data.len()), raw_size(*levels));
            }
        }
        if let Some((&head, body)) = data.split_first() {
            let panel = Panel::ALL[head as usize % 5];
            let levels = [2u16, 32, 64, 128][(head as usize / 5) % 4];
            if let Ok(img) = decompress(panel, levels, head as usize * 4, body) {
                // Whatever decodes re-encodes to something that decodes the same.
                let again = compress(&img);
                prop_assert_eq!(decompress(panel, levels, 0, &again).ok(), Some(img));
            }
        }
    }
}

proptest! {
    // Whole panels are big: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn compression_round_trips_random_panels(seed in any::<u64>(), levels_i in 0usize..4, density in 0u8..4) {
        let levels = [2u16, 32, 64, 128][levels_i];
        let panel = if levels == 2 { Panel::Black } else { Panel::Magenta };
        let mut img = PanelImage::blank(panel, levels);
        let mut x = seed | 1;
        for v in img.values.iter_mut() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            if (x >> 60) as u8 % 4 < density {
                *v = (x % u64::from(levels)) as u8;
            }
        }
        let data = compress(&img);
        prop_assert_eq!(decompress(panel, levels, 0, &data).ok(), Some(img));
    }
}
