//! Ages, card designs and "berlaku hingga" (validity), computed from plain dates: no clock.
//!
//! Birthdays: the n-th birthday is the date of birth plus n years; someone born on 29 February
//! has it on 28 February in a common year. Age and validity use this same definition, so a KIA
//! 0–5 is valid up to the day before the holder counts as 5.

use chrono::{Datelike, Months, NaiveDate};

use crate::card::CardDesign;

use super::document::DocumentType;
use super::error::Problem;
use super::vocab::{Citizenship, MaritalStatus};

/// Format for dates on the card.
pub fn print_date(d: NaiveDate) -> String {
    format!("{:02}-{:02}-{:04}", d.day(), d.month(), d.year())
}

/// The n-th birthday, `None` past the calendar's range.
pub fn birthday(birth: NaiveDate, n: u32) -> Option<NaiveDate> {
    birth.checked_add_months(Months::new(n.checked_mul(12)?))
}

/// Completed years on `at`; `None` if `at` is before the birth.
pub fn age_on(birth: NaiveDate, at: NaiveDate) -> Option<u32> {
    if at < birth {
        return None;
    }
    let span = at.year() - birth.year();
    let mut years = u32::try_from(span).ok()?;
    // The birthday of this year may not have come yet.
    match birthday(birth, years) {
        Some(b) if b <= at => {}
        _ => years = years.saturating_sub(1),
    }
    Some(years)
}

/// The day before the n-th birthday: how long a KIA lasts.
pub fn day_before_birthday(birth: NaiveDate, n: u32) -> Option<NaiveDate> {
    birthday(birth, n)?.pred_opt()
}

/// Validity as printed: a date or "SEUMUR HIDUP".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidUntil {
    /// For life (KTP-el of a citizen).
    Lifetime,
    /// Last day of validity.
    Date(NaiveDate),
}

impl ValidUntil {
    /// The word printed for lifetime validity.
    pub const LIFETIME: &'static str = "SEUMUR HIDUP";

    /// Print form: `DD-MM-YYYY` or `SEUMUR HIDUP`.
    pub fn print(self) -> String {
        match self {
            ValidUntil::Lifetime => Self::LIFETIME.to_owned(),
            ValidUntil::Date(d) => print_date(d),
        }
    }
}

/// Decides the design from document type, age and marital status.
pub fn design_for(
    document: DocumentType,
    age: u32,
    marital: MaritalStatus,
) -> Result<CardDesign, Problem> {
    match document {
        DocumentType::Kia => {
            if age >= 17 {
                Err(Problem::KiaTooOld { age })
            } else if marital.ever_married() {
                Err(Problem::KiaMarried)
            } else if age < 5 {
                Ok(CardDesign::Kia0To5)
            } else {
                Ok(CardDesign::Kia5To17)
            }
        }
        DocumentType::KtpEl => {
            if age >= 17 || marital.ever_married() {
                Ok(CardDesign::KtpEl)
            } else {
                Err(Problem::KtpElTooYoung { age })
            }
        }
    }
}

/// Computes the validity and checks the stated one.
///
/// - KIA: the day before the 5th (0–5) or 17th (5–17) birthday.
/// - KTP-el WNI: SEUMUR HIDUP.
/// - Foreign residents (WNA): the stay permit's last day (`permit`, required: `Missing`
///   without), for a child no later than the KIA's day; a permit that ended before the issue
///   date is `StayPermitExpired`. A stated date may be earlier, never later than either, and
///   never before the issue date.
pub fn valid_until(
    design: CardDesign,
    citizenship: Citizenship,
    birth: NaiveDate,
    issue: NaiveDate,
    stated: Option<ValidUntil>,
    permit: Option<NaiveDate>,
) -> Result<ValidUntil, Problem> {
    let kia_limit = |n| {
        day_before_birthday(birth, n)
            .map(ValidUntil::Date)
            .ok_or(Problem::BirthAfterIssue)
    };
    let rule = match design.citizen() {
        CardDesign::Kia0To5 => Some(kia_limit(5)?),
        CardDesign::Kia5To17 => Some(kia_limit(17)?),
        _ => None,
    };
    match (citizenship, rule, stated) {
        (Citizenship::Wni, Some(computed), None) => Ok(computed),
        (Citizenship::Wni, Some(computed), Some(s)) => {
            if s == computed {
                Ok(computed)
            } else {
                Err(Problem::ValidUntilMismatch {
                    computed: computed.print(),
                })
            }
        }
        (Citizenship::Wni, None, None | Some(ValidUntil::Lifetime)) => Ok(ValidUntil::Lifetime),
        (Citizenship::Wni, None, Some(ValidUntil::Date(_))) => Err(Problem::ValidUntilMismatch {
            computed: ValidUntil::LIFETIME.to_owned(),
        }),
        (Citizenship::Wna, limit, stated) => {
            let permit = permit.ok_or(Problem::Missing)?;
            if permit < issue {
                return Err(Problem::StayPermitExpired);
            }
            let cap = match limit {
                Some(ValidUntil::Date(l)) => permit.min(l),
                _ => permit,
            };
            let d = match stated {
                None => return Ok(ValidUntil::Date(cap)),
                Some(ValidUntil::Lifetime) => {
                    return Err(Problem::ValidUntilMismatch {
                        computed: print_date(cap),
                    })
                }
                Some(ValidUntil::Date(d)) => d,
            };
            if d < issue {
                return Err(Problem::ValidUntilBeforeIssue);
            }
            if d > permit {
                return Err(Problem::ValidUntilAfterPermit {
                    permit_end: print_date(permit),
                });
            }
            if let Some(ValidUntil::Date(limit)) = limit {
                if d > limit {
                    return Err(Problem::ValidUntilBeyondLimit {
                        limit: print_date(limit),
                    });
                }
            }
            Ok(ValidUntil::Date(d))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn ages_turn_on_the_birthday() {
        let b = d(2021, 11, 21);
        assert_eq!(age_on(b, d(2026, 11, 20)), Some(4));
        assert_eq!(age_on(b, d(2026, 11, 21)), Some(5));
        assert_eq!(age_on(b, b), Some(0));
        assert_eq!(age_on(b, d(2021, 11, 20)), None);
        assert_eq!(age_on(d(1950, 1, 1), d(2026, 12, 31)), Some(76));
    }

    #[test]
    fn leap_day_birthdays() {
        let b = d(2020, 2, 29);
        assert_eq!(birthday(b, 5), Some(d(2025, 2, 28)));
        assert_eq!(age_on(b, d(2025, 2, 27)), Some(4));
        assert_eq!(age_on(b, d(2025, 2, 28)), Some(5));
        assert_eq!(day_before_birthday(b, 5), Some(d(2025, 2, 27)));
        assert_eq!(birthday(b, 4), Some(d(2024, 2, 29)));
    }

    #[test]
    fn designs_by_age_and_marriage() {
        use DocumentType::*;
        use MaritalStatus::*;
        assert_eq!(design_for(Kia, 0, BelumKawin), Ok(CardDesign::Kia0To5));
        assert_eq!(design_for(Kia, 4, BelumKawin), Ok(CardDesign::Kia0To5));
        assert_eq!(design_for(Kia, 5, BelumKawin), Ok(CardDesign::Kia5To17));
        assert_eq!(design_for(Kia, 16, BelumKawin), Ok(CardDesign::Kia5To17));
        assert_eq!(
            design_for(Kia, 17, BelumKawin),
            Err(Problem::KiaTooOld { age: 17 })
        );
        assert_eq!(design_for(Kia, 16, Kawin), Err(Problem::KiaMarried));
        assert_eq!(design_for(KtpEl, 17, BelumKawin), Ok(CardDesign::KtpEl));
        assert_eq!(design_for(KtpEl, 16, Kawin), Ok(CardDesign::KtpEl));
        assert_eq!(design_for(KtpEl, 16, CeraiMati), Ok(CardDesign::KtpEl));
        assert_eq!(
            design_for(KtpEl, 16, BelumKawin),
            Err(Problem::KtpElTooYoung { age: 16 })
        );
    }

    #[test]
    fn kia_validity() {
        let birth = d(2019, 3, 14);
        let issue = d(2026, 11, 21);
        let wni = |design, birth, s| valid_until(design, Citizenship::Wni, birth, issue, s, None);
        assert_eq!(
            wni(CardDesign::Kia5To17, birth, None),
            Ok(ValidUntil::Date(d(2036, 3, 13)))
        );
        assert_eq!(
            wni(CardDesign::Kia0To5, d(2023, 1, 1), None),
            Ok(ValidUntil::Date(d(2027, 12, 31)))
        );
        let stated = Some(ValidUntil::Date(d(2036, 3, 14)));
        assert_eq!(
            wni(CardDesign::Kia5To17, birth, stated),
            Err(Problem::ValidUntilMismatch {
                computed: "13-03-2036".into()
            })
        );
    }

    #[test]
    fn ktp_el_validity() {
        let birth = d(1990, 6, 2);
        let issue = d(2026, 11, 21);
        let wni = |s| valid_until(CardDesign::KtpEl, Citizenship::Wni, birth, issue, s, None);
        assert_eq!(wni(None), Ok(ValidUntil::Lifetime));
        assert_eq!(wni(Some(ValidUntil::Lifetime)), Ok(ValidUntil::Lifetime));
        assert!(matches!(
            wni(Some(ValidUntil::Date(d(2031, 1, 1)))),
            Err(Problem::ValidUntilMismatch { .. })
        ));
    }

    #[test]
    fn foreign_resident_validity_comes_from_the_stay_permit() {
        let birth = d(1990, 6, 2);
        let issue = d(2026, 11, 21);
        let permit = d(2031, 4, 30);
        let wna = |s, p| valid_until(CardDesign::KtpElWna, Citizenship::Wna, birth, issue, s, p);
        // Not stated: the permit's last day.
        assert_eq!(wna(None, Some(permit)), Ok(ValidUntil::Date(permit)));
        // Stated: the permit's day or earlier, not before the issue date.
        assert_eq!(
            wna(Some(ValidUntil::Date(permit)), Some(permit)),
            Ok(ValidUntil::Date(permit))
        );
        assert_eq!(
            wna(Some(ValidUntil::Date(d(2028, 5, 1))), Some(permit)),
            Ok(ValidUntil::Date(d(2028, 5, 1)))
        );
        assert_eq!(
            wna(Some(ValidUntil::Date(d(2031, 5, 1))), Some(permit)),
            Err(Problem::ValidUntilAfterPermit {
                permit_end: "30-04-2031".into()
            })
        );
        assert_eq!(
            wna(Some(ValidUntil::Date(d(2026, 11, 20))), Some(permit)),
            Err(Problem::ValidUntilBeforeIssue)
        );
        assert!(matches!(
            wna(Some(ValidUntil::Lifetime), Some(permit)),
            Err(Problem::ValidUntilMismatch { .. })
        ));
        // A permit that ended the day before the issue date; one that ends on it is still valid.
        assert_eq!(
            wna(None, Some(d(2026, 11, 20))),
            Err(Problem::StayPermitExpired)
        );
        assert_eq!(wna(None, Some(issue)), Ok(ValidUntil::Date(issue)));
        assert_eq!(wna(None, None), Err(Problem::Missing));
    }

    #[test]
    fn foreign_child_validity_is_capped() {
        let birth = d(2015, 1, 10);
        let issue = d(2026, 11, 21);
        let kia = |s, p| {
            valid_until(
                CardDesign::Kia5To17Wna,
                Citizenship::Wna,
                birth,
                issue,
                s,
                p,
            )
        };
        let long_permit = Some(d(2035, 1, 1));
        assert_eq!(
            kia(Some(ValidUntil::Date(d(2028, 1, 1))), long_permit),
            Ok(ValidUntil::Date(d(2028, 1, 1)))
        );
        // Not stated: the earlier of the permit and the day before the 17th birthday.
        assert_eq!(kia(None, long_permit), Ok(ValidUntil::Date(d(2032, 1, 9))));
        assert_eq!(
            kia(None, Some(d(2029, 6, 30))),
            Ok(ValidUntil::Date(d(2029, 6, 30)))
        );
        assert_eq!(
            kia(Some(ValidUntil::Date(d(2032, 1, 10))), long_permit),
            Err(Problem::ValidUntilBeyondLimit {
                limit: "09-01-2032".into()
            })
        );
    }

    #[test]
    fn prints_dates() {
        assert_eq!(print_date(d(2026, 1, 5)), "05-01-2026");
        assert_eq!(ValidUntil::Lifetime.print(), "SEUMUR HIDUP");
    }
}
