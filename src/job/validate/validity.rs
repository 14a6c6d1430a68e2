//! The dates: age at issue, which card design that age (and marital status) calls for, and
//! the validity, including a foreign resident's stay permit, which bounds it.

use super::foreign::check_foreign;
use super::person::Vocab;
use super::{Collector, Fields};
use crate::card::{field, CardDesign};
use crate::job::dates::{self, print_date, ValidUntil};
use crate::job::document::JobDocument;
use crate::job::error::Problem;
use crate::job::vocab::Citizenship;

/// What the dates decide: age at issue, the card design, the validity.
pub(super) struct Dated {
    pub(super) age: Option<u32>,
    pub(super) design: Option<CardDesign>,
    pub(super) valid_until: Option<ValidUntil>,
}

pub(super) fn check_dates(
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
