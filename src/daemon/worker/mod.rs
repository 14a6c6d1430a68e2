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
mod failures;
mod steps;

use crate::messages::{MessageText as _, Plain};
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::Arc;
use std::time::Duration;

use cetak_drivers::printer::{self, EvolisOptions, Printer, PrinterError};

use crate::job::ValidationPolicy;
use crate::journal::{Actor, BlangkoType, JobState, Journal, JournalOptions, PrinterSlot};
use crate::layout::Layouts;
use crate::shutdown::Shutdown;

use super::chip::ChipEncoder;
use super::events::{Action, Decision, PrinterState, StationHandle};
use super::prepare::{run_preparer, Prepared};
use card::FedCard;

/// Everything a worker needs.
pub(crate) struct WorkerSetup {
    pub printer_id: String,
    pub uri: cetak_drivers::transport::PrinterUri,
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
    pub actions: crate::shutdown::Receiver<Decision>,
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
    actions: crate::shutdown::Receiver<Decision>,
    /// Who gave the last operator decision (recorded with what the worker does about it).
    operator: Actor,
    thresholds: crate::journal::StockThresholds,
    /// Hardware card counter minus the ledger's cards fed, at start.
    baseline: Option<i64>,
    uri: cetak_drivers::transport::PrinterUri,
    encoder: Option<Box<dyn ChipEncoder>>,
}

/// Runs the worker until `stop`; returns when its current card is finished and its prepared
/// jobs are back in the queue.
pub(crate) fn run_worker(mut setup: WorkerSetup) {
    let id = setup.printer_id.clone();
    let Some((journal, printer)) = open_devices(&setup) else {
        return;
    };
    let slot = PrinterSlot {
        printer_id: id.clone(),
        blangko_type: setup.blangko,
        has_encoder: setup.encoder.is_some(),
        dual_side: printer.capabilities().dual_side,
    };
    let (tx, rx) = std::sync::mpsc::sync_channel::<Prepared>(setup.lookahead.saturating_sub(1));
    let Some(preparer) = spawn_preparer(&setup, slot, tx) else {
        return;
    };
    let mut w = Worker {
        id: id.clone(),
        journal,
        serial: printer.info().serial.clone(),
        printer,
        handle: setup.handle.clone(),
        stop: setup.stop.clone(),
        actions: setup.actions,
        operator: Actor::operator("station"),
        thresholds: setup.thresholds.clone(),
        baseline: None,
        uri: setup.uri.clone(),
        encoder: setup.encoder.take(),
    };
    // The first job renders while the printer is checked: the first card does not wait for
    // both one after the other.
    w.clear_leftover_card();
    w.baseline = w.tamper_offset();
    w.handle.set_state(&id, PrinterState::Idle);
    w.print_prepared(&rx);
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

/// Opens the worker's journal and its printer; `None` (state set, error logged) when either
/// fails or the daemon stops first.
fn open_devices(setup: &WorkerSetup) -> Option<(Journal, Box<dyn Printer>)> {
    let id = &setup.printer_id;
    let journal = match Journal::open_with(&setup.journal_path, setup.journal_options.clone()) {
        Ok(j) => j,
        Err(e) => {
            tracing::error!(printer = %id, error = %e, "cannot open the journal");
            setup.handle.set_state(
                id,
                PrinterState::Offline {
                    reason: e.to_string(),
                    reason_id: e.message_id(),
                },
            );
            return None;
        }
    };
    let Some(printer) = open_printer(setup) else {
        setup.handle.set_state(id, PrinterState::Stopped);
        return None;
    };
    Some((journal, printer))
}

/// Starts the preparer thread on its own journal connection; `None` when that cannot open.
fn spawn_preparer(
    setup: &WorkerSetup,
    slot: PrinterSlot,
    tx: SyncSender<Prepared>,
) -> Option<std::io::Result<std::thread::JoinHandle<()>>> {
    let journal = match Journal::open_with(&setup.journal_path, setup.journal_options.clone()) {
        Ok(j) => j,
        Err(e) => {
            tracing::error!(printer = %setup.printer_id, error = %e, "cannot open the journal");
            return None;
        }
    };
    let stop = setup.stop.clone();
    let (policy, layouts) = (setup.policy.clone(), setup.layouts.clone());
    let training = setup.training;
    Some(
        std::thread::Builder::new()
            .name(format!("prep-{}", setup.printer_id))
            .spawn(move || run_preparer(journal, slot, policy, layouts, training, tx, stop)),
    )
}

fn open_printer(setup: &WorkerSetup) -> Option<Box<dyn Printer>> {
    loop {
        match printer::open_uri(&setup.uri, &EvolisOptions::default()) {
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
    /// Prints the prepared jobs as they come until the daemon stops. Waits on the channel
    /// without polling: the preparer stops with the same token and drops its sender, which
    /// ends the wait; a job that comes after the stop goes back to the queue.
    fn print_prepared(&mut self, rx: &Receiver<Prepared>) {
        while let Ok(job) = rx.recv() {
            if self.stop.is_cancelled() {
                let _ = self.journal.release(&job.job_id, "shutdown");
                break;
            }
            self.handle.set_state(
                &self.id,
                PrinterState::Busy {
                    job_id: job.job_id.clone(),
                },
            );
            let outcome = self.card(&job);
            self.handle.set_state(&self.id, PrinterState::Idle);
            if let Outcome::Stopped = outcome {
                break;
            }
        }
    }

    /// Waits for the operator; `None` when the daemon is stopping.
    fn pause(
        &mut self,
        job: Option<&str>,
        message: &Plain,
        allowed: Vec<Action>,
    ) -> Option<Action> {
        let (message_id, message_en) = (message.message_id(), message.message_en());
        tracing::warn!(printer = %self.id, job = ?job, "{message_en}");
        let _ = self
            .journal
            .raise_alert("printer_fault", &self.id, &message_en, &message_id);
        // Drop decisions given for an earlier event before this one becomes visible.
        while self.actions.try_recv().is_some() {}
        let event_id = self
            .handle
            .raise(&self.id, job, message_id, message_en.clone(), allowed);
        // Woken by a decision or by the stop, whichever comes first.
        let decision = loop {
            match self.actions.recv_or_stop(&self.stop) {
                Ok(d) if d.event_id == event_id => break Some(d),
                Ok(_) => {}
                Err(_) => break None,
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
        let fault = Plain::new("worker.printer_fault")
            .with("printer", &self.id)
            .with_message("reason", e);
        self.pause(Some(job), &fault, allowed)
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

    fn reconnect(&mut self) -> bool {
        match printer::open_uri(&self.uri, &EvolisOptions::default()) {
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
