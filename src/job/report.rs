//! The `cetak validate` report: read, parse and validate one job file, then say what was found
//! in the operator's language, with an exit decision.

use std::fmt::Write as _;
use std::path::Path;

use crate::card::CardDesign;
use crate::messages::MessageText as _;

use super::error::{Finding, Problem, ReadFailure};
use super::{ValidatedJob, ValidationPolicy, MAX_DOCUMENT_BYTES};

pub use crate::messages::Lang;

/// Everything found about one job file.
#[derive(Debug, Clone)]
pub struct ValidationReport {
    /// Job id, when the document could be parsed.
    pub job_id: Option<String>,
    /// Design chosen, when validation passed.
    pub design: Option<CardDesign>,
    /// Empty when the job may print.
    pub errors: Vec<Finding>,
    /// Shown to the operator; the job still prints.
    pub warnings: Vec<Finding>,
}

impl ValidationReport {
    /// The job may be printed (warnings allowed).
    pub fn passed(&self) -> bool {
        self.errors.is_empty()
    }

    /// Process exit code: 0 valid, 1 refused. With `strict`, warnings also give 1.
    pub fn exit_code(&self, strict: bool) -> i32 {
        if !self.passed() || (strict && !self.warnings.is_empty()) {
            1
        } else {
            0
        }
    }

    /// Human-readable report, one finding per line: `GALAT [code] field: message`.
    pub fn render(&self, lang: Lang) -> String {
        let mut out = String::new();
        let (err_word, warn_word) = match lang {
            Lang::Id => ("GALAT", "PERINGATAN"),
            Lang::En => ("ERROR", "WARNING"),
        };
        for (word, list) in [(err_word, &self.errors), (warn_word, &self.warnings)] {
            for f in list {
                let msg = f.message(lang);
                let field = if f.field.is_empty() { "-" } else { &f.field };
                let _ = writeln!(out, "{word} [{}] {field}: {msg}", f.code());
            }
        }
        let id = self.job_id.as_deref().unwrap_or("?");
        let summary = match (lang, self.passed()) {
            (Lang::Id, true) => format!(
                "pekerjaan {id}: sah ({}), {} peringatan",
                design_name(self.design),
                self.warnings.len()
            ),
            (Lang::Id, false) => format!(
                "pekerjaan {id}: DITOLAK, {} galat, {} peringatan",
                self.errors.len(),
                self.warnings.len()
            ),
            (Lang::En, true) => format!(
                "job {id}: valid ({}), {} warning(s)",
                design_name(self.design),
                self.warnings.len()
            ),
            (Lang::En, false) => format!(
                "job {id}: REFUSED, {} error(s), {} warning(s)",
                self.errors.len(),
                self.warnings.len()
            ),
        };
        out.push_str(&summary);
        out.push('\n');
        out
    }
}

fn design_name(d: Option<CardDesign>) -> &'static str {
    match d {
        Some(CardDesign::Kia0To5) => "KIA 0-5",
        Some(CardDesign::Kia5To17) => "KIA 5-17",
        Some(CardDesign::KtpEl) => "KTP-el",
        Some(CardDesign::Kia0To5Wna) => "KIA 0-5 WNA",
        Some(CardDesign::Kia5To17Wna) => "KIA 5-17 WNA",
        Some(CardDesign::KtpElWna) => "KTP-el WNA",
        None => "?",
    }
}

/// Parses and validates a document held in memory; images resolve against `base_dir`.
pub fn check_bytes(
    bytes: &[u8],
    policy: &ValidationPolicy,
    base_dir: &Path,
) -> (ValidationReport, Option<ValidatedJob>) {
    check(bytes, policy, Some(base_dir))
}

/// Parses and validates a self-contained document (images inline, as intake stores them): an
/// image given by path is refused as not found, and no file is read.
pub fn check_inline(
    bytes: &[u8],
    policy: &ValidationPolicy,
) -> (ValidationReport, Option<ValidatedJob>) {
    check(bytes, policy, None)
}

fn check(
    bytes: &[u8],
    policy: &ValidationPolicy,
    base_dir: Option<&Path>,
) -> (ValidationReport, Option<ValidatedJob>) {
    let doc = match super::parse(bytes) {
        Ok(doc) => doc,
        Err(e) => {
            let report = ValidationReport {
                job_id: None,
                design: None,
                errors: vec![e],
                warnings: Vec::new(),
            };
            return (report, None);
        }
    };
    // The id is reported only if it is safe to print.
    let job_id = super::text::check_id(&doc.job_id).ok();
    match super::validate::validate(&doc, policy, base_dir) {
        Ok(job) => (
            ValidationReport {
                job_id,
                design: Some(job.design()),
                errors: Vec::new(),
                warnings: job.warnings().to_vec(),
            },
            Some(job),
        ),
        Err(r) => (
            ValidationReport {
                job_id,
                design: None,
                errors: r.errors,
                warnings: r.warnings,
            },
            None,
        ),
    }
}

/// Reads a job file and checks it; images resolve against the file's folder. This is what
/// `cetak validate FILE` calls.
pub fn check_file(
    path: &Path,
    policy: &ValidationPolicy,
) -> (ValidationReport, Option<ValidatedJob>) {
    let fail = |problem| {
        (
            ValidationReport {
                job_id: None,
                design: None,
                errors: vec![Finding::new("", problem)],
                warnings: Vec::new(),
            },
            None,
        )
    };
    let bytes = match read_limited(path) {
        Ok(b) => b,
        Err(p) => return fail(p),
    };
    let base = path.parent().unwrap_or(Path::new("."));
    check_bytes(&bytes, policy, base)
}

fn read_limited(path: &Path) -> Result<Vec<u8>, Problem> {
    use std::io::Read;
    let io_err = |e: std::io::Error| Problem::FileRead {
        reason: ReadFailure::Io(e.kind()),
    };
    // Stat first: opening a FIFO would block.
    if !std::fs::metadata(path).map_err(io_err)?.is_file() {
        return Err(Problem::FileRead {
            reason: ReadFailure::NotARegularFile,
        });
    }
    let file = std::fs::File::open(path).map_err(io_err)?;
    let mut bytes = Vec::new();
    file.take(MAX_DOCUMENT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Problem::FileRead {
            reason: ReadFailure::Io(e.kind()),
        })?;
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(Problem::DocumentTooLarge {
            limit: MAX_DOCUMENT_BYTES as u64,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_parse() {
        assert_eq!("id".parse::<Lang>(), Ok(Lang::Id));
        assert_eq!("EN".parse::<Lang>(), Ok(Lang::En));
        assert!("fr".parse::<Lang>().is_err());
    }

    #[test]
    fn report_renders_and_decides_exit() {
        let report = ValidationReport {
            job_id: Some("KIA-1".into()),
            design: None,
            errors: vec![Finding::new("person.nik", Problem::NikSexMismatch)],
            warnings: vec![Finding::new(
                "person.nik",
                Problem::NikProvinceUnknown { code: "99".into() },
            )],
        };
        let id = report.render(Lang::Id);
        assert!(
            id.contains("GALAT [nik.sex_mismatch] person.nik: tanggal lahir pada NIK"),
            "{id}"
        );
        assert!(id.contains("PERINGATAN [nik.province_unknown]"), "{id}");
        assert!(
            id.ends_with("pekerjaan KIA-1: DITOLAK, 1 galat, 1 peringatan\n"),
            "{id}"
        );
        let en = report.render(Lang::En);
        assert!(
            en.contains("ERROR [nik.sex_mismatch] person.nik: the NIK's day of birth"),
            "{en}"
        );
        assert_eq!(report.exit_code(false), 1);
    }

    #[test]
    fn unreadable_and_oversized_files() {
        let dir = std::env::temp_dir().join(format!("cetak-job-report-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let big = dir.join("big.json");
        std::fs::write(&big, vec![b' '; MAX_DOCUMENT_BYTES + 1]).unwrap();
        let (r, _) = check_file(&big, &ValidationPolicy::default());
        assert_eq!(r.errors[0].code(), "json.too_large");
        let (r, _) = check_file(&dir, &ValidationPolicy::default());
        assert_eq!(r.errors[0].code(), "file.read");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
