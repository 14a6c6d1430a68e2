//! The job document as it arrives (serde). Values here are unchecked: [`super::validate`] turns
//! a document into a [`super::ValidatedJob`]. `Debug` never shows a full NIK, a name or image
//! bytes, so a document can be logged safely.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dates::ValidUntil;
use super::nik::mask_nik;

/// Which card the job asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocumentType {
    /// Kartu Identitas Anak.
    #[serde(rename = "kia")]
    Kia,
    /// KTP elektronik.
    #[serde(rename = "ktp-el")]
    KtpEl,
}

/// Why the card is issued (seed 001). It does not change what is printed; it is journaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Issuance {
    /// First card (baru).
    New,
    /// Change of data, including a KIA's change at age 5 (perubahan data).
    DataChange,
    /// Replaces a lost card; a police report exists (hilang).
    Lost,
    /// Replaces a damaged card (rusak).
    Damaged,
}

/// One job document, format version 1.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobDocument {
    /// Document format version; only 1 exists.
    pub version: u32,
    /// Id of the job at the sender; 1–64 of `A–Z a–z 0–9 . _ -`.
    pub job_id: String,
    /// KIA or KTP-el.
    pub document: DocumentType,
    /// Why the card is issued.
    pub issuance: Issuance,
    /// Training card: "SPECIMEN" is printed across it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub specimen: bool,
    /// The card holder.
    pub person: Person,
    /// KIA only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<Family>,
    /// Required for KIA 5–17 and KTP-el.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<ImageSource>,
    /// Holder's signature (or thumbprint) image; required for KTP-el.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<ImageSource>,
    /// Issuing office.
    pub office: Office,
    /// "Berlaku hingga" as the sender states it; cross-checked against the rules.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "valid_until_serde"
    )]
    pub valid_until: Option<ValidUntil>,
    /// QR payload; a default is derived when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr_payload: Option<String>,
    /// Code 128 payload (printable ASCII); the NIK when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub barcode_payload: Option<String>,
    /// Collective programme the job belongs to (e.g. a school).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<Batch>,
    /// Foreign residents (WNA): the permanent stay permit (KITAP, seed 002) the card's
    /// validity comes from. Required for WNA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stay_permit: Option<StayPermit>,
    /// The applicant's pickup code (seed 000: the QR code of the online application), asked
    /// for when the card is handed over. Not printed; the journal keeps only its hash for the
    /// hand-over check; never logged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pickup_code: Option<String>,
}

/// A foreign resident's permanent stay permit (Kartu Izin Tinggal Tetap).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StayPermit {
    /// KITAP number as printed on the permit.
    pub number: String,
    /// Last day of the permit; the card is valid no longer.
    pub valid_until: NaiveDate,
}

impl fmt::Debug for StayPermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StayPermit")
            .field("number", &Redacted)
            .field("valid_until", &self.valid_until)
            .finish()
    }
}

impl fmt::Debug for JobDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobDocument")
            .field("version", &self.version)
            .field("job_id", &self.job_id)
            .field("document", &self.document)
            .field("issuance", &self.issuance)
            .field("specimen", &self.specimen)
            .field("person", &self.person)
            .field("family", &self.family)
            .field("photo", &self.photo)
            .field("signature", &self.signature)
            .field("office", &self.office)
            .field("valid_until", &self.valid_until)
            .field("qr_payload", &self.qr_payload.as_ref().map(|_| Redacted))
            .field(
                "barcode_payload",
                &self.barcode_payload.as_ref().map(|_| Redacted),
            )
            .field("batch", &self.batch)
            .field("stay_permit", &self.stay_permit)
            .field("pickup_code", &self.pickup_code.as_ref().map(|_| Redacted))
            .finish()
    }
}

/// Stands for a personal value in `Debug` output.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The card holder.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// 16 digits.
    pub nik: String,
    /// Nama.
    pub name: String,
    /// Tempat lahir.
    pub place_of_birth: String,
    /// Tanggal lahir.
    pub date_of_birth: NaiveDate,
    /// `LAKI-LAKI` or `PEREMPUAN`.
    pub sex: String,
    /// `A`, `B`, `AB`, `O` or `-`.
    pub blood_group: String,
    /// Agama (exact vocabulary word).
    pub religion: String,
    /// Status perkawinan (exact vocabulary word).
    pub marital_status: String,
    /// Required for KTP-el.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occupation: Option<String>,
    /// `WNI` or `WNA`.
    pub citizenship: String,
    /// Foreign residents (WNA): the country, in English, e.g. `JAPAN`. Required for WNA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    /// Alamat.
    pub address: Address,
}

impl fmt::Debug for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Person")
            .field("nik", &mask_nik(&self.nik))
            .field("name", &Redacted)
            .field("sex", &self.sex)
            .field("citizenship", &self.citizenship)
            .finish_non_exhaustive()
    }
}

/// Address as printed on the card.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Street line ("Alamat").
    pub street: String,
    /// `NNN/NNN`.
    pub rt_rw: String,
    /// Kelurahan or desa.
    pub kel_desa: String,
    /// District.
    pub kecamatan: String,
    /// With its kind: `KOTA BANDUNG`, `KABUPATEN BOGOR`.
    pub kabupaten_kota: String,
    /// Without the word PROVINSI: `JAWA BARAT`.
    pub province: String,
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Address")
            .field("kabupaten_kota", &self.kabupaten_kota)
            .field("province", &self.province)
            .finish_non_exhaustive()
    }
}

/// KIA family data.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Family {
    /// No. Kartu Keluarga, 16 digits.
    pub no_kk: String,
    /// Nama Kepala Keluarga.
    pub head_of_family: String,
    /// No. Akta Kelahiran (free text, no national format).
    pub no_akta: String,
}

impl fmt::Debug for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Family")
            .field("no_kk", &mask_nik(&self.no_kk))
            .finish_non_exhaustive()
    }
}

/// Issuing office.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Office {
    /// Place of issue as printed, e.g. `KOTA BANDUNG`.
    pub city: String,
    /// Tanggal terbit.
    pub issue_date: NaiveDate,
    /// Head of the Dinas; required for KIA (printed with the signature).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_name: Option<String>,
    /// Head of the Dinas's signature image; required for KIA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_signature: Option<ImageSource>,
}

impl fmt::Debug for Office {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Office")
            .field("city", &self.city)
            .field("issue_date", &self.issue_date)
            .field("head_name", &self.head_name.as_ref().map(|_| Redacted))
            .field("head_signature", &self.head_signature)
            .finish()
    }
}

/// Collective programme (seed 004), e.g. a school.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    /// Same rule as the job id.
    pub id: String,
    /// e.g. the school's name.
    pub name: String,
    /// The holder's class or a note for the batch's final list (e.g. `Kelas 5A`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The policy the batch runs under: `sekolah` (the collective school programme, seed 004)
    /// or the name of a policy in the station's `[validation.policies]`; absent = the
    /// station's own policy (`docs/job.md`, "Batches").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub programme: Option<String>,
}

/// Where an image comes from: `{"path": "photos/a.jpg"}` (relative to the job file, or
/// absolute) or `{"base64": "..."}` (standard alphabet, padding optional).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", try_from = "ImageSourceRepr")]
pub enum ImageSource {
    /// A local file.
    Path(String),
    /// Inline bytes.
    Base64(String),
}

impl fmt::Debug for ImageSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageSource::Path(p) => f.debug_tuple("Path").field(p).finish(),
            ImageSource::Base64(b) => write!(f, "Base64(<{} chars>)", b.len()),
        }
    }
}

/// The object as written, so that "both keys" and "no key" get a clear error instead of a
/// syntax error from serde's enum representation.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImageSourceRepr {
    path: Option<String>,
    base64: Option<String>,
}

impl TryFrom<ImageSourceRepr> for ImageSource {
    type Error = &'static str;
    fn try_from(r: ImageSourceRepr) -> Result<Self, Self::Error> {
        match (r.path, r.base64) {
            (Some(p), None) => Ok(ImageSource::Path(p)),
            (None, Some(b)) => Ok(ImageSource::Base64(b)),
            _ => Err("invalid value: image, expected exactly one of `path` or `base64`"),
        }
    }
}

/// `"SEUMUR HIDUP"` or `"YYYY-MM-DD"`.
mod valid_until_serde {
    use super::ValidUntil;
    use chrono::NaiveDate;
    use serde::{de, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<ValidUntil>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(ValidUntil::Lifetime) => s.serialize_str(ValidUntil::LIFETIME),
            Some(ValidUntil::Date(d)) => s.serialize_str(&d.format("%Y-%m-%d").to_string()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ValidUntil>, D::Error> {
        let s = String::deserialize(d)?;
        if s == ValidUntil::LIFETIME {
            return Ok(Some(ValidUntil::Lifetime));
        }
        NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .ok()
            // chrono accepts unpadded fields; the document format does not.
            .filter(|_| s.len() == 10)
            .map(|d| Some(ValidUntil::Date(d)))
            .ok_or_else(|| {
                de::Error::invalid_value(
                    de::Unexpected::Str("(hidden)"),
                    &"a date YYYY-MM-DD or \"SEUMUR HIDUP\"",
                )
            })
    }
}
