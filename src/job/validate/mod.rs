//! Document → [`ValidatedJob`]: every rule, every error collected (not just the first).
//!
//! This file runs the rules in order and assembles the result; the person's fields
//! (`person`), the dates and validity (`validity`), a foreign resident's permit (`foreign`)
//! and the images (`images`) have their own modules.

use std::collections::BTreeMap;
use std::path::Path;

use crate::card::field;

use super::document::{DocumentType, JobDocument};
use super::error::{Finding, Problem, Rejection};
use super::nik::{self, mask_nik};
use super::text::{self, TextRule};
use super::{ValidatedJob, ValidationPolicy};

/// Length limits: generous sanity caps. Whether a value fits its slot is the layout's check.
pub mod limits;

mod foreign;
mod images;
mod person;
mod validity;

use images::{check_images, load_image, Image};
use person::{check_nik, check_person_text, check_vocabularies, Vocab};
use validity::{check_dates, Dated};

struct Collector {
    errors: Vec<Finding>,
    warnings: Vec<Finding>,
}

impl Collector {
    fn err(&mut self, field: &str, p: Problem) {
        self.errors.push(Finding::new(field, p));
    }
    fn warn(&mut self, field: &str, p: Problem) {
        self.warnings.push(Finding::new(field, p));
    }
    fn ok<T>(&mut self, field: &str, r: Result<T, Problem>) -> Option<T> {
        r.map_err(|p| self.err(field, p)).ok()
    }
    fn text(&mut self, field: &str, raw: &str, rule: TextRule) -> Option<String> {
        self.ok(field, text::check(raw, rule))
    }
    fn vocab<T>(
        &mut self,
        field: &str,
        raw: &str,
        parse: fn(&str) -> Option<T>,
        allowed: &'static [&'static str],
    ) -> Option<T> {
        let v = parse(raw);
        if v.is_none() {
            self.err(field, Problem::VocabUnknown { allowed });
        }
        v
    }
}

/// Fields of the card, filled as values pass their checks.
struct Fields(BTreeMap<String, String>);

impl Fields {
    fn put(&mut self, key: &str, value: Option<String>) {
        if let Some(v) = value {
            self.0.insert(key.to_owned(), v);
        }
    }
}

/// How many times [`validate`] ran in this process (tests prove a job is validated once per
/// card on the daemon path).
pub(super) static VALIDATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Runs every rule. See the module docs of [`super`] for the policy decisions.
pub fn validate(
    doc: &JobDocument,
    policy: &ValidationPolicy,
    base_dir: Option<&Path>,
) -> Result<ValidatedJob, Rejection> {
    VALIDATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut c = Collector {
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let mut f = Fields(BTreeMap::new());
    let p = &doc.person;
    let policy = check_programme(&mut c, doc, policy);

    if doc.version != 1 {
        c.err(
            "version",
            Problem::VersionUnsupported {
                found: doc.version.to_string(),
            },
        );
    }
    let job_id = c.ok("job_id", text::check_id(&doc.job_id));
    let place = check_person_text(&mut c, &mut f, p);
    let v = check_vocabularies(&mut c, &mut f, p);
    let nik_ok = check_nik(&mut c, &mut f, p, v.sex);
    let when = check_dates(&mut c, &mut f, doc, place, &v);
    let is_kia = doc.document == DocumentType::Kia;
    check_document_fields(&mut c, &mut f, doc, is_kia);
    let official_signature = check_office(&mut c, &mut f, doc, policy, base_dir, is_kia);
    let (photo, holder_signature) =
        check_images(&mut c, doc, policy, base_dir, when.design, is_kia);
    let (qr, barcode, batch) = check_payloads(&mut c, doc, job_id.as_deref(), nik_ok);

    let checked = Checked {
        job_id,
        when,
        v,
        official_signature,
        photo,
        holder_signature,
        qr,
        barcode,
        batch,
    };
    assemble(doc, c, f, checked)
}

/// What the rules of [`validate`] produced, put together by [`assemble`].
struct Checked {
    job_id: Option<String>,
    when: Dated,
    v: Vocab,
    official_signature: Option<Image>,
    photo: Option<Image>,
    holder_signature: Option<Image>,
    qr: Option<String>,
    barcode: Option<String>,
    batch: Option<super::CheckedBatch>,
}

/// The validated job, or the rejection with every finding.
fn assemble(
    doc: &JobDocument,
    c: Collector,
    f: Fields,
    k: Checked,
) -> Result<ValidatedJob, Rejection> {
    if !c.errors.is_empty() {
        return Err(Rejection {
            errors: c.errors,
            warnings: c.warnings,
        });
    }
    let p = &doc.person;
    // Every `None` below has pushed an error in `validate`; this is the all-clear path.
    match (
        k.job_id,
        k.when.design,
        k.when.valid_until,
        k.v.sex,
        k.v.citizenship,
        k.when.age,
        k.qr,
        k.barcode,
    ) {
        (
            Some(job_id),
            Some(design),
            Some(valid_until),
            Some(sex),
            Some(citizenship),
            Some(age),
            Some(qr),
            Some(barcode),
        ) => Ok(ValidatedJob {
            job_id,
            document: doc.document,
            issuance: doc.issuance,
            design,
            specimen: doc.specimen,
            nik: p.nik.clone(),
            sex,
            citizenship,
            date_of_birth: p.date_of_birth,
            issue_date: doc.office.issue_date,
            age_at_issue: age,
            valid_until,
            batch: k.batch,
            fields: f.0,
            photo: k.photo.as_ref().map(|(_, img)| img.clone()),
            photo_bytes: k.photo.map(|(bytes, _)| bytes),
            holder_signature: k.holder_signature.as_ref().map(|(_, img)| img.clone()),
            holder_signature_bytes: k.holder_signature.map(|(bytes, _)| bytes),
            official_signature: k.official_signature.as_ref().map(|(_, img)| img.clone()),
            official_signature_bytes: k.official_signature.map(|(bytes, _)| bytes),
            qr_payload: qr,
            barcode_payload: barcode,
            warnings: c.warnings,
        }),
        _ => Err(Rejection {
            errors: vec![Finding::new("", Problem::Missing)],
            warnings: c.warnings,
        }),
    }
}

/// Fields that depend on the document type: occupation (KTP-el), family (KIA).
fn check_document_fields(c: &mut Collector, f: &mut Fields, doc: &JobDocument, is_kia: bool) {
    match (&doc.person.occupation, is_kia) {
        (Some(o), _) => f.put(
            field::PEKERJAAN,
            c.text("person.occupation", o, limits::OCCUPATION),
        ),
        (None, false) => c.err("person.occupation", Problem::Missing),
        (None, true) => {}
    }
    match (&doc.family, is_kia) {
        (Some(fam), true) => {
            if nik::is_16_digits(&fam.no_kk) {
                f.put(field::NO_KK, Some(fam.no_kk.clone()));
            } else {
                c.err("family.no_kk", Problem::NoKkFormat);
            }
            f.put(
                field::NAMA_KEPALA_KELUARGA,
                c.text("family.head_of_family", &fam.head_of_family, limits::NAME),
            );
            f.put(
                field::NO_AKTA,
                c.text("family.no_akta", &fam.no_akta, limits::NO_AKTA),
            );
        }
        (None, true) => c.err("family", Problem::Missing),
        (Some(_), false) => c.warn("family", Problem::Ignored),
        (None, false) => {}
    }
}

/// The issuing office; returns the head's signature (required on a KIA).
fn check_office(
    c: &mut Collector,
    f: &mut Fields,
    doc: &JobDocument,
    policy: &ValidationPolicy,
    base_dir: Option<&Path>,
    is_kia: bool,
) -> Option<Image> {
    let o = &doc.office;
    f.put(
        field::TEMPAT_TERBIT,
        c.text("office.city", &o.city, limits::KABUPATEN_KOTA),
    );
    match (&o.head_name, is_kia) {
        (Some(n), _) => f.put(
            field::NAMA_KEPALA_DINAS,
            c.text("office.head_name", n, limits::NAME),
        ),
        (None, true) => c.err("office.head_name", Problem::Missing),
        (None, false) => {}
    }
    match (&o.head_signature, is_kia) {
        (Some(src), _) => load_image(c, "office.head_signature", src, policy, base_dir, false),
        (None, true) => {
            c.err("office.head_signature", Problem::Missing);
            None
        }
        (None, false) => None,
    }
}

/// The QR and barcode payloads (derived from the job id and NIK when not given), the pickup
/// code (checked only: the journal keeps its hash for the hand-over, nothing prints it) and
/// the batch.
fn check_payloads(
    c: &mut Collector,
    doc: &JobDocument,
    job_id: Option<&str>,
    nik_ok: bool,
) -> (Option<String>, Option<String>, Option<super::CheckedBatch>) {
    let nik = &doc.person.nik;
    let qr = match &doc.qr_payload {
        Some(q) => c.text("qr_payload", q, limits::QR_PAYLOAD),
        None => job_id
            .filter(|_| nik_ok)
            .map(|id| format!("{id}|{}", mask_nik(nik))),
    };
    let barcode = match &doc.barcode_payload {
        Some(b) => c.text("barcode_payload", b, limits::BARCODE_PAYLOAD),
        None => Some(nik.clone()).filter(|_| nik_ok),
    };
    if let Some(code) = &doc.pickup_code {
        c.text("pickup_code", code, limits::PICKUP_CODE);
    }
    let batch = doc.batch.as_ref().and_then(|b| {
        let id = c.ok("batch.id", text::check_id(&b.id));
        let name = c.text("batch.name", &b.name, limits::BATCH_NAME);
        if let Some(note) = &b.note {
            c.text("batch.note", note, limits::BATCH_NAME);
        }
        Some(super::CheckedBatch {
            id: id?,
            name: name?,
        })
    });
    (qr, barcode, batch)
}

/// The policy of the document's batch (`batch.programme`), and its first-issuance rule. An
/// unknown programme is an error; the rest of the document is then checked under `policy`, so
/// every other error is still reported.
fn check_programme<'a>(
    c: &mut Collector,
    doc: &'a JobDocument,
    policy: &'a ValidationPolicy,
) -> &'a ValidationPolicy {
    let Some(batch) = &doc.batch else {
        return policy;
    };
    let chosen = match policy.for_batch(batch.programme.as_deref()) {
        Ok(p) => p,
        Err(name) => {
            // Named in the message only when it is a well-formed name (never arbitrary text).
            let problem = match text::check_id(name) {
                Ok(name) => Problem::BatchProgrammeUnknown { name },
                Err(p) => p,
            };
            c.err("batch.programme", problem);
            policy
        }
    };
    if chosen.first_issuance_only && doc.issuance != super::Issuance::New {
        c.err("issuance", Problem::BatchFirstIssuanceOnly);
    }
    chosen
}
