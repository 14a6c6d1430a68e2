//! Printer errors: one variant per printer condition, protocol errors, transport errors and an
//! `Unknown` fallback. Each variant's doc says what the operator should do; its [`Message`] code
//! names the operator text in the catalogue ([`crate::messages`]), [`PrinterError::card_action`]
//! says what becomes of a card that was inside the printer.

use super::layers::Side;
use super::panel::Panel;
use crate::messages::{Args, Message};
use crate::transport::{TransportError, UriError};

/// What the caller should do with a card that was in the printer when an error happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardAction {
    /// The mechanism still works: send the card to the reject box (`Ser`) and count it spoiled.
    Reject,
    /// The card cannot be moved by software (jam, cover open, link lost): the operator must
    /// take it out and decide; count it spoiled unless they confirm otherwise.
    OperatorMustClear,
    /// No card is involved (the error came before a card was fed, or was a read).
    Nothing,
}

/// A printer failure. `Display` is the English operator text.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PrinterError {
    /// No blank card could be fed. Refill the feeder with blangko, then retry.
    #[error("the card feeder is empty: load blank cards and retry")]
    FeederEmpty,
    /// The cover is open. Close it, then retry.
    #[error("the printer cover is open: close it and retry")]
    CoverOpen,
    /// The ribbon is used up. Install a new ribbon, then retry; the card in progress is rejected.
    #[error("the ribbon has run out: install a new ribbon")]
    RibbonEnded,
    /// No ribbon is installed. Install one.
    #[error("no ribbon installed: install a ribbon")]
    RibbonMissing,
    /// The printer refused for its ribbon (NACK `R`) and is not at the ribbon's end mark: no
    /// ribbon, the wrong type, or a broken one. Check the ribbon; the card is rejected.
    #[error("ribbon error: check that a ribbon of the right type is installed and not broken")]
    Ribbon,
    /// The installed ribbon is not supported by this printer. Install a supported ribbon.
    #[error("the installed ribbon is not supported by this printer")]
    RibbonUnsupported,
    /// The job needs a panel the installed ribbon does not have (e.g. colour on a black ribbon).
    /// Install the right ribbon (YMCKO for ID cards).
    #[error("the ribbon {ribbon} has no {panel:?} panel needed by this card")]
    PanelNotOnRibbon {
        /// Panel the card needs.
        panel: Panel,
        /// Ribbon installed.
        ribbon: String,
    },
    /// A card is stuck. Open the printer, remove the card (count it spoiled), close and retry.
    #[error("card jam: open the printer, remove the card and retry")]
    CardJam,
    /// The reject box is full (or a card is stuck at its entry). Empty it, check the exit,
    /// then retry. The guide has no reject-box read: the printer's mechanical refusal of the
    /// reject (`Ser` / `Seb`) is what tells it.
    #[error("the reject box is full: empty it")]
    RejectBoxFull,
    /// The output hopper is full. Take out the printed cards, then retry.
    #[error("the output hopper is full: take out the printed cards")]
    OutputHopperFull,
    /// The print head is cooling down. Wait and retry.
    #[error("the print head is cooling down: wait a moment and retry")]
    Cooling,
    /// The printer is busy with another card. Wait and retry.
    #[error("the printer is busy")]
    Busy,
    /// A mechanical error or time-out the printer did not detail (NACK `T`). Check the card path
    /// and the printer's display; remove any card left inside.
    #[error("mechanical error in the printer: check the card path")]
    Mechanical,
    /// Magnetic stripe error (NACK `K`, `D` or `W`). The card is rejected; check the blangko
    /// stock has a stripe if encoding is configured.
    #[error("magnetic stripe error (code {0})")]
    Magnetic(char),
    /// The printer refused the command itself (NACK `1`): a driver/printer mismatch. Report it
    /// with the log; check the printer model and firmware are supported.
    #[error("the printer refused command {command}")]
    CommandRefused {
        /// The command.
        command: String,
    },
    /// The printer refused a parameter (NACK `2`). Report it with the log.
    #[error("the printer refused a parameter of {command}")]
    ParameterRefused {
        /// The command.
        command: String,
    },
    /// The answer was not a valid frame (noise on the line, wrong baud rate, another device).
    /// Check the cable and that the URI's speed matches the printer.
    #[error("garbled answer to {command}: {}", hex_short(raw))]
    Garbled {
        /// The command.
        command: String,
        /// What arrived (truncated).
        raw: Vec<u8>,
    },
    /// A well-formed answer this driver does not know (unknown NACK code, unknown status text).
    /// Never taken as success. Report it with the log; the firmware may be newer than the driver.
    #[error("unknown answer to {command}: {}", hex_short(raw))]
    Unknown {
        /// The command.
        command: String,
        /// The answer.
        raw: Vec<u8>,
    },
    /// The operation needs a card in the printer and none was fed. A caller bug: feed first.
    #[error("no card in the printer for this operation")]
    NoCard,
    /// The operation needs a feature this printer lacks (e.g. the back side on a single-side
    /// printer, or an encoder station it does not have).
    #[error("not supported by this printer: {0}")]
    NotSupported(String),
    /// The side images do not fit the printer frame. A rendering bug: report it.
    #[error("cannot print {side:?} side: {reason}")]
    BadLayers {
        /// Which side.
        side: Side,
        /// What is wrong.
        reason: String,
    },
    /// The printer URI is wrong. Fix the station configuration.
    #[error(transparent)]
    Uri(#[from] UriError),
    /// The device answered but is not a printer family this driver knows.
    #[error("unsupported printer model {0:?}")]
    UnsupportedModel(String),
    /// The link to the printer failed; see the inner error for what to check.
    #[error(transparent)]
    Transport(#[from] TransportError),
}

/// First bytes of `raw` in hex, for messages and logs.
pub(crate) fn hex_short(raw: &[u8]) -> String {
    let head = &raw[..raw.len().min(32)];
    if raw.len() > head.len() {
        format!("{}… ({} bytes)", hex::encode(head), raw.len())
    } else {
        hex::encode(head)
    }
}

impl Message for PrinterError {
    fn message_code(&self) -> &'static str {
        use PrinterError as E;
        match self {
            E::FeederEmpty => "printer.feeder_empty",
            E::CoverOpen => "printer.cover_open",
            E::RibbonEnded => "printer.ribbon_ended",
            E::RibbonMissing => "printer.ribbon_missing",
            E::Ribbon => "printer.ribbon",
            E::RibbonUnsupported => "printer.ribbon_unsupported",
            E::PanelNotOnRibbon { .. } => "printer.panel_not_on_ribbon",
            E::CardJam => "printer.card_jam",
            E::RejectBoxFull => "printer.reject_box_full",
            E::OutputHopperFull => "printer.output_hopper_full",
            E::Cooling => "printer.cooling",
            E::Busy => "printer.busy",
            E::Mechanical => "printer.mechanical",
            E::Magnetic(_) => "printer.magnetic",
            E::CommandRefused { .. } => "printer.command_refused",
            E::ParameterRefused { .. } => "printer.parameter_refused",
            E::Garbled { .. } => "printer.garbled",
            E::Unknown { .. } => "printer.unknown_answer",
            E::NoCard => "printer.no_card",
            E::NotSupported(_) => "printer.not_supported",
            E::BadLayers { .. } => "printer.bad_layers",
            E::Uri(e) => e.message_code(),
            E::UnsupportedModel(_) => "printer.unsupported_model",
            E::Transport(e) => e.message_code(),
        }
    }

    fn message_args(&self) -> Args {
        use PrinterError as E;
        let args = Args::new();
        match self {
            E::PanelNotOnRibbon { panel, ribbon } => args
                .with("ribbon", ribbon)
                .with("panel", format!("{panel:?}")),
            E::Magnetic(c) => args.with("code", c),
            E::CommandRefused { command } | E::ParameterRefused { command } => {
                args.with("command", command)
            }
            E::Garbled { command, raw } | E::Unknown { command, raw } => {
                args.with("command", command).with("raw", hex_short(raw))
            }
            E::NotSupported(what) => args.with("what", what),
            E::BadLayers { side, reason } => args
                .with("side", format!("{side:?}"))
                .with("reason", reason),
            E::UnsupportedModel(m) => args.with("model", format!("{m:?}")),
            E::Uri(e) => e.message_args(),
            E::Transport(e) => e.message_args(),
            _ => args,
        }
    }
}

impl PrinterError {
    /// What becomes of a card that was inside the printer when this error happened.
    pub fn card_action(&self) -> CardAction {
        use PrinterError as E;
        match self {
            E::FeederEmpty
            | E::Uri(_)
            | E::UnsupportedModel(_)
            | E::NoCard
            | E::OutputHopperFull
            | E::RejectBoxFull => CardAction::Nothing,
            E::CardJam | E::CoverOpen | E::Mechanical | E::Transport(_) | E::Garbled { .. } => {
                CardAction::OperatorMustClear
            }
            E::RibbonEnded
            | E::Ribbon
            | E::RibbonMissing
            | E::RibbonUnsupported
            | E::PanelNotOnRibbon { .. }
            | E::Cooling
            | E::Busy
            | E::Magnetic(_)
            | E::CommandRefused { .. }
            | E::ParameterRefused { .. }
            | E::Unknown { .. }
            | E::NotSupported(_)
            | E::BadLayers { .. } => CardAction::Reject,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::{check_message, render, Lang, CATALOGUE};

    #[test]
    fn every_variant_has_both_messages() {
        let all = [
            PrinterError::FeederEmpty,
            PrinterError::CoverOpen,
            PrinterError::RibbonEnded,
            PrinterError::CardJam,
            PrinterError::Garbled {
                command: "Ss".into(),
                raw: vec![0x41; 40],
            },
            PrinterError::Unknown {
                command: "Rcr".into(),
                raw: b"WHAT".to_vec(),
            },
        ];
        for e in all {
            let (id, en) = (render(Lang::Id, &e), render(Lang::En, &e));
            assert_eq!(check_message(&[CATALOGUE], &e), Vec::<String>::new());
            assert_eq!(en, e.to_string(), "the English text is the Display text");
            assert_ne!(en, id);
        }
        assert!(PrinterError::Garbled {
            command: "Ss".into(),
            raw: vec![0x41; 40]
        }
        .to_string()
        .contains("(40 bytes)"));
    }
}
