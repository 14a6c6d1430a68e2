//! Loading layouts: the shipped directory loads; a broken layout is refused at start-up with a
//! typed error naming the problem.

use cetak::messages::MessageText as _;
use std::path::Path;

use crate::support::render::layouts_dir;
use cetak::layout::{LayoutError, Layouts};

/// A copy of the shipped layouts in a temp dir, with `edit` applied to one file.
fn broken(file: &str, edit: impl Fn(String) -> String) -> Result<Layouts, LayoutError> {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&layouts_dir(), dir.path());
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edit(text)).unwrap();
    Layouts::load(dir.path())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn shipped_layouts_load_and_are_shareable() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Layouts>();
    let layouts = Layouts::load(&layouts_dir()).unwrap();
    for name in [
        "kia-0-5-front",
        "kia-5-17-front",
        "kia-back",
        "ktp-el-front",
        "ktp-el-back",
    ] {
        assert!(layouts.get(name).is_some(), "{name}");
    }
}

#[test]
fn unknown_manifest_key_is_refused() {
    let err = broken("kia-back.toml", |t| {
        t.replace("min_size = 16.0", "min_sise = 16.0")
    })
    .unwrap_err();
    assert!(matches!(err, LayoutError::Manifest { .. }), "{err}");
}

#[test]
fn unknown_field_key_is_refused() {
    let err = broken("kia-back.toml", |t| {
        t.replace("key = \"rt_rw\"", "key = \"rtrw\"")
    })
    .unwrap_err();
    assert!(
        matches!(err, LayoutError::Manifest { ref message, .. } if message.contains("rtrw")),
        "{err}"
    );
}

#[test]
fn missing_element_is_refused() {
    let err = broken("ktp-el-front.svg", |t| {
        t.replace("id=\"f-agama\"", "id=\"f-agama-x\"")
    })
    .unwrap_err();
    assert!(
        matches!(err, LayoutError::MissingElement { ref id, .. } if id == "f-agama"),
        "{err}"
    );
}

#[test]
fn transformed_field_is_refused() {
    let err = broken("ktp-el-front.svg", |t| {
        t.replace("id=\"f-agama\"", "id=\"f-agama\" transform=\"scale(2)\"")
    })
    .unwrap_err();
    assert!(
        matches!(err, LayoutError::Transformed { ref id, .. } if id == "f-agama"),
        "{err}"
    );
}

#[test]
fn group_without_role_is_refused() {
    let err = broken("kia-back.svg", |t| {
        t.replace(
            "</svg>",
            "<g id=\"stray\"><rect width=\"5\" height=\"5\"/></g></svg>",
        )
    })
    .unwrap_err();
    assert!(
        matches!(err, LayoutError::BadElement { ref id, .. } if id == "stray"),
        "{err}"
    );
}

#[test]
fn missing_font_is_refused() {
    let err = broken("kia-back.toml", |t| {
        t.replacen("Liberation Sans", "Comic Sans MS", 1)
    })
    .unwrap_err();
    assert!(
        matches!(err, LayoutError::FontMissing { ref family, .. } if family == "Comic Sans MS"),
        "{err}"
    );
}

#[test]
fn wrong_canvas_is_refused() {
    let err = broken("kia-back.svg", |t| {
        t.replacen("viewBox=\"0 0 1016 648\"", "viewBox=\"0 0 85.6 53.98\"", 1)
    })
    .unwrap_err();
    assert!(matches!(err, LayoutError::Canvas { .. }), "{err}");
}

#[test]
fn malformed_svg_is_refused() {
    let err = broken("kia-back.svg", |t| t.replacen("</g>", "</gg>", 1)).unwrap_err();
    assert!(matches!(err, LayoutError::Svg { .. }), "{err}");
    assert!(!err.message_id().is_empty());
}

#[test]
fn missing_layout_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&layouts_dir(), dir.path());
    std::fs::remove_file(dir.path().join("kia-back.toml")).unwrap();
    let err = Layouts::load(dir.path()).unwrap_err();
    assert!(
        matches!(err, LayoutError::MissingLayout { ref name } if name == "kia-back"),
        "{err}"
    );
}
