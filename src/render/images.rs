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
    let (x0, y0) = ((sw - cw) / 2, (sh - ch) / 2);
    let scaled = if tw <= cw && th <= ch {
        // The usual case: photos arrive larger than their slot.
        shrink(photo, [x0, y0, cw, ch], tw, th)
    } else {
        resize(&photo.crop_imm(x0, y0, cw, ch), tw, th)
    };
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

/// Source pixels and weights (summing to 1) for each of `m` output pixels along an axis where
/// `n ≥ m` source pixels are shrunk: each output pixel covers `n / m` source pixels, the two at
/// its ends by their overlap.
fn box_weights(n: u32, m: u32) -> Vec<(usize, Vec<f32>)> {
    let scale = f64::from(n) / f64::from(m.max(1));
    (0..m)
        .map(|i| {
            let (start, end) = (f64::from(i) * scale, f64::from(i + 1) * scale);
            let first = start.floor() as usize;
            let last = (end.ceil() as usize).min(n as usize).max(first + 1);
            let weights = (first..last)
                .map(|j| ((end.min(j as f64 + 1.0) - start.max(j as f64)) / scale) as f32)
                .collect();
            (first, weights)
        })
        .collect()
}

/// Shrinks the region `[x, y, w, h]` of `img` to `tw × th` (at most the region's size) with an
/// area-average (box) filter, in two separable passes: each output pixel is the mean of the
/// source area it covers. Reads RGB and RGBA photos in place (no crop or conversion copy).
fn shrink(img: &DynamicImage, [x, y, w, h]: [u32; 4], tw: u32, th: u32) -> RgbaImage {
    let owned;
    let (raw, channels, stride) = match img {
        DynamicImage::ImageRgb8(rgb) => (rgb.as_raw().as_slice(), 3, rgb.width() as usize * 3),
        DynamicImage::ImageRgba8(rgba) => (rgba.as_raw().as_slice(), 4, rgba.width() as usize * 4),
        other => {
            owned = other.to_rgba8();
            (owned.as_raw().as_slice(), 4, owned.width() as usize * 4)
        }
    };
    let (tw_us, th_us) = (tw as usize, th as usize);
    let cols = box_weights(w, tw);
    let rows = box_weights(h, th);
    // Horizontal pass over the region's rows: h × tw RGBA in f32.
    let mut mid = vec![0f32; h as usize * tw_us * 4];
    for (r, mid_row) in mid.chunks_exact_mut(tw_us * 4).enumerate() {
        let row_start = (y as usize + r) * stride + x as usize * channels;
        let src = raw
            .get(row_start..row_start + w as usize * channels)
            .unwrap_or(&[]);
        for ((first, weights), out) in cols.iter().zip(mid_row.chunks_exact_mut(4)) {
            let mut acc = [0f32; 4];
            for (k, &wt) in weights.iter().enumerate() {
                let o = (first + k) * channels;
                if let Some(px) = src.get(o..o + channels) {
                    for c in 0..3 {
                        acc[c] += wt * f32::from(px[c]);
                    }
                    acc[3] += wt * px.get(3).map_or(255.0, |&a| f32::from(a));
                }
            }
            out.copy_from_slice(&acc);
        }
    }
    // Vertical pass.
    let mut out = vec![0u8; th_us * tw_us * 4];
    let mut acc = vec![0f32; tw_us * 4];
    for ((first, weights), out_row) in rows.iter().zip(out.chunks_exact_mut(tw_us * 4)) {
        acc.fill(0.0);
        for (k, &wt) in weights.iter().enumerate() {
            let start = (first + k) * tw_us * 4;
            if let Some(src) = mid.get(start..start + tw_us * 4) {
                for (a, &v) in acc.iter_mut().zip(src) {
                    *a += wt * v;
                }
            }
        }
        for (o, &a) in out_row.iter_mut().zip(&acc) {
            *o = (a + 0.5).clamp(0.0, 255.0) as u8;
        }
    }
    RgbaImage::from_raw(tw, th, out).unwrap_or_else(|| RgbaImage::new(tw, th))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_abs_diff(a: &RgbaImage, b: &RgbaImage) -> f64 {
        let sum: u64 = a
            .as_raw()
            .iter()
            .zip(b.as_raw())
            .map(|(&x, &y)| u64::from(x.abs_diff(y)))
            .sum();
        sum as f64 / a.as_raw().len() as f64
    }

    /// The box filter against `image`'s `thumbnail` (also an area average, without partial
    /// pixels at the edges): the same on an integer ratio, close on the sample photos.
    #[test]
    fn shrink_matches_the_reference_scaler() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/photos");
        for name in ["kia-5-17.jpg", "ktp-el.jpg"] {
            let photo = image::open(root.join(name)).unwrap();
            let (w, h) = (photo.width(), photo.height());
            for (tw, th) in [(w / 2, h / 2), (206, 282), (196, 264), (97, 41)] {
                let (tw, th) = (tw.min(w), th.min(h));
                let fast = shrink(&photo, [0, 0, w, h], tw, th);
                let reference = image::imageops::thumbnail(&photo.to_rgba8(), tw, th);
                let diff = mean_abs_diff(&fast, &reference);
                let limit = if (w % tw, h % th) == (0, 0) { 1.0 } else { 3.0 };
                assert!(diff <= limit, "{name} {tw}x{th}: mean difference {diff}");
            }
        }
        // A crop of a uniform image stays exactly uniform.
        let flat = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
            300,
            400,
            image::Rgb([200, 30, 7]),
        ));
        let out = shrink(&flat, [4, 9, 292, 391], 206, 282);
        assert!(out.pixels().all(|p| p.0 == [200, 30, 7, 255]));
    }

    /// The mean of the source area each output pixel covers, computed directly in f64.
    fn area_mean(img: &RgbaImage, [x, y, w, h]: [u32; 4], tw: u32, th: u32) -> RgbaImage {
        let (sx, sy) = (f64::from(w) / f64::from(tw), f64::from(h) / f64::from(th));
        RgbaImage::from_fn(tw, th, |ox, oy| {
            let (x0, x1) = (f64::from(ox) * sx, f64::from(ox + 1) * sx);
            let (y0, y1) = (f64::from(oy) * sy, f64::from(oy + 1) * sy);
            let mut acc = [0f64; 4];
            for j in y0.floor() as u32..(y1.ceil() as u32).min(h) {
                let wy = y1.min(f64::from(j + 1)) - y0.max(f64::from(j));
                for i in x0.floor() as u32..(x1.ceil() as u32).min(w) {
                    let wx = x1.min(f64::from(i + 1)) - x0.max(f64::from(i));
                    let px = img.get_pixel(x + i, y + j).0;
                    for c in 0..4 {
                        acc[c] += wx * wy * f64::from(px[c]);
                    }
                }
            }
            image::Rgba(acc.map(|a| (a / (sx * sy)).round().clamp(0.0, 255.0) as u8))
        })
    }

    /// The two-pass filter against the definition (within rounding), on a photo crop and on a
    /// signature's thin strokes.
    #[test]
    fn shrink_is_the_area_mean() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/photos");
        for (name, region, tw, th) in [
            ("kia-5-17.jpg", [4, 0, 292, 400], 206, 282),
            ("signature-holder.png", [0, 0, 300, 120], 97, 41),
            ("signature-head-of-office.png", [10, 5, 280, 110], 280, 37),
        ] {
            let photo = image::open(root.join(name)).unwrap();
            let fast = shrink(&photo, region, tw, th);
            let exact = area_mean(&photo.to_rgba8(), region, tw, th);
            for (a, b) in fast.as_raw().iter().zip(exact.as_raw()) {
                assert!(a.abs_diff(*b) <= 1, "{name}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn box_weights_cover_each_output_once() {
        for (n, m) in [(400, 282), (292, 206), (10, 10), (7, 3), (1, 1)] {
            let ws = box_weights(n, m);
            assert_eq!(ws.len(), m as usize);
            for (first, w) in &ws {
                assert!((w.iter().sum::<f32>() - 1.0).abs() < 1e-4, "{n}->{m}");
                assert!(first + w.len() <= n as usize);
            }
        }
    }
}
