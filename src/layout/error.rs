//! Errors of the layout layer: a broken layout directory (found once, at start-up) and a card
//! whose content does not fit its layout (found per job, before any blangko is used).

use std::path::PathBuf;

/// A layout directory that cannot be used. Each variant is a mistake of the card designer or of
/// the installation; the operator should reinstall or fix `layouts/` (see `layouts/README.md`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LayoutError {
    /// A file of the layout directory cannot be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A manifest is not valid TOML or does not follow the manifest schema.
    #[error("manifest {path}: {message}")]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong, from the TOML parser or the schema check.
        message: String,
    },
    /// An SVG template is not well-formed XML or cannot be read by the SVG renderer.
    #[error("SVG template of layout {layout}: {message}")]
    Svg {
        /// Layout name.
        layout: String,
        /// Parser message.
        message: String,
    },
    /// The SVG canvas is not the printer frame (`viewBox="0 0 1016 648"`, 1016 × 648 px).
    #[error(
        "layout {layout}: the SVG canvas must be width=1016 height=648 viewBox=\"0 0 1016 648\""
    )]
    Canvas {
        /// Layout name.
        layout: String,
    },
    /// The manifest names an element id that the SVG does not contain.
    #[error("layout {layout}: no element with id \"{id}\" in the SVG")]
    MissingElement {
        /// Layout name.
        layout: String,
        /// The missing id.
        id: String,
    },
    /// A field or slot element (or one of its ancestors) has a `transform`: the renderer needs
    /// plain canvas coordinates to fit text and place images.
    #[error("layout {layout}: element \"{id}\" or a parent has a transform; apply it in Inkscape")]
    Transformed {
        /// Layout name.
        layout: String,
        /// The element id.
        id: String,
    },
    /// An element does not have the shape the manifest requires (a field must be a `<text>`
    /// with `x` and `y`, a slot a `<rect>` with a size) or sits in the wrong kind of group.
    #[error("layout {layout}: element \"{id}\": {problem}")]
    BadElement {
        /// Layout name.
        layout: String,
        /// The element id.
        id: String,
        /// What is wrong.
        problem: String,
    },
    /// A field names a font that is not in `layouts/fonts/`.
    #[error("layout {layout}: font \"{family}\" (bold: {bold}) is not in layouts/fonts")]
    FontMissing {
        /// Layout name.
        layout: String,
        /// Font family.
        family: String,
        /// Whether the bold face was asked for.
        bold: bool,
    },
    /// A card design needs a layout that the directory does not have.
    #[error("layout {name} is missing from the layout directory")]
    MissingLayout {
        /// Layout name.
        name: String,
    },
}

impl crate::messages::Message for LayoutError {
    fn message_code(&self) -> &'static str {
        match self {
            LayoutError::Io { .. } => "layout_dir.io",
            LayoutError::Manifest { .. } => "layout_dir.manifest",
            LayoutError::Svg { .. } => "layout_dir.svg",
            LayoutError::Canvas { .. } => "layout_dir.canvas",
            LayoutError::MissingElement { .. } => "layout_dir.missing_element",
            LayoutError::Transformed { .. } => "layout_dir.transformed",
            LayoutError::BadElement { .. } => "layout_dir.bad_element",
            LayoutError::FontMissing { .. } => "layout_dir.font_missing",
            LayoutError::MissingLayout { .. } => "layout_dir.missing_layout",
        }
    }

    fn message_args(&self) -> crate::messages::Args {
        let args = crate::messages::Args::new();
        #[allow(unreachable_patterns)] // variants without arguments
        match self {
            LayoutError::Io { path, source, .. } => {
                args.with("path", path.display()).with("source", source)
            }
            LayoutError::Manifest { path, message, .. } => {
                args.with("path", path.display()).with("message", message)
            }
            LayoutError::Svg {
                layout, message, ..
            } => args.with("layout", layout).with("message", message),
            LayoutError::Canvas { layout, .. } => args.with("layout", layout),
            LayoutError::MissingElement { layout, id, .. } => {
                args.with("layout", layout).with("id", id)
            }
            LayoutError::Transformed { layout, id, .. } => {
                args.with("layout", layout).with("id", id)
            }
            LayoutError::BadElement {
                layout,
                id,
                problem,
                ..
            } => args
                .with("layout", layout)
                .with("id", id)
                .with("problem", problem),
            LayoutError::FontMissing {
                layout,
                family,
                bold,
                ..
            } => args
                .with("layout", layout)
                .with("family", family)
                .with("bold", bold),
            LayoutError::MissingLayout { name, .. } => args.with("name", name),
            _ => args,
        }
    }
}

/// Card content that its layout cannot show. Raised by [`crate::render::check_fit`] during job
/// validation, before a blangko is taken; it names the field or slot, never its value (values are
/// personal data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FitError {
    /// The text does not fit even after every fitting step of the field, at its legibility
    /// floors (`docs/rendering.md`). The operator should have the value checked in the
    /// application: every value within the job limits of real names and places fits.
    #[error("field {field} does not fit layout {layout}, even at its smallest legible setting")]
    TooLong {
        /// Layout name.
        layout: String,
        /// Field key (see `card::field`).
        field: String,
    },
    /// The text contains a character the card fonts cannot print (emoji, non-Latin script,
    /// control character). The operator should correct the data.
    #[error("field {field} contains a character the card font cannot print: U+{codepoint:04X}")]
    UnsupportedCharacter {
        /// Layout name.
        layout: String,
        /// Field key.
        field: String,
        /// The offending code point.
        codepoint: u32,
    },
    /// The QR payload needs more modules than the slot holds at the minimum module size.
    #[error("QR payload ({bytes} bytes) is too large for the QR slot of layout {layout}")]
    QrTooLarge {
        /// Layout name.
        layout: String,
        /// Payload length in bytes.
        bytes: usize,
    },
    /// The barcode payload is too long for the slot at the minimum bar width.
    #[error(
        "barcode payload ({chars} characters) is too long for the barcode slot of layout {layout}"
    )]
    BarcodeTooLong {
        /// Layout name.
        layout: String,
        /// Payload length in characters.
        chars: usize,
    },
    /// The barcode payload has a character Code 128 cannot carry (only printable ASCII).
    #[error("barcode payload contains a character Code 128 cannot carry: U+{codepoint:04X}")]
    BarcodeCharacter {
        /// The offending code point.
        codepoint: u32,
    },
    /// A layout has a required image slot (e.g. the photo) and the card has no image for it.
    #[error("layout {layout} needs an image for slot {slot}")]
    MissingImage {
        /// Layout name.
        layout: String,
        /// Slot key (`photo`, `holder_signature`, `official_signature`).
        slot: String,
    },
    /// The card carries an item (photo, signature, QR or barcode payload) that neither side of
    /// its design has a slot for; printing would silently drop it.
    #[error("card design {design} has no slot for {item}")]
    NoSlot {
        /// Card design (front + back layouts).
        design: String,
        /// Slot key.
        item: String,
    },
    /// The card design's layouts are not loaded.
    #[error("layout {name} is not loaded")]
    LayoutNotLoaded {
        /// Layout name.
        name: String,
    },
}

impl FitError {
    /// Stable machine code, in the job findings' catalogue (`docs/job.md`).
    pub fn code(&self) -> &'static str {
        match self {
            FitError::TooLong { .. } => "layout.text_no_fit",
            FitError::UnsupportedCharacter { .. } => "layout.unsupported_char",
            FitError::QrTooLarge { .. } => "layout.qr_too_large",
            FitError::BarcodeTooLong { .. } => "layout.barcode_too_long",
            FitError::BarcodeCharacter { .. } => "layout.barcode_char",
            FitError::MissingImage { .. } => "layout.image_missing",
            FitError::NoSlot { .. } => "layout.no_slot",
            FitError::LayoutNotLoaded { .. } => "layout.not_loaded",
        }
    }

    /// The field or slot the error is about, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            FitError::TooLong { field, .. } | FitError::UnsupportedCharacter { field, .. } => {
                Some(field)
            }
            FitError::QrTooLarge { .. } => Some("qr"),
            FitError::BarcodeTooLong { .. } | FitError::BarcodeCharacter { .. } => Some("barcode"),
            FitError::MissingImage { slot, .. } => Some(slot),
            FitError::NoSlot { item, .. } => Some(item),
            FitError::LayoutNotLoaded { .. } => None,
        }
    }
}

impl crate::messages::Message for FitError {
    fn message_code(&self) -> &'static str {
        match self {
            FitError::TooLong { .. } => "layout.text_no_fit",
            FitError::UnsupportedCharacter { .. } => "layout.unsupported_char",
            FitError::QrTooLarge { .. } => "layout.qr_too_large",
            FitError::BarcodeTooLong { .. } => "layout.barcode_too_long",
            FitError::BarcodeCharacter { .. } => "layout.barcode_char",
            FitError::MissingImage { .. } => "layout.image_missing",
            FitError::NoSlot { .. } => "layout.no_slot",
            FitError::LayoutNotLoaded { .. } => "layout.not_loaded",
        }
    }

    fn message_args(&self) -> crate::messages::Args {
        let args = crate::messages::Args::new();
        #[allow(unreachable_patterns)] // variants without arguments
        match self {
            FitError::TooLong { field, layout, .. } => {
                args.with("field", field).with("layout", layout)
            }
            FitError::UnsupportedCharacter {
                field, codepoint, ..
            } => args
                .with("field", field)
                .with("codepoint", format!("{codepoint:04X}")),
            FitError::QrTooLarge { bytes, layout, .. } => {
                args.with("bytes", bytes).with("layout", layout)
            }
            FitError::BarcodeTooLong { chars, layout, .. } => {
                args.with("chars", chars).with("layout", layout)
            }
            FitError::BarcodeCharacter { codepoint, .. } => {
                args.with("codepoint", format!("{codepoint:04X}"))
            }
            FitError::MissingImage { layout, slot, .. } => {
                args.with("layout", layout).with("slot", slot)
            }
            FitError::NoSlot { design, item, .. } => args.with("design", design).with("item", item),
            FitError::LayoutNotLoaded { name, .. } => args.with("name", name),
            _ => args,
        }
    }
}
