//! Loading one layout: manifest + SVG → a checked template, field and slot specs, and the parts
//! that are the same on every card (preview background, overlay plane) rendered once.

use std::collections::HashMap;
use std::sync::Arc;

use cetak_drivers::printer::layers::{Side, FRAME_HEIGHT, FRAME_WIDTH};
use resvg::tiny_skia::{Color, Pixmap, Transform};
use resvg::usvg;
use xmltree::Element;

use super::bake::BakeInput;
use super::error::LayoutError;
use super::fields::{check_field_entry, take_field};
use super::fonts::FontSet;
use super::manifest::{Manifest, SideName};
use super::source::LayoutSource;
use super::svg;
use super::{BarcodeSlot, FieldSpec, ImageSlot, Layout, Panel, QrSlot, Rect};

/// Renderer options shared by every render: only the shipped fonts, 300 dpi (so `pt` and `mm`
/// in a template mean physical sizes), and no access to files named in a template.
pub(super) fn usvg_options(fonts: &FontSet) -> usvg::Options<'static> {
    let mut options = usvg::Options {
        dpi: 300.0,
        font_family: "Liberation Sans".to_string(),
        fontdb: fonts.database(),
        ..usvg::Options::default()
    };
    options.image_href_resolver.resolve_string = Box::new(|_, _| None);
    options
}

/// Parses and renders a document onto a frame-sized pixmap (over white if `white`).
pub(crate) fn render_doc(
    root: &Element,
    options: &usvg::Options,
    white: bool,
) -> Result<Pixmap, String> {
    let text = svg::to_string(root)?;
    let tree = usvg::Tree::from_str(&text, options).map_err(|e| e.to_string())?;
    let mut pixmap = Pixmap::new(FRAME_WIDTH, FRAME_HEIGHT).ok_or("cannot allocate a pixmap")?;
    if white {
        pixmap.fill(Color::WHITE);
    }
    resvg::render(&tree, Transform::identity(), &mut pixmap.as_mut());
    Ok(pixmap)
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    PreviewOnly,
    K,
    Colour,
    OverlayMask,
}

/// Loads the layout whose manifest is the top-level file `manifest_name` of `source`.
pub(super) fn load_layout(
    source: &LayoutSource,
    manifest_name: &str,
    fonts: &FontSet,
    options: &Arc<usvg::Options<'static>>,
) -> Result<Layout, LayoutError> {
    let path = source.path(manifest_name);
    let bad_manifest = |message: String| LayoutError::Manifest {
        path: path.clone(),
        message,
    };
    let manifest = read_manifest(source, manifest_name, &bad_manifest)?;
    let name = manifest.name.clone();
    let bytes = source.read(&manifest.svg)?;
    let mut root = Element::parse(&bytes[..]).map_err(|e| LayoutError::Svg {
        layout: name.clone(),
        message: e.to_string(),
    })?;
    check_canvas(&root, &name)?;
    let roles = roles(&manifest, &root, &name, &bad_manifest)?;

    let mut fields: Vec<FieldSpec> = Vec::new();
    for entry in &manifest.fields {
        let rule = check_field_entry(entry, &fields, fonts, &name, &bad_manifest)?;
        fields.push(take_field(&mut root, entry, rule, &roles, &name)?);
    }
    let slots = take_slots(&mut root, &manifest, &roles, &name)?;
    let overlay_mask_rects = overlay_mask_rects(&manifest, &slots, &bad_manifest)?;

    let svg_err = |message: String| LayoutError::Svg {
        layout: name.clone(),
        message,
    };
    let template = svg::with_top_level(&root, |id| {
        matches!(roles.get(id), Some(Role::K | Role::Colour))
    });
    // Fail now, not on the first card, if the printable part does not parse (drawing it waits
    // for its first use: see `Layout::baked`).
    usvg::Tree::from_str(&svg::to_string(&template).map_err(svg_err)?, options)
        .map_err(|e| svg_err(e.to_string()))?;

    let Slots {
        photo,
        holder_signature,
        official_signature,
        qr,
        barcode,
    } = slots;
    Ok(Layout {
        name: name.clone(),
        side: match manifest.side {
            SideName::Front => Side::Front,
            SideName::Back => Side::Back,
        },
        fields,
        photo,
        holder_signature,
        official_signature,
        qr,
        barcode,
        k_groups: manifest.groups.k.clone(),
        colour_groups: manifest.groups.colour.clone(),
        overlay_mask_rects,
        template,
        baked: std::sync::OnceLock::new(),
        bake_input: BakeInput {
            root,
            roles,
            overlay: manifest.overlay.enabled,
            options: Arc::clone(options),
        },
    })
}

/// The manifest as TOML, whose `name` must be its file's stem (so a layout is found by name).
fn read_manifest(
    source: &LayoutSource,
    manifest_name: &str,
    bad_manifest: &dyn Fn(String) -> LayoutError,
) -> Result<Manifest, LayoutError> {
    let path = source.path(manifest_name);
    let text = String::from_utf8(source.read(manifest_name)?.into_owned()).map_err(|_| {
        LayoutError::Io {
            path: path.clone(),
            source: std::io::ErrorKind::InvalidData.into(),
        }
    })?;
    let manifest: Manifest = toml::from_str(&text).map_err(|e| bad_manifest(e.to_string()))?;
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if manifest.name != stem {
        return Err(bad_manifest(format!(
            "name \"{}\" must equal the file name \"{stem}\"",
            manifest.name
        )));
    }
    Ok(manifest)
}

/// The image, QR and barcode slots of a layout, taken out of its template.
struct Slots {
    photo: Option<ImageSlot>,
    holder_signature: Option<ImageSlot>,
    official_signature: Option<ImageSlot>,
    qr: Option<QrSlot>,
    barcode: Option<BarcodeSlot>,
}

fn take_slots(
    root: &mut Element,
    manifest: &Manifest,
    roles: &HashMap<String, Role>,
    name: &str,
) -> Result<Slots, LayoutError> {
    let slots = &manifest.slots;
    let mut image_slot = |entry: &Option<super::manifest::ImageSlotEntry>, colour_only: bool| {
        entry
            .as_ref()
            .map(|e| {
                let (rect, panel) = take_slot(root, &e.id, roles, name)?;
                if colour_only && panel != Panel::Colour {
                    return Err(bad_element(
                        name,
                        &e.id,
                        "the photo slot must be in a colour group",
                    ));
                }
                Ok(ImageSlot {
                    rect,
                    panel,
                    required: e.required,
                })
            })
            .transpose()
    };
    let photo = image_slot(&slots.photo, true)?;
    let holder_signature = image_slot(&slots.holder_signature, false)?;
    let official_signature = image_slot(&slots.official_signature, false)?;
    let qr = match &slots.qr {
        Some(e) => {
            let (rect, panel) = take_slot(root, &e.id, roles, name)?;
            Some(QrSlot {
                rect,
                panel,
                ec_level: e.ec_level,
                min_module: e.min_module.max(1),
            })
        }
        None => None,
    };
    let barcode = match &slots.barcode {
        Some(e) => {
            let (rect, panel) = take_slot(root, &e.id, roles, name)?;
            Some(BarcodeSlot {
                rect,
                panel,
                min_module: e.min_module.max(1),
            })
        }
        None => None,
    };
    Ok(Slots {
        photo,
        holder_signature,
        official_signature,
        qr,
        barcode,
    })
}

/// Where the overlay leaves the card bare: the manifest's rectangles and the slots it names.
fn overlay_mask_rects(
    manifest: &Manifest,
    slots: &Slots,
    bad_manifest: &dyn Fn(String) -> LayoutError,
) -> Result<Vec<(String, Rect)>, LayoutError> {
    let mut rects = Vec::new();
    for m in &manifest.overlay.mask {
        rects.push((
            m.name.clone(),
            Rect {
                x: m.x,
                y: m.y,
                width: m.width,
                height: m.height,
            },
        ));
    }
    for slot_name in &manifest.overlay.mask_slots {
        let rect = match slot_name.as_str() {
            "photo" => slots.photo.as_ref().map(|s| s.rect),
            "holder_signature" => slots.holder_signature.as_ref().map(|s| s.rect),
            "official_signature" => slots.official_signature.as_ref().map(|s| s.rect),
            "qr" => slots.qr.as_ref().map(|s| s.rect),
            "barcode" => slots.barcode.as_ref().map(|s| s.rect),
            _ => None,
        }
        .ok_or_else(|| {
            bad_manifest(format!(
                "overlay.mask_slots names \"{slot_name}\", which is not a slot here"
            ))
        })?;
        rects.push((slot_name.clone(), rect));
    }
    Ok(rects)
}

pub(super) fn missing(layout: &str, id: &str) -> LayoutError {
    LayoutError::MissingElement {
        layout: layout.to_string(),
        id: id.to_string(),
    }
}

pub(super) fn bad_element(layout: &str, id: &str, problem: &str) -> LayoutError {
    LayoutError::BadElement {
        layout: layout.to_string(),
        id: id.to_string(),
        problem: problem.to_string(),
    }
}

fn check_canvas(root: &Element, layout: &str) -> Result<(), LayoutError> {
    let view_box: Option<Vec<f32>> = root.attributes.get("viewBox").map(|v| {
        v.split([' ', ','])
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse().ok())
            .collect()
    });
    let ok = root.name == "svg"
        && svg::number_attr(root, "width") == Some(FRAME_WIDTH as f32)
        && svg::number_attr(root, "height") == Some(FRAME_HEIGHT as f32)
        && view_box == Some(vec![0.0, 0.0, FRAME_WIDTH as f32, FRAME_HEIGHT as f32]);
    if ok {
        Ok(())
    } else {
        Err(LayoutError::Canvas {
            layout: layout.to_string(),
        })
    }
}

/// Role of every top-level group; every drawing top-level element must have exactly one.
fn roles(
    manifest: &Manifest,
    root: &Element,
    layout: &str,
    bad_manifest: &dyn Fn(String) -> LayoutError,
) -> Result<HashMap<String, Role>, LayoutError> {
    let mut roles = HashMap::new();
    let g = &manifest.groups;
    for (ids, role) in [
        (&g.preview_only, Role::PreviewOnly),
        (&g.k, Role::K),
        (&g.colour, Role::Colour),
        (&g.overlay_mask, Role::OverlayMask),
    ] {
        for id in ids {
            if roles.insert(id.clone(), role).is_some() {
                return Err(bad_manifest(format!("group \"{id}\" has two roles")));
            }
        }
    }
    let mut seen = Vec::new();
    for child in root.children.iter().filter_map(|c| c.as_element()) {
        if svg::is_non_drawing(&child.name) {
            continue;
        }
        let id = child
            .attributes
            .get("id")
            .cloned()
            .unwrap_or_else(|| format!("<{}> without id", child.name));
        if !roles.contains_key(&id) {
            return Err(bad_element(
                layout,
                &id,
                "top-level element has no role in [groups]",
            ));
        }
        if svg::has_transform(child) {
            return Err(LayoutError::Transformed {
                layout: layout.to_string(),
                id,
            });
        }
        seen.push(id);
    }
    for id in roles.keys() {
        if !seen.contains(id) {
            return Err(missing(layout, id));
        }
    }
    Ok(roles)
}

/// Path and panel of the element `id`, which must be a `<tag>` inside a K or colour group with
/// no transform on the way.
pub(super) fn locate(
    root: &Element,
    id: &str,
    tag: &str,
    roles: &HashMap<String, Role>,
    layout: &str,
) -> Result<(Vec<usize>, Panel), LayoutError> {
    let path = svg::path_to_id(root, id).ok_or_else(|| missing(layout, id))?;
    let chain = svg::elements_on_path(root, &path);
    let (Some(top), Some(el)) = (chain.first(), chain.last()) else {
        return Err(bad_element(layout, id, "must be inside a top-level group"));
    };
    if el.name != tag {
        return Err(bad_element(
            layout,
            id,
            &format!("must be a <{tag}>, found <{}>", el.name),
        ));
    }
    if chain.iter().any(|e| svg::has_transform(e)) {
        return Err(LayoutError::Transformed {
            layout: layout.to_string(),
            id: id.to_string(),
        });
    }
    let top_id = top
        .attributes
        .get("id")
        .map(String::as_str)
        .unwrap_or_default();
    let panel = match roles.get(top_id) {
        Some(Role::K) => Panel::K,
        Some(Role::Colour) => Panel::Colour,
        _ => {
            return Err(bad_element(
                layout,
                id,
                "must be inside a k or colour group",
            ))
        }
    };
    Ok((path, panel))
}

/// Reads a slot placeholder `<rect>` and removes it from the template.
fn take_slot(
    root: &mut Element,
    id: &str,
    roles: &HashMap<String, Role>,
    layout: &str,
) -> Result<(Rect, Panel), LayoutError> {
    let (path, panel) = locate(root, id, "rect", roles, layout)?;
    let el = svg::elements_on_path(root, &path)
        .last()
        .copied()
        .ok_or_else(|| missing(layout, id))?;
    let nums = ["x", "y", "width", "height"].map(|a| svg::number_attr(el, a));
    let [Some(x), Some(y), Some(width), Some(height)] = nums else {
        return Err(bad_element(
            layout,
            id,
            "a slot <rect> needs numeric x, y, width and height",
        ));
    };
    if width < 1.0 || height < 1.0 {
        return Err(bad_element(layout, id, "a slot must be at least 1 × 1 px"));
    }
    svg::remove_at(root, &path);
    Ok((
        Rect {
            x,
            y,
            width,
            height,
        },
        panel,
    ))
}
