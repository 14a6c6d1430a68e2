//! One type per Evolis command, after the programming guide A5013 Rev. E: each knows its bytes,
//! how long the printer may take, and how to read its answer in either answer mode (ACK/NACK or
//! plain text). Only commands the guide documents are here. [`Request`] is the same set seen
//! from the printer's side (the emulator parses into it).

pub use super::request::Request;
pub use reads::{CounterKind, LastAnswerKind, ReadCounter, ReadLastAnswer, ReadSensor, Sensor};

mod reads;

use super::answer::{
    AnswerError, NackCode, RawAnswer, RibbonMark, RibbonType, Text, TextAnswer, CR, ESC,
};
use crate::printer::panel::Panel;
use crate::printer::station::EncoderStation;
use crate::transport::Parity;

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
    /// The printer refused with this code (ACK/NACK mode).
    Nack(NackCode),
    /// The printer refused in plain text (`ERR …`); the text is kept.
    Refused(Vec<u8>),
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

/// A setting or card move: ACK, or `OK` in plain-text mode.
fn expect_ack(raw: RawAnswer) -> Result<(), AnswerMismatch> {
    match raw {
        RawAnswer::Ack => Ok(()),
        r if r.is_plain_ok() => Ok(()),
        RawAnswer::Nack(code) => Err(AnswerMismatch::Nack(code)),
        RawAnswer::Text(t) if t.starts_with(b"ERR") => Err(AnswerMismatch::Refused(t)),
        other => Err(AnswerMismatch::Unexpected(other)),
    }
}

/// A read: its text, in either mode.
fn expect_text<A: TextAnswer>(raw: RawAnswer) -> Result<A, AnswerMismatch> {
    match raw {
        RawAnswer::Text(t) => match A::from_bytes(&t) {
            Ok(a) => Ok(a),
            Err(AnswerError { .. }) if t.starts_with(b"ERR") => Err(AnswerMismatch::Refused(t)),
            Err(_) => Err(AnswerMismatch::Unexpected(RawAnswer::Text(t))),
        },
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
    /// `Pem;4`: answer with ACK / NACK on the parallel / USB port (guide: "does not change the
    /// previous Pem value but it sets the ACK/NACK Mode"). Not saved: gone after a power cycle
    /// or `Srs`.
    AckMode, "Pem;4", Timing::Quick);
ack_command!(
    /// `Ss`: opens a command sequence. Moves nothing.
    StartSequence, "Ss", Timing::Quick);
ack_command!(
    /// `Si`: takes a card from the feeder to the print position.
    Insert, "Si", Timing::Mechanical);
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
    /// `Scs`: clear status.
    ClearStatus, "Scs", Timing::Quick);
ack_command!(
    /// `Srs`: software reset ("like when we restart it").
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
    /// `Rr`: the ribbon type set in the printer's memory.
    ReadRibbon, "Rr", RibbonType);
read_command!(
    /// `Rcr`: whether the colour ribbon stands on its black (end) mark.
    ReadRibbonMark, "Rcr", RibbonMark);

/// `Pcom;port;speed;parity;8;1;ACK/NACK`: the serial port's settings with the ACK/NACK
/// protocol (guide section 5). The printer stores them; speed and parity are the link's own,
/// so the line keeps working.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SerialAckMode {
    /// The printer's serial port (1 or 2).
    pub port: u8,
    /// Bits per second.
    pub baud: u32,
    /// Parity.
    pub parity: Parity,
}

impl Command for SerialAckMode {
    type Answer = ();
    fn name(&self) -> String {
        let parity = match self.parity {
            Parity::None => 'N',
            Parity::Even => 'E',
            Parity::Odd => 'O',
        };
        format!("Pcom;{};{};{parity};8;1;ACK/NACK", self.port, self.baud)
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

/// Which reject box a rejected card goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RejectBox {
    /// `Ser`: the box under the output hopper.
    #[default]
    UnderHopper,
    /// `Seb`: the box under the feeder.
    UnderFeeder,
}

/// `Ser` / `Seb`: eject the card into a reject box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RejectCard(pub RejectBox);

impl Command for RejectCard {
    type Answer = ();
    fn name(&self) -> String {
        match self.0 {
            RejectBox::UnderHopper => "Ser".into(),
            RejectBox::UnderFeeder => "Seb".into(),
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

/// `Wcb;p1[;p2]`: clear a panel bitmap (`p1` = `y m c k o`, or `a` for all five) to 0, or
/// set every byte to `p2`. The guide: not between `Ss` and `Se` (error recovery in `Pem;0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClearBitmap {
    /// The bitmap; `None` = all (`a`).
    pub panel: Option<Panel>,
    /// The value every byte is set to; `None` = the guide's default, 0 (no ink).
    pub fill: Option<u8>,
}

impl Command for ClearBitmap {
    type Answer = ();
    fn name(&self) -> String {
        let p = self.panel.map_or('a', |p| p.letter());
        match self.fill {
            Some(v) => format!("Wcb;{p};{v}"),
            None => format!("Wcb;{p}"),
        }
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

/// `Sis` / `Sic`: take a card from the feeder to an encoder station (offset `Pos` / `Poc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InsertToStation(pub EncoderStation);

impl Command for InsertToStation {
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
#[path = "commands_tests.rs"]
mod tests;
