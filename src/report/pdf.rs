//! A small A4 page writer over `printpdf`: text at a baseline that moves down the page,
//! centred and right-aligned lines, wrapped paragraphs, rules and tables that continue on a new
//! page, "Halaman i dari n" at the foot. Liberation Sans (regular and bold) is embedded from the
//! fonts built into the binary, so no system font is needed; widths are measured with the same
//! font's advances, so wrapping and alignment match what is drawn.

use printpdf::{
    IndirectFontRef, Line, Mm, PdfDocument, PdfDocumentReference, PdfLayerReference, Point,
};

use super::ReportError;

/// Page size and margins, mm.
pub const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
/// Left margin (official letters keep a wider left margin for binding).
pub const LEFT: f32 = 25.0;
/// Right edge of the text.
pub const RIGHT: f32 = PAGE_W - 20.0;
const TOP: f32 = 20.0;
const BOTTOM: f32 = 22.0;
const PT_MM: f32 = 0.352_778;

/// How a table column aligns its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Left.
    Left,
    /// Right (numbers).
    Right,
}

/// A table column.
#[derive(Debug, Clone)]
pub struct Col {
    /// Heading.
    pub title: String,
    /// Width, mm.
    pub width: f32,
    /// Alignment.
    pub align: Align,
}

/// A column as data: title, width in mm, alignment.
pub type ColSpec = (&'static str, f32, Align);

impl Col {
    /// A column.
    pub fn new(title: &str, width: f32, align: Align) -> Col {
        Col {
            title: title.to_string(),
            width,
            align,
        }
    }
}

struct Face {
    face: ttf_parser::Face<'static>,
}

impl Face {
    fn load(name: &str) -> Result<(&'static [u8], Face), ReportError> {
        let bytes = crate::assets::LAYOUT_FILES
            .iter()
            .find(|(p, _)| *p == name)
            .map(|(_, b)| *b)
            .ok_or_else(|| ReportError::Pdf(format!("font {name} not built in")))?;
        let face = ttf_parser::Face::parse(bytes, 0)
            .map_err(|e| ReportError::Pdf(format!("font {name}: {e}")))?;
        Ok((bytes, Face { face }))
    }

    /// Width of `text` at `size` pt, in mm.
    fn width(&self, text: &str, size: f32) -> f32 {
        let upem = f32::from(self.face.units_per_em());
        let units: u32 = text
            .chars()
            .map(|c| {
                self.face
                    .glyph_index(c)
                    .and_then(|g| self.face.glyph_hor_advance(g))
                    .map(u32::from)
                    .unwrap_or(0)
            })
            .sum();
        units as f32 / upem * size * PT_MM
    }
}

/// A document being written, page by page.
pub struct Pdf {
    doc: PdfDocumentReference,
    regular: IndirectFontRef,
    bold: IndirectFontRef,
    faces: [Face; 2],
    layers: Vec<PdfLayerReference>,
    /// Baseline of the next line, mm from the top of the page.
    y: f32,
    /// Footer text left of the page number (e.g. the document number).
    footer: String,
}

impl Pdf {
    /// A new document with one empty page.
    pub fn new(title: &str, footer: &str) -> Result<Pdf, ReportError> {
        let (doc, page, layer) = PdfDocument::new(title, Mm(PAGE_W), Mm(PAGE_H), "text");
        let (regular_bytes, regular_face) = Face::load("fonts/LiberationSans-Regular.ttf")?;
        let (bold_bytes, bold_face) = Face::load("fonts/LiberationSans-Bold.ttf")?;
        let regular = doc
            .add_external_font(regular_bytes)
            .map_err(|e| ReportError::Pdf(e.to_string()))?;
        let bold = doc
            .add_external_font(bold_bytes)
            .map_err(|e| ReportError::Pdf(e.to_string()))?;
        let first = doc.get_page(page).get_layer(layer);
        Ok(Pdf {
            doc,
            regular,
            bold,
            faces: [regular_face, bold_face],
            layers: vec![first],
            y: TOP,
            footer: footer.to_string(),
        })
    }

    fn layer(&self) -> &PdfLayerReference {
        // `layers` starts with the first page and only grows.
        &self.layers[self.layers.len() - 1]
    }

    /// Width of `text` in mm.
    pub fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        self.faces[usize::from(bold)].width(text, size)
    }

    /// Starts a new page.
    pub fn new_page(&mut self) {
        let (page, layer) = self.doc.add_page(Mm(PAGE_W), Mm(PAGE_H), "text");
        self.layers.push(self.doc.get_page(page).get_layer(layer));
        self.y = TOP;
    }

    /// Makes room for `mm` more on this page, or starts a new one.
    pub fn ensure(&mut self, mm: f32) {
        if self.y + mm > PAGE_H - BOTTOM {
            self.new_page();
        }
    }

    /// Moves the baseline down by `mm`.
    pub fn down(&mut self, mm: f32) {
        self.y += mm;
    }

    /// Baseline of the next line, mm from the top of the page.
    pub fn y(&self) -> f32 {
        self.y
    }

    /// Moves the baseline to `y` mm from the top of the page.
    pub fn set_y(&mut self, y: f32) {
        self.y = y;
    }

    /// Writes `text` at `x`, baseline `y` mm from the top of the current page.
    pub fn text_xy(&self, x: f32, y: f32, text: &str, size: f32, bold: bool) {
        let font = if bold { &self.bold } else { &self.regular };
        self.layer()
            .use_text(text, size, Mm(x), Mm(PAGE_H - y), font);
    }

    /// Writes `text` at `x` mm on the current baseline.
    pub fn text_at(&self, x: f32, text: &str, size: f32, bold: bool) {
        let font = if bold { &self.bold } else { &self.regular };
        self.layer()
            .use_text(text, size, Mm(x), Mm(PAGE_H - self.y), font);
    }

    /// Writes a line at the left margin and moves down one line.
    pub fn line(&mut self, text: &str, size: f32, bold: bool) {
        self.ensure(size * 0.5);
        self.text_at(LEFT, text, size, bold);
        self.down(size * 0.5);
    }

    /// Writes a centred line and moves down one line.
    pub fn centered(&mut self, text: &str, size: f32, bold: bool) {
        self.ensure(size * 0.5);
        let w = self.width(text, size, bold);
        self.text_at((LEFT + RIGHT - w) / 2.0, text, size, bold);
        self.down(size * 0.5);
    }

    /// Writes `text` ending at `x` on the current baseline.
    pub fn right_at(&self, x: f32, text: &str, size: f32, bold: bool) {
        let w = self.width(text, size, bold);
        self.text_at(x - w, text, size, bold);
    }

    /// Breaks `text` into lines no wider than `width` mm (words longer than a line are cut).
    pub fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut cur = String::new();
        for word in text.split_whitespace() {
            let candidate = if cur.is_empty() {
                word.to_string()
            } else {
                format!("{cur} {word}")
            };
            if self.width(&candidate, size, bold) <= width || cur.is_empty() {
                cur = candidate;
            } else {
                lines.push(std::mem::take(&mut cur));
                cur = word.to_string();
            }
            while self.width(&cur, size, bold) > width && cur.chars().count() > 1 {
                // A single word wider than the line: cut it where it fits.
                let mut cut = cur.chars().count() - 1;
                while cut > 1
                    && self.width(&cur.chars().take(cut).collect::<String>(), size, bold) > width
                {
                    cut -= 1;
                }
                lines.push(cur.chars().take(cut).collect());
                cur = cur.chars().skip(cut).collect();
            }
        }
        if !cur.is_empty() {
            lines.push(cur);
        }
        lines
    }

    /// A wrapped paragraph from `x` to the right margin, then a little space.
    pub fn paragraph(&mut self, x: f32, text: &str, size: f32) {
        for l in self.wrap(text, size, false, RIGHT - x) {
            self.ensure(size * 0.5);
            self.text_at(x, &l, size, false);
            self.down(size * 0.5);
        }
        self.down(size * 0.2);
    }

    /// A horizontal rule on the current baseline.
    pub fn rule(&self, x1: f32, x2: f32, thickness: f32) {
        let y = Mm(PAGE_H - self.y);
        let layer = self.layer();
        layer.set_outline_thickness(thickness);
        layer.add_line(Line {
            points: vec![
                (Point::new(Mm(x1), y), false),
                (Point::new(Mm(x2), y), false),
            ],
            is_closed: false,
        });
    }

    fn vrule(&self, x: f32, top: f32, bottom: f32) {
        let layer = self.layer();
        layer.set_outline_thickness(0.4);
        layer.add_line(Line {
            points: vec![
                (Point::new(Mm(x), Mm(PAGE_H - top)), false),
                (Point::new(Mm(x), Mm(PAGE_H - bottom)), false),
            ],
            is_closed: false,
        });
    }

    /// A table of `rows` under the columns `spec` (title, width in mm, alignment), or the
    /// line `none` (and some space) when there are none.
    pub fn table_or(&mut self, spec: &[ColSpec], rows: &[Vec<String>], size: f32, none: &str) {
        if rows.is_empty() {
            self.line(none, 10.0, false);
            self.down(4.0);
        } else {
            let cols: Vec<Col> = spec.iter().map(|&(t, w, a)| Col::new(t, w, a)).collect();
            self.table(&cols, rows, size);
        }
    }

    /// A ruled table from the left margin; cells wrap; the heading repeats on each new page.
    pub fn table(&mut self, cols: &[Col], rows: &[Vec<String>], size: f32) {
        let line_h = size * 0.45;
        let pad = 1.2;
        let total: f32 = cols.iter().map(|c| c.width).sum();
        let heading: Vec<String> = cols.iter().map(|c| c.title.clone()).collect();
        self.table_row(cols, &heading, size, true, line_h, pad, total);
        for row in rows {
            let lines = self.cell_lines(cols, row, size, false);
            let h = lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * line_h + 2.0 * pad;
            if self.y + h > PAGE_H - BOTTOM {
                self.new_page();
                self.table_row(cols, &heading, size, true, line_h, pad, total);
            }
            self.table_row(cols, row, size, false, line_h, pad, total);
        }
        self.down(8.0);
    }

    fn cell_lines(&self, cols: &[Col], row: &[String], size: f32, bold: bool) -> Vec<Vec<String>> {
        cols.iter()
            .zip(row)
            .map(|(c, cell)| self.wrap(cell, size, bold, c.width - 2.4))
            .collect()
    }

    #[allow(clippy::too_many_arguments)] // one private helper of `table`
    fn table_row(
        &mut self,
        cols: &[Col],
        row: &[String],
        size: f32,
        bold: bool,
        line_h: f32,
        pad: f32,
        total: f32,
    ) {
        let lines = self.cell_lines(cols, row, size, bold);
        let n = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let h = n as f32 * line_h + 2.0 * pad;
        let top = self.y;
        self.rule(LEFT, LEFT + total, 0.4);
        let mut x = LEFT;
        for (c, cell) in cols.iter().zip(&lines) {
            let mut y = top + pad + line_h * 0.8;
            for l in cell {
                let saved = self.y;
                self.y = y;
                match c.align {
                    Align::Left => self.text_at(x + 1.2, l, size, bold),
                    Align::Right => self.right_at(x + c.width - 1.2, l, size, bold),
                }
                self.y = saved;
                y += line_h;
            }
            self.vrule(x, top, top + h);
            x += c.width;
        }
        self.vrule(x, top, top + h);
        self.y = top + h;
        self.rule(LEFT, LEFT + total, 0.4);
    }

    /// Writes "Halaman i dari n" (and the footer text) on every page and returns the PDF.
    pub fn finish(self) -> Result<Vec<u8>, ReportError> {
        let n = self.layers.len();
        for (i, layer) in self.layers.iter().enumerate() {
            let page = format!("Halaman {} dari {n}", i + 1);
            let w = self.faces[0].width(&page, 8.0);
            layer.use_text(&page, 8.0, Mm(RIGHT - w), Mm(12.0), &self.regular);
            if !self.footer.is_empty() {
                layer.use_text(&self.footer, 8.0, Mm(LEFT), Mm(12.0), &self.regular);
            }
        }
        self.doc
            .save_to_bytes()
            .map_err(|e| ReportError::Pdf(e.to_string()))
    }
}
