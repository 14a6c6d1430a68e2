//! Jobs under lease: the puller (long-poll claims while the station has room, each offer through
//! signed intake), the keeper (renewal at half the lease on a schedule kept in the journal,
//! local expiry, loss) and the release of leases at shutdown. The journal enforces the rules
//! that matter — a job whose lease is lost before it reached a printer is never fed, and a job
//! that reached a printer once is this station's and is never dropped or given back — so a slow
//! or absent server can delay renewals without risk.

use crate::messages::MessageText as _;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::shutdown::Shutdown;

use super::backoff::Backoff;
use super::client::LinkClient;
use super::db::Db;
use super::error::LinkError;
use super::wire::{ClaimRequest, LeasedJob};
use crate::config::LinkConfig;
use crate::intake::{accept_signed, Accepted, IntakeContext, JobOrigin};
use crate::journal::{
    Actor, BlangkoType, HeldLease, JobState, Journal, JournalError, LeaseDrop, Timestamp,
    LEASE_LOST, LEASE_RELEASED,
};

/// What became of a job offered by the server (pulled or pushed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Offer {
    /// New job, queued.
    Queued(String),
    /// Dropped earlier for its lease, queued again under the new lease.
    Requeued(String),
    /// Already known: nothing queued (a new lease is adopted for a job still in work).
    Duplicate(String),
    /// Refused and recorded (the `rejected` event tells the server).
    Rejected {
        job_id: Option<String>,
        code: String,
        message_en: String,
    },
}

impl Offer {
    pub(crate) fn job_id(&self) -> Option<&str> {
        match self {
            Offer::Queued(j) | Offer::Requeued(j) | Offer::Duplicate(j) => Some(j),
            Offer::Rejected { job_id, .. } => job_id.as_deref(),
        }
    }
}

/// The job id inside a JWS whose signature verifies (None if it does not: intake records the
/// rejection with what it can read).
fn verified_job_id(ctx: &IntakeContext, jws: &str) -> Option<String> {
    let payload = ctx.trust.verify(jws, ctx.clock.now().to_datetime()).ok()?;
    let doc: serde_json::Value = serde_json::from_slice(&payload).ok()?;
    doc.get("job_id")?.as_str().map(str::to_string)
}

/// Takes one signed job offered under `origin`; idempotent on the job id.
pub(crate) fn take_offer(
    j: &mut Journal,
    ctx: &IntakeContext,
    jws: &str,
    origin: JobOrigin,
) -> Result<Offer, crate::intake::IntakeError> {
    let lease = match &origin {
        JobOrigin::Pull {
            lease_id,
            expires_at,
        } => Some((lease_id.clone(), *expires_at)),
        JobOrigin::Push {
            lease_id: Some(l),
            expires_at: Some(e),
        } => Some((l.clone(), *e)),
        _ => None,
    };
    if let (Some(job_id), Some((lease_id, expires_at))) = (verified_job_id(ctx, jws), &lease) {
        if j.dropped_for_lease(&job_id)? {
            j.lease_requeue(&job_id, lease_id, *expires_at)?;
            return Ok(Offer::Requeued(job_id));
        }
        if let Some((old, _, false)) = j.lease_of(&job_id)? {
            // Offered again under another lease while still in work: keep the newest lease.
            if &old != lease_id {
                j.lease_renewed(&job_id, lease_id, *expires_at)?;
            }
            return Ok(Offer::Duplicate(job_id));
        }
    }
    Ok(match accept_signed(j, ctx, jws.as_bytes(), origin)? {
        Accepted::Queued { job_id, .. } => Offer::Queued(job_id),
        Accepted::Duplicate { job_id, .. } => Offer::Duplicate(job_id),
        Accepted::Rejected {
            job_id,
            code,
            message_en,
            ..
        } => Offer::Rejected {
            job_id,
            code: code.to_string(),
            message_en,
        },
    })
}

/// Shared by the link's tasks.
#[derive(Clone)]
pub(crate) struct LeaseCtx {
    pub db: Db,
    pub client: LinkClient,
    pub intake: Arc<IntakeContext>,
    pub link: LinkConfig,
    /// Printers per blangko type loaded.
    pub printers: BTreeMap<BlangkoType, u32>,
}

/// Resolves when `stop` is cancelled.
pub(crate) async fn stopped(stop: &Shutdown) {
    stop.cancelled().await
}

/// Sleeps `d` or until stopped; returns false when stopped.
pub(crate) async fn pause(stop: &Shutdown, d: Duration) -> bool {
    if stop.is_cancelled() {
        return false;
    }
    tokio::select! {
        _ = tokio::time::sleep(d) => !stop.is_cancelled(),
        _ = stopped(stop) => false,
    }
}

fn backoff(link: &LinkConfig) -> Backoff {
    Backoff::new(
        Duration::from_millis(link.backoff_initial_ms),
        Duration::from_secs(link.backoff_max_seconds),
    )
}

/// Logs a failed call: "server unreachable" only when no answer came; an HTTP 5xx/429 is a
/// server error or a busy server.
pub(crate) fn log_link_error(what: &str, e: &LinkError) {
    if e.is_transient() {
        tracing::warn!(error = %e, "{what}: {}, will retry", e.summary_en());
    } else {
        tracing::error!(error = %e, pesan = %e.message_id(), "{what} failed");
    }
}

/// Long-poll claims while the station has room, until `stop`.
pub(crate) async fn run_puller(c: LeaseCtx, stop: Shutdown) {
    let mut retry = backoff(&c.link);
    loop {
        if stop.is_cancelled() {
            return;
        }
        let counts = match c.db.call(|j| j.unfed_counts()).await {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(error = %e, "puller: journal");
                if !pause(&stop, Duration::from_secs(1)).await {
                    return;
                }
                continue;
            }
        };
        let mut types = Vec::new();
        let mut room: u32 = 0;
        for (t, printers) in &c.printers {
            let bound = u64::from(printers * c.link.queue_per_printer);
            let have = counts.get(t).copied().unwrap_or(0);
            if have < bound {
                types.push(t.code().to_string());
                room += u32::try_from(bound - have).unwrap_or(u32::MAX);
            }
        }
        if types.is_empty() {
            if !pause(&stop, Duration::from_millis(300)).await {
                return;
            }
            continue;
        }
        let req = ClaimRequest {
            max_jobs: room.clamp(1, 50),
            wait_seconds: c.link.wait_seconds,
            blangko_types: types,
            lease_seconds: c.link.lease_seconds,
        };
        let started = Instant::now();
        let answer = tokio::select! {
            r = c.client.claim(&req) => r,
            _ = stopped(&stop) => return,
        };
        match answer {
            Ok(resp) => {
                retry.reset();
                let empty = resp.leases.is_empty() && resp.cancellations.is_empty();
                for l in resp.leases {
                    take_leased(&c, l).await;
                }
                for job_id in resp.cancellations {
                    cancel_from_server(&c.db, job_id).await;
                }
                // A server that answers an empty claim at once must not make us spin.
                if empty
                    && started.elapsed() < Duration::from_millis(500)
                    && !pause(&stop, Duration::from_secs(1)).await
                {
                    return;
                }
            }
            Err(e) => {
                log_link_error("claim", &e);
                let d = retry.next_delay(e.retry_after());
                if !pause(&stop, d).await {
                    return;
                }
            }
        }
    }
}

async fn take_leased(c: &LeaseCtx, l: LeasedJob) {
    let Some(expires_at) = super::parse_time(&l.expires_at) else {
        tracing::error!(lease = %l.lease_id, "claim: lease without a valid expires_at; released");
        let _ = c.client.release(&l.lease_id, "rejected").await;
        return;
    };
    let origin = JobOrigin::Pull {
        lease_id: l.lease_id.clone(),
        expires_at,
    };
    let ctx = c.intake.clone();
    let jws = l.job;
    let r =
        c.db.call(move |j| {
            take_offer(j, &ctx, &jws, origin).map_err(|e| JournalError::InvalidInput(e.to_string()))
        })
        .await;
    match r {
        Ok(Offer::Rejected {
            job_id,
            code,
            message_en,
        }) => {
            tracing::warn!(job = ?job_id, %code, reason = %message_en, "pulled job rejected");
            if let Err(e) = c.client.release(&l.lease_id, "rejected").await {
                log_link_error("release", &e);
            }
        }
        Ok(o) => tracing::info!(job = ?o.job_id(), lease = %l.lease_id, outcome = ?o, "pulled job"),
        Err(e) => tracing::error!(lease = %l.lease_id, error = %e, "pulled job not taken"),
    }
}

/// A cancellation from the server: honoured for a job not yet in a printer.
pub(crate) async fn cancel_from_server(db: &Db, job_id: String) {
    let id = job_id.clone();
    match db
        .call(move |j| j.cancel(&id, "server", &Actor::operator("server")))
        .await
    {
        Ok(()) => tracing::info!(job = %job_id, "cancelled by the server"),
        Err(JournalError::UnknownJob(_)) => {}
        Err(e) => tracing::info!(job = %job_id, reason = %e, "server cancellation not applied"),
    }
}

/// When a lease is due for renewal: half the lease as granted (or `every`, if sooner), counted
/// from the grant time the journal stored with `expires_at`. The schedule therefore survives a
/// restart (a station restarting more often than half the lease still renews), and a lease past
/// half its life at start is due at once. A lease without a stored grant time is due now.
pub(crate) fn renew_due(h: &HeldLease, every: Duration) -> Timestamp {
    let Some(granted) = h.granted_at else {
        return Timestamp(i64::MIN);
    };
    let half = (h.expires_at.0 - granted.0).max(0) / 2;
    let every = i64::try_from(every.as_millis()).unwrap_or(i64::MAX);
    Timestamp(granted.0.saturating_add(half.min(every)))
}

/// Renews leases when due ([`renew_due`]), drops jobs whose lease expired by the journal clock,
/// and applies losses reported by the server. A lost lease of a job that never reached a
/// printer drops the job and raises a `lease_lost` alert (in the journal, with the drop); an
/// owned job is kept.
pub(crate) async fn run_keeper(c: LeaseCtx, stop: Shutdown) {
    let every = c.link.renew_every();
    // After a failed renewal (server away): not before this instant, with backoff.
    let mut not_before: HashMap<String, Instant> = HashMap::new();
    let mut retry = backoff(&c.link);
    loop {
        match c.db.call(|j| j.drop_expired_leases()).await {
            Ok(ids) => {
                for id in ids {
                    tracing::warn!(
                        job = %id,
                        "lease expired before the job reached a printer: dropped (alert raised)"
                    );
                }
            }
            Err(e) => tracing::error!(error = %e, "keeper: journal"),
        }
        let held = match c.db.call(|j| j.leases_held()).await {
            Ok(h) => h,
            Err(e) => {
                tracing::error!(error = %e, "keeper: journal");
                Vec::new()
            }
        };
        not_before.retain(|k, _| held.iter().any(|h| &h.lease_id == k));
        for h in held {
            let now = Timestamp::from_datetime(chrono::Utc::now());
            if renew_due(&h, every) > now
                || not_before
                    .get(&h.lease_id)
                    .is_some_and(|t| *t > Instant::now())
            {
                continue;
            }
            let r = tokio::select! {
                r = c.client.renew(&h.lease_id, c.link.lease_seconds) => r,
                _ = stopped(&stop) => return,
            };
            match r {
                Ok(lease) => {
                    retry.reset();
                    not_before.remove(&h.lease_id);
                    let Some(exp) = super::parse_time(&lease.expires_at) else {
                        tracing::error!(lease = %h.lease_id, "renew: invalid expires_at");
                        continue;
                    };
                    let (job, id) = (h.job_id.clone(), lease.lease_id.clone());
                    if let Err(e) = c.db.call(move |j| j.lease_renewed(&job, &id, exp)).await {
                        tracing::error!(error = %e, "keeper: journal");
                    }
                }
                Err(LinkError::LeaseLost { lease_id }) => {
                    let job = h.job_id.clone();
                    match c.db.call(move |j| j.lease_lost(&job, LEASE_LOST)).await {
                        Ok(LeaseDrop::Dropped) => tracing::warn!(
                            job = %h.job_id, lease = %lease_id,
                            "lease lost before the job reached a printer: dropped (alert raised)"
                        ),
                        Ok(LeaseDrop::Kept(s) | LeaseDrop::Owned(s)) => tracing::info!(
                            job = %h.job_id, lease = %lease_id, state = %s,
                            "lease lost; the job reached a printer and stays with this station"
                        ),
                        Err(e) => tracing::error!(error = %e, "keeper: journal"),
                    }
                    not_before.remove(&h.lease_id);
                }
                Err(e) => {
                    log_link_error("renew", &e);
                    let d = retry.next_delay(e.retry_after()).min(every);
                    not_before.insert(h.lease_id.clone(), Instant::now() + d);
                }
            }
        }
        if !pause(&stop, Duration::from_millis(500)).await {
            return;
        }
    }
}

/// At shutdown (workers stopped): drops the jobs that never reached a printer from the queue
/// and releases their leases, so the server can hand them to another station at once. An
/// owned job (one that reached a printer once, e.g. queued again after a spoiled card) is
/// never given back: it stays this station's and is printed after the restart.
pub(crate) async fn release_all(c: &LeaseCtx) {
    let held = match c.db.call(|j| j.leases_held()).await {
        Ok(h) => h,
        Err(e) => {
            tracing::error!(error = %e, "release: journal");
            return;
        }
    };
    for h in held {
        if !matches!(
            h.state,
            JobState::Queued | JobState::Preparing | JobState::Ready
        ) {
            continue;
        }
        let job = h.job_id.clone();
        match c.db.call(move |j| j.lease_lost(&job, LEASE_RELEASED)).await {
            Ok(LeaseDrop::Dropped) => {
                if let Err(e) = c.client.release(&h.lease_id, "shutdown").await {
                    log_link_error("release", &e);
                }
            }
            // Owned (it reached a printer once): never given back.
            Ok(LeaseDrop::Kept(_) | LeaseDrop::Owned(_)) => {}
            Err(e) => tracing::error!(error = %e, "release: journal"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(granted: Option<i64>, expires: i64) -> HeldLease {
        HeldLease {
            job_id: "J".into(),
            lease_id: "L".into(),
            expires_at: Timestamp(expires),
            granted_at: granted.map(Timestamp),
            state: JobState::Queued,
        }
    }

    #[test]
    fn due_at_half_the_granted_lease_from_the_grant_whatever_the_start_time() {
        let every = Duration::from_secs(150);
        // A 60 s lease granted at t=1000 s is due at t=1030 s, at every start alike.
        assert_eq!(
            renew_due(&held(Some(1_000_000), 1_060_000), every),
            Timestamp(1_030_000)
        );
        // `renew_seconds` sooner than half the lease wins.
        assert_eq!(
            renew_due(&held(Some(1_000_000), 1_060_000), Duration::from_secs(10)),
            Timestamp(1_010_000)
        );
        // Unknown grant time (journal written before the column): due now.
        assert_eq!(
            renew_due(&held(None, 1_060_000), every),
            Timestamp(i64::MIN)
        );
        // An expiry before the grant (clock trouble): due at the grant.
        assert_eq!(
            renew_due(&held(Some(1_000_000), 900_000), every),
            Timestamp(1_000_000)
        );
    }
}
