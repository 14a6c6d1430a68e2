//! Shared by the printer tests: fast emulators, driver options with short timeouts, synthetic
//! card sides.

use std::time::Duration;

use cetak_drivers::emulator::{Emulator, EmulatorConfig, PrintedSide};
use cetak_drivers::printer::layers::{Bitplane, SideLayers, FRAME_HEIGHT, FRAME_WIDTH};
use cetak_drivers::printer::EvolisOptions;

/// A fast emulator (no mechanical delays).
pub fn fast_emulator() -> Emulator {
    Emulator::new(EmulatorConfig {
        time_scale: 0.0,
        ..EmulatorConfig::default()
    })
}

/// Driver options with short timeouts so a failing test never hangs.
pub fn test_options() -> EvolisOptions {
    EvolisOptions {
        quick_timeout: Duration::from_millis(1500),
        mechanical_timeout: Duration::from_secs(10),
        ..EvolisOptions::default()
    }
}

/// A KIA-like front: white card, a photo-like gradient in a box, text-like K glyph rows, overlay
/// everywhere except a chip window.
pub fn synthetic_front() -> SideLayers {
    let colour = image::RgbImage::from_fn(FRAME_WIDTH, FRAME_HEIGHT, |x, y| {
        if (60..330).contains(&x) && (140..500).contains(&y) {
            image::Rgb([
                (x * 255 / 330) as u8,
                (y * 255 / 500) as u8,
                ((x + y) % 256) as u8,
            ])
        } else if y < 40 {
            image::Rgb([200, 30, 40]) // a coloured band
        } else {
            image::Rgb([255, 255, 255])
        }
    });
    let k = Bitplane::from_fn(FRAME_WIDTH, FRAME_HEIGHT, |x, y| {
        // "text": rows of glyph-like blocks with gaps, plus a barcode-like area
        let in_text = (400..980).contains(&x) && (120..560).contains(&y) && (y - 120) % 48 < 30;
        let glyph = (x / 3 + y / 5) % 7 < 3 && (x % 23) < 17;
        let barcode = (400..900).contains(&x) && (590..630).contains(&y) && (x * 7 / 5) % 3 == 0;
        (in_text && glyph) || barcode
    });
    let overlay = Bitplane::from_fn(FRAME_WIDTH, FRAME_HEIGHT, |x, y| {
        !((100..220).contains(&x) && (250..350).contains(&y))
    });
    SideLayers {
        colour: Some(colour),
        k: Some(k),
        overlay: Some(overlay),
    }
}

/// A back side with K text only (colour all white: no dye panels should be sent).
pub fn synthetic_back() -> SideLayers {
    let colour =
        image::RgbImage::from_pixel(FRAME_WIDTH, FRAME_HEIGHT, image::Rgb([255, 255, 255]));
    let k = Bitplane::from_fn(FRAME_WIDTH, FRAME_HEIGHT, |x, y| {
        (50..950).contains(&x) && (50..600).contains(&y) && (x ^ y) % 11 == 0
    });
    SideLayers {
        colour: Some(colour),
        k: Some(k),
        overlay: None,
    }
}

/// Checks the decoded panels against the layers: K and O dot for dot, Y/M/C within half a
/// quantisation step; and that no empty panel was sent.
pub fn assert_side_matches(printed: &PrintedSide, layers: &SideLayers, levels: u16) {
    if let Err(e) = cetak_drivers::emulator::verify::check_side(printed, layers, levels) {
        panic!("{e}");
    }
}
