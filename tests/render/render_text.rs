//! Text handling: hostile text prints literally, long values shrink then wrap then fail with a
//! field-named error, unprintable characters are refused, the measurement never overflows, and
//! the fit check refuses content the layouts cannot show.

use crate::support::render::{kia_0_5, kia_5_17, ktp_el, layouts, photo, signature};
use cetak::card::{field, CardContent, CardDesign};
use cetak::layout::{Face, FitError, FitStep};
use cetak::layout::{Layout, Panel, Rect, CARD_HEIGHT, CARD_LEFT, CARD_TOP, CARD_WIDTH};
use cetak::messages::MessageText as _;
use cetak::render;
use cetak_drivers::printer::layers::Bitplane;
use resvg::usvg::{self, roxmltree};

fn text_of(svg: &str, id: &str) -> String {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let node = doc
        .descendants()
        .find(|n| n.attribute("id") == Some(id))
        .unwrap();
    let tspans: Vec<&str> = node
        .children()
        .filter(|c| c.is_element())
        .map(|t| t.text().unwrap_or(""))
        .collect();
    if tspans.is_empty() {
        node.text().unwrap_or("").to_string()
    } else {
        tspans.join(" ")
    }
}

fn with_name(mut content: CardContent, name: &str) -> CardContent {
    content
        .fields
        .insert(field::NAMA.to_string(), name.to_string());
    content
}

#[test]
fn hostile_text_renders_literally() {
    for hostile in [
        r#"<&"'>"#,
        "]]>",
        "&amp;",
        "<text id=\"x\">A</text>",
        "A  B   C",
        "<![CDATA[X]]>",
    ] {
        let content = with_name(ktp_el(), hostile);
        let front = layouts().get("ktp-el-front").unwrap();
        render::check_fit(&content, layouts()).unwrap();
        let svg = render::filled_svg(&content, front, layouts()).unwrap();
        assert_eq!(text_of(&svg, "f-nama"), hostile);
        // The document structure is unchanged: still exactly one element with that id, no new ids.
        let doc = roxmltree::Document::parse(&svg).unwrap();
        assert_eq!(
            doc.descendants()
                .filter(|n| n.attribute("id") == Some("x"))
                .count(),
            0
        );
        render::render_card(&content, layouts()).unwrap();
    }
}

/// The first fitting stage of `kia-5-17-front`'s name (steps wrap, shrink, tighten, condense)
/// that fits.
#[derive(Debug, PartialEq, PartialOrd, Clone, Copy)]
enum Outcome {
    Nominal,
    Wrapped,
    WrappedShrunk,
    WrappedTightened,
    Condensed,
    TooLong,
}

#[test]
fn a_long_name_wraps_then_shrinks_then_tightens_then_condenses_then_fails_naming_the_field() {
    let layout = layouts().get("kia-5-17-front").unwrap();
    let nama = layout
        .fields
        .iter()
        .position(|f| f.key == field::NAMA)
        .unwrap();
    let rule = layout.fields[nama].rule.clone();
    assert_eq!(rule.lines, 2);
    assert_eq!(
        rule.steps,
        [
            FitStep::Wrap,
            FitStep::Shrink,
            FitStep::Tighten,
            FitStep::Condense
        ]
    );
    let words = [
        "MUHAMMAD",
        "RIZKY",
        "ANANDA",
        "PUTRA",
        "KUSUMA",
        "WARDHANA",
        "SETIABUDI",
        "NUGRAHA",
    ];
    let mut name = String::new();
    let mut seen = Vec::new();
    for i in 0..40 {
        if !name.is_empty() {
            name.push(' ');
        }
        name.push_str(words[i % words.len()]);
        let content = with_name(kia_5_17(), &name);
        let outcome = match layout.fit_fields(&content, layouts().fonts()) {
            Ok(f) => {
                let f = &f[nama];
                assert!(f.size >= rule.min_size && f.size <= rule.size);
                assert!(f.letter_spacing >= rule.min_letter_spacing && f.letter_spacing <= 0.0);
                assert_eq!(f.lines.join(" "), name, "wrapped lines keep every word");
                match (
                    f.face,
                    f.lines.len(),
                    f.size < rule.size,
                    f.letter_spacing < 0.0,
                ) {
                    (Face::Condensed, ..) => Outcome::Condensed,
                    (Face::Regular, 1, false, false) => Outcome::Nominal,
                    (Face::Regular, 2, false, false) => Outcome::Wrapped,
                    (Face::Regular, 2, true, false) => Outcome::WrappedShrunk,
                    (Face::Regular, 2, true, true) => Outcome::WrappedTightened,
                    other => panic!("unexpected setting {other:?} at {} chars", name.len()),
                }
            }
            Err(e) => {
                assert_eq!(
                    e,
                    FitError::TooLong {
                        layout: layout.name.clone(),
                        field: "nama".into()
                    }
                );
                assert_eq!(e.field(), Some("nama"));
                assert_eq!(e.code(), "layout.text_no_fit");
                assert_eq!(render::check_fit(&content, layouts()), Err(e.clone()));
                assert!(
                    !e.message_id().contains("MUHAMMAD") && !e.message_en().contains("MUHAMMAD")
                );
                Outcome::TooLong
            }
        };
        if let Some(&last) = seen.last() {
            assert!(
                outcome >= last,
                "{outcome:?} after {last:?} at {} chars",
                name.len()
            );
        }
        if seen.last() != Some(&outcome) {
            seen.push(outcome);
        }
        if outcome != Outcome::TooLong && name.len() <= 60 {
            // Everything a name may be (60 characters) prints regular, on two lines.
            assert!(
                outcome <= Outcome::WrappedShrunk,
                "{outcome:?} at {}",
                name.len()
            );
        }
        if outcome == Outcome::Wrapped {
            let svg = render::filled_svg(&content, layout, layouts()).unwrap();
            assert_eq!(text_of(&svg, "f-nama"), name);
        }
    }
    assert_eq!(
        seen,
        vec![
            Outcome::Nominal,
            Outcome::Wrapped,
            Outcome::WrappedShrunk,
            Outcome::WrappedTightened,
            Outcome::Condensed,
            Outcome::TooLong
        ]
    );
}

#[test]
fn a_single_line_field_condenses_instead_of_wrapping() {
    let long = "MUHAMMAD RIZKY ANANDA PUTRA KUSUMA WARDHANA SETIABUDI NUGRAH";
    assert_eq!(long.len(), 60);
    let content = with_name(ktp_el(), long);
    render::check_fit(&content, layouts()).unwrap();
    let front = layouts().get("ktp-el-front").unwrap();
    let fitted = front.fit_fields(&content, layouts().fonts()).unwrap();
    let i = front.fields.iter().position(|f| f.key == "nama").unwrap();
    assert_eq!(fitted[i].lines.len(), 1);
    assert_eq!(fitted[i].face, Face::Condensed);
    let svg = render::filled_svg(&content, front, layouts()).unwrap();
    assert!(svg.contains("Liberation Sans Narrow"), "{svg}");
    // Sixty of the widest letter go past the floors: refused with the field named.
    let widest = format!("{} {}", "W".repeat(29), "W".repeat(30));
    let err = render::check_fit(&with_name(ktp_el(), &widest), layouts()).unwrap_err();
    assert_eq!(err.field(), Some("nama"));
    assert_eq!(err.code(), "layout.text_no_fit");
    assert!(matches!(err, FitError::TooLong { .. }));
}

#[test]
fn unprintable_characters_are_refused_with_the_field_named() {
    for (bad, cp) in [
        ("BUDI \u{1F600}", 0x1F600),
        ("BUDI\nSANTOSO", 0x0A),
        ("BUDI\u{7}", 0x07),
        ("\u{202E}IDUB", 0x202E),
    ] {
        let err = render::check_fit(&with_name(kia_0_5(), bad), layouts()).unwrap_err();
        assert_eq!(
            err,
            FitError::UnsupportedCharacter {
                layout: "kia-0-5-front".into(),
                field: "nama".into(),
                codepoint: cp
            },
            "{bad:?}"
        );
    }
    // Latin with diacritics is printable.
    render::check_fit(&with_name(kia_0_5(), "JOSÉ ÑUÑEZ"), layouts()).unwrap();
}

#[test]
fn measured_width_bounds_the_rendered_text() {
    let mut content = kia_5_17();
    content.fields.insert(
        field::NAMA.into(),
        "MUHAMMAD RIZKY ANANDA PUTRA KUSUMA".into(),
    );
    content.fields.insert(
        field::NAMA_KEPALA_KELUARGA.into(),
        "WAWAN AVIANTO WIJAYAKUSUMA".into(),
    );
    for layout in layouts().for_design(content.design).unwrap() {
        let svg = render::filled_svg(&content, layout, layouts()).unwrap();
        let tree = usvg::Tree::from_str(&svg, layouts().usvg_options()).unwrap();
        for spec in &layout.fields {
            if let Some(node) = tree.node_by_id(&spec.id) {
                let bbox = node.abs_bounding_box();
                assert!(
                    bbox.width() <= spec.rule.width + 0.5,
                    "{}: {} > {}",
                    spec.key,
                    bbox.width(),
                    spec.rule.width
                );
                let ink = spec.ink_box();
                assert!(
                    bbox.left() >= ink.x - 1.0 && bbox.right() <= ink.x + ink.width + 1.0,
                    "{}",
                    spec.key
                );
                assert!(
                    bbox.top() >= ink.y - 1.0 && bbox.bottom() <= ink.y + ink.height + 1.0,
                    "{}",
                    spec.key
                );
            }
        }
    }
}

#[test]
fn fit_check_refuses_what_the_layouts_cannot_show() {
    let mut no_photo = kia_5_17();
    no_photo.photo = None;
    assert_eq!(
        render::check_fit(&no_photo, layouts()),
        Err(FitError::MissingImage {
            layout: "kia-5-17-front".into(),
            slot: "photo".into()
        })
    );
    let mut stray_photo = kia_0_5();
    stray_photo.photo = Some(photo());
    assert!(
        matches!(render::check_fit(&stray_photo, layouts()), Err(FitError::NoSlot { item, .. }) if item == "photo")
    );

    let mut big_qr = ktp_el();
    big_qr.qr_payload = Some("X".repeat(2000));
    assert!(matches!(
        render::check_fit(&big_qr, layouts()),
        Err(FitError::QrTooLarge { bytes: 2000, .. })
    ));

    let mut accent = ktp_el();
    accent.barcode_payload = Some("NIK-É".into());
    assert_eq!(
        render::check_fit(&accent, layouts()),
        Err(FitError::BarcodeCharacter { codepoint: 0xC9 })
    );

    let mut long_bar = ktp_el();
    long_bar.barcode_payload = Some("ABCDEFGHIJ".repeat(8));
    assert!(matches!(
        render::check_fit(&long_bar, layouts()),
        Err(FitError::BarcodeTooLong { chars: 80, .. })
    ));

    // Rendering refuses the same content with the same error.
    assert!(matches!(
        render::render_card(&big_qr, layouts()),
        Err(render::RenderError::Fit(FitError::QrTooLarge { .. }))
    ));
}

#[test]
fn fitting_error_messages_exist_in_both_languages() {
    let err = FitError::TooLong {
        layout: "kia-5-17-front".into(),
        field: "nama".into(),
    };
    assert!(err.message_id().contains("terlalu panjang"));
    assert!(err.message_en().contains("does not fit"));
}

/// Values at the limits the job rules allow, per card field (synthetic people, real places).
fn long_values(key: &str) -> &'static [&'static str] {
    match key {
        "nama" | "nama_kepala_keluarga" => &[
            "MUHAMMAD RIZKY ANANDA PUTRA KUSUMA WARDHANA SETIABUDI NUGRAH",
            "MUHAMMAD WAHYU HIDAYAT MAHMUD WARDHANA MAHENDRA WIDODO MAWAN",
            "ANDI MUHAMMAD AMMAR WIDYA WARDHANA MAMBO MAHMUDAH UMAR WAHID",
            "I GUSTI AYU NGURAH MADE WIDHIASTUTI MAHADEWI KUSUMAWATI WIWI",
        ],
        "nama_kepala_dinas" => &[
            "PROF. DR. H. MUHAMMAD WAHYU HIDAYAT MAHMUD, S.H., M.SI., M.M",
            "ANDI MUHAMMAD AMMAR WIDYA WARDHANA MAMBO MAHMUDAH UMAR WAHID",
        ],
        "tempat_tgl_lahir" => &[
            "KEPULAUAN SIAU TAGULANDANG BIARO, 12-06-1990",
            "KABUPATEN PENUKAL ABAB LEMATANG ILIR MMW, 28-02-2011",
        ],
        "alamat" => &[
            "JL. KOMPLEK PERUMAHAN GRIYA PERMATA HIJAU BLOK AA-12 NO. 123 GANG MELATI WANGI RT 03 KEL SUKAMAJU BR",
            "JALAN MAYOR JENDERAL WAHYU WIDODO MUHAMMAD HATTA NOMOR 1234 BLOK WW KOMPLEK MAWAR MERAH MEKAR MAKMUR",
        ],
        "kel_desa" | "kecamatan" => &["MAMBERAMO RAYA WAROPEN MAMUJU MUARA EMIM"],
        "kabupaten_kota" | "tempat_terbit" => &[
            "KABUPATEN KEPULAUAN SIAU TAGULANDANG BIARO",
            "KABUPATEN MAMBERAMO RAYA WAROPEN MAMUJU MUARA EMIM",
        ],
        "provinsi" => &["PROVINSI MAMBERAMO RAYA WAROPEN MAMUJU MUARA EMIM"],
        "pekerjaan" => &["ANGGOTA DEWAN PERWAKILAN RAKYAT (DPR-RI)"],
        "no_akta" => &["WWWW-MMMM-2015-0117/KAB.BANYUMAS/MMMMMMM"],
        "nationality" => &["SAINT VINCENT AND THE GRENADINES", "KOREA, REPUBLIC OF"],
        "no_kitap" => &["2C11AB1234567890-XYZ/2026-MMWW"],
        "nik" => &["3302015708150003"],
        "jenis_kelamin" => &["PEREMPUAN", "LAKI-LAKI"],
        "gol_darah" => &["AB"],
        "agama" => &["KEPERCAYAAN TERHADAP TUHAN YME"],
        "status_perkawinan" => &["BELUM KAWIN"],
        "kewarganegaraan" => &["WNI"],
        "berlaku_hingga" => &["SEUMUR HIDUP", "30-09-2031"],
        "rt_rw" => &["003/007"],
        "no_kk" => &["3302010203100007"],
        "tanggal_terbit" => &["21-11-2026"],
        other => panic!("no long values for field {other}"),
    }
}

/// Every shipped layout, once, with a design that uses it.
fn every_layout() -> Vec<(CardDesign, &'static Layout)> {
    let mut out: Vec<(CardDesign, &'static Layout)> = Vec::new();
    for design in CardDesign::ALL {
        for name in design.layouts() {
            if !out.iter().any(|(_, l)| l.name == name) {
                out.push((design, layouts().get(name).unwrap()));
            }
        }
    }
    out
}

/// A card with only `fields` (no images, no codes).
fn only(design: CardDesign, fields: &[(&str, &str)]) -> CardContent {
    CardContent {
        design,
        fields: fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        photo: None,
        holder_signature: None,
        official_signature: None,
        qr_payload: None,
        barcode_payload: None,
        specimen: false,
    }
}

/// The K plane of `layout` with the card's fields; the layout's image slots get the same images
/// every time (required ones must be filled), so they cancel out of a difference.
fn k_plane(content: &CardContent, layout: &Layout) -> Bitplane {
    let mut content = content.clone();
    content.photo = layout.photo.as_ref().map(|_| photo());
    content.holder_signature = layout.holder_signature.as_ref().map(|_| signature());
    content.official_signature = layout.official_signature.as_ref().map(|_| signature());
    let layers = render::render_layers(&content, layout, layouts()).unwrap();
    layers.k.unwrap_or_else(|| Bitplane::new(1016, 648))
}

/// Rendered with only one field filled, a long value's ink (the K dots the empty card does not
/// have) lies inside the field's box, on every layout, for every field.
#[test]
fn the_ink_of_each_field_stays_inside_its_box() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (design, layout) in every_layout() {
        let base = k_plane(&only(design, &[]), layout);
        for spec in &layout.fields {
            assert_eq!(spec.panel, Panel::K, "{} {}", layout.name, spec.key);
            let b = spec.ink_box();
            for value in long_values(&spec.key) {
                let k = k_plane(&only(design, &[(&spec.key, value)]), layout);
                let (mut ink, mut outside) = (0, 0);
                let (mut lo_x, mut lo_y, mut hi_x, mut hi_y) = (u32::MAX, u32::MAX, 0, 0);
                for y in 0..k.height() {
                    for x in 0..k.width() {
                        if k.get(x, y) && !base.get(x, y) {
                            ink += 1;
                            (lo_x, lo_y, hi_x, hi_y) =
                                (lo_x.min(x), lo_y.min(y), hi_x.max(x), hi_y.max(y));
                            if !b.contains(x as f32 + 0.5, y as f32 + 0.5) {
                                outside += 1;
                            }
                        }
                    }
                }
                checked += 1;
                if ink == 0 || outside > 0 {
                    failures.push(format!(
                        "{} {} ({} chars): {ink} dots, {outside} outside; ink x {lo_x}..={hi_x} \
                         y {lo_y}..={hi_y}, box x {:.1}..{:.1} y {:.1}..{:.1}",
                        layout.name,
                        spec.key,
                        value.len(),
                        b.x,
                        b.x + b.width,
                        b.y,
                        b.y + b.height
                    ));
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} renders");
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The room the layouts promise: the boxes of a side's fields do not overlap each other, the
/// slots or the printed labels, and stay on the card.
#[test]
fn field_boxes_are_disjoint_and_clear_of_labels_and_slots() {
    let mut failures = Vec::new();
    for (design, layout) in every_layout() {
        let labels = k_plane(&only(design, &[]), layout);
        let boxes: Vec<_> = layout
            .fields
            .iter()
            .map(|f| (f.key.as_str(), f.ink_box()))
            .collect();
        let slots: Vec<(&str, Rect)> = [
            ("photo", layout.photo.as_ref().map(|s| s.rect)),
            (
                "holder_signature",
                layout.holder_signature.as_ref().map(|s| s.rect),
            ),
            (
                "official_signature",
                layout.official_signature.as_ref().map(|s| s.rect),
            ),
            ("qr", layout.qr.as_ref().map(|s| s.rect)),
            ("barcode", layout.barcode.as_ref().map(|s| s.rect)),
        ]
        .into_iter()
        .filter_map(|(n, r)| r.map(|r| (n, r)))
        .collect();
        let meet = |a: &Rect, b: &Rect| {
            a.x < b.x + b.width
                && b.x < a.x + a.width
                && a.y < b.y + b.height
                && b.y < a.y + a.height
        };
        for (i, (key, b)) in boxes.iter().enumerate() {
            let on_card = b.x >= CARD_LEFT
                && b.y >= CARD_TOP
                && b.x + b.width <= CARD_LEFT + CARD_WIDTH
                && b.y + b.height <= CARD_TOP + CARD_HEIGHT;
            if !on_card {
                failures.push(format!("{} {key}: box off the card {b:?}", layout.name));
            }
            for (other, o) in &boxes[i + 1..] {
                if meet(b, o) {
                    failures.push(format!("{} {key} overlaps {other}", layout.name));
                }
            }
            for (slot, r) in &slots {
                if meet(b, r) {
                    failures.push(format!("{} {key} overlaps slot {slot}", layout.name));
                }
            }
            let mut label_dots = 0;
            for y in (b.y.max(0.0) as u32)..((b.y + b.height) as u32).min(648) {
                for x in (b.x.max(0.0) as u32)..((b.x + b.width) as u32).min(1016) {
                    if labels.get(x, y) && b.contains(x as f32 + 0.5, y as f32 + 0.5) {
                        label_dots += 1;
                    }
                }
            }
            if label_dots > 0 {
                failures.push(format!(
                    "{} {key}: {label_dots} label dots in its box",
                    layout.name
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
