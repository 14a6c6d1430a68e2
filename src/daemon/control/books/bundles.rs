//! Jobs and bundles through the control API: `cetak submit`, `cetak export`, `cetak import`.

use serde_json::json;

use super::{bundle_refusal, journal_refusal, Books};
use crate::bundle::{self, BundleError};
use crate::daemon::control::auth::{Caller, Op};
use crate::daemon::control::wire::{
    ExportView, ImportQuery, ImportView, RejectedView, SubmitQuery, SubmitView,
};
use crate::daemon::control::Refusal;
use crate::intake::{IntakeError, Spool};
use crate::journal::Journal;

impl Books {
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
        let internal = |e: IntakeError| Refusal::of(500, "internal", &e);
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
