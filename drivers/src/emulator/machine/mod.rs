//! The emulated printer's state machine: commands in, answers (with their mechanical delay)
//! out. Strict to the guide A5013 Rev. E: an undocumented command is a command error (NACK
//! `1`), `Ss` moves nothing, `Si` / `Sis` / `Sic` (or the first panel of a sequence, as in the
//! guide's example) take a card from the feeder, five panel bitmaps are kept between cards
//! and cleared only by `Wcb` (refused inside an open sequence), `Srs` or a power cycle.
//! No I/O except writing the printed card images when a card leaves.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Duration;

mod reads;

use super::parser::{Parsed, Parser};
use super::{AnswerMode, CardOutcome, EmulatorConfig, Faults, Port, PrintedCard, PrintedSide};
use crate::printer::evolis::answer::{NackCode, RawAnswer, RibbonType, CR};
use crate::printer::evolis::commands::Request;
use crate::printer::layers::Side;
use crate::printer::panel::{dequantise, quantise, Panel, PanelImage, DOTS};
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

    fn mechanical(&mut self, req: Request) -> Outcome {
        let t = self.config.timings;
        let zero = Duration::ZERO;
        if matches!(req, Request::StartSequence) {
            self.sequence_open = true;
            return (zero, Ok(None)); // opens a sequence; nothing moves
        }
        if self.jam {
            return (zero, Err(NackCode::Mechanical));
        }
        if self.cover_open {
            return (zero, Err(NackCode::Cover));
        }
        match req {
            Request::Insert => self.insert(Place::Print),
            Request::InsertToStation(station) => self.insert(Place::Station(station)),
            Request::Recto | Request::Verso => {
                let side = if req == Request::Recto {
                    Side::Front
                } else {
                    Side::Back
                };
                if side == Side::Back && !self.config.dual_side {
                    return (zero, Err(NackCode::Command));
                }
                let turn = self.card.is_some() && self.side != side;
                self.side = side;
                if let Some(card) = self.card.as_mut() {
                    card.side_started = false;
                }
                self.leave_station();
                (if turn { t.flip } else { zero }, Ok(None))
            }
            Request::Download {
                panel,
                levels,
                data,
            } => match PanelImage::unpack(panel, levels, &data) {
                Some(img) => self.download(img, data.len() + 16, false),
                None => (zero, Err(NackCode::Parameter)),
            },
            Request::DownloadCompressed {
                panel,
                levels,
                first_line,
                data,
            } => {
                // Lines the download does not cover keep what the bitmap held.
                let mut img = self
                    .bitmaps
                    .get(&panel)
                    .cloned()
                    .unwrap_or_else(|| PanelImage::blank(panel, levels));
                if img.levels != levels && panel.is_colour() && levels != 2 {
                    // The kept lines keep their density at the new level count.
                    for v in img.values.iter_mut() {
                        *v = quantise(dequantise(*v, img.levels), levels);
                    }
                    img.levels = levels;
                }
                match crate::printer::evolis::compress::decompress_into(
                    &mut img, levels, first_line, &data,
                ) {
                    Ok(_) => self.download(img, data.len() + 24, true),
                    Err(e) => {
                        tracing::debug!(error = %e, "emulator refuses Dbc data");
                        (zero, Err(NackCode::Parameter))
                    }
                }
            }
            Request::EndSequence => {
                if self.card.is_none() {
                    return (zero, Err(NackCode::Command));
                }
                if self.hopper >= self.config.hopper_capacity {
                    return (zero, Err(NackCode::Mechanical));
                }
                self.hopper += 1;
                self.sequence_open = false;
                self.finish_card(CardOutcome::Ejected);
                (t.eject, Ok(None))
            }
            Request::Reject(_) => {
                if self.card.is_none() {
                    return (zero, Err(NackCode::Command));
                }
                if self.reject_box >= self.config.reject_capacity {
                    return (zero, Err(NackCode::Mechanical));
                }
                self.reject_box += 1;
                self.sequence_open = false;
                self.finish_card(CardOutcome::Rejected);
                (t.eject, Ok(None))
            }
            _ => (zero, Err(NackCode::Command)),
        }
    }

    /// `Wcb`: a bitmap (or all five) set to `fill`. [choice] K / O: each byte is 8 dots, first
    /// dot in the MSB (as `Db` packs them), so 255 is full resin / varnish; Y / M / C: every
    /// dot gets the density `fill` (0 none, 255 full) at the bitmap's level count (32 when it
    /// never had a download). Refused (NACK `1`) between `Ss` and `Se`, as the guide says,
    /// whatever the `Pem` mode (stricter than the guide, which names `Pem;0`).
    fn clear_bitmap(&mut self, panel: Option<Panel>, fill: u8) -> Outcome {
        if self.sequence_open {
            return (Duration::ZERO, Err(NackCode::Command));
        }
        let panels: Vec<Panel> = match panel {
            Some(p) => vec![p],
            None => Panel::ALL.to_vec(),
        };
        for p in panels {
            let img = if p.is_colour() {
                let levels = self.bitmaps.get(&p).map_or(32, |b| b.levels);
                PanelImage {
                    panel: p,
                    levels,
                    values: vec![quantise(fill, levels); crate::printer::panel::LINES * DOTS],
                }
            } else {
                let mut img = PanelImage::blank(p, 2);
                for (i, v) in img.values.iter_mut().enumerate() {
                    *v = (fill >> (7 - i % 8)) & 1;
                }
                img
            };
            self.bitmaps.insert(p, img);
        }
        (Duration::ZERO, Ok(None))
    }

    /// Takes a card from the feeder to `place`.
    fn insert(&mut self, place: Place) -> Outcome {
        let t = self.config.timings;
        let zero = Duration::ZERO;
        if self.card.is_some() {
            return (zero, Err(NackCode::Mechanical)); // a second card into the mechanism
        }
        if self.ribbon_ended() || self.config.ribbon == RibbonType::None {
            return (zero, Err(NackCode::Ribbon));
        }
        if self.feeder == 0 {
            self.no_card = true;
            return (t.feed, Err(NackCode::Feeder));
        }
        self.no_card = false;
        self.feeder -= 1;
        self.cards_inserted = self.cards_inserted.wrapping_add(1);
        self.cards_since_cleaning = self.cards_since_cleaning.saturating_add(1);
        self.card = Some(CurrentCard {
            card: PrintedCard {
                number: self.cards_inserted,
                sides: HashMap::new(),
                stations: Vec::new(),
                outcome: CardOutcome::InPrinter,
            },
            place,
            panels: 0,
            side_started: false,
        });
        let mut delay = t.feed;
        if let Place::Station(station) = place {
            if let Some(card) = self.card.as_mut() {
                card.card.stations.push(station);
            }
            if let Some(s) = self.station.as_mut() {
                s.card_parked(station);
            }
            delay += t.station;
        }
        (delay, Ok(None))
    }

    /// A panel arrived in its bitmap: print it on the card, taking one from the feeder first
    /// when none is inside (the guide's example sequence has no `Si`).
    fn download(&mut self, img: PanelImage, wire_bytes: usize, compressed: bool) -> Outcome {
        let zero = Duration::ZERO;
        let mut delay = zero;
        if self.card.is_none() {
            match self.insert(Place::Print) {
                (d, Ok(_)) => delay = d,
                refused => return refused,
            }
        }
        let (d, result) = self.print_panel(img, wire_bytes, compressed);
        (delay + d, result)
    }

    fn print_panel(&mut self, img: PanelImage, wire_bytes: usize, compressed: bool) -> Outcome {
        let zero = Duration::ZERO;
        let t = self.config.timings;
        if !self.ribbon_setting.has_panel(img.panel) || !self.config.ribbon.has_panel(img.panel) {
            return (zero, Err(NackCode::Ribbon));
        }
        if self.ribbon_ended() {
            return (zero, Err(NackCode::Ribbon));
        }
        self.leave_station();
        let jam_at = self.faults.jam_at_panel;
        let side_now = self.side;
        let Some(card) = self.card.as_mut() else {
            return (zero, Err(NackCode::Command));
        };
        let side = card
            .card
            .sides
            .entry(side_now)
            .or_insert_with(PrintedSide::default);
        if side.panels.contains_key(&img.panel) {
            return (zero, Err(NackCode::Parameter));
        }
        card.panels += 1;
        if jam_at.is_some_and(|n| card.panels >= n) {
            self.faults.jam_at_panel = None;
            self.jam = true;
            return (t.colour_panel / 2, Err(NackCode::Mechanical));
        }
        if !card.side_started {
            card.side_started = true;
            self.ribbon_left = self.ribbon_left.saturating_sub(1);
        }
        let delay = if img.panel.is_colour() {
            t.colour_panel
        } else {
            t.mono_panel
        };
        side.downloads.push(super::DownloadRecord {
            panel: img.panel,
            compressed,
            wire_bytes,
        });
        side.panels.insert(img.panel, img.clone());
        self.bitmaps.insert(img.panel, img);
        self.panels_printed = self.panels_printed.wrapping_add(1);
        self.panels_since_start += 1;
        (delay, Ok(None))
    }

    fn leave_station(&mut self) {
        if let Some(card) = self.card.as_mut() {
            if matches!(card.place, Place::Station(_)) {
                card.place = Place::Print;
                if let Some(s) = self.station.as_mut() {
                    s.card_left();
                }
            }
        }
    }

    fn finish_card(&mut self, outcome: CardOutcome) {
        self.leave_station();
        if let Some(mut current) = self.card.take() {
            current.card.outcome = outcome;
            if self.config.out_dir.is_some() {
                self.to_write.push(current.card.clone());
            }
            self.cards.push(current.card);
        }
        self.side = Side::Front;
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
