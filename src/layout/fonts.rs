//! The card fonts: only the files shipped in `layouts/fonts/` are loaded (never system fonts), so
//! a card renders identically on every machine. The same font bytes serve the SVG renderer
//! (through a `fontdb::Database`) and text measurement for fitting (through `ttf-parser`).

use std::path::Path;
use std::sync::Arc;

use resvg::usvg::fontdb;

use super::error::LayoutError;
use super::source::LayoutSource;

/// One face, kept for measuring.
struct Face {
    family: String,
    bold: bool,
    data: Arc<Vec<u8>>,
    index: u32,
}

/// The fonts of a layout directory, parsed once.
pub struct FontSet {
    db: Arc<fontdb::Database>,
    faces: Vec<Face>,
}

impl std::fmt::Debug for FontSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self
            .faces
            .iter()
            .map(|face| format!("{}{}", face.family, if face.bold { " Bold" } else { "" }))
            .collect();
        f.debug_struct("FontSet").field("faces", &names).finish()
    }
}

impl FontSet {
    /// Loads every `.ttf` / `.otf` file of `dir`.
    pub fn load(dir: &Path) -> Result<Self, LayoutError> {
        FontSet::load_from(&LayoutSource::Dir(dir.to_path_buf()), "")
    }

    /// Loads every `.ttf` / `.otf` file of the folder `sub` of `source`.
    pub(super) fn load_from(source: &LayoutSource, sub: &str) -> Result<Self, LayoutError> {
        let names: Vec<String> = source
            .list(sub)?
            .into_iter()
            .filter(|name| {
                Path::new(name)
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e.eq_ignore_ascii_case("ttf") || e.eq_ignore_ascii_case("otf"))
            })
            .map(|name| {
                if sub.is_empty() {
                    name
                } else {
                    format!("{sub}/{name}")
                }
            })
            .collect();
        let mut files = Vec::new();
        for name in &names {
            files.push(source.read(name)?.into_owned());
        }
        let mut db = fontdb::Database::new();
        let mut faces = Vec::new();
        for bytes in files {
            let data = Arc::new(bytes);
            let ids = db.load_font_source(fontdb::Source::Binary(data.clone()));
            for id in ids {
                if let Some(info) = db.face(id) {
                    if let Some((family, _)) = info.families.first() {
                        faces.push(Face {
                            family: family.clone(),
                            bold: info.weight.0 >= 600,
                            data: data.clone(),
                            index: info.index,
                        });
                    }
                }
            }
        }
        Ok(FontSet {
            db: Arc::new(db),
            faces,
        })
    }

    /// The font database handed to the SVG renderer.
    pub fn database(&self) -> Arc<fontdb::Database> {
        self.db.clone()
    }

    /// Whether a face exists.
    pub fn has(&self, family: &str, bold: bool) -> bool {
        self.face(family, bold).is_some()
    }

    fn face(&self, family: &str, bold: bool) -> Option<&Face> {
        self.faces
            .iter()
            .find(|f| f.bold == bold && f.family.eq_ignore_ascii_case(family))
    }

    /// Width of `text` at font size 1, as the sum of the glyphs' horizontal advances.
    ///
    /// Kerning is not applied: the renderer's shaper only ever tightens upper-case Latin text
    /// with it, so this width is an upper bound and fitted text never overflows. Returns the
    /// first character the face has no glyph for (or a control or bidi/zero-width format
    /// character, which would print nothing or reorder the text) as `Err`.
    pub fn unit_width(&self, family: &str, bold: bool, text: &str) -> Result<f32, char> {
        let Some(face) = self.face(family, bold) else {
            return Err(text.chars().next().unwrap_or(' '));
        };
        let Ok(parsed) = ttf_parser::Face::parse(&face.data, face.index) else {
            return Err(text.chars().next().unwrap_or(' '));
        };
        let upem = f32::from(parsed.units_per_em().max(1));
        let mut total = 0.0f32;
        for ch in text.chars() {
            if ch.is_control() || is_invisible_format(ch) {
                return Err(ch);
            }
            let glyph = parsed.glyph_index(ch).ok_or(ch)?;
            total += f32::from(parsed.glyph_hor_advance(glyph).unwrap_or(0));
        }
        Ok(total / upem)
    }
}

/// Zero-width and bidirectional format characters: invisible on the card, and able to make a
/// printed value read differently from the data (e.g. U+202E right-to-left override).
fn is_invisible_format(ch: char) -> bool {
    matches!(ch, '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}
