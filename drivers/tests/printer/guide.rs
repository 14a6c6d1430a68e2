//! The driver's stream and the emulator's decoder checked against the programming guide with a
//! decoder written from the guide alone (`support/guide_decoder.rs`), not with our own code:
//! whole cards recorded at the transport, cards one after the other on the same printer (its
//! bitmaps cleared with `Wcb`, only the lines that change sent), long uniform runs (256 to 1016
//! dots) and full-width colour bands in every colour depth.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::emulator::*;
use crate::support::guide_decoder as guide;
use cetak_drivers::emulator::Emulator;
use cetak_drivers::printer::evolis::commands::{Command as _, DownloadCompressed};
use cetak_drivers::printer::evolis::compress::{compress, decompress};
use cetak_drivers::printer::layers::{Bitplane, Side, SideLayers, FRAME_HEIGHT, FRAME_WIDTH};
use cetak_drivers::printer::panel::{side_panels, ColourLevels, Panel, PanelImage, DOTS, LINES};
use cetak_drivers::printer::sequence::{print_card, CardPlan};
use cetak_drivers::printer::station::EncoderStation;
use cetak_drivers::printer::{EvolisOptions, EvolisPrinter};
use cetak_drivers::transport::tcp::TcpTransport;
use cetak_drivers::transport::{LinkKind, Transport, TransportError};
use proptest::prelude::*;

/// A transport that keeps a copy of every byte the host writes.
struct Recording<T> {
    inner: T,
    sent: Arc<Mutex<Vec<u8>>>,
}

impl<T: Transport> Transport for Recording<T> {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        self.sent.lock().unwrap().extend_from_slice(bytes);
        self.inner.write_all(bytes)
    }
    fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, TransportError> {
        self.inner.read(buf, timeout)
    }
    fn drain(&mut self) -> Result<usize, TransportError> {
        self.inner.drain()
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn kind(&self) -> LinkKind {
        self.inner.kind()
    }
}

/// Prints one card on a fresh strict emulator over TCP and returns the bytes the host sent.
fn recorded_card(levels: ColourLevels, plan: &CardPlan<'_>) -> (Emulator, Vec<u8>) {
    recorded_cards(levels, &[*plan])
}

/// Prints cards one after the other over one link to a fresh strict emulator over TCP and
/// returns the bytes the host sent.
fn recorded_cards(levels: ColourLevels, plans: &[CardPlan<'_>]) -> (Emulator, Vec<u8>) {
    let emu = fast_emulator();
    let server = emu.serve_tcp("127.0.0.1:0").unwrap();
    let addr = server.addr();
    let link =
        TcpTransport::connect(&addr.ip().to_string(), addr.port(), Duration::from_secs(2)).unwrap();
    let sent = Arc::new(Mutex::new(Vec::new()));
    let options = EvolisOptions {
        colour_levels: levels,
        ..test_options()
    };
    let mut p = EvolisPrinter::connect(
        Recording {
            inner: link,
            sent: sent.clone(),
        },
        options,
    )
    .unwrap();
    for plan in plans {
        print_card(&mut p, plan, &mut |_| Ok(()), &mut |_| {}).expect("card prints");
    }
    drop(p);
    drop(server);
    let bytes = sent.lock().unwrap().clone();
    (emu, bytes)
}

#[test]
fn a_recorded_card_has_only_guide_commands_and_every_panel_decodes_to_the_layers() {
    let (front, back) = (synthetic_front(), synthetic_back());
    for levels in [ColourLevels::L32, ColourLevels::L64, ColourLevels::L128] {
        let plan = CardPlan {
            front: Some(&front),
            back: Some(&back),
            encode_at: None,
        };
        let (_emu, bytes) = recorded_card(levels, &plan);
        let cmds = guide::parse_stream(&bytes).unwrap();
        let cards = guide::cards(&cmds).unwrap_or_else(|e| panic!("{levels:?}: {e}"));
        assert_eq!(cards.len(), 1);
        let card = &cards[0];
        assert_eq!(card.inserts, vec!["Si".to_string()], "{levels:?}");
        assert_eq!(card.end.as_deref(), Some("Se"));
        guide::compare_side(&card.front, &front, levels.levels())
            .unwrap_or_else(|e| panic!("{levels:?} front: {e}"));
        guide::compare_side(&card.back, &back, levels.levels())
            .unwrap_or_else(|e| panic!("{levels:?} back: {e}"));
        // The card is opened with `Ss` before it is inserted.
        let names: Vec<&str> = cmds.iter().map(|c| c.name.as_str()).collect();
        let ss = names.iter().position(|n| *n == "Ss").unwrap();
        let si = names.iter().position(|n| *n == "Si").unwrap();
        assert!(ss < si, "{names:?}");
    }
}

/// A card with little on it: a small colour patch, a K block and a varnish patch around lines
/// 450–620 on the front, a K mark on lines 700–720 on the back.
fn small_card() -> (SideLayers, SideLayers) {
    let colour = image::RgbImage::from_fn(FRAME_WIDTH, FRAME_HEIGHT, |x, y| {
        if (500..560).contains(&x) && (300..360).contains(&y) {
            image::Rgb([20, 140, 220])
        } else {
            image::Rgb([255, 255, 255])
        }
    });
    let front = SideLayers {
        colour: Some(colour),
        k: Some(Bitplane::from_fn(FRAME_WIDTH, FRAME_HEIGHT, |x, y| {
            (480..600).contains(&x) && (400..420).contains(&y)
        })),
        overlay: Some(Bitplane::from_fn(FRAME_WIDTH, FRAME_HEIGHT, |x, _| {
            (450..620).contains(&x)
        })),
    };
    let back = SideLayers {
        colour: None,
        k: Some(Bitplane::from_fn(FRAME_WIDTH, FRAME_HEIGHT, |x, y| {
            (700..720).contains(&x) && (100..300).contains(&y)
        })),
        overlay: None,
    };
    (front, back)
}

/// The `Dbc` downloads of a parsed stream: (panel, first line, lines written).
fn dbc_lines(cmds: &[guide::Command]) -> Vec<(String, usize, usize)> {
    cmds.iter()
        .filter(|c| c.name == "Dbc")
        .map(|c| {
            let d = guide::decode(c).unwrap();
            (c.params[0].clone(), d.lines.start, d.lines.len())
        })
        .collect()
}

#[test]
fn a_card_after_a_full_one_shows_nothing_of_it() {
    // Card A covers most of both sides; card B has little on it, on the same printer. The
    // printer keeps its bitmaps: B is only right if they were cleared (`Wcb`) and B's back
    // covers what B's front left in the K bitmap.
    let (front_a, back_a) = (synthetic_front(), synthetic_back());
    let (front_b, back_b) = small_card();
    let plan_a = CardPlan {
        front: Some(&front_a),
        back: Some(&back_a),
        encode_at: None,
    };
    let plan_b = CardPlan {
        front: Some(&front_b),
        back: Some(&back_b),
        encode_at: None,
    };
    let (emu, bytes) = recorded_cards(ColourLevels::L32, &[plan_a, plan_b, plan_a, plan_b]);

    // What the emulator printed: each card equals its own layers, dot for dot.
    let printed = emu.cards();
    assert_eq!(printed.len(), 4);
    for (i, card) in printed.iter().enumerate() {
        let (front, back) = if i % 2 == 0 {
            (&front_a, &back_a)
        } else {
            (&front_b, &back_b)
        };
        for (side, layers) in [(Side::Front, front), (Side::Back, back)] {
            let got = &card.sides[&side];
            assert_side_matches(got, layers, 32);
            let want = guide::expected_panels(layers, 32);
            for (panel, img) in &got.panels {
                let diff = img
                    .values
                    .iter()
                    .zip(&want[&panel.letter()])
                    .filter(|(a, b)| a != b)
                    .count();
                assert_eq!(diff, 0, "card {i} {side:?} {panel:?}: dots of another card");
            }
        }
    }

    // The same from the recorded stream, read with the guide alone.
    let cmds = guide::parse_stream(&bytes).unwrap();
    let cards = guide::cards(&cmds).unwrap();
    assert_eq!(cards.len(), 4);
    for (i, card) in cards.iter().enumerate() {
        let (front, back) = if i % 2 == 0 {
            (&front_a, &back_a)
        } else {
            (&front_b, &back_b)
        };
        guide::compare_side(&card.front, front, 32)
            .unwrap_or_else(|e| panic!("card {i} front: {e}"));
        guide::compare_side(&card.back, back, 32).unwrap_or_else(|e| panic!("card {i} back: {e}"));
        // Just connected, nothing is known of the bitmaps: the first card sends every line;
        // each later card opens with `Wcb;a`, before its `Ss`.
        let want_clears: Vec<String> = if i == 0 { vec![] } else { vec!["Wcb;a".into()] };
        assert_eq!(card.clears, want_clears, "card {i}");
    }
    // Card B sends only the lines that change: its front from its first inked line, its back
    // K from the front's K (still in the bitmap) to its own last K line.
    let downloads = dbc_lines(&cmds);
    assert_eq!(downloads.len(), 24, "{downloads:?}");
    // Card A, first on the link: every line of its front panels; its back K from the back's
    // first K line (50) to the front's last (979), which the front's download left there.
    assert!(downloads[..5].iter().all(|d| d.1 == 0 && d.2 == LINES));
    assert_eq!(downloads[5], ("k".to_string(), 50, 930));
    for card in [1, 3] {
        let b: Vec<(&str, usize, usize)> = downloads[card * 6..card * 6 + 6]
            .iter()
            .map(|(p, f, n)| (p.as_str(), *f, *n))
            .collect();
        assert_eq!(
            b,
            vec![
                ("y", 500, 60),
                ("m", 500, 60),
                ("c", 500, 60),
                ("k", 480, 120),
                ("o", 450, 170),
                ("k", 480, 240),
            ],
            "card {card}"
        );
    }
}

#[test]
fn the_emulator_keeps_its_bitmaps_until_wcb_and_refuses_it_inside_a_sequence() {
    use std::io::{Read, Write};
    let emu = fast_emulator();
    let server = emu.serve_tcp("127.0.0.1:0").unwrap();
    let mut s = std::net::TcpStream::connect(server.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut ask = |cmd: &[u8], len: usize| {
        s.write_all(cmd).unwrap();
        let mut got = vec![0u8; len];
        s.read_exact(&mut got).unwrap();
        got
    };
    let k_line = |card: usize, line: usize| -> Vec<u8> {
        let c = &emu.cards()[card];
        let k = &c.sides[&Side::Front].panels[&Panel::Black];
        k.values[line * DOTS..(line + 1) * DOTS].to_vec()
    };
    assert_eq!(ask(b"\x1bPem;4\r", 1), b"\x06");
    // Card 1: line 0 black. Card 2: only line 5 sent (white): line 0 is still black.
    for cmd in [&b"\x1bDbc;k;2;0;1;\xff\r"[..], b"\x1bDbc;k;2;5;1;\x00\r"] {
        assert_eq!(ask(b"\x1bSs\r", 1), b"\x06");
        assert_eq!(ask(b"\x1bSi\r", 1), b"\x06");
        assert_eq!(ask(cmd, 1), b"\x06");
        assert_eq!(ask(b"\x1bSe\r", 1), b"\x06");
    }
    assert_eq!(
        k_line(1, 0),
        vec![1; DOTS],
        "stale line kept, like the printer"
    );
    // Not between Ss and Se (command error); nothing cleared.
    assert_eq!(ask(b"\x1bSs\r", 1), b"\x06");
    assert_eq!(ask(b"\x1bWcb;a\r", 2), b"\x15\x31");
    assert_eq!(ask(b"\x1bSi\r", 1), b"\x06");
    assert_eq!(ask(b"\x1bDbc;k;2;5;1;\x00\r", 1), b"\x06");
    assert_eq!(ask(b"\x1bSe\r", 1), b"\x06");
    assert_eq!(k_line(2, 0), vec![1; DOTS]);
    // Outside: cleared. Bad parameters are parameter errors.
    for bad in [&b"\x1bWcb\r"[..], b"\x1bWcb;x\r", b"\x1bWcb;k;256\r"] {
        assert_eq!(ask(bad, 2), b"\x15\x32");
    }
    assert_eq!(ask(b"\x1bWcb;k\r", 1), b"\x06");
    // `Wcb;o;255`: every varnish dot set (the guide's full varnish panel).
    assert_eq!(ask(b"\x1bWcb;o;255\r", 1), b"\x06");
    assert_eq!(ask(b"\x1bSs\r", 1), b"\x06");
    assert_eq!(ask(b"\x1bSi\r", 1), b"\x06");
    assert_eq!(ask(b"\x1bDbc;k;2;5;1;\x00\r", 1), b"\x06");
    assert_eq!(ask(b"\x1bDbc;o;2;1015;1;\x00\r", 1), b"\x06");
    assert_eq!(ask(b"\x1bSe\r", 1), b"\x06");
    assert!(k_line(3, 0).iter().all(|&v| v == 0));
    let o = &emu.cards()[3].sides[&Side::Front].panels[&Panel::Overlay];
    assert!(o.values[..1015 * DOTS].iter().all(|&v| v == 1));
    assert!(o.values[1015 * DOTS..].iter().all(|&v| v == 0));
}

#[test]
fn a_chip_card_is_inserted_straight_to_its_station() {
    let front = synthetic_front();
    for (station, insert) in [
        (EncoderStation::Contact, "Sis"),
        (EncoderStation::Contactless, "Sic"),
    ] {
        let plan = CardPlan {
            front: Some(&front),
            back: None,
            encode_at: Some(station),
        };
        let (emu, bytes) = recorded_card(ColourLevels::L32, &plan);
        let cards = guide::cards(&guide::parse_stream(&bytes).unwrap()).unwrap();
        assert_eq!(cards[0].inserts, vec![insert.to_string()]);
        guide::compare_side(&cards[0].front, &front, 32).unwrap();
        assert_eq!(emu.cards()[0].stations, vec![station]);
        assert_eq!(
            emu.cards_inserted(),
            1001,
            "one card for the whole sequence"
        );
    }
}

/// A panel holding `runs` (start in raster order, length, value) over a background.
fn panel_with_runs(
    panel: Panel,
    levels: u16,
    runs: &[(usize, usize, u8)],
    noise: u64,
) -> PanelImage {
    let mut img = PanelImage::blank(panel, levels);
    let mut x = noise | 1;
    for v in img.values.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        if noise != 0 && x % 5 == 0 {
            *v = (x >> 40) as u8 % levels as u8;
        }
    }
    for &(start, len, value) in runs {
        let end = (start + len).min(LINES * DOTS);
        img.values[start..end].fill(value % levels as u8);
    }
    img
}

fn guide_decode(img: &PanelImage, data: Vec<u8>) -> guide::Decoded {
    let cmd = guide::Command {
        name: "Dbc".into(),
        params: vec![
            img.panel.letter().to_string(),
            img.levels.to_string(),
            "0".into(),
            data.len().to_string(),
        ],
        data: Some(data),
    };
    guide::decode(&cmd).unwrap_or_else(|e| panic!("guide decoder refuses the driver's data: {e}"))
}

const LONG_RUNS: [usize; 9] = [256, 511, 512, 513, 647, 648, 767, 768, 1016];

#[test]
fn long_uniform_runs_decode_by_the_guide_in_every_depth() {
    for levels in [32u16, 64, 128] {
        for (i, &len) in LONG_RUNS.iter().enumerate() {
            for start in [0, DOTS * 7, DOTS * 7 + 100, DOTS * 9 - 3] {
                let img = panel_with_runs(Panel::Yellow, levels, &[(start, len, 5 + i as u8)], 0);
                let d = guide_decode(&img, compress(&img));
                assert_eq!(d.lines, 0..LINES);
                assert!(
                    d.values == img.values,
                    "{levels} levels, run {len} at {start}"
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn runs_and_noise_decode_by_the_guide(
        levels_i in 0usize..3,
        runs in proptest::collection::vec((0usize..LINES * DOTS, 0usize..LONG_RUNS.len(), any::<u8>()), 1..6),
        noise in any::<u64>(),
        extra in 0usize..2000,
    ) {
        let levels = [32u16, 64, 128][levels_i];
        let mut spec: Vec<(usize, usize, u8)> =
            runs.iter().map(|&(s, l, v)| (s, LONG_RUNS[l], v)).collect();
        spec.push((extra * 300, extra, 1));
        let img = panel_with_runs(Panel::Cyan, levels, &spec, noise);
        let data = compress(&img);
        let d = guide_decode(&img, data.clone());
        prop_assert!(d.values == img.values);
        // The emulator's decoder reads the same data the same way.
        let emu = decompress(Panel::Cyan, levels, 0, &data).unwrap();
        prop_assert!(emu.values == img.values);
    }

    #[test]
    fn the_emulator_decoder_accepts_exactly_what_the_guide_decoder_accepts(
        levels_i in 0usize..4,
        body in proptest::collection::vec(any::<u8>(), 0..3000),
        white_lines in 0usize..4,
    ) {
        let levels = [2u16, 32, 64, 128][levels_i];
        let panel = if levels == 2 { Panel::Overlay } else { Panel::Magenta };
        // Start with some well-formed white lines so the body's bytes are read as codes.
        let mut data = if levels == 2 { vec![0u8; white_lines] } else { [0x80, 0].repeat(white_lines) };
        data.extend_from_slice(&body);
        let img = PanelImage::blank(panel, levels);
        let cmd = guide::Command {
            name: "Dbc".into(),
            params: vec![panel.letter().to_string(), levels.to_string(), "0".into(), data.len().to_string()],
            data: Some(data.clone()),
        };
        let ours = decompress(panel, levels, 0, &data);
        match guide::decode(&cmd) {
            Ok(d) => {
                let ours = ours.expect("the emulator refuses what the guide allows");
                prop_assert!(ours.values == d.values);
            }
            Err(_) => prop_assert!(ours.is_err(), "the emulator accepts what the guide does not describe"),
        }
        let _ = img;
    }
}

/// A side with full-width horizontal colour bands (each 1016 dots long across the card).
fn banded_side(bands: &[(u32, [u8; 3])]) -> SideLayers {
    let colour = image::RgbImage::from_fn(FRAME_WIDTH, FRAME_HEIGHT, |_, y| {
        let mut top = 0;
        for &(height, rgb) in bands {
            if y < top + height {
                return image::Rgb(rgb);
            }
            top += height;
        }
        image::Rgb([255, 255, 255])
    });
    SideLayers {
        colour: Some(colour),
        k: None,
        overlay: None,
    }
}

fn check_bands(bands: &[(u32, [u8; 3])]) {
    let side = banded_side(bands);
    for levels in [ColourLevels::L32, ColourLevels::L64, ColourLevels::L128] {
        let want = guide::expected_panels(&side, levels.levels());
        let panels = side_panels(&side, levels).unwrap();
        assert_eq!(panels.len(), want.len(), "{levels:?}: {bands:?}");
        for img in &panels {
            let data = compress(img);
            let wire = DownloadCompressed {
                panel: img.panel,
                levels: img.levels,
                first_line: 0,
                data: &data,
            }
            .to_bytes();
            let cmds = guide::parse_stream(&wire).unwrap();
            let d = guide::decode(&cmds[0]).unwrap();
            assert_eq!(d.lines, 0..LINES);
            let expect = &want[&img.panel.letter()];
            let diff = d.values.iter().zip(expect).filter(|(a, b)| a != b).count();
            assert_eq!(diff, 0, "{levels:?} {:?}: {bands:?}", img.panel);
        }
    }
}

#[test]
fn full_width_colour_bands_in_every_depth() {
    // The full card in one colour, a full-height band (whole lines), bands of every primary.
    check_bands(&[(648, [200, 30, 40])]);
    check_bands(&[(648, [0, 0, 0])]);
    check_bands(&[
        (40, [255, 0, 0]),
        (1, [0, 255, 0]),
        (256, [0, 0, 255]),
        (255, [10, 120, 250]),
        (96, [128, 128, 128]),
    ]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10))]

    #[test]
    fn random_full_width_bands(bands in proptest::collection::vec((1u32..300, any::<[u8; 3]>()), 1..6)) {
        check_bands(&bands);
    }
}

#[test]
fn the_emulator_is_strict_to_the_guide_by_default() {
    use std::io::{Read, Write};
    let emu = fast_emulator();
    let server = emu.serve_tcp("127.0.0.1:0").unwrap();
    let mut s = std::net::TcpStream::connect(server.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut ask = |cmd: &[u8], len: usize| {
        s.write_all(cmd).unwrap();
        let mut got = vec![0u8; len];
        s.read_exact(&mut got).unwrap();
        got
    };
    // ACK/NACK on; an undocumented status read is a command error.
    assert_eq!(ask(b"\x1bPem;4\r", 1), b"\x06");
    assert_eq!(ask(b"\x1bRst\r", 2), b"\x15\x31");
    // `Ss` opens a sequence and moves nothing; `Si` takes the card.
    assert_eq!(ask(b"\x1bSs\r", 1), b"\x06");
    assert_eq!(emu.cards_inserted(), 1000);
    assert_eq!(ask(b"\x1bSi\r", 1), b"\x06");
    assert_eq!(emu.cards_inserted(), 1001);
    // A run counter of 0 after dots is not in the guide: parameter error.
    assert_eq!(ask(b"\x1bDbc;y;32;0;3;\x01\x80\x00\r", 2), b"\x15\x32");
    assert_eq!(ask(b"\x1bSe\r", 1), b"\x06");
}
