//! The parts of a layout that are the same on every card (preview background, overlay plane,
//! leading static groups), drawn once, on the layout's first use.

use std::collections::HashMap;
use std::sync::Arc;

use cetak_drivers::printer::layers::{Bitplane, FRAME_HEIGHT, FRAME_WIDTH};
use resvg::tiny_skia::Pixmap;
use resvg::usvg;
use xmltree::Element;

use super::load::{render_doc, Role};
use super::prerender::{prerender, Prerendered, StaticGroups};
use super::svg;
use super::Layout;

/// What a layout keeps to draw its once-per-layout parts on first use.
pub(crate) struct BakeInput {
    pub(super) root: Element,
    pub(super) roles: HashMap<String, Role>,
    pub(super) overlay: bool,
    pub(super) options: Arc<usvg::Options<'static>>,
}

/// The parts of a layout that are the same on every card, drawn once.
pub(crate) struct Baked {
    /// The preview background (preview-only groups over white).
    pub preprint: Pixmap,
    /// The overlay plane, `None` when the side has no varnish.
    pub overlay: Option<Bitplane>,
    /// The leading K groups that hold no field (see `prerender`).
    pub static_k: StaticGroups,
    /// The leading colour groups that hold no field.
    pub static_colour: StaticGroups,
    /// `template` without the groups of `static_k` and `static_colour`: what each card parses.
    pub print_template: Element,
}

/// Draws the once-per-layout parts of `layout`.
pub(super) fn bake(layout: &Layout) -> Result<Baked, String> {
    let BakeInput {
        root,
        roles,
        overlay,
        options,
    } = &layout.bake_input;
    let has_role = |role: Role| move |id: &str| roles.get(id) == Some(&role);
    let overlay = if *overlay {
        let has_mask_group = roles.values().any(|r| *r == Role::OverlayMask);
        let mask_groups = if has_mask_group {
            Some(render_doc(
                &svg::with_top_level(root, has_role(Role::OverlayMask)),
                options,
                false,
            )?)
        } else {
            None
        };
        Some(Bitplane::from_fn(FRAME_WIDTH, FRAME_HEIGHT, |x, y| {
            let (cx, cy) = (x as f32 + 0.5, y as f32 + 0.5);
            let in_rect = layout
                .overlay_mask_rects
                .iter()
                .any(|(_, r)| r.contains(cx, cy));
            let in_group = mask_groups
                .as_ref()
                .and_then(|p| p.pixel(x, y))
                .is_some_and(|p| p.alpha() > 0);
            !(in_rect || in_group)
        }))
    } else {
        None
    };
    let preprint = render_doc(
        &svg::with_top_level(root, has_role(Role::PreviewOnly)),
        options,
        true,
    )?;
    let Prerendered {
        static_k,
        static_colour,
        print_template,
    } = prerender(
        &layout.template,
        &layout.fields,
        &layout.k_groups,
        &layout.colour_groups,
        options,
    )?;
    Ok(Baked {
        preprint,
        overlay,
        static_k,
        static_colour,
        print_template,
    })
}
