//! The emulated printer's state machine: commands in, answers (with their mechanical delay)
//! out. No I/O except writing the printed card images when a card leaves.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use super::parser::{Parsed, Parser};
use super::{CardOutcome, EmulatorConfig, Faults, PrintedCard, PrintedSide};
use crate::printer::evolis::answer::{
    CardSensor, Count, CoverSensor, LastResult, NackCode, RawAnswer, RibbonType, Text, TextAnswer,
    CR,
};
use crate::printer::evolis::commands::{CounterKind, Request};
use crate::printer::evolis::compress::decompress;
use crate::printer::layers::Side;
use crate::printer::panel::PanelImage;
use crate::printer::station::{EncoderStation, StationCard};
use crate::printer::status::{PrinterStatus, StatusFlag};

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
    side: Side,
    place: Place,
    panels: u32,
    side_started: bool,
}

/// The emulated printer.
pub struct Machine {
    pub(crate) config: EmulatorConfig,
    pub(crate) faults: Faults,
    parser: Parser,
    ack_mode: bool,
    selected_ribbon: RibbonType,
    pub(crate) feeder: u32,
    pub(crate) ribbon_left: u32,
    pub(crate) reject_box: u32,
    pub(crate) hopper: u32,
    pub(crate) cards_inserted: u32,
    pub(crate) panels_printed: u32,
    panels_since_start: u32,
    pub(crate) cover_open: bool,
    pub(crate) jam: bool,
    card: Option<CurrentCard>,
    pub(crate) cards: Vec<PrintedCard>,
    to_write: Vec<PrintedCard>,
    last_result: LastResult,
    commands_seen: u32,
    station: Option<Box<dyn StationCard>>,
}

impl Machine {
    /// A printer in its power-on state.
    pub fn new(mut config: EmulatorConfig) -> Self {
        let station = config.station.take();
        Machine {
            faults: config.faults.clone(),
            parser: Parser::default(),
            ack_mode: false,
            selected_ribbon: config.ribbon,
            feeder: config.feeder_cards,
            ribbon_left: config.ribbon_cards,
            reject_box: 0,
            hopper: 0,
            cards_inserted: config.cards_inserted_start,
            panels_printed: 0,
            panels_since_start: 0,
            cover_open: config.faults.cover_open,
            jam: false,
            card: None,
            cards: Vec::new(),
            to_write: Vec::new(),
            last_result: LastResult::Ok,
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

    /// Consumes input bytes; returns what to send back, in order.
    pub fn feed(&mut self, input: &[u8]) -> Vec<Reply> {
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
            let mut bytes = self.encode(result);
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

    fn encode(&self, result: Result<Option<RawAnswer>, NackCode>) -> Vec<u8> {
        match (result, self.ack_mode) {
            (Ok(Some(text)), _) => text.to_bytes(),
            (Ok(None), true) => RawAnswer::Ack.to_bytes(),
            (Err(code), true) => RawAnswer::Nack(code).to_bytes(),
            (Ok(None), false) => RawAnswer::Text(b"OK".to_vec()).to_bytes(),
            (Err(code), false) => {
                RawAnswer::Text(format!("ERR {}", code.to_byte() as char).into_bytes()).to_bytes()
            }
        }
    }

    /// Current status flags.
    pub fn status(&self) -> PrinterStatus {
        let mut s = PrinterStatus::default();
        s.set(StatusFlag::FeederEmpty, self.feeder == 0);
        s.set(
            StatusFlag::FeederNearEmpty,
            self.feeder > 0 && self.feeder <= 5,
        );
        s.set(StatusFlag::RibbonEnded, self.ribbon_ended());
        s.set(
            StatusFlag::RibbonLow,
            !self.ribbon_ended() && self.ribbon_left <= 10,
        );
        s.set(
            StatusFlag::RibbonMissing,
            self.config.ribbon == RibbonType::None,
        );
        s.set(StatusFlag::CoverOpen, self.cover_open);
        s.set(StatusFlag::CardJam, self.jam);
        s.set(
            StatusFlag::RejectBoxFull,
            self.reject_box >= self.config.reject_capacity,
        );
        s.set(
            StatusFlag::RejectBoxNearFull,
            self.reject_box < self.config.reject_capacity
                && self.reject_box + 2 >= self.config.reject_capacity,
        );
        s.set(
            StatusFlag::OutputHopperFull,
            self.hopper >= self.config.hopper_capacity,
        );
        if let Some(c) = &self.card {
            s.set(
                match c.place {
                    Place::Print => StatusFlag::CardInside,
                    Place::Station(EncoderStation::Contact) => StatusFlag::CardAtContact,
                    Place::Station(EncoderStation::Contactless) => StatusFlag::CardAtContactless,
                },
                true,
            );
        }
        s
    }

    fn ribbon_ended(&self) -> bool {
        self.ribbon_left == 0
            || self
                .faults
                .ribbon_end_after_panels
                .is_some_and(|n| self.panels_since_start >= n)
    }

    fn text<A: TextAnswer>(a: A) -> Result<Option<RawAnswer>, NackCode> {
        Ok(Some(RawAnswer::Text(a.to_bytes())))
    }

    fn handle(&mut self, req: Request) -> (Duration, Result<Option<RawAnswer>, NackCode>) {
        let t = self.config.timings;
        match req {
            Request::AckMode(n) => {
                self.ack_mode = n == 4;
                (Duration::ZERO, Ok(None))
            }
            Request::SelectRibbon(r) => {
                self.selected_ribbon = r;
                (Duration::ZERO, Ok(None))
            }
            Request::ClearStatus => {
                self.last_result = LastResult::Ok;
                (Duration::ZERO, Ok(None))
            }
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
                // The answer mode (`Pem`) is a stored setting: it survives the reset.
                self.last_result = LastResult::Ok;
                (t.eject, Ok(None))
            }
            Request::ReadFirmware => (
                Duration::ZERO,
                Self::text(Text(self.config.firmware.clone())),
            ),
            Request::ReadSerial => (Duration::ZERO, Self::text(Text(self.config.serial.clone()))),
            Request::ReadModel => (Duration::ZERO, Self::text(Text(self.config.model.clone()))),
            Request::ReadRibbon => (Duration::ZERO, Self::text(self.config.ribbon)),
            Request::ReadCounter(kind) => {
                let n = match kind {
                    CounterKind::CardsInserted => self.cards_inserted,
                    CounterKind::PanelsPrinted => self.panels_printed,
                    CounterKind::RibbonCardsLeft => self.ribbon_left,
                };
                (Duration::ZERO, Self::text(Count(n)))
            }
            Request::ReadCover => (
                Duration::ZERO,
                Self::text(if self.cover_open {
                    CoverSensor::Open
                } else {
                    CoverSensor::Closed
                }),
            ),
            Request::ReadCardSensor => (
                Duration::ZERO,
                Self::text(if self.card.is_some() {
                    CardSensor::Card
                } else {
                    CardSensor::NoCard
                }),
            ),
            Request::ReadLastResult => (Duration::ZERO, Self::text(self.last_result)),
            Request::ReadStatus => (Duration::ZERO, Self::text(self.status())),
            other => {
                let r = self.mechanical(other);
                if let Err(code) = &r.1 {
                    self.last_result = match code {
                        NackCode::Feeder => LastResult::NoCard,
                        NackCode::Cover => LastResult::ErrCover,
                        NackCode::Ribbon => LastResult::ErrRibbon,
                        NackCode::Mechanical => LastResult::ErrCard,
                        _ => self.last_result,
                    };
                } else {
                    self.last_result = LastResult::Ok;
                }
                r
            }
        }
    }

    fn mechanical(&mut self, req: Request) -> (Duration, Result<Option<RawAnswer>, NackCode>) {
        let t = self.config.timings;
        let zero = Duration::ZERO;
        if self.jam {
            return (zero, Err(NackCode::Mechanical));
        }
        if self.cover_open {
            return (zero, Err(NackCode::Cover));
        }
        match req {
            Request::StartSequence => {
                if self.card.is_some() {
                    return (zero, Err(NackCode::Command));
                }
                if self.reject_box >= self.config.reject_capacity
                    || self.hopper >= self.config.hopper_capacity
                {
                    return (zero, Err(NackCode::Mechanical));
                }
                if self.ribbon_ended() || self.config.ribbon == RibbonType::None {
                    return (zero, Err(NackCode::Ribbon));
                }
                if self.feeder == 0 {
                    return (t.feed, Err(NackCode::Feeder));
                }
                self.feeder -= 1;
                self.cards_inserted = self.cards_inserted.wrapping_add(1);
                self.card = Some(CurrentCard {
                    card: PrintedCard {
                        number: self.cards_inserted,
                        sides: HashMap::new(),
                        stations: Vec::new(),
                        outcome: CardOutcome::InPrinter,
                    },
                    side: Side::Front,
                    place: Place::Print,
                    panels: 0,
                    side_started: false,
                });
                (t.feed, Ok(None))
            }
            Request::Recto | Request::Verso => {
                let dual = self.config.dual_side;
                let side = if req == Request::Recto {
                    Side::Front
                } else {
                    Side::Back
                };
                if side == Side::Back && !dual {
                    return (zero, Err(NackCode::Command));
                }
                let Some(card) = self.card.as_mut() else {
                    return (zero, Err(NackCode::Command));
                };
                let turn = card.side != side;
                card.side = side;
                card.side_started = false;
                self.leave_station();
                (if turn { t.flip } else { zero }, Ok(None))
            }
            Request::MoveToStation(station) => {
                let Some(card) = self.card.as_mut() else {
                    return (zero, Err(NackCode::Command));
                };
                if card.place == Place::Station(station) {
                    return (zero, Ok(None));
                }
                self.leave_station();
                if let Some(card) = self.card.as_mut() {
                    card.place = Place::Station(station);
                    card.card.stations.push(station);
                }
                if let Some(s) = self.station.as_mut() {
                    s.card_parked(station);
                }
                (t.station, Ok(None))
            }
            Request::Download {
                panel,
                levels,
                data,
            } => match PanelImage::unpack(panel, levels, &data) {
                Some(img) => self.print_panel(img, data.len() + 16, false),
                None => (zero, Err(NackCode::Parameter)),
            },
            Request::DownloadCompressed {
                panel,
                levels,
                first_line,
                data,
            } => match decompress(panel, levels, first_line, &data) {
                Ok(img) => self.print_panel(img, data.len() + 24, true),
                Err(_) => (zero, Err(NackCode::Parameter)),
            },
            Request::EndSequence => {
                if self.card.is_none() {
                    return (zero, Err(NackCode::Command));
                }
                if self.hopper >= self.config.hopper_capacity {
                    return (zero, Err(NackCode::Mechanical));
                }
                self.hopper += 1;
                self.finish_card(CardOutcome::Ejected);
                (t.eject, Ok(None))
            }
            Request::Reject => {
                if self.card.is_none() {
                    return (zero, Err(NackCode::Command));
                }
                if self.reject_box >= self.config.reject_capacity {
                    return (zero, Err(NackCode::Mechanical));
                }
                self.reject_box += 1;
                self.finish_card(CardOutcome::Rejected);
                (t.eject, Ok(None))
            }
            _ => (zero, Err(NackCode::Command)),
        }
    }

    fn print_panel(
        &mut self,
        img: PanelImage,
        wire_bytes: usize,
        compressed: bool,
    ) -> (Duration, Result<Option<RawAnswer>, NackCode>) {
        let zero = Duration::ZERO;
        let t = self.config.timings;
        if self.card.is_none() {
            return (zero, Err(NackCode::Command));
        }
        if !self.selected_ribbon.has_panel(img.panel) || !self.config.ribbon.has_panel(img.panel) {
            return (zero, Err(NackCode::Ribbon));
        }
        if self.ribbon_ended() {
            return (zero, Err(NackCode::Ribbon));
        }
        self.leave_station();
        let jam_at = self.faults.jam_at_panel;
        let Some(card) = self.card.as_mut() else {
            return (zero, Err(NackCode::Command));
        };
        let side = card
            .card
            .sides
            .entry(card.side)
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
        side.panels.insert(img.panel, img);
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
    v.insert(0, 0x00);
    v.push(CR);
    v
}
