//! Ribbon panels in the printer's own frame, and the conversion from a landscape
//! [`SideLayers`] into them.
//!
//! Frame: 1016 lines × 648 dots; a line runs across the card's short edge, lines follow each
//! other along the long edge. Rotation chosen (documented in docs/printer.md): 90° clockwise,
//! i.e. frame `(line, dot)` shows landscape pixel `(x = line, y = 647 − dot)`: line 0 is the
//! card's left edge, dot 0 of each line its bottom edge.

use super::layers::{Bitplane, SideLayers, FRAME_HEIGHT, FRAME_WIDTH};

/// Lines per panel (along the card's long edge).
pub const LINES: usize = FRAME_WIDTH as usize;
/// Dots per line (across the card's short edge).
pub const DOTS: usize = FRAME_HEIGHT as usize;

/// One ribbon panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Panel {
    /// Yellow dye.
    Yellow,
    /// Magenta dye.
    Magenta,
    /// Cyan dye.
    Cyan,
    /// Black resin (1 bit).
    Black,
    /// Overlay varnish (1 bit).
    Overlay,
}

impl Panel {
    /// Printing order on a YMCKO ribbon.
    pub const ALL: [Panel; 5] = [
        Panel::Yellow,
        Panel::Magenta,
        Panel::Cyan,
        Panel::Black,
        Panel::Overlay,
    ];

    /// The protocol letter (`y m c k o`).
    pub fn letter(self) -> char {
        match self {
            Panel::Yellow => 'y',
            Panel::Magenta => 'm',
            Panel::Cyan => 'c',
            Panel::Black => 'k',
            Panel::Overlay => 'o',
        }
    }

    /// The panel a protocol letter names.
    pub fn from_letter(c: u8) -> Option<Panel> {
        Panel::ALL.into_iter().find(|p| p.letter() as u8 == c)
    }

    /// True for the dye panels (several grey levels); false for the 1-bit resin and overlay.
    pub fn is_colour(self) -> bool {
        matches!(self, Panel::Yellow | Panel::Magenta | Panel::Cyan)
    }
}

/// Grey levels for the dye panels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColourLevels {
    /// 32 levels, 5 bits per dot: the smallest downloads.
    #[default]
    L32,
    /// 64 levels, 6 bits per dot.
    L64,
    /// 128 levels, 7 bits per dot.
    L128,
}

impl ColourLevels {
    /// Number of levels.
    pub fn levels(self) -> u16 {
        match self {
            ColourLevels::L32 => 32,
            ColourLevels::L64 => 64,
            ColourLevels::L128 => 128,
        }
    }
}

/// Bits per dot for a level count the protocol allows (2, 32, 64, 128).
pub fn bits_for_levels(levels: u16) -> Option<u32> {
    match levels {
        2 => Some(1),
        32 => Some(5),
        64 => Some(6),
        128 => Some(7),
        _ => None,
    }
}

/// Quantises a dye density 0..=255 to `levels` levels (rounded to nearest).
pub fn quantise(v: u8, levels: u16) -> u8 {
    let max = u32::from(levels.max(2)) - 1;
    ((u32::from(v) * max + 127) / 255) as u8
}

/// The density 0..=255 a quantised level stands for.
pub fn dequantise(q: u8, levels: u16) -> u8 {
    let max = u32::from(levels.max(2)) - 1;
    ((u32::from(q).min(max) * 255 + max / 2) / max) as u8
}

/// Landscape pixel shown at frame position `(line, dot)`.
pub fn landscape_xy(line: usize, dot: usize) -> (u32, u32) {
    (line as u32, (DOTS - 1 - dot) as u32)
}

/// One panel in the printer frame: `values[line * DOTS + dot]`, each in `0..levels`
/// (for 1-bit panels 1 = resin / varnish, for dye 0 = no dye).
#[derive(Clone, PartialEq, Eq)]
pub struct PanelImage {
    /// Which panel.
    pub panel: Panel,
    /// Level count (2 for K and O).
    pub levels: u16,
    /// Dot values, line by line.
    pub values: Vec<u8>,
}

impl std::fmt::Debug for PanelImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inked = self.values.iter().filter(|&&v| v != 0).count();
        write!(
            f,
            "PanelImage({:?}, {} levels, {} dots inked)",
            self.panel, self.levels, inked
        )
    }
}

impl PanelImage {
    /// A blank panel.
    pub fn blank(panel: Panel, levels: u16) -> Self {
        PanelImage {
            panel,
            levels,
            values: vec![0; LINES * DOTS],
        }
    }

    /// True when no dot carries ink: such a panel is not sent.
    pub fn is_empty(&self) -> bool {
        // An OR over everything (no early exit) compiles to wide vector instructions.
        self.values.iter().fold(0, |acc, &v| acc | v) == 0
    }

    /// Value at frame position.
    pub fn at(&self, line: usize, dot: usize) -> u8 {
        self.values[line * DOTS + dot]
    }

    /// Back to the landscape card orientation as 8-bit density (0 = nothing, 255 = full).
    pub fn to_landscape_density(&self) -> image::GrayImage {
        let mut img = image::GrayImage::new(FRAME_WIDTH, FRAME_HEIGHT);
        for line in 0..LINES {
            for dot in 0..DOTS {
                let (x, y) = landscape_xy(line, dot);
                let v = dequantise(self.values[line * DOTS + dot], self.levels);
                img.put_pixel(x, y, image::Luma([v]));
            }
        }
        img
    }

    /// Raw (`Db`) payload: every dot as `bits` bits, most significant first, lines back to back.
    pub fn pack(&self) -> Vec<u8> {
        let bits = bits_for_levels(self.levels).unwrap_or(8);
        let mut out = Vec::with_capacity(LINES * DOTS * bits as usize / 8);
        let mut acc: u32 = 0;
        let mut n: u32 = 0;
        for &v in &self.values {
            acc = (acc << bits) | u32::from(v);
            n += bits;
            while n >= 8 {
                n -= 8;
                out.push((acc >> n) as u8);
            }
            acc &= (1 << n) - 1;
        }
        if n > 0 {
            out.push((acc << (8 - n)) as u8);
        }
        out
    }

    /// Inverse of [`PanelImage::pack`]; `None` when the size is not exactly one panel or a value
    /// is out of range.
    pub fn unpack(panel: Panel, levels: u16, data: &[u8]) -> Option<Self> {
        let bits = bits_for_levels(levels)?;
        if data.len() != raw_size(levels)? {
            return None;
        }
        let mut values = Vec::with_capacity(LINES * DOTS);
        let mut acc: u32 = 0;
        let mut n: u32 = 0;
        let mask = (1u32 << bits) - 1;
        for &b in data {
            acc = (acc << 8) | u32::from(b);
            n += 8;
            while n >= bits && values.len() < LINES * DOTS {
                n -= bits;
                values.push(((acc >> n) & mask) as u8);
            }
            acc &= (1 << n) - 1;
        }
        Some(PanelImage {
            panel,
            levels,
            values,
        })
    }
}

/// Bytes of an uncompressed panel at `levels` levels.
pub fn raw_size(levels: u16) -> Option<usize> {
    Some(LINES * DOTS * bits_for_levels(levels)? as usize / 8)
}

/// Why a side cannot become panels.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{layer} layer is {width}x{height}, expected {FRAME_WIDTH}x{FRAME_HEIGHT}")]
pub struct LayerSizeError {
    /// Which layer.
    pub layer: &'static str,
    /// Its width.
    pub width: u32,
    /// Its height.
    pub height: u32,
}

/// Rows per band in the tiled rotation.
const TILE: usize = 32;

/// Converts a landscape side into the panels to print, in ribbon order, leaving out every
/// panel that would carry no ink. Y = 255 − B, M = 255 − G, C = 255 − R, quantised to
/// `colour` levels; K and O 1 bit.
pub fn side_panels(
    layers: &SideLayers,
    colour: ColourLevels,
) -> Result<Vec<PanelImage>, LayerSizeError> {
    let mut panels = Vec::with_capacity(5);
    if let Some(rgb) = &layers.colour {
        check_size("colour", rgb.width(), rgb.height())?;
        let levels = colour.levels();
        let [yv, mv, cv] = dye_planes(rgb, levels);
        for (panel, values) in [(Panel::Yellow, yv), (Panel::Magenta, mv), (Panel::Cyan, cv)] {
            let img = PanelImage {
                panel,
                levels,
                values,
            };
            if !img.is_empty() {
                panels.push(img);
            }
        }
    }
    for (panel, plane, name) in [
        (Panel::Black, &layers.k, "k"),
        (Panel::Overlay, &layers.overlay, "overlay"),
    ] {
        if let Some(plane) = plane {
            check_size(name, plane.width(), plane.height())?;
            if plane.is_empty() {
                continue;
            }
            panels.push(PanelImage {
                panel,
                levels: 2,
                values: mono_plane(plane),
            });
        }
    }
    Ok(panels)
}

fn check_size(layer: &'static str, width: u32, height: u32) -> Result<(), LayerSizeError> {
    if (width, height) == (FRAME_WIDTH, FRAME_HEIGHT) {
        Ok(())
    } else {
        Err(LayerSizeError {
            layer,
            width,
            height,
        })
    }
}

/// The Y, M and C values of a frame-sized RGB side, in the printer frame.
fn dye_planes(rgb: &image::RgbImage, levels: u16) -> [Vec<u8>; 3] {
    let mut table = [0u8; 256];
    for (v, t) in table.iter_mut().enumerate() {
        *t = quantise(255 - v as u8, levels);
    }
    let raw = rgb.as_raw();
    let mut yv = vec![0u8; LINES * DOTS];
    let mut mv = vec![0u8; LINES * DOTS];
    let mut cv = vec![0u8; LINES * DOTS];
    // White quantises to 0 (no dye), which the planes already hold: only the box around
    // the non-white pixels (on a card on preprinted blangko, the photo) is converted.
    if let Some((xs, ys)) = non_white_box(raw) {
        // Tiled transpose: a band of TILE rows stays in cache while each line's run of
        // TILE dots is written contiguously.
        for y0 in ys.clone().step_by(TILE) {
            let y1 = (y0 + TILE).min(ys.end);
            let lines = yv
                .chunks_exact_mut(DOTS)
                .zip(mv.chunks_exact_mut(DOTS))
                .zip(cv.chunks_exact_mut(DOTS))
                .enumerate()
                .skip(xs.start)
                .take(xs.len());
            for (x, ((yl, ml), cl)) in lines {
                // Landscape rows y0..y1 land on dots DOTS-y1..DOTS-y0 of this line, reversed.
                let span = DOTS - y1..DOTS - y0;
                let outs = yl[span.clone()]
                    .iter_mut()
                    .zip(&mut ml[span.clone()])
                    .zip(&mut cl[span])
                    .rev();
                for (((yo, mo), co), y) in outs.zip(y0..y1) {
                    let o = (y * LINES + x) * 3;
                    if let Some(&[r, g, b]) = raw.get(o..o + 3) {
                        *co = table[usize::from(r)];
                        *mo = table[usize::from(g)];
                        *yo = table[usize::from(b)];
                    }
                }
            }
        }
    }
    [yv, mv, cv]
}

/// A frame-sized 1-bit plane (K or O) in the printer frame.
fn mono_plane(plane: &Bitplane) -> Vec<u8> {
    let dots = plane.dots();
    let mut values = vec![0u8; LINES * DOTS];
    for y0 in (0..DOTS).step_by(TILE) {
        let y1 = (y0 + TILE).min(DOTS);
        for (x, line) in values.chunks_exact_mut(DOTS).enumerate() {
            // Landscape rows y0..y1 land on dots DOTS-y1..DOTS-y0 of this line, reversed.
            let out = &mut line[DOTS - y1..DOTS - y0];
            for (o, y) in out.iter_mut().rev().zip(y0..y1) {
                *o = u8::from(dots[y * LINES + x]);
            }
        }
    }
    values
}

/// Columns and rows of the smallest box holding every pixel of a frame-sized RGB buffer that is
/// not pure white; `None` when all is white.
fn non_white_box(raw: &[u8]) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let row_bytes = LINES * 3;
    let (mut x0, mut x1) = (LINES, 0);
    let (mut y0, mut y1) = (DOTS, 0);
    for (y, row) in raw.chunks_exact(row_bytes).enumerate() {
        // An AND over the row (no early exit) compiles to wide vector instructions.
        if row.iter().fold(255, |acc, &b| acc & b) == 255 {
            continue;
        }
        let Some(first) = row.iter().position(|&b| b != 255) else {
            continue;
        };
        let last = row.iter().rposition(|&b| b != 255).unwrap_or(first);
        x0 = x0.min(first / 3);
        x1 = x1.max(last / 3 + 1);
        y0 = y0.min(y);
        y1 = y + 1;
    }
    (y1 > y0).then_some((x0..x1, y0..y1))
}

#[cfg(test)]
#[path = "panel_tests.rs"]
mod tests;
