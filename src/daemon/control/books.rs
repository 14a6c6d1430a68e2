//! The station's books behind the control API: stock, doubt, outbox, audit and bundles. Each
//! operation checks the caller's role first ([`Caller::require`]), then does its work on a
//! journal connection. The daemon's handlers call these inside `spawn_blocking`; `cetak …
//! --offline` (root or the service user, no daemon running) calls the very same functions, so
//! both paths refuse and record alike.

use crate::messages::MessageText as _;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::json;

use super::auth::{Caller, Op, RefusalThrottle};
use super::wire::*;
use super::Refusal;
use crate::bundle::{self, BundleError};
use crate::config::Config;
use crate::daemon::events::StationHandle;
use crate::daemon::DaemonError;
use crate::intake::{IntakeContext, IntakeError, Spool};
use crate::job::ValidationPolicy;
use crate::journal::{
    AfterWriteOff, BlangkoType, DoubtResolution, Journal, JournalError, SpoilCategory, StockPlace,
    StockThresholds,
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
    Refusal::new(status, code, e.message_en(), e.message_id())
}

fn bundle_refusal(e: BundleError) -> Refusal {
    let status = match e {
        BundleError::Intake(_) => 500,
        _ => 400,
    };
    Refusal::new(status, "bad_bundle", e.message_en(), e.message_id())
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

    /// `POST /v1/stock/receive`.
    pub fn stock_receive(
        &self,
        j: &mut Journal,
        c: &Caller,
        r: &ReceiveRequest,
    ) -> Result<Recorded, Refusal> {
        self.guard(j, c, Op::StockReceive)?;
        let actor = c.actor(r.operator.as_deref())?;
        let bt: BlangkoType = parse(&r.blangko_type)?;
        let movement = j
            .stock_receive(bt, r.count, &r.lot, r.note.as_deref(), &actor)
            .map_err(journal_refusal)?;
        self.after_movement(j);
        Ok(Recorded {
            movement,
            operator: actor.id,
        })
    }

    fn printer_type(&self, printer: &str, given: &Option<String>) -> Result<BlangkoType, Refusal> {
        match given {
            Some(t) => parse(t),
            None => {
                let Some((_, t)) = self.printers.iter().find(|(id, _)| id == printer) else {
                    return Err(Refusal::new(
                        404,
                        "unknown_printer",
                        format!("printer {printer:?} is not in the configuration"),
                        format!("printer {printer:?} tidak ada di konfigurasi"),
                    ));
                };
                Ok(*t)
            }
        }
    }

    /// `POST /v1/stock/load`.
    pub fn stock_load(
        &self,
        j: &mut Journal,
        c: &Caller,
        r: &LoadRequest,
    ) -> Result<Recorded, Refusal> {
        self.guard(j, c, Op::StockLoad)?;
        let actor = c.actor(r.operator.as_deref())?;
        let bt = self.printer_type(&r.printer, &r.blangko_type)?;
        let movement = j
            .stock_load(&r.printer, bt, r.count, &actor)
            .map_err(journal_refusal)?;
        self.after_movement(j);
        Ok(Recorded {
            movement,
            operator: actor.id,
        })
    }

    /// `POST /v1/stock/unload`.
    pub fn stock_unload(
        &self,
        j: &mut Journal,
        c: &Caller,
        r: &LoadRequest,
    ) -> Result<Recorded, Refusal> {
        self.guard(j, c, Op::StockLoad)?;
        let actor = c.actor(r.operator.as_deref())?;
        let bt = self.printer_type(&r.printer, &r.blangko_type)?;
        let movement = j
            .stock_unload(&r.printer, bt, r.count, &actor)
            .map_err(journal_refusal)?;
        self.after_movement(j);
        Ok(Recorded {
            movement,
            operator: actor.id,
        })
    }

    /// `POST /v1/stock/spoil`.
    pub fn stock_spoil(
        &self,
        j: &mut Journal,
        c: &Caller,
        r: &MoveOutRequest,
    ) -> Result<Recorded, Refusal> {
        self.guard(j, c, Op::StockSpoil)?;
        let actor = c.actor(r.operator.as_deref())?;
        let bt: BlangkoType = parse(&r.blangko_type)?;
        let Some(cat) = &r.category else {
            return Err(Refusal::new(
                400,
                "bad_request",
                "a spoil needs its category".into(),
                "kategori rusak wajib diisi".into(),
            ));
        };
        let cat: SpoilCategory = parse(cat)?;
        let movement = j
            .stock_spoil(&place(&r.printer), bt, r.count, cat, &r.note, &actor)
            .map_err(journal_refusal)?;
        self.after_movement(j);
        Ok(Recorded {
            movement,
            operator: actor.id,
        })
    }

    /// `POST /v1/stock/return`.
    pub fn stock_return(
        &self,
        j: &mut Journal,
        c: &Caller,
        r: &MoveOutRequest,
    ) -> Result<Recorded, Refusal> {
        self.guard(j, c, Op::StockReturn)?;
        let actor = c.actor(r.operator.as_deref())?;
        let bt: BlangkoType = parse(&r.blangko_type)?;
        let movement = j
            .stock_return(&place(&r.printer), bt, r.count, &r.note, &actor)
            .map_err(journal_refusal)?;
        self.after_movement(j);
        Ok(Recorded {
            movement,
            operator: actor.id,
        })
    }

    /// `POST /v1/stock/adjust`.
    pub fn stock_adjust(
        &self,
        j: &mut Journal,
        c: &Caller,
        r: &AdjustRequest,
    ) -> Result<Recorded, Refusal> {
        self.guard(j, c, Op::StockAdjust)?;
        let actor = c.actor(r.operator.as_deref())?;
        let bt: BlangkoType = parse(&r.blangko_type)?;
        let movement = j
            .stock_adjust(&place(&r.printer), bt, r.delta, &r.reason, &actor)
            .map_err(journal_refusal)?;
        self.after_movement(j);
        Ok(Recorded {
            movement,
            operator: actor.id,
        })
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
        Ok(JobStateView {
            job_id: job.to_string(),
            state: state.code().to_string(),
            state_id: state.label_id().to_string(),
            operator: actor.id,
        })
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
                return Err(Refusal::new(
                    400,
                    "bad_request",
                    "a card number goes with printed only".into(),
                    "nomor kartu hanya untuk printed".into(),
                ))
            }
            _ => {
                return Err(Refusal::new(
                    400,
                    "bad_request",
                    "give printed or spoiled (with its category), not both".into(),
                    "pilih printed atau spoiled (dengan kategorinya), bukan keduanya".into(),
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
        Ok(JobStateView {
            job_id: job.to_string(),
            state: state.code().to_string(),
            state_id: state.label_id().to_string(),
            operator: actor.id,
        })
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
            problem: r.problem.map(|p| p.what),
        })
    }

    /// `GET /v1/export`: pending events and the stock report as a bundle text.
    pub fn export(&self, j: &mut Journal, c: &Caller) -> Result<ExportView, Refusal> {
        self.guard(j, c, Op::Export)?;
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let (bundle, events) = bundle::export(j, &self.station_id, &now).map_err(bundle_refusal)?;
        Ok(ExportView { bundle, events })
    }

    /// `POST /v1/import`: a bundle of signed jobs (and acknowledgements), or only its
    /// acknowledgements. Audited (`bundle.import`) with who brought it.
    pub fn import(
        &self,
        j: &mut Journal,
        c: &Caller,
        q: &ImportQuery,
        bytes: &[u8],
    ) -> Result<ImportView, Refusal> {
        self.guard(j, c, Op::Import)?;
        let actor = c.actor(q.operator.as_deref())?;
        if bytes.len() as u64 > bundle::MAX_BUNDLE_BYTES {
            let e = BundleError::TooLarge {
                size: bytes.len() as u64,
                max: bundle::MAX_BUNDLE_BYTES,
            };
            return Err(bundle_refusal(e));
        }
        let stripped;
        let (bytes, allowed): (&[u8], &[&str]) = if q.acks_only {
            stripped = strip_jobs(bytes).map_err(bundle_refusal)?;
            (&stripped, &["acks", "jobs"])
        } else {
            (bytes, &["jobs", "acks"])
        };
        let r = bundle::import(j, &self.intake, &self.station_id, &q.name, bytes, allowed)
            .map_err(bundle_refusal)?;
        let detail = json!({
            "file": q.name,
            "acks_only": q.acks_only,
            "queued": r.queued.len(),
            "duplicates": r.duplicates.len(),
            "rejected": r.rejected.len(),
            "acked": r.acked,
        });
        j.record_action(&actor, "bundle.import", &self.station_id, &detail)
            .map_err(journal_refusal)?;
        Ok(ImportView {
            queued: r.queued,
            duplicates: r.duplicates,
            rejected: r
                .rejected
                .into_iter()
                .map(|(job_id, code, message)| RejectedView {
                    job_id,
                    code,
                    message,
                })
                .collect(),
            acked: r.acked,
            unknown_acks: r.unknown_acks,
        })
    }
}

impl Books {
    /// `POST /v1/submit`: checks a job (signature, then the job) and puts it in the spool, as
    /// `cetak submit` did on its own before the spool became the service user's only. Audited
    /// (`job.submit`) with who brought it.
    pub fn submit(
        &self,
        j: &mut Journal,
        c: &Caller,
        q: &SubmitQuery,
        bytes: &[u8],
    ) -> Result<SubmitView, Refusal> {
        self.guard(j, c, Op::Submit)?;
        let actor = c.actor(q.operator.as_deref())?;
        let internal = |e: IntakeError| Refusal::new(500, "internal", e.to_string(), e.to_string());
        let spool = Spool::open(&self.spool)
            .map_err(internal)?
            .with_context((*self.intake).clone());
        // Images were inlined by the CLI: nothing is read from the daemon's folders.
        let nowhere = None;
        let job_id = match spool.submit_bytes(bytes, nowhere, &self.policy, crate::job::Lang::En) {
            Ok(id) => id,
            Err(IntakeError::InvalidJob(en)) => {
                // Refused: the same check once more for the Indonesian report (nothing written).
                let id =
                    match spool.submit_bytes(bytes, nowhere, &self.policy, crate::job::Lang::Id) {
                        Err(IntakeError::InvalidJob(id)) => id,
                        _ => en.clone(),
                    };
                return Err(Refusal::new(400, "invalid_job", en, id));
            }
            Err(e) => return Err(internal(e)),
        };
        let detail = json!({ "bytes": bytes.len() });
        j.record_action(&actor, "job.submit", &job_id, &detail)
            .map_err(journal_refusal)?;
        Ok(SubmitView {
            job_id,
            operator: actor.id,
        })
    }
}

/// A checked copy of the bundle without its jobs (`cetak import-acks`).
fn strip_jobs(bytes: &[u8]) -> Result<Vec<u8>, BundleError> {
    let env = bundle::open(bytes)?;
    let mut content: bundle::Inbound = serde_json::from_str(&env.content)
        .map_err(|e| BundleError::Malformed(format!("content: {e}")))?;
    content.jobs.clear();
    let value =
        serde_json::to_value(&content).map_err(|e| BundleError::Malformed(e.to_string()))?;
    Ok(bundle::wrap(&env.kind, &env.station_id, &env.created_at, &value).into_bytes())
}
