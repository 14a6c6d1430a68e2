//! One printer's worker: an OS thread owning the printer (hardware I/O stays off the async
//! threads) plus its preparer. For each card: status check from what the printer lets it read
//! (cover, ribbon end mark, a card left inside: a blocking condition pauses before any blangko
//! moves) → journal `feed` (durable) → printer feed (to the encoder station for a chip card;
//! an empty feeder shows here: the journal undoes the feed, `feed_not_taken`, and the printer
//! pauses until the operator loads blangko and says retry) → (chip: journal `start_encoding`
//! → encode) → journal `start_printing` → print both sides → eject → journal `mark_printed`
//! → tamper check against the hardware card counter. Each physical act takes a token that only
//! the journal step before it makes ([`card`]). Conditions pause this printer only and wait
//! for an operator [`Action`].

pub mod card;
mod checks;

use crate::messages::MessageText as _;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use cetak_drivers::printer::station::EncoderStation;
use cetak_drivers::printer::{self, CardAction, EvolisOptions, Printer, PrinterError};

use crate::job::ValidationPolicy;
use crate::journal::{
    Actor, BlangkoType, ChipInfo, JobState, Journal, JournalError, JournalOptions, PrintedInfo,
    PrinterSlot, SpoilCategory,
};
use crate::layout::Layouts;
use crate::shutdown::Shutdown;

use super::chip::ChipEncoder;
use super::events::{Action, Decision, PrinterState, StationHandle};
use super::prepare::{run_preparer, Prepared};
use card::{EncodingCard, FedCard, Printable, PrintingCard};

/// Everything a worker needs.
pub(crate) struct WorkerSetup {
    pub printer_id: String,
    pub uri: String,
    pub blangko: BlangkoType,
    pub encoder: Option<Box<dyn ChipEncoder>>,
    pub journal_path: std::path::PathBuf,
    pub journal_options: JournalOptions,
    pub policy: ValidationPolicy,
    pub layouts: Arc<Layouts>,
    pub lookahead: usize,
    /// Training station: every card gets SPECIMEN across it.
    pub training: bool,
    pub handle: StationHandle,
    pub stop: Shutdown,
    pub actions: Receiver<Decision>,
    pub thresholds: crate::journal::StockThresholds,
}

enum Outcome {
    Done,
    Stopped,
}

/// What became of a physical feed.
enum Fed {
    /// The card is in the printer.
    Taken(FedCard),
    /// The printer took no card; the journal undid the feed; try the card again.
    NotTaken,
}

struct Worker {
    id: String,
    journal: Journal,
    printer: Box<dyn Printer>,
    serial: String,
    handle: StationHandle,
    stop: Shutdown,
    actions: Receiver<Decision>,
    /// Who gave the last operator decision (recorded with what the worker does about it).
    operator: Actor,
    thresholds: crate::journal::StockThresholds,
    /// Hardware card counter minus the ledger's cards fed, at start.
    baseline: Option<i64>,
    uri: String,
    encoder: Option<Box<dyn ChipEncoder>>,
}

/// Runs the worker until `stop`; returns when its current card is finished and its prepared
/// jobs are back in the queue.
pub(crate) fn run_worker(mut setup: WorkerSetup) {
    let id = setup.printer_id.clone();
    let journal = match Journal::open_with(&setup.journal_path, setup.journal_options.clone()) {
        Ok(j) => j,
        Err(e) => {
            tracing::error!(printer = %id, error = %e, "cannot open the journal");
            setup.handle.set_state(
                &id,
                PrinterState::Offline {
                    reason: e.to_string(),
                    reason_id: e.message_id(),
                },
            );
            return;
        }
    };
    let Some(printer) = open_printer(&setup) else {
        setup.handle.set_state(&id, PrinterState::Stopped);
        return;
    };
    let serial = printer.info().serial.clone();
    let slot = PrinterSlot {
        printer_id: id.clone(),
        blangko_type: setup.blangko,
        has_encoder: setup.encoder.is_some(),
        dual_side: printer.capabilities().dual_side,
    };
    let mut w = Worker {
        id: id.clone(),
        journal,
        printer,
        serial,
        handle: setup.handle.clone(),
        stop: setup.stop.clone(),
        actions: setup.actions,
        operator: Actor::operator("station"),
        thresholds: setup.thresholds.clone(),
        baseline: None,
        uri: setup.uri.clone(),
        encoder: setup.encoder.take(),
    };
    let prep_journal = match Journal::open_with(&setup.journal_path, setup.journal_options.clone())
    {
        Ok(j) => j,
        Err(e) => {
            tracing::error!(printer = %id, error = %e, "cannot open the journal");
            return;
        }
    };
    let (tx, rx) = std::sync::mpsc::sync_channel::<Prepared>(setup.lookahead.saturating_sub(1));
    let stop = setup.stop.clone();
    let (policy, layouts) = (setup.policy.clone(), setup.layouts.clone());
    let training = setup.training;
    let preparer = std::thread::Builder::new()
        .name(format!("prep-{id}"))
        .spawn(move || run_preparer(prep_journal, slot, policy, layouts, training, tx, stop));
    // The first job renders while the printer is checked: the first card does not wait for
    // both one after the other.
    w.clear_leftover_card();
    w.baseline = w.tamper_offset();
    w.handle.set_state(&id, PrinterState::Idle);
    loop {
        if w.stop.is_cancelled() {
            break;
        }
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(job) => {
                w.handle.set_state(
                    &id,
                    PrinterState::Busy {
                        job_id: job.job_id.clone(),
                    },
                );
                let outcome = w.card(&job);
                w.handle.set_state(&id, PrinterState::Idle);
                if let Outcome::Stopped = outcome {
                    break;
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    // Give back whatever was prepared but never fed, then let the preparer see the hang-up.
    while let Ok(job) = rx.try_recv() {
        let _ = w.journal.release(&job.job_id, "shutdown");
    }
    drop(rx);
    if let Ok(p) = preparer {
        let _ = p.join();
    }
    w.handle.set_state(&id, PrinterState::Stopped);
}

fn open_printer(setup: &WorkerSetup) -> Option<Box<dyn Printer>> {
    loop {
        match printer::open(&setup.uri, &EvolisOptions::default()) {
            Ok(p) => return Some(p),
            Err(e) => {
                setup.handle.set_state(
                    &setup.printer_id,
                    PrinterState::Offline {
                        reason: e.message_en(),
                        reason_id: e.message_id(),
                    },
                );
                tracing::warn!(printer = %setup.printer_id, error = %e, "printer not reachable");
            }
        }
        if setup.stop.wait_timeout(Duration::from_secs(2)) {
            return None;
        }
    }
}

impl Worker {
    /// Waits for the operator; `None` when the daemon is stopping.
    fn pause(
        &mut self,
        job: Option<&str>,
        message_id: String,
        message_en: String,
        allowed: Vec<Action>,
    ) -> Option<Action> {
        tracing::warn!(printer = %self.id, job = ?job, "{message_en}");
        let _ = self
            .journal
            .raise_alert("printer_fault", &self.id, &message_en, &message_id);
        // Drop decisions given for an earlier event before this one becomes visible.
        while self.actions.try_recv().is_ok() {}
        let event_id = self
            .handle
            .raise(&self.id, job, message_id, message_en.clone(), allowed);
        let decision = loop {
            if self.stop.is_cancelled() {
                break None;
            }
            match self.actions.recv_timeout(Duration::from_millis(100)) {
                Ok(d) if d.event_id == event_id => break Some(d),
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break None,
            }
        };
        self.handle.clear_event(&self.id);
        let d = decision?;
        self.handle.set_state(
            &self.id,
            match job {
                Some(j) => PrinterState::Busy {
                    job_id: j.to_string(),
                },
                None => PrinterState::Idle,
            },
        );
        let _ = self.journal.clear_alert("printer_fault", &self.id);
        tracing::info!(printer = %self.id, action = d.action.code(), operator = %d.actor.id, "operator decision");
        if let Err(e) = self.journal.record_action(
            &d.actor,
            "printer.act",
            &self.id,
            &serde_json::json!({
                "action": d.action.code(),
                "event": event_id,
                "job": job,
                "condition": message_en,
            }),
        ) {
            tracing::error!(printer = %self.id, error = %e, "operator decision not audited");
        }
        self.operator = d.actor;
        Some(d.action)
    }

    fn pause_error(&mut self, job: &str, e: &PrinterError, allowed: Vec<Action>) -> Option<Action> {
        self.pause(
            Some(job),
            format!("Printer {}: {}", self.id, e.message_id()),
            format!("Printer {}: {}", self.id, e.message_en()),
            allowed,
        )
    }

    /// Whether the journal still has `id` ready and bound to this printer: an early way out
    /// for a stale copy (no status poll, no release of a job now bound elsewhere). `feed_on`
    /// makes the same check inside its transaction; a journal error here counts as yes.
    fn still_mine(&self, id: &str) -> bool {
        match self.journal.job(id) {
            Ok(r) => {
                r.state == JobState::Ready && r.printer_id.as_deref() == Some(self.id.as_str())
            }
            Err(_) => true,
        }
    }

    /// One card, from the status check to `printed` (or spoiled / cancelled / released).
    fn card(&mut self, job: &Prepared) -> Outcome {
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
        // 1. Before any blangko moves: the printer must be able to print and the ledger must
        //    have a card in this feeder.
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
            let allowed = vec![Action::Retry, Action::CancelJob];
            if let Some(e) = blocking {
                if matches!(e, PrinterError::Transport(_)) {
                    self.reconnect();
                }
                match self.pause_error(id, &e, allowed) {
                    Some(Action::Retry) => continue,
                    Some(Action::CancelJob) => return Err(self.cancel(id)),
                    _ => {
                        let _ = self.journal.release(id, "shutdown");
                        return Err(Outcome::Stopped);
                    }
                }
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
                    let en = format!(
                        "Printer {}: the ledger shows no blangko in its feeder ({e}); record `cetak stock load` first",
                        self.id
                    );
                    let ind = format!(
                        "Printer {}: menurut buku stok feeder kosong; catat dulu `cetak stock load`",
                        self.id
                    );
                    match self.pause(Some(id), ind, en, allowed) {
                        Some(Action::Retry) => continue,
                        Some(Action::CancelJob) => return Err(self.cancel(id)),
                        _ => {
                            let _ = self.journal.release(id, "shutdown");
                            return Err(Outcome::Stopped);
                        }
                    }
                }
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
        match self.pause_error(&id, e, vec![Action::Retry, Action::CancelJob]) {
            Some(Action::Retry) => Ok(Fed::NotTaken),
            Some(Action::CancelJob) => Err(self.cancel(&id)),
            _ => {
                let _ = self.journal.release(&id, "shutdown");
                Err(Outcome::Stopped)
            }
        }
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
                    let _ = self.pause(
                        Some(id),
                        format!("Printer {}: encoder gagal: {}", self.id, f.message_id),
                        format!("Printer {}: encoder failed: {}", self.id, f.message_en),
                        vec![Action::Retry],
                    );
                }
                Err(outcome)
            }
        }
    }

    fn cancel(&mut self, id: &str) -> Outcome {
        if let Err(e) = self
            .journal
            .cancel(id, "cancelled by the operator", &self.operator)
        {
            tracing::error!(job = %id, error = %e, "cancel not recorded");
        }
        Outcome::Done
    }

    fn spoil(&mut self, id: &str, cat: SpoilCategory, note: &str, operator: bool) -> Outcome {
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
    fn card_failed(&mut self, id: &str, e: &PrinterError) -> Outcome {
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
    fn lost_card(&mut self, id: &str, e: &PrinterError) -> Outcome {
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

    fn reconnect(&mut self) -> bool {
        match printer::open(&self.uri, &EvolisOptions::default()) {
            Ok(p) => {
                self.printer = p;
                true
            }
            Err(e) => {
                tracing::warn!(printer = %self.id, error = %e, "reconnect failed");
                false
            }
        }
    }
}

fn is_refusal(e: &PrinterError) -> bool {
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
