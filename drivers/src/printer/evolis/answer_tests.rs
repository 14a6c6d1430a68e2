use super::*;

#[test]
fn raw_frames_round_trip() {
    for a in [
        RawAnswer::Ack,
        RawAnswer::Nack(NackCode::Ribbon),
        RawAnswer::Text(b"Primacy".to_vec()),
    ] {
        let bytes = a.to_bytes();
        assert_eq!(RawAnswer::from_bytes(&bytes), Ok(Some((a, bytes.len()))));
    }
    assert_eq!(RawAnswer::from_bytes(&[0x15]), Ok(None));
    assert_eq!(RawAnswer::from_bytes(b"OK"), Ok(None));
    assert_eq!(
        RawAnswer::from_bytes(&[0x15, b'X']),
        Ok(Some((RawAnswer::Nack(NackCode::Unknown(b'X')), 2)))
    );
    assert_eq!(RawAnswer::from_bytes(&[b'O', 0x01, CR]), Err(()));
    assert_eq!(RawAnswer::from_bytes(&[b'A'; 300]), Err(()));
    for c in *b"12TCFRKDW" {
        assert_eq!(NackCode::from_byte(c).to_byte(), c);
        assert!(!matches!(NackCode::from_byte(c), NackCode::Unknown(_)));
    }
}

#[test]
fn text_ends_with_cr_nul_or_silence() {
    let ok = RawAnswer::Text(b"OK".to_vec());
    assert_eq!(RawAnswer::from_bytes(b"OK\0"), Ok(Some((ok.clone(), 3))));
    assert_eq!(RawAnswer::parse(b"OK", true), Ok(Some((ok.clone(), 2))));
    // What ended the previous answer is skipped.
    assert_eq!(
        RawAnswer::from_bytes(b"\n\0\x06"),
        Ok(Some((RawAnswer::Ack, 3)))
    );
    assert_eq!(RawAnswer::parse(b"\r\n", true), Ok(None));
    assert!(RawAnswer::is_filler(b"\r\n\0"));
    for ending in [TextEnding::Cr, TextEnding::Nul, TextEnding::Nothing] {
        let bytes = ok.to_bytes_ending(ending);
        assert_eq!(
            RawAnswer::parse(&bytes, true),
            Ok(Some((ok.clone(), bytes.len())))
        );
    }
    assert!(ok.is_plain_ok());
    assert_eq!(
        RawAnswer::Text(b"ERR 1".to_vec()).plain_error(),
        Some(&b"ERR 1"[..])
    );
    assert_eq!(ok.plain_error(), None);
}

#[test]
fn text_answers_round_trip_and_refuse_unknown() {
    assert_eq!(Count::from_bytes(b"1234"), Ok(Count(1234)));
    assert_eq!(Count(77).to_bytes(), b"77");
    for bad in [&b""[..], b"12a", b"-1", b"1234567890", b" 12"] {
        assert!(Count::from_bytes(bad).is_err(), "{bad:?}");
    }
    assert_eq!(Text::from_bytes(b"Primacy 2"), Ok(Text("Primacy 2".into())));
    assert!(Text::from_bytes(b"").is_err());
    assert!(Text::from_bytes(b"   ").is_err());
    assert!(Text::from_bytes(&[b'a'; 65]).is_err());
    assert_eq!(RibbonType::from_bytes(b"YMCKO"), Ok(RibbonType::Ymcko));
    assert_eq!(RibbonType::from_bytes(b"Ktc"), Ok(RibbonType::Ktc));
    assert!(RibbonType::from_bytes(b"rainbow").is_err());
    assert!(RibbonType::from_bytes(b"none").is_err());
    assert_eq!(SensorReading::from_bytes(b"4200"), Ok(SensorReading(4200)));
    assert!(SensorReading::from_bytes(b"OPEN").is_err());
    assert!(SensorReading::from_bytes(b"123456").is_err());
    assert_eq!(RibbonMark::from_bytes(b"OK"), Ok(RibbonMark::Ok));
    assert_eq!(
        RibbonMark::from_bytes(&RibbonMark::BlackMark.to_bytes()),
        Ok(RibbonMark::BlackMark)
    );
    assert!(RibbonMark::from_bytes(b"maybe").is_err());
    assert_eq!(LastAnswer::from_bytes(b"ERR CARD"), Ok(LastAnswer::ErrCard));
    assert_eq!(
        LastAnswer::from_bytes(b"ERR NEED CLEANING"),
        Ok(LastAnswer::NeedCleaning)
    );
    assert!(LastAnswer::from_bytes(b"ERR").is_err());
}
