//! Ribbon panels in the printer's own frame, and the conversion from a landscape
//! [`SideLayers`] into them.
//!
//! Frame: 1016 lines × 648 dots; a line runs across the card's short edge, lines follow each
//! other along the long edge. Rotation chosen (documented in docs/printer.md): 90° clockwise,
//! i.e. frame `(line, dot)` shows landscape pixel `(x = line, y = 647 − dot)`: line 0 is the
//! card's left edge, dot 0 of each line its bottom edge.

use super::layers::{SideLayers, FRAME_HEIGHT, FRAME_WIDTH};

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
    let check = |layer, w, h| {
        if (w, h) == (FRAME_WIDTH, FRAME_HEIGHT) {
            Ok(())
        } else {
            Err(LayerSizeError {
                layer,
                width: w,
                height: h,
            })
        }
    };
    let mut panels = Vec::with_capacity(5);
    if let Some(rgb) = &layers.colour {
        check("colour", rgb.width(), rgb.height())?;
        let levels = colour.levels();
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
            check(name, plane.width(), plane.height())?;
            if plane.is_empty() {
                continue;
            }
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
            panels.push(PanelImage {
                panel,
                levels: 2,
                values,
            });
        }
    }
    Ok(panels)
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
mod tests {
    use super::*;
    use crate::printer::layers::Bitplane;

    #[test]
    fn quantise_round_trip_within_half_step() {
        for levels in [32u16, 64, 128] {
            let step = 255.0 / f64::from(levels - 1);
            for v in 0..=255u8 {
                let back = dequantise(quantise(v, levels), levels);
                assert!(
                    f64::from((i32::from(back) - i32::from(v)).abs()) <= step / 2.0 + 0.5,
                    "{levels} {v}"
                );
            }
            assert_eq!(quantise(0, levels), 0);
            assert_eq!(u16::from(quantise(255, levels)), levels - 1);
        }
    }

    #[test]
    fn pack_unpack_round_trip_every_depth() {
        for levels in [2u16, 32, 64, 128] {
            let mut img = PanelImage::blank(Panel::Cyan, levels);
            for (i, v) in img.values.iter_mut().enumerate() {
                *v = (i * 7 % levels as usize) as u8;
            }
            let packed = img.pack();
            assert_eq!(packed.len(), raw_size(levels).unwrap());
            assert_eq!(
                PanelImage::unpack(Panel::Cyan, levels, &packed).unwrap(),
                img
            );
        }
        assert_eq!(raw_size(2), Some(82_296));
        assert_eq!(raw_size(32), Some(411_480));
        assert_eq!(raw_size(64), Some(493_776));
        assert_eq!(raw_size(128), Some(576_072));
        assert!(PanelImage::unpack(Panel::Black, 2, &[0; 10]).is_none());
    }

    #[test]
    fn one_bit_packing_is_msb_first() {
        let mut img = PanelImage::blank(Panel::Black, 2);
        img.values[0] = 1;
        img.values[DOTS + 9] = 1;
        let p = img.pack();
        assert_eq!(p[0], 0x80);
        assert_eq!(p[81 + 1], 0x40);
    }

    #[test]
    fn rotation_and_empty_panels() {
        let mut layers = SideLayers::default();
        let mut k = Bitplane::new(FRAME_WIDTH, FRAME_HEIGHT);
        k.set(0, 0, true); // top-left corner of the landscape card
        k.set(1015, 647, true); // bottom-right
        layers.k = Some(k);
        layers.overlay = Some(Bitplane::new(FRAME_WIDTH, FRAME_HEIGHT));
        // Pure red: C = 0 (empty), M and Y full.
        layers.colour = Some(image::RgbImage::from_pixel(
            FRAME_WIDTH,
            FRAME_HEIGHT,
            image::Rgb([255, 0, 0]),
        ));
        let panels = side_panels(&layers, ColourLevels::L32).unwrap();
        let names: Vec<Panel> = panels.iter().map(|p| p.panel).collect();
        assert_eq!(names, vec![Panel::Yellow, Panel::Magenta, Panel::Black]);
        let k = &panels[2];
        assert_eq!(k.at(0, DOTS - 1), 1);
        assert_eq!(k.at(LINES - 1, 0), 1);
        assert_eq!(k.values.iter().filter(|&&v| v == 1).count(), 2);
        assert!(panels[0].values.iter().all(|&v| v == 31));
    }

    fn noise(x: u32, y: u32) -> u32 {
        let h =
            (x.wrapping_mul(0x9E37_79B9) ^ y.wrapping_mul(0x85EB_CA6B)).wrapping_mul(0xC2B2_AE35);
        h ^ (h >> 15)
    }

    /// `side_panels` against the definition, dot by dot.
    fn check_against_definition(layers: &SideLayers, depth: ColourLevels) {
        let panels = side_panels(layers, depth).unwrap();
        for p in &panels {
            for line in 0..LINES {
                for dot in 0..DOTS {
                    let (x, y) = landscape_xy(line, dot);
                    let rgb = layers.colour.as_ref().map(|c| c.get_pixel(x, y).0);
                    let [r, g, b] = rgb.unwrap_or([255; 3]);
                    let plane = |p: &Option<Bitplane>| p.as_ref().is_some_and(|p| p.get(x, y));
                    let want = match p.panel {
                        Panel::Yellow => quantise(255 - b, depth.levels()),
                        Panel::Magenta => quantise(255 - g, depth.levels()),
                        Panel::Cyan => quantise(255 - r, depth.levels()),
                        Panel::Black => u8::from(plane(&layers.k)),
                        Panel::Overlay => u8::from(plane(&layers.overlay)),
                    };
                    assert_eq!(p.at(line, dot), want, "{:?} {line} {dot}", p.panel);
                }
            }
        }
    }

    /// The tiled conversion against the definition on noisy layers covering the frame.
    #[test]
    fn side_panels_match_the_per_dot_definition() {
        let colour = image::RgbImage::from_fn(FRAME_WIDTH, FRAME_HEIGHT, |x, y| {
            let n = noise(x, y);
            image::Rgb([n as u8, (n >> 8) as u8, (n >> 16) as u8])
        });
        let layers = SideLayers {
            colour: Some(colour),
            k: Some(Bitplane::from_fn(FRAME_WIDTH, FRAME_HEIGHT, |x, y| {
                noise(x, y) % 3 == 0
            })),
            overlay: Some(Bitplane::from_fn(FRAME_WIDTH, FRAME_HEIGHT, |x, y| {
                noise(y, x) % 5 != 0
            })),
        };
        for depth in [ColourLevels::L32, ColourLevels::L64, ColourLevels::L128] {
            assert_eq!(side_panels(&layers, depth).unwrap().len(), 5);
            check_against_definition(&layers, depth);
        }
    }

    /// Only the box around non-white pixels is converted: a photo-sized block and lone dots
    /// at the frame's edges, on white.
    #[test]
    fn side_panels_convert_the_non_white_box() {
        for dots in [
            vec![(0, 0)],
            vec![(1015, 647)],
            vec![(3, 600), (900, 2)],
            vec![],
        ] {
            let colour = image::RgbImage::from_fn(FRAME_WIDTH, FRAME_HEIGHT, |x, y| {
                let n = noise(x, y);
                if (700..906).contains(&x) && (150..432).contains(&y) || dots.contains(&(x, y)) {
                    image::Rgb([n as u8 | 1, 255, (n >> 16) as u8])
                } else {
                    image::Rgb([255, 255, 255])
                }
            });
            let layers = SideLayers {
                colour: Some(colour),
                ..Default::default()
            };
            let panels = side_panels(&layers, ColourLevels::L32).unwrap();
            let names: Vec<Panel> = panels.iter().map(|p| p.panel).collect();
            assert_eq!(
                names,
                vec![Panel::Yellow, Panel::Cyan],
                "no magenta anywhere"
            );
            check_against_definition(&layers, ColourLevels::L32);
        }
        let white = SideLayers {
            colour: Some(image::RgbImage::from_pixel(
                FRAME_WIDTH,
                FRAME_HEIGHT,
                image::Rgb([255, 255, 255]),
            )),
            ..Default::default()
        };
        assert!(side_panels(&white, ColourLevels::L32).unwrap().is_empty());
    }

    #[test]
    fn wrong_size_is_refused() {
        let layers = SideLayers {
            k: Some(Bitplane::new(100, 100)),
            ..Default::default()
        };
        assert!(side_panels(&layers, ColourLevels::L32).is_err());
        assert!(side_panels(&SideLayers::default(), ColourLevels::L32)
            .unwrap()
            .is_empty());
    }
}
