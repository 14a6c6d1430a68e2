//! Photos and signatures into their slots. The photo is cover-cropped (centred) to the slot's
//! aspect ratio; a signature is fitted inside its slot without cropping, and only its ink (dark
//! pixels) is drawn, so the paper white of a scanned signature never prints.

use image::imageops::FilterType;
use image::{DynamicImage, RgbaImage};
use resvg::tiny_skia::Pixmap;

use super::raster;
use crate::layout::{Panel, Rect};

/// Whole-dot size of a slot, at least 1 × 1.
fn slot_size(rect: Rect) -> (u32, u32) {
    (
        rect.width.round().max(1.0) as u32,
        rect.height.round().max(1.0) as u32,
    )
}

/// Draws `photo` cover-cropped into `rect`.
pub fn draw_photo(pixmap: &mut Pixmap, rect: Rect, photo: &DynamicImage) {
    let (tw, th) = slot_size(rect);
    let (sw, sh) = (photo.width().max(1), photo.height().max(1));
    let scale = (tw as f32 / sw as f32).max(th as f32 / sh as f32);
    let cw = ((tw as f32 / scale).round() as u32).clamp(1, sw);
    let ch = ((th as f32 / scale).round() as u32).clamp(1, sh);
    let cropped = photo.crop_imm((sw - cw) / 2, (sh - ch) / 2, cw, ch);
    let scaled = resize(&cropped, tw, th);
    raster::draw_image(
        pixmap,
        rect.x.round() as i64,
        rect.y.round() as i64,
        &scaled,
    );
}

/// Draws the ink of `signature` fitted and centred in `rect`: black on the K panel, in its own
/// colour on the colour panel.
pub fn draw_signature(pixmap: &mut Pixmap, rect: Rect, signature: &DynamicImage, panel: Panel) {
    let (tw, th) = slot_size(rect);
    let (sw, sh) = (signature.width().max(1), signature.height().max(1));
    let scale = (tw as f32 / sw as f32).min(th as f32 / sh as f32);
    let w = ((sw as f32 * scale).round() as u32).clamp(1, tw);
    let h = ((sh as f32 * scale).round() as u32).clamp(1, th);
    let scaled = resize(signature, w, h);
    let ink = RgbaImage::from_fn(w, h, |x, y| {
        let [r, g, b, a] = scaled.get_pixel(x, y).0;
        let luma = (u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000;
        let darkness = 255 - luma;
        let alpha = (darkness * u32::from(a) / 255) as u8;
        match panel {
            Panel::K => image::Rgba([0, 0, 0, alpha]),
            Panel::Colour => image::Rgba([r, g, b, alpha]),
        }
    });
    let x = rect.x.round() as i64 + i64::from((tw - w) / 2);
    let y = rect.y.round() as i64 + i64::from((th - h) / 2);
    raster::draw_image(pixmap, x, y, &ink);
}

/// Resizes to exactly `w` × `h`: a fast area average when shrinking (the usual case: photos
/// arrive larger than their slot), a triangle filter when enlarging.
fn resize(img: &DynamicImage, w: u32, h: u32) -> RgbaImage {
    if w <= img.width() && h <= img.height() {
        image::imageops::thumbnail(&img.to_rgba8(), w, h)
    } else {
        img.resize_exact(w, h, FilterType::Triangle).to_rgba8()
    }
}
