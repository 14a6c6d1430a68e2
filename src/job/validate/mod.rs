//! Document → [`ValidatedJob`]: every rule, every error collected (not just the first).

use std::collections::BTreeMap;
use std::path::Path;

use crate::card::{field, CardDesign};

use super::dates::{self, print_date, ValidUntil};
use super::document::{DocumentType, JobDocument, Person};
use super::error::{Finding, Problem, Rejection};
use super::nik::{self, mask_nik};
use super::text::{self, TextRule};
use super::vocab::{BloodGroup, Citizenship, MaritalStatus, Religion, Sex};
use super::{ValidatedJob, ValidationPolicy};

/// Length limits: generous sanity caps. Whether a value fits its slot is the layout's check.
pub mod limits;

mod foreign;
mod images;

use foreign::check_foreign;
use images::{check_images, load_image, Image};

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

/// The person's free-text fields and address; returns the place of birth (printed with the
/// date further on).
fn check_person_text(c: &mut Collector, f: &mut Fields, p: &Person) -> Option<String> {
    let a = &p.address;
    f.put(field::NAMA, c.text("person.name", &p.name, limits::NAME));
    let place = c.text(
        "person.place_of_birth",
        &p.place_of_birth,
        limits::PLACE_OF_BIRTH,
    );
    f.put(
        field::ALAMAT,
        c.text("person.address.street", &a.street, limits::STREET),
    );
    f.put(
        field::RT_RW,
        c.ok("person.address.rt_rw", text::check_rt_rw(&a.rt_rw)),
    );
    f.put(
        field::KEL_DESA,
        c.text("person.address.kel_desa", &a.kel_desa, limits::REGION),
    );
    f.put(
        field::KECAMATAN,
        c.text("person.address.kecamatan", &a.kecamatan, limits::REGION),
    );
    let kab = c.text(
        "person.address.kabupaten_kota",
        &a.kabupaten_kota,
        limits::KABUPATEN_KOTA,
    );
    if let Some(k) = &kab {
        if !(k.starts_with("KOTA ") || k.starts_with("KABUPATEN ")) {
            c.err("person.address.kabupaten_kota", Problem::KabupatenKotaKind);
        }
    }
    f.put(field::KABUPATEN_KOTA, kab);
    let province = c
        .text("person.address.province", &a.province, limits::REGION)
        .map(|v| v.strip_prefix("PROVINSI ").map(str::to_owned).unwrap_or(v));
    f.put(field::PROVINSI, province.map(|v| format!("PROVINSI {v}")));
    place
}

/// The person's values from fixed vocabularies.
struct Vocab {
    sex: Option<Sex>,
    marital: Option<MaritalStatus>,
    citizenship: Option<Citizenship>,
}

fn check_vocabularies(c: &mut Collector, f: &mut Fields, p: &Person) -> Vocab {
    let sex = c.vocab("person.sex", &p.sex, Sex::parse, Sex::ALL);
    let blood = c.vocab(
        "person.blood_group",
        &p.blood_group,
        BloodGroup::parse,
        BloodGroup::ALL,
    );
    let religion = c.vocab(
        "person.religion",
        &p.religion,
        Religion::parse,
        Religion::ALL,
    );
    let marital = c.vocab(
        "person.marital_status",
        &p.marital_status,
        MaritalStatus::parse,
        MaritalStatus::ALL,
    );
    let citizenship = c.vocab(
        "person.citizenship",
        &p.citizenship,
        Citizenship::parse,
        Citizenship::ALL,
    );
    f.put(field::JENIS_KELAMIN, sex.map(|v| v.as_str().to_owned()));
    f.put(field::GOL_DARAH, blood.map(|v| v.as_str().to_owned()));
    f.put(field::AGAMA, religion.map(|v| v.as_str().to_owned()));
    f.put(
        field::STATUS_PERKAWINAN,
        marital.map(|v| v.as_str().to_owned()),
    );
    f.put(
        field::KEWARGANEGARAAN,
        citizenship.map(|v| v.as_str().to_owned()),
    );
    Vocab {
        sex,
        marital,
        citizenship,
    }
}

/// The NIK against the sex and the date of birth; whether it is well-formed.
fn check_nik(c: &mut Collector, f: &mut Fields, p: &Person, sex: Option<Sex>) -> bool {
    let nik_ok = match nik::parse_nik(&p.nik) {
        Ok(parts) => {
            for problem in nik::check_against(&parts, sex, Some(p.date_of_birth)) {
                c.err("person.nik", problem);
            }
            if let Some(w) = nik::province_warning(&parts) {
                c.warn("person.nik", w);
            }
            true
        }
        Err(problem) => {
            c.err("person.nik", problem);
            false
        }
    };
    if nik_ok {
        f.put(field::NIK, Some(p.nik.clone()));
    }
    nik_ok
}

/// What the dates decide: age at issue, the card design, the validity.
struct Dated {
    age: Option<u32>,
    design: Option<CardDesign>,
    valid_until: Option<ValidUntil>,
}

fn check_dates(
    c: &mut Collector,
    f: &mut Fields,
    doc: &JobDocument,
    place: Option<String>,
    v: &Vocab,
) -> Dated {
    let birth = doc.person.date_of_birth;
    let issue = doc.office.issue_date;
    f.put(
        field::TEMPAT_TGL_LAHIR,
        place.map(|pl| format!("{pl}, {}", print_date(birth))),
    );
    f.put(field::TANGGAL_TERBIT, Some(print_date(issue)));
    let age = dates::age_on(birth, issue);
    if age.is_none() {
        c.err("person.date_of_birth", Problem::BirthAfterIssue);
    }
    let design = match (age, v.marital) {
        (Some(age), Some(m)) => c.ok("document", dates::design_for(doc.document, age, m)),
        _ => None,
    };
    // Foreign residents (WNA): their own designs, the country and the stay permit.
    let foreign = v.citizenship == Some(Citizenship::Wna);
    let design = design.map(|d| if foreign { d.foreign() } else { d });
    let permit = check_foreign(c, f, doc, foreign);
    let valid_until = match (design, v.citizenship, age) {
        (Some(d), Some(cz), Some(_)) if !(foreign && permit.is_none()) => {
            match dates::valid_until(d, cz, birth, issue, doc.valid_until, permit) {
                Ok(v) => Some(v),
                Err(p @ Problem::StayPermitExpired) => {
                    c.err("stay_permit.valid_until", p);
                    None
                }
                Err(p) => {
                    c.err("valid_until", p);
                    None
                }
            }
        }
        _ => None,
    };
    f.put(field::BERLAKU_HINGGA, valid_until.map(ValidUntil::print));
    Dated {
        age,
        design,
        valid_until,
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
