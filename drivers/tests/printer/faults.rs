//! Every injected emulator fault reaches the caller as its typed error or status; the card is
//! rejected or the operation stops with a clear error; nothing hangs (short timeouts).

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use crate::support::emulator::*;
use cetak_drivers::emulator::registry::NoSuchEmulator;
use cetak_drivers::emulator::{CardOutcome, Emulator, EmulatorConfig, Faults};
use cetak_drivers::messages::{render, Lang};
use cetak_drivers::printer::layers::Side;
use cetak_drivers::printer::sequence::{print_card, CardError, CardFailure, CardFate, CardPlan};
use cetak_drivers::printer::{self, CardAction, Printer, PrinterError, StatusFlag};
use cetak_drivers::transport::TransportError;

fn emulator(faults: Faults) -> Emulator {
    Emulator::new(EmulatorConfig {
        time_scale: 0.0,
        faults,
        ..Default::default()
    })
}

fn run_card(printer: &mut dyn Printer) -> Result<(), CardFailure> {
    let (front, back) = (synthetic_front(), synthetic_back());
    let plan = CardPlan {
        front: Some(&front),
        back: Some(&back),
        encode_at: None,
    };
    print_card(printer, &plan, &mut |_| Ok(()), &mut |_| {}).map(|_| ())
}

fn printer_error(f: &CardFailure) -> &PrinterError {
    match &f.error {
        CardError::Printer(e) => e,
        other => panic!("expected a printer error, got {other}"),
    }
}

#[test]
fn cover_open_stops_before_feeding() {
    let emu = emulator(Faults {
        cover_open: true,
        ..Default::default()
    });
    let server = emu.serve_pty().unwrap();
    let mut p = printer::open(&server.uri(), &test_options()).unwrap();
    let status = p.status().unwrap();
    assert!(status.has(StatusFlag::CoverOpen));
    let f = run_card(p.as_mut()).unwrap_err();
    assert!(matches!(printer_error(&f), PrinterError::CoverOpen));
    assert_eq!(f.fate, CardFate::NotFed);
    assert_eq!(emu.cards_inserted(), 1000, "no card fed");
    assert!(render(Lang::Id, printer_error(&f)).contains("Tutup printer terbuka"));
    emu.set_cover_open(false);
    run_card(p.as_mut()).unwrap();
}

#[test]
fn feeder_empty_after_n_cards() {
    let emu = Emulator::new(EmulatorConfig {
        time_scale: 0.0,
        feeder_cards: 1,
        ..Default::default()
    });
    let server = emu.serve_tcp("127.0.0.1:0").unwrap();
    let mut p = printer::open(&server.uri(), &test_options()).unwrap();
    run_card(p.as_mut()).unwrap();
    // The guide has no feeder read: the empty feeder shows on the next insert (NACK F), and
    // the last answer (`Rlr;p` NO CARD) reports it afterwards. It does not block the next try,
    // which is how the printer learns the operator refilled it.
    assert!(!p.status().unwrap().has(StatusFlag::FeederEmpty));
    let f = run_card(p.as_mut()).unwrap_err();
    assert!(matches!(printer_error(&f), PrinterError::FeederEmpty));
    assert_eq!(f.fate, CardFate::NotFed);
    let status = p.status().unwrap();
    assert!(status.has(StatusFlag::FeederEmpty));
    assert!(status.blocking_error().is_none());
    emu.set_feeder(1);
    run_card(p.as_mut()).unwrap();
    assert!(!p.status().unwrap().has(StatusFlag::FeederEmpty));
    emu.set_feeder(0);
    let err = p.feed().unwrap_err();
    assert!(matches!(err, PrinterError::FeederEmpty));
}

#[test]
fn ribbon_end_mid_card_rejects_the_card() {
    // Front needs Y M C K O = 5 panels; the ribbon ends after 3.
    let emu = emulator(Faults {
        ribbon_end_after_panels: Some(3),
        ..Default::default()
    });
    let server = emu.serve_tcp("127.0.0.1:0").unwrap();
    let mut p = printer::open(&server.uri(), &test_options()).unwrap();
    let f = run_card(p.as_mut()).unwrap_err();
    assert!(
        matches!(printer_error(&f), PrinterError::RibbonEnded),
        "{f}"
    );
    assert_eq!(printer_error(&f).card_action(), CardAction::Reject);
    assert_eq!(f.fate, CardFate::Rejected);
    assert_eq!(emu.cards_rejected(), 1);
    assert_eq!(emu.cards()[0].outcome, CardOutcome::Rejected);
    assert!(p.status().unwrap().has(StatusFlag::RibbonEnded));
    // The next card is refused before feeding.
    let f = run_card(p.as_mut()).unwrap_err();
    assert!(matches!(printer_error(&f), PrinterError::RibbonEnded));
    assert_eq!(f.fate, CardFate::NotFed);
}

#[test]
fn jam_mid_card_stops_and_leaves_the_card_for_the_operator() {
    let emu = emulator(Faults {
        jam_at_panel: Some(2),
        ..Default::default()
    });
    let server = emu.serve_pty().unwrap();
    let mut p = printer::open(&server.uri(), &test_options()).unwrap();
    let f = run_card(p.as_mut()).unwrap_err();
    assert!(matches!(printer_error(&f), PrinterError::CardJam), "{f}");
    assert_eq!(f.fate, CardFate::LeftInPrinter);
    assert!(p.status().unwrap().has(StatusFlag::CardJam));
    assert!(matches!(p.feed(), Err(PrinterError::CardJam)));
    // Operator clears it; a reset and the next card works.
    p.reset().unwrap();
    assert_eq!(emu.cards()[0].outcome, CardOutcome::Jammed);
    run_card(p.as_mut()).unwrap();
}

#[test]
fn disconnect_reaches_the_caller_as_a_transport_error() {
    for over_pty in [true, false] {
        let emu = fast_emulator();
        let (_pty, _tcp, uri);
        if over_pty {
            let s = emu.serve_pty().unwrap();
            uri = s.uri();
            _pty = Some(s);
            _tcp = None;
        } else {
            let s = emu.serve_tcp("127.0.0.1:0").unwrap();
            uri = s.uri();
            _tcp = Some(s);
            _pty = None;
        }
        let mut p = printer::open(&uri, &test_options()).unwrap();
        // Opening took 5 commands; the link drops at the next few.
        emu.set_faults(Faults {
            disconnect_after_commands: Some(7),
            ..Default::default()
        });
        let start = Instant::now();
        let f = run_card(p.as_mut()).unwrap_err();
        let e = printer_error(&f);
        assert!(
            matches!(
                e,
                PrinterError::Transport(TransportError::Disconnected { .. })
            ),
            "over_pty={over_pty}: {e}"
        );
        assert_eq!(f.fate, CardFate::LeftInPrinter);
        assert!(start.elapsed() < Duration::from_secs(10));
    }
}

#[test]
fn slow_answers_time_out() {
    let emu = fast_emulator();
    let server = emu.serve_tcp("127.0.0.1:0").unwrap();
    let mut p = printer::open(&server.uri(), &test_options()).unwrap();
    emu.set_faults(Faults {
        answer_delay: Duration::from_millis(2500),
        ..Default::default()
    });
    let start = Instant::now();
    let err = p.status().unwrap_err();
    assert!(
        matches!(err, PrinterError::Transport(TransportError::Timeout { .. })),
        "{err}"
    );
    assert!(start.elapsed() < Duration::from_secs(3));
    assert!(render(Lang::Id, &err).contains("tidak menjawab"));
}

#[test]
fn garbled_answers_are_errors_never_success() {
    let emu = fast_emulator();
    let server = emu.serve_pty().unwrap();
    let mut p = printer::open(&server.uri(), &test_options()).unwrap();
    emu.set_faults(Faults {
        garble_after_commands: Some(0),
        ..Default::default()
    });
    let err = p.status().unwrap_err();
    assert!(
        matches!(
            err,
            PrinterError::Garbled { .. } | PrinterError::Unknown { .. }
        ),
        "{err}"
    );
    let f = run_card(p.as_mut()).unwrap_err();
    assert!(matches!(
        printer_error(&f),
        PrinterError::Garbled { .. } | PrinterError::Unknown { .. }
    ));
    assert_eq!(emu.cards_ejected(), 0);
}

#[test]
fn malformed_commands_get_nack_over_tcp() {
    let emu = fast_emulator();
    let server = emu.serve_tcp("127.0.0.1:0").unwrap();
    let mut s = std::net::TcpStream::connect(server.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    // An undocumented command (`Zz`, and `Rst`, which no Evolis printer has) is a command
    // error; a bad parameter a parameter error; a read still answers its text.
    s.write_all(b"\x1bPem;4\r\x1bZz\r\x1bSs;1\r\x1bDb;k;3;\x1bRst\r\x1bRcr\r")
        .unwrap();
    let mut got = Vec::new();
    while got.len() < 1 + 2 + 2 + 2 + 2 + 3 {
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0);
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, b"\x06\x15\x31\x15\x32\x15\x32\x15\x31OK\r");
}

#[test]
fn open_errors_are_typed() {
    let err = printer::open("serial:///dev/does-not-exist", &test_options())
        .err()
        .unwrap();
    assert!(
        matches!(
            err,
            PrinterError::Transport(TransportError::OpenFailed { .. })
        ),
        "{err}"
    );
    assert!(render(Lang::Id, &err).contains("dialout"));
    // Once an emulator is registered, `emu://` is its scheme: a name nobody took is its error.
    fast_emulator().register("open-errors-are-typed").unwrap();
    let err = printer::open("emu://nobody-registered", &test_options())
        .err()
        .unwrap();
    let PrinterError::Transport(TransportError::Backend(backend)) = &err else {
        panic!("expected the emulator's own error, got {err}");
    };
    let backend: &(dyn std::error::Error + 'static) = &**backend;
    assert!(backend.downcast_ref::<NoSuchEmulator>().is_some(), "{err}");
    assert!(render(Lang::Id, &err).contains("belum dijalankan"));
    let err = printer::open("lpt://x", &test_options()).err().unwrap();
    assert!(matches!(err, PrinterError::Uri(_)));
    // A TCP peer that never answers: the open times out instead of hanging.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let uri = format!("tcp://{}", silent.local_addr().unwrap());
    let err = printer::open(&uri, &test_options()).err().unwrap();
    assert!(
        matches!(err, PrinterError::Transport(TransportError::Timeout { .. })),
        "{err}"
    );
}

#[test]
fn operations_without_a_card_are_refused() {
    let emu = fast_emulator();
    let server = emu.serve_tcp("127.0.0.1:0").unwrap();
    let mut p = printer::open(&server.uri(), &test_options()).unwrap();
    assert!(matches!(
        p.print_side(Side::Front, &synthetic_back()),
        Err(PrinterError::NoCard)
    ));
    assert!(matches!(p.eject(), Err(PrinterError::NoCard)));
    // The printer itself refuses a reject with no card inside (NACK 1).
    assert!(matches!(
        p.reject(),
        Err(PrinterError::CommandRefused { .. })
    ));
}

/// A late answer to a command that timed out must never be taken as the answer to the next
/// command (under heavy host load the quick timeout can pass before the printer answers).
#[test]
fn a_late_answer_is_not_taken_for_the_next_one() {
    let emu = fast_emulator();
    let server = emu.serve_tcp("127.0.0.1:0").unwrap();
    let mut p = printer::open(&server.uri(), &test_options()).unwrap();
    emu.set_faults(Faults {
        answer_delay: Duration::from_millis(1800),
        ..Default::default()
    });
    let err = p.status().unwrap_err();
    assert!(
        matches!(err, PrinterError::Transport(TransportError::Timeout { .. })),
        "{err}"
    );
    emu.set_faults(Faults::default());
    // The status answer ("OK") arrives while or before the next command is sent.
    std::thread::sleep(Duration::from_millis(100));
    let counters = p.counters().expect("counters after a late answer");
    assert_eq!(counters.cards_inserted, emu.cards_inserted());
    // And when the late answer lands after the next command went out.
    emu.set_faults(Faults {
        answer_delay: Duration::from_millis(1800),
        ..Default::default()
    });
    assert!(p.status().is_err());
    emu.set_faults(Faults::default());
    let counters = p.counters().expect("counters right after a timeout");
    assert_eq!(counters.cards_inserted, emu.cards_inserted());
}
