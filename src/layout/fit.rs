//! Text fitting: nominal size on one line; else shrink (down to the minimum size); else wrap onto
//! two lines at the largest size that fits (never above nominal, never below minimum); else fail.
//! Pure: it takes a width function so the rule is tested without fonts.

/// Fitting rule of one field.
#[derive(Debug, Clone, Copy)]
pub struct FitRule {
    /// Nominal size.
    pub size: f32,
    /// Minimum size.
    pub min_size: f32,
    /// Available width.
    pub width: f32,
    /// Lines allowed (1 or 2).
    pub lines: u8,
}

/// A fitted value: the size to set and the lines to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// Font size in px.
    pub size: f32,
    /// One or two lines.
    pub lines: Vec<String>,
}

/// Fits `text`; `unit_width(s)` is the width of `s` at size 1. `None` when it cannot fit.
pub fn fit(text: &str, rule: FitRule, unit_width: impl Fn(&str) -> f32) -> Option<Fitted> {
    let whole = unit_width(text);
    if whole * rule.size <= rule.width {
        return Some(Fitted {
            size: rule.size,
            lines: vec![text.to_string()],
        });
    }
    let shrunk = floor_cent(rule.width / whole);
    if shrunk >= rule.min_size {
        return Some(Fitted {
            size: shrunk,
            lines: vec![text.to_string()],
        });
    }
    if rule.lines < 2 {
        return None;
    }
    // Two lines: try every break between words and keep the one allowing the largest size.
    let words: Vec<&str> = text.split(' ').collect();
    let mut best: Option<Fitted> = None;
    for cut in 1..words.len() {
        let first = words[..cut].join(" ");
        let second = words[cut..].join(" ");
        if first.trim().is_empty() || second.trim().is_empty() {
            continue;
        }
        let widest = unit_width(&first).max(unit_width(&second));
        let size = if widest * rule.size <= rule.width {
            rule.size
        } else {
            floor_cent(rule.width / widest)
        };
        if size >= rule.min_size && best.as_ref().is_none_or(|b| size > b.size) {
            best = Some(Fitted {
                size,
                lines: vec![first, second],
            });
        }
    }
    best
}

/// Rounds a size down to 1/100 px so the fitted width never exceeds the limit by rounding.
fn floor_cent(size: f32) -> f32 {
    (size * 100.0).floor() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character is 0.5 em wide.
    fn half_em(s: &str) -> f32 {
        s.chars().count() as f32 * 0.5
    }

    const RULE: FitRule = FitRule {
        size: 20.0,
        min_size: 15.0,
        width: 100.0,
        lines: 2,
    };

    #[test]
    fn short_text_keeps_nominal_size() {
        let f = fit("ABCDEFGHIJ", RULE, half_em).unwrap();
        assert_eq!(
            f,
            Fitted {
                size: 20.0,
                lines: vec!["ABCDEFGHIJ".into()]
            }
        );
    }

    #[test]
    fn longer_text_shrinks_on_one_line() {
        let f = fit("ABCDEFGHIJKL", RULE, half_em).unwrap();
        assert_eq!(f.lines.len(), 1);
        assert!(f.size < 20.0 && f.size >= 15.0);
        assert!(half_em("ABCDEFGHIJKL") * f.size <= 100.0);
    }

    #[test]
    fn too_long_for_one_line_wraps_at_a_word_break() {
        let f = fit("ABCDEFGH IJKLMNOP QRS", RULE, half_em).unwrap();
        assert_eq!(
            f.lines,
            vec!["ABCDEFGH".to_string(), "IJKLMNOP QRS".to_string()]
        );
        assert!(f.size >= 15.0);
    }

    #[test]
    fn single_line_rule_fails_instead_of_wrapping() {
        let rule = FitRule { lines: 1, ..RULE };
        assert!(fit("ABCDEFGH IJKLMNOP QRS", rule, half_em).is_none());
    }

    #[test]
    fn unbreakable_or_huge_text_fails() {
        assert!(fit("ABCDEFGHIJKLMNOPQRSTUVWXYZ", RULE, half_em).is_none());
        assert!(fit(&"ABCD ".repeat(20), RULE, half_em).is_none());
    }

    #[test]
    fn empty_text_fits() {
        assert_eq!(fit("", RULE, half_em).unwrap().lines, vec![String::new()]);
    }
}
