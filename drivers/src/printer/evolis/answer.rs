//! Printer answers: the raw frame ([`RawAnswer`]) and the typed text answers of read commands.
//! Every parser is strict: an answer it does not know is an error, never a default.
//!
//! A printer answers in one of two modes (guide, section 5): with ACK/NACK on, a command is
//! answered by ACK or by NACK and a code, a read by its text; without it, every answer is text
//! (`OK`, `ERR …`, or what was read). Over USB / parallel a text may end with CR, with NUL or
//! with nothing at all; the reader takes CR, NUL or a short silence as its end.

/// Positive acknowledgement (ACK/NACK mode, `Pem;4`).
pub const ACK: u8 = 0x06;
/// Negative acknowledgement; one code byte follows.
pub const NACK: u8 = 0x15;
/// Terminates every command, and text answers on a serial link.
pub const CR: u8 = 0x0D;
/// Ends a text answer on some USB / parallel links.
pub const NUL: u8 = 0x00;
/// Line feed: tolerated after CR, never part of an answer.
pub const LF: u8 = 0x0A;
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
    /// Text, without its ending (CR, NUL or silence).
    Text(Vec<u8>),
}

/// How a text answer ends on the wire (the emulator's choice; the driver reads any).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextEnding {
    /// CR (serial links).
    #[default]
    Cr,
    /// NUL (some USB / parallel links).
    Nul,
    /// Nothing: the answer simply stops.
    Nothing,
}

impl RawAnswer {
    /// Wire bytes, text ended by CR.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.to_bytes_ending(TextEnding::Cr)
    }

    /// Wire bytes, text ended as `ending` says.
    pub fn to_bytes_ending(&self, ending: TextEnding) -> Vec<u8> {
        match self {
            RawAnswer::Ack => vec![ACK],
            RawAnswer::Nack(code) => vec![NACK, code.to_byte()],
            RawAnswer::Text(t) => {
                let mut v = t.clone();
                match ending {
                    TextEnding::Cr => v.push(CR),
                    TextEnding::Nul => v.push(NUL),
                    TextEnding::Nothing => {}
                }
                v
            }
        }
    }

    /// Parses one complete frame from the start of `bytes`; returns it and the bytes used.
    /// `Ok(None)` = incomplete so far. `Err(())` = not a valid frame (a control byte in text or
    /// text longer than [`MAX_TEXT`]). Bytes that end a text (CR, LF, NUL) before a frame are
    /// leftovers of the previous answer and are skipped.
    #[allow(clippy::result_unit_err)] // the caller only needs "garbage", with the raw bytes it has
    pub fn from_bytes(bytes: &[u8]) -> Result<Option<(RawAnswer, usize)>, ()> {
        RawAnswer::parse(bytes, false)
    }

    /// As [`RawAnswer::from_bytes`]; with `silent` (the line has been quiet after these
    /// bytes), a text without an ending is complete.
    #[allow(clippy::result_unit_err)]
    pub fn parse(bytes: &[u8], silent: bool) -> Result<Option<(RawAnswer, usize)>, ()> {
        let skip = bytes
            .iter()
            .take_while(|&&b| matches!(b, CR | LF | NUL))
            .count();
        let rest = &bytes[skip..];
        let found = match rest.first() {
            None => return Ok(None),
            Some(&ACK) => Some((RawAnswer::Ack, 1)),
            Some(&NACK) => rest
                .get(1)
                .map(|&c| (RawAnswer::Nack(NackCode::from_byte(c)), 2)),
            Some(_) => {
                let mut end = None;
                for (i, &b) in rest.iter().enumerate() {
                    if matches!(b, CR | NUL) {
                        end = Some((RawAnswer::Text(rest[..i].to_vec()), i + 1));
                        break;
                    }
                    if !(0x20..0x7F).contains(&b) || i >= MAX_TEXT {
                        return Err(());
                    }
                }
                match end {
                    None if silent => Some((RawAnswer::Text(rest.to_vec()), rest.len())),
                    other => other,
                }
            }
        };
        Ok(found.map(|(a, used)| (a, used + skip)))
    }

    /// Whether `bytes` hold only what may end a text answer (nothing to read as a frame).
    pub fn is_filler(bytes: &[u8]) -> bool {
        bytes.iter().all(|&b| matches!(b, CR | LF | NUL))
    }

    /// True for a plain-text success (`OK`).
    pub fn is_plain_ok(&self) -> bool {
        matches!(self, RawAnswer::Text(t) if t == b"OK")
    }

    /// The text of a plain-text refusal (`ERR …`), if this is one.
    pub fn plain_error(&self) -> Option<&[u8]> {
        match self {
            RawAnswer::Text(t) if t.starts_with(b"ERR") => Some(t),
            _ => None,
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

/// 1 to `max_digits` decimal digits, as a number.
fn decimal(bytes: &[u8], max_digits: usize) -> Result<u32, AnswerError> {
    if bytes.is_empty() || bytes.len() > max_digits || !bytes.iter().all(u8::is_ascii_digit) {
        return Err(refuse(bytes));
    }
    Ok(bytes
        .iter()
        .fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0')))
}

/// A counter value: 1 to 9 decimal digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count(pub u32);

impl TextAnswer for Count {
    fn from_bytes(bytes: &[u8]) -> Result<Self, AnswerError> {
        decimal(bytes, 9).map(Count)
    }
    fn to_bytes(&self) -> Vec<u8> {
        self.0.to_string().into_bytes()
    }
}

/// Ribbon types (`Pr` parameter, `Rr` answer), as the guide lists them for `Pr`.
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
    /// White monochrome.
    Kw,
    /// Red monochrome.
    Kr,
    /// Blue monochrome.
    Kbl,
    /// Green monochrome.
    Kgr,
    /// Gold monochrome.
    Kgo,
    /// Silver monochrome.
    Ksi,
    /// Scratch-off monochrome.
    Ksc,
    /// Black resin + overlay.
    Ko,
    /// Hologram (full bitmap).
    H,
    /// Hologram using the black-and-white bitmap.
    Ho,
    /// No ribbon: printing directly on a thermal card.
    Ktc,
    /// No ribbon: printing directly on a thermal label card.
    Ktp,
    /// Black wax.
    Ka,
    /// No ribbon (an emulator setting, never on the wire: `Rr` reads the ribbon type set in
    /// the printer's memory, not whether one is installed).
    None,
}

/// Every type that has a token on the wire.
const RIBBONS: [RibbonType; 17] = [
    RibbonType::Ymcko,
    RibbonType::Ymckos,
    RibbonType::Ymckok,
    RibbonType::Kb,
    RibbonType::Kw,
    RibbonType::Kr,
    RibbonType::Kbl,
    RibbonType::Kgr,
    RibbonType::Kgo,
    RibbonType::Ksi,
    RibbonType::Ksc,
    RibbonType::Ko,
    RibbonType::H,
    RibbonType::Ho,
    RibbonType::Ktc,
    RibbonType::Ktp,
    RibbonType::Ka,
];

impl RibbonType {
    /// The protocol token (`none` for [`RibbonType::None`], which is never sent).
    pub fn token(self) -> &'static str {
        match self {
            RibbonType::Ymcko => "ymcko",
            RibbonType::Ymckos => "ymckos",
            RibbonType::Ymckok => "ymckok",
            RibbonType::Kb => "kb",
            RibbonType::Kw => "kw",
            RibbonType::Kr => "kr",
            RibbonType::Kbl => "kbl",
            RibbonType::Kgr => "kgr",
            RibbonType::Kgo => "kgo",
            RibbonType::Ksi => "ksi",
            RibbonType::Ksc => "ksc",
            RibbonType::Ko => "ko",
            RibbonType::H => "h",
            RibbonType::Ho => "ho",
            RibbonType::Ktc => "ktc",
            RibbonType::Ktp => "ktp",
            RibbonType::Ka => "ka",
            RibbonType::None => "none",
        }
    }

    /// The ribbon type a wire token names (case-insensitive; the guide writes `Ktc`).
    pub fn from_token(t: &str) -> Option<RibbonType> {
        let t = t.to_ascii_lowercase();
        RIBBONS.into_iter().find(|r| r.token() == t)
    }

    /// Whether this ribbon carries `panel`.
    pub fn has_panel(self, panel: crate::printer::panel::Panel) -> bool {
        use crate::printer::panel::Panel::*;
        match self {
            RibbonType::Ymcko | RibbonType::Ymckos | RibbonType::Ymckok => true,
            RibbonType::Kb
            | RibbonType::Kw
            | RibbonType::Kr
            | RibbonType::Kbl
            | RibbonType::Kgr
            | RibbonType::Kgo
            | RibbonType::Ksi
            | RibbonType::Ksc
            | RibbonType::Ka
            | RibbonType::Ktc
            | RibbonType::Ktp => panel == Black,
            RibbonType::Ko => matches!(panel, Black | Overlay),
            RibbonType::H | RibbonType::Ho | RibbonType::None => false,
        }
    }
}

impl TextAnswer for RibbonType {
    fn from_bytes(bytes: &[u8]) -> Result<Self, AnswerError> {
        std::str::from_utf8(bytes)
            .ok()
            .and_then(RibbonType::from_token)
            .ok_or_else(|| refuse(bytes))
    }
    fn to_bytes(&self) -> Vec<u8> {
        self.token().as_bytes().to_vec()
    }
}

/// A sensor reading (`Rse;x`): the sensor's voltage. The guide gives no format; the
/// emulator answers millivolts as 1 to 5 decimal digits, and so does this parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SensorReading(pub u32);

impl SensorReading {
    /// Millivolts.
    pub fn millivolts(self) -> u32 {
        self.0
    }
}

impl TextAnswer for SensorReading {
    fn from_bytes(bytes: &[u8]) -> Result<Self, AnswerError> {
        decimal(bytes, 5).map(SensorReading)
    }
    fn to_bytes(&self) -> Vec<u8> {
        self.0.to_string().into_bytes()
    }
}

/// Whether the colour ribbon stands on its black (end) mark (`Rcr`): the guide has `OK` when
/// it does not; any `ERR …` text is taken as the mark (the emulator answers `ERR BLACK MARK`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RibbonMark {
    /// `OK`: not on the black mark.
    Ok,
    /// On the black mark: the ribbon is at its end.
    BlackMark,
}

impl TextAnswer for RibbonMark {
    fn from_bytes(bytes: &[u8]) -> Result<Self, AnswerError> {
        match bytes {
            b"OK" => Ok(RibbonMark::Ok),
            b if b.starts_with(b"ERR") => Ok(RibbonMark::BlackMark),
            _ => Err(refuse(bytes)),
        }
    }
    fn to_bytes(&self) -> Vec<u8> {
        match self {
            RibbonMark::Ok => b"OK".to_vec(),
            RibbonMark::BlackMark => b"ERR BLACK MARK".to_vec(),
        }
    }
}

/// The printer's last answer (`Rlr;p`, `Rlr;r`). The guide names `NO CARD`, `ERR CARD` (a card
/// left in the print module or the feeder) and `ERR NEED CLEANING`; `OK` stands for a last
/// answer without trouble (the emulator's choice, see docs/printer.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastAnswer {
    /// `OK`.
    Ok,
    /// `NO CARD`: the last insert found no card in the feeder.
    NoCard,
    /// `ERR CARD`: a card is in the print module or stuck in the feeder.
    ErrCard,
    /// `ERR NEED CLEANING`: the cleaning counter has run out.
    NeedCleaning,
}

impl TextAnswer for LastAnswer {
    fn from_bytes(bytes: &[u8]) -> Result<Self, AnswerError> {
        match bytes {
            b"OK" => Ok(LastAnswer::Ok),
            b"NO CARD" => Ok(LastAnswer::NoCard),
            b"ERR CARD" => Ok(LastAnswer::ErrCard),
            b"ERR NEED CLEANING" => Ok(LastAnswer::NeedCleaning),
            _ => Err(refuse(bytes)),
        }
    }
    fn to_bytes(&self) -> Vec<u8> {
        match self {
            LastAnswer::Ok => b"OK".to_vec(),
            LastAnswer::NoCard => b"NO CARD".to_vec(),
            LastAnswer::ErrCard => b"ERR CARD".to_vec(),
            LastAnswer::NeedCleaning => b"ERR NEED CLEANING".to_vec(),
        }
    }
}

#[cfg(test)]
#[path = "answer_tests.rs"]
mod tests;
