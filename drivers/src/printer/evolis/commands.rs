//! One type per Evolis command, after the programming guide: each knows its bytes, how long the
//! printer may take, and how to read its answer. [`Request`] is the same set seen from the
//! printer's side (the emulator parses into it).

pub use super::request::Request;

use super::answer::{
    AnswerError, CardSensor, Count, CoverSensor, LastResult, NackCode, RawAnswer, RibbonType, Text,
    TextAnswer, CR, ESC,
};
use crate::printer::panel::Panel;
use crate::printer::station::EncoderStation;
use crate::printer::status::PrinterStatus;

/// How long a command may keep the printer busy before it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// Answers at once (reads, settings).
    Quick,
    /// Moves a card or prints a panel before answering.
    Mechanical,
}

/// Why an answer frame does not fit the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerMismatch {
    /// The printer refused with this code.
    Nack(NackCode),
    /// A valid frame of the wrong kind, or text the answer type does not know.
    Unexpected(RawAnswer),
}

/// A command the host sends.
pub trait Command {
    /// What a successful answer carries.
    type Answer;
    /// Short name for logs and errors (`Ss`, `Db;k`, `Rco;c`); never payload data.
    fn name(&self) -> String;
    /// Appends the framed command to `out`.
    fn write(&self, out: &mut Vec<u8>);
    /// The framed command.
    fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::new();
        self.write(&mut v);
        v
    }
    /// Bytes the framed command takes on the wire.
    fn wire_len(&self) -> usize {
        self.to_bytes().len()
    }
    /// How long the printer may take.
    fn timing(&self) -> Timing;
    /// A read that changes nothing in the printer, so it may be sent again after the link lost
    /// step with the printer.
    fn is_read(&self) -> bool {
        false
    }
    /// Reads the answer frame.
    fn answer(&self, raw: RawAnswer) -> Result<Self::Answer, AnswerMismatch>;
}

fn frame(out: &mut Vec<u8>, text: &str) {
    out.push(ESC);
    out.extend_from_slice(text.as_bytes());
    out.push(CR);
}

fn expect_ack(raw: RawAnswer) -> Result<(), AnswerMismatch> {
    match raw {
        RawAnswer::Ack => Ok(()),
        RawAnswer::Nack(code) => Err(AnswerMismatch::Nack(code)),
        other => Err(AnswerMismatch::Unexpected(other)),
    }
}

fn expect_text<A: TextAnswer>(raw: RawAnswer) -> Result<A, AnswerMismatch> {
    match raw {
        RawAnswer::Text(t) => A::from_bytes(&t)
            .map_err(|_: AnswerError| AnswerMismatch::Unexpected(RawAnswer::Text(t))),
        RawAnswer::Nack(code) => Err(AnswerMismatch::Nack(code)),
        other => Err(AnswerMismatch::Unexpected(other)),
    }
}

macro_rules! ack_command {
    ($(#[$doc:meta])* $name:ident, $text:expr, $timing:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name;
        impl Command for $name {
            type Answer = ();
            fn name(&self) -> String { $text.to_string() }
            fn write(&self, out: &mut Vec<u8>) { frame(out, $text) }
            fn timing(&self) -> Timing { $timing }
            fn answer(&self, raw: RawAnswer) -> Result<(), AnswerMismatch> { expect_ack(raw) }
        }
    };
}

macro_rules! read_command {
    ($(#[$doc:meta])* $name:ident, $text:expr, $answer:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name;
        impl Command for $name {
            type Answer = $answer;
            fn name(&self) -> String { $text.to_string() }
            fn write(&self, out: &mut Vec<u8>) { frame(out, $text) }
            fn timing(&self) -> Timing { Timing::Quick }
            fn is_read(&self) -> bool { true }
            fn answer(&self, raw: RawAnswer) -> Result<$answer, AnswerMismatch> { expect_text(raw) }
        }
    };
}

ack_command!(
    /// `Pem;4`: answer every command with ACK or NACK + code.
    AckMode, "Pem;4", Timing::Quick);
ack_command!(
    /// `Ss`: start a card sequence (a card is fed).
    StartSequence, "Ss", Timing::Mechanical);
ack_command!(
    /// `Sr`: the following panels go on the front.
    Recto, "Sr", Timing::Mechanical);
ack_command!(
    /// `Sv`: turn the card; the following panels go on the back.
    Verso, "Sv", Timing::Mechanical);
ack_command!(
    /// `Se`: end the sequence; the card goes to the output hopper.
    EndSequence, "Se", Timing::Mechanical);
ack_command!(
    /// `Ser`: eject the card into the reject box.
    RejectCard, "Ser", Timing::Mechanical);
ack_command!(
    /// `Scs`: clear status.
    ClearStatus, "Scs", Timing::Quick);
ack_command!(
    /// `Srs`: software reset.
    SoftReset, "Srs", Timing::Mechanical);

read_command!(
    /// `Rfv`: firmware version.
    ReadFirmware, "Rfv", Text);
read_command!(
    /// `Rsn`: serial number.
    ReadSerial, "Rsn", Text);
read_command!(
    /// `Rtp`: model.
    ReadModel, "Rtp", Text);
read_command!(
    /// `Rr`: installed ribbon.
    ReadRibbon, "Rr", RibbonType);
read_command!(
    /// `Rse;o`: cover sensor.
    ReadCover, "Rse;o", CoverSensor);
read_command!(
    /// `Rse;p`: card presence sensor.
    ReadCardSensor, "Rse;p", CardSensor);
read_command!(
    /// `Rlr;p`: result of the last operation.
    ReadLastResult, "Rlr;p", LastResult);
read_command!(
    /// `Rst`: status flags (cetak's own command, documented in docs/printer.md).
    ReadStatus, "Rst", PrinterStatus);

/// `Pr;TYPE`: select the ribbon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SelectRibbon(pub RibbonType);

impl Command for SelectRibbon {
    type Answer = ();
    fn name(&self) -> String {
        format!("Pr;{}", self.0.token())
    }
    fn write(&self, out: &mut Vec<u8>) {
        frame(out, &self.name())
    }
    fn timing(&self) -> Timing {
        Timing::Quick
    }
    fn answer(&self, raw: RawAnswer) -> Result<(), AnswerMismatch> {
        expect_ack(raw)
    }
}

/// `Sis` / `Sic`: park the card at an encoder station.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoveToStation(pub EncoderStation);

impl Command for MoveToStation {
    type Answer = ();
    fn name(&self) -> String {
        match self.0 {
            EncoderStation::Contact => "Sis".into(),
            EncoderStation::Contactless => "Sic".into(),
        }
    }
    fn write(&self, out: &mut Vec<u8>) {
        frame(out, &self.name())
    }
    fn timing(&self) -> Timing {
        Timing::Mechanical
    }
    fn answer(&self, raw: RawAnswer) -> Result<(), AnswerMismatch> {
        expect_ack(raw)
    }
}

/// Which counter `Rco` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CounterKind {
    /// `c`: cards inserted (hardware counter).
    CardsInserted,
    /// `p`: panels printed.
    PanelsPrinted,
    /// `l`: cards left on the ribbon.
    RibbonCardsLeft,
}

impl CounterKind {
    /// Parameter letter.
    pub fn letter(self) -> char {
        match self {
            CounterKind::CardsInserted => 'c',
            CounterKind::PanelsPrinted => 'p',
            CounterKind::RibbonCardsLeft => 'l',
        }
    }
}

/// `Rco;X`: read a counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadCounter(pub CounterKind);

impl Command for ReadCounter {
    type Answer = u32;
    fn name(&self) -> String {
        format!("Rco;{}", self.0.letter())
    }
    fn write(&self, out: &mut Vec<u8>) {
        frame(out, &self.name())
    }
    fn is_read(&self) -> bool {
        true
    }
    fn timing(&self) -> Timing {
        Timing::Quick
    }
    fn answer(&self, raw: RawAnswer) -> Result<u32, AnswerMismatch> {
        expect_text::<Count>(raw).map(|c| c.0)
    }
}

/// `Db;panel;levels;<data>` CR: an uncompressed panel (data: exactly one packed panel).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Download<'a> {
    /// Panel.
    pub panel: Panel,
    /// Levels (2 for K/O; 32, 64 or 128 for Y/M/C).
    pub levels: u16,
    /// Packed panel.
    pub data: &'a [u8],
}

impl Command for Download<'_> {
    type Answer = ();
    fn wire_len(&self) -> usize {
        format!("\x1bDb;{};{};", self.panel.letter(), self.levels).len() + self.data.len() + 1
    }
    fn name(&self) -> String {
        format!("Db;{}", self.panel.letter())
    }
    fn write(&self, out: &mut Vec<u8>) {
        out.reserve(self.data.len() + 16);
        out.push(ESC);
        out.extend_from_slice(format!("Db;{};{};", self.panel.letter(), self.levels).as_bytes());
        out.extend_from_slice(self.data);
        out.push(CR);
    }
    fn timing(&self) -> Timing {
        Timing::Mechanical
    }
    fn answer(&self, raw: RawAnswer) -> Result<(), AnswerMismatch> {
        expect_ack(raw)
    }
}

/// `Dbc;panel;levels;first_line;byte_count;<data>` CR: a compressed panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DownloadCompressed<'a> {
    /// Panel.
    pub panel: Panel,
    /// Levels.
    pub levels: u16,
    /// First line the data covers.
    pub first_line: usize,
    /// Compressed data (see `compress`).
    pub data: &'a [u8],
}

impl Command for DownloadCompressed<'_> {
    type Answer = ();
    fn wire_len(&self) -> usize {
        let header = format!(
            "\x1bDbc;{};{};{};{};",
            self.panel.letter(),
            self.levels,
            self.first_line,
            self.data.len()
        );
        header.len() + self.data.len() + 1
    }
    fn name(&self) -> String {
        format!("Dbc;{}", self.panel.letter())
    }
    fn write(&self, out: &mut Vec<u8>) {
        out.reserve(self.data.len() + 32);
        out.push(ESC);
        let header = format!(
            "Dbc;{};{};{};{};",
            self.panel.letter(),
            self.levels,
            self.first_line,
            self.data.len()
        );
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(self.data);
        out.push(CR);
    }
    fn timing(&self) -> Timing {
        Timing::Mechanical
    }
    fn answer(&self, raw: RawAnswer) -> Result<(), AnswerMismatch> {
        expect_ack(raw)
    }
}

#[cfg(test)]
mod tests {
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
            MoveToStation(EncoderStation::Contactless).to_bytes(),
            b"\x1bSic\r"
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
        assert!(matches!(
            StartSequence.answer(RawAnswer::Text(b"OK".to_vec())),
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
}
