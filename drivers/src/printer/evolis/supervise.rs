//! Supervision from what the guide gives: the NACK code (or plain `ERR …` text) of the failing
//! command, `Rse` sensor voltages, `Rcr` (ribbon black mark), `Rlr;p` / `Rlr;r` (last answer).
//! The guide has no status read; where it gives no way to learn a condition, the failing
//! command tells it (docs/printer.md, "What the driver learns and how").

use super::answer::{LastAnswer, NackCode, RibbonMark, NACK};
use super::commands::{
    AnswerMismatch, LastAnswerKind, ReadLastAnswer, ReadRibbonMark, ReadSensor, Sensor,
};
use super::link::Failure;
use super::{CardPlace, EvolisPrinter};
use crate::printer::status::{PrinterStatus, StatusFlag};
use crate::printer::PrinterError;
use crate::transport::Transport;

impl<T: Transport> EvolisPrinter<T> {
    /// Reads what the guide lets a host read about the printer's state: the cover sensor, the
    /// ribbon's black mark, and the last answer about cards and cleaning.
    pub(super) fn read_status(&mut self) -> Result<PrinterStatus, PrinterError> {
        let mut s = PrinterStatus::default();
        let cover = self.send(&ReadSensor(Sensor::Cover))?;
        s.set(
            StatusFlag::CoverOpen,
            cover.millivolts() >= self.options.cover_open_above_mv,
        );
        s.set(
            StatusFlag::RibbonEnded,
            self.send(&ReadRibbonMark)? == RibbonMark::BlackMark,
        );
        match self.send(&ReadLastAnswer(LastAnswerKind::Card))? {
            LastAnswer::NoCard => s.set(StatusFlag::FeederEmpty, true),
            LastAnswer::ErrCard => {
                s.set(StatusFlag::CardInside, true);
                // A card the driver did not leave there (a jam, or one left from before) is
                // for the operator to take out.
                s.set(
                    StatusFlag::CardJam,
                    self.jammed || self.card == CardPlace::None,
                );
            }
            LastAnswer::NeedCleaning => s.set(StatusFlag::CleaningRequired, true),
            LastAnswer::Ok => {}
        }
        if self.send(&ReadLastAnswer(LastAnswerKind::Cleaning))? == LastAnswer::NeedCleaning {
            s.set(StatusFlag::CleaningRequired, true);
        }
        Ok(s)
    }

    /// The error a refusal of `command` stands for. The NACK code (or the code in an emulator
    /// `ERR c` text) says what kind of trouble; a supervision read refines it where the code
    /// is coarse. A plain-text refusal the driver cannot read is learnt the same way, from the
    /// supervision reads alone.
    pub(super) fn refusal_error(&mut self, command: &str, why: AnswerMismatch) -> PrinterError {
        let code = match &why {
            AnswerMismatch::Nack(code) => Some(*code),
            AnswerMismatch::Refused(text) => match text.as_slice() {
                [b'E', b'R', b'R', b' ', c] => match NackCode::from_byte(*c) {
                    NackCode::Unknown(_) => None,
                    known => Some(known),
                },
                _ => None,
            },
            AnswerMismatch::Unexpected(_) => None,
        };
        let error = match code {
            Some(code) => self.nack_error(code, command),
            None => self.unexplained_refusal(command, &why),
        };
        if matches!(error, PrinterError::CardJam) {
            self.jammed = true;
        }
        error
    }

    fn nack_error(&mut self, code: NackCode, command: &str) -> PrinterError {
        use PrinterError as E;
        match code {
            NackCode::Command => E::CommandRefused {
                command: command.to_string(),
            },
            NackCode::Parameter => E::ParameterRefused {
                command: command.to_string(),
            },
            NackCode::Cover => E::CoverOpen,
            NackCode::Feeder => E::FeederEmpty,
            NackCode::Ribbon => match self.quiet_read(&ReadRibbonMark) {
                Some(RibbonMark::BlackMark) => E::RibbonEnded,
                _ => E::Ribbon,
            },
            // No reject-box or hopper sensor in the guide: a mechanical refusal of the very
            // command that fills one is taken as that box being full.
            NackCode::Mechanical if matches!(command, "Ser" | "Seb") => E::RejectBoxFull,
            NackCode::Mechanical if command == "Se" => E::OutputHopperFull,
            NackCode::Mechanical => match self.quiet_read(&ReadLastAnswer(LastAnswerKind::Card)) {
                Some(LastAnswer::ErrCard) => E::CardJam,
                _ => E::Mechanical,
            },
            NackCode::MagneticChecksum => E::Magnetic('K'),
            NackCode::MagneticData => E::Magnetic('D'),
            NackCode::MagneticWrite => E::Magnetic('W'),
            NackCode::Unknown(b) => E::Unknown {
                command: command.to_string(),
                raw: vec![NACK, b],
            },
        }
    }

    /// A plain-text `ERR …` without a code: asks the sensors and the last answer.
    fn unexplained_refusal(&mut self, command: &str, why: &AnswerMismatch) -> PrinterError {
        use PrinterError as E;
        let raw = match why {
            AnswerMismatch::Refused(t) => t.clone(),
            AnswerMismatch::Nack(c) => vec![NACK, c.to_byte()],
            AnswerMismatch::Unexpected(r) => r.to_bytes(),
        };
        let cover = self.quiet_read(&ReadSensor(Sensor::Cover));
        if cover.is_some_and(|c| c.millivolts() >= self.options.cover_open_above_mv) {
            return E::CoverOpen;
        }
        if self.quiet_read(&ReadRibbonMark) == Some(RibbonMark::BlackMark) {
            return E::RibbonEnded;
        }
        match self.quiet_read(&ReadLastAnswer(LastAnswerKind::Card)) {
            Some(LastAnswer::NoCard) => E::FeederEmpty,
            Some(LastAnswer::ErrCard) if self.card == CardPlace::None => E::CardJam,
            _ => E::Unknown {
                command: command.to_string(),
                raw,
            },
        }
    }

    /// A supervision read while explaining a refusal: any failure is "no information" (never
    /// refined further, so a refusal cannot recurse).
    fn quiet_read<C: super::commands::Command>(&mut self, cmd: &C) -> Option<C::Answer> {
        match self.exchange(cmd) {
            Ok(a) => Some(a),
            Err(Failure::Refused(_)) => {
                let _ = self.drain();
                None
            }
            Err(Failure::Error(e)) => {
                tracing::debug!(command = %cmd.name(), error = %e, "supervision read failed");
                None
            }
        }
    }
}
