//! Signed intake: the one door every job goes through, whatever brought it (spool file,
//! `cetak submit`, pull, push, bundle). Verify the signature → validate the document with the
//! spool's policy → queue, idempotent on the job id. Nothing of a payload whose signature did
//! not verify is ever queued; unsigned documents pass only on a training station.

use crate::messages::MessageText as _;
use std::sync::Arc;

use serde_json::Value;
use sha2::Digest as _;

use crate::config::{ChipRule, Config};
use crate::job::{self, Lang, ValidationPolicy};
use crate::journal::{
    Clock, Enqueued, JobSource, Journal, SystemClock, Timestamp, DUPLICATE_IN_BATCH,
};
use crate::signing::{b64url_decode, SignatureError, TrustStore};

use super::IntakeError;
use super::{new_job, rejected};

/// Where a job came from; stored with it (`jobs.origin`, `jobs.lease_id`,
/// `jobs.lease_expires_at`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobOrigin {
    /// A file given on this station (spool, `cetak submit`).
    Local,
    /// Claimed from the server under a lease.
    Pull {
        /// Lease id from the server.
        lease_id: String,
        /// When the lease ends unless renewed.
        expires_at: Timestamp,
    },
    /// Pushed by the server to the station's endpoint.
    Push {
        /// Lease id, when the server leased the pushed job.
        lease_id: Option<String>,
        /// Lease end, when leased.
        expires_at: Option<Timestamp>,
    },
    /// Imported from an offline bundle.
    Bundle {
        /// Bundle file name (for the operator; not a path).
        name: String,
    },
}

impl JobOrigin {
    /// The journal's record of this origin.
    pub fn source(&self) -> JobSource {
        let (origin, lease_id, lease_expires_at) = match self {
            JobOrigin::Local => ("local".to_string(), None, None),
            JobOrigin::Pull {
                lease_id,
                expires_at,
            } => (
                "pull".to_string(),
                Some(lease_id.clone()),
                Some(*expires_at),
            ),
            JobOrigin::Push {
                lease_id,
                expires_at,
            } => ("push".to_string(), lease_id.clone(), *expires_at),
            JobOrigin::Bundle { name } => (format!("bundle:{}", safe_name(name)), None, None),
        };
        JobSource {
            origin,
            lease_id,
            lease_expires_at,
        }
    }
}

/// What intake needs besides the journal: trusted keys, validation policy, chip rule, training.
#[derive(Clone)]
pub struct IntakeContext {
    /// Server keys whose signatures are accepted.
    pub trust: TrustStore,
    /// Same validation as the spool.
    pub policy: ValidationPolicy,
    /// Which jobs need their chip personalised.
    pub chips: ChipRule,
    /// Training station: unsigned documents accepted (cards get SPECIMEN).
    pub training: bool,
    /// Time for key expiry (`not_after`).
    pub clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for IntakeContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IntakeContext")
            .field("trust", &self.trust)
            .field("policy", &self.policy)
            .field("chips", &self.chips)
            .field("training", &self.training)
            .finish_non_exhaustive()
    }
}

impl IntakeContext {
    /// A context with the wall clock.
    pub fn new(
        trust: TrustStore,
        policy: ValidationPolicy,
        chips: ChipRule,
        training: bool,
    ) -> IntakeContext {
        IntakeContext {
            trust,
            policy,
            chips,
            training,
            clock: Arc::new(SystemClock),
        }
    }

    /// The station's context from its configuration.
    pub fn from_config(config: &Config) -> Result<IntakeContext, IntakeError> {
        Ok(IntakeContext::new(
            config.trust_store()?,
            config.validation_policy(),
            config.chip_rule(),
            config.policy.training,
        ))
    }

    /// Replaces the clock (tests of key expiry).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> IntakeContext {
        self.clock = clock;
        self
    }
}

/// Outcome of [`accept_signed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepted {
    /// Verified, valid and now queued.
    Queued {
        /// Job id.
        job_id: String,
    },
    /// The job id is already in the journal (queued, printed, rejected…): nothing changed.
    /// The same job delivered twice (pull, push, bundle) is printed once.
    Duplicate {
        /// Job id.
        job_id: String,
    },
    /// Refused and reported (a `rejected` event is in the outbox, unless the same bytes were
    /// reported before).
    Rejected {
        /// The job id the document claims, when it could be read (unverified for signature
        /// failures: for correlation only).
        job_id: Option<String>,
        /// Stable reason code: a [`SignatureError::code`], `invalid_job`, or
        /// `duplicate_in_batch` (the batch already holds a card for the holder; message
        /// `intake.duplicate_in_batch`).
        code: &'static str,
        /// Reason in Bahasa Indonesia.
        message_id: String,
        /// Reason in English.
        message_en: String,
    },
}

/// Reason code of a verified document that fails validation.
pub const INVALID_JOB: &str = "invalid_job";

/// Verifies, validates and queues one job delivered as a compact JWS (or, on a training
/// station only, as plain JSON). Errors are journal/infrastructure failures only: every
/// problem with the document itself is an [`Accepted::Rejected`].
///
/// A signature failure is reported with [`Journal::report_unverified`] (an outbox event naming
/// the claimed job id, no job row), so a forged document cannot take the id of the genuine
/// job and block it; a verified but invalid job is recorded with [`Journal::reject_from`].
pub fn accept_signed(
    journal: &mut Journal,
    ctx: &IntakeContext,
    compact: &[u8],
    origin: JobOrigin,
) -> Result<Accepted, IntakeError> {
    let source = origin.source();
    let trimmed = compact.trim_ascii();
    let payload = if trimmed.first() == Some(&b'{') {
        if !ctx.training {
            return unverified(
                journal,
                compact,
                claimed_id(trimmed),
                SignatureError::NotJws,
                &source,
            );
        }
        trimmed.to_vec()
    } else {
        let now = ctx.clock.now().to_datetime();
        match ctx.trust.verify_bytes(compact, now) {
            Ok(p) => p,
            Err(e) => {
                let claimed = unverified_payload(trimmed).and_then(|p| claimed_id(&p));
                return unverified(journal, compact, claimed, e, &source);
            }
        }
    };
    take_verified(journal, ctx, &payload, &source)
}

/// Validates and queues a payload whose signature verified (or an unsigned training job).
fn take_verified(
    journal: &mut Journal,
    ctx: &IntakeContext,
    payload: &[u8],
    source: &JobSource,
) -> Result<Accepted, IntakeError> {
    if let Some(field) = serde_json::from_slice::<Value>(payload)
        .ok()
        .and_then(|v| path_image(&v, ""))
    {
        // A signed job must be self-contained: a path would read a file of this station.
        let why = crate::messages::Plain::new("intake.image_path").with("field", field);
        let (id, en) = (why.message_id(), why.message_en());
        return record_invalid(journal, payload, claimed_id(payload), id, en, source);
    }
    // Self-contained (checked above): no image is read from disk.
    // Validated once: by `cetak submit` in this process (then taken from the hand-off), or here.
    let (report, job) = match super::handoff::take(payload, &ctx.policy) {
        Some((job, report)) => (report, Some(job)),
        None => job::check_inline(payload, &ctx.policy),
    };
    let Some(job) = job else {
        return record_invalid(
            journal,
            payload,
            report.job_id.clone(),
            report.render(Lang::Id),
            report.render(Lang::En),
            source,
        );
    };
    let text =
        String::from_utf8(payload.to_vec()).map_err(|e| IntakeError::InvalidJob(e.to_string()))?;
    let mut record = new_job(&job, text, ctx.chips);
    record.batch_nik = job.batch().map(|b| journal.batch_nik_key(&b.id, job.nik()));
    let job_id = record.job_id.clone();
    match journal.enqueue_from(&record, source)? {
        Enqueued::Added => {
            tracing::info!(job_id = %job_id, origin = %source.origin, "job queued");
            // The preparer of this process renders from it instead of validating again.
            super::handoff::put(payload, &ctx.policy, job, report);
            Ok(Accepted::Queued { job_id })
        }
        Enqueued::AlreadyKnown(state) => {
            tracing::info!(job_id = %job_id, state = ?state, origin = %source.origin, "job already known");
            Ok(Accepted::Duplicate { job_id })
        }
        Enqueued::DuplicateInBatch {
            batch_id,
            other_job,
        } => {
            tracing::warn!(
                job_id = %job_id,
                batch = %batch_id,
                other_job = %other_job,
                code = DUPLICATE_IN_BATCH,
                origin = %source.origin,
                "job rejected: its batch already holds this holder"
            );
            let message = crate::messages::Plain {
                code: "intake.duplicate_in_batch",
                args: crate::messages::Args::new()
                    .with("batch", &batch_id)
                    .with("other", &other_job),
            };
            Ok(Accepted::Rejected {
                job_id: Some(job_id),
                code: DUPLICATE_IN_BATCH,
                message_id: message.message_id(),
                message_en: message.message_en(),
            })
        }
    }
}

fn record_invalid(
    journal: &mut Journal,
    payload: &[u8],
    job_id: Option<String>,
    message_id: String,
    message_en: String,
    source: &JobSource,
) -> Result<Accepted, IntakeError> {
    let mut rec = rejected(job_id.clone(), payload, message_en.clone());
    // Counted with its batch (`cetak batch show`), when the batch id is well formed.
    rec.batch_id = claimed_batch(payload);
    tracing::warn!(job_id = %rec.job_id, code = INVALID_JOB, origin = %source.origin, "job rejected");
    journal.reject_from(&rec, INVALID_JOB, source)?;
    Ok(Accepted::Rejected {
        job_id,
        code: INVALID_JOB,
        message_id,
        message_en,
    })
}

fn unverified(
    journal: &mut Journal,
    received: &[u8],
    claimed: Option<String>,
    err: SignatureError,
    source: &JobSource,
) -> Result<Accepted, IntakeError> {
    let digest = hex::encode(sha2::Sha256::digest(received));
    tracing::warn!(
        claimed_job_id = claimed.as_deref().unwrap_or("-"),
        code = err.code(),
        digest = %&digest[..16],
        origin = %source.origin,
        "unverified job rejected"
    );
    journal.report_unverified(
        claimed.as_deref(),
        &digest,
        err.code(),
        &err.message_en(),
        source,
    )?;
    Ok(Accepted::Rejected {
        job_id: claimed,
        code: err.code(),
        message_id: err.message_id(),
        message_en: err.message_en(),
    })
}

/// The payload part of something that looks like a compact JWS, decoded without verifying:
/// only for reading the claimed job id.
fn unverified_payload(compact: &[u8]) -> Option<Vec<u8>> {
    let mut parts = compact.split(|&b| b == b'.');
    let _header = parts.next()?;
    b64url_decode(parts.next()?).ok()
}

/// The `job_id` a document claims, if it is a well-formed id (safe to log and report).
fn claimed_id(json: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct IdOnly {
        job_id: String,
    }
    let v: IdOnly = serde_json::from_slice(json).ok()?;
    // The job document's id rule (`docs/job.md`): 1–64 of `A–Z a–z 0–9 . _ -`.
    let ok = !v.job_id.is_empty()
        && v.job_id.len() <= 64
        && v.job_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    ok.then_some(v.job_id)
}

/// The `batch.id` a document claims, if it is a well-formed id.
fn claimed_batch(json: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Batch {
        id: String,
    }
    #[derive(serde::Deserialize)]
    struct BatchOnly {
        batch: Batch,
    }
    let v: BatchOnly = serde_json::from_slice(json).ok()?;
    crate::job::check_policy_name(&v.batch.id).ok()?;
    Some(v.batch.id)
}

/// The field of the first image given as `{"path": …}`, if any.
fn path_image(v: &Value, at: &str) -> Option<String> {
    match v {
        Value::Object(map) => {
            if map.len() == 1 && map.get("path").is_some_and(Value::is_string) {
                return Some(if at.is_empty() {
                    "-".into()
                } else {
                    at.to_string()
                });
            }
            map.iter().find_map(|(k, c)| {
                let here = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                path_image(c, &here)
            })
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, c)| path_image(c, &format!("{at}[{i}]"))),
        _ => None,
    }
}

/// A bundle name reduced to printable ASCII without path separators.
fn safe_name(name: &str) -> String {
    let n: String = name
        .chars()
        .filter(|c| c.is_ascii_graphic() && *c != '/' && *c != '\\')
        .take(100)
        .collect();
    if n.is_empty() {
        "-".into()
    } else {
        n
    }
}
