//! What a validated job writes to the card's chip: the bridge between the job document and
//! the drivers' [`ChipContent`], which knows nothing of jobs.

use cetak_drivers::chip::{ChipContent, PersonalField};

use crate::card::{field, CardDesign};
use crate::job::ValidatedJob;

/// The chip content of a job: the personal data as printed, the photo and the holder's
/// signature as given (unchanged bytes), and the server's signature when the job carries one.
pub fn chip_content(job: &ValidatedJob) -> ChipContent {
    let fields = job.fields();
    let get = |key: &str| fields.get(key).filter(|v| !v.is_empty()).cloned();
    let mut personal: Vec<(PersonalField, String)> = Vec::new();
    let mut put = |f: PersonalField, v: Option<String>| {
        if let Some(v) = v {
            personal.push((f, v));
        }
    };
    put(PersonalField::Nik, Some(job.nik().to_string()));
    put(PersonalField::Name, get(field::NAMA));
    let place = get(field::TEMPAT_TGL_LAHIR)
        .and_then(|v| v.rsplit_once(", ").map(|(place, _)| place.to_string()));
    put(PersonalField::PlaceOfBirth, place);
    put(
        PersonalField::DateOfBirth,
        Some(job.date_of_birth().format("%d-%m-%Y").to_string()),
    );
    put(PersonalField::Sex, get(field::JENIS_KELAMIN));
    put(PersonalField::BloodType, get(field::GOL_DARAH));
    put(PersonalField::Address, get(field::ALAMAT));
    put(PersonalField::RtRw, get(field::RT_RW));
    put(PersonalField::Village, get(field::KEL_DESA));
    put(PersonalField::District, get(field::KECAMATAN));
    put(PersonalField::RegencyCity, get(field::KABUPATEN_KOTA));
    put(PersonalField::Province, get(field::PROVINSI));
    put(PersonalField::Religion, get(field::AGAMA));
    put(PersonalField::MaritalStatus, get(field::STATUS_PERKAWINAN));
    put(PersonalField::Occupation, get(field::PEKERJAAN));
    // A foreign resident's chip carries the country, a citizen's WNI.
    put(
        PersonalField::Nationality,
        get(field::NATIONALITY).or_else(|| get(field::KEWARGANEGARAAN)),
    );
    let doc = if job.design().is_ktp_el() {
        "KTP-EL"
    } else {
        "KIA"
    };
    put(PersonalField::DocumentType, Some(doc.to_string()));
    put(PersonalField::ValidUntil, get(field::BERLAKU_HINGGA));
    put(PersonalField::IssuingOffice, get(field::TEMPAT_TERBIT));
    put(PersonalField::IssueDate, get(field::TANGGAL_TERBIT));
    put(PersonalField::FamilyCardNumber, get(field::NO_KK));
    put(
        PersonalField::HeadOfFamily,
        get(field::NAMA_KEPALA_KELUARGA),
    );
    put(PersonalField::BirthCertificateNumber, get(field::NO_AKTA));
    ChipContent {
        personal,
        photo: job.photo_bytes().map(<[u8]>::to_vec),
        holder_signature: job.holder_signature_bytes().map(<[u8]>::to_vec),
        // The protocol carries no signature for the chip (the job's JWS signs the document).
        server_signature: None,
    }
}

/// Whether a job's document carries a chip: KTP-el always; KIA only where the station's
/// configuration says its KIA blangko have one.
pub fn needs_chip(design: CardDesign, kia_has_chip: bool) -> bool {
    design.is_ktp_el() || kia_has_chip
}
