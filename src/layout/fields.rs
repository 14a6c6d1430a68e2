//! A layout's text fields: each manifest entry checked (key, sizes, fit steps, fonts) and its
//! `<text>` element prepared in the template.

use std::collections::HashMap;

use xmltree::Element;

use super::error::LayoutError;
use super::fit::{FitRule, FitStep};
use super::fonts::FontSet;
use super::load::{bad_element, locate, missing, Role};
use super::manifest::FieldEntry;
use super::svg;
use super::FieldSpec;
use crate::card::field;

/// Checks one manifest field (known key, once, sane sizes, fonts present) and gives its rule.
pub(super) fn check_field_entry(
    entry: &FieldEntry,
    earlier: &[FieldSpec],
    fonts: &FontSet,
    name: &str,
    bad_manifest: &dyn Fn(String) -> LayoutError,
) -> Result<FitRule, LayoutError> {
    if !field::ALL.contains(&entry.key.as_str()) {
        return Err(bad_manifest(format!("unknown field key \"{}\"", entry.key)));
    }
    if earlier.iter().any(|f| f.key == entry.key) {
        return Err(bad_manifest(format!(
            "field \"{}\" appears twice",
            entry.key
        )));
    }
    let sane = entry.size > 0.0
        && entry.min_size > 0.0
        && entry.min_size <= entry.size
        && entry.width > 0.0
        && (1..=2).contains(&entry.lines)
        && entry.line_height > 0.0
        && (-0.2..=0.0).contains(&entry.min_letter_spacing);
    if !sane {
        return Err(bad_manifest(format!(
            "field \"{}\": need 0 < min_size <= size, width > 0, lines 1 or 2, \
             -0.2 <= min_letter_spacing <= 0",
            entry.key
        )));
    }
    let rule = fit_rule(entry)
        .map_err(|problem| bad_manifest(format!("field \"{}\": {problem}", entry.key)))?;
    for family in std::iter::once(&entry.family).chain(&entry.condensed_family) {
        if !fonts.has(family, entry.bold) {
            return Err(LayoutError::FontMissing {
                layout: name.to_string(),
                family: family.clone(),
                bold: entry.bold,
            });
        }
    }
    Ok(rule)
}

/// Finds a field's `<text>` in the template, replaces its font attributes by the manifest's
/// and empties it, so each card only fills in the text.
pub(super) fn take_field(
    root: &mut Element,
    entry: &FieldEntry,
    rule: FitRule,
    roles: &HashMap<String, Role>,
    name: &str,
) -> Result<FieldSpec, LayoutError> {
    let (path, panel) = locate(root, &entry.id, "text", roles, name)?;
    let el = svg::element_at_mut(root, &path).ok_or_else(|| missing(name, &entry.id))?;
    let (Some(x), Some(y)) = (svg::number_attr(el, "x"), svg::number_attr(el, "y")) else {
        return Err(bad_element(
            name,
            &entry.id,
            "a field <text> needs plain numeric x and y",
        ));
    };
    svg::strip_style(
        el,
        &[
            "font",
            "text-anchor",
            "line-height",
            "white-space",
            "inline-size",
        ],
    );
    for attr in [
        "font-family",
        "font-size",
        "font-weight",
        "font-style",
        "font",
        "text-anchor",
        "space",
    ] {
        el.attributes.remove(attr);
    }
    let attrs = [
        ("font-family", entry.family.clone()),
        (
            "font-weight",
            if entry.bold { "bold" } else { "normal" }.to_string(),
        ),
        ("font-size", format!("{}", entry.size)),
        ("text-anchor", entry.align.svg().to_string()),
        ("xml:space", "preserve".to_string()),
    ];
    for (k, v) in attrs {
        el.attributes.insert(k.to_string(), v);
    }
    el.children.clear();
    Ok(FieldSpec {
        key: entry.key.clone(),
        id: entry.id.clone(),
        family: entry.family.clone(),
        bold: entry.bold,
        condensed_family: entry.condensed_family.clone(),
        rule,
        line_height: entry.line_height,
        align: entry.align,
        x,
        y,
        panel,
    })
}

/// The fitting rule of a manifest field; each step must have what it needs, and everything
/// given must be used by a step (a floor no step reaches is a designer's mistake).
fn fit_rule(entry: &FieldEntry) -> Result<FitRule, String> {
    let mut rule = FitRule::shrink_then_wrap(entry.size, entry.min_size, entry.width, entry.lines);
    rule.min_letter_spacing = entry.min_letter_spacing;
    if let Some(steps) = &entry.fit {
        rule.steps = steps.clone();
    }
    let has = |step| rule.steps.contains(&step);
    for (i, step) in rule.steps.iter().enumerate() {
        if rule.steps[..i].contains(step) {
            return Err(format!("fit step {step:?} appears twice"));
        }
    }
    if has(FitStep::Wrap) != (entry.lines == 2) {
        return Err("fit step \"wrap\" needs lines = 2, and lines = 2 needs \"wrap\"".into());
    }
    if has(FitStep::Tighten) != (entry.min_letter_spacing < 0.0) {
        return Err("fit step \"tighten\" needs min_letter_spacing < 0, and the reverse".into());
    }
    if has(FitStep::Condense) != entry.condensed_family.is_some() {
        return Err("fit step \"condense\" needs condensed_family, and the reverse".into());
    }
    if !has(FitStep::Shrink) && entry.min_size < entry.size {
        return Err("min_size below size needs the fit step \"shrink\"".into());
    }
    Ok(rule)
}
