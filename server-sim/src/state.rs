//! What the simulated server knows: stations, the job queue, leases, stored events and
//! pending cancellations. Pure data under one mutex; time is passed in, so expiry follows the
//! server's clock (real time plus a test-controlled offset).

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime};

use serde_json::Value;

/// Where a job is, as the server sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobStatus {
    /// Claimable.
    Available,
    /// Under at least one active lease.
    Leased,
    /// The station reported `printing` for it: it belongs to that station until printed,
    /// failed or cancelled, and is never offered again (README, Ownership).
    InPrinter,
    /// Finished or withdrawn (printed, failed, rejected, cancelled): never offered again.
    Closed(String),
}

/// A job the test queued.
#[derive(Debug, Clone)]
pub struct SimJob {
    /// Job id.
    pub job_id: String,
    /// The signed document (JWS compact), handed out as is.
    pub jws: String,
    /// Blangko type read from the JWS payload (`document`), if readable; a job without one is
    /// offered to every station.
    pub blangko_type: Option<String>,
    /// Where it is.
    pub status: JobStatus,
    /// Order of arrival.
    pub order: u64,
    /// The station that reported `printing` for it first: the job is that station's.
    pub owner: Option<String>,
    /// Times offered in a claim answer.
    pub offers: u32,
    /// `printing` events stored (one per blangko fed).
    pub printing: u32,
    /// `printed` events stored (more than one is a doubled card).
    pub printed: u32,
}

/// State of one lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaseState {
    /// Valid until `expires_at`.
    Active,
    /// Past `expires_at` (or expired by the test).
    Expired,
    /// Released by the station.
    Released,
}

/// One lease, as [`crate::ServerSim::leases`] shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseInfo {
    /// Lease id.
    pub lease_id: String,
    /// Job leased.
    pub job_id: String,
    /// Station holding it.
    pub station: String,
    /// Expiry on the server's clock.
    pub expires_at: SystemTime,
    /// State.
    pub state: LeaseState,
    /// Renewals granted.
    pub renewals: u32,
    /// Release reason, when released.
    pub release_reason: Option<String>,
}

/// One stored event with its delivery counter.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    /// The event body as received.
    pub body: Value,
    /// How many times it was delivered (1 = once).
    pub deliveries: u32,
}

/// The whole server state.
#[derive(Debug, Default)]
pub struct State {
    /// Station id → bearer token.
    pub tokens: HashMap<String, String>,
    /// Jobs by id.
    pub jobs: BTreeMap<String, SimJob>,
    /// Leases by id.
    pub leases: BTreeMap<String, LeaseInfo>,
    /// Event ids in the order first received.
    pub event_order: Vec<String>,
    /// Events by id.
    pub events: HashMap<String, StoredEvent>,
    /// Station → job ids to cancel in its next claim answer.
    pub cancellations: HashMap<String, Vec<String>>,
    /// Longest lease the server grants.
    pub max_lease_seconds: u32,
    /// Offer jobs already leased again under a new lease (fault).
    pub duplicate_jobs: bool,
    /// Refuse what would give back a job reported `printing` (`409 job_owned`); off, such a
    /// release or `cancelled` event is accepted and ignored (the job stays in the printer).
    pub strict: bool,
    /// (station:journal, job id) → highest `seq` stored, to check the order per job.
    pub last_seq: HashMap<(String, String), u64>,
    pub(crate) next_order: u64,
    pub(crate) next_lease: u64,
}

/// Why a renew or release failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaseError {
    /// No such lease for this station.
    Unknown,
    /// Expired or already released.
    Gone(LeaseState, SystemTime),
    /// A `shutdown`/`no_printer` release of a job this station reported `printing` for.
    Owned(String),
}

/// Reasons of a `cancelled` event by which a station gives a job back.
const GIVE_BACK: [&str; 2] = ["lease_lost", "lease_released"];

/// Reads `document` from a JWS payload without verifying anything (the station verifies).
fn blangko_of(jws: &str) -> Option<String> {
    use base64::Engine;
    let payload = jws.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    v.get("document")?.as_str().map(str::to_string)
}

impl State {
    /// Queues a job (the same id again replaces its document and makes it claimable).
    pub fn add_job(&mut self, job_id: &str, jws: &str) {
        self.next_order += 1;
        self.jobs.insert(
            job_id.to_string(),
            SimJob {
                job_id: job_id.to_string(),
                jws: jws.to_string(),
                blangko_type: blangko_of(jws),
                status: JobStatus::Available,
                order: self.next_order,
                owner: None,
                offers: 0,
                printing: 0,
                printed: 0,
            },
        );
    }

    /// Marks leases past their expiry as expired and makes their jobs claimable again when
    /// no other active lease holds them and they are not in a printer.
    pub fn expire(&mut self, now: SystemTime) {
        let mut freed = Vec::new();
        for l in self.leases.values_mut() {
            if l.state == LeaseState::Active && l.expires_at <= now {
                l.state = LeaseState::Expired;
                freed.push(l.job_id.clone());
            }
        }
        for job in freed {
            self.free_if_unleased(&job);
        }
    }

    fn free_if_unleased(&mut self, job_id: &str) {
        let held = self
            .leases
            .values()
            .any(|l| l.job_id == job_id && l.state == LeaseState::Active);
        if let Some(j) = self.jobs.get_mut(job_id) {
            if !held && j.status == JobStatus::Leased {
                j.status = JobStatus::Available;
            }
        }
    }

    /// Forces the active leases of a job to expire now. Returns how many.
    pub fn expire_job_leases(&mut self, job_id: &str, now: SystemTime) -> usize {
        let mut n = 0;
        for l in self.leases.values_mut() {
            if l.job_id == job_id && l.state == LeaseState::Active {
                l.expires_at = now;
                l.state = LeaseState::Expired;
                n += 1;
            }
        }
        self.free_if_unleased(job_id);
        n
    }

    /// True when a claim by `station` would get something now.
    pub fn has_work_for(&self, station: &str, types: &[String]) -> bool {
        self.cancellations
            .get(station)
            .is_some_and(|c| !c.is_empty())
            || self
                .jobs
                .values()
                .any(|j| self.offerable(j, station) && type_ok(j, types))
    }

    fn offerable(&self, j: &SimJob, station: &str) -> bool {
        match j.status {
            JobStatus::Available => true,
            JobStatus::Leased if self.duplicate_jobs => self.leases.values().any(|l| {
                l.job_id == j.job_id && l.state == LeaseState::Active && l.station == station
            }),
            _ => false,
        }
    }

    /// Leases up to `max` jobs to `station` and takes its pending cancellations.
    /// Returns (lease, jws) pairs and the cancellations.
    pub fn claim(
        &mut self,
        station: &str,
        max: usize,
        types: &[String],
        lease_seconds: u32,
        now: SystemTime,
    ) -> (Vec<(LeaseInfo, String)>, Vec<String>) {
        let mut picked: Vec<&SimJob> = self
            .jobs
            .values()
            .filter(|j| self.offerable(j, station) && type_ok(j, types))
            .collect();
        picked.sort_by_key(|j| j.order);
        let picked: Vec<(String, String)> = picked
            .into_iter()
            .take(max)
            .map(|j| (j.job_id.clone(), j.jws.clone()))
            .collect();
        let granted = lease_seconds.min(self.max_lease_seconds.max(1));
        let mut out = Vec::new();
        for (job_id, jws) in picked {
            self.next_lease += 1;
            let lease = LeaseInfo {
                lease_id: format!("L-{:06}", self.next_lease),
                job_id: job_id.clone(),
                station: station.to_string(),
                expires_at: now + Duration::from_secs(u64::from(granted)),
                state: LeaseState::Active,
                renewals: 0,
                release_reason: None,
            };
            self.leases.insert(lease.lease_id.clone(), lease.clone());
            if let Some(j) = self.jobs.get_mut(&job_id) {
                j.status = JobStatus::Leased;
                j.offers += 1;
            }
            out.push((lease, jws));
        }
        let cancels = self.cancellations.remove(station).unwrap_or_default();
        (out, cancels)
    }

    fn lease_of(&mut self, station: &str, lease_id: &str) -> Result<&mut LeaseInfo, LeaseError> {
        match self.leases.get_mut(lease_id) {
            Some(l) if l.station == station => Ok(l),
            _ => Err(LeaseError::Unknown),
        }
    }

    /// Extends an active lease.
    pub fn renew(
        &mut self,
        station: &str,
        lease_id: &str,
        seconds: u32,
        now: SystemTime,
    ) -> Result<LeaseInfo, LeaseError> {
        let cap = self.max_lease_seconds.max(1);
        let l = self.lease_of(station, lease_id)?;
        if l.state != LeaseState::Active {
            return Err(LeaseError::Gone(l.state, l.expires_at));
        }
        l.expires_at = now + Duration::from_secs(u64::from(seconds.min(cap)));
        l.renewals += 1;
        Ok(l.clone())
    }

    /// Releases an active lease; `shutdown`/`no_printer` make the job claimable again,
    /// `cancelled`/`rejected` close it. In strict mode a `shutdown`/`no_printer` release of a
    /// job this station reported `printing` for is refused ([`LeaseError::Owned`]).
    pub fn release(
        &mut self,
        station: &str,
        lease_id: &str,
        reason: &str,
    ) -> Result<(), LeaseError> {
        let strict = self.strict;
        let l = self.lease_of(station, lease_id)?;
        let job_id = l.job_id.clone();
        if strict && matches!(reason, "shutdown" | "no_printer") && self.owned_by(&job_id, station)
        {
            return Err(LeaseError::Owned(job_id));
        }
        let l = self.lease_of(station, lease_id)?;
        if l.state != LeaseState::Active {
            return Err(LeaseError::Gone(l.state, l.expires_at));
        }
        l.state = LeaseState::Released;
        l.release_reason = Some(reason.to_string());
        let job_id = l.job_id.clone();
        match reason {
            "cancelled" | "rejected" => {
                if let Some(j) = self.jobs.get_mut(&job_id) {
                    j.status = JobStatus::Closed(reason.to_string());
                }
            }
            _ => self.free_if_unleased(&job_id),
        }
        Ok(())
    }

    /// Whether `station` reported `printing` for the job and it has not ended since.
    fn owned_by(&self, job_id: &str, station: &str) -> bool {
        self.jobs.get(job_id).is_some_and(|j| {
            j.status == JobStatus::InPrinter && j.owner.as_deref() == Some(station)
        })
    }

    /// In strict mode, the first event of a batch that would give back a job `station` owns:
    /// a new `cancelled` event with reason `lease_lost`/`lease_released` for a job it reported
    /// `printing` for (before, or earlier in the same batch). Returns `(event_id, job_id)`.
    pub fn give_back_in(&self, station: &str, events: &[Value]) -> Option<(String, String)> {
        if !self.strict {
            return None;
        }
        let mut owned: HashMap<&str, bool> = HashMap::new();
        for e in events {
            let (Some(id), Some(job), Some(kind)) = (
                e.get("event_id").and_then(Value::as_str),
                e.get("job_id").and_then(Value::as_str),
                e.get("kind").and_then(Value::as_str),
            ) else {
                continue;
            };
            if self.events.contains_key(id) {
                continue; // already stored: a delivery again changes nothing
            }
            let now_owned = *owned
                .entry(job)
                .or_insert_with(|| self.owned_by(job, station));
            let reason = e.get("reason").and_then(Value::as_str).unwrap_or_default();
            match kind {
                "printing" => {
                    owned.insert(job, true);
                }
                "cancelled" if now_owned && GIVE_BACK.contains(&reason) => {
                    return Some((id.to_string(), job.to_string()))
                }
                "printed" | "failed" | "cancelled" | "rejected" => {
                    owned.insert(job, false);
                }
                _ => {}
            }
        }
        None
    }

    /// Stores a batch (already validated). Returns (acknowledged, duplicates, order problems):
    /// a new event of a job with a lower `seq` than one already stored breaks the order per
    /// job (it is stored anyway, as a real server would, and reported).
    pub fn store_events(&mut self, events: &[Value]) -> (Vec<String>, Vec<String>, Vec<String>) {
        let mut ack = Vec::new();
        let mut dup = Vec::new();
        let mut disorder = Vec::new();
        for e in events {
            let Some(id) = e.get("event_id").and_then(Value::as_str) else {
                continue;
            };
            ack.push(id.to_string());
            if let Some(s) = self.events.get_mut(id) {
                s.deliveries += 1;
                dup.push(id.to_string());
                continue;
            }
            self.events.insert(
                id.to_string(),
                StoredEvent {
                    body: e.clone(),
                    deliveries: 1,
                },
            );
            self.event_order.push(id.to_string());
            if let Some(problem) = self.check_order(id, e) {
                disorder.push(problem);
            }
            self.follow_job(e);
        }
        (ack, dup, disorder)
    }

    fn check_order(&mut self, id: &str, e: &Value) -> Option<String> {
        let job = e.get("job_id").and_then(Value::as_str)?;
        let (journal, seq) = id.rsplit_once(':')?;
        let seq: u64 = seq.parse().ok()?;
        let last = self
            .last_seq
            .entry((journal.to_string(), job.to_string()))
            .or_insert(0);
        if seq < *last {
            return Some(format!(
                "event {id} of job {job} arrived after seq {} of the same job",
                *last
            ));
        }
        *last = seq;
        None
    }

    /// Moves the server's view of a job along with the station's events.
    fn follow_job(&mut self, e: &Value) {
        let (Some(job_id), Some(kind)) = (
            e.get("job_id").and_then(Value::as_str),
            e.get("kind").and_then(Value::as_str),
        ) else {
            return;
        };
        let Some(j) = self.jobs.get_mut(job_id) else {
            return;
        };
        let station = e.get("station").and_then(Value::as_str).unwrap_or_default();
        match kind {
            "printing" => {
                j.printing += 1;
                if !matches!(j.status, JobStatus::Closed(_)) {
                    j.status = JobStatus::InPrinter;
                    j.owner.get_or_insert_with(|| station.to_string());
                }
            }
            // A station that dropped a job because its lease ended (lost, or released at
            // shutdown) gives it back: the job stays the server's to offer again. (A give-back
            // of an owned job never gets here in strict mode; lenient, it is ignored and the
            // job stays in the printer.)
            "cancelled"
                if matches!(
                    e.get("reason").and_then(Value::as_str),
                    Some("lease_lost" | "lease_released")
                ) => {}
            "printed" => {
                j.printed += 1;
                j.status = JobStatus::Closed(kind.to_string());
            }
            "failed" | "rejected" | "cancelled" => j.status = JobStatus::Closed(kind.to_string()),
            _ => {}
        }
    }

    /// Server-side cancellation: an unleased job is withdrawn at once; a leased one is also
    /// handed to its station in the next claim answer. Returns false for an unknown job.
    pub fn cancel(&mut self, job_id: &str) -> bool {
        let Some(j) = self.jobs.get_mut(job_id) else {
            return false;
        };
        let was = j.status.clone();
        if !matches!(j.status, JobStatus::Closed(_)) {
            j.status = JobStatus::Closed("cancelled".into());
        }
        if matches!(was, JobStatus::Leased | JobStatus::InPrinter) {
            let stations: Vec<String> = self
                .leases
                .values()
                .filter(|l| l.job_id == job_id)
                .map(|l| l.station.clone())
                .collect();
            for s in stations {
                let list = self.cancellations.entry(s).or_default();
                if !list.iter().any(|x| x == job_id) {
                    list.push(job_id.to_string());
                }
            }
        }
        true
    }
}

fn type_ok(j: &SimJob, types: &[String]) -> bool {
    match &j.blangko_type {
        Some(t) => types.iter().any(|x| x == t),
        None => true,
    }
}
