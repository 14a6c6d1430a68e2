//! The emulated printer's state machine: commands in, answers (with their mechanical delay)
//! out. Strict to the guide A5013 Rev. E: an undocumented command is a command error (NACK
//! `1`), `Ss` moves nothing, `Si` / `Sis` / `Sic` (or the first panel of a sequence, as in the
//! guide's example) take a card from the feeder, five panel bitmaps are kept between cards
//! and cleared only by `Wcb` (refused inside an open sequence), `Srs` or a power cycle.
//! No I/O except writing the printed card images when a card leaves.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

mod moves;
mod reads;

use super::parser::{Parsed, Parser};
use super::{AnswerMode, CardOutcome, EmulatorConfig, Faults, Port, PrintedCard};
use crate::printer::evolis::answer::{NackCode, RawAnswer, RibbonType, CR};
use crate::printer::evolis::commands::Request;
use crate::printer::layers::Side;
use crate::printer::panel::{Panel, PanelImage};
use crate::printer::station::{EncoderStation, StationCard};

/// Sensor voltages the emulator reports (`Rse`), in millivolts: the guide gives no scale.
pub mod sensor_mv {
    /// Cover shut.
    pub const COVER_SHUT: u32 = 850;
    /// Cover open.
    pub const COVER_OPEN: u32 = 4200;
    /// A card at the card presence sensor.
    pub const CARD: u32 = 700;
    /// No card at the card presence sensor.
    pub const NO_CARD: u32 = 4300;
    /// The other sensors (colour, feeder stop, rotation), steady.
    pub const OTHER: u32 = 2400;
}

/// What the server must do after some input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Wait `delay` (mechanical work), then send `bytes`.
    Answer {
        /// Time the printer takes.
        delay: Duration,
        /// Answer bytes.
        bytes: Vec<u8>,
    },
    /// Drop the link now (injected disconnect).
    Disconnect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Print,
    Station(EncoderStation),
}

struct CurrentCard {
    card: PrintedCard,
    place: Place,
    panels: u32,
    side_started: bool,
}

/// A command's result: `Ok(None)` = done (ACK / `OK`), `Ok(Some(text))` = a read's text.
type Outcome = (Duration, Result<Option<Vec<u8>>, NackCode>);

/// The emulated printer.
pub struct Machine {
    pub(crate) config: EmulatorConfig,
    pub(crate) faults: Faults,
    parser: Parser,
    /// `Pem` ACK/NACK now (parallel / USB port), and as saved (`Pem;…;s`).
    pem_ack: bool,
    pem_ack_saved: bool,
    /// `Pcom` ACK/NACK protocol (stored by the printer).
    com_ack: bool,
    ribbon_setting: RibbonType,
    pub(crate) feeder: u32,
    pub(crate) ribbon_left: u32,
    pub(crate) reject_box: u32,
    pub(crate) hopper: u32,
    pub(crate) cards_inserted: u32,
    pub(crate) panels_printed: u32,
    panels_since_start: u32,
    cards_since_cleaning: u32,
    cleanings: u32,
    pub(crate) cover_open: bool,
    pub(crate) jam: bool,
    /// The side the next downloads go to (`Sr` / `Sv`).
    side: Side,
    /// The five panel bitmaps; they outlive a card (the guide keeps them for reprints).
    bitmaps: BTreeMap<Panel, PanelImage>,
    /// `Ss` was answered and no `Se` / `Ser` / `Seb` / `Srs` since: `Wcb` is refused.
    sequence_open: bool,
    card: Option<CurrentCard>,
    pub(crate) cards: Vec<PrintedCard>,
    to_write: Vec<PrintedCard>,
    /// The last insert found the feeder empty (`Rlr;p` → `NO CARD`).
    no_card: bool,
    commands_seen: u32,
    station: Option<Box<dyn StationCard>>,
}

impl Machine {
    /// A printer in its power-on state.
    pub fn new(mut config: EmulatorConfig) -> Self {
        let station = config.station.take();
        let ribbon_setting = match config.ribbon {
            RibbonType::None => RibbonType::Ymcko,
            r => r,
        };
        Machine {
            faults: config.faults.clone(),
            parser: Parser::default(),
            pem_ack: false,
            pem_ack_saved: false,
            com_ack: false,
            ribbon_setting,
            feeder: config.feeder_cards,
            ribbon_left: config.ribbon_cards,
            reject_box: config.reject_box_cards,
            hopper: 0,
            cards_inserted: config.cards_inserted_start,
            panels_printed: 0,
            panels_since_start: 0,
            cards_since_cleaning: 0,
            cleanings: 0,
            cover_open: config.faults.cover_open,
            jam: false,
            side: Side::Front,
            bitmaps: BTreeMap::new(),
            sequence_open: false,
            card: None,
            cards: Vec::new(),
            to_write: Vec::new(),
            no_card: false,
            commands_seen: 0,
            station,
            config,
        }
    }

    /// A new host connection starts a fresh command stream: a half-received command from a
    /// host that went away (killed mid-download) must not swallow the next host's bytes.
    pub(crate) fn new_link(&mut self) {
        self.parser = Parser::default();
    }

    /// Switched off and on: settings not saved and the panel bitmaps are lost; counters,
    /// stored settings (`Pcom`, saved `Pem`) and whatever is physically inside stay.
    pub(crate) fn power_cycle(&mut self) {
        self.parser = Parser::default();
        self.restart();
    }

    fn restart(&mut self) {
        self.pem_ack = self.pem_ack_saved;
        self.bitmaps.clear();
        self.sequence_open = false;
        self.side = Side::Front;
        self.no_card = false;
    }

    /// The operator emptied the reject box.
    pub(crate) fn empty_reject_box(&mut self) {
        self.reject_box = 0;
    }

    /// The operator took the cards out of the output hopper.
    pub(crate) fn empty_hopper(&mut self) {
        self.hopper = 0;
    }

    /// The operator ran a cleaning.
    pub(crate) fn cleaned(&mut self) {
        self.cards_since_cleaning = 0;
        self.cleanings += 1;
    }

    /// Consumes input bytes that came in on `port`; returns what to send back, in order.
    pub fn feed(&mut self, input: &[u8], port: Port) -> Vec<Reply> {
        let mut parsed = Vec::new();
        self.parser.feed(input, &mut parsed);
        let mut replies = Vec::new();
        for p in parsed {
            self.commands_seen = self.commands_seen.saturating_add(1);
            if self
                .faults
                .disconnect_after_commands
                .is_some_and(|n| self.commands_seen > n)
            {
                self.faults.disconnect_after_commands = None;
                replies.push(Reply::Disconnect);
                return replies;
            }
            let (delay, result) = match p {
                Parsed::Request(r) => self.handle(r),
                Parsed::Malformed(code) => (Duration::ZERO, Err(code)),
            };
            let mut bytes = self.encode(result, port);
            if self
                .faults
                .garble_after_commands
                .is_some_and(|n| self.commands_seen > n)
            {
                bytes = garble(&bytes);
            }
            let delay = delay.mul_f64(self.config.time_scale.max(0.0)) + self.faults.answer_delay;
            replies.push(Reply::Answer { delay, bytes });
        }
        replies
    }

    /// Whether answers on `port` are ACK / NACK now: `Pem` governs the parallel / USB port,
    /// `Pcom` the serial one.
    fn ack_nack(&self, port: Port) -> bool {
        self.config.answers.mode == AnswerMode::Guide
            && match port {
                Port::Serial => self.com_ack,
                Port::Usb => self.pem_ack,
            }
    }

    fn encode(&self, result: Result<Option<Vec<u8>>, NackCode>, port: Port) -> Vec<u8> {
        let raw = match (result, self.ack_nack(port)) {
            (Ok(Some(text)), _) => RawAnswer::Text(text),
            (Ok(None), true) => RawAnswer::Ack,
            (Err(code), true) => RawAnswer::Nack(code),
            (Ok(None), false) => RawAnswer::Text(b"OK".to_vec()),
            (Err(code), false) => {
                RawAnswer::Text(format!("ERR {}", code.to_byte() as char).into_bytes())
            }
        };
        raw.to_bytes_ending(self.config.answers.ending)
    }

    fn ribbon_ended(&self) -> bool {
        self.ribbon_left == 0
            || self
                .faults
                .ribbon_end_after_panels
                .is_some_and(|n| self.panels_since_start >= n)
    }

    fn needs_cleaning(&self) -> bool {
        self.cards_since_cleaning >= self.config.cleaning_after_cards
    }

    fn handle(&mut self, req: Request) -> Outcome {
        let zero = Duration::ZERO;
        match req {
            Request::ErrorManagement { value, save } => {
                // 4 sets ACK/NACK without changing the rest, 5 changes nothing here; other
                // values are the bit field, bit 4 (8) being the ACK/NACK protocol.
                let ack = match value {
                    4 => true,
                    5 => self.pem_ack,
                    v => v & 0x08 != 0,
                };
                self.pem_ack = ack;
                if save {
                    self.pem_ack_saved = ack;
                }
                (zero, Ok(None))
            }
            Request::SerialPort { ack_nack, .. } => {
                self.com_ack = ack_nack;
                (zero, Ok(None))
            }
            Request::SelectRibbon(r) => {
                self.ribbon_setting = r;
                (zero, Ok(None))
            }
            Request::ClearStatus => {
                self.no_card = false;
                (zero, Ok(None))
            }
            Request::ClearBitmap { panel, fill } => self.clear_bitmap(panel, fill),
            Request::SoftReset => {
                if self.jam {
                    // Emulator simplification: the reset stands for the operator pulling the
                    // stuck card out.
                    self.jam = false;
                    self.finish_card(CardOutcome::Jammed);
                } else if self.card.is_some() {
                    self.finish_card(CardOutcome::Rejected);
                    self.reject_box += 1;
                }
                self.restart();
                (self.config.timings.eject, Ok(None))
            }
            read @ (Request::ReadFirmware
            | Request::ReadSerial
            | Request::ReadModel
            | Request::ReadRibbon
            | Request::ReadRibbonMark
            | Request::ReadCounter(_)
            | Request::ReadSensor(_)
            | Request::ReadLastAnswer(_)) => self.read(read),
            other => self.mechanical(other),
        }
    }

    /// Where printed card images go, if anywhere.
    pub fn out_dir(&self) -> Option<&PathBuf> {
        self.config.out_dir.as_ref()
    }

    /// Cards that left the printer and still have to be written as PNG; the server writes them
    /// after answering, outside the lock, so image encoding never delays an answer.
    pub(crate) fn to_write_is_empty(&self) -> bool {
        self.to_write.is_empty()
    }

    pub(crate) fn take_to_write(&mut self) -> Vec<PrintedCard> {
        std::mem::take(&mut self.to_write)
    }
}

/// A corrupted answer: control bytes and no valid frame.
fn garble(bytes: &[u8]) -> Vec<u8> {
    let mut v: Vec<u8> = bytes.iter().map(|b| b ^ 0x5A).collect();
    v.insert(0, 0x01);
    v.push(CR);
    v
}
