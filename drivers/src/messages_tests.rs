//! Tests of the message catalogue over every driver error (outside `messages/`, which uses
//! no other layer: see `layers`).

use crate::messages::*;

#[test]
fn fill_replaces_names_and_keeps_braces() {
    let args = Args::new().with("a", 1).with("b", "x");
    assert_eq!(
        fill("{a} and {b} {{c}} {d}", &args, Lang::En),
        "1 and x {c} {d}"
    );
    let args = args.with_each("e", "satu", "one");
    assert_eq!(fill("{e}", &args, Lang::Id), "satu");
    assert_eq!(fill("{e}", &args, Lang::En), "one");
    assert_eq!(placeholders("{a} {b} {a} {{c}}"), vec!["a", "b"]);
}

#[test]
fn check_finds_a_missing_language_and_different_placeholders() {
    static BAD: &[Entry] = &[
        Entry {
            code: "x.one",
            id: "",
            en: "one",
        },
        Entry {
            code: "x.two",
            id: "dua {a}",
            en: "two {b}",
        },
    ];
    let defects = check(&[BAD]);
    assert_eq!(defects.len(), 2, "{defects:?}");
}

#[test]
fn drivers_catalogue_is_complete() {
    assert_eq!(check(&[CATALOGUE]), Vec::<String>::new());
}

/// One value of every error variant of this crate.
pub(crate) fn every_driver_error() -> Vec<Box<dyn Message>> {
    use crate::chip::apdu::{ApduError, StatusWord};
    use crate::chip::ChipError as C;
    use crate::chip::ReaderPatternError as R;
    use crate::printer::layers::Side;
    use crate::printer::{Panel, PrinterError as P};
    use crate::transport::{BadOption, Malformed, TransportError as T, UriError as U};
    let s = || "x".to_string();
    let d = std::time::Duration::from_millis(5);
    let t = || T::Disconnected { target: s() };
    vec![
        Box::new(P::FeederEmpty),
        Box::new(P::CoverOpen),
        Box::new(P::RibbonEnded),
        Box::new(P::RibbonMissing),
        Box::new(P::Ribbon),
        Box::new(P::RibbonUnsupported),
        Box::new(P::PanelNotOnRibbon {
            panel: Panel::Yellow,
            ribbon: s(),
        }),
        Box::new(P::CardJam),
        Box::new(P::RejectBoxFull),
        Box::new(P::OutputHopperFull),
        Box::new(P::Cooling),
        Box::new(P::Busy),
        Box::new(P::Mechanical),
        Box::new(P::Magnetic('K')),
        Box::new(P::CommandRefused { command: s() }),
        Box::new(P::ParameterRefused { command: s() }),
        Box::new(P::Garbled {
            command: s(),
            raw: vec![1, 2],
        }),
        Box::new(P::Unknown {
            command: s(),
            raw: vec![1, 2],
        }),
        Box::new(P::NoCard),
        Box::new(P::NotSupported(s())),
        Box::new(P::BadLayers {
            side: Side::Back,
            reason: s(),
        }),
        Box::new(P::Uri(U::UnknownScheme(s()))),
        Box::new(P::UnsupportedModel(s())),
        Box::new(P::Transport(t())),
        Box::new(U::Malformed {
            uri: s(),
            reason: Malformed::Empty,
        }),
        Box::new(U::Malformed {
            uri: s(),
            reason: Malformed::Characters,
        }),
        Box::new(U::Malformed {
            uri: s(),
            reason: Malformed::NoOptions("tcp"),
        }),
        Box::new(U::Malformed {
            uri: s(),
            reason: Malformed::RelativePath,
        }),
        Box::new(U::Malformed {
            uri: s(),
            reason: Malformed::EmulatorName,
        }),
        Box::new(U::Malformed {
            uri: s(),
            reason: Malformed::TcpHost,
        }),
        Box::new(U::Malformed {
            uri: s(),
            reason: Malformed::TcpPort,
        }),
        Box::new(U::Malformed {
            uri: s(),
            reason: Malformed::Ipv6,
        }),
        Box::new(U::BadOption {
            key: s(),
            value: s(),
            reason: BadOption::Baud,
        }),
        Box::new(U::BadOption {
            key: s(),
            value: s(),
            reason: BadOption::Flow,
        }),
        Box::new(U::BadOption {
            key: s(),
            value: s(),
            reason: BadOption::Parity,
        }),
        Box::new(U::BadOption {
            key: s(),
            value: s(),
            reason: BadOption::Unknown,
        }),
        Box::new(R::Empty),
        Box::new(R::MatchesAll(s())),
        Box::new(R::Control),
        Box::new(R::TooLong),
        Box::new(T::OpenFailed {
            target: s(),
            reason: s(),
        }),
        Box::new(T::Timeout {
            target: s(),
            waited: d,
        }),
        Box::new(T::Io {
            target: s(),
            source: std::io::Error::other("e"),
        }),
        Box::new(T::NoBackend { uri: s() }),
        Box::new(T::Backend(Box::new(
            crate::emulator::registry::NoSuchEmulator(s()),
        ))),
        Box::new(C::NoService(s())),
        Box::new(C::NoReader {
            pattern: s(),
            available: vec![s(), s()],
        }),
        Box::new(C::NoCard {
            reader: s(),
            waited_ms: 3,
        }),
        Box::new(C::CardRemoved),
        Box::new(C::CardReset),
        Box::new(C::Mute { timeout_ms: 3 }),
        Box::new(C::ReaderBusy),
        Box::new(C::Transport(s())),
        Box::new(C::ExtendedUnsupported(s())),
        Box::new(C::ForeignCard { atr: s() }),
        Box::new(C::Refused {
            step: s(),
            sw: StatusWord::FileNotFound,
        }),
        Box::new(C::AccessDenied { retries_left: 2 }),
        Box::new(C::PinBlocked),
        Box::new(C::CardFull { step: s() }),
        Box::new(C::MemoryFailure { step: s() }),
        Box::new(C::VerifyMismatch { fid: s() }),
        Box::new(C::FileTooSmall {
            fid: s(),
            capacity: 1,
            needed: 2,
        }),
        Box::new(C::Secret(s())),
        Box::new(C::Profile(s())),
        Box::new(C::Content(s())),
        Box::new(C::Decode(s())),
        Box::new(C::Apdu(ApduError::TooShort(1))),
    ]
}

#[test]
fn every_driver_error_renders_fully_in_both_languages() {
    let mut codes = std::collections::HashSet::new();
    for e in every_driver_error() {
        assert_eq!(
            check_message(&[CATALOGUE], e.as_ref()),
            Vec::<String>::new()
        );
        codes.insert(e.message_code());
    }
    for entry in CATALOGUE {
        assert!(
            codes.contains(entry.code),
            "{} is used by no error",
            entry.code
        );
    }
}

#[test]
fn english_texts_are_the_display_texts() {
    use crate::chip::ChipError;
    use crate::printer::PrinterError;
    use crate::transport::{TransportError, UriError};
    let e = PrinterError::Transport(TransportError::Timeout {
        target: "P1".into(),
        waited: std::time::Duration::from_millis(5),
    });
    assert_eq!(render(Lang::En, &e), e.to_string());
    let e = UriError::BadOption {
        key: "baud".into(),
        value: "x".into(),
        reason: crate::transport::BadOption::Baud,
    };
    assert_eq!(render(Lang::En, &e), e.to_string());
    for reason in [
        crate::transport::Malformed::NoOptions("usblp"),
        crate::transport::Malformed::RelativePath,
        crate::transport::Malformed::TcpPort,
    ] {
        let e = UriError::Malformed {
            uri: "x".into(),
            reason,
        };
        assert_eq!(render(Lang::En, &e), e.to_string());
    }
    let e = crate::chip::ReaderPatternError::MatchesAll("**".into());
    assert_eq!(render(Lang::En, &e), e.to_string());
    let e = ChipError::NoReader {
        pattern: "ACS".into(),
        available: vec!["a".into()],
    };
    assert_eq!(render(Lang::En, &e), e.to_string());
    assert!(
        render(Lang::Id, &e).contains("[\"a\"]"),
        "the reader list in Indonesian too"
    );
    assert_eq!(e.code(), "no_reader");
}
