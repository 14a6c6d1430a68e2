//! Keeps the layers of `docs/architecture.md` honest: every `crate::…` path in `src/` (outside
//! comments) must name a module of a lower layer than the file's own top-level module, and the
//! journal's job modules must not call each other in a loop.

use std::path::{Path, PathBuf};

/// Top-level modules by layer, lowest first. A module may use only modules of a lower layer.
const LAYERS: &[&[&str]] = &[
    &["assets", "card", "logging", "messages", "shutdown"],
    &["journal", "layout", "tls"],
    &["job"],
    &["signing", "render", "chip_content"],
    &["config"],
    &["intake", "report"],
    &["link", "bundle"],
    &["daemon"],
    &["dashboard"],
    &["cli"],
];

/// Inside the journal: a file may not name these sibling modules (the job modules form a
/// ladder `job_tx` ← `doubt`, `lease` ← `jobs`).
const JOURNAL_LADDER: &[(&str, &[&str])] = &[
    ("job_tx", &["jobs", "doubt", "lease"]),
    ("doubt", &["jobs", "lease"]),
    ("lease", &["jobs", "doubt"]),
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("src/ is readable") {
        let p = e.expect("directory entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without `//` comments (doc comments included).
fn code_of(text: &str) -> String {
    text.lines()
        .map(|l| l.find("//").map_or(l, |i| &l[..i]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first segment of every path that starts with `prefix` (`crate::`, `super::`), with
/// `prefix{a, b::c}` groups expanded to `a`, `b`.
fn first_segments(code: &str, prefix: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = code[at..].find(prefix) {
        let start = at + i;
        at = start + prefix.len();
        let before = code[..start].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == ':') {
            continue;
        }
        let rest = code[at..].trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 || (depth == 1 && c == ',') {
                    out.push(ident(item.trim()));
                    item.clear();
                    if depth == 0 {
                        break;
                    }
                } else if depth == 1 {
                    // Inside a nested group (`a::{X, Y}`) only `a` counts.
                    item.push(c);
                }
            }
        } else {
            out.push(ident(rest));
        }
    }
    out.retain(|s| !s.is_empty() && s != "self");
    out
}

/// The top-level module a file under `src/` belongs to (`None` for the crate root, `main.rs`
/// and this test).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main" | "architecture_test")).then(|| name.to_string())
}

/// Every upward or unknown `crate::` import under `src`, as readable lines.
fn upward_imports(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut bad = Vec::new();
    for f in files {
        let Some(module) = module_of(src, &f) else {
            continue;
        };
        let code = code_of(&std::fs::read_to_string(&f).expect("source is readable"));
        let Some(own) = layer(&module) else {
            bad.push(format!("{}: module `{module}` is in no layer", f.display()));
            continue;
        };
        for target in first_segments(&code, "crate::") {
            if target == module {
                continue;
            }
            match layer(&target) {
                Some(l) if l < own => {}
                Some(_) => bad.push(format!(
                    "{}: `{module}` uses `crate::{target}`, a module of its own or a higher layer",
                    f.display()
                )),
                None => bad.push(format!(
                    "{}: `crate::{target}` is in no layer (add it to LAYERS and the docs)",
                    f.display()
                )),
            }
        }
    }
    bad
}

/// Loops among the journal's job modules.
fn journal_loops(src: &Path) -> Vec<String> {
    let mut bad = Vec::new();
    for (module, forbidden) in JOURNAL_LADDER {
        let f = src.join("journal").join(format!("{module}.rs"));
        let code = code_of(&std::fs::read_to_string(&f).expect("journal source is readable"));
        let named: Vec<String> = first_segments(&code, "super::")
            .into_iter()
            .chain(
                first_segments(&code, "crate::journal::")
                    .into_iter()
                    .filter(|s| s != "journal"),
            )
            .collect();
        for n in named {
            if forbidden.contains(&n.as_str()) {
                bad.push(format!("{}: journal `{module}` uses `{n}`", f.display()));
            }
        }
    }
    bad
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn imports_only_go_down_the_layers() {
    let bad = upward_imports(&src_dir());
    assert!(
        bad.is_empty(),
        "imports against the layers:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_journal_job_modules_form_no_loop() {
    let bad = journal_loops(&src_dir());
    assert!(bad.is_empty(), "journal loops:\n{}", bad.join("\n"));
}

#[test]
fn a_planted_upward_import_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("link")).unwrap();
    std::fs::create_dir_all(src.join("daemon")).unwrap();
    std::fs::write(
        src.join("link/db.rs"),
        "// crate::cli in a comment is fine\nuse crate::intake::IntakeContext;\n\
         use crate::{journal::Journal,\n    daemon::StationHandle};\n",
    )
    .unwrap();
    std::fs::write(
        src.join("daemon/mod.rs"),
        "use crate::link::LinkService;\nfn f() { crate::cli::demo::run(); }\n",
    )
    .unwrap();
    std::fs::write(src.join("signing.rs"), "use crate::daemon::DaemonError;\n").unwrap();
    std::fs::write(src.join("journal.rs"), "pub use crate::job::Lang;\n").unwrap();
    let bad = upward_imports(src);
    assert_eq!(bad.len(), 4, "{bad:#?}");
    for (file, target) in [
        ("link/db.rs", "daemon"),
        ("daemon/mod.rs", "cli"),
        ("signing.rs", "daemon"),
        ("journal.rs", "job"),
    ] {
        assert!(
            bad.iter()
                .any(|b| b.contains(file) && b.contains(&format!("crate::{target}`"))),
            "{file} → {target} not found in {bad:#?}"
        );
    }
}

#[test]
fn groups_and_prefixes_are_read() {
    let code = code_of("use crate::{a::X, b, self};\nlet x = $crate::c; // crate::d\nmy_crate::e");
    assert_eq!(first_segments(&code, "crate::"), ["a", "b"]);
}
