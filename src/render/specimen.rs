//! Training mode: "SPECIMEN" across every card, large and diagonal, in the K
//! (resin black) panel so no training card can pass for a real one — on both sides and in the
//! preview. Applied to finished layers, after rendering, so it is independent of how the card
//! was drawn.
//!
//! The letters come from a built-in 5 × 7 block font (no font file to go missing): each cell
//! of a glyph is a square of the stamp, rotated along the card's diagonal.

use std::sync::OnceLock;

use cetak_drivers::printer::layers::{Bitplane, SideLayers, FRAME_HEIGHT, FRAME_WIDTH};
use image::{Rgba, RgbaImage};

use super::{RenderedCard, RenderedSide};

/// The word stamped on training cards.
pub const WORD: &str = "SPECIMEN";

/// Glyph rows, 5 cells wide, `#` = inked.
fn glyph(c: char) -> [&'static str; 7] {
    match c {
        'S' => [
            ".###.", "#...#", "#....", ".###.", "....#", "#...#", ".###.",
        ],
        'P' => [
            "####.", "#...#", "#...#", "####.", "#....", "#....", "#....",
        ],
        'E' => [
            "#####", "#....", "#....", "####.", "#....", "#....", "#####",
        ],
        'C' => [
            ".###.", "#...#", "#....", "#....", "#....", "#...#", ".###.",
        ],
        'I' => [
            ".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###.",
        ],
        'M' => [
            "#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#",
        ],
        'N' => [
            "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#", "#...#",
        ],
        _ => ["....."; 7],
    }
}

/// Whether the stamp inks the dot at (`x`, `y`) of a `width` × `height` frame.
pub fn inked(x: u32, y: u32, width: u32, height: u32) -> bool {
    let letters: Vec<[&str; 7]> = WORD.chars().map(glyph).collect();
    let cols = letters.len() as f64 * 6.0 - 1.0;
    let (w, h) = (f64::from(width), f64::from(height));
    // Along the rising diagonal, the word filling ~85 % of it.
    let diag = (w * w + h * h).sqrt();
    let cell = diag * 0.85 / cols;
    let (cos, sin) = (w / diag, -h / diag);
    let (dx, dy) = (f64::from(x) + 0.5 - w / 2.0, f64::from(y) + 0.5 - h / 2.0);
    let u = dx * cos + dy * sin + cols * cell / 2.0;
    let v = -dx * sin + dy * cos + 7.0 * cell / 2.0;
    if u < 0.0 || v < 0.0 {
        return false;
    }
    let (col, row) = ((u / cell) as usize, (v / cell) as usize);
    if row >= 7 || col % 6 == 5 {
        return false;
    }
    letters
        .get(col / 6)
        .and_then(|g| g[row].as_bytes().get(col % 6))
        .is_some_and(|&b| b == b'#')
}

/// The stamp for the printer frame, computed once.
pub fn mask() -> &'static Bitplane {
    static MASK: OnceLock<Bitplane> = OnceLock::new();
    MASK.get_or_init(|| {
        Bitplane::from_fn(FRAME_WIDTH, FRAME_HEIGHT, |x, y| {
            inked(x, y, FRAME_WIDTH, FRAME_HEIGHT)
        })
    })
}

/// Adds the stamp to a side's K plane (creating it if the side had no black).
pub fn stamp_layers(layers: &mut SideLayers) {
    let m = mask();
    let k = layers
        .k
        .get_or_insert_with(|| Bitplane::new(m.width(), m.height()));
    for y in 0..m.height().min(k.height()) {
        for x in 0..m.width().min(k.width()) {
            if m.get(x, y) {
                k.set(x, y, true);
            }
        }
    }
}

/// Paints the stamp black on a preview (same geometry as the K plane).
pub fn stamp_preview(preview: &mut RgbaImage) {
    let (w, h) = preview.dimensions();
    for (x, y, px) in preview.enumerate_pixels_mut() {
        if inked(x, y, w, h) {
            *px = Rgba([0, 0, 0, 255]);
        }
    }
}

/// Stamps one rendered side: K plane and preview.
pub fn stamp_side(side: &mut RenderedSide) {
    stamp_layers(&mut side.layers);
    stamp_preview(&mut side.preview);
}

/// Stamps both sides of a card.
pub fn stamp_card(card: &mut RenderedCard) {
    stamp_side(&mut card.front);
    stamp_side(&mut card.back);
}
