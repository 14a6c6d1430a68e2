//! Printer answers: the raw frame ([`RawAnswer`]) and the typed text answers of read commands.
//! Every parser is strict: an answer it does not know is an error, never a default.

use crate::printer::status::{PrinterStatus, StatusFlag};

/// Positive acknowledgement (ACK/NACK mode, `Pem;4`).
pub const ACK: u8 = 0x06;
/// Negative acknowledgement; one code byte follows.
pub const NACK: u8 = 0x15;
/// Terminates every command and every text answer.
pub const CR: u8 = 0x0D;
/// Starts every command.
pub const ESC: u8 = 0x1B;
/// Longest text answer accepted; longer is garbage.
pub const MAX_TEXT: usize = 256;

/// A NACK code (guide: NACK followed by one code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NackCode {
    /// `1`: command error.
    Command,
    /// `2`: parameter error.
    Parameter,
    /// `T`: time-out / mechanical error.
    Mechanical,
    /// `C`: cover open.
    Cover,
    /// `F`: feeder error.
    Feeder,
    /// `R`: ribbon error.
    Ribbon,
    /// `K`: magnetic checksum.
    MagneticChecksum,
    /// `D`: magnetic data.
    MagneticData,
    /// `W`: magnetic write.
    MagneticWrite,
    /// Any other byte: kept, reported as an unknown answer.
    Unknown(u8),
}

impl NackCode {
    /// From the code byte.
    pub fn from_byte(b: u8) -> NackCode {
        match b {
            b'1' => NackCode::Command,
            b'2' => NackCode::Parameter,
            b'T' => NackCode::Mechanical,
            b'C' => NackCode::Cover,
            b'F' => NackCode::Feeder,
            b'R' => NackCode::Ribbon,
            b'K' => NackCode::MagneticChecksum,
            b'D' => NackCode::MagneticData,
            b'W' => NackCode::MagneticWrite,
            other => NackCode::Unknown(other),
        }
    }

    /// The code byte.
    pub fn to_byte(self) -> u8 {
        match self {
            NackCode::Command => b'1',
            NackCode::Parameter => b'2',
            NackCode::Mechanical => b'T',
            NackCode::Cover => b'C',
            NackCode::Feeder => b'F',
            NackCode::Ribbon => b'R',
            NackCode::MagneticChecksum => b'K',
            NackCode::MagneticData => b'D',
            NackCode::MagneticWrite => b'W',
            NackCode::Unknown(b) => b,
        }
    }
}

/// One answer frame as it comes off the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawAnswer {
    /// `ACK`.
    Ack,
    /// `NACK code`.
    Nack(NackCode),
    /// Text terminated by CR (the CR is not kept).
    Text(Vec<u8>),
}

impl RawAnswer {
    /// Wire bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            RawAnswer::Ack => vec![ACK],
            RawAnswer::Nack(code) => vec![NACK, code.to_byte()],
            RawAnswer::Text(t) => {
                let mut v = t.clone();
                v.push(CR);
                v
            }
        }
    }

    /// Parses one complete frame from the start of `bytes`; returns it and the bytes used.
    /// `Ok(None)` = incomplete so far. `Err(())` = not a valid frame (a control byte in text or
    /// text longer than [`MAX_TEXT`]).
    #[allow(clippy::result_unit_err)] // the caller only needs "garbage", with the raw bytes it has
    pub fn from_bytes(bytes: &[u8]) -> Result<Option<(RawAnswer, usize)>, ()> {
        match bytes.first() {
            None => Ok(None),
            Some(&ACK) => Ok(Some((RawAnswer::Ack, 1))),
            Some(&NACK) => Ok(bytes
                .get(1)
                .map(|&c| (RawAnswer::Nack(NackCode::from_byte(c)), 2))),
            Some(_) => {
                for (i, &b) in bytes.iter().enumerate() {
                    if b == CR {
                        return Ok(Some((RawAnswer::Text(bytes[..i].to_vec()), i + 1)));
                    }
                    if !(0x20..0x7F).contains(&b) || i >= MAX_TEXT {
                        return Err(());
                    }
                }
                Ok(None)
            }
        }
    }
}

/// Why a text answer was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unexpected answer {text:?}")]
pub struct AnswerError {
    /// The answer, lossily as text.
    pub text: String,
}

fn refuse(bytes: &[u8]) -> AnswerError {
    AnswerError {
        text: String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// A typed text answer of a read command.
pub trait TextAnswer: Sized {
    /// Parses the text (without CR).
    fn from_bytes(bytes: &[u8]) -> Result<Self, AnswerError>;
    /// The text (without CR), as the emulator sends it.
    fn to_bytes(&self) -> Vec<u8>;
}

/// Free text (model, serial number, firmware version): 1 to 64 printable ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl TextAnswer for Text {
    fn from_bytes(bytes: &[u8]) -> Result<Self, AnswerError> {
        let ok = !bytes.is_empty()
            && bytes.len() <= 64
            && bytes.iter().all(|b| (0x20..0x7F).contains(b))
            && bytes.iter().any(|&b| b != b' ');
        if ok {
            Ok(Text(String::from_utf8_lossy(bytes).trim().to_string()))
        } else {
            Err(refuse(bytes))
        }
    }
    fn to_bytes(&self) -> Vec<u8> {
        self.0.as_bytes().to_vec()
    }
}

/// A counter value: 1 to 9 decimal digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count(pub u32);

impl TextAnswer for Count {
    fn from_bytes(bytes: &[u8]) -> Result<Self, AnswerError> {
        if bytes.is_empty() || bytes.len() > 9 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(refuse(bytes));
        }
        let n = bytes
            .iter()
            .fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0'));
        Ok(Count(n))
    }
    fn to_bytes(&self) -> Vec<u8> {
        self.0.to_string().into_bytes()
    }
}

/// Ribbon types (`Pr` parameter, `Rr` answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RibbonType {
    /// Y M C K O, five panels (the ID-card ribbon).
    Ymcko,
    /// Half-panel YMCKO.
    Ymckos,
    /// Y M C K O K: resin black on both sides.
    Ymckok,
    /// Black resin only.
    Kb,
    /// Black resin + overlay.
    Ko,
    /// No ribbon installed (`Rr` only).
    None,
}

impl RibbonType {
    /// The protocol token.
    pub fn token(self) -> &'static str {
        match self {
            RibbonType::Ymcko => "ymcko",
            RibbonType::Ymckos => "ymckos",
            RibbonType::Ymckok => "ymckok",
            RibbonType::Kb => "kb",
            RibbonType::Ko => "ko",
            RibbonType::None => "none",
        }
    }

    /// The ribbon type a token names.
    pub fn from_token(t: &str) -> Option<RibbonType> {
        [
            RibbonType::Ymcko,
            RibbonType::Ymckos,
            RibbonType::Ymckok,
            RibbonType::Kb,
            RibbonType::Ko,
            RibbonType::None,
        ]
        .into_iter()
        .find(|r| r.token() == t)
    }

    /// Whether this ribbon carries `panel`.
    pub fn has_panel(self, panel: crate::printer::panel::Panel) -> bool {
        use crate::printer::panel::Panel::*;
        match self {
            RibbonType::Ymcko | RibbonType::Ymckos | RibbonType::Ymckok => true,
            RibbonType::Kb => panel == Black,
            RibbonType::Ko => matches!(panel, Black | Overlay),
            RibbonType::None => false,
        }
    }
}

impl TextAnswer for RibbonType {
    fn from_bytes(bytes: &[u8]) -> Result<Self, AnswerError> {
        std::str::from_utf8(bytes)
            .ok()
            .and_then(|s| RibbonType::from_token(&s.to_ascii_lowercase()))
            .ok_or_else(|| refuse(bytes))
    }
    fn to_bytes(&self) -> Vec<u8> {
        self.token().as_bytes().to_vec()
    }
}

/// Cover sensor (`Rse;o`): `OPEN` or `CLOSED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoverSensor {
    /// Cover open.
    Open,
    /// Cover closed.
    Closed,
}

impl TextAnswer for CoverSensor {
    fn from_bytes(bytes: &[u8]) -> Result<Self, AnswerError> {
        match bytes {
            b"OPEN" => Ok(CoverSensor::Open),
            b"CLOSED" => Ok(CoverSensor::Closed),
            _ => Err(refuse(bytes)),
        }
    }
    fn to_bytes(&self) -> Vec<u8> {
        match self {
            CoverSensor::Open => b"OPEN".to_vec(),
            CoverSensor::Closed => b"CLOSED".to_vec(),
        }
    }
}

/// Card presence sensor (`Rse;p`): `CARD` or `NO CARD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardSensor {
    /// A card is in the print module.
    Card,
    /// No card.
    NoCard,
}

impl TextAnswer for CardSensor {
    fn from_bytes(bytes: &[u8]) -> Result<Self, AnswerError> {
        match bytes {
            b"CARD" => Ok(CardSensor::Card),
            b"NO CARD" => Ok(CardSensor::NoCard),
            _ => Err(refuse(bytes)),
        }
    }
    fn to_bytes(&self) -> Vec<u8> {
        match self {
            CardSensor::Card => b"CARD".to_vec(),
            CardSensor::NoCard => b"NO CARD".to_vec(),
        }
    }
}

/// Result of the last operation (`Rlr;p`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastResult {
    /// `OK`.
    Ok,
    /// `NO CARD`: the feeder gave no card.
    NoCard,
    /// `ERR CARD`: a card is left in the print module or feeder.
    ErrCard,
    /// `ERR COVER`: stopped by the open cover.
    ErrCover,
    /// `ERR RIBBON`: stopped by the ribbon.
    ErrRibbon,
}

impl TextAnswer for LastResult {
    fn from_bytes(bytes: &[u8]) -> Result<Self, AnswerError> {
        match bytes {
            b"OK" => Ok(LastResult::Ok),
            b"NO CARD" => Ok(LastResult::NoCard),
            b"ERR CARD" => Ok(LastResult::ErrCard),
            b"ERR COVER" => Ok(LastResult::ErrCover),
            b"ERR RIBBON" => Ok(LastResult::ErrRibbon),
            _ => Err(refuse(bytes)),
        }
    }
    fn to_bytes(&self) -> Vec<u8> {
        match self {
            LastResult::Ok => b"OK".to_vec(),
            LastResult::NoCard => b"NO CARD".to_vec(),
            LastResult::ErrCard => b"ERR CARD".to_vec(),
            LastResult::ErrCover => b"ERR COVER".to_vec(),
            LastResult::ErrRibbon => b"ERR RIBBON".to_vec(),
        }
    }
}

/// The `Rst` status answer (cetak's own, see docs/printer.md): `OK`, or flag tokens separated
/// by `,` in any order, each known, none repeated.
impl TextAnswer for PrinterStatus {
    fn from_bytes(bytes: &[u8]) -> Result<Self, AnswerError> {
        if bytes == b"OK" {
            return Ok(PrinterStatus::default());
        }
        let text = std::str::from_utf8(bytes).map_err(|_| refuse(bytes))?;
        let mut status = PrinterStatus::default();
        for token in text.split(',') {
            let flag = StatusFlag::from_token(token).ok_or_else(|| refuse(bytes))?;
            if status.has(flag) {
                return Err(refuse(bytes));
            }
            status.set(flag, true);
        }
        Ok(status)
    }
    fn to_bytes(&self) -> Vec<u8> {
        self.to_string().into_bytes()
    }
}

#[cfg(test)]
mod tests {
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
        assert_eq!(RawAnswer::from_bytes(&[b'O', 0x00, CR]), Err(()));
        assert_eq!(RawAnswer::from_bytes(&[b'A'; 300]), Err(()));
        for c in *b"12TCFRKDW" {
            assert_eq!(NackCode::from_byte(c).to_byte(), c);
            assert!(!matches!(NackCode::from_byte(c), NackCode::Unknown(_)));
        }
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
        assert!(RibbonType::from_bytes(b"rainbow").is_err());
        assert_eq!(CoverSensor::from_bytes(b"OPEN"), Ok(CoverSensor::Open));
        assert!(CoverSensor::from_bytes(b"open?").is_err());
        assert_eq!(
            CardSensor::from_bytes(&CardSensor::NoCard.to_bytes()),
            Ok(CardSensor::NoCard)
        );
        assert_eq!(LastResult::from_bytes(b"ERR CARD"), Ok(LastResult::ErrCard));
        assert!(LastResult::from_bytes(b"ERR").is_err());
    }

    #[test]
    fn status_answer() {
        assert_eq!(
            PrinterStatus::from_bytes(b"OK"),
            Ok(PrinterStatus::default())
        );
        let s = PrinterStatus::from_bytes(b"COVER_OPEN,FEEDER_EMPTY").unwrap();
        assert!(s.has(StatusFlag::CoverOpen) && s.has(StatusFlag::FeederEmpty));
        assert!(!s.ready());
        assert_eq!(PrinterStatus::from_bytes(&s.to_bytes()), Ok(s));
        let all = PrinterStatus::from_flags(StatusFlag::ALL);
        assert_eq!(PrinterStatus::from_bytes(&all.to_bytes()), Ok(all));
        for bad in [
            &b""[..],
            b"ok",
            b"OK,COVER_OPEN",
            b"COVER_OPEN,",
            b"COVER_OPEN,COVER_OPEN",
            b"SMOKE",
        ] {
            assert!(PrinterStatus::from_bytes(bad).is_err(), "{bad:?}");
        }
    }
}
