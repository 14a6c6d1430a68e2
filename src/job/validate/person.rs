//! The person's own fields: free text and address, the fixed vocabularies, and the NIK checked
//! against the sex and the date of birth. Every card type has them; what depends on the
//! document type or the dates is checked elsewhere.

use super::{limits, Collector, Fields};
use crate::card::field;
use crate::job::document::Person;
use crate::job::error::Problem;
use crate::job::nik;
use crate::job::text;
use crate::job::vocab::{BloodGroup, Citizenship, MaritalStatus, Religion, Sex};

/// The person's free-text fields and address; returns the place of birth (printed with the
/// date further on).
pub(super) fn check_person_text(c: &mut Collector, f: &mut Fields, p: &Person) -> Option<String> {
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
pub(super) struct Vocab {
    pub(super) sex: Option<Sex>,
    pub(super) marital: Option<MaritalStatus>,
    pub(super) citizenship: Option<Citizenship>,
}

pub(super) fn check_vocabularies(c: &mut Collector, f: &mut Fields, p: &Person) -> Vocab {
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
pub(super) fn check_nik(c: &mut Collector, f: &mut Fields, p: &Person, sex: Option<Sex>) -> bool {
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
