//! The TOML manifest beside each SVG template: which element shows which field, with which font
//! and fitting rule, where the slots are, which groups go to which panel, and the overlay mask.
//! The schema is strict (unknown keys are errors) so a typo in a manifest fails at start-up,
//! not on a card. `layouts/README.md` documents every key.

use serde::Deserialize;

use super::fit::FitStep;

/// One layout manifest (`layouts/<name>.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Layout name; must equal the file stem.
    pub name: String,
    /// SVG file name, relative to the manifest.
    pub svg: String,
    /// Which card side this layout prints.
    pub side: SideName,
    /// Top-level group ids by role.
    pub groups: Groups,
    /// Text fields.
    #[serde(default, rename = "field")]
    pub fields: Vec<FieldEntry>,
    /// Image and code slots.
    #[serde(default)]
    pub slots: Slots,
    /// Overlay varnish.
    #[serde(default)]
    pub overlay: Overlay,
}

/// Card side as written in a manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SideName {
    /// Recto.
    Front,
    /// Verso.
    Back,
}

/// Roles of the SVG's top-level groups. Every top-level element of the SVG that draws anything
/// must be in exactly one list, so nothing reaches the printer by accident.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Groups {
    /// The preprinted blangko background: in previews, never sent to the printer.
    #[serde(default)]
    pub preview_only: Vec<String>,
    /// Printed in resin black (K), 1 bit: text, barcodes, QR codes, signatures.
    #[serde(default)]
    pub k: Vec<String>,
    /// Printed in dye colour (Y, M, C): the photo and personalised colour elements.
    #[serde(default)]
    pub colour: Vec<String>,
    /// Never drawn; their painted area is kept free of overlay varnish.
    #[serde(default)]
    pub overlay_mask: Vec<String>,
}

/// Horizontal alignment of a text field at its `x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    /// Text starts at `x`.
    #[default]
    Start,
    /// Text is centred on `x`.
    Middle,
    /// Text ends at `x`.
    End,
}

impl Align {
    /// The SVG `text-anchor` value.
    pub fn svg(self) -> &'static str {
        match self {
            Align::Start => "start",
            Align::Middle => "middle",
            Align::End => "end",
        }
    }
}

/// One text field of the layout.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldEntry {
    /// Field key from `card::field`.
    pub key: String,
    /// Id of the `<text>` element that shows it.
    pub id: String,
    /// Font family (a font in `layouts/fonts/`).
    pub family: String,
    /// Bold face.
    #[serde(default)]
    pub bold: bool,
    /// Nominal font size in px (1 px = 1 dot at 300 dpi).
    pub size: f32,
    /// Smallest size the text may shrink to (legibility floor).
    pub min_size: f32,
    /// Width available from the anchor, in px.
    pub width: f32,
    /// Lines allowed: 1, or 2 when the layout leaves room for a second line below.
    #[serde(default = "one")]
    pub lines: u8,
    /// Distance between baselines of wrapped lines, as a multiple of the font size.
    #[serde(default = "default_line_height")]
    pub line_height: f32,
    /// Alignment at the element's `x`.
    #[serde(default)]
    pub align: Align,
    /// Steps tried in order when the value is too wide: `shrink`, `wrap`, `tighten`,
    /// `condense` (see `layout::fit`). Default: `["shrink"]`, plus `"wrap"` when `lines = 2`.
    #[serde(default)]
    pub fit: Option<Vec<FitStep>>,
    /// Most negative letter spacing for `tighten`, in em (legibility floor), e.g. -0.04.
    #[serde(default)]
    pub min_letter_spacing: f32,
    /// Condensed face of the same family for `condense`, e.g. `Liberation Sans Narrow`.
    #[serde(default)]
    pub condensed_family: Option<String>,
}

fn one() -> u8 {
    1
}

fn default_line_height() -> f32 {
    1.15
}

/// The slots a layout may have; each is a `<rect>` placeholder in the SVG giving the area.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slots {
    /// The holder's photo, cover-cropped to the slot.
    pub photo: Option<ImageSlotEntry>,
    /// The holder's signature, fitted inside the slot.
    pub holder_signature: Option<ImageSlotEntry>,
    /// The signature of the head of the Dinas, fitted inside the slot.
    pub official_signature: Option<ImageSlotEntry>,
    /// QR code, including its quiet zone.
    pub qr: Option<QrSlotEntry>,
    /// Code 128 barcode, including its quiet zones.
    pub barcode: Option<BarcodeSlotEntry>,
}

/// An image slot.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageSlotEntry {
    /// Id of the placeholder `<rect>`.
    pub id: String,
    /// A card without this image fails the fit check (instead of printing an empty slot).
    #[serde(default)]
    pub required: bool,
}

/// Error-correction level of the QR code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum QrLevel {
    /// ~7 %.
    L,
    /// ~15 %.
    #[default]
    M,
    /// ~25 %.
    Q,
    /// ~30 %.
    H,
}

/// The QR slot.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QrSlotEntry {
    /// Id of the placeholder `<rect>`.
    pub id: String,
    /// Error-correction level.
    #[serde(default)]
    pub ec_level: QrLevel,
    /// Smallest module in dots (3 dots ≈ 0.25 mm at 300 dpi).
    #[serde(default = "default_qr_module")]
    pub min_module: u32,
}

fn default_qr_module() -> u32 {
    3
}

/// The Code 128 slot.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BarcodeSlotEntry {
    /// Id of the placeholder `<rect>`.
    pub id: String,
    /// Narrowest bar in dots (2 dots ≈ 0.17 mm at 300 dpi).
    #[serde(default = "default_bar_module")]
    pub min_module: u32,
}

fn default_bar_module() -> u32 {
    2
}

/// Overlay varnish: the whole frame except the mask.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    /// Whether this side gets overlay varnish at all.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Slots kept free of varnish (e.g. `holder_signature`).
    #[serde(default)]
    pub mask_slots: Vec<String>,
    /// Rectangles kept free of varnish (e.g. the chip contacts), in px.
    #[serde(default)]
    pub mask: Vec<MaskRect>,
}

impl Default for Overlay {
    fn default() -> Self {
        Overlay {
            enabled: true,
            mask_slots: Vec::new(),
            mask: Vec::new(),
        }
    }
}

fn yes() -> bool {
    true
}

/// A named rectangle in canvas px.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaskRect {
    /// What it protects, e.g. `chip-contacts`.
    pub name: String,
    /// Left.
    pub x: f32,
    /// Top.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}
