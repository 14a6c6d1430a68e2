//! Keeps the arrows between the crate's layers pointing down (see the crate docs): reads every
//! source file of each layer and fails on a path into a layer it may not use.

use std::path::{Path, PathBuf};

/// Each layer and the layers it may use; anything else is an arrow the wrong way.
const ALLOWED: [(&str, &[&str]); 6] = [
    ("messages", &[]),
    ("transport", &["messages"]),
    ("chip", &["messages"]),
    ("printer", &["transport", "messages"]),
    ("emulator", &["printer", "transport", "messages"]),
    ("vcard", &["chip", "printer", "messages"]),
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The files of a layer: `src/<layer>/**.rs`, or `src/<layer>.rs`.
fn layer_files(layer: &str) -> Vec<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let dir = src.join(layer);
    if dir.is_dir() {
        sources(&dir, &mut files);
    }
    let file = src.join(format!("{layer}.rs"));
    if file.is_file() {
        files.push(file);
    }
    assert!(!files.is_empty(), "no sources for layer {layer}");
    files
}

/// Layers a line of code names: `crate::x`, `crate::{x, y::z}` or `super::…::x`.
fn layers_named(code: &str) -> Vec<&str> {
    let mut named = Vec::new();
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    for (prefix, at) in code
        .match_indices("crate::")
        .map(|(at, p)| (p, at))
        .chain(code.match_indices("super::").map(|(at, p)| (p, at)))
    {
        if code[..at].ends_with("super::") {
            continue; // the rest of a chain already counted
        }
        let mut rest = &code[at + prefix.len()..];
        while let Some(r) = rest.strip_prefix("super::") {
            rest = r;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let group = group.split('}').next().unwrap_or("");
            named.extend(
                group
                    .split(',')
                    .map(|p| p.trim().split("::").next().unwrap_or("")),
            );
        } else {
            named.push(rest.split(|c: char| !is_ident(c)).next().unwrap_or(""));
        }
    }
    named
}

/// Lines of `text` (outside comments) that reach a layer of the crate `layer` may not use.
fn wrong_arrows(layer: &str, text: &str) -> Vec<String> {
    let allowed = ALLOWED.iter().find(|(l, _)| *l == layer).unwrap().1;
    let mut found = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        for other in layers_named(code) {
            let is_layer = ALLOWED.iter().any(|(l, _)| *l == other);
            if is_layer && other != layer && !allowed.contains(&other) {
                found.push(format!("{layer} -> {other}: {}", line.trim()));
            }
        }
    }
    found
}

#[test]
fn arrows_between_layers_point_down() {
    let mut wrong = Vec::new();
    for (layer, _) in ALLOWED {
        for file in layer_files(layer) {
            let text = std::fs::read_to_string(&file).unwrap();
            for arrow in wrong_arrows(layer, &text) {
                wrong.push(format!("{}: {arrow}", file.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn every_layer_is_listed() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
    let lib = std::fs::read_to_string(src).unwrap();
    for line in lib.lines() {
        if let Some(module) = line.strip_prefix("pub mod ") {
            let module = module.trim_end_matches(';');
            assert!(
                ALLOWED.iter().any(|(l, _)| *l == module),
                "layer {module} has no entry in ALLOWED"
            );
        }
    }
}

#[test]
fn an_upward_arrow_is_found() {
    let text = "use crate::transport::Transport;\n// crate::emulator in a comment\n\
                let t = crate::emulator::registry::connect(name)?;\nuse crate::chipset;\n";
    assert_eq!(
        wrong_arrows("transport", text),
        ["transport -> emulator: let t = crate::emulator::registry::connect(name)?;"]
    );
    assert!(wrong_arrows("printer", "use crate::transport::open;").is_empty());
    assert_eq!(
        wrong_arrows("chip", "use crate::{vcard::x, transport};"),
        [
            "chip -> vcard: use crate::{vcard::x, transport};",
            "chip -> transport: use crate::{vcard::x, transport};"
        ]
    );
    assert_eq!(
        wrong_arrows("printer", "use super::super::emulator::Emulator;").len(),
        1
    );
    assert!(wrong_arrows("printer", "use super::super::layers::Side;").is_empty());
}
