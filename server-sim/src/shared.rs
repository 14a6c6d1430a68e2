//! State shared by the listener, the handlers and the test's handle.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use serde_json::Value;
use tokio::sync::Notify;

use crate::contract::Contract;
use crate::state::State;

/// Faults to inject, switchable at run time with [`crate::ServerSim::set_faults`] or
/// [`crate::ServerSim::update_faults`]. Counters go down as they fire.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// Answer the next n requests `500 internal`.
    pub status_500_next: u32,
    /// Answer the next n requests `503 unavailable` with `Retry-After`.
    pub status_503_next: u32,
    /// Answer the next n requests `429 rate_limited` with `Retry-After`.
    pub status_429_next: u32,
    /// `Retry-After` seconds on 429 and 503.
    pub retry_after_seconds: u32,
    /// Never answer the next n requests (the client must time out).
    pub hang_next: u32,
    /// Close the connection of the next n requests without an answer.
    pub drop_next: u32,
    /// Delay before every claim is answered (on top of any long-poll wait).
    pub slow_claims: Duration,
    /// Offer jobs this station already holds again under a new lease.
    pub duplicate_jobs: bool,
    /// Refuse (422 `invalid_event`, nothing stored) any batch holding an event of these jobs,
    /// as a server does with an event it cannot take.
    pub refuse_events_of_jobs: Vec<String>,
    /// Refuse connections: the listener is closed and open connections cut, until false
    /// again (then the same port is bound again). Use [`crate::ServerSim::set_down`] to wait
    /// for the change to take effect.
    pub down: bool,
}

/// Which side broke the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// A request the station sent to the simulator.
    Request,
    /// An answer the station gave to the simulator (push, cancel, health).
    StationResponse,
    /// An answer of the simulator itself (a simulator bug).
    OwnResponse,
}

/// One body that did not match the contract.
#[derive(Debug, Clone)]
pub struct Violation {
    /// The operation id in the OpenAPI document.
    pub operation: String,
    /// Who sent it.
    pub direction: Direction,
    /// HTTP status, for responses.
    pub status: Option<u16>,
    /// The validator's messages.
    pub errors: Vec<String>,
    /// The offending body (truncated to 2 kB of text).
    pub body: Option<String>,
}

pub(crate) struct Shared {
    pub contract: Arc<Contract>,
    state: Mutex<State>,
    faults: Mutex<Faults>,
    violations: Mutex<Vec<Violation>>,
    requests: Mutex<HashMap<String, u64>>,
    clock_offset: Mutex<Duration>,
    /// Wakes long-polling claims when jobs, cancellations or leases change.
    pub notify: Notify,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock must not take the whole simulator down.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    pub fn new(contract: Arc<Contract>, state: State) -> Shared {
        Shared {
            contract,
            state: Mutex::new(state),
            faults: Mutex::new(Faults::default()),
            violations: Mutex::new(Vec::new()),
            requests: Mutex::new(HashMap::new()),
            clock_offset: Mutex::new(Duration::ZERO),
            notify: Notify::new(),
        }
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    pub fn faults(&self) -> Faults {
        lock(&self.faults).clone()
    }

    pub fn faults_mut(&self) -> MutexGuard<'_, Faults> {
        lock(&self.faults)
    }

    pub fn now(&self) -> SystemTime {
        SystemTime::now() + *lock(&self.clock_offset)
    }

    pub fn advance_clock(&self, by: Duration) {
        *lock(&self.clock_offset) += by;
    }

    pub fn count_request(&self, op: &str) {
        *lock(&self.requests).entry(op.to_string()).or_default() += 1;
    }

    pub fn request_count(&self, op: &str) -> u64 {
        lock(&self.requests).get(op).copied().unwrap_or(0)
    }

    pub fn record(
        &self,
        op: &str,
        direction: Direction,
        status: Option<u16>,
        errors: Vec<String>,
        body: Option<&Value>,
    ) {
        let body = body.map(|b| {
            let mut t = b.to_string();
            if t.len() > 2048 {
                let mut cut = 2048;
                while !t.is_char_boundary(cut) {
                    cut -= 1;
                }
                t.truncate(cut);
            }
            t
        });
        lock(&self.violations).push(Violation {
            operation: op.to_string(),
            direction,
            status,
            errors,
            body,
        });
    }

    pub fn violations(&self) -> Vec<Violation> {
        lock(&self.violations).clone()
    }
}
