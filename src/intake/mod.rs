//! Local intake: signed job files (`*.jws`) dropped in the spool directory (or copied there by
//! `cetak submit`) go through [`accept_signed`] like jobs from the server; plain `*.json` files
//! only on a training station (made self-contained first: images inlined as base64). A refused
//! file is reported with its reason. A file is moved to `done/` or `rejected/` only after the
//! journal committed, so a crash in between re-reads it, and intake is idempotent on the job id.

mod error;
pub mod handoff;
mod signed;

pub use error::IntakeError;

pub use signed::{accept_signed, Accepted, IntakeContext, JobOrigin, INVALID_JOB};

use crate::messages::MessageText as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::Value;
use sha2::Digest as _;

use crate::job::{self, DocumentType, Lang, ValidatedJob, ValidationPolicy};
use crate::journal::{BlangkoType, Journal, NewJob, RejectedJob};
use crate::signing::TrustStore;

/// What one spool scan did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpoolReport {
    /// Jobs newly queued.
    pub queued: u64,
    /// Files recorded as rejected.
    pub rejected: u64,
    /// Files whose job id was already known.
    pub duplicates: u64,
}

/// The spool layout under its root.
#[derive(Debug, Clone)]
pub struct Spool {
    root: PathBuf,
    /// Trust, chips and training; its `policy` is replaced by the one given to each call.
    ctx: IntakeContext,
}

impl Spool {
    /// The spool at `root` (created with `done/` and `rejected/` if missing).
    pub fn open(root: &Path) -> Result<Spool, IntakeError> {
        for d in [root.to_path_buf(), root.join("done"), root.join("rejected")] {
            std::fs::create_dir_all(&d).map_err(|e| IntakeError::io(&d, e))?;
        }
        Ok(Spool {
            root: root.to_path_buf(),
            ctx: IntakeContext::new(
                TrustStore::new(),
                ValidationPolicy::default(),
                crate::config::ChipRule::default(),
                false,
            ),
        })
    }

    /// The station's spool with its chip rule, trusted keys and training flag.
    pub fn open_for(config: &crate::config::Config) -> Result<Spool, IntakeError> {
        Ok(Spool {
            ctx: IntakeContext::from_config(config)?,
            ..Spool::open(&config.spool_dir())?
        })
    }

    /// Which jobs need their chip personalised (the station's policy).
    pub fn with_chips(mut self, chips: crate::config::ChipRule) -> Spool {
        self.ctx.chips = chips;
        self
    }

    /// Trusted keys, and whether unsigned files are accepted (training station).
    pub fn with_trust(mut self, trust: TrustStore, training: bool) -> Spool {
        self.ctx.trust = trust;
        self.ctx.training = training;
        self
    }

    /// The station's trust, chip rule, training flag and clock at once.
    pub fn with_context(mut self, ctx: IntakeContext) -> Spool {
        self.ctx = ctx;
        self
    }

    /// Clock for key expiry.
    pub fn with_clock(mut self, clock: std::sync::Arc<dyn crate::journal::Clock>) -> Spool {
        self.ctx.clock = clock;
        self
    }

    /// Root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Checks `job_file` (signature, then the job) and copies it atomically into the spool
    /// (temporary name, then rename). A `*.jws` file is copied as is; a plain `*.json` job is
    /// taken only on a training station, with its images inlined so the spool copy does not
    /// depend on the original folder. Returns the job id, or why the file was refused in `lang`.
    pub fn submit(
        &self,
        job_file: &Path,
        policy: &ValidationPolicy,
        lang: Lang,
    ) -> Result<String, IntakeError> {
        let bytes = std::fs::read(job_file).map_err(|e| IntakeError::io(job_file, e))?;
        let base = job_file.parent().unwrap_or(Path::new("."));
        self.submit_bytes(&bytes, Some(base), policy, lang)
    }

    /// [`Spool::submit`] for the content of a job file (the daemon's side of `cetak submit`:
    /// the CLI reads the file and inlines a training job's images as the calling user); images
    /// an unsigned training job still names are read from `base`, or, without one, refused.
    pub fn submit_bytes(
        &self,
        bytes: &[u8],
        base: Option<&Path>,
        policy: &ValidationPolicy,
        lang: Lang,
    ) -> Result<String, IntakeError> {
        let bytes = bytes.to_vec();
        let signed = !bytes.trim_ascii().starts_with(b"{");
        let (content, payload) = if signed {
            let now = self.ctx.clock.now().to_datetime();
            let payload = self.ctx.trust.verify_bytes(&bytes, now).map_err(|e| {
                IntakeError::InvalidJob(match lang {
                    Lang::Id => format!("[{}] {}", e.code(), e.message_id()),
                    Lang::En => format!("[{}] {}", e.code(), e.message_en()),
                })
            })?;
            (bytes.trim_ascii().to_vec(), payload)
        } else if self.ctx.training {
            let inlined = match base {
                Some(base) => inline_images(&bytes, base)?.into_bytes(),
                None => bytes,
            };
            (inlined.clone(), inlined)
        } else {
            return Err(IntakeError::InvalidJob(match lang {
                Lang::Id => "[unsigned] pekerjaan tidak bertanda tangan: tanda tangani dulu \
                             (cetak sign), atau aktifkan mode latihan (policy.training)"
                    .into(),
                Lang::En => "[unsigned] the job is not signed: sign it first (cetak sign), \
                             or enable training mode (policy.training)"
                    .into(),
            }));
        };
        // Both are self-contained now (signed payloads must be; intake refuses image paths),
        // so no image is read from the submitter's folder.
        let (report, job) = job::check_inline(&payload, policy);
        let Some(job) = job else {
            return Err(IntakeError::InvalidJob(report.render(lang)));
        };
        let job_id = job.job_id().to_string();
        // The spool scan of this process takes it from here instead of validating again.
        handoff::put(&payload, policy, job, report);
        let name = format!("{job_id}.{}", if signed { "jws" } else { "json" });
        let tmp = self.root.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, &content).map_err(|e| IntakeError::io(&tmp, e))?;
        let dest = self.root.join(&name);
        std::fs::rename(&tmp, &dest).map_err(|e| IntakeError::io(&dest, e))?;
        Ok(job_id)
    }

    /// Takes in every `*.jws` and `*.json` file now in the spool (by name).
    pub fn scan(
        &self,
        journal: &mut Journal,
        policy: &ValidationPolicy,
    ) -> Result<SpoolReport, IntakeError> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.root)
            .map_err(|e| IntakeError::io(&self.root, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|x| x == "json" || x == "jws")
                    && p.is_file()
                    && !p
                        .file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with('.'))
            })
            .collect();
        files.sort();
        let mut report = SpoolReport::default();
        for path in files {
            match self.take(&path, journal, policy)? {
                Taken::Queued => report.queued += 1,
                Taken::Rejected => report.rejected += 1,
                Taken::Duplicate => report.duplicates += 1,
            }
        }
        Ok(report)
    }

    fn take(
        &self,
        path: &Path,
        journal: &mut Journal,
        policy: &ValidationPolicy,
    ) -> Result<Taken, IntakeError> {
        let mut bytes = std::fs::read(path).map_err(|e| IntakeError::io(path, e))?;
        if path.extension().is_some_and(|x| x == "json") {
            // A plain job dropped by hand may name its images by path; a file that fails here
            // goes on as is and is refused with its reason by intake.
            let base = path.parent().unwrap_or(Path::new("."));
            if let Ok(text) = inline_images(&bytes, base) {
                bytes = text.into_bytes();
            }
        }
        let ctx = IntakeContext {
            policy: policy.clone(),
            ..self.ctx.clone()
        };
        let (kind, folder, reason) = match accept_signed(journal, &ctx, &bytes, JobOrigin::Local)? {
            Accepted::Queued { .. } => (Taken::Queued, "done", None),
            Accepted::Duplicate { .. } => (Taken::Duplicate, "done", None),
            Accepted::Rejected {
                code, message_id, ..
            } => (
                Taken::Rejected,
                "rejected",
                Some(format!("[{code}]\n{message_id}\n")),
            ),
        };
        let name = path.file_name().unwrap_or_default();
        let dest = self.root.join(folder).join(name);
        std::fs::rename(path, &dest).map_err(|e| IntakeError::io(&dest, e))?;
        if let Some(reason) = reason {
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            let file = self.root.join(folder).join(format!("{stem}.reason.txt"));
            // The reason file is a convenience; the journal holds the authoritative reason.
            let _ = std::fs::write(&file, reason);
        }
        Ok(kind)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Taken {
    Queued,
    Rejected,
    Duplicate,
}

/// The journal record for a validated job.
pub fn new_job(job: &ValidatedJob, payload: String, chips: crate::config::ChipRule) -> NewJob {
    let blangko_type = match job.document() {
        DocumentType::Kia => BlangkoType::Kia,
        DocumentType::KtpEl => BlangkoType::KtpEl,
    };
    NewJob {
        job_id: job.job_id().to_string(),
        blangko_type,
        nik_masked: job.nik_masked(),
        batch_id: job.batch().map(|b| b.id.clone()),
        // Set by intake, which knows the journal's key ([`Journal::batch_nik_key`]).
        batch_nik: None,
        priority: 0,
        needs_chip: chips.needs_chip(job.design()),
        needs_dual_side: true,
        payload,
    }
}

fn rejected(job_id: Option<String>, bytes: &[u8], reason: String) -> RejectedJob {
    // A file without a readable id is named by its content hash so a re-drop stays idempotent.
    let job_id = job_id.unwrap_or_else(|| {
        let h = sha2::Sha256::digest(bytes);
        format!("invalid-{}", &hex::encode(h)[..16])
    });
    RejectedJob {
        job_id,
        blangko_type: None,
        nik_masked: None,
        batch_id: None,
        payload: None,
        reason,
    }
}

/// Replaces every `{"path": "..."}` image reference with `{"base64": "..."}`, resolving
/// relative paths against `base`.
pub fn inline_images(bytes: &[u8], base: &Path) -> Result<String, IntakeError> {
    let mut doc: Value =
        serde_json::from_slice(bytes).map_err(|e| IntakeError::InvalidJob(e.to_string()))?;
    inline_value(&mut doc, base)?;
    serde_json::to_string(&doc).map_err(|e| IntakeError::InvalidJob(e.to_string()))
}

fn inline_value(v: &mut Value, base: &Path) -> Result<(), IntakeError> {
    match v {
        Value::Object(map) => {
            if map.len() == 1 {
                if let Some(Value::String(p)) = map.get("path") {
                    let path = base.join(p);
                    let data = std::fs::read(&path).map_err(|e| IntakeError::io(&path, e))?;
                    let b64 = base64::engine::general_purpose::STANDARD.encode(data);
                    map.clear();
                    map.insert("base64".into(), Value::String(b64));
                    return Ok(());
                }
            }
            for child in map.values_mut() {
                inline_value(child, base)?;
            }
            Ok(())
        }
        Value::Array(items) => items.iter_mut().try_for_each(|c| inline_value(c, base)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_images_replaces_paths_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.png"), b"PNGDATA").unwrap();
        let doc = br#"{"job_id":"X","photo":{"path":"a.png"},"office":{"head_signature":{"path":"a.png"}},"n":[1,{"path":"a.png","extra":1}]}"#;
        let out: Value = serde_json::from_str(&inline_images(doc, dir.path()).unwrap()).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(b"PNGDATA");
        assert_eq!(out["photo"]["base64"], b64.as_str());
        assert_eq!(out["office"]["head_signature"]["base64"], b64.as_str());
        // Only a lone `path` key is an image reference.
        assert_eq!(out["n"][1]["path"], "a.png");
        assert_eq!(out["job_id"], "X");
    }

    #[test]
    fn missing_image_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let doc = br#"{"photo":{"path":"missing.jpg"}}"#;
        assert!(matches!(
            inline_images(doc, dir.path()),
            Err(IntakeError::Io { .. })
        ));
        assert!(inline_images(b"not json", dir.path()).is_err());
    }
}
