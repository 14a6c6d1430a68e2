//! Pixel work on frame-sized pixmaps (premultiplied RGBA, as tiny-skia keeps them): crisp
//! rectangles, placed images, and the conversion of the panel pixmaps into printer layers and
//! the preview.

use cetak_drivers::printer::layers::Bitplane;
use image::{RgbImage, RgbaImage};
use resvg::tiny_skia::Pixmap;

/// Paints an axis-aligned rectangle of whole dots, opaque, clipped to the pixmap.
pub fn fill_rect(pixmap: &mut Pixmap, x: i64, y: i64, w: i64, h: i64, rgb: [u8; 3]) {
    let (pw, ph) = (i64::from(pixmap.width()), i64::from(pixmap.height()));
    let (x0, y0) = (x.clamp(0, pw), y.clamp(0, ph));
    let (x1, y1) = ((x + w).clamp(0, pw), (y + h).clamp(0, ph));
    let data = pixmap.data_mut();
    for yy in y0..y1 {
        for xx in x0..x1 {
            let i = ((yy * pw + xx) * 4) as usize;
            data[i..i + 4].copy_from_slice(&[rgb[0], rgb[1], rgb[2], 255]);
        }
    }
}

/// Draws a straight-alpha RGBA image with its top-left corner at (x, y), source-over.
pub fn draw_image(pixmap: &mut Pixmap, x: i64, y: i64, img: &RgbaImage) {
    let (pw, ph) = (i64::from(pixmap.width()), i64::from(pixmap.height()));
    let data = pixmap.data_mut();
    for (ix, iy, px) in img.enumerate_pixels() {
        let (dx, dy) = (x + i64::from(ix), y + i64::from(iy));
        if dx < 0 || dy < 0 || dx >= pw || dy >= ph {
            continue;
        }
        let [r, g, b, a] = px.0;
        if a == 0 {
            continue;
        }
        let i = ((dy * pw + dx) * 4) as usize;
        if a == 255 {
            // Opaque (a photo): source-over is a copy.
            data[i..i + 4].copy_from_slice(&[r, g, b, 255]);
            continue;
        }
        let a16 = u16::from(a);
        let inv = 255 - a16;
        for (c, src) in [r, g, b].into_iter().enumerate() {
            let premul = u16::from(src) * a16 / 255;
            data[i + c] = (premul + u16::from(data[i + c]) * inv / 255) as u8;
        }
        data[i + 3] = (a16 + u16::from(data[i + 3]) * inv / 255) as u8;
    }
}

/// The K plane: a dot wherever the K pixmap's coverage is at least 50 %. `None` when empty.
pub fn k_plane(pixmap: &Pixmap) -> Option<Bitplane> {
    let dots: Vec<bool> = pixmap.data().chunks_exact(4).map(|p| p[3] >= 128).collect();
    if !dots.contains(&true) {
        return None;
    }
    Bitplane::from_dots(pixmap.width(), pixmap.height(), dots)
}

/// The colour layer: the colour pixmap over white. `None` when nothing is painted.
pub fn colour_layer(pixmap: &Pixmap) -> Option<RgbImage> {
    let data = pixmap.data();
    // Unpainted pixels are all-zero (premultiplied, transparent) and give white; on a card on
    // preprinted blangko that is nearly every row, so whole rows are checked first.
    let blank = |bytes: &[u8]| bytes.iter().fold(0, |acc, &b| acc | b) == 0;
    if blank(data) {
        return None;
    }
    let row_in = pixmap.width() as usize * 4;
    let row_out = pixmap.width() as usize * 3;
    let mut out = vec![255u8; data.len() / 4 * 3];
    for (o_row, p_row) in out.chunks_exact_mut(row_out).zip(data.chunks_exact(row_in)) {
        if blank(p_row) {
            continue;
        }
        for (o, p) in o_row.chunks_exact_mut(3).zip(p_row.chunks_exact(4)) {
            let white = 255 - p[3];
            o[0] = p[0].saturating_add(white);
            o[1] = p[1].saturating_add(white);
            o[2] = p[2].saturating_add(white);
        }
    }
    RgbImage::from_raw(pixmap.width(), pixmap.height(), out)
}

/// The preview: preprinted background, then the colour panel, then K dots in black — what the
/// card looks like when it comes out of the printer.
pub fn preview(preprint: &Pixmap, colour: &Pixmap, k: Option<&Bitplane>) -> RgbaImage {
    let (w, h) = (preprint.width(), preprint.height());
    let mut out = Vec::with_capacity(preprint.data().len());
    let (bg_all, fg_all) = (preprint.data(), colour.data());
    for y in 0..h {
        let row = (y * w * 4) as usize..((y + 1) * w * 4) as usize;
        let (bg_row, fg_row) = (&bg_all[row.clone()], &fg_all[row]);
        for (x, (bg, fg)) in bg_row
            .chunks_exact(4)
            .zip(fg_row.chunks_exact(4))
            .enumerate()
        {
            if k.is_some_and(|k| k.get(x as u32, y)) {
                out.extend_from_slice(&[0, 0, 0, 255]);
                continue;
            }
            if fg[3] == 0 {
                out.extend_from_slice(&demultiply(bg));
                continue;
            }
            let inv = 255 - u16::from(fg[3]);
            let mut px = [0u8; 4];
            for c in 0..4 {
                px[c] = (u16::from(fg[c]) + u16::from(bg[c]) * inv / 255).min(255) as u8;
            }
            out.extend_from_slice(&demultiply(&px));
        }
    }
    RgbaImage::from_raw(w, h, out).unwrap_or_else(|| RgbaImage::new(w, h))
}

/// Premultiplied → straight alpha (the background is opaque, so this is usually a copy).
fn demultiply(px: &[u8]) -> [u8; 4] {
    let a = px[3];
    if a == 255 || a == 0 {
        return [px[0], px[1], px[2], a];
    }
    let d = |c: u8| (u16::from(c) * 255 / u16::from(a)).min(255) as u8;
    [d(px[0]), d(px[1]), d(px[2]), a]
}

#[cfg(test)]
mod tests {
    use super::*;
    use cetak_drivers::printer::layers::{FRAME_HEIGHT, FRAME_WIDTH};

    /// Source-over of straight-alpha pixels, opaque ones (the copy shortcut) included.
    #[test]
    fn draw_image_is_source_over() {
        let mut pixmap = Pixmap::new(40, 30).unwrap();
        fill_rect(&mut pixmap, 0, 0, 40, 15, [10, 200, 90]);
        let before = pixmap.data().to_vec();
        let img = RgbaImage::from_fn(20, 20, |x, y| {
            let a = [0, 255, 128, 1][(x % 4) as usize];
            image::Rgba([(x * 9) as u8, (y * 11) as u8, 200, a])
        });
        draw_image(&mut pixmap, 5, 5, &img);
        for y in 0..30u32 {
            for x in 0..40u32 {
                let i = ((y * 40 + x) * 4) as usize;
                let dst = &before[i..i + 4];
                let want: [u8; 4] = if (5..25).contains(&x) && (5..25).contains(&y) {
                    let [r, g, b, a] = img.get_pixel(x - 5, y - 5).0;
                    let (a16, inv) = (u16::from(a), 255 - u16::from(a));
                    let c =
                        |s: u8, d: u8| (u16::from(s) * a16 / 255 + u16::from(d) * inv / 255) as u8;
                    [
                        c(r, dst[0]),
                        c(g, dst[1]),
                        c(b, dst[2]),
                        (a16 + u16::from(dst[3]) * inv / 255) as u8,
                    ]
                } else {
                    [dst[0], dst[1], dst[2], dst[3]]
                };
                assert_eq!(&pixmap.data()[i..i + 4], &want, "{x} {y}");
            }
        }
    }

    /// K plane and colour layer against their per-pixel definitions, on a pixmap with opaque,
    /// half-transparent and unpainted pixels.
    #[test]
    fn layers_match_their_per_pixel_definitions() {
        let mut pixmap = Pixmap::new(FRAME_WIDTH, FRAME_HEIGHT).unwrap();
        assert!(k_plane(&pixmap).is_none() && colour_layer(&pixmap).is_none());
        fill_rect(&mut pixmap, 10, 20, 300, 40, [200, 10, 30]);
        let img = RgbaImage::from_fn(120, 90, |x, y| {
            image::Rgba([(x * 2) as u8, (y * 3) as u8, 77, ((x + y) * 2) as u8])
        });
        draw_image(&mut pixmap, 900, 600, &img);
        let data = pixmap.data();
        let k = k_plane(&pixmap).unwrap();
        let colour = colour_layer(&pixmap).unwrap();
        for y in 0..FRAME_HEIGHT {
            for x in 0..FRAME_WIDTH {
                let i = ((y * FRAME_WIDTH + x) * 4) as usize;
                let p = &data[i..i + 4];
                assert_eq!(k.get(x, y), p[3] >= 128, "{x} {y}");
                let white = 255 - p[3];
                let want = [0, 1, 2].map(|c| p[c].saturating_add(white));
                assert_eq!(colour.get_pixel(x, y).0, want, "{x} {y}");
            }
        }
    }
}
