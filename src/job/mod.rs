//! The job document: one card to print, as JSON (`docs/job.md`, `docs/job.schema.json`).
//!
//! [`parse`] turns bytes into a [`JobDocument`] (structure only); [`validate`] applies the
//! domain rules and loads the images, giving a [`ValidatedJob`] with its warnings or a
//! [`Rejection`] listing every error; [`ValidatedJob::card_content`] is what the renderer gets.
//! [`check_file`] does all three for the CLI (`cetak validate`) and returns a
//! [`ValidationReport`].
//!
//! Decisions (documented for operators in `docs/job.md`):
//! - A photo given for an under-5 (KIA 0–5) is a warning and is not printed: the design has no
//!   photo slot, and refusing would make senders strip data they legitimately hold.
//! - Emoji, right-to-left text, control characters and non-Latin scripts are refused in every
//!   text: the card fonts cannot print them. `<&"'>` is refused in names and place names (not
//!   name characters) and accepted in addresses, occupations, No. Akta and payloads, where the
//!   renderer must print it literally.
//! - Default QR payload: `<job_id>|<masked NIK>` (no full NIK in a code anyone can scan from a
//!   distance); default Code 128 payload: the NIK, which the card prints in clear anyway.
//! - No clock: the issue date comes from the job; whether it is today is the caller's check.
//!
//! Nothing here logs; `Debug` of the document types masks NIKs and hides names and images.

mod dates;
mod document;
mod error;
mod image_check;
mod image_integrity;
mod messages;
mod nik;
mod parked;
mod parse;
mod report;
mod text;
mod validate;
mod vocab;

use std::path::Path;

use chrono::NaiveDate;
use image::DynamicImage;

use crate::card::CardDesign;

pub use dates::{age_on, day_before_birthday, print_date, ValidUntil};
pub use document::{
    Address, Batch, DocumentType, Family, ImageSource, Issuance, JobDocument, Office, Person,
    StayPermit,
};
pub use error::{Backdrop, Finding, Problem, ReadFailure, Rejection};
pub use image_check::{backdrop as photo_backdrop, expected_backdrop};
pub use nik::{mask_nik, parse_nik, province_name, NikParts, PROVINCES};
pub use parked::ParkedJob;
pub use report::{check_bytes, check_file, check_inline, Lang, ValidationReport};
pub use text::Charset;
pub use vocab::{BloodGroup, Citizenship, MaritalStatus, Religion, Sex};

/// Largest job document accepted, inline images included (base64 of a 2 MB photo, a signature
/// and a margin).
pub const MAX_DOCUMENT_BYTES: usize = 8 * 1024 * 1024;

/// What to do when a photo's background does not follow the birth-year rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackgroundPolicy {
    /// Do not check.
    Off,
    /// Print, with a warning (seed 004: the collective programme accepts such photos).
    #[default]
    Warn,
    /// Refuse the job.
    Reject,
}

/// Station-configurable limits and strictness.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ValidationPolicy {
    /// Largest image file (photo or signature), in bytes.
    pub max_image_bytes: u64,
    /// Largest width × height announced by an image header; checked before decoding.
    pub max_image_pixels: u64,
    /// Largest width or height.
    pub max_image_side: u32,
    /// Background colour rule for photos.
    pub photo_background: BackgroundPolicy,
    /// Accept only JPEG photos (the collective programme's upload rule).
    pub photo_jpeg_only: bool,
    /// A job of a batch under this policy must be a first issuance (seed 004 §8d–e: lost,
    /// damaged and changed-data cards are applied for individually).
    pub first_issuance_only: bool,
    /// The policies a batch may name in `batch.programme`; not part of the TOML form (the
    /// station's configuration fills it, [`Programmes::builtin`] otherwise).
    #[serde(skip)]
    pub programmes: Programmes,
}

/// Name of the collective school programme's built-in policy (`batch.programme`).
pub const SCHOOL_PROGRAMME: &str = "sekolah";

/// The named policies a batch can run under, by name. Each is used as it is: a programme's
/// own `programmes` are never consulted (one level).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Programmes(std::sync::Arc<std::collections::BTreeMap<String, ValidationPolicy>>);

impl Programmes {
    /// Only [`SCHOOL_PROGRAMME`], the collective programme's policy.
    pub fn builtin() -> Self {
        Programmes::from_map(std::collections::BTreeMap::new())
    }

    /// The built-in programme plus `named` (a name given there replaces the built-in one).
    pub fn from_map(named: std::collections::BTreeMap<String, ValidationPolicy>) -> Self {
        let mut all = std::collections::BTreeMap::new();
        all.insert(
            SCHOOL_PROGRAMME.to_string(),
            ValidationPolicy::collective_programme(),
        );
        for (name, mut p) in named {
            p.programmes = Programmes::none();
            all.insert(name, p);
        }
        Programmes(std::sync::Arc::new(all))
    }

    /// No programme at all (the policies inside a [`Programmes`]).
    pub fn none() -> Self {
        Programmes(std::sync::Arc::default())
    }

    /// The policy called `name`.
    pub fn get(&self, name: &str) -> Option<&ValidationPolicy> {
        self.0.get(name)
    }

    /// Names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

impl Default for Programmes {
    fn default() -> Self {
        Programmes::builtin()
    }
}

impl Default for ValidationPolicy {
    fn default() -> Self {
        let mut policy = ValidationPolicy::base();
        policy.programmes = Programmes::builtin();
        policy
    }
}

impl ValidationPolicy {
    /// The default limits, with no programme.
    fn base() -> Self {
        ValidationPolicy {
            max_image_bytes: 2 * 1024 * 1024,
            max_image_pixels: 12_000_000,
            max_image_side: 8_000,
            photo_background: BackgroundPolicy::Warn,
            photo_jpeg_only: false,
            first_issuance_only: false,
            programmes: Programmes::none(),
        }
    }

    /// The collective school programme (seed 004): JPEG photos of at most 100 KB, first
    /// issuance only; a wrong background is still accepted (warning).
    pub fn collective_programme() -> Self {
        ValidationPolicy {
            max_image_bytes: 100 * 1024,
            photo_jpeg_only: true,
            first_issuance_only: true,
            ..Self::base()
        }
    }

    /// The policy a document runs under: its batch's programme, else this one. `Err(name)`
    /// for a programme this station does not know.
    pub fn for_batch<'a>(&'a self, programme: Option<&'a str>) -> Result<&'a Self, &'a str> {
        match programme {
            None => Ok(self),
            Some(name) => self.programmes.get(name).ok_or(name),
        }
    }
}

/// A policy name (`batch.programme`, `[validation.policies.NAME]`): the job id's rule.
pub fn check_policy_name(name: &str) -> Result<(), Finding> {
    text::check_id(name)
        .map(|_| ())
        .map_err(|p| Finding::new("batch.programme", p))
}

/// Parses a job document. Structure only: types, required and unknown fields, date syntax,
/// the format version. On failure, the single error serde stopped at.
pub fn parse(bytes: &[u8]) -> Result<JobDocument, Finding> {
    parse::parse(bytes)
}

/// Applies every rule to a parsed document; images are read relative to `base_dir` (the job
/// file's folder).
pub fn validate(
    doc: &JobDocument,
    policy: &ValidationPolicy,
    base_dir: &Path,
) -> Result<ValidatedJob, Rejection> {
    validate::validate(doc, policy, Some(base_dir))
}

/// How many times a job document was validated in this process (every path: [`validate`],
/// [`check_bytes`], [`check_inline`], [`check_file`]). For tests and benchmarks that count
/// validations per card.
#[doc(hidden)]
pub fn validations() -> u64 {
    validate::VALIDATIONS.load(std::sync::atomic::Ordering::Relaxed)
}

/// A collective programme a job belongs to, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedBatch {
    /// Programme id, e.g. a school's.
    pub id: String,
    /// As the sender wrote it (not upper-cased).
    pub name: String,
}

/// A job that passed validation, with everything the print needs already decoded. Waiting in
/// a queue, it is kept as a [`ParkedJob`] ([`ValidatedJob::park`]): the image files only.
#[derive(Clone)]
pub struct ValidatedJob {
    pub(crate) job_id: String,
    pub(crate) document: DocumentType,
    pub(crate) issuance: Issuance,
    pub(crate) design: CardDesign,
    pub(crate) specimen: bool,
    pub(crate) nik: String,
    pub(crate) sex: Sex,
    pub(crate) citizenship: Citizenship,
    pub(crate) date_of_birth: NaiveDate,
    pub(crate) issue_date: NaiveDate,
    pub(crate) age_at_issue: u32,
    pub(crate) valid_until: ValidUntil,
    pub(crate) batch: Option<CheckedBatch>,
    pub(crate) fields: std::collections::BTreeMap<String, String>,
    pub(crate) photo: Option<DynamicImage>,
    pub(crate) holder_signature: Option<DynamicImage>,
    /// The photo file as given (written to the chip unchanged).
    pub(crate) photo_bytes: Option<Vec<u8>>,
    /// The holder's signature file as given (written to the chip unchanged).
    pub(crate) holder_signature_bytes: Option<Vec<u8>>,
    pub(crate) official_signature: Option<DynamicImage>,
    /// The head of office's signature file as given (decoded again by [`ParkedJob::unpark`]).
    pub(crate) official_signature_bytes: Option<Vec<u8>>,
    pub(crate) qr_payload: String,
    pub(crate) barcode_payload: String,
    pub(crate) warnings: Vec<Finding>,
}

impl std::fmt::Debug for ValidatedJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValidatedJob")
            .field("job_id", &self.job_id)
            .field("document", &self.document)
            .field("issuance", &self.issuance)
            .field("design", &self.design)
            .field("nik", &mask_nik(&self.nik))
            .field("sex", &self.sex)
            .field("age_at_issue", &self.age_at_issue)
            .field("valid_until", &self.valid_until)
            .field("batch", &self.batch)
            .field(
                "photo",
                &self.photo.as_ref().map(|p| (p.width(), p.height())),
            )
            .field("warnings", &self.warnings)
            .finish_non_exhaustive()
    }
}

impl ValidatedJob {
    /// The sender's job id.
    pub fn job_id(&self) -> &str {
        &self.job_id
    }
    /// KIA or KTP-el.
    pub fn document(&self) -> DocumentType {
        self.document
    }
    /// New, data change, lost or damaged.
    pub fn issuance(&self) -> Issuance {
        self.issuance
    }
    /// The card design the rules chose.
    pub fn design(&self) -> CardDesign {
        self.design
    }
    /// Full NIK (for the chip and the journal); use [`mask_nik`] for logs.
    pub fn nik(&self) -> &str {
        &self.nik
    }
    /// NIK masked for logs.
    pub fn nik_masked(&self) -> String {
        mask_nik(&self.nik)
    }
    /// For the handover record's boys/girls count (seed 004).
    pub fn sex(&self) -> Sex {
        self.sex
    }
    /// WNI or WNA.
    pub fn citizenship(&self) -> Citizenship {
        self.citizenship
    }
    /// Tanggal lahir.
    pub fn date_of_birth(&self) -> NaiveDate {
        self.date_of_birth
    }
    /// Date of issue printed on the card.
    pub fn issue_date(&self) -> NaiveDate {
        self.issue_date
    }
    /// Completed years on the issue date.
    pub fn age_at_issue(&self) -> u32 {
        self.age_at_issue
    }
    /// "Berlaku hingga", computed (and equal to the stated one, if any).
    pub fn valid_until(&self) -> ValidUntil {
        self.valid_until
    }
    /// The collective programme, if any.
    pub fn batch(&self) -> Option<&CheckedBatch> {
        self.batch.as_ref()
    }
    /// Training card.
    pub fn specimen(&self) -> bool {
        self.specimen
    }
    /// The photo file exactly as the job carried it (JPEG or PNG), for the chip.
    pub fn photo_bytes(&self) -> Option<&[u8]> {
        self.photo_bytes.as_deref()
    }

    /// The holder's signature file exactly as the job carried it, for the chip.
    pub fn holder_signature_bytes(&self) -> Option<&[u8]> {
        self.holder_signature_bytes.as_deref()
    }

    /// Print-ready field values (keys of [`crate::card::field`]).
    pub fn fields(&self) -> &std::collections::BTreeMap<String, String> {
        &self.fields
    }

    /// Warnings to show the operator before printing.
    pub fn warnings(&self) -> &[Finding] {
        &self.warnings
    }

    /// What the card shows, print-ready (see [`crate::card::field`] for the keys).
    pub fn card_content(&self) -> crate::card::CardContent {
        crate::card::CardContent {
            design: self.design,
            fields: self.fields.clone(),
            photo: self.photo.clone(),
            holder_signature: self.holder_signature.clone(),
            official_signature: self.official_signature.clone(),
            qr_payload: Some(self.qr_payload.clone()),
            barcode_payload: Some(self.barcode_payload.clone()),
            specimen: self.specimen,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The school sample (`kia-5-17.json`, in a batch) with `programme` and `issuance`.
    fn school(programme: Option<&str>, issuance: &str) -> Vec<u8> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/jobs");
        let mut doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("kia-5-17.json")).unwrap()).unwrap();
        if let Some(p) = programme {
            doc["batch"]["programme"] = p.into();
        }
        doc["issuance"] = issuance.into();
        doc.to_string().into_bytes()
    }

    fn codes(bytes: &[u8], policy: &ValidationPolicy) -> Vec<&'static str> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/jobs");
        let (report, _) = check_bytes(bytes, policy, &dir);
        report.errors.iter().map(Finding::code).collect()
    }

    #[test]
    fn a_batch_runs_under_the_policy_its_programme_names() {
        let station = ValidationPolicy {
            programmes: Programmes::from_map(
                [(
                    "tiny".to_string(),
                    ValidationPolicy {
                        max_image_bytes: 8_000,
                        ..ValidationPolicy::default()
                    },
                )]
                .into(),
            ),
            ..ValidationPolicy::default()
        };
        // No programme: the station's policy; a lost card is fine.
        assert!(codes(&school(None, "lost"), &station).is_empty());
        // The school programme: first issuance only; the 13 KB JPEG passes.
        assert!(codes(&school(Some("sekolah"), "new"), &station).is_empty());
        assert_eq!(
            codes(&school(Some("sekolah"), "lost"), &station),
            ["batch.first_issuance_only"]
        );
        // A named policy of the station: its limit applies.
        assert_eq!(
            codes(&school(Some("tiny"), "new"), &station),
            ["image.too_large"]
        );
        // Unknown, and a name that is not a name (never echoed).
        assert_eq!(
            codes(&school(Some("pondok"), "new"), &station),
            ["batch.programme_unknown"]
        );
        assert_eq!(
            codes(&school(Some("two words"), "new"), &station),
            ["id.format"]
        );
        // The policy of a programme never reaches into programmes of its own.
        assert!(ValidationPolicy::collective_programme()
            .programmes
            .get(SCHOOL_PROGRAMME)
            .is_none());
    }

    #[test]
    fn policy_reads_from_station_configuration() {
        let p: ValidationPolicy =
            toml::from_str("max_image_bytes = 102400\nphoto_background = \"reject\"").unwrap();
        assert_eq!(p.max_image_bytes, 102_400);
        assert_eq!(p.photo_background, BackgroundPolicy::Reject);
        assert_eq!(
            p.max_image_pixels,
            ValidationPolicy::default().max_image_pixels
        );
        assert!(toml::from_str::<ValidationPolicy>("max_bytes = 1").is_err());
    }
}
