//! Draws the synthetic sample photos and signatures in `examples/photos/`: cartoon faces on the
//! background the birth-year rule asks for, and scribbled signatures. Nothing here is a real
//! person. Run from the repository root:
//!
//! ```text
//! cargo run --example gen_samples
//! ```
//!
//! `tests/job/job_samples.rs` checks the committed files still follow the rules (size, format,
//! background), so regenerating them is optional.

use std::error::Error;
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage, Rgba, RgbaImage};

const RED: [u8; 3] = [200, 30, 40];
const BLUE: [u8; 3] = [30, 90, 200];

fn fill_ellipse(img: &mut RgbImage, cx: f32, cy: f32, rx: f32, ry: f32, c: [u8; 3]) {
    let (w, h) = img.dimensions();
    for y in 0..h {
        for x in 0..w {
            let dx = (x as f32 - cx) / rx;
            let dy = (y as f32 - cy) / ry;
            if dx * dx + dy * dy <= 1.0 {
                img.put_pixel(x, y, Rgb(c));
            }
        }
    }
}

fn fill_rect(img: &mut RgbImage, x0: u32, y0: u32, x1: u32, y1: u32, c: [u8; 3]) {
    for y in y0..y1.min(img.height()) {
        for x in x0..x1.min(img.width()) {
            img.put_pixel(x, y, Rgb(c));
        }
    }
}

/// Thick stroke along points of a curve.
fn stroke(img: &mut RgbImage, pts: impl Iterator<Item = (f32, f32)>, r: f32, c: [u8; 3]) {
    for (x, y) in pts {
        fill_ellipse_local(img, x, y, r, c);
    }
}

fn fill_ellipse_local(img: &mut RgbImage, cx: f32, cy: f32, r: f32, c: [u8; 3]) {
    let (w, h) = img.dimensions();
    let x0 = (cx - r).max(0.0) as u32;
    let y0 = (cy - r).max(0.0) as u32;
    for y in y0..((cy + r + 1.0) as u32).min(h) {
        for x in x0..((cx + r + 1.0) as u32).min(w) {
            let dx = x as f32 - cx;
            let dy = y as f32 - cy;
            if dx * dx + dy * dy <= r * r {
                img.put_pixel(x, y, Rgb(c));
            }
        }
    }
}

struct Face {
    background: [u8; 3],
    skin: [u8; 3],
    hair: [u8; 3],
    shirt: [u8; 3],
    /// Long hair (drawn below the ears) or short.
    long_hair: bool,
    /// Relative size of the head: children have bigger heads in the frame.
    head: f32,
}

/// A 300×400 passport-style cartoon.
fn draw_face(f: &Face) -> RgbImage {
    let (w, h) = (300u32, 400u32);
    let mut img = RgbImage::from_pixel(w, h, Rgb(f.background));
    let cx = w as f32 / 2.0;
    let s = f.head;
    // Shoulders and shirt.
    fill_ellipse(&mut img, cx, 420.0, 150.0, 110.0, f.shirt);
    // Collar.
    stroke(
        &mut img,
        (0..40).map(|i| {
            let t = i as f32 / 39.0;
            (cx - 40.0 + 40.0 * t, 312.0 + 30.0 * t)
        }),
        4.0,
        [240, 240, 240],
    );
    stroke(
        &mut img,
        (0..40).map(|i| {
            let t = i as f32 / 39.0;
            (cx + 40.0 - 40.0 * t, 312.0 + 30.0 * t)
        }),
        4.0,
        [240, 240, 240],
    );
    // Neck.
    fill_rect(
        &mut img,
        (cx - 28.0) as u32,
        250,
        (cx + 28.0) as u32,
        320,
        f.skin,
    );
    // Hair behind the head.
    let hair_bottom = if f.long_hair { 290.0 } else { 190.0 };
    fill_ellipse(&mut img, cx, 165.0, 98.0 * s, 110.0 * s, f.hair);
    if f.long_hair {
        fill_rect(
            &mut img,
            (cx - 98.0 * s) as u32,
            165,
            (cx + 98.0 * s) as u32,
            hair_bottom as u32,
            f.hair,
        );
    }
    // Ears and face.
    fill_ellipse(&mut img, cx - 86.0 * s, 185.0, 14.0 * s, 22.0 * s, f.skin);
    fill_ellipse(&mut img, cx + 86.0 * s, 185.0, 14.0 * s, 22.0 * s, f.skin);
    fill_ellipse(&mut img, cx, 185.0, 85.0 * s, 100.0 * s, f.skin);
    // Fringe.
    fill_ellipse(&mut img, cx, 110.0, 80.0 * s, 38.0 * s, f.hair);
    // Eyes, brows, nose, mouth.
    let eye_y = 175.0;
    for dx in [-32.0, 32.0] {
        fill_ellipse(
            &mut img,
            cx + dx * s,
            eye_y,
            12.0 * s,
            8.0 * s,
            [250, 250, 250],
        );
        fill_ellipse(&mut img, cx + dx * s, eye_y, 6.0 * s, 6.0 * s, [40, 30, 25]);
        stroke(
            &mut img,
            (0..20).map(|i| {
                let t = i as f32 / 19.0 - 0.5;
                (
                    cx + (dx + 28.0 * t) * s,
                    eye_y - 22.0 * s - 4.0 * (1.0 - 4.0 * t * t),
                )
            }),
            2.5,
            f.hair,
        );
    }
    let nose = [
        f.skin[0].saturating_sub(40),
        f.skin[1].saturating_sub(45),
        f.skin[2].saturating_sub(40),
    ];
    fill_ellipse(&mut img, cx, 208.0, 7.0 * s, 5.0 * s, nose);
    stroke(
        &mut img,
        (0..40).map(|i| {
            let a = std::f32::consts::PI * (0.15 + 0.7 * i as f32 / 39.0);
            (cx + 30.0 * s * a.cos(), 225.0 + 14.0 * s * a.sin())
        }),
        3.0,
        [150, 50, 50],
    );
    img
}

/// A scribbled signature on a transparent background.
fn draw_signature(seed: f32) -> RgbaImage {
    let (w, h) = (300u32, 120u32);
    let mut img = RgbaImage::from_pixel(w, h, Rgba([255, 255, 255, 0]));
    let ink = Rgba([20, 30, 90, 255]);
    let n = 900;
    for i in 0..n {
        let t = i as f32 / n as f32;
        let x = 20.0 + 250.0 * t + 14.0 * (t * 40.0 + seed).cos();
        let y =
            60.0 + 28.0 * (t * 9.0 + seed).sin() * (1.0 - 0.6 * t) + 12.0 * (t * 40.0 + seed).sin();
        let r = 2.2;
        for yy in (y - r) as i32..=(y + r) as i32 {
            for xx in (x - r) as i32..=(x + r) as i32 {
                let d = (xx as f32 - x).powi(2) + (yy as f32 - y).powi(2);
                if d <= r * r && xx >= 0 && yy >= 0 && (xx as u32) < w && (yy as u32) < h {
                    img.put_pixel(xx as u32, yy as u32, ink);
                }
            }
        }
    }
    // Underline flourish.
    for i in 0..200 {
        let t = i as f32 / 200.0;
        let x = 40.0 + 220.0 * t;
        let y = 100.0 - 6.0 * (t * 3.0).sin();
        for dy in -1..=1 {
            let (xx, yy) = (x as u32, (y as i32 + dy) as u32);
            if xx < w && yy < h {
                img.put_pixel(xx, yy, ink);
            }
        }
    }
    img
}

fn save_jpeg(img: &RgbImage, path: &Path) -> Result<(), Box<dyn Error>> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 80).encode_image(img)?;
    std::fs::write(path, &out)?;
    println!("{} ({} bytes)", path.display(), out.len());
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let dir = Path::new("examples/photos");
    std::fs::create_dir_all(dir)?;
    // KIA 5–17 sample: boy born 2015 (odd year: red).
    save_jpeg(
        &draw_face(&Face {
            background: RED,
            skin: [225, 180, 140],
            hair: [30, 25, 20],
            shirt: [245, 245, 245],
            long_hair: false,
            head: 1.05,
        }),
        &dir.join("kia-5-17.jpg"),
    )?;
    // KTP-el sample: woman born 1990 (even year: blue).
    save_jpeg(
        &draw_face(&Face {
            background: BLUE,
            skin: [200, 150, 115],
            hair: [45, 30, 25],
            shirt: [60, 70, 90],
            long_hair: true,
            head: 0.95,
        }),
        &dir.join("ktp-el.jpg"),
    )?;
    // A photo with the wrong background for a 2015 birth (blue), for the warning tests.
    save_jpeg(
        &draw_face(&Face {
            background: BLUE,
            skin: [225, 180, 140],
            hair: [30, 25, 20],
            shirt: [245, 245, 245],
            long_hair: false,
            head: 1.05,
        }),
        &dir.join("kia-5-17-wrong-background.jpg"),
    )?;
    for (name, seed) in [
        ("signature-holder.png", 0.7f32),
        ("signature-head-of-office.png", 2.1),
    ] {
        let path = dir.join(name);
        draw_signature(seed).save(&path)?;
        println!(
            "{} ({} bytes)",
            path.display(),
            std::fs::metadata(&path)?.len()
        );
    }
    Ok(())
}
