//! Printing synthetic cards through the emulator over every link: a pseudo-terminal opened by
//! the real serial transport, TCP on loopback, and in-process `emu://`.

use std::sync::{Arc, Mutex};

use crate::support::emulator::*;
use cetak_drivers::emulator::{CardOutcome, Emulator, EmulatorConfig};
use cetak_drivers::printer::layers::{Side, SideLayers};
use cetak_drivers::printer::panel::Panel;
use cetak_drivers::printer::sequence::{print_card, CardPlan, Step};
use cetak_drivers::printer::station::{EncoderStation, StationCard};
use cetak_drivers::printer::{self, EvolisOptions, Printer};

fn print_one(printer: &mut dyn Printer, front: &SideLayers, back: &SideLayers) {
    let plan = CardPlan {
        front: Some(front),
        back: Some(back),
        encode_at: None,
    };
    let mut steps = Vec::new();
    print_card(printer, &plan, &mut |_| Ok(()), &mut |s| steps.push(s)).unwrap();
    assert_eq!(
        steps,
        vec![
            Step::Feed,
            Step::Print(Side::Front),
            Step::Print(Side::Back),
            Step::Eject
        ]
    );
}

fn check_card(emu: &Emulator, front: &SideLayers, back: &SideLayers) {
    let cards = emu.cards();
    assert_eq!(cards.len(), 1);
    let card = &cards[0];
    assert_eq!(card.outcome, CardOutcome::Ejected);
    assert_side_matches(&card.sides[&Side::Front], front, 32);
    assert_side_matches(&card.sides[&Side::Back], back, 32);
    let back_panels: Vec<Panel> = card.sides[&Side::Back]
        .downloads
        .iter()
        .map(|d| d.panel)
        .collect();
    assert_eq!(
        back_panels,
        vec![Panel::Black],
        "white colour layer and no overlay: K only"
    );
    assert!(card.sides[&Side::Front]
        .downloads
        .iter()
        .all(|d| d.compressed));
}

#[test]
fn prints_over_pty_with_the_serial_transport() {
    let emu = fast_emulator();
    let server = emu.serve_pty().unwrap();
    let uri = server.uri();
    assert!(uri.starts_with("serial:///dev/pts/"), "{uri}");
    let mut printer = printer::open(&uri, &test_options()).unwrap();
    assert!(printer.describe().contains("serial /dev/pts/"));
    assert_eq!(printer.info().model, "Primacy Dual Emulator");
    assert!(printer.capabilities().dual_side);
    let (front, back) = (synthetic_front(), synthetic_back());
    print_one(printer.as_mut(), &front, &back);
    check_card(&emu, &front, &back);
    let counters = printer.counters().unwrap();
    assert_eq!(counters.cards_inserted, 1001);
    assert_eq!(counters.panels_printed, emu.panels_printed());
}

#[test]
fn prints_over_tcp() {
    let emu = fast_emulator();
    let server = emu.serve_tcp("127.0.0.1:0").unwrap();
    let mut printer = printer::open(&server.uri(), &test_options()).unwrap();
    let (front, back) = (synthetic_front(), synthetic_back());
    print_one(printer.as_mut(), &front, &back);
    check_card(&emu, &front, &back);
}

#[test]
fn prints_in_process_and_writes_pngs() {
    let dir = tempfile::tempdir().unwrap();
    let emu = Emulator::new(EmulatorConfig {
        time_scale: 0.0,
        out_dir: Some(dir.path().to_path_buf()),
        ..Default::default()
    });
    emu.register("printer-emulator-test-inproc").unwrap();
    let mut printer = printer::open("emu://printer-emulator-test-inproc", &test_options()).unwrap();
    let (front, back) = (synthetic_front(), synthetic_back());
    print_one(printer.as_mut(), &front, &back);
    check_card(&emu, &front, &back);
    assert!(emu.wait_output(std::time::Duration::from_secs(60)));
    for name in [
        "card-001001-front.png",
        "card-001001-front-k.png",
        "card-001001-front-y.png",
        "card-001001-back.png",
        "card-001001-back-k.png",
    ] {
        let img = image::open(dir.path().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((img.width(), img.height()), (1016, 648));
    }
    assert!(!dir.path().join("card-001001-back-y.png").exists());
    // The composite shows resin black where K is set, photo colours in the photo.
    let composite = image::open(dir.path().join("card-001001-front.png"))
        .unwrap()
        .to_rgb8();
    let k = front.k.as_ref().unwrap();
    let (x, y) = (0..1016)
        .flat_map(|x| (0..648).map(move |y| (x, y)))
        .find(|&(x, y)| k.get(x, y))
        .unwrap();
    // Resin black under the varnish sheen: dark on every channel.
    assert!(
        composite.get_pixel(x, y).0.iter().all(|&c| c < 96),
        "{:?}",
        composite.get_pixel(x, y)
    );
}

#[test]
fn raw_and_compressed_downloads_decode_to_the_same_panels() {
    let emu = fast_emulator();
    let server = emu.serve_tcp("127.0.0.1:0").unwrap();
    let front = synthetic_front();
    let mut sizes = Vec::new();
    for compression in [false, true] {
        let opts = EvolisOptions {
            compression,
            ..test_options()
        };
        let mut printer = printer::open(&server.uri(), &opts).unwrap();
        printer.feed().unwrap();
        let report = printer.print_side(Side::Front, &front).unwrap();
        printer.eject().unwrap();
        sizes.push(report.bytes_sent);
    }
    let cards = emu.cards();
    assert_eq!(cards.len(), 2);
    let raw = &cards[0].sides[&Side::Front];
    let packed = &cards[1].sides[&Side::Front];
    assert!(raw.downloads.iter().all(|d| !d.compressed));
    assert!(packed.downloads.iter().all(|d| d.compressed));
    assert_eq!(raw.panels, packed.panels);
    assert!(
        sizes[1] * 4 < sizes[0],
        "compressed {} vs raw {}",
        sizes[1],
        sizes[0]
    );
}

#[derive(Default)]
struct Recorder(Arc<Mutex<Vec<String>>>);

impl StationCard for Recorder {
    fn card_parked(&mut self, station: EncoderStation) {
        self.0.lock().unwrap().push(format!("parked {station:?}"));
    }
    fn card_left(&mut self) {
        self.0.lock().unwrap().push("left".into());
    }
}

#[test]
fn encoder_station_is_told_and_failed_encoding_rejects_the_card() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let emu = Emulator::new(EmulatorConfig {
        time_scale: 0.0,
        station: Some(Box::new(Recorder(log.clone()))),
        ..Default::default()
    });
    let server = emu.serve_tcp("127.0.0.1:0").unwrap();
    let mut printer = printer::open(&server.uri(), &test_options()).unwrap();
    let front = synthetic_front();
    let plan = CardPlan {
        front: Some(&front),
        back: None,
        encode_at: Some(EncoderStation::Contact),
    };
    print_card(
        printer.as_mut(),
        &plan,
        &mut |s| {
            assert_eq!(s, EncoderStation::Contact);
            Ok(())
        },
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(
        *log.lock().unwrap(),
        vec!["parked Contact".to_string(), "left".into()]
    );
    let failure = print_card(
        printer.as_mut(),
        &plan,
        &mut |_| Err("chip did not answer".into()),
        &mut |_| {},
    )
    .unwrap_err();
    assert_eq!(
        failure.fate,
        cetak_drivers::printer::sequence::CardFate::Rejected
    );
    assert!(failure.to_string().contains("chip did not answer"));
    assert_eq!(emu.cards_rejected(), 1);
    assert_eq!(emu.cards()[1].outcome, CardOutcome::Rejected);
    assert_eq!(emu.cards()[1].stations, vec![EncoderStation::Contact]);
    assert_eq!(log.lock().unwrap().len(), 4);
}

#[test]
fn usblp_backend_drives_a_character_device() {
    // The usblp backend is plain read/write with poll(); the emulator's pty slave is a real
    // character device that behaves the same way.
    let emu = fast_emulator();
    let server = emu.serve_pty().unwrap();
    let uri = format!("usblp://{}", server.path().display());
    let mut printer = printer::open(&uri, &test_options()).unwrap();
    assert!(printer.describe().contains("usblp /dev/pts/"));
    let back = synthetic_back();
    printer.feed().unwrap();
    let report = printer.print_side(Side::Front, &back).unwrap();
    assert_eq!(report.panels, vec![Panel::Black]);
    printer.eject().unwrap();
    assert_eq!(emu.cards_ejected(), 1);
}

#[test]
fn single_side_printer_refuses_the_back() {
    let emu = Emulator::new(EmulatorConfig {
        time_scale: 0.0,
        model: "Primacy Emulator".into(),
        dual_side: false,
        ..Default::default()
    });
    let server = emu.serve_tcp("127.0.0.1:0").unwrap();
    let mut printer = printer::open(&server.uri(), &test_options()).unwrap();
    assert!(!printer.capabilities().dual_side);
    printer.feed().unwrap();
    let err = printer
        .print_side(Side::Back, &synthetic_back())
        .unwrap_err();
    assert!(
        matches!(err, printer::PrinterError::NotSupported(_)),
        "{err}"
    );
    printer.reject().unwrap();
}

#[test]
fn serial_with_xonxoff_flow_control_and_raw_downloads() {
    // Software flow control on the line and uncompressed panels: binary payload bytes that look
    // like XON/XOFF, CR or ESC must pass untouched.
    let emu = fast_emulator();
    let server = emu.serve_pty().unwrap();
    let uri = format!(
        "serial://{}?baud=115200&flow=xonxoff",
        server.path().display()
    );
    let opts = EvolisOptions {
        compression: false,
        ..test_options()
    };
    let mut printer = printer::open(&uri, &opts).unwrap();
    let front = synthetic_front();
    printer.feed().unwrap();
    printer.print_side(Side::Front, &front).unwrap();
    printer.eject().unwrap();
    let cards = emu.cards();
    assert_side_matches(&cards[0].sides[&Side::Front], &front, 32);
    assert!(cards[0].sides[&Side::Front]
        .downloads
        .iter()
        .all(|d| !d.compressed));
}

#[test]
fn sensor_and_last_answer_reads() {
    // The guide's reads: sensor voltages (`Rse`), the last answer about cards (`Rlr;p`).
    use cetak_drivers::emulator::machine::sensor_mv;
    use cetak_drivers::printer::evolis::answer::LastAnswer;
    use cetak_drivers::printer::evolis::commands::{
        Insert, LastAnswerKind, ReadLastAnswer, ReadSensor, Sensor, StartSequence,
    };
    use cetak_drivers::transport::tcp::TcpTransport;
    let emu = Emulator::new(EmulatorConfig {
        time_scale: 0.0,
        feeder_cards: 0,
        ..Default::default()
    });
    let server = emu.serve_tcp("127.0.0.1:0").unwrap();
    let addr = server.addr();
    let link = TcpTransport::connect(
        &addr.ip().to_string(),
        addr.port(),
        std::time::Duration::from_secs(2),
    )
    .unwrap();
    let mut p = printer::EvolisPrinter::connect(link, test_options()).unwrap();
    let card = ReadLastAnswer(LastAnswerKind::Card);
    assert_eq!(
        p.send(&ReadSensor(Sensor::Cover)).unwrap().millivolts(),
        sensor_mv::COVER_SHUT
    );
    assert_eq!(
        p.send(&ReadSensor(Sensor::CardPresence))
            .unwrap()
            .millivolts(),
        sensor_mv::NO_CARD
    );
    // `Ss` moves nothing; the insert finds the feeder empty.
    p.send(&StartSequence).unwrap();
    assert_eq!(p.send(&card).unwrap(), LastAnswer::Ok);
    assert!(matches!(
        p.send(&Insert),
        Err(printer::PrinterError::FeederEmpty)
    ));
    assert_eq!(p.send(&card).unwrap(), LastAnswer::NoCard);
    emu.set_feeder(5);
    p.send(&Insert).unwrap();
    assert_eq!(
        p.send(&ReadSensor(Sensor::CardPresence))
            .unwrap()
            .millivolts(),
        sensor_mv::CARD
    );
    assert_eq!(p.send(&card).unwrap(), LastAnswer::ErrCard);
    emu.set_cover_open(true);
    assert_eq!(
        p.send(&ReadSensor(Sensor::Cover)).unwrap().millivolts(),
        sensor_mv::COVER_OPEN
    );
}

#[test]
fn the_driver_reads_plain_text_answers_ended_by_cr_nul_or_nothing() {
    use cetak_drivers::emulator::{AnswerMode, Answers, TextEnding};
    let (front, back) = (synthetic_front(), synthetic_back());
    for ending in [TextEnding::Cr, TextEnding::Nul, TextEnding::Nothing] {
        for mode in [AnswerMode::Guide, AnswerMode::PlainOnly] {
            let emu = Emulator::new(EmulatorConfig {
                time_scale: 0.0,
                answers: Answers { mode, ending },
                ..Default::default()
            });
            let server = emu.serve_tcp("127.0.0.1:0").unwrap();
            let mut printer = printer::open(&server.uri(), &test_options()).unwrap();
            assert_eq!(printer.info().serial, emu.serial(), "{mode:?} {ending:?}");
            print_one(printer.as_mut(), &front, &back);
            check_card(&emu, &front, &back);
            assert_eq!(printer.counters().unwrap().cards_inserted, 1001);
            // A refusal in plain text is still typed: no card can be fed with the cover open.
            emu.set_cover_open(true);
            assert!(
                matches!(printer.feed(), Err(printer::PrinterError::CoverOpen)),
                "{mode:?} {ending:?}"
            );
        }
    }
}

#[test]
fn each_emulator_has_its_own_serial_number_and_keeps_its_counters_over_a_power_cycle() {
    let (a, b) = (fast_emulator(), fast_emulator());
    assert_ne!(a.serial(), b.serial());
    let named = Emulator::new(EmulatorConfig {
        serial: "EVO-TEST-42".into(),
        ..Default::default()
    });
    assert_eq!(named.serial(), "EVO-TEST-42");

    let server = a.serve_tcp("127.0.0.1:0").unwrap();
    let mut p = printer::open(&server.uri(), &test_options()).unwrap();
    let back = synthetic_back();
    p.feed().unwrap();
    p.print_side(Side::Front, &back).unwrap();
    p.eject().unwrap();
    let before = p.counters().unwrap();
    assert_eq!(before.cards_inserted, 1001);
    // Switched off and on: the unsaved ACK/NACK setting is gone, the counters stay. The driver
    // reads the plain answers and asks for ACK/NACK again when it reconnects.
    a.power_cycle();
    assert_eq!(p.counters().unwrap(), before);
    drop(p);
    let mut p = printer::open(&server.uri(), &test_options()).unwrap();
    assert_eq!(p.counters().unwrap(), before);
    assert_eq!(a.cards_inserted(), 1001);
}

#[test]
fn a_full_reject_box_is_learnt_from_the_refused_reject_and_emptied_by_the_operator() {
    use cetak_drivers::printer::sequence::CardFate;
    let emu = Emulator::new(EmulatorConfig {
        time_scale: 0.0,
        reject_capacity: 1,
        ..Default::default()
    });
    let server = emu.serve_tcp("127.0.0.1:0").unwrap();
    let mut p = printer::open(&server.uri(), &test_options()).unwrap();
    let front = synthetic_front();
    let plan = CardPlan {
        front: Some(&front),
        back: None,
        encode_at: Some(EncoderStation::Contact),
    };
    let mut bad_chip = |_: EncoderStation| Err::<(), String>("chip did not answer".into());
    let f = print_card(p.as_mut(), &plan, &mut bad_chip, &mut |_| {}).unwrap_err();
    assert_eq!(f.fate, CardFate::Rejected);
    // The box holds one card: the next reject is refused (NACK T on `Ser`).
    let f = print_card(p.as_mut(), &plan, &mut bad_chip, &mut |_| {}).unwrap_err();
    assert_eq!(f.fate, CardFate::LeftInPrinter);
    assert!(matches!(
        p.reject(),
        Err(printer::PrinterError::RejectBoxFull)
    ));
    emu.empty_reject_box();
    p.reject().unwrap();
    assert_eq!(emu.cards_rejected(), 1);
    assert_eq!(emu.cards().len(), 2);
    print_card(p.as_mut(), &plan, &mut |_| Ok(()), &mut |_| {}).unwrap();
}
