//! Tests of `panel.rs`: quantisation, packing, rotation, and the fast conversion against the
//! per-dot definition.

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
    let h = (x.wrapping_mul(0x9E37_79B9) ^ y.wrapping_mul(0x85EB_CA6B)).wrapping_mul(0xC2B2_AE35);
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
