use super::*;

#[test]
fn bytes_of_simple_commands() {
    assert_eq!(StartSequence.to_bytes(), b"\x1bSs\r");
    assert_eq!(AckMode.to_bytes(), b"\x1bPem;4\r");
    assert_eq!(
        SelectRibbon(RibbonType::Ymcko).to_bytes(),
        b"\x1bPr;ymcko\r"
    );
    assert_eq!(
        InsertToStation(EncoderStation::Contactless).to_bytes(),
        b"\x1bSic\r"
    );
    assert_eq!(Insert.to_bytes(), b"\x1bSi\r");
    assert_eq!(RejectCard(RejectBox::UnderFeeder).to_bytes(), b"\x1bSeb\r");
    assert_eq!(ReadSensor(Sensor::Cover).to_bytes(), b"\x1bRse;o\r");
    assert_eq!(
        ReadLastAnswer(LastAnswerKind::Cleaning).to_bytes(),
        b"\x1bRlr;r\r"
    );
    assert_eq!(
        SerialAckMode {
            port: 1,
            baud: 115_200,
            parity: Parity::None
        }
        .to_bytes(),
        b"\x1bPcom;1;115200;N;8;1;ACK/NACK\r"
    );
    assert_eq!(
        ReadCounter(CounterKind::RibbonCardsLeft).to_bytes(),
        b"\x1bRco;l\r"
    );
    assert_eq!(
        Download {
            panel: Panel::Black,
            levels: 2,
            data: &[1, 2]
        }
        .to_bytes(),
        b"\x1bDb;k;2;\x01\x02\r"
    );
    assert_eq!(
        DownloadCompressed {
            panel: Panel::Yellow,
            levels: 32,
            first_line: 7,
            data: &[0x0d, 0x1b]
        }
        .to_bytes(),
        b"\x1bDbc;y;32;7;2;\x0d\x1b\r"
    );
}

#[test]
fn wire_len_matches_bytes() {
    let data = [7u8; 33];
    let d = Download {
        panel: Panel::Overlay,
        levels: 2,
        data: &data,
    };
    assert_eq!(d.wire_len(), d.to_bytes().len());
    let c = DownloadCompressed {
        panel: Panel::Cyan,
        levels: 128,
        first_line: 1015,
        data: &data,
    };
    assert_eq!(c.wire_len(), c.to_bytes().len());
    assert_eq!(StartSequence.wire_len(), 4);
}

#[test]
fn answers_are_strict() {
    assert_eq!(StartSequence.answer(RawAnswer::Ack), Ok(()));
    assert_eq!(
        StartSequence.answer(RawAnswer::Nack(NackCode::Feeder)),
        Err(AnswerMismatch::Nack(NackCode::Feeder))
    );
    // Plain-text mode.
    assert_eq!(
        StartSequence.answer(RawAnswer::Text(b"OK".to_vec())),
        Ok(())
    );
    assert_eq!(
        StartSequence.answer(RawAnswer::Text(b"ERR 1".to_vec())),
        Err(AnswerMismatch::Refused(b"ERR 1".to_vec()))
    );
    assert!(matches!(
        StartSequence.answer(RawAnswer::Text(b"FINE".to_vec())),
        Err(AnswerMismatch::Unexpected(_))
    ));
    assert_eq!(
        ReadCounter(CounterKind::CardsInserted).answer(RawAnswer::Text(b"42".to_vec())),
        Ok(42)
    );
    assert!(ReadCounter(CounterKind::CardsInserted)
        .answer(RawAnswer::Ack)
        .is_err());
    assert!(ReadCounter(CounterKind::CardsInserted)
        .answer(RawAnswer::Text(b"4x".to_vec()))
        .is_err());
}
