//! The steps of one card, in the order the module's doc lists them; each physical act takes
//! the token of the journal step before it ([`super::card`]).

use crate::messages::{MessageText as _, Plain};
use cetak_drivers::printer::station::EncoderStation;
use cetak_drivers::printer::{CardAction, PrinterError};

use super::card::{self, EncodingCard, FedCard, Printable, PrintingCard};
use super::failures::is_refusal;
use super::{Action, Fed, Outcome, Prepared, Worker};
use crate::journal::{ChipInfo, JournalError, PrintedInfo, SpoilCategory};

impl Worker {
    /// One card, from the status check to `printed` (or spoiled / cancelled / released).
    pub(super) fn card(&mut self, job: &Prepared) -> Outcome {
        match self.card_steps(job) {
            Ok(()) => Outcome::Done,
            Err(outcome) => outcome,
        }
    }

    /// The steps of [`Worker::card`]; each physical act takes the token of the journal step
    /// before it ([`card`]). `Err` carries how the card ends early.
    fn card_steps(&mut self, job: &Prepared) -> Result<(), Outcome> {
        let fed = self.fed_card(job)?;
        let card_serial = self.record_card_number(&fed);
        let (card, chip) = if job.needs_chip {
            let (encoding, chip) = self.encode(job, fed)?;
            (Printable::from(encoding), Some(chip))
        } else {
            (Printable::from(fed), None)
        };
        let printing = self.start_printing(job, card, chip.as_ref())?;
        self.print(job, printing, card_serial)?;
        self.tamper_check();
        self.stock_check();
        Ok(())
    }

    /// Steps 1 and 2 until the printer holds the card: the journal binds a blangko, then the
    /// printer takes it (again after an empty feeder is refilled).
    fn fed_card(&mut self, job: &Prepared) -> Result<FedCard, Outcome> {
        let station = job
            .needs_chip
            .then(|| self.encoder.as_ref().map(|e| e.station()))
            .flatten();
        loop {
            let fed = self.reserve(&job.job_id)?;
            match self.feed(fed, station)? {
                Fed::Taken(fed) => return Ok(fed),
                Fed::NotTaken => continue,
            }
        }
    }

    /// The hardware counter names the card: it goes into the journal as the card serial so a
    /// printed card can be traced to its job. Recorded now, so an operator resolving a doubt
    /// on this card (crash, lost printer) reports it too.
    fn record_card_number(&mut self, fed: &FedCard) -> Option<String> {
        let card_no = self.printer.counters().ok().map(|c| c.cards_inserted);
        let card_serial = card_no.map(|n| format!("{}#{n}", self.serial));
        if let Some(c) = &card_serial {
            if let Err(e) = fed.record_serial(&mut self.journal, c) {
                tracing::error!(job = %fed.job_id(), error = %e, "card number not recorded");
            }
        }
        card_serial
    }

    /// Step 4: the journal records `printing` (with the chip identifiers of a chip card).
    fn start_printing(
        &mut self,
        job: &Prepared,
        card: Printable,
        chip: Option<&ChipInfo>,
    ) -> Result<PrintingCard, Outcome> {
        let id = job.job_id.as_str();
        card::start_printing(&mut self.journal, card, chip).map_err(|e| {
            tracing::error!(job = %id, error = %e, "start printing not recorded");
            let _ = self.printer.reject();
            self.spoil(id, SpoilCategory::GagalCetak, "journal error", false)
        })
    }

    /// Step 5: print both sides, eject, and record the card printed.
    fn print(
        &mut self,
        job: &Prepared,
        printing: PrintingCard,
        card_serial: Option<String>,
    ) -> Result<(), Outcome> {
        let id = job.job_id.as_str();
        if let Err(e) = printing.print(self.printer.as_mut(), &job.front, &job.back) {
            return Err(self.card_failed(id, &e));
        }
        let info = PrintedInfo {
            card_serial,
            printer_serial: Some(self.serial.clone()),
        };
        if let Err(e) = card::mark_printed(&mut self.journal, printing, &info) {
            tracing::error!(job = %id, error = %e, "printed card not recorded");
        } else {
            self.handle.card_printed();
        }
        Ok(())
    }

    /// Step 1, before any blangko moves: the printer must be able to print and the ledger must
    /// have a card in this feeder; then the journal binds one to the job (`feed`, durable),
    /// which gives the [`FedCard`] the printer's feed needs. `Err` carries how the card ends
    /// without one.
    fn reserve(&mut self, id: &str) -> Result<FedCard, Outcome> {
        loop {
            // A copy prepared earlier may have been overtaken (lease lost, offered again and
            // prepared for another printer): only a job ready for this printer is ours.
            if !self.still_mine(id) {
                tracing::info!(job = %id, "dropped before feeding: no longer ready for this printer");
                return Err(Outcome::Done);
            }
            if self.stop.is_cancelled() {
                let _ = self.journal.release(id, "shutdown");
                return Err(Outcome::Stopped);
            }
            let blocking = match self.printer.status() {
                Ok(st) => st.blocking_error(),
                Err(e) => Some(e),
            };
            if let Some(e) = blocking {
                if matches!(e, PrinterError::Transport(_)) {
                    self.reconnect();
                }
                let answer = self.pause_error(id, &e, vec![Action::Retry, Action::CancelJob]);
                self.retry_or_cancel(id, answer)?;
                continue;
            }
            match card::feed(&mut self.journal, &self.id, id, Some(&self.serial)) {
                Ok(fed) => return Ok(fed),
                // Lease lost (the journal dropped the job), cancelled while prepared, or moved
                // on without this copy (dropped, offered again, prepared anew and printed from
                // the newer copy): not ours to print any more; take the next job.
                Err(JournalError::LeaseLost { .. }) => {
                    tracing::info!(job = %id, "dropped before feeding: lease lost");
                    return Err(Outcome::Done);
                }
                Err(JournalError::IllegalTransition { got, .. }) => {
                    tracing::info!(job = %id, state = got.code(), "dropped before feeding: job no longer ready");
                    return Err(Outcome::Done);
                }
                Err(e) => {
                    let answer = self.no_blangko_in_ledger(id, &e);
                    self.retry_or_cancel(id, answer)?;
                }
            }
        }
    }

    /// The ledger shows no blangko in this printer's feeder: the operator records a load and
    /// says retry, or cancels the job.
    fn no_blangko_in_ledger(&mut self, id: &str, e: &JournalError) -> Option<Action> {
        let why = Plain::new("worker.no_blangko_in_ledger")
            .with("printer", &self.id)
            .with_message("reason", e);
        self.pause(Some(id), &why, vec![Action::Retry, Action::CancelJob])
    }

    /// The operator's answer to a pause before the card moved: `Ok` to try again, or how the
    /// card ends (cancelled; released when the daemon stops).
    fn retry_or_cancel(&mut self, id: &str, answer: Option<Action>) -> Result<(), Outcome> {
        match answer {
            Some(Action::Retry) => Ok(()),
            Some(Action::CancelJob) => Err(self.cancel(id)),
            _ => {
                let _ = self.journal.release(id, "shutdown");
                Err(Outcome::Stopped)
            }
        }
    }

    /// Step 2: the blangko is bound to the job; feed it physically, straight to the encoder
    /// station when its chip is to be written (the printer inserts there: `Sis`/`Sic`).
    fn feed(&mut self, fed: FedCard, station: Option<EncoderStation>) -> Result<Fed, Outcome> {
        loop {
            let id = fed.job_id();
            match fed.insert(self.printer.as_mut(), station) {
                Ok(()) => return Ok(Fed::Taken(fed)),
                Err(e @ PrinterError::FeederEmpty) => return self.feeder_empty(fed, &e),
                Err(e) if e.card_action() == CardAction::Nothing || is_refusal(&e) => {
                    // Refused before the card moved: the blangko is still in the feeder.
                    match self.pause_error(id, &e, vec![Action::Retry, Action::MarkSpoiled]) {
                        Some(Action::Retry) => continue,
                        Some(Action::MarkSpoiled) => {
                            return Err(self.spoil(id, SpoilCategory::Rusak, "feed refused", true))
                        }
                        _ => return Err(Outcome::Stopped),
                    }
                }
                Err(e) => return Err(self.lost_card(id, &e)),
            }
        }
    }

    /// The printer took no card: its feeder is empty. The journal undoes the feed (the blangko
    /// goes back to `feeder:P` in the ledger; the job stays ready on this printer), then the
    /// printer waits for the operator: Retry once blangko are loaded (the ledger must show
    /// them too: `cetak stock load`), or Cancel the job.
    fn feeder_empty(&mut self, fed: FedCard, e: &PrinterError) -> Result<Fed, Outcome> {
        let id = fed.job_id().to_string();
        if let Err(je) = fed.not_taken(&mut self.journal, &e.message_en()) {
            // The ledger still has the blangko in the printer: the feed stands, as before.
            tracing::error!(job = %id, error = %je, "feed not taken not recorded");
            return Err(self.card_failed(&id, e));
        }
        let answer = self.pause_error(&id, e, vec![Action::Retry, Action::CancelJob]);
        self.retry_or_cancel(&id, answer)?;
        Ok(Fed::NotTaken)
    }

    /// Step 3: personalises the chip of the card fed to the encoder station, before printing
    /// (journal `encoding` first).
    fn encode(
        &mut self,
        job: &Prepared,
        fed: FedCard,
    ) -> Result<(EncodingCard, ChipInfo), Outcome> {
        let id = job.job_id.as_str();
        let encoding = match card::start_encoding(&mut self.journal, fed) {
            Ok(encoding) => encoding,
            Err(e) => {
                tracing::error!(job = %id, error = %e, "start encoding not recorded");
                let _ = self.printer.reject();
                return Err(self.spoil(id, SpoilCategory::GagalEncode, "journal error", false));
            }
        };
        let Some(encoder) = self.encoder.as_mut() else {
            // Dispatch only gives chip jobs to printers with an encoder.
            let _ = self.printer.reject();
            return Err(self.spoil(id, SpoilCategory::GagalEncode, "no encoder", false));
        };
        match encoding.encode(encoder.as_mut(), &job.job) {
            Ok(chip) => Ok((encoding, chip)),
            Err(f) => {
                let rejected = self.printer.reject().is_ok();
                if !rejected {
                    return Err(self.card_failed(id, &PrinterError::Mechanical));
                }
                let outcome = self.spoil(id, SpoilCategory::GagalEncode, &f.message_en, false);
                if !f.spoils_card {
                    // The station is at fault: the next blangko would fail the same way.
                    let why = Plain::new("worker.encoder_failed")
                        .with("printer", &self.id)
                        .with_each("reason", f.message_id.clone(), f.message_en.clone());
                    let _ = self.pause(Some(id), &why, vec![Action::Retry]);
                }
                Err(outcome)
            }
        }
    }
}
