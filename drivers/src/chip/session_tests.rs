use super::*;

#[test]
fn extended_capability_from_atr() {
    // TS T0=85 TD1=80 TD2=01, historical 80 73 B0 01 40, TCK.
    let ext = [0x3B, 0x85, 0x80, 0x01, 0x80, 0x73, 0xB0, 0x01, 0x40, 0x00];
    assert_eq!(historical_bytes(&ext), Some(&ext[4..9]));
    assert!(atr_announces_extended(&ext));
    let short = [0x3B, 0x85, 0x80, 0x01, 0x80, 0x73, 0xB0, 0x01, 0x00, 0x00];
    assert!(!atr_announces_extended(&short));
    assert!(!atr_announces_extended(&[0x3B]));
    assert!(!atr_announces_extended(&[0x3B, 0x8F, 0x80]));
}

fn profile(extended: &str) -> Profile {
    let text = crate::chip::profile::DEFAULT_PROFILE_TOML
        .replace("extended = \"auto\"", &format!("extended = \"{extended}\""));
    Profile::from_toml(&text).unwrap()
}

fn caps(
    protocol: Option<Protocol>,
    max_command: Option<usize>,
    data: Option<usize>,
) -> ChannelCaps {
    ChannelCaps {
        protocol,
        max_command,
        max_apdu_data: data,
    }
}

#[test]
fn extended_needs_card_protocol_and_reader() {
    let ext = [0x3B, 0x85, 0x80, 0x01, 0x80, 0x73, 0xB0, 0x01, 0x40, 0x00];
    let no_ext = [0x3B, 0x85, 0x80, 0x01, 0x80, 0x73, 0xB0, 0x01, 0x00, 0x00];
    let auto = profile("auto");
    let t1 = Some(Protocol::T1);
    let plan = |atr: &[u8], c| plan_transfer(&auto, atr, &c);
    // (ATR, caps) -> (extended, chunk, fallback)
    let cases = [
        (&ext[..], caps(t1, None, None), (true, 4096, true)),
        (&ext[..], caps(None, None, None), (true, 4096, true)),
        (&no_ext[..], caps(t1, None, None), (false, 240, false)),
        (
            &ext[..],
            caps(Some(Protocol::T0), None, None),
            (false, 240, false),
        ),
        (
            &ext[..],
            caps(Some(Protocol::Other), None, None),
            (false, 240, false),
        ),
        (&ext[..], caps(t1, None, Some(0)), (false, 240, false)),
        (&ext[..], caps(t1, Some(261), None), (false, 240, false)),
        (&ext[..], caps(t1, Some(1033), None), (true, 1024, true)),
        (
            &ext[..],
            caps(t1, Some(65_546), Some(0x10000)),
            (true, 4096, true),
        ),
    ];
    for (atr, c, want) in cases {
        let p = plan(atr, c.clone());
        assert_eq!(
            (p.extended, p.chunk, p.fallback),
            want,
            "{c:?}: {}",
            p.reason
        );
    }
    let never = plan_transfer(&profile("never"), &ext, &caps(t1, None, None));
    assert!(!never.extended);
    let always = plan_transfer(
        &profile("always"),
        &no_ext,
        &caps(Some(Protocol::T0), None, None),
    );
    assert!(always.extended && !always.fallback, "the operator decides");
}

#[test]
fn no_uid_is_not_an_error() {
    use crate::chip::scripted::Scripted;
    for (answer, want) in [
        ("04 11 22 33 90 00", Some(vec![0x04, 0x11, 0x22, 0x33])),
        ("6E 00", None),
        ("6D 00", None),
        ("6A 81", None),
        ("63 00", None),
    ] {
        let mut ch = Scripted::new(&[("FF CA 00 00 00", answer)]);
        let mut a = Apdus::new(&mut ch, false);
        assert_eq!(read_uid(&mut a).unwrap(), want, "{answer}");
    }
}
