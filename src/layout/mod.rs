//! Card layouts: SVG templates at 300 dpi on the printer frame (1016 × 648 px, 1 px = 1 dot) with
//! a TOML manifest each, loaded once at start-up ([`Layouts::load`]) and shared by every render.
//!
//! - [`manifest`]: the manifest schema.
//! - [`fonts`]: the shipped fonts, for the renderer and for measuring text.
//! - [`fit`]: the fitting rule (the designer's steps: shrink, wrap, tighten, condense; else fail).
//! - `load`: template checks, pre-rendered preview background and overlay.
//! - `fill`: a card's values written into a copy of the parsed template.
//! - `source`: the built-in layouts or a folder on disk that replaces them.
//!
//! The ID-1 card (85.60 × 53.98 mm = 1011.0 × 637.6 dots) sits centred in the frame, leaving
//! about 2.5 dots of bleed left and right and 5.2 dots top and bottom.

mod bake;
pub mod error;
mod fields;
pub mod fill;
pub mod fit;
pub mod fonts;
mod load;
pub mod manifest;
mod prerender;
mod source;
mod svg;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use cetak_drivers::printer::layers::{Bitplane, Side};
use resvg::tiny_skia::Pixmap;
use resvg::usvg;

use crate::card::CardDesign;
pub use error::{FitError, LayoutError};
pub use fill::FilledSvg;
pub use fit::{Face, FitRule, FitStep, Fitted};
pub use fonts::FontSet;
pub use manifest::{Align, QrLevel};
pub(crate) use prerender::render_group;
pub use source::LayoutSource;

/// Left edge of the card inside the frame, in dots.
pub const CARD_LEFT: f32 = (1016.0 - CARD_WIDTH) / 2.0;
/// Top edge of the card inside the frame, in dots.
pub const CARD_TOP: f32 = (648.0 - CARD_HEIGHT) / 2.0;
/// Card width in dots (85.60 mm at 300 dpi).
pub const CARD_WIDTH: f32 = 85.60 / 25.4 * 300.0;
/// Card height in dots (53.98 mm at 300 dpi).
pub const CARD_HEIGHT: f32 = 53.98 / 25.4 * 300.0;

/// A rectangle in frame coordinates (px = dots, origin top left).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left.
    pub x: f32,
    /// Top.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

impl Rect {
    /// Whether the dot (x, y) lies inside.
    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.x && x < self.x + self.width && y >= self.y && y < self.y + self.height
    }
}

/// Which printer panel a group (and everything in it) goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    /// Resin black, 1 bit: painted coverage ≥ 50 % becomes a dot, whatever its colour.
    K,
    /// Dye colour.
    Colour,
}

/// A text field of a layout, with its position read from the SVG.
#[derive(Debug, Clone)]
pub struct FieldSpec {
    /// Field key (`card::field`).
    pub key: String,
    /// SVG element id.
    pub id: String,
    /// Font family.
    pub family: String,
    /// Bold face.
    pub bold: bool,
    /// Condensed face of the same family, for the `condense` step.
    pub condensed_family: Option<String>,
    /// Fitting rule.
    pub rule: FitRule,
    /// Baseline distance of wrapped lines, in multiples of the size.
    pub line_height: f32,
    /// Alignment at `x`.
    pub align: Align,
    /// Anchor x.
    pub x: f32,
    /// Baseline y of the first line.
    pub y: f32,
    /// Panel of the field.
    pub panel: Panel,
}

impl FieldSpec {
    /// The area where this field's ink may appear at its nominal size (all lines, ascenders and
    /// descenders included).
    pub fn ink_box(&self) -> Rect {
        let left = match self.align {
            Align::Start => self.x,
            Align::Middle => self.x - self.rule.width / 2.0,
            Align::End => self.x - self.rule.width,
        };
        let extra_lines = f32::from(self.rule.lines.saturating_sub(1));
        let top = self.y - self.rule.size;
        let bottom =
            self.y + extra_lines * self.rule.size * self.line_height + self.rule.size * 0.3;
        Rect {
            x: left,
            y: top,
            width: self.rule.width,
            height: bottom - top,
        }
    }
}

/// An image slot (photo or signature).
#[derive(Debug, Clone)]
pub struct ImageSlot {
    /// Area in the frame.
    pub rect: Rect,
    /// Panel it prints on.
    pub panel: Panel,
    /// A card without the image fails the fit check.
    pub required: bool,
}

/// The QR slot.
#[derive(Debug, Clone)]
pub struct QrSlot {
    /// Area in the frame, quiet zone included.
    pub rect: Rect,
    /// Panel it prints on.
    pub panel: Panel,
    /// Error-correction level.
    pub ec_level: QrLevel,
    /// Smallest module, in dots.
    pub min_module: u32,
}

/// The Code 128 slot.
#[derive(Debug, Clone)]
pub struct BarcodeSlot {
    /// Area in the frame, quiet zones included.
    pub rect: Rect,
    /// Panel it prints on.
    pub panel: Panel,
    /// Narrowest bar, in dots.
    pub min_module: u32,
}

/// One loaded layout: the template ready to be filled, its specs, and what is the same on every
/// card (preview background, overlay) already rendered.
pub struct Layout {
    /// Layout name (file stem).
    pub name: String,
    /// Side it prints.
    pub side: Side,
    /// Text fields.
    pub fields: Vec<FieldSpec>,
    /// Photo slot.
    pub photo: Option<ImageSlot>,
    /// Holder's signature slot.
    pub holder_signature: Option<ImageSlot>,
    /// Official's signature slot.
    pub official_signature: Option<ImageSlot>,
    /// QR slot.
    pub qr: Option<QrSlot>,
    /// Barcode slot.
    pub barcode: Option<BarcodeSlot>,
    /// Top-level groups printed in K.
    pub k_groups: Vec<String>,
    /// Top-level groups printed in colour.
    pub colour_groups: Vec<String>,
    /// Areas kept free of varnish (rectangles and slots; mask groups are in `overlay` only).
    pub overlay_mask_rects: Vec<(String, Rect)>,
    /// The template with preview-only and mask groups and slot placeholders removed and field
    /// elements normalised.
    pub(crate) template: xmltree::Element,
    /// What is drawn once per layout (preview background, overlay plane, static groups): made
    /// on first use, so a command that only checks a job (`validate`) draws nothing.
    pub(crate) baked: std::sync::OnceLock<Result<bake::Baked, String>>,
    /// What [`Layout::baked`] is made from.
    pub(crate) bake_input: bake::BakeInput,
}

impl std::fmt::Debug for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Layout")
            .field("name", &self.name)
            .field("side", &self.side)
            .field("fields", &self.fields.len())
            .finish_non_exhaustive()
    }
}

impl Layout {
    /// The field showing `key`.
    pub fn field(&self, key: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// The parts drawn once per layout, drawn now if this is their first use.
    pub(crate) fn baked(&self) -> Result<&bake::Baked, LayoutError> {
        self.baked
            .get_or_init(|| bake::bake(self))
            .as_ref()
            .map_err(|message| LayoutError::Svg {
                layout: self.name.clone(),
                message: message.clone(),
            })
    }

    /// The overlay plane of this side (the same on every card).
    pub fn overlay(&self) -> Result<Option<&Bitplane>, LayoutError> {
        Ok(self.baked()?.overlay.as_ref())
    }

    /// The preview background (the preprinted blangko).
    pub fn preprint(&self) -> Result<&Pixmap, LayoutError> {
        Ok(&self.baked()?.preprint)
    }
}

/// Every layout of a directory, with the fonts and the renderer options, loaded once.
pub struct Layouts {
    fonts: FontSet,
    options: Arc<usvg::Options<'static>>,
    by_name: HashMap<String, Arc<Layout>>,
}

impl std::fmt::Debug for Layouts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<&String> = self.by_name.keys().collect();
        names.sort();
        f.debug_struct("Layouts")
            .field("layouts", &names)
            .field("fonts", &self.fonts)
            .finish()
    }
}

impl Layouts {
    /// Loads `dir/fonts/*` and every `dir/*.toml` manifest with its SVG, and checks that every
    /// card design has its front and back.
    pub fn load(dir: &Path) -> Result<Self, LayoutError> {
        Layouts::load_from(&LayoutSource::Dir(dir.to_path_buf()))
    }

    /// The layouts built into the binary.
    pub fn built_in() -> Result<Self, LayoutError> {
        Layouts::load_from(&LayoutSource::BuiltIn)
    }

    /// Loads the fonts and every manifest of `source`, as [`Layouts::load`] does for a folder.
    pub fn load_from(source: &LayoutSource) -> Result<Self, LayoutError> {
        let fonts = FontSet::load_from(source, "fonts")?;
        let options = Arc::new(load::usvg_options(&fonts));
        let manifests: Vec<String> = source
            .list("")?
            .into_iter()
            .filter(|name| Path::new(name).extension().is_some_and(|e| e == "toml"))
            .collect();
        let mut by_name = HashMap::new();
        for name in manifests {
            let layout = load::load_layout(source, &name, &fonts, &options)?;
            by_name.insert(layout.name.clone(), Arc::new(layout));
        }
        let layouts = Layouts {
            fonts,
            options,
            by_name,
        };
        for design in CardDesign::ALL {
            for name in design.layouts() {
                if layouts.get(name).is_none() {
                    return Err(LayoutError::MissingLayout {
                        name: name.to_string(),
                    });
                }
            }
        }
        Ok(layouts)
    }

    /// Draws now what every layout draws once (see [`Layout::baked`]), so a station finds a
    /// template that cannot be drawn at start, not on its first card.
    pub fn bake_all(&self) -> Result<(), LayoutError> {
        for layout in self.by_name.values() {
            layout.baked()?;
        }
        Ok(())
    }

    /// A layout by name.
    pub fn get(&self, name: &str) -> Option<&Layout> {
        self.by_name.get(name).map(|l| l.as_ref())
    }

    /// Front and back layouts of a design.
    pub fn for_design(&self, design: CardDesign) -> Result<[&Layout; 2], FitError> {
        let [front, back] = design.layouts();
        let get = |name: &str| {
            self.get(name).ok_or(FitError::LayoutNotLoaded {
                name: name.to_string(),
            })
        };
        Ok([get(front)?, get(back)?])
    }

    /// The fonts.
    pub fn fonts(&self) -> &FontSet {
        &self.fonts
    }

    /// Renderer options (only the shipped fonts; no file access from templates).
    pub fn usvg_options(&self) -> &usvg::Options<'static> {
        &self.options
    }
}
