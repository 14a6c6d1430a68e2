//! Text rules: what each field may contain, how long it may be, and its print form.
//!
//! The card fonts (Liberation Sans, OCR-B style for the NIK) print the Latin repertoire: ASCII
//! and Latin-1 / Latin Extended-A letters. Anything else would print as boxes, so it is refused
//! with an error that says why (emoji, right-to-left text, control characters, other scripts).
//! Markup-like characters (`<&"'>`) are not dangerous in themselves (layouts fill the parsed
//! SVG tree, so they render literally); they are refused only where the field's rule forbids
//! them: names and place names allow letters and `. , ' -` (places also digits and `( ) /`).

use super::error::Problem;

/// Which characters a field accepts, beyond the printable repertoire check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// Person names: letters, space and `. , ' -`.
    Name,
    /// Place names (city, kelurahan, kecamatan, province): letters, digits, space and
    /// `. , ' - ( ) /`.
    Place,
    /// Anything printable in the repertoire, including `<&"'>` (addresses, occupations, No.
    /// Akta, batch names, QR payloads).
    Free,
    /// Printable ASCII only: Code 128 cannot encode other characters.
    Ascii,
}

impl Charset {
    /// Human-readable list for error messages.
    pub fn describe(self) -> &'static str {
        match self {
            Charset::Name => "letters, space . , ' -",
            Charset::Place => "letters, digits, space . , ' - ( ) /",
            Charset::Free => "printable Latin text",
            Charset::Ascii => "printable ASCII",
        }
    }

    fn allows(self, c: char) -> bool {
        match self {
            Charset::Name => {
                c.is_alphabetic() || matches!(c, ' ' | '\u{a0}' | '.' | ',' | '\'' | '-')
            }
            Charset::Place => {
                c.is_alphanumeric()
                    || matches!(c, ' ' | '\u{a0}' | '.' | ',' | '\'' | '-' | '(' | ')' | '/')
            }
            Charset::Free => true,
            Charset::Ascii => c.is_ascii() && !c.is_ascii_control(),
        }
    }
}

/// A field's rule.
#[derive(Debug, Clone, Copy)]
pub struct TextRule {
    pub charset: Charset,
    /// Maximum length in characters after normalisation.
    pub max: usize,
    /// Printed in upper case (all card values are, except free payloads).
    pub upper: bool,
}

impl TextRule {
    pub const fn new(charset: Charset, max: usize) -> Self {
        TextRule {
            charset,
            max,
            upper: true,
        }
    }
    pub const fn verbatim(charset: Charset, max: usize) -> Self {
        TextRule {
            charset,
            max,
            upper: false,
        }
    }
}

fn is_bidi_or_rtl(c: char) -> bool {
    matches!(c as u32,
        0x061C | 0x200E | 0x200F | 0x202A..=0x202E | 0x2066..=0x2069
        | 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF
        | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF)
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x2300..=0x23FF
        | 0xFE0E | 0xFE0F | 0x200D | 0x20E3 | 0xE0020..=0xE007F)
}

/// In the repertoire the card fonts print.
fn is_printable_latin(c: char) -> bool {
    matches!(c as u32, 0x20..=0x7E | 0xA0..=0x17F) && !c.is_control()
}

/// Checks one character against the universal rules, most specific reason first.
fn classify(c: char) -> Option<Problem> {
    if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
        Some(Problem::TextControlChar)
    } else if is_bidi_or_rtl(c) {
        Some(Problem::TextRightToLeft)
    } else if is_emoji(c) {
        Some(Problem::TextEmoji)
    } else if !is_printable_latin(c) {
        Some(Problem::TextUnsupportedChar)
    } else {
        None
    }
}

/// Checks a text and returns its print form: trimmed, inner runs of spaces collapsed to one,
/// upper-cased if the rule says so. Empty text is an error; callers with optional fields check
/// presence first.
pub fn check(raw: &str, rule: TextRule) -> Result<String, Problem> {
    for c in raw.chars() {
        if let Some(p) = classify(c) {
            return Err(p);
        }
        if !rule.charset.allows(c) {
            return Err(Problem::TextForbiddenChar {
                allowed: rule.charset.describe(),
            });
        }
    }
    let mut out = String::with_capacity(raw.len());
    for word in raw.split([' ', '\u{a0}']).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        if rule.upper {
            out.extend(word.chars().flat_map(char::to_uppercase));
        } else {
            out.push_str(word);
        }
    }
    if out.is_empty() {
        return Err(Problem::TextEmpty);
    }
    let len = out.chars().count();
    if len > rule.max {
        return Err(Problem::TextTooLong { max: rule.max, len });
    }
    Ok(out)
}

/// Job and batch ids: 1–64 of `A–Z a–z 0–9 . _ -` (they end up in file names and logs).
pub fn check_id(raw: &str) -> Result<String, Problem> {
    let ok = !raw.is_empty()
        && raw.len() <= 64
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(Problem::IdFormat)
    }
}

/// RT/RW as printed: `NNN/NNN`.
pub fn check_rt_rw(raw: &str) -> Result<String, Problem> {
    let b = raw.as_bytes();
    let ok = b.len() == 7 && b[3] == b'/' && b[..3].iter().chain(&b[4..]).all(u8::is_ascii_digit);
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(Problem::RtRwFormat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: TextRule = TextRule::new(Charset::Name, 60);
    const FREE: TextRule = TextRule::new(Charset::Free, 100);

    #[test]
    fn normalises_spaces_and_case() {
        assert_eq!(check("  siti   nur'aini ", NAME).unwrap(), "SITI NUR'AINI");
        assert_eq!(check("andré\u{a0}müller", NAME).unwrap(), "ANDRÉ MÜLLER");
        assert_eq!(
            check("jl. mawar no. 5", TextRule::verbatim(Charset::Free, 50)).unwrap(),
            "jl. mawar no. 5"
        );
    }

    #[test]
    fn hostile_text_depends_on_the_field() {
        let hostile = "<b>&\"'</b>";
        assert!(matches!(
            check(hostile, NAME),
            Err(Problem::TextForbiddenChar { .. })
        ));
        assert_eq!(check(hostile, FREE).unwrap(), "<B>&\"'</B>");
    }

    #[test]
    fn explains_unprintable_text() {
        assert_eq!(check("BUDI\tSANTOSO", NAME), Err(Problem::TextControlChar));
        assert_eq!(check("BUDI\nSANTOSO", FREE), Err(Problem::TextControlChar));
        assert_eq!(check("BUDI 😀", NAME), Err(Problem::TextEmoji));
        assert_eq!(check("BUDI ❤", FREE), Err(Problem::TextEmoji));
        assert_eq!(check("محمد", NAME), Err(Problem::TextRightToLeft));
        assert_eq!(check("BUDI\u{202e}", NAME), Err(Problem::TextRightToLeft));
        assert_eq!(check("שלום", FREE), Err(Problem::TextRightToLeft));
        assert_eq!(check("王小明", NAME), Err(Problem::TextUnsupportedChar));
        assert_eq!(
            check("BUDI\u{200b}", NAME),
            Err(Problem::TextUnsupportedChar)
        );
    }

    #[test]
    fn empty_and_long() {
        assert_eq!(check("   ", NAME), Err(Problem::TextEmpty));
        assert_eq!(check("", NAME), Err(Problem::TextEmpty));
        let long = "A".repeat(61);
        assert_eq!(
            check(&long, NAME),
            Err(Problem::TextTooLong { max: 60, len: 61 })
        );
        // Length is counted after collapsing spaces, in characters not bytes.
        assert!(check(&format!("{}  {}", "É".repeat(29), "É".repeat(30)), NAME).is_ok());
    }

    #[test]
    fn place_allows_digits_and_slash() {
        let place = TextRule::new(Charset::Place, 40);
        assert_eq!(
            check("cigadung ii (rw 5/6)", place).unwrap(),
            "CIGADUNG II (RW 5/6)"
        );
        assert!(check("CIGADUNG 2", NAME).is_err());
    }

    #[test]
    fn ascii_payloads() {
        let rule = TextRule::verbatim(Charset::Ascii, 40);
        assert_eq!(check("KIA-0001", rule).unwrap(), "KIA-0001");
        assert!(matches!(
            check("É", rule),
            Err(Problem::TextForbiddenChar { .. })
        ));
    }

    #[test]
    fn ids_and_rt_rw() {
        assert!(check_id("KIA-2026.11_0001").is_ok());
        assert_eq!(check_id(""), Err(Problem::IdFormat));
        assert_eq!(check_id("../etc/passwd"), Err(Problem::IdFormat));
        assert_eq!(check_id(&"x".repeat(65)), Err(Problem::IdFormat));
        assert_eq!(check_rt_rw("003/007").unwrap(), "003/007");
        for bad in [
            "3/7",
            "003-007",
            "0003/007",
            "003/07",
            "abc/def",
            "００３/００７",
            "",
        ] {
            assert_eq!(check_rt_rw(bad), Err(Problem::RtRwFormat), "{bad}");
        }
    }
}
