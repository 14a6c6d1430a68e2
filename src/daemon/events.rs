//! What the station shows an operator: each printer's state and the events waiting for a
//! decision, and the in-process handle through which a decision is given. The dashboard and the
//! HTTP API use [`StationHandle`]; workers block on their own action channel while paused.

use crate::shutdown::{Receiver, Sender};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::journal::Actor;

/// What a printer's worker is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterState {
    /// Opening the printer.
    Starting,
    /// Waiting for a ready job.
    Idle,
    /// Working on a card for this job.
    Busy {
        /// Job id.
        job_id: String,
    },
    /// Stopped by a condition; an operator event is pending.
    Paused {
        /// The pending event's id.
        event_id: u64,
    },
    /// The printer could not be opened or was lost; the worker retries.
    Offline {
        /// Why (English).
        reason: String,
        /// Why (Bahasa Indonesia).
        reason_id: String,
    },
    /// The worker finished (shutdown).
    Stopped,
}

/// An operator decision on a paused printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// The operator fixed the condition (loaded cards, closed the cover, …): try again.
    Retry,
    /// Give up the job waiting at this printer (only before a blangko moved).
    CancelJob,
    /// The card in the printer is spoiled (taken out by the operator): write it off; the job
    /// goes back to the queue for a new blangko.
    MarkSpoiled,
}

impl Action {
    /// Code used by the CLI and the API.
    pub fn code(self) -> &'static str {
        match self {
            Action::Retry => "retry",
            Action::CancelJob => "cancel",
            Action::MarkSpoiled => "spoiled",
        }
    }
}

impl std::str::FromStr for Action {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "retry" => Ok(Action::Retry),
            "cancel" => Ok(Action::CancelJob),
            "spoiled" => Ok(Action::MarkSpoiled),
            other => Err(format!("unknown action {other:?} (retry, cancel, spoiled)")),
        }
    }
}

/// An operator's decision as the worker receives it: the action and who gave it (recorded in
/// the journal and the audit trail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// What to do.
    pub action: Action,
    /// Who decided (from the control channel: the peer's Unix user and a stated name).
    pub actor: Actor,
    /// The event decided on.
    pub event_id: u64,
}

/// A condition waiting for an operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorEvent {
    /// Unique within this daemon run.
    pub id: u64,
    /// Printer id.
    pub printer: String,
    /// Job at the printer, if any.
    pub job_id: Option<String>,
    /// Message for the operator, Bahasa Indonesia.
    pub message_id: String,
    /// Message, English.
    pub message_en: String,
    /// What the operator may do.
    pub allowed: Vec<Action>,
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActError {
    /// No such printer.
    #[error("unknown printer {0:?}")]
    UnknownPrinter(String),
    /// The printer has no pending event.
    #[error("printer {0} is not waiting for an operator")]
    NotPaused(String),
    /// The action is not allowed for the pending event.
    #[error("action {action} is not allowed here (allowed: {allowed})")]
    NotAllowed {
        /// The action asked for.
        action: &'static str,
        /// Allowed actions.
        allowed: String,
    },
    /// The decision names an event that is no longer the pending one (another operator
    /// acted first, or the printer paused again for something else).
    #[error("event {given} is no longer pending on printer {printer} (pending: {pending})")]
    StaleEvent {
        /// Printer id.
        printer: String,
        /// Event id the caller decided on.
        given: u64,
        /// Event id now pending.
        pending: u64,
    },
    /// The worker is gone.
    #[error("printer {0} worker has stopped")]
    WorkerGone(String),
}

impl ActError {
    /// Stable code for the control API.
    pub fn code(&self) -> &'static str {
        match self {
            ActError::UnknownPrinter(_) => "unknown_printer",
            ActError::NotPaused(_) => "not_paused",
            ActError::NotAllowed { .. } => "not_allowed",
            ActError::StaleEvent { .. } => "stale_event",
            ActError::WorkerGone(_) => "worker_gone",
        }
    }
}

impl crate::messages::Message for ActError {
    fn message_code(&self) -> &'static str {
        match self {
            ActError::UnknownPrinter { .. } => "act.unknown_printer",
            ActError::NotPaused { .. } => "act.not_paused",
            ActError::NotAllowed { .. } => "act.not_allowed",
            ActError::StaleEvent { .. } => "act.stale_event",
            ActError::WorkerGone { .. } => "act.worker_gone",
        }
    }

    fn message_args(&self) -> crate::messages::Args {
        let args = crate::messages::Args::new();
        #[allow(unreachable_patterns)] // variants without arguments
        match self {
            ActError::StaleEvent {
                given,
                printer,
                pending,
                ..
            } => args
                .with("given", given)
                .with("printer", printer)
                .with("pending", pending),
            ActError::NotAllowed { action, allowed } => {
                args.with("action", action).with("allowed", allowed)
            }
            ActError::UnknownPrinter(p) => args.with("printer", format!("{p:?}")),
            ActError::NotPaused(p) | ActError::WorkerGone(p) => args.with("printer", p),
            _ => args,
        }
    }
}

/// What the station learns of its link to the server: the link's health, for the status view.
/// The daemon owns this trait; the link's [`crate::link::HealthCell`] provides it (the impl is
/// here, so the link never imports the daemon).
pub trait LinkStatus: Send + Sync {
    /// The link's recent history.
    fn health(&self) -> crate::link::LinkHealth;
}

impl LinkStatus for crate::link::HealthCell {
    fn health(&self) -> crate::link::LinkHealth {
        self.get()
    }
}

#[derive(Default)]
struct Board {
    states: BTreeMap<String, PrinterState>,
    events: BTreeMap<String, OperatorEvent>,
    actions: BTreeMap<String, Sender<Decision>>,
    next_id: u64,
    printed: u64,
    /// Open low-stock alerts (`kind/key`) as last seen by any check, to log changes once.
    low_stock: Vec<String>,
    /// The server link's health, when the station has `[link]`.
    link: Option<Arc<dyn LinkStatus>>,
}

/// Shared view of the station (clone freely; all clones see the same station).
#[derive(Clone, Default)]
pub struct StationHandle {
    board: Arc<Mutex<Board>>,
}

impl std::fmt::Debug for StationHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StationHandle").finish_non_exhaustive()
    }
}

impl StationHandle {
    fn board(&self) -> MutexGuard<'_, Board> {
        self.board.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a printer worker; returns the receiving end of its action channel.
    pub(crate) fn add_printer(&self, printer: &str) -> Receiver<Decision> {
        let (tx, rx) = crate::shutdown::channel();
        let mut b = self.board();
        b.states.insert(printer.to_string(), PrinterState::Starting);
        b.actions.insert(printer.to_string(), tx);
        rx
    }

    pub(crate) fn set_state(&self, printer: &str, state: PrinterState) {
        self.board().states.insert(printer.to_string(), state);
    }

    /// Logs low-stock alerts that appeared or cleared since the last check anywhere in the
    /// station (workers and the spool thread each check; the log says it once).
    pub(crate) fn note_low_stock(&self, open: &[crate::journal::Alert]) {
        let now: Vec<String> = open
            .iter()
            .map(|a| format!("{}/{}", a.kind, a.key))
            .collect();
        let mut b = self.board();
        for a in open {
            if !b.low_stock.contains(&format!("{}/{}", a.kind, a.key)) {
                tracing::warn!(alert = %a.kind, key = %a.key, "{}", a.message_en);
            }
        }
        for k in &b.low_stock {
            if !now.contains(k) {
                tracing::info!(alert = %k, "low-stock alert cleared");
            }
        }
        b.low_stock = now;
    }

    pub(crate) fn card_printed(&self) {
        self.board().printed += 1;
    }

    /// Raises an event for `printer` and marks it paused; returns the event id.
    pub(crate) fn raise(
        &self,
        printer: &str,
        job_id: Option<&str>,
        message_id: String,
        message_en: String,
        allowed: Vec<Action>,
    ) -> u64 {
        let mut b = self.board();
        b.next_id += 1;
        let id = b.next_id;
        b.events.insert(
            printer.to_string(),
            OperatorEvent {
                id,
                printer: printer.to_string(),
                job_id: job_id.map(str::to_string),
                message_id,
                message_en,
                allowed,
            },
        );
        b.states
            .insert(printer.to_string(), PrinterState::Paused { event_id: id });
        id
    }

    pub(crate) fn clear_event(&self, printer: &str) {
        self.board().events.remove(printer);
    }

    /// Every printer and its state.
    pub fn printer_states(&self) -> BTreeMap<String, PrinterState> {
        self.board().states.clone()
    }

    /// Events waiting for an operator, one per paused printer.
    pub fn pending_events(&self) -> Vec<OperatorEvent> {
        self.board().events.values().cloned().collect()
    }

    /// Cards printed since the daemon started.
    pub fn cards_printed(&self) -> u64 {
        self.board().printed
    }

    /// Lets the status view show the server link's health.
    pub(crate) fn attach_link(&self, link: Arc<dyn LinkStatus>) {
        self.board().link = Some(link);
    }

    /// The server link's health; `None` when the station has no `[link]`.
    pub fn link_health(&self) -> Option<crate::link::LinkHealth> {
        let link = self.board().link.clone();
        link.map(|l| l.health())
    }

    /// Gives a decision to a paused printer in-process; recorded as the operator `station`.
    pub fn act(&self, printer: &str, action: Action) -> Result<(), ActError> {
        self.act_as(printer, action, &Actor::operator("station"), None)
            .map(|_| ())
    }

    /// Gives `actor`'s decision to a paused printer. With `event_id`, the decision applies
    /// only if that event is still the pending one (two operators, a dashboard showing an old
    /// event). Returns the id of the event decided on.
    pub fn act_as(
        &self,
        printer: &str,
        action: Action,
        actor: &Actor,
        event_id: Option<u64>,
    ) -> Result<u64, ActError> {
        let mut b = self.board();
        let sender = b
            .actions
            .get(printer)
            .ok_or_else(|| ActError::UnknownPrinter(printer.to_string()))?;
        let event = b
            .events
            .get(printer)
            .ok_or_else(|| ActError::NotPaused(printer.to_string()))?;
        if let Some(given) = event_id {
            if given != event.id {
                return Err(ActError::StaleEvent {
                    printer: printer.to_string(),
                    given,
                    pending: event.id,
                });
            }
        }
        if !event.allowed.contains(&action) {
            return Err(ActError::NotAllowed {
                action: action.code(),
                allowed: event
                    .allowed
                    .iter()
                    .map(|a| a.code())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        let id = event.id;
        sender
            .send(Decision {
                action,
                actor: actor.clone(),
                event_id: id,
            })
            .map_err(|_| ActError::WorkerGone(printer.to_string()))?;
        // Decided: a second decision on the same event is refused rather than queued.
        b.events.remove(printer);
        Ok(id)
    }
}
