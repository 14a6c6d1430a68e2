//! The images a printer receives for one card side: the boundary between rendering (in the
//! station) and panel encoding (in a printer protocol). Everything here is in the card's own
//! landscape orientation at 300 dpi; rotating into a printer's frame is the protocol's job.

use image::RgbImage;

/// Width of a side in dots: the long edge of an ID-1 card at 300 dpi, as the printer's frame.
pub const FRAME_WIDTH: u32 = 1016;
/// Height of a side in dots: the short edge.
pub const FRAME_HEIGHT: u32 = 648;

/// A 1-bit plane (K resin or overlay mask): `true` = ink / varnish on that dot.
#[derive(Clone, PartialEq, Eq)]
pub struct Bitplane {
    width: u32,
    height: u32,
    dots: Vec<bool>,
}

impl Bitplane {
    /// An empty (all clear) plane.
    pub fn new(width: u32, height: u32) -> Self {
        Bitplane {
            width,
            height,
            dots: vec![false; (width as usize) * (height as usize)],
        }
    }

    /// A plane where `f(x, y)` gives each dot.
    pub fn from_fn(width: u32, height: u32, mut f: impl FnMut(u32, u32) -> bool) -> Self {
        let mut plane = Bitplane::new(width, height);
        for y in 0..height {
            for x in 0..width {
                plane.set(x, y, f(x, y));
            }
        }
        plane
    }

    /// A plane from its dots row by row (`dots[y * width + x]`); `None` unless there are
    /// exactly `width × height` of them. The fast way in for a renderer that has a whole frame.
    pub fn from_dots(width: u32, height: u32, dots: Vec<bool>) -> Option<Self> {
        (dots.len() == (width as usize) * (height as usize)).then_some(Bitplane {
            width,
            height,
            dots,
        })
    }

    /// The dots row by row (`dots[y * width + x]`), for whole-plane conversions.
    pub fn dots(&self) -> &[bool] {
        &self.dots
    }

    /// Width in dots.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in dots.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Dot at (x, y); out of range reads as clear.
    pub fn get(&self, x: u32, y: u32) -> bool {
        x < self.width && y < self.height && self.dots[(y * self.width + x) as usize]
    }

    /// Sets a dot; out of range is ignored.
    pub fn set(&mut self, x: u32, y: u32, on: bool) {
        if x < self.width && y < self.height {
            self.dots[(y * self.width + x) as usize] = on;
        }
    }

    /// True when no dot is set: such a panel is not sent to the printer.
    pub fn is_empty(&self) -> bool {
        !self.dots.contains(&true)
    }

    /// Number of set dots.
    pub fn count_set(&self) -> usize {
        self.dots.iter().filter(|&&d| d).count()
    }

    /// As a greyscale image for files and previews: set = black (0), clear = white (255).
    pub fn to_luma(&self) -> image::GrayImage {
        image::GrayImage::from_fn(self.width, self.height, |x, y| {
            image::Luma([if self.get(x, y) { 0 } else { 255 }])
        })
    }

    /// From a greyscale image: dots darker than mid-grey are set.
    pub fn from_luma(img: &image::GrayImage) -> Self {
        Bitplane::from_fn(img.width(), img.height(), |x, y| {
            img.get_pixel(x, y).0[0] < 128
        })
    }
}

impl std::fmt::Debug for Bitplane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Bitplane({}x{}, {} set)",
            self.width,
            self.height,
            self.count_set()
        )
    }
}

/// What to print on one side. `None` (or an empty plane / an all-white colour layer) means the
/// panel is not printed on that side.
#[derive(Debug, Clone, Default)]
pub struct SideLayers {
    /// Dye-sublimation colour (Y, M, C derived from it); white = no dye.
    pub colour: Option<RgbImage>,
    /// Resin black: text, barcodes and QR codes that must stay crisp.
    pub k: Option<Bitplane>,
    /// Overlay varnish: set where varnish goes (clear over chip contacts, signature areas).
    pub overlay: Option<Bitplane>,
}

/// Which side of the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// Recto.
    Front,
    /// Verso.
    Back,
}
