//! Rendering the three card designs with the shipped layouts: sizes, every field present and
//! inked, QR and barcode decodable, the preprinted background only in the preview, the overlay
//! clear over the chip contacts and signatures, and the PNG output.

use crate::support::render::{kia_0_5, kia_5_17, ktp_el, layouts};
use cetak::card::CardContent;
use cetak::layout::{Layout, Rect};
use cetak::render::{self, RenderedCard};
use cetak_drivers::printer::layers::{Bitplane, FRAME_HEIGHT, FRAME_WIDTH};
use resvg::usvg::roxmltree;
use rxing::BarcodeFormat;

fn cards() -> Vec<(&'static str, CardContent)> {
    vec![
        ("kia-0-5", kia_0_5()),
        ("kia-5-17", kia_5_17()),
        ("ktp-el", ktp_el()),
    ]
}

fn sides(content: &CardContent) -> [&'static Layout; 2] {
    layouts().for_design(content.design).unwrap()
}

fn ink_in(plane: &Bitplane, r: Rect) -> usize {
    let mut n = 0;
    for y in r.y.max(0.0) as u32..((r.y + r.height) as u32).min(plane.height()) {
        for x in r.x.max(0.0) as u32..((r.x + r.width) as u32).min(plane.width()) {
            n += usize::from(plane.get(x, y));
        }
    }
    n
}

fn blank(content: &CardContent) -> CardContent {
    let mut c = content.clone();
    c.fields.clear();
    c
}

/// Text content of the element `id` in an SVG document (tspans joined by a space).
fn text_of(svg: &str, id: &str) -> Option<String> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let node = doc.descendants().find(|n| n.attribute("id") == Some(id))?;
    let tspans: Vec<String> = node
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == "tspan")
        .map(|t| t.text().unwrap_or("").to_string())
        .collect();
    if tspans.is_empty() {
        Some(node.text().unwrap_or("").to_string())
    } else {
        Some(tspans.join(" "))
    }
}

#[test]
fn every_side_is_exactly_the_printer_frame() {
    for (name, content) in cards() {
        let card = render::render_card(&content, layouts()).unwrap();
        for side in [&card.front, &card.back] {
            assert_eq!(
                side.preview.dimensions(),
                (FRAME_WIDTH, FRAME_HEIGHT),
                "{name} {}",
                side.layout
            );
            if let Some(c) = &side.layers.colour {
                assert_eq!(c.dimensions(), (FRAME_WIDTH, FRAME_HEIGHT));
            }
            let k = side
                .layers
                .k
                .as_ref()
                .expect("every side prints text or codes in K");
            assert_eq!((k.width(), k.height()), (FRAME_WIDTH, FRAME_HEIGHT));
            let o = side
                .layers
                .overlay
                .as_ref()
                .expect("overlay on every shipped side");
            assert_eq!((o.width(), o.height()), (FRAME_WIDTH, FRAME_HEIGHT));
        }
    }
}

#[test]
fn every_field_is_in_the_svg_and_inks_its_box() {
    for (name, content) in cards() {
        let mut shown = std::collections::BTreeSet::new();
        for layout in sides(&content) {
            let svg = render::filled_svg(&content, layout, layouts()).unwrap();
            let full = render::render_layers(&content, layout, layouts()).unwrap();
            let empty = render::render_layers(&blank(&content), layout, layouts()).unwrap();
            let k_full = full.k.unwrap();
            let k_empty = empty
                .k
                .unwrap_or_else(|| Bitplane::new(FRAME_WIDTH, FRAME_HEIGHT));
            for spec in &layout.fields {
                let value = content.fields.get(&spec.key).cloned().unwrap_or_default();
                assert_eq!(
                    text_of(&svg, &spec.id).as_deref(),
                    Some(value.as_str()),
                    "{name}: {}",
                    spec.key
                );
                if !value.is_empty() {
                    let b = spec.ink_box();
                    let (with, without) = (ink_in(&k_full, b), ink_in(&k_empty, b));
                    assert!(
                        with > without + 20,
                        "{name}/{}: field {} adds no ink ({with} vs {without})",
                        layout.name,
                        spec.key
                    );
                }
                shown.insert(spec.key.clone());
            }
        }
        for key in content.fields.keys() {
            assert!(
                shown.contains(key),
                "{name}: field {key} is on neither side"
            );
        }
    }
}

fn luma_of_plane(plane: &Bitplane) -> Vec<u8> {
    plane.to_luma().into_raw()
}

fn crop(luma: &[u8], width: u32, r: Rect, margin: f32) -> (Vec<u8>, u32, u32) {
    let x0 = (r.x - margin).max(0.0) as u32;
    let y0 = (r.y - margin).max(0.0) as u32;
    let x1 = ((r.x + r.width + margin) as u32).min(width);
    let y1 = ((r.y + r.height + margin) as u32).min(luma.len() as u32 / width);
    let mut out = Vec::new();
    for y in y0..y1 {
        out.extend_from_slice(&luma[(y * width + x0) as usize..(y * width + x1) as usize]);
    }
    (out, x1 - x0, y1 - y0)
}

fn decode(luma: Vec<u8>, w: u32, h: u32, format: BarcodeFormat) -> String {
    rxing::helpers::detect_in_luma(luma, w, h, Some(format))
        .expect("decodes")
        .getText()
        .to_string()
}

#[test]
fn qr_code_and_barcode_decode_to_their_payloads() {
    for (name, content) in cards() {
        let card = render::render_card(&content, layouts()).unwrap();
        let back = sides(&content)[1];
        let qr_slot = back.qr.as_ref().expect("the back has the QR slot");
        let bar_slot = back
            .barcode
            .as_ref()
            .expect("the back has the barcode slot");
        let k = card.back.layers.k.as_ref().unwrap();
        let luma = luma_of_plane(k);
        let (q, qw, qh) = crop(&luma, FRAME_WIDTH, qr_slot.rect, 10.0);
        assert_eq!(
            decode(q, qw, qh, BarcodeFormat::QR_CODE),
            content.qr_payload.clone().unwrap(),
            "{name} QR from K"
        );
        let (b, bw, bh) = crop(&luma, FRAME_WIDTH, bar_slot.rect, 10.0);
        assert_eq!(
            decode(b, bw, bh, BarcodeFormat::CODE_128),
            content.barcode_payload.clone().unwrap(),
            "{name} barcode"
        );
        // The preview (over the preprinted background) scans too.
        let preview = image::DynamicImage::ImageRgba8(card.back.preview.clone())
            .to_luma8()
            .into_raw();
        let (q, qw, qh) = crop(&preview, FRAME_WIDTH, qr_slot.rect, 10.0);
        assert_eq!(
            decode(q, qw, qh, BarcodeFormat::QR_CODE),
            content.qr_payload.clone().unwrap(),
            "{name} QR preview"
        );
    }
}

#[test]
fn preprinted_background_is_only_in_the_preview() {
    for (name, content) in cards() {
        let card: RenderedCard = render::render_card(&content, layouts()).unwrap();
        for (side, layout) in [&card.front, &card.back].into_iter().zip(sides(&content)) {
            // The background covers the whole frame in the preview…
            let coloured = side
                .preview
                .pixels()
                .filter(|p| p.0[0] < 245 || p.0[1] < 245 || p.0[2] < 245)
                .count();
            assert!(
                coloured > (FRAME_WIDTH * FRAME_HEIGHT) as usize * 3 / 4,
                "{name}: preview lacks background ({coloured})"
            );
            // …but K holds only text and codes…
            let k = side.layers.k.as_ref().unwrap();
            assert!(
                k.count_set() < (FRAME_WIDTH * FRAME_HEIGHT) as usize / 5,
                "{name}: K has {} dots",
                k.count_set()
            );
            assert!(
                !(0..20).any(|y| (0..20).any(|x| k.get(x, y))),
                "{name}: K in the bleed corner"
            );
            // …and colour only the photo (white everywhere else).
            if let Some(colour) = &side.layers.colour {
                let photo = layout.photo.as_ref().map(|s| s.rect);
                for (x, y, p) in colour.enumerate_pixels() {
                    let in_photo =
                        photo.is_some_and(|r| r.contains(x as f32 + 0.5, y as f32 + 0.5));
                    assert!(
                        in_photo || p.0 == [255, 255, 255],
                        "{name}: colour at ({x},{y}) outside the photo"
                    );
                }
            }
        }
    }
    // KIA 0–5 has no colour element at all: the colour panel is not printed.
    let card = render::render_card(&kia_0_5(), layouts()).unwrap();
    assert!(card.front.layers.colour.is_none() && card.back.layers.colour.is_none());
}

#[test]
fn photo_is_cover_cropped_into_the_colour_layer() {
    let content = kia_5_17();
    let card = render::render_card(&content, layouts()).unwrap();
    let slot = sides(&content)[0].photo.as_ref().unwrap().rect;
    let colour = card.front.layers.colour.as_ref().unwrap();
    // Corners of the slot show the red background, the centre the face, and the slot is full.
    let px = |x: f32, y: f32| colour.get_pixel(x as u32, y as u32).0;
    let red = px(slot.x + 4.0, slot.y + 4.0);
    assert!(red[0] > 150 && red[1] < 80, "corner {red:?}");
    let face = px(slot.x + slot.width / 2.0, slot.y + slot.height * 0.38);
    assert!(face[0] > 180 && face[1] > 130, "face {face:?}");
    let br = px(slot.x + slot.width - 2.0, slot.y + slot.height - 2.0);
    assert_ne!(br, [255, 255, 255], "slot not filled to its corner");
    // The photo never reaches K.
    let k = card.front.layers.k.as_ref().unwrap();
    assert_eq!(ink_in(k, slot), 0);
}

#[test]
fn overlay_is_clear_over_chip_contacts_and_signatures() {
    let kia = render::render_card(&kia_5_17(), layouts()).unwrap();
    let kia_back = sides(&kia_5_17())[1];
    let overlay = kia.back.layers.overlay.as_ref().unwrap();
    let names: Vec<&str> = kia_back
        .overlay_mask_rects
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    // The shipped KIA back has no chip-contacts mask (KIA blangko have no chip by default; see
    // layouts/kia-back.toml); every mask a layout has is checked below.
    assert!(names.contains(&"official_signature"), "{names:?}");
    for (_, r) in &kia_back.overlay_mask_rects {
        assert_eq!(ink_in(overlay, *r), 0, "varnish inside a mask");
    }
    assert!(
        overlay.get(600, 100) && overlay.get(900, 600),
        "varnish elsewhere"
    );

    let ktp = render::render_card(&ktp_el(), layouts()).unwrap();
    let sig = sides(&ktp_el())[0].holder_signature.as_ref().unwrap().rect;
    let overlay = ktp.front.layers.overlay.as_ref().unwrap();
    assert_eq!(ink_in(overlay, sig), 0);
    assert!(overlay.count_set() > (FRAME_WIDTH * FRAME_HEIGHT) as usize * 9 / 10);
    // The signature itself is printed in K inside its slot.
    assert!(ink_in(ktp.front.layers.k.as_ref().unwrap(), sig) > 200);
}

#[test]
fn specimen_prints_across_the_card_in_k() {
    let mut content = ktp_el();
    let plain = render::render_card(&content, layouts()).unwrap();
    content.specimen = true;
    let marked = render::render_card(&content, layouts()).unwrap();
    for (a, b) in [(&plain.front, &marked.front), (&plain.back, &marked.back)] {
        let (ka, kb) = (a.layers.k.as_ref().unwrap(), b.layers.k.as_ref().unwrap());
        assert!(
            kb.count_set() > ka.count_set() + 5000,
            "{} → {}",
            ka.count_set(),
            kb.count_set()
        );
    }
}

#[test]
fn pngs_are_written_for_both_sides() {
    let dir = tempfile::tempdir().unwrap();
    let card = render::render_card(&kia_0_5(), layouts()).unwrap();
    let files = render::write_pngs(&card, dir.path()).unwrap();
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for side in ["front", "back"] {
        for layer in ["preview", "colour", "k", "overlay"] {
            let name = format!("{side}-{layer}.png");
            assert!(names.contains(&name), "{name} missing");
            let img = image::open(dir.path().join(&name)).unwrap();
            assert_eq!((img.width(), img.height()), (FRAME_WIDTH, FRAME_HEIGHT));
        }
    }
    // The K file round-trips to the same plane.
    let k = image::open(dir.path().join("front-k.png"))
        .unwrap()
        .to_luma8();
    assert_eq!(
        &Bitplane::from_luma(&k),
        card.front.layers.k.as_ref().unwrap()
    );
}

/// Writes the sample cards' PNGs for a person to look at:
/// `CETAK_RENDER_OUT=/tmp/cards cargo test --test render -- --ignored write_sample_cards`.
#[test]
#[ignore = "writes files for manual inspection"]
fn write_sample_cards() {
    let out = std::env::var_os("CETAK_RENDER_OUT")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    for (name, mut content) in cards() {
        render::write_pngs(
            &render::render_card(&content, layouts()).unwrap(),
            &out.join(name),
        )
        .unwrap();
        content.specimen = true;
        render::write_pngs(
            &render::render_card(&content, layouts()).unwrap(),
            &out.join(format!("{name}-specimen")),
        )
        .unwrap();
    }
}
