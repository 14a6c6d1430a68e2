//! The reads of the emulated printer: identity, counters, ribbon, sensor voltages and the last
//! answer (the guide's `R…` commands), and the physical truth for tests.

use std::time::Duration;

use super::{sensor_mv, Machine, Outcome, Place};
use crate::printer::evolis::answer::{
    Count, LastAnswer, RibbonMark, RibbonType, SensorReading, Text, TextAnswer,
};
use crate::printer::evolis::commands::{CounterKind, LastAnswerKind, Request, Sensor};
use crate::printer::station::EncoderStation;
use crate::printer::status::{PrinterStatus, StatusFlag};

impl Machine {
    /// The physical truth, as flags (for tests and the demo; the driver cannot read this).
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
        s.set(StatusFlag::CleaningRequired, self.needs_cleaning());
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

    fn text<A: TextAnswer>(a: A) -> Outcome {
        (Duration::ZERO, Ok(Some(a.to_bytes())))
    }

    /// Answers a read command.
    pub(super) fn read(&mut self, req: Request) -> Outcome {
        match req {
            Request::ReadFirmware => Self::text(Text(self.config.firmware.clone())),
            Request::ReadSerial => Self::text(Text(self.config.serial.clone())),
            Request::ReadModel => Self::text(Text(self.config.model.clone())),
            Request::ReadRibbon => Self::text(self.ribbon_setting),
            Request::ReadRibbonMark => Self::text(if self.ribbon_ended() {
                RibbonMark::BlackMark
            } else {
                RibbonMark::Ok
            }),
            Request::ReadCounter(kind) => Self::text(Count(match kind {
                CounterKind::CardsInserted => self.cards_inserted,
                CounterKind::PanelsPrinted => self.panels_printed,
                CounterKind::RibbonCardsLeft => self.ribbon_left,
                CounterKind::CleaningAverage | CounterKind::CleaningMaximum => {
                    self.config.cleaning_after_cards
                }
                CounterKind::Cleanings => self.cleanings,
            })),
            Request::ReadSensor(sensor) => Self::text(SensorReading(match sensor {
                Sensor::Cover if self.cover_open => sensor_mv::COVER_OPEN,
                Sensor::Cover => sensor_mv::COVER_SHUT,
                Sensor::CardPresence if self.card.is_some() || self.jam => sensor_mv::CARD,
                Sensor::CardPresence => sensor_mv::NO_CARD,
                _ => sensor_mv::OTHER,
            })),
            Request::ReadLastAnswer(LastAnswerKind::Card) => Self::text(self.last_card_answer()),
            Request::ReadLastAnswer(LastAnswerKind::Cleaning) => {
                Self::text(if self.needs_cleaning() {
                    LastAnswer::NeedCleaning
                } else {
                    self.last_card_answer()
                })
            }
            _ => (
                Duration::ZERO,
                Err(crate::printer::evolis::answer::NackCode::Command),
            ),
        }
    }

    fn last_card_answer(&self) -> LastAnswer {
        if self.card.is_some() || self.jam {
            LastAnswer::ErrCard
        } else if self.no_card {
            LastAnswer::NoCard
        } else {
            LastAnswer::Ok
        }
    }
}
