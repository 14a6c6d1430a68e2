//! Text handling: hostile text prints literally, long values shrink then wrap then fail with a
//! field-named error, unprintable characters are refused, the measurement never overflows, and
//! the fit check refuses content the layouts cannot show.

mod render_support;

use cetak::card::{field, CardContent};
use cetak::layout::FitError;
use cetak::render;
use render_support::{kia_0_5, kia_5_17, ktp_el, layouts, photo};
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

#[derive(Debug, PartialEq, PartialOrd, Clone, Copy)]
enum Outcome {
    Nominal,
    Shrunk,
    Wrapped,
    TooLong,
}

#[test]
fn a_long_name_shrinks_then_wraps_then_fails_naming_the_field() {
    let layout = layouts().get("kia-5-17-front").unwrap();
    let nama = layout
        .fields
        .iter()
        .position(|f| f.key == field::NAMA)
        .unwrap();
    let rule = layout.fields[nama].rule;
    assert_eq!(rule.lines, 2);
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
            Ok(f) if f[nama].lines.len() == 2 => {
                assert!(f[nama].size >= rule.min_size && f[nama].size <= rule.size);
                assert_eq!(f[nama].lines.join(" "), name);
                Outcome::Wrapped
            }
            Ok(f) if f[nama].size < rule.size => {
                assert!(f[nama].size >= rule.min_size);
                Outcome::Shrunk
            }
            Ok(_) => Outcome::Nominal,
            Err(e) => {
                assert_eq!(
                    e,
                    FitError::TooLong {
                        layout: layout.name.clone(),
                        field: "nama".into()
                    }
                );
                assert_eq!(e.field(), Some("nama"));
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
        if outcome == Outcome::Wrapped {
            let svg = render::filled_svg(&content, layout, layouts()).unwrap();
            assert_eq!(
                text_of(&svg, "f-nama"),
                name,
                "wrapped lines keep every word"
            );
        }
    }
    assert_eq!(
        seen,
        vec![
            Outcome::Nominal,
            Outcome::Shrunk,
            Outcome::Wrapped,
            Outcome::TooLong
        ]
    );
}

#[test]
fn a_single_line_field_fails_instead_of_wrapping() {
    let long = "MUHAMMAD RIZKY ANANDA PUTRA KUSUMA WARDHANA SETIABUDI NUGRAHA";
    let err = render::check_fit(&with_name(ktp_el(), long), layouts()).unwrap_err();
    assert_eq!(err.field(), Some("nama"));
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
