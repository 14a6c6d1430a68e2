//! Small operations on the parsed SVG tree (`xmltree`): find by id, check transforms, read
//! numbers, create elements in the SVG namespace, serialise. All text goes in as XML text nodes,
//! so the serialiser escapes it: a value is never spliced into markup.

use xmltree::{Element, EmitterConfig, XMLNode};

/// The SVG namespace; new elements must carry it or the renderer ignores them.
pub const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// Top-level elements that draw nothing by themselves and need no group role.
pub fn is_non_drawing(name: &str) -> bool {
    matches!(
        name,
        "defs" | "metadata" | "title" | "desc" | "namedview" | "style"
    )
}

/// Child indices from `root` to the element with `id` (empty = root itself).
pub fn path_to_id(root: &Element, id: &str) -> Option<Vec<usize>> {
    if root.attributes.get("id").is_some_and(|v| v == id) {
        return Some(Vec::new());
    }
    for (i, child) in root.children.iter().enumerate() {
        if let XMLNode::Element(el) = child {
            if let Some(mut rest) = path_to_id(el, id) {
                rest.insert(0, i);
                return Some(rest);
            }
        }
    }
    None
}

/// The elements along `path`, root excluded, outermost first.
pub fn elements_on_path<'a>(root: &'a Element, path: &[usize]) -> Vec<&'a Element> {
    let mut out = Vec::with_capacity(path.len());
    let mut cur = root;
    for &i in path {
        match cur.children.get(i) {
            Some(XMLNode::Element(el)) => {
                out.push(el);
                cur = el;
            }
            _ => break,
        }
    }
    out
}

/// The element at `path`.
pub fn element_at_mut<'a>(root: &'a mut Element, path: &[usize]) -> Option<&'a mut Element> {
    let mut cur = root;
    for &i in path {
        cur = cur.children.get_mut(i)?.as_mut_element()?;
    }
    Some(cur)
}

/// Removes the element at `path` (not the root).
pub fn remove_at(root: &mut Element, path: &[usize]) {
    if let Some((last, parent_path)) = path.split_last() {
        if let Some(parent) = element_at_mut(root, parent_path) {
            if *last < parent.children.len() {
                parent.children.remove(*last);
            }
        }
    }
}

/// Whether an element carries a non-trivial `transform`.
pub fn has_transform(el: &Element) -> bool {
    el.attributes.get("transform").is_some_and(|t| {
        let t = t.trim();
        !(t.is_empty()
            || t == "translate(0,0)"
            || t == "translate(0)"
            || t == "matrix(1,0,0,1,0,0)")
    })
}

/// A plain number attribute (`12.5`, `12.5px`); `None` for anything else (lists, percentages).
pub fn number_attr(el: &Element, name: &str) -> Option<f32> {
    let raw = el.attributes.get(name)?.trim();
    let raw = raw.strip_suffix("px").unwrap_or(raw);
    raw.parse::<f32>().ok().filter(|v| v.is_finite())
}

/// Removes the declarations of `style` whose property starts with one of `prefixes`, so the
/// presentation attributes the filler sets are not overridden by Inkscape's inline style.
pub fn strip_style(el: &mut Element, prefixes: &[&str]) {
    if let Some(style) = el.attributes.get("style") {
        let kept: Vec<&str> = style
            .split(';')
            .map(str::trim)
            .filter(|decl| {
                let prop = decl.split(':').next().unwrap_or("").trim();
                !decl.is_empty() && !prefixes.iter().any(|p| prop.starts_with(p))
            })
            .collect();
        if kept.is_empty() {
            el.attributes.remove("style");
        } else {
            el.attributes.insert("style".to_string(), kept.join(";"));
        }
    }
}

/// A new element in the SVG namespace.
pub fn svg_element(name: &str, attrs: &[(&str, String)]) -> Element {
    let mut el = Element::new(name);
    el.namespace = Some(SVG_NS.to_string());
    for (k, v) in attrs {
        el.attributes.insert((*k).to_string(), v.clone());
    }
    el
}

/// Serialises a document (no XML declaration).
pub fn to_string(root: &Element) -> Result<String, String> {
    let mut out = Vec::with_capacity(16 * 1024);
    let config = EmitterConfig::new()
        .write_document_declaration(false)
        .perform_indent(false);
    root.write_with_config(&mut out, config)
        .map_err(|e| e.to_string())?;
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// A copy of `root` keeping only the top-level children whose id `keep` accepts, plus the
/// non-drawing ones (defs, style…).
pub fn with_top_level(root: &Element, keep: impl Fn(&str) -> bool) -> Element {
    let mut copy = Element {
        children: Vec::new(),
        ..root.clone()
    };
    for child in &root.children {
        let keep_it = match child {
            XMLNode::Element(el) => {
                is_non_drawing(&el.name) || el.attributes.get("id").is_some_and(|id| keep(id))
            }
            _ => false,
        };
        if keep_it {
            copy.children.push(child.clone());
        }
    }
    copy
}
