//! Local intake: job files dropped in the spool directory (or copied there by `cetak submit`)
//! are validated, made self-contained (images inlined as base64) and queued in the journal; an
//! invalid file is recorded as rejected with its reason. A file is moved to `done/` or
//! `rejected/` only after the journal committed, so a crash in between re-reads it, and intake
//! is idempotent on the job id.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::Value;
use sha2::Digest as _;

use crate::job::{self, DocumentType, Lang, ValidatedJob, ValidationPolicy};
use crate::journal::{BlangkoType, Enqueued, Journal, NewJob, RejectedJob};

use super::DaemonError;

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
    chips: crate::config::ChipRule,
}

impl Spool {
    /// The spool at `root` (created with `done/` and `rejected/` if missing).
    pub fn open(root: &Path) -> Result<Spool, DaemonError> {
        for d in [root.to_path_buf(), root.join("done"), root.join("rejected")] {
            std::fs::create_dir_all(&d).map_err(|e| DaemonError::io(&d, e))?;
        }
        Ok(Spool {
            root: root.to_path_buf(),
            chips: crate::config::ChipRule::default(),
        })
    }

    /// Which jobs need their chip personalised (the station's policy).
    pub fn with_chips(mut self, chips: crate::config::ChipRule) -> Spool {
        self.chips = chips;
        self
    }

    /// Root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Validates `job_file` and copies it atomically into the spool (temporary name, then
    /// rename), with images inlined so the spool copy does not depend on the original folder.
    /// Returns the job id, or the validation findings in `lang`.
    pub fn submit(
        &self,
        job_file: &Path,
        policy: &ValidationPolicy,
        lang: Lang,
    ) -> Result<String, DaemonError> {
        let bytes = std::fs::read(job_file).map_err(|e| DaemonError::io(job_file, e))?;
        let base = job_file.parent().unwrap_or(Path::new("."));
        let (report, job) = job::check_bytes(&bytes, policy, base);
        let Some(job) = job else {
            return Err(DaemonError::InvalidJob(report.render(lang)));
        };
        let inlined = inline_images(&bytes, base)?;
        let name = format!("{}.json", job.job_id());
        let tmp = self.root.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, inlined.as_bytes()).map_err(|e| DaemonError::io(&tmp, e))?;
        let dest = self.root.join(&name);
        std::fs::rename(&tmp, &dest).map_err(|e| DaemonError::io(&dest, e))?;
        Ok(job.job_id().to_string())
    }

    /// Takes in every `*.json` file now in the spool (oldest name first).
    pub fn scan(
        &self,
        journal: &mut Journal,
        policy: &ValidationPolicy,
    ) -> Result<SpoolReport, DaemonError> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.root)
            .map_err(|e| DaemonError::io(&self.root, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|x| x == "json")
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
    ) -> Result<Taken, DaemonError> {
        let bytes = std::fs::read(path).map_err(|e| DaemonError::io(path, e))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let (report, job) = job::check_bytes(&bytes, policy, base);
        let outcome = match job.map(|j| (inline_images(&bytes, base), j)) {
            Some((Ok(payload), job)) => journal.enqueue(&new_job(&job, payload, self.chips))?,
            Some((Err(e), job)) => journal.reject(&rejected(
                Some(job.job_id().to_string()),
                &bytes,
                e.to_string(),
            ))?,
            None => journal.reject(&rejected(
                report.job_id.clone(),
                &bytes,
                report.render(Lang::En),
            ))?,
        };
        let (kind, folder) = match (outcome, report.passed()) {
            (Enqueued::AlreadyKnown(_), _) => (Taken::Duplicate, "done"),
            (Enqueued::Added, true) => (Taken::Queued, "done"),
            (Enqueued::Added, false) => (Taken::Rejected, "rejected"),
        };
        let name = path.file_name().unwrap_or_default();
        let dest = self.root.join(folder).join(name);
        std::fs::rename(path, &dest).map_err(|e| DaemonError::io(&dest, e))?;
        if kind == Taken::Rejected {
            let reason = self.root.join(folder).join(format!(
                "{}.reason.txt",
                name.to_string_lossy().trim_end_matches(".json")
            ));
            // The reason file is a convenience; the journal holds the authoritative reason.
            let _ = std::fs::write(&reason, report.render(Lang::Id));
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
pub fn inline_images(bytes: &[u8], base: &Path) -> Result<String, DaemonError> {
    let mut doc: Value =
        serde_json::from_slice(bytes).map_err(|e| DaemonError::InvalidJob(e.to_string()))?;
    inline_value(&mut doc, base)?;
    serde_json::to_string(&doc).map_err(|e| DaemonError::InvalidJob(e.to_string()))
}

fn inline_value(v: &mut Value, base: &Path) -> Result<(), DaemonError> {
    match v {
        Value::Object(map) => {
            if map.len() == 1 {
                if let Some(Value::String(p)) = map.get("path") {
                    let path = base.join(p);
                    let data = std::fs::read(&path).map_err(|e| DaemonError::io(&path, e))?;
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
            Err(DaemonError::Io { .. })
        ));
        assert!(inline_images(b"not json", dir.path()).is_err());
    }
}
