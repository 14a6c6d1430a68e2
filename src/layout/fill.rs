//! Filling a layout with one card's values: fit every field, then write the values into a copy of
//! the parsed template as XML text nodes (the serialiser escapes them, so `<&"'>` or `]]>` print
//! literally and can never change the document's structure).

use xmltree::{Element, XMLNode};

use super::error::FitError;
use super::fit::{fit, Face, Fitted};
use super::fonts::FontSet;
use super::svg;
use super::{FieldSpec, Layout};
use crate::card::CardContent;

/// A filled template, ready for the SVG renderer.
#[derive(Debug, Clone)]
pub struct FilledSvg {
    /// The filled document.
    pub root: Element,
}

impl FilledSvg {
    /// The document as SVG text.
    pub fn to_svg_string(&self) -> Result<String, String> {
        svg::to_string(&self.root)
    }
}

impl Layout {
    /// Fits every field of this layout (in manifest order). Fails on the first field that does
    /// not fit or holds a character the fonts cannot print.
    pub fn fit_fields(
        &self,
        content: &CardContent,
        fonts: &FontSet,
    ) -> Result<Vec<Fitted>, FitError> {
        self.fields
            .iter()
            .map(|spec| {
                let value = content
                    .fields
                    .get(&spec.key)
                    .map(String::as_str)
                    .unwrap_or("");
                fonts
                    .unit_width(&spec.family, spec.bold, value)
                    .map_err(|ch| FitError::UnsupportedCharacter {
                        layout: self.name.clone(),
                        field: spec.key.clone(),
                        codepoint: u32::from(ch),
                    })?;
                // A character the condensed face lacks makes that face never fit.
                let width = |face: Face, s: &str| {
                    fonts
                        .unit_width(spec.family_for(face), spec.bold, s)
                        .unwrap_or(f32::INFINITY)
                };
                fit(value, &spec.rule, width).ok_or_else(|| FitError::TooLong {
                    layout: self.name.clone(),
                    field: spec.key.clone(),
                })
            })
            .collect()
    }

    /// Fits and fills the template; adds the SPECIMEN mark when the card asks for it.
    pub fn fill(&self, content: &CardContent, fonts: &FontSet) -> Result<FilledSvg, FitError> {
        self.fill_root(&self.template, content, fonts)
    }

    /// Like [`Layout::fill`] but without the groups already rendered at load (see
    /// `StaticGroups`); `None` for a SPECIMEN card, whose mark goes into the first K group and so
    /// may change a static one: such a card takes the full path.
    pub(crate) fn fill_print(
        &self,
        print_template: &Element,
        content: &CardContent,
        fonts: &FontSet,
    ) -> Option<Result<FilledSvg, FitError>> {
        (!content.specimen).then(|| self.fill_root(print_template, content, fonts))
    }

    fn fill_root(
        &self,
        template: &Element,
        content: &CardContent,
        fonts: &FontSet,
    ) -> Result<FilledSvg, FitError> {
        let fitted = self.fit_fields(content, fonts)?;
        let mut root = template.clone();
        for (spec, fitted) in self.fields.iter().zip(&fitted) {
            let Some(path) = svg::path_to_id(&root, &spec.id) else {
                continue;
            };
            let Some(el) = svg::element_at_mut(&mut root, &path) else {
                continue;
            };
            el.attributes
                .insert("font-size".to_string(), format!("{}", fitted.size));
            if fitted.face == Face::Condensed {
                el.attributes.insert(
                    "font-family".to_string(),
                    spec.family_for(Face::Condensed).to_string(),
                );
            }
            if fitted.letter_spacing != 0.0 {
                el.attributes.insert(
                    "letter-spacing".to_string(),
                    format!("{}", fitted.letter_spacing_px()),
                );
            }
            el.children.clear();
            if let [line] = fitted.lines.as_slice() {
                if !line.is_empty() {
                    el.children.push(XMLNode::Text(line.clone()));
                }
            } else {
                for (i, line) in fitted.lines.iter().enumerate() {
                    let y = spec.y + i as f32 * fitted.size * spec.line_height;
                    let mut tspan = svg::svg_element(
                        "tspan",
                        &[("x", format!("{}", spec.x)), ("y", format!("{y}"))],
                    );
                    tspan.children.push(XMLNode::Text(line.clone()));
                    el.children.push(XMLNode::Element(tspan));
                }
            }
        }
        if content.specimen {
            add_specimen(&mut root, self.k_groups.first().map(String::as_str));
        }
        Ok(FilledSvg { root })
    }
}

/// "SPECIMEN" outlined across the card, in the first K group (so it prints in resin).
fn add_specimen(root: &mut Element, k_group: Option<&str>) {
    let mut mark = svg::svg_element(
        "text",
        &[
            ("id", "specimen".to_string()),
            ("x", "508".to_string()),
            ("y", "380".to_string()),
            ("text-anchor", "middle".to_string()),
            ("font-family", "Liberation Sans".to_string()),
            ("font-weight", "bold".to_string()),
            ("font-size", "130".to_string()),
            ("fill", "none".to_string()),
            ("stroke", "#000000".to_string()),
            ("stroke-width", "5".to_string()),
            ("transform", "rotate(-18 508 324)".to_string()),
        ],
    );
    mark.children.push(XMLNode::Text("SPECIMEN".to_string()));
    let target = k_group
        .and_then(|id| svg::path_to_id(root, id))
        .and_then(|p| svg::element_at_mut(root, &p));
    match target {
        Some(group) => group.children.push(XMLNode::Element(mark)),
        None => root.children.push(XMLNode::Element(mark)),
    }
}

impl FieldSpec {
    /// The family that sets `face` (the regular one when the field has no condensed face).
    pub fn family_for(&self, face: Face) -> &str {
        match (face, &self.condensed_family) {
            (Face::Condensed, Some(c)) => c,
            _ => &self.family,
        }
    }
}
