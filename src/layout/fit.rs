//! Text fitting. Every field has a nominal setting (its size, the regular face, one line, normal
//! letter spacing) and a list of steps, in the order the card designer wants them tried (manifest
//! key `fit`):
//!
//! - `shrink`: the size may go down to `min_size`;
//! - `wrap`: the value may take two lines, broken between words, the most balanced break first;
//! - `tighten`: letter spacing may go down to `min_letter_spacing` (em, negative);
//! - `condense`: the condensed face of the same family (e.g. Liberation Sans Narrow) is used.
//!
//! The value is tried at the nominal setting, then after each step with every step so far
//! enabled. Within one try the continuous steps (`shrink`, `tighten`) are relaxed one after the
//! other in their listed order, each only as far as needed, so the first try that fits prints
//! the value as close to nominal as the designer's order allows. Nothing goes below the floors
//! (`min_size`, `min_letter_spacing`): a value that does not fit after the last step is refused
//! (`layout.text_no_fit`). Pure: widths come from a function, so the rule is tested without
//! fonts.

use serde::Deserialize;

/// One relaxation a field may use to fit a long value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FitStep {
    /// Smaller size, down to `min_size`.
    Shrink,
    /// Two lines (needs `lines = 2`: room below in the layout).
    Wrap,
    /// Narrower letter spacing, down to `min_letter_spacing`.
    Tighten,
    /// The condensed face (`condensed_family`).
    Condense,
}

/// Which face a width is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    /// The field's family.
    Regular,
    /// The field's condensed family.
    Condensed,
}

/// Fitting rule of one field.
#[derive(Debug, Clone, PartialEq)]
pub struct FitRule {
    /// Nominal size, px.
    pub size: f32,
    /// Smallest size (legibility floor), px.
    pub min_size: f32,
    /// Available width, px.
    pub width: f32,
    /// Lines the layout has room for (1 or 2).
    pub lines: u8,
    /// Most negative letter spacing allowed, in em (legibility floor); 0 = never tighten.
    pub min_letter_spacing: f32,
    /// Steps in the order they are tried.
    pub steps: Vec<FitStep>,
}

impl FitRule {
    /// The rule before the designer's steps existed: shrink, then wrap if there is room.
    pub fn shrink_then_wrap(size: f32, min_size: f32, width: f32, lines: u8) -> Self {
        let mut steps = vec![FitStep::Shrink];
        if lines >= 2 {
            steps.push(FitStep::Wrap);
        }
        FitRule {
            size,
            min_size,
            width,
            lines,
            min_letter_spacing: 0.0,
            steps,
        }
    }
}

/// A fitted value: how to set it and the lines to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// Font size in px.
    pub size: f32,
    /// One or two lines.
    pub lines: Vec<String>,
    /// Letter spacing in em (0 or negative).
    pub letter_spacing: f32,
    /// Face used.
    pub face: Face,
}

impl Fitted {
    /// Letter spacing in px, as the SVG attribute wants it.
    pub fn letter_spacing_px(&self) -> f32 {
        self.letter_spacing * self.size
    }
}

/// What is enabled in one try.
struct Try<'a> {
    face: Face,
    lines: u8,
    /// Continuous steps enabled so far, in order (`Shrink` / `Tighten`).
    order: &'a [FitStep],
}

/// Fits `text`; `unit_width(face, s)` is the width of `s` at size 1 without letter spacing.
/// `None` when no step of the rule makes it fit.
pub fn fit(text: &str, rule: &FitRule, unit_width: impl Fn(Face, &str) -> f32) -> Option<Fitted> {
    let mut face = Face::Regular;
    let mut lines = 1;
    let mut order = Vec::new();
    let first = Try {
        face,
        lines,
        order: &order,
    };
    if let Some(f) = attempt(text, rule, &first, &unit_width) {
        return Some(f);
    }
    for step in &rule.steps {
        match step {
            FitStep::Shrink | FitStep::Tighten => order.push(*step),
            FitStep::Wrap => lines = rule.lines.min(2),
            FitStep::Condense => face = Face::Condensed,
        }
        let t = Try {
            face,
            lines,
            order: &order,
        };
        if let Some(f) = attempt(text, rule, &t, &unit_width) {
            return Some(f);
        }
    }
    None
}

/// Width of one line at size 1: advances and the number of gaps letter spacing applies to.
#[derive(Clone, Copy)]
struct Line {
    advance: f32,
    gaps: f32,
}

fn line(face: Face, s: &str, unit_width: &impl Fn(Face, &str) -> f32) -> Line {
    Line {
        advance: unit_width(face, s),
        // Spacing between characters; counting n − 1 gaps makes the measured width an upper
        // bound whether or not the renderer also adds it after the last character.
        gaps: s.chars().count().saturating_sub(1) as f32,
    }
}

/// The best setting of `text` in one try, or `None`.
fn attempt(
    text: &str,
    rule: &FitRule,
    t: &Try<'_>,
    unit_width: &impl Fn(Face, &str) -> f32,
) -> Option<Fitted> {
    if t.lines < 2 {
        let l = line(t.face, text, unit_width);
        let (size, ls) = solve(&[l], rule, t.order)?;
        return Some(Fitted {
            size,
            lines: vec![text.to_string()],
            letter_spacing: ls,
            face: t.face,
        });
    }
    // Two lines: every break between words; the largest size wins, then the least tightening,
    // then the most balanced lines (the narrower widest line).
    let words: Vec<&str> = text.split(' ').collect();
    let mut best: Option<(Fitted, f32)> = None;
    for cut in 1..words.len() {
        let first = words[..cut].join(" ");
        let second = words[cut..].join(" ");
        if first.trim().is_empty() || second.trim().is_empty() {
            continue;
        }
        let ls_lines = [
            line(t.face, &first, unit_width),
            line(t.face, &second, unit_width),
        ];
        let Some((size, ls)) = solve(&ls_lines, rule, t.order) else {
            continue;
        };
        let widest = widest(&ls_lines, ls);
        let better = match &best {
            None => true,
            Some((b, b_widest)) => {
                (size, ls) > (b.size, b.letter_spacing)
                    || ((size, ls) == (b.size, b.letter_spacing) && widest < *b_widest)
            }
        };
        if better {
            best = Some((
                Fitted {
                    size,
                    lines: vec![first, second],
                    letter_spacing: ls,
                    face: t.face,
                },
                widest,
            ));
        }
    }
    best.map(|(f, _)| f)
}

/// Width at size 1 of the widest line with letter spacing `ls` (em).
fn widest(lines: &[Line], ls: f32) -> f32 {
    lines
        .iter()
        .map(|l| l.advance + l.gaps * ls)
        .fold(0.0, f32::max)
}

/// Size and letter spacing for `lines`: nominal if it fits, else the enabled continuous steps
/// relaxed one after the other in `order`, each only as far as needed.
fn solve(lines: &[Line], rule: &FitRule, order: &[FitStep]) -> Option<(f32, f32)> {
    let fits = |size: f32, ls: f32| widest(lines, ls) * size <= rule.width;
    let (mut size, mut ls) = (rule.size, 0.0f32);
    if fits(size, ls) {
        return Some((size, ls));
    }
    for step in order {
        match step {
            FitStep::Shrink => {
                let w = widest(lines, ls);
                let s = if w > 0.0 {
                    floor_to(rule.width / w, 100.0).min(rule.size)
                } else {
                    rule.size
                };
                if s >= rule.min_size && fits(s, ls) {
                    return Some((s, ls));
                }
                size = rule.min_size;
            }
            FitStep::Tighten => {
                // The spacing at which every line fits at this size.
                let mut need = 0.0f32;
                for l in lines {
                    let room = rule.width / size - l.advance;
                    if room >= 0.0 {
                        continue;
                    }
                    if l.gaps == 0.0 {
                        need = f32::NEG_INFINITY;
                    } else {
                        need = need.min(room / l.gaps);
                    }
                }
                let s = floor_to(need, 1000.0);
                if s >= rule.min_letter_spacing && fits(size, s) {
                    return Some((size, s));
                }
                ls = rule.min_letter_spacing;
            }
            FitStep::Wrap | FitStep::Condense => {}
        }
    }
    None
}

/// Rounds down to 1/`per` so the fitted width never exceeds the limit by rounding.
fn floor_to(v: f32, per: f32) -> f32 {
    (v * per).floor() / per
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character is 0.5 em wide; the condensed face 0.4 em.
    fn half_em(face: Face, s: &str) -> f32 {
        let per = match face {
            Face::Regular => 0.5,
            Face::Condensed => 0.4,
        };
        s.chars().count() as f32 * per
    }

    fn rule() -> FitRule {
        FitRule::shrink_then_wrap(20.0, 15.0, 100.0, 2)
    }

    #[test]
    fn short_text_keeps_nominal_size() {
        let f = fit("ABCDEFGHIJ", &rule(), half_em).unwrap();
        assert_eq!(
            f,
            Fitted {
                size: 20.0,
                lines: vec!["ABCDEFGHIJ".into()],
                letter_spacing: 0.0,
                face: Face::Regular,
            }
        );
    }

    #[test]
    fn longer_text_shrinks_on_one_line() {
        let f = fit("ABCDEFGHIJKL", &rule(), half_em).unwrap();
        assert_eq!(f.lines.len(), 1);
        assert!(f.size < 20.0 && f.size >= 15.0);
        assert!(half_em(Face::Regular, "ABCDEFGHIJKL") * f.size <= 100.0);
    }

    #[test]
    fn too_long_for_one_line_wraps_at_the_most_balanced_word_break() {
        let f = fit("ABCDEFGH IJKLMNOP QRS", &rule(), half_em).unwrap();
        assert_eq!(
            f.lines,
            vec!["ABCDEFGH".to_string(), "IJKLMNOP QRS".to_string()]
        );
        assert!(f.size >= 15.0);
        // Wrap before shrink: at nominal size every break fits; the balanced one is taken.
        let wrap_first = FitRule {
            steps: vec![FitStep::Wrap, FitStep::Shrink],
            ..rule()
        };
        let f = fit("AB CD EF GH", &wrap_first, half_em).unwrap();
        assert_eq!(f.size, 20.0);
        assert_eq!(f.lines, vec!["AB CD", "EF GH"]);
    }

    #[test]
    fn single_line_rule_fails_instead_of_wrapping() {
        let rule = FitRule {
            lines: 1,
            steps: vec![FitStep::Shrink],
            ..rule()
        };
        assert!(fit("ABCDEFGH IJKLMNOP QRS", &rule, half_em).is_none());
    }

    #[test]
    fn unbreakable_or_huge_text_fails() {
        assert!(fit("ABCDEFGHIJKLMNOPQRSTUVWXYZ", &rule(), half_em).is_none());
        assert!(fit(&"ABCD ".repeat(20), &rule(), half_em).is_none());
    }

    #[test]
    fn empty_text_fits() {
        assert_eq!(
            fit("", &rule(), half_em).unwrap().lines,
            vec![String::new()]
        );
    }

    fn condensing() -> FitRule {
        FitRule {
            size: 20.0,
            min_size: 16.0,
            width: 100.0,
            lines: 1,
            min_letter_spacing: -0.05,
            steps: vec![FitStep::Shrink, FitStep::Tighten, FitStep::Condense],
        }
    }

    #[test]
    fn shrink_then_tighten_then_condense_each_only_as_far_as_needed() {
        let r = condensing();
        // 12 chars: 6 em → 16.66 px, shrink alone.
        let f = fit(&"A".repeat(12), &r, half_em).unwrap();
        assert_eq!((f.face, f.letter_spacing), (Face::Regular, 0.0));
        assert!((16.0..20.0).contains(&f.size));
        // 13 chars: 6.5 em at 16 px = 104 px; tightening by about 0.021 em over 12 gaps fits.
        let f = fit(&"A".repeat(13), &r, half_em).unwrap();
        assert_eq!((f.face, f.size), (Face::Regular, 16.0));
        assert!(f.letter_spacing < 0.0 && f.letter_spacing >= -0.05);
        assert!((6.5 + 12.0 * f.letter_spacing) * 16.0 <= 100.0);
        // 15 chars: 7.5 − 14 × 0.05 = 6.8 em > 6.25 em: condensed, back at a larger size.
        let f = fit(&"A".repeat(15), &r, half_em).unwrap();
        assert_eq!((f.face, f.letter_spacing), (Face::Condensed, 0.0));
        assert!(f.size > 16.0 && f.size <= 20.0);
        assert!(6.0 * f.size <= 100.0);
        // Beyond the floors: refused.
        assert!(fit(&"A".repeat(19), &r, half_em).is_none());
        // At the floors (16 px, −0.05 em) the width is 6.25 em: 18 condensed chars need
        // 7.2 − 17 × 0.05 = 6.35 em and are refused; 17 chars need 6.0 em and fit.
        assert!(fit(&"A".repeat(18), &r, half_em).is_none());
        let f = fit(&"A".repeat(17), &r, half_em).unwrap();
        assert_eq!((f.face, f.size), (Face::Condensed, 16.0));
        assert!(f.letter_spacing >= -0.05);
    }

    #[test]
    fn the_designers_order_decides() {
        // Tighten before shrink: the spacing goes first, the size stays nominal.
        let r = FitRule {
            width: 104.0,
            steps: vec![FitStep::Tighten, FitStep::Shrink],
            ..condensing()
        };
        let f = fit(&"A".repeat(11), &r, half_em).unwrap();
        assert_eq!(f.size, 20.0);
        assert!(f.letter_spacing < 0.0);
        // Wrap before condense: two regular lines rather than one condensed line.
        let r = FitRule {
            lines: 2,
            steps: vec![FitStep::Shrink, FitStep::Wrap, FitStep::Condense],
            ..condensing()
        };
        let f = fit("AAAAAAA AAAAAAA", &r, half_em).unwrap();
        assert_eq!((f.face, f.lines.len(), f.size), (Face::Regular, 2, 20.0));
        // Condense before wrap: one condensed line.
        let r = FitRule {
            steps: vec![FitStep::Shrink, FitStep::Condense, FitStep::Wrap],
            ..r
        };
        let f = fit("AAAAAAA AAAAAAA", &r, half_em).unwrap();
        assert_eq!((f.face, f.lines.len()), (Face::Condensed, 1));
    }

    #[test]
    fn a_line_without_gaps_cannot_be_tightened() {
        let r = FitRule {
            steps: vec![FitStep::Tighten],
            ..condensing()
        };
        let wide = |_: Face, s: &str| s.chars().count() as f32 * 6.0;
        assert!(fit("A", &r, wide).is_none());
    }
}
