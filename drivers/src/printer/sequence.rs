//! One whole card, start to finish, with the failure policy in one place: feed (straight to an
//! encoder station when the chip is to be encoded, and let the caller encode it), print the
//! sides, eject. On failure
//! the card is rejected when the mechanism still works, or left for the operator.

use super::layers::{Side, SideLayers};
use super::station::EncoderStation;
use super::{CardAction, Printer, PrinterError, SideReport};

/// What to do with one card.
#[derive(Debug, Clone, Copy, Default)]
pub struct CardPlan<'a> {
    /// Front side, if printed.
    pub front: Option<&'a SideLayers>,
    /// Back side, if printed (needs a dual-side printer).
    pub back: Option<&'a SideLayers>,
    /// Park the card here before printing so the chip can be encoded.
    pub encode_at: Option<EncoderStation>,
}

/// A step of the sequence, reported as it starts (for progress displays and journal intents).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Feeding a blank card.
    Feed,
    /// Feeding straight to the encoder station (reported after [`Step::Feed`]).
    Station(EncoderStation),
    /// Encoding the chip (the caller's callback runs now).
    Encode,
    /// Printing a side.
    Print(Side),
    /// Ejecting to the output hopper.
    Eject,
    /// Rejecting into the reject box.
    Reject,
}

/// Where the card ended up when the sequence failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardFate {
    /// No card was fed (the printer refused before feeding): no blangko used.
    NotFed,
    /// The card went to the reject box: one blangko spoiled.
    Rejected,
    /// The card may still be inside; the operator must remove it.
    LeftInPrinter,
}

/// A failed card: the cause and where the card is.
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct CardFailure {
    /// What went wrong first.
    #[source]
    pub error: CardError,
    /// Where the card is now.
    pub fate: CardFate,
}

/// The first failure of a card sequence.
#[derive(Debug, thiserror::Error)]
pub enum CardError {
    /// The printer failed.
    #[error(transparent)]
    Printer(#[from] PrinterError),
    /// The caller's chip encoding failed (its message, without personal data).
    #[error("chip encoding failed: {0}")]
    Encoding(String),
}

/// What a printed card sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardReport {
    /// Front side.
    pub front: Option<SideReport>,
    /// Back side.
    pub back: Option<SideReport>,
}

/// Runs one card. `encode` runs while the card is parked at `plan.encode_at`; `progress` is told
/// each step before it starts.
pub fn print_card(
    printer: &mut dyn Printer,
    plan: &CardPlan<'_>,
    encode: &mut dyn FnMut(EncoderStation) -> Result<(), String>,
    progress: &mut dyn FnMut(Step),
) -> Result<CardReport, CardFailure> {
    progress(Step::Feed);
    let fed = match plan.encode_at {
        Some(station) => {
            progress(Step::Station(station));
            printer.feed_to_station(station)
        }
        None => printer.feed(),
    };
    if let Err(e) = fed {
        // A refused feed (feeder empty, cover open, a jam from an earlier card...) leaves no
        // new card inside; a lost link or a mechanical fault during the feed may have left one
        // half way.
        let fate = match e {
            PrinterError::Transport(_)
            | PrinterError::Garbled { .. }
            | PrinterError::Unknown { .. }
            | PrinterError::Mechanical => CardFate::LeftInPrinter,
            _ => CardFate::NotFed,
        };
        return Err(CardFailure {
            error: e.into(),
            fate,
        });
    }
    let mut report = CardReport::default();
    let result = (|| -> Result<(), CardError> {
        if let Some(station) = plan.encode_at {
            progress(Step::Encode);
            encode(station).map_err(CardError::Encoding)?;
        }
        if let Some(front) = plan.front {
            progress(Step::Print(Side::Front));
            report.front = Some(printer.print_side(Side::Front, front)?);
        }
        if let Some(back) = plan.back {
            progress(Step::Print(Side::Back));
            report.back = Some(printer.print_side(Side::Back, back)?);
        }
        progress(Step::Eject);
        printer.eject()?;
        Ok(())
    })();
    match result {
        Ok(()) => Ok(report),
        Err(error) => {
            let reject = match &error {
                CardError::Encoding(_) => true,
                CardError::Printer(e) => e.card_action() == CardAction::Reject,
            };
            let fate = if reject {
                progress(Step::Reject);
                match printer.reject() {
                    Ok(()) => CardFate::Rejected,
                    Err(e) => {
                        tracing::warn!(error = %e, "could not reject the failed card");
                        CardFate::LeftInPrinter
                    }
                }
            } else {
                CardFate::LeftInPrinter
            };
            Err(CardFailure { error, fate })
        }
    }
}
