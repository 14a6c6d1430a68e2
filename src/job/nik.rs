//! NIK (Nomor Induk Kependudukan) structure checks and masking for logs.
//!
//! Layout: digits 1–2 province, 3–4 regency/city, 5–6 district, 7–12 DDMMYY date of birth
//! (day + 40 for women), 13–16 serial from 0001.

use chrono::{Datelike, NaiveDate};

use super::error::Problem;
use super::vocab::Sex;

/// Province codes (digits 1–2) as Kemendagri assigns them. Public sources disagree on the Papua
/// codes 91–96, so every one of them is listed and an unknown code is only a warning.
pub const PROVINCES: &[(&str, &str)] = &[
    ("11", "ACEH"),
    ("12", "SUMATERA UTARA"),
    ("13", "SUMATERA BARAT"),
    ("14", "RIAU"),
    ("15", "JAMBI"),
    ("16", "SUMATERA SELATAN"),
    ("17", "BENGKULU"),
    ("18", "LAMPUNG"),
    ("19", "KEPULAUAN BANGKA BELITUNG"),
    ("21", "KEPULAUAN RIAU"),
    ("31", "DKI JAKARTA"),
    ("32", "JAWA BARAT"),
    ("33", "JAWA TENGAH"),
    ("34", "DAERAH ISTIMEWA YOGYAKARTA"),
    ("35", "JAWA TIMUR"),
    ("36", "BANTEN"),
    ("51", "BALI"),
    ("52", "NUSA TENGGARA BARAT"),
    ("53", "NUSA TENGGARA TIMUR"),
    ("61", "KALIMANTAN BARAT"),
    ("62", "KALIMANTAN TENGAH"),
    ("63", "KALIMANTAN SELATAN"),
    ("64", "KALIMANTAN TIMUR"),
    ("65", "KALIMANTAN UTARA"),
    ("71", "SULAWESI UTARA"),
    ("72", "SULAWESI TENGAH"),
    ("73", "SULAWESI SELATAN"),
    ("74", "SULAWESI TENGGARA"),
    ("75", "GORONTALO"),
    ("76", "SULAWESI BARAT"),
    ("81", "MALUKU"),
    ("82", "MALUKU UTARA"),
    ("91", "PAPUA"),
    ("92", "PAPUA BARAT"),
    ("93", "PAPUA SELATAN"),
    ("94", "PAPUA TENGAH"),
    ("95", "PAPUA PEGUNUNGAN"),
    ("96", "PAPUA BARAT DAYA"),
];

/// Province name for a two-digit code, if the table knows it.
pub fn province_name(code: &str) -> Option<&'static str> {
    PROVINCES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// A NIK for logs: `3273********0001`. Anything that is not 16 ASCII digits is hidden entirely
/// (it could be a name pasted into the wrong field).
pub fn mask_nik(nik: &str) -> String {
    if is_16_digits(nik) {
        format!("{}********{}", &nik[..4], &nik[12..])
    } else {
        format!("<not a NIK, {} chars>", nik.chars().count())
    }
}

pub(crate) fn is_16_digits(s: &str) -> bool {
    s.len() == 16 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The facts a well-formed NIK encodes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct NikParts {
    /// Digits 1–2.
    pub province: [u8; 2],
    /// Day of birth with the +40 removed.
    pub day: u32,
    /// Month of birth.
    pub month: u32,
    /// Two-digit year.
    pub yy: u32,
    /// Day > 40: the holder is female.
    pub female: bool,
    /// Digits 13–16.
    pub serial: u32,
}

impl std::fmt::Debug for NikParts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Date of birth plus region nearly identifies a person: keep it out of logs.
        f.debug_struct("NikParts").finish_non_exhaustive()
    }
}

fn digits(s: &[u8]) -> u32 {
    s.iter().fold(0, |acc, b| acc * 10 + u32::from(b - b'0'))
}

/// Splits a NIK and checks its own consistency: 16 digits, a real date (in some century), a
/// serial from 0001. Cross-checks with the stated data are in [`check_against`].
pub fn parse_nik(nik: &str) -> Result<NikParts, Problem> {
    if !is_16_digits(nik) {
        return Err(Problem::NikFormat);
    }
    let b = nik.as_bytes();
    let raw_day = digits(&b[6..8]);
    let month = digits(&b[8..10]);
    let yy = digits(&b[10..12]);
    let serial = digits(&b[12..16]);
    let (day, female) = if raw_day > 40 {
        (raw_day - 40, true)
    } else {
        (raw_day, false)
    };
    // 29-02 is real if either candidate century makes a leap year (2000 is; 1900 is not).
    let real = [1900, 2000]
        .iter()
        .any(|c| NaiveDate::from_ymd_opt(c + yy as i32, month, day).is_some());
    if !real {
        return Err(Problem::NikDateInvalid);
    }
    if serial == 0 {
        return Err(Problem::NikSerialZero);
    }
    Ok(NikParts {
        province: [b[0], b[1]],
        day,
        month,
        yy,
        female,
        serial,
    })
}

/// Cross-checks the NIK against the stated sex and date of birth. The NIK only holds YY, so
/// the century is taken from the stated date; only DD, MM and YY are compared.
pub fn check_against(parts: &NikParts, sex: Option<Sex>, birth: Option<NaiveDate>) -> Vec<Problem> {
    let mut out = Vec::new();
    if let Some(sex) = sex {
        if parts.female != (sex == Sex::Perempuan) {
            out.push(Problem::NikSexMismatch);
        }
    }
    if let Some(birth) = birth {
        let yy = (birth.year().rem_euclid(100)) as u32;
        if birth.day() != parts.day || birth.month() != parts.month || yy != parts.yy {
            out.push(Problem::NikBirthDateMismatch);
        }
    }
    out
}

/// Warning for a province code the table lacks.
pub fn province_warning(parts: &NikParts) -> Option<Problem> {
    let code: String = parts.province.iter().map(|&b| char::from(b)).collect();
    match province_name(&code) {
        Some(_) => None,
        None => Some(Problem::NikProvinceUnknown { code }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn masks_only_real_niks() {
        assert_eq!(mask_nik("3273011708150001"), "3273********0001");
        assert_eq!(mask_nik("BUDI SANTOSO"), "<not a NIK, 12 chars>");
        assert_eq!(mask_nik("327301170815000"), "<not a NIK, 15 chars>");
    }

    #[test]
    fn parses_male_and_female() {
        let m = parse_nik("3273011708150001").unwrap();
        assert_eq!(
            (m.day, m.month, m.yy, m.female, m.serial),
            (17, 8, 15, false, 1)
        );
        let f = parse_nik("3273015708150002").unwrap();
        assert_eq!((f.day, f.month, f.yy, f.female), (17, 8, 15, true));
    }

    #[test]
    fn rejects_bad_shapes() {
        for bad in [
            "",
            "327301170815000",
            "32730117081500011",
            "3273O11708150001",
            "３２７３０１１７０８１５０００１",
        ] {
            assert_eq!(parse_nik(bad), Err(Problem::NikFormat), "{bad:?}");
        }
    }

    #[test]
    fn rejects_unreal_dates() {
        for bad in [
            "3273013208150001", // day 32
            "3273017208150001", // day 72 (= 32 + 40)
            "3273014008150001", // day 40 (= 0 for a woman, invalid for a man)
            "3273010008150001", // day 0
            "3273011713150001", // month 13
            "3273013102150001", // 31 February
        ] {
            assert_eq!(parse_nik(bad), Err(Problem::NikDateInvalid), "{bad}");
        }
        assert!(parse_nik("3273013004150001").is_ok());
    }

    #[test]
    fn leap_day_needs_a_leap_year_in_some_century() {
        assert!(parse_nik("3273012902000001").is_ok()); // 2000 is a leap year
        assert!(parse_nik("3273016902040001").is_ok()); // female, 2004
        assert_eq!(parse_nik("3273012902010001"), Err(Problem::NikDateInvalid));
    }

    #[test]
    fn serial_zero_is_refused() {
        assert_eq!(parse_nik("3273011708150000"), Err(Problem::NikSerialZero));
    }

    #[test]
    fn cross_checks_sex_and_birth_date() {
        let p = parse_nik("3273015708150002").unwrap();
        assert!(check_against(&p, Some(Sex::Perempuan), Some(d(2015, 8, 17))).is_empty());
        assert_eq!(
            check_against(&p, Some(Sex::LakiLaki), Some(d(2015, 8, 17))),
            vec![Problem::NikSexMismatch]
        );
        assert_eq!(
            check_against(&p, Some(Sex::Perempuan), Some(d(2015, 8, 18))),
            vec![Problem::NikBirthDateMismatch]
        );
        // Same DDMM, different century: YY still matches (the NIK cannot tell).
        assert!(check_against(&p, None, Some(d(1915, 8, 17))).is_empty());
        // Different YY.
        assert_eq!(
            check_against(&p, None, Some(d(2014, 8, 17))),
            vec![Problem::NikBirthDateMismatch]
        );
    }

    #[test]
    fn unknown_province_is_a_warning() {
        assert_eq!(
            province_warning(&parse_nik("3273011708150001").unwrap()),
            None
        );
        assert_eq!(
            province_warning(&parse_nik("9973011708150001").unwrap()),
            Some(Problem::NikProvinceUnknown { code: "99".into() })
        );
        assert!(province_warning(&parse_nik("9601011708150001").unwrap()).is_none());
    }
}
