//! What of a layout's printable groups can be rendered once at load: the leading groups of each
//! panel's list that hold no field (labels, headings, static rules) are the same on every card.

use cetak_drivers::printer::layers::{FRAME_HEIGHT, FRAME_WIDTH};
use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg;
use xmltree::Element;

use super::svg;
use super::FieldSpec;

/// The first `count` groups of a panel's list, already rendered in order onto a transparent
/// frame-sized pixmap (`None` when `count` is 0). Rendering a card's other groups over a copy
/// gives the same pixels as rendering every group, and saves parsing and drawing the static
/// text on every card.
#[derive(Clone)]
pub(crate) struct StaticGroups {
    /// How many leading groups the pixmap holds.
    pub count: usize,
    /// Those groups, rendered.
    pub pixmap: Option<Pixmap>,
}

/// The static groups of both panels, and the template without them (what each card parses).
pub(super) struct Prerendered {
    pub static_k: StaticGroups,
    pub static_colour: StaticGroups,
    pub print_template: Element,
}

/// Renders the leading field-less groups of `k_ids` and `colour_ids` (top-level group ids of
/// `template`, in drawing order).
pub(super) fn prerender(
    template: &Element,
    fields: &[FieldSpec],
    k_ids: &[String],
    colour_ids: &[String],
    options: &usvg::Options,
) -> Result<Prerendered, String> {
    let field_groups = field_groups(template, fields);
    let is_static = |id: &&String| !field_groups.contains(*id);
    let static_ids: Vec<&String> = (k_ids.iter().take_while(is_static))
        .chain(colour_ids.iter().take_while(is_static))
        .collect();
    let static_tree = {
        let doc = svg::with_top_level(template, |id| static_ids.iter().any(|s| *s == id));
        let text = svg::to_string(&doc)?;
        usvg::Tree::from_str(&text, options).map_err(|e| e.to_string())?
    };
    let static_groups = |ids: &[String]| -> Result<StaticGroups, String> {
        let count = ids.iter().take_while(is_static).count();
        if count == 0 {
            return Ok(StaticGroups {
                count,
                pixmap: None,
            });
        }
        let mut pixmap = Pixmap::new(FRAME_WIDTH, FRAME_HEIGHT)
            .ok_or_else(|| "cannot allocate a pixmap".to_string())?;
        for id in &ids[..count] {
            render_group(&static_tree, id, &mut pixmap);
        }
        Ok(StaticGroups {
            count,
            pixmap: Some(pixmap),
        })
    };
    let static_k = static_groups(k_ids)?;
    let static_colour = static_groups(colour_ids)?;
    let print_template = svg::with_top_level(template, |id| !static_ids.iter().any(|s| *s == id));
    Ok(Prerendered {
        static_k,
        static_colour,
        print_template,
    })
}

/// Ids of the top-level groups of `template` that hold a field.
fn field_groups(template: &Element, fields: &[FieldSpec]) -> Vec<String> {
    fields
        .iter()
        .filter_map(|f| {
            let path = svg::path_to_id(template, &f.id)?;
            let top = template.children.get(*path.first()?)?.as_element()?;
            top.attributes.get("id").cloned()
        })
        .collect()
}

/// Renders one top-level group of `tree` at its place in the frame, over what `pixmap` holds.
pub(crate) fn render_group(tree: &usvg::Tree, id: &str, pixmap: &mut Pixmap) {
    if let Some(node) = tree.node_by_id(id) {
        if let Some(bbox) = node.abs_layer_bounding_box() {
            // render_node shifts the node to the pixmap origin; shift it back to frame coordinates.
            resvg::render_node(
                node,
                Transform::from_translate(bbox.x(), bbox.y()),
                &mut pixmap.as_mut(),
            );
        }
    }
}
