//! What the printer's five panel bitmaps may still hold, so that a `Dbc` download covers
//! exactly the lines that must change and a card never shows a line of an earlier one.
//!
//! Guide facts (A5013 Rev. E): the printer keeps one bitmap per panel (for reprints); `Dbc`
//! writes whole lines from `first_line` on and says nothing of the other lines; `Wcb;p[;v]`
//! clears a bitmap (`a` = all five) but "can not be used between `Ss` … and `Se`" (error
//! recovery in `Pem;0` mode, the mode cetak leaves the printer in).
//!
//! So the driver clears every bitmap with `Wcb;a` before it opens a card's sequence, and only
//! when it knows no sequence is open (it has seen its own `Se` / `Ser` / `Seb` / `Srs`
//! answered). Then, per panel, it sends the lines from the first to the last line that is
//! inked in the new image *or may still be inked from before* (within the card: the front's
//! panel when the back uses the same one). Lines outside that range are white in the bitmap
//! already, whether the printer prints them from the bitmap or starts at `first_line`.
//! Without a clear (just connected, a sequence left open, `Wcb` refused), every line the
//! bitmap may hold is sent: on a fresh link that is every line of the panel.

use std::ops::Range;

use super::compress::compress_lines;
use crate::printer::panel::{Panel, PanelImage, DOTS, LINES};

/// Per panel, the lines of the printer's bitmap that may hold ink (`None`: all white).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldLines {
    held: [Option<Range<usize>>; 5],
}

fn index(panel: Panel) -> usize {
    match panel {
        Panel::Yellow => 0,
        Panel::Magenta => 1,
        Panel::Cyan => 2,
        Panel::Black => 3,
        Panel::Overlay => 4,
    }
}

fn hull(a: Range<usize>, b: Option<&Range<usize>>) -> Range<usize> {
    match b {
        Some(b) => a.start.min(b.start)..a.end.max(b.end),
        None => a,
    }
}

impl HeldLines {
    /// Nothing known (a printer just connected to): any line of any bitmap may hold ink.
    pub fn unknown() -> Self {
        HeldLines {
            held: std::array::from_fn(|_| Some(0..LINES)),
        }
    }

    /// After `Wcb;a` (no fill value): every bitmap is white.
    pub fn cleared() -> Self {
        HeldLines {
            held: std::array::from_fn(|_| None),
        }
    }

    /// Lines of `panel`'s bitmap that may hold ink.
    pub fn held(&self, panel: Panel) -> Option<Range<usize>> {
        self.held[index(panel)].clone()
    }

    /// The lines a download of `img` must cover so that the bitmap ends up equal to `img`:
    /// from the first to the last line inked in `img` or possibly inked in the bitmap.
    /// `None` when neither has ink (nothing to send).
    pub fn lines_for(&self, img: &PanelImage) -> Option<Range<usize>> {
        let held = self.held[index(img.panel)].as_ref();
        match inked_lines(img) {
            Some(inked) => Some(hull(inked, held)),
            None => held.cloned(),
        }
    }

    /// A download of `lines` has been sent and may have been taken in part: those lines may
    /// now hold old or new ink.
    pub fn sending(&mut self, panel: Panel, lines: Range<usize>) {
        let slot = &mut self.held[index(panel)];
        *slot = Some(hull(lines, slot.as_ref()));
    }

    /// A download that covered [`HeldLines::lines_for`] was accepted: the bitmap now holds
    /// `img`, so ink only on `img`'s inked lines.
    pub fn holds(&mut self, img: &PanelImage) {
        self.held[index(img.panel)] = inked_lines(img);
    }
}

/// The first to the last line of `img` with a dot of ink; `None` for a white panel.
pub fn inked_lines(img: &PanelImage) -> Option<Range<usize>> {
    // An OR over each line (no early exit) compiles to wide vector instructions.
    let inked = |line: &[u8]| line.iter().fold(0, |acc, &v| acc | v) != 0;
    let mut lines = img.values.chunks_exact(DOTS);
    let first = lines.position(inked)?;
    let last = img
        .values
        .chunks_exact(DOTS)
        .rposition(inked)
        .unwrap_or(first);
    Some(first..last + 1)
}

/// A `Dbc` download of `img` given what the bitmap holds: `(first_line, data)`; `None` when
/// there is nothing to send.
pub fn planned_download(held: &HeldLines, img: &PanelImage) -> Option<(usize, Vec<u8>)> {
    let lines = held.lines_for(img)?;
    Some((lines.start, compress_lines(img, lines)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printer::evolis::compress::decompress_into;

    fn panel_with(panel: Panel, levels: u16, lines: Range<usize>) -> PanelImage {
        let mut img = PanelImage::blank(panel, levels);
        for line in lines {
            img.values[line * DOTS + (line * 7) % DOTS] = 1;
        }
        img
    }

    #[test]
    fn inked_lines_are_first_to_last() {
        assert_eq!(inked_lines(&PanelImage::blank(Panel::Black, 2)), None);
        let img = panel_with(Panel::Black, 2, 5..6);
        assert_eq!(inked_lines(&img), Some(5..6));
        let mut img = panel_with(Panel::Cyan, 32, 0..1);
        img.values[LINES * DOTS - 1] = 3;
        assert_eq!(inked_lines(&img), Some(0..LINES));
    }

    #[test]
    fn a_download_leaves_the_bitmap_equal_to_the_image_whatever_it_held() {
        // The printer's bitmap holds a big image (card A); the new one is small (card B).
        let big = panel_with(Panel::Black, 2, 10..900);
        let small = panel_with(Panel::Black, 2, 400..420);
        for (held, expect) in [
            (HeldLines::unknown(), 0..LINES),
            (HeldLines::cleared(), 400..420),
            (
                {
                    let mut h = HeldLines::cleared();
                    h.holds(&big);
                    h
                },
                10..900,
            ),
        ] {
            let mut printer = if held == HeldLines::cleared() {
                PanelImage::blank(Panel::Black, 2)
            } else {
                big.clone()
            };
            let (first, data) = planned_download(&held, &small).unwrap();
            let written = decompress_into(&mut printer, 2, first, &data).unwrap();
            assert_eq!(written, expect);
            assert_eq!(printer, small);
            let mut after = held.clone();
            after.sending(Panel::Black, written);
            after.holds(&small);
            assert_eq!(after.held(Panel::Black), Some(400..420));
        }
    }

    #[test]
    fn a_failed_download_widens_what_the_bitmap_may_hold() {
        let mut h = HeldLines::cleared();
        h.holds(&panel_with(Panel::Overlay, 2, 100..200));
        h.sending(Panel::Overlay, 50..120);
        assert_eq!(h.held(Panel::Overlay), Some(50..200));
        assert_eq!(h.held(Panel::Yellow), None);
    }
}
