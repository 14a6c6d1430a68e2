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
/// - KIA: the day before the 5th (0–5) or 17th (5–17) birthday. For a foreign (WNA) child the
///   job must state the stay permit's end, which may not pass that day.
/// - KTP-el WNI: SEUMUR HIDUP. KTP-el WNA: the job must state a date (the stay permit's end).
/// - A stated date is never before the issue date.
pub fn valid_until(
    design: CardDesign,
    citizenship: Citizenship,
    birth: NaiveDate,
    issue: NaiveDate,
    stated: Option<ValidUntil>,
) -> Result<ValidUntil, Problem> {
    let kia_limit = |n| {
        day_before_birthday(birth, n)
            .map(ValidUntil::Date)
            .ok_or(Problem::BirthAfterIssue)
    };
    let rule = match design {
        CardDesign::Kia0To5 => Some(kia_limit(5)?),
        CardDesign::Kia5To17 => Some(kia_limit(17)?),
        CardDesign::KtpEl => None,
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
        (Citizenship::Wna, _, None) => Err(Problem::ValidUntilRequired),
        (Citizenship::Wna, _, Some(ValidUntil::Lifetime)) => Err(Problem::ValidUntilMismatch {
            computed: "a date (stay permit)".to_owned(),
        }),
        (Citizenship::Wna, limit, Some(ValidUntil::Date(d))) => {
            if d < issue {
                return Err(Problem::ValidUntilBeforeIssue);
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
        assert_eq!(
            valid_until(CardDesign::Kia5To17, Citizenship::Wni, birth, issue, None),
            Ok(ValidUntil::Date(d(2036, 3, 13)))
        );
        assert_eq!(
            valid_until(
                CardDesign::Kia0To5,
                Citizenship::Wni,
                d(2023, 1, 1),
                issue,
                None
            ),
            Ok(ValidUntil::Date(d(2027, 12, 31)))
        );
        let stated = Some(ValidUntil::Date(d(2036, 3, 14)));
        assert_eq!(
            valid_until(CardDesign::Kia5To17, Citizenship::Wni, birth, issue, stated),
            Err(Problem::ValidUntilMismatch {
                computed: "13-03-2036".into()
            })
        );
    }

    #[test]
    fn ktp_el_validity() {
        let birth = d(1990, 6, 2);
        let issue = d(2026, 11, 21);
        let wni = |s| valid_until(CardDesign::KtpEl, Citizenship::Wni, birth, issue, s);
        assert_eq!(wni(None), Ok(ValidUntil::Lifetime));
        assert_eq!(wni(Some(ValidUntil::Lifetime)), Ok(ValidUntil::Lifetime));
        assert!(matches!(
            wni(Some(ValidUntil::Date(d(2031, 1, 1)))),
            Err(Problem::ValidUntilMismatch { .. })
        ));
        let wna = |s| valid_until(CardDesign::KtpEl, Citizenship::Wna, birth, issue, s);
        assert_eq!(wna(None), Err(Problem::ValidUntilRequired));
        assert_eq!(
            wna(Some(ValidUntil::Date(d(2028, 5, 1)))),
            Ok(ValidUntil::Date(d(2028, 5, 1)))
        );
        assert_eq!(
            wna(Some(ValidUntil::Date(d(2026, 11, 20)))),
            Err(Problem::ValidUntilBeforeIssue)
        );
        assert!(matches!(
            wna(Some(ValidUntil::Lifetime)),
            Err(Problem::ValidUntilMismatch { .. })
        ));
    }

    #[test]
    fn foreign_child_validity_is_capped() {
        let birth = d(2015, 1, 10);
        let issue = d(2026, 11, 21);
        let kia = |s| valid_until(CardDesign::Kia5To17, Citizenship::Wna, birth, issue, s);
        assert_eq!(
            kia(Some(ValidUntil::Date(d(2028, 1, 1)))),
            Ok(ValidUntil::Date(d(2028, 1, 1)))
        );
        assert_eq!(
            kia(Some(ValidUntil::Date(d(2032, 1, 10)))),
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
