//! Panel conversion and compression per side, and bytes on the wire raw vs compressed for a
//! typical KIA side: mostly white (preprinted blangko), text and codes in K, a photo in colour.
//!
//! Run: `cargo bench -p cetak-drivers --bench panels` (figures are printed before the timings).
//! `Dbc` as the driver sends a card on a running printer: `Wcb;a` first (counted in the card's
//! total), then per panel the lines that must change (the back also covers what the front left
//! in the same bitmap).

use criterion::{criterion_group, Criterion};
use std::hint::black_box;

use cetak_drivers::printer::evolis::bitmaps::{planned_download, HeldLines};
use cetak_drivers::printer::evolis::commands::{
    ClearBitmap, Command, Download, DownloadCompressed,
};
use cetak_drivers::printer::layers::{Bitplane, SideLayers, FRAME_HEIGHT, FRAME_WIDTH};
use cetak_drivers::printer::panel::{side_panels, ColourLevels, PanelImage};

/// Deterministic noise so the "photo" compresses like a real one (not like a flat gradient).
fn noise(x: u32, y: u32) -> u32 {
    let mut h = x.wrapping_mul(0x9E37_79B9) ^ y.wrapping_mul(0x85EB_CA6B);
    h ^= h >> 13;
    h = h.wrapping_mul(0xC2B2_AE35);
    (h ^ (h >> 16)) & 0x0F
}

/// KIA 5–17 front: photo 2.5 × 3.2 cm at left, text fields and a QR code in K, overlay
/// everywhere but the chip window.
fn kia_front() -> SideLayers {
    let colour = image::RgbImage::from_fn(FRAME_WIDTH, FRAME_HEIGHT, |x, y| {
        if (40..335).contains(&x) && (150..528).contains(&y) {
            let n = noise(x, y);
            let face = ((x as i32 - 187).pow(2) + (y as i32 - 300).pow(2)) < 110 * 110;
            if face {
                image::Rgb([(205 + n) as u8, (160 + n) as u8, (130 + n) as u8])
            } else {
                image::Rgb([(200 + n) as u8, (20 + n) as u8, (25 + n) as u8]) // red background
            }
        } else {
            image::Rgb([255, 255, 255])
        }
    });
    let k = Bitplane::from_fn(FRAME_WIDTH, FRAME_HEIGHT, |x, y| {
        let text = (380..990).contains(&x) && (140..520).contains(&y) && (y - 140) % 42 < 24;
        let glyph = noise(x / 3, y / 4) < 5 && (x % 19) < 14;
        let qr = (860..990).contains(&x) && (520..640).contains(&y) && noise(x / 5, y / 5) < 8;
        (text && glyph) || qr
    });
    let overlay = Bitplane::from_fn(FRAME_WIDTH, FRAME_HEIGHT, |x, y| {
        !((90..230).contains(&x) && (20..130).contains(&y))
    });
    SideLayers {
        colour: Some(colour),
        k: Some(k),
        overlay: Some(overlay),
    }
}

/// KIA back: text only in K.
fn kia_back() -> SideLayers {
    let k = Bitplane::from_fn(FRAME_WIDTH, FRAME_HEIGHT, |x, y| {
        (60..960).contains(&x)
            && (80..560).contains(&y)
            && (y - 80) % 40 < 22
            && noise(x / 3, y / 4) < 5
    });
    SideLayers {
        colour: None,
        k: Some(k),
        overlay: None,
    }
}

/// Bytes on the wire for a side, raw (`Db`) and compressed (`Dbc` over the lines that must
/// change given what the bitmaps `held`, which then hold this side).
fn wire_bytes(panels: &[PanelImage], held: &mut HeldLines) -> (usize, usize) {
    let mut raw = 0;
    let mut packed = 0;
    for p in panels {
        let data = p.pack();
        raw += Download {
            panel: p.panel,
            levels: p.levels,
            data: &data,
        }
        .to_bytes()
        .len();
        if let Some((first_line, data)) = planned_download(held, p) {
            packed += DownloadCompressed {
                panel: p.panel,
                levels: p.levels,
                first_line,
                data: &data,
            }
            .to_bytes()
            .len();
        }
    }
    for p in panels {
        held.holds(p);
    }
    (raw, packed)
}

fn print_figures() {
    let front = side_panels(&kia_front(), ColourLevels::L32).expect("front");
    let back = side_panels(&kia_back(), ColourLevels::L32).expect("back");
    let mut held = HeldLines::cleared();
    let clear = ClearBitmap {
        panel: None,
        fill: None,
    }
    .wire_len();
    let (fr, fc) = wire_bytes(&front, &mut held);
    let (br, bc) = wire_bytes(&back, &mut held);
    println!(
        "bytes on the wire, KIA front (Y M C K O, 32 levels): raw {fr}, compressed {fc}, {:.1}x",
        fr as f64 / fc as f64
    );
    println!(
        "bytes on the wire, KIA back (K only): raw {br}, compressed {bc}, {:.1}x",
        br as f64 / bc as f64
    );
    println!(
        "bytes on the wire per card: raw {}, compressed {} (with Wcb;a), {:.1}x fewer; at 115200 baud: {:.0} s vs {:.0} s",
        fr + br,
        clear + fc + bc,
        (fr + br) as f64 / (clear + fc + bc) as f64,
        (fr + br) as f64 / 11_520.0,
        (clear + fc + bc) as f64 / 11_520.0
    );
}

fn benches(c: &mut Criterion) {
    let front = kia_front();
    let panels = side_panels(&front, ColourLevels::L32).expect("front");
    c.bench_function("kia_front/convert_to_panels", |b| {
        b.iter(|| side_panels(black_box(&front), ColourLevels::L32))
    });
    let held = HeldLines::cleared();
    let dbc = |p: &PanelImage| planned_download(&held, p).map_or(0, |d| d.1.len());
    c.bench_function("kia_front/compress_all_panels", |b| {
        b.iter(|| panels.iter().map(|p| dbc(black_box(p))).sum::<usize>())
    });
    c.bench_function("kia_front/convert_and_compress", |b| {
        b.iter(|| {
            side_panels(black_box(&front), ColourLevels::L32)
                .map(|ps| ps.iter().map(dbc).sum::<usize>())
        })
    });
    c.bench_function("kia_front/pack_raw", |b| {
        b.iter(|| panels.iter().map(|p| p.pack().len()).sum::<usize>())
    });
}

criterion_group!(group, benches);

fn main() {
    print_figures();
    group();
    Criterion::default().configure_from_args().final_summary();
}
