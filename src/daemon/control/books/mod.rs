//! The station's books behind the control API: stock, doubt, outbox, audit and bundles. Each
//! operation checks the caller's role first ([`Caller::require`]), then does its work on a
//! journal connection. The daemon's handlers call these inside `spawn_blocking`; `cetak …
//! --offline` (root or the service user, no daemon running) calls the very same functions, so
//! both paths refuse and record alike.

use crate::messages::Plain;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::json;

use super::auth::{Caller, Op, RefusalThrottle};
mod bundles;
mod stock;

use super::wire::*;
use super::Refusal;
use crate::bundle::BundleError;
use crate::config::Config;
use crate::daemon::events::StationHandle;
use crate::daemon::DaemonError;
use crate::intake::IntakeContext;
use crate::job::ValidationPolicy;
use crate::journal::{
    AfterWriteOff, BlangkoType, DoubtResolution, JobState, Journal, JournalError, SpoilCategory,
    StockPlace, StockThresholds,
};

/// What the operations need besides the journal.
pub struct Books {
    station_id: String,
    /// (printer id, configured blangko type code).
    printers: Vec<(String, BlangkoType)>,
    thresholds: StockThresholds,
    intake: Arc<IntakeContext>,
    spool: PathBuf,
    policy: ValidationPolicy,
    handle: Option<StationHandle>,
    throttle: RefusalThrottle,
}

impl std::fmt::Debug for Books {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Books")
            .field("station_id", &self.station_id)
            .finish_non_exhaustive()
    }
}

/// A journal refusal as the API reports it: a stable code, the HTTP status, both languages.
pub fn journal_refusal(e: JournalError) -> Refusal {
    let (status, code) = match &e {
        JournalError::InsufficientStock { .. } => (409, "insufficient_stock"),
        JournalError::FeederHoldsOtherType { .. } => (409, "feeder_holds_other_type"),
        JournalError::NotAdministrator { .. } => (403, "forbidden"),
        JournalError::InvalidInput(_) => (400, "bad_request"),
        JournalError::UnknownJob(_) => (404, "unknown_job"),
        JournalError::IllegalTransition { .. } => (409, "illegal_transition"),
        JournalError::LeaseLost { .. } => (409, "lease_lost"),
        _ => (500, "internal"),
    };
    Refusal::of(status, code, &e)
}

fn bundle_refusal(e: BundleError) -> Refusal {
    let status = match e {
        BundleError::Intake(_) => 500,
        _ => 400,
    };
    Refusal::of(status, "bad_bundle", &e)
}

fn parse<T: std::str::FromStr<Err = JournalError>>(s: &str) -> Result<T, Refusal> {
    s.parse().map_err(journal_refusal)
}

fn place(printer: &Option<String>) -> StockPlace {
    match printer {
        Some(p) => StockPlace::Feeder(p.clone()),
        None => StockPlace::Store,
    }
}

impl Books {
    /// From the configuration; `handle` (the running station) hears of low-stock changes at
    /// once.
    pub fn from_config(
        config: &Config,
        handle: Option<StationHandle>,
    ) -> Result<Books, DaemonError> {
        Ok(Books {
            station_id: config.station.id.clone(),
            printers: config
                .printers
                .iter()
                .map(|p| (p.id.clone(), p.blangko))
                .collect(),
            thresholds: crate::daemon::stock_thresholds(config),
            intake: Arc::new(IntakeContext::from_config(config)?),
            spool: crate::daemon::spool_dir(config),
            policy: crate::daemon::validation_policy(config),
            handle,
            throttle: RefusalThrottle::default(),
        })
    }

    /// Refuses unless `caller` may do `op`; a refusal is written to the audit trail
    /// (`auth.refused`, at most once a minute per user and operation).
    pub fn guard(&self, j: &mut Journal, caller: &Caller, op: Op) -> Result<(), Refusal> {
        let Err(refusal) = caller.require(op) else {
            return Ok(());
        };
        tracing::warn!(uid = caller.uid, user = ?caller.user, role = caller.authority.code(), op = op.code(), "control request refused");
        if self.throttle.should_audit(caller.uid, op) {
            let actor = caller.actor(None)?;
            let detail = json!({ "needs": op.needs().code() });
            if let Err(e) = j.record_action(&actor, "auth.refused", op.code(), &detail) {
                tracing::error!(error = %e, "could not audit a refusal");
            }
        }
        Err(refusal)
    }

    /// Low-stock alerts follow a movement at once.
    fn after_movement(&self, j: &mut Journal) {
        match j.low_stock_check(&self.thresholds) {
            Ok(open) => {
                if let Some(h) = &self.handle {
                    h.note_low_stock(&open);
                }
            }
            Err(e) => tracing::warn!(error = %e, "low-stock check failed"),
        }
    }

    /// `GET /v1/stock`.
    pub fn stock_show(&self, j: &mut Journal, c: &Caller) -> Result<StockView, Refusal> {
        self.guard(j, c, Op::StockShow)?;
        Ok((&j.stock_show().map_err(journal_refusal)?).into())
    }

    /// `GET /v1/stock/verify`.
    pub fn stock_verify(&self, j: &mut Journal, c: &Caller) -> Result<StockVerifyView, Refusal> {
        self.guard(j, c, Op::StockVerify)?;
        Ok((&j.stock_verify().map_err(journal_refusal)?).into())
    }

    /// `POST /v1/jobs/{job}/write-off`.
    pub fn write_off(
        &self,
        j: &mut Journal,
        c: &Caller,
        job: &str,
        r: &WriteOffRequest,
    ) -> Result<JobStateView, Refusal> {
        self.guard(j, c, Op::WriteOff)?;
        let actor = c.actor(r.operator.as_deref())?;
        let cat: SpoilCategory = parse(&r.category)?;
        let after = match &r.replaced_by {
            Some(new) => AfterWriteOff::SupersededBy(new.clone()),
            None => AfterWriteOff::Reprint,
        };
        let state = j
            .write_off_printed(job, cat, &r.note, &after, &actor)
            .map_err(journal_refusal)?;
        self.after_movement(j);
        Ok(job_state_view(job, state, actor.id))
    }

    /// `GET /v1/doubt`.
    pub fn doubt_list(&self, j: &mut Journal, c: &Caller) -> Result<Vec<DoubtView>, Refusal> {
        self.guard(j, c, Op::DoubtList)?;
        Ok(j.doubt_list()
            .map_err(journal_refusal)?
            .into_iter()
            .map(DoubtView::from)
            .collect())
    }

    /// `POST /v1/doubt/{job}/resolve`.
    pub fn doubt_resolve(
        &self,
        j: &mut Journal,
        c: &Caller,
        job: &str,
        r: &ResolveRequest,
    ) -> Result<JobStateView, Refusal> {
        self.guard(j, c, Op::DoubtResolve)?;
        let actor = c.actor(r.operator.as_deref())?;
        let res = match (r.printed, &r.spoiled, &r.card_serial) {
            (true, None, _) => DoubtResolution::Printed,
            (false, Some(cat), None) => DoubtResolution::Spoiled(parse(cat)?),
            (false, Some(_), Some(_)) => {
                return Err(Refusal::of(
                    400,
                    "bad_request",
                    &Plain::new("control.serial_with_printed_only"),
                ))
            }
            _ => {
                return Err(Refusal::of(
                    400,
                    "bad_request",
                    &Plain::new("control.printed_or_spoiled"),
                ))
            }
        };
        let state = match res {
            DoubtResolution::Printed => {
                j.doubt_resolve_printed(job, r.card_serial.as_deref(), &r.note, &actor)
            }
            res => j.doubt_resolve(job, res, &r.note, &actor),
        }
        .map_err(journal_refusal)?;
        self.after_movement(j);
        Ok(job_state_view(job, state, actor.id))
    }

    /// `GET /v1/outbox`.
    pub fn outbox_show(&self, j: &mut Journal, c: &Caller) -> Result<OutboxView, Refusal> {
        self.guard(j, c, Op::OutboxShow)?;
        Ok(OutboxView {
            backlog: j.outbox_backlog().map_err(journal_refusal)?,
            refused: j
                .outbox_refused()
                .map_err(journal_refusal)?
                .into_iter()
                .map(|r| RefusedView {
                    event_id: r.event_id,
                    kind: r.kind,
                    job_id: r.job_id,
                    refused_at: r.refused_at.to_string(),
                    reason: r.reason,
                })
                .collect(),
        })
    }

    /// `POST /v1/outbox/retry`.
    pub fn outbox_retry(
        &self,
        j: &mut Journal,
        c: &Caller,
        r: &RetryRequest,
    ) -> Result<RetryView, Refusal> {
        self.guard(j, c, Op::OutboxRetry)?;
        let actor = c.actor(r.operator.as_deref())?;
        let count = j
            .outbox_retry_refused(r.event.as_deref(), &actor)
            .map_err(journal_refusal)?;
        Ok(RetryView {
            count,
            operator: actor.id,
        })
    }

    /// `GET /v1/audit/verify`.
    pub fn audit_verify(&self, j: &mut Journal, c: &Caller) -> Result<AuditVerifyView, Refusal> {
        self.guard(j, c, Op::AuditVerify)?;
        let r = j.audit_verify().map_err(journal_refusal)?;
        Ok(AuditVerifyView {
            rows: r.rows,
            head: r.head,
            problem_row: r.problem.as_ref().map(|p| p.row_id),
            problem: r.problem.map(|p| Said::of(&p.what)),
        })
    }
}

/// A decision on a job as the API answers it.
fn job_state_view(job: &str, state: JobState, operator: String) -> JobStateView {
    JobStateView {
        job_id: job.to_string(),
        state: state.code().to_string(),
        state_id: state.label_id().to_string(),
        operator,
    }
}
