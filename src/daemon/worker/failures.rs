//! How a card ends early: cancelled by the operator, spoiled (rejected or taken out by hand),
//! or in doubt when the printer stopped answering with the card inside.

use crate::messages::MessageText as _;
use cetak_drivers::printer::{CardAction, PrinterError};

use super::{Action, Outcome, Worker};
use crate::journal::{Actor, SpoilCategory};

impl Worker {
    pub(super) fn cancel(&mut self, id: &str) -> Outcome {
        if let Err(e) = self
            .journal
            .cancel(id, "cancelled by the operator", &self.operator)
        {
            tracing::error!(job = %id, error = %e, "cancel not recorded");
        }
        Outcome::Done
    }

    pub(super) fn spoil(
        &mut self,
        id: &str,
        cat: SpoilCategory,
        note: &str,
        operator: bool,
    ) -> Outcome {
        let actor = if operator {
            self.operator.clone()
        } else {
            Actor::system()
        };
        match self.journal.spoil(id, cat, note, &actor) {
            Ok(state) => tracing::info!(job = %id, %state, "card spoiled"),
            Err(e) => tracing::error!(job = %id, error = %e, "spoil not recorded"),
        }
        self.tamper_check();
        self.stock_check();
        Outcome::Done
    }

    /// A failure after the card was fed.
    pub(super) fn card_failed(&mut self, id: &str, e: &PrinterError) -> Outcome {
        if e.card_action() == CardAction::Reject {
            loop {
                match self.printer.reject() {
                    // The card is in the reject box: spoiled; the job requeues on a new blangko.
                    Ok(()) => {
                        return self.spoil(id, SpoilCategory::GagalCetak, &e.message_en(), false)
                    }
                    // The reject itself was refused (a full reject box): the operator empties
                    // it and says retry, or takes the card out by hand and says so.
                    Err(full @ PrinterError::RejectBoxFull) => {
                        match self.pause_error(id, &full, vec![Action::Retry, Action::MarkSpoiled])
                        {
                            Some(Action::Retry) => continue,
                            Some(Action::MarkSpoiled) => {
                                let _ = self.printer.reset();
                                return self.spoil(
                                    id,
                                    SpoilCategory::GagalCetak,
                                    &e.message_en(),
                                    true,
                                );
                            }
                            _ => return Outcome::Stopped,
                        }
                    }
                    Err(_) => break,
                }
            }
        }
        if matches!(e, PrinterError::Transport(_)) {
            return self.lost_card(id, e);
        }
        // The card is stuck: the operator takes it out and says so.
        match self.pause_error(id, e, vec![Action::MarkSpoiled]) {
            Some(Action::MarkSpoiled) => {
                let _ = self.printer.reset();
                self.spoil(id, SpoilCategory::GagalCetak, &e.message_en(), true)
            }
            _ => Outcome::Stopped,
        }
    }

    /// The printer stopped answering with a card inside: nobody knows whether it printed.
    pub(super) fn lost_card(&mut self, id: &str, e: &PrinterError) -> Outcome {
        if let Err(je) = self
            .journal
            .mark_in_doubt_with(id, &e.message_en(), &e.message_id())
        {
            tracing::error!(job = %id, error = %je, "in-doubt not recorded");
        }
        loop {
            match self.pause_error(id, e, vec![Action::Retry]) {
                Some(Action::Retry) => {
                    if self.reconnect() {
                        return Outcome::Done;
                    }
                }
                _ => return Outcome::Stopped,
            }
        }
    }
}

/// Refused by the printer before the card moved (the blangko is still in the feeder).
pub(super) fn is_refusal(e: &PrinterError) -> bool {
    matches!(
        e,
        PrinterError::CoverOpen
            | PrinterError::RibbonEnded
            | PrinterError::RibbonMissing
            | PrinterError::Cooling
            | PrinterError::Busy
            | PrinterError::CommandRefused { .. }
    )
}
