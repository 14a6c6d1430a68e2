//! A foreign resident's nationality and stay permit.

use chrono::NaiveDate;

use super::{limits, Collector, Fields};
use crate::card::field;
use crate::job::document::JobDocument;
use crate::job::error::Problem;

/// The nationality and the stay permit: required for a foreign resident (the permit's end
/// date is returned for the validity), ignored with a warning for a citizen.
pub(super) fn check_foreign(
    c: &mut Collector,
    f: &mut Fields,
    doc: &JobDocument,
    foreign: bool,
) -> Option<NaiveDate> {
    let p = &doc.person;
    match (&p.nationality, foreign) {
        (Some(n), true) => f.put(
            field::NATIONALITY,
            c.text("person.nationality", n, limits::NATIONALITY),
        ),
        (None, true) => c.err("person.nationality", Problem::Missing),
        (Some(_), false) => c.warn("person.nationality", Problem::Ignored),
        (None, false) => {}
    }
    match (&doc.stay_permit, foreign) {
        (Some(permit), true) => {
            f.put(
                field::NO_KITAP,
                c.text("stay_permit.number", &permit.number, limits::KITAP_NUMBER),
            );
            Some(permit.valid_until)
        }
        (None, true) => {
            c.err("stay_permit", Problem::Missing);
            None
        }
        (Some(_), false) => {
            c.warn("stay_permit", Problem::Ignored);
            None
        }
        (None, false) => None,
    }
}
