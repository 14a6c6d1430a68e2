//! Rendering: [`CardContent`] + loaded [`Layouts`] → per side a preview and the printer layers
//! (colour, K, overlay) at exactly 1016 × 648 dots.
//!
//! Pipeline per side: fit and fill the template ([`crate::layout::fill`]) → parse it once with
//! usvg → render the K groups and the colour groups into two transparent pixmaps → draw the photo,
//! signatures, QR code and barcode straight into the pixmap of their slot's panel → K = coverage
//! ≥ 50 %, colour = pixmap over white, overlay = the layout's precomputed plane. The preprinted
//! background was rendered once at load and only enters the preview. See `docs/rendering.md`.

mod codes;
mod error;
mod images;
mod output;
mod raster;
pub mod specimen;

use cetak_drivers::printer::layers::{Side, SideLayers, FRAME_HEIGHT, FRAME_WIDTH};
use image::RgbaImage;
use resvg::tiny_skia::Pixmap;
use resvg::usvg;

use crate::card::CardContent;
use crate::layout::{render_group, FitError, Layout, Layouts};
pub use codes::CodeDrawing;
pub use error::RenderError;
pub use output::write_pngs;

/// One rendered side.
#[derive(Debug, Clone)]
pub struct RenderedSide {
    /// Which side.
    pub side: Side,
    /// Layout it was rendered from.
    pub layout: String,
    /// What the card will look like, preprinted background included (RGBA, opaque).
    pub preview: RgbaImage,
    /// What the printer receives; never contains the preprinted background.
    pub layers: SideLayers,
}

/// Both sides of a card.
#[derive(Debug, Clone)]
pub struct RenderedCard {
    /// Recto.
    pub front: RenderedSide,
    /// Verso.
    pub back: RenderedSide,
}

/// Checks that the card can be rendered with its design's layouts: every field fits, every
/// character is printable, QR and barcode payloads fit their slots, required images are there and
/// nothing the card carries lacks a slot. Job validation calls this before any blangko is used.
pub fn check_fit(content: &CardContent, layouts: &Layouts) -> Result<(), FitError> {
    let sides = layouts.for_design(content.design)?;
    check_slots_exist(content, &sides)?;
    for layout in sides {
        layout.fit_fields(content, layouts.fonts())?;
        prepare_codes(content, layout)?;
        check_required_images(content, layout)?;
    }
    Ok(())
}

/// Renders both sides of a card, previews included.
pub fn render_card(content: &CardContent, layouts: &Layouts) -> Result<RenderedCard, RenderError> {
    let [front, back] = layouts.for_design(content.design)?;
    check_slots_exist(content, &[front, back])?;
    Ok(RenderedCard {
        front: render_side(content, front, layouts)?,
        back: render_side(content, back, layouts)?,
    })
}

/// A layout whose once-drawn parts cannot be drawn (a designer's template the renderer refuses).
fn baked_err(e: crate::layout::LayoutError) -> RenderError {
    RenderError::Svg(e.to_string())
}

/// Renders one side with its preview.
pub fn render_side(
    content: &CardContent,
    layout: &Layout,
    layouts: &Layouts,
) -> Result<RenderedSide, RenderError> {
    let panels = draw_panels(content, layout, layouts)?;
    let layers = panels.layers(layout)?;
    let preview = raster::preview(
        layout.preprint().map_err(baked_err)?,
        &panels.colour,
        layers.k.as_ref(),
    );
    Ok(RenderedSide {
        side: layout.side,
        layout: layout.name.clone(),
        preview,
        layers,
    })
}

/// Renders only what the printer needs for one side (no preview): the print path, and what the
/// render benchmark times.
pub fn render_layers(
    content: &CardContent,
    layout: &Layout,
    layouts: &Layouts,
) -> Result<SideLayers, RenderError> {
    draw_panels(content, layout, layouts)?.layers(layout)
}

/// The filled SVG of one side as text (printable groups only; photo, signatures and codes are
/// drawn outside the SVG). For inspection and the `rsvg-convert` comparison.
pub fn filled_svg(
    content: &CardContent,
    layout: &Layout,
    layouts: &Layouts,
) -> Result<String, RenderError> {
    layout
        .fill(content, layouts.fonts())?
        .to_svg_string()
        .map_err(RenderError::Svg)
}

/// The two panel pixmaps of a side, before conversion into layers.
struct Panels {
    k: Pixmap,
    colour: Pixmap,
}

impl Panels {
    fn layers(&self, layout: &Layout) -> Result<SideLayers, RenderError> {
        Ok(SideLayers {
            colour: raster::colour_layer(&self.colour),
            k: raster::k_plane(&self.k),
            overlay: layout.overlay().map_err(baked_err)?.cloned(),
        })
    }
}

struct Codes {
    qr: Option<CodeDrawing>,
    barcode: Option<CodeDrawing>,
}

fn prepare_codes(content: &CardContent, layout: &Layout) -> Result<Codes, FitError> {
    let qr = match (&layout.qr, content.qr_payload.as_deref()) {
        (Some(slot), Some(payload)) if !payload.is_empty() => {
            Some(codes::qr(payload, slot, &layout.name)?)
        }
        _ => None,
    };
    let barcode = match (&layout.barcode, content.barcode_payload.as_deref()) {
        (Some(slot), Some(payload)) if !payload.is_empty() => {
            Some(codes::barcode(payload, slot, &layout.name)?)
        }
        _ => None,
    };
    Ok(Codes { qr, barcode })
}

fn check_required_images(content: &CardContent, layout: &Layout) -> Result<(), FitError> {
    let slots = [
        ("photo", &layout.photo, &content.photo),
        (
            "holder_signature",
            &layout.holder_signature,
            &content.holder_signature,
        ),
        (
            "official_signature",
            &layout.official_signature,
            &content.official_signature,
        ),
    ];
    for (key, slot, image) in slots {
        if slot.as_ref().is_some_and(|s| s.required) && image.is_none() {
            return Err(FitError::MissingImage {
                layout: layout.name.clone(),
                slot: key.to_string(),
            });
        }
    }
    Ok(())
}

/// Every item the card carries must have a slot on one of its sides.
fn check_slots_exist(content: &CardContent, sides: &[&Layout; 2]) -> Result<(), FitError> {
    let any = |f: &dyn Fn(&Layout) -> bool| sides.iter().any(|l| f(l));
    let items = [
        (
            "photo",
            content.photo.is_some(),
            any(&|l| l.photo.is_some()),
        ),
        (
            "holder_signature",
            content.holder_signature.is_some(),
            any(&|l| l.holder_signature.is_some()),
        ),
        (
            "official_signature",
            content.official_signature.is_some(),
            any(&|l| l.official_signature.is_some()),
        ),
        (
            "qr",
            content.qr_payload.as_ref().is_some_and(|p| !p.is_empty()),
            any(&|l| l.qr.is_some()),
        ),
        (
            "barcode",
            content
                .barcode_payload
                .as_ref()
                .is_some_and(|p| !p.is_empty()),
            any(&|l| l.barcode.is_some()),
        ),
    ];
    for (item, carried, has_slot) in items {
        if carried && !has_slot {
            return Err(FitError::NoSlot {
                design: format!("{:?}", content.design),
                item: item.to_string(),
            });
        }
    }
    Ok(())
}

fn draw_panels(
    content: &CardContent,
    layout: &Layout,
    layouts: &Layouts,
) -> Result<Panels, RenderError> {
    draw_panels_with(content, layout, layouts, true)
}

/// `use_static`: start from the groups rendered at load (see `layout::StaticGroups`) instead of
/// rendering every group; the pixels are the same (a unit test holds both paths equal).
fn draw_panels_with(
    content: &CardContent,
    layout: &Layout,
    layouts: &Layouts,
    use_static: bool,
) -> Result<Panels, RenderError> {
    let baked = layout.baked().map_err(baked_err)?;
    let print = if use_static {
        layout.fill_print(&baked.print_template, content, layouts.fonts())
    } else {
        None
    };
    let (filled, k_skip, colour_skip) = match print {
        Some(filled) => (filled?, baked.static_k.count, baked.static_colour.count),
        None => (layout.fill(content, layouts.fonts())?, 0, 0),
    };
    let codes = prepare_codes(content, layout)?;
    check_required_images(content, layout)?;
    let text = filled.to_svg_string().map_err(RenderError::Svg)?;
    let tree = usvg::Tree::from_str(&text, layouts.usvg_options())
        .map_err(|e| RenderError::Svg(e.to_string()))?;
    let start = |skip: usize, cached: &Option<Pixmap>| match cached {
        Some(pixmap) if skip > 0 => Ok(pixmap.clone()),
        _ => {
            Pixmap::new(FRAME_WIDTH, FRAME_HEIGHT).ok_or(RenderError::Svg("cannot allocate".into()))
        }
    };
    let mut panels = Panels {
        k: start(k_skip, &baked.static_k.pixmap)?,
        colour: start(colour_skip, &baked.static_colour.pixmap)?,
    };
    for id in layout.k_groups.iter().skip(k_skip) {
        render_group(&tree, id, &mut panels.k);
    }
    for id in layout.colour_groups.iter().skip(colour_skip) {
        render_group(&tree, id, &mut panels.colour);
    }
    if let (Some(slot), Some(photo)) = (&layout.photo, &content.photo) {
        images::draw_photo(panel_mut(&mut panels, slot.panel), slot.rect, photo);
    }
    for (slot, image) in [
        (&layout.holder_signature, &content.holder_signature),
        (&layout.official_signature, &content.official_signature),
    ] {
        if let (Some(slot), Some(image)) = (slot, image) {
            images::draw_signature(
                panel_mut(&mut panels, slot.panel),
                slot.rect,
                image,
                slot.panel,
            );
        }
    }
    if let (Some(slot), Some(qr)) = (&layout.qr, &codes.qr) {
        qr.draw(panel_mut(&mut panels, slot.panel));
    }
    if let (Some(slot), Some(barcode)) = (&layout.barcode, &codes.barcode) {
        barcode.draw(panel_mut(&mut panels, slot.panel));
    }
    Ok(panels)
}

fn panel_mut(panels: &mut Panels, panel: crate::layout::Panel) -> &mut Pixmap {
    match panel {
        crate::layout::Panel::K => &mut panels.k,
        crate::layout::Panel::Colour => &mut panels.colour,
    }
}

#[cfg(test)]
mod tests;
