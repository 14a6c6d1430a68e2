//! The sample jobs, end to end through the station's own code: validate → render → Evolis
//! panels → emulator, over a pseudo-terminal opened by the real serial transport and over TCP;
//! and the KTP-el printed and encoded with a virtual card behind the real pcscd.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cetak::card::CardDesign;
use cetak::chip_content::chip_content;
use cetak::job::{self, ValidatedJob, ValidationPolicy};
use cetak::layout::Layouts;
use cetak::render::{self, RenderedCard};
use cetak_drivers::chip::{encode, read_card, PcscChannel, PcscConfig, Profile};
use cetak_drivers::emulator::verify::check_side;
use cetak_drivers::emulator::{CardOutcome, Emulator, EmulatorConfig};
use cetak_drivers::printer::layers::Side;
use cetak_drivers::printer::sequence::{print_card, CardFate, CardPlan};
use cetak_drivers::printer::station::EncoderStation;
use cetak_drivers::printer::{self, EvolisOptions, Printer};
use cetak_drivers::vcard::{claim_reader, CardConfig, Faults, VcardStation};

const SAMPLES: [&str; 3] = ["kia-0-5", "kia-5-17", "ktp-el"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn layouts() -> Layouts {
    Layouts::load(&root().join("layouts")).expect("layouts load")
}

fn sample(name: &str) -> ValidatedJob {
    let path = root().join("examples/jobs").join(format!("{name}.json"));
    let (report, job) = job::check_file(&path, &ValidationPolicy::default());
    assert!(report.passed(), "{name}: {}", report.render(job::Lang::En));
    job.expect("validated job")
}

fn rendered(job: &ValidatedJob, layouts: &Layouts) -> RenderedCard {
    let content = job.card_content();
    render::check_fit(&content, layouts).expect("sample fits its layouts");
    render::render_card(&content, layouts).expect("sample renders")
}

fn emulator(station: Option<Box<dyn cetak_drivers::printer::station::StationCard>>) -> Emulator {
    Emulator::new(EmulatorConfig {
        time_scale: 0.0,
        station,
        ..EmulatorConfig::default()
    })
}

fn options(compression: bool) -> EvolisOptions {
    EvolisOptions {
        compression,
        quick_timeout: Duration::from_secs(5),
        mechanical_timeout: Duration::from_secs(30),
        ..EvolisOptions::default()
    }
}

fn print_plain(printer: &mut dyn Printer, card: &RenderedCard) {
    let plan = CardPlan {
        front: Some(&card.front.layers),
        back: Some(&card.back.layers),
        encode_at: None,
    };
    print_card(printer, &plan, &mut |_| Ok(()), &mut |_| {}).expect("card prints");
}

/// The one card the emulator printed equals the rendered layers.
fn check_printed(emu: &Emulator, card: &RenderedCard, what: &str) {
    let cards = emu.cards();
    assert_eq!(cards.len(), 1, "{what}: one card");
    let printed = &cards[0];
    assert_eq!(printed.outcome, CardOutcome::Ejected, "{what}");
    for (side, layers) in [
        (Side::Front, &card.front.layers),
        (Side::Back, &card.back.layers),
    ] {
        let got = printed
            .sides
            .get(&side)
            .unwrap_or_else(|| panic!("{what}: {side:?} not printed"));
        if let Err(e) = check_side(got, layers, 32) {
            panic!("{what} {side:?}: {e}");
        }
    }
}

#[test]
fn every_sample_prints_pixel_exact_over_pty_with_the_serial_transport() {
    let layouts = layouts();
    for name in SAMPLES {
        let card = rendered(&sample(name), &layouts);
        let emu = emulator(None);
        let server = emu.serve_pty().expect("pty emulator");
        let uri = server.uri();
        assert!(uri.starts_with("serial:///dev/pts/"), "{uri}");
        let mut p = printer::open(&uri, &options(true)).expect("open over pty");
        print_plain(p.as_mut(), &card);
        check_printed(&emu, &card, &format!("{name} over pty"));
    }
}

#[test]
fn every_sample_prints_pixel_exact_over_tcp_raw_and_compressed_alike() {
    let layouts = layouts();
    for name in SAMPLES {
        let card = rendered(&sample(name), &layouts);
        let mut decoded = Vec::new();
        let mut wire = Vec::new();
        for compression in [false, true] {
            let emu = emulator(None);
            let server = emu.serve_tcp("127.0.0.1:0").expect("tcp emulator");
            let mut p = printer::open(&server.uri(), &options(compression)).expect("open over tcp");
            print_plain(p.as_mut(), &card);
            check_printed(
                &emu,
                &card,
                &format!("{name} over tcp (compression {compression})"),
            );
            let printed = emu.cards().remove(0);
            assert!(printed
                .sides
                .values()
                .flat_map(|s| &s.downloads)
                .all(|d| d.compressed == compression));
            wire.push(
                printed
                    .sides
                    .values()
                    .flat_map(|s| &s.downloads)
                    .map(|d| d.wire_bytes)
                    .sum::<usize>(),
            );
            let mut panels: Vec<_> = printed
                .sides
                .iter()
                .flat_map(|(side, s)| {
                    s.panels
                        .iter()
                        .map(move |(p, img)| (format!("{side:?}"), *p, img.values.clone()))
                })
                .collect();
            panels.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
            decoded.push(panels);
        }
        assert_eq!(
            decoded[0], decoded[1],
            "{name}: Dbc decodes to exactly the raw Db panels"
        );
        assert!(
            wire[1] < wire[0],
            "{name}: compression must shrink the card ({} vs {})",
            wire[1],
            wire[0]
        );
    }
}

#[test]
fn a_kia_on_preprinted_blangko_sends_no_colour_and_no_background() {
    let layouts = layouts();
    let card = rendered(&sample("kia-0-5"), &layouts);
    let emu = emulator(None);
    let server = emu.serve_tcp("127.0.0.1:0").unwrap();
    let mut p = printer::open(&server.uri(), &options(true)).unwrap();
    print_plain(p.as_mut(), &card);
    let printed = emu.cards().remove(0);
    for side in [Side::Front, Side::Back] {
        let panels: Vec<_> = printed.sides[&side].panels.keys().copied().collect();
        assert!(
            panels.iter().all(|p| !matches!(
                p,
                cetak_drivers::printer::Panel::Yellow
                    | cetak_drivers::printer::Panel::Magenta
                    | cetak_drivers::printer::Panel::Cyan
            )),
            "{side:?}: a KIA 0-5 has no personalised colour: {panels:?}"
        );
    }
}

/// The default profile with the virtual card's PIN in a secrets file of the test's own.
fn profile_with_pin(dir: &Path) -> Profile {
    let secrets = dir.join("chip-secrets.toml");
    std::fs::write(&secrets, "chip_pin = \"12345678\"\n").unwrap();
    let text = std::fs::read_to_string(root().join("profiles/default.toml"))
        .unwrap()
        .replace(
            "pin_env = \"CETAK_CHIP_PIN\"",
            &format!(
                "pin_file = {:?}\npin_key = \"chip_pin\"",
                secrets.display().to_string()
            ),
        );
    Profile::from_toml(&text).expect("default profile with a PIN file")
}

#[test]
fn ktp_el_is_encoded_at_the_station_verified_then_printed_as_rendered() {
    let dir = tempfile::tempdir().unwrap();
    let profile = profile_with_pin(dir.path());
    let reader = claim_reader(Duration::from_secs(120))
        .unwrap_or_else(|e| panic!("PC/SC test bed unavailable: {e}"));
    // The first blangko's chip fails mid-write; the second is good.
    let mut faulty = Faults::default();
    faulty.add("write-error-at=100").unwrap();
    let (station, cards) = VcardStation::with_plan(
        reader.addr(),
        vec![CardConfig::cetak().with_faults(faulty)],
        CardConfig::cetak(),
    );
    let emu = emulator(Some(Box::new(station)));
    let name = format!("print-samples-{}", std::process::id());
    emu.register(&name).unwrap();
    let mut p = printer::open(&format!("emu://{name}"), &options(true)).unwrap();

    let layouts = layouts();
    let job = sample("ktp-el");
    assert_eq!(job.design(), CardDesign::KtpEl);
    let card = rendered(&job, &layouts);
    let content = chip_content(&job);
    let readback = Arc::new(Mutex::new(None));
    let plan = CardPlan {
        front: Some(&card.front.layers),
        back: Some(&card.back.layers),
        encode_at: Some(EncoderStation::Contactless),
    };
    let mut attempt = |_: EncoderStation| -> Result<(), String> {
        let mut cfg = PcscConfig::new(reader.name.clone());
        cfg.card_wait = Duration::from_secs(10);
        cfg.apdu_timeout = Duration::from_secs(5);
        let mut ch = PcscChannel::open(cfg).map_err(|e| e.to_string())?;
        let report = encode(&mut ch, &profile, &content).map_err(|e| e.to_string())?;
        let back = read_card(&mut ch, &profile).map_err(|e| e.to_string())?;
        *readback.lock().unwrap() = Some((report, back));
        Ok(())
    };

    // Blangko 1: the chip fails; the card goes to the reject box before any ribbon is used.
    let failure =
        print_card(p.as_mut(), &plan, &mut attempt, &mut |_| {}).expect_err("faulty chip");
    assert_eq!(failure.fate, CardFate::Rejected, "{failure}");
    assert_eq!(emu.cards_rejected(), 1);
    assert_eq!(
        emu.panels_printed(),
        0,
        "encode before print: no ribbon wasted"
    );

    // Blangko 2: encoded, verified, read back, then printed.
    print_card(p.as_mut(), &plan, &mut attempt, &mut |_| {}).expect("good chip");
    let (report, back) = readback.lock().unwrap().take().expect("read back");
    assert_eq!(
        back.content, content,
        "chip content read back equals what the job says"
    );
    assert_eq!(
        back.content.get(cetak_drivers::chip::PersonalField::Nik),
        Some(job.nik()),
    );
    assert_eq!(back.content.photo.as_deref(), job.photo_bytes());
    assert!(!report.atr.is_empty());
    assert_eq!(cards.all().len(), 2, "one virtual chip per blangko");

    let printed = emu.cards();
    assert_eq!(printed.len(), 2);
    assert_eq!(printed[0].outcome, CardOutcome::Rejected);
    assert_eq!(printed[1].outcome, CardOutcome::Ejected);
    assert_eq!(printed[1].stations, vec![EncoderStation::Contactless]);
    for (side, layers) in [
        (Side::Front, &card.front.layers),
        (Side::Back, &card.back.layers),
    ] {
        check_side(&printed[1].sides[&side], layers, 32)
            .unwrap_or_else(|e| panic!("{side:?}: {e}"));
    }
}

/// Decodes a code of `format` from the whole K plane as a scanner sees it (white paper, black
/// resin).
fn decode_k(k: &cetak_drivers::printer::layers::Bitplane, format: rxing::BarcodeFormat) -> String {
    let luma = k.to_luma();
    let (w, h) = (luma.width(), luma.height());
    rxing::helpers::detect_in_luma(luma.into_raw(), w, h, Some(format))
        .unwrap_or_else(|e| panic!("{format:?} does not decode: {e:?}"))
        .getText()
        .to_string()
}

#[test]
fn every_sample_renders_with_every_field_and_decodable_codes() {
    let layouts = layouts();
    for name in SAMPLES {
        let job = sample(name);
        let content = job.card_content();
        let card = rendered(&job, &layouts);
        let k = card.back.layers.k.as_ref().expect("the back prints in K");
        assert_eq!(
            decode_k(k, rxing::BarcodeFormat::QR_CODE),
            content.qr_payload.clone().unwrap(),
            "{name} QR"
        );
        assert_eq!(
            decode_k(k, rxing::BarcodeFormat::CODE_128),
            content.barcode_payload.clone().unwrap(),
            "{name} Code 128"
        );
        // Every field of the design's layouts is filled from the job.
        for layout in layouts.for_design(content.design).unwrap() {
            let svg = render::filled_svg(&content, layout, &layouts).unwrap();
            for f in &layout.fields {
                let value = content
                    .fields
                    .get(&f.key)
                    .unwrap_or_else(|| panic!("{name}: no value for {}", f.key));
                assert!(!value.is_empty(), "{name}: {} empty", f.key);
                let escaped = value
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;");
                let first_word = escaped.split_whitespace().next().unwrap();
                assert!(
                    svg.contains(first_word),
                    "{name}: {} ({first_word}) not in the filled SVG",
                    f.key
                );
            }
        }
    }
}

#[test]
fn every_sample_is_written_to_a_chip_and_verified_through_pcscd() {
    let dir = tempfile::tempdir().unwrap();
    let profile = profile_with_pin(dir.path());
    let reader = claim_reader(Duration::from_secs(120))
        .unwrap_or_else(|e| panic!("PC/SC test bed unavailable: {e}"));
    for name in SAMPLES {
        let job = sample(name);
        let content = chip_content(&job);
        let card = cetak_drivers::vcard::VirtualCard::new(CardConfig::cetak());
        let inserted = card
            .insert(reader.addr(), Duration::from_secs(5))
            .expect("insert");
        let mut cfg = PcscConfig::new(reader.name.clone());
        cfg.card_wait = Duration::from_secs(10);
        let mut ch = PcscChannel::open(cfg).expect("card in reader");
        let report = encode(&mut ch, &profile, &content).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            report.files.len() >= 2,
            "{name}: personal data + integrity at least"
        );
        let back = read_card(&mut ch, &profile).expect("read back");
        assert_eq!(back.content, content, "{name}: read back equals written");
        assert_eq!(
            back.content.photo.is_some(),
            job.design() != CardDesign::Kia0To5,
            "{name}: photo on the chip"
        );
        drop(ch);
        inserted.remove();
    }
}
