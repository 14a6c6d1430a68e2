//! Operator messages by stable code: the spine both crates share.
//!
//! An error (or any operator-facing event) implements [`Message`]: a stable code and named
//! arguments, once. The texts live in catalogues of [`Entry`] rows, one row per code with the
//! Bahasa Indonesia and the English text; `{name}` in a text is replaced by the argument `name`.
//! This crate's catalogue ([`CATALOGUE`]) holds the texts of the hardware edge (printer, chip,
//! transport); the station crate holds its own and renders from both. See `docs/messages.md`.

mod catalogue;

use std::fmt;
use std::str::FromStr;

pub use catalogue::CATALOGUE;

/// Language of operator-facing messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Bahasa Indonesia (the default for operators).
    #[default]
    Id,
    /// English.
    En,
}

impl Lang {
    /// Both languages, for checks over the catalogue.
    pub const ALL: [Lang; 2] = [Lang::Id, Lang::En];

    /// Picks the value for this language.
    pub fn pick<T>(self, id: T, en: T) -> T {
        match self {
            Lang::Id => id,
            Lang::En => en,
        }
    }

    /// The language's tag: `id` or `en`.
    pub fn tag(self) -> &'static str {
        self.pick("id", "en")
    }
}

impl FromStr for Lang {
    type Err = String;
    /// `id` / `en` (as a CLI flag, an environment variable or a configuration value).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "id" | "in" | "id-id" => Ok(Lang::Id),
            "en" | "en-us" | "en-gb" => Ok(Lang::En),
            other => Err(format!("unknown language {other:?} (use id or en)")),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// Named arguments of a message, in the order given. A value is the same in both languages
/// (a number, an id, a path) or given in each language (a detail that is itself a text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args(Vec<(&'static str, Value)>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    Same(String),
    Each { id: String, en: String },
}

impl Args {
    /// No arguments.
    pub fn new() -> Self {
        Args(Vec::new())
    }

    /// Adds the argument `name` (its `Display` text, the same in both languages).
    #[must_use]
    pub fn with(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.0.push((name, Value::Same(value.to_string())));
        self
    }

    /// Adds the argument `name` with a text in each language.
    #[must_use]
    pub fn with_each(
        mut self,
        name: &'static str,
        id: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        self.0.push((
            name,
            Value::Each {
                id: id.into(),
                en: en.into(),
            },
        ));
        self
    }

    /// The argument `name` in `lang`, if given.
    pub fn get(&self, name: &str, lang: Lang) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| match v {
                Value::Same(s) => s.as_str(),
                Value::Each { id, en } => lang.pick(id, en).as_str(),
            })
    }

    /// Names of the arguments given.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().map(|(n, _)| *n)
    }
}

/// Something an operator is told: a stable code and its named arguments. Each error type maps
/// to codes once, here; the texts are in a catalogue.
pub trait Message {
    /// Stable code, e.g. `printer.feeder_empty`: a contract for scripts and the server.
    fn message_code(&self) -> &'static str;

    /// Named arguments of the text (none by default).
    fn message_args(&self) -> Args {
        Args::new()
    }
}

/// One catalogue row: a code and its text in both languages.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// Stable code.
    pub code: &'static str,
    /// Bahasa Indonesia.
    pub id: &'static str,
    /// English.
    pub en: &'static str,
}

impl Entry {
    /// The text in `lang`, placeholders unfilled.
    pub fn text(&self, lang: Lang) -> &'static str {
        lang.pick(self.id, self.en)
    }
}

/// The row for `code` in the first of `catalogues` that has it.
pub fn lookup(catalogues: &[&'static [Entry]], code: &str) -> Option<&'static Entry> {
    catalogues
        .iter()
        .find_map(|c| c.iter().find(|e| e.code == code))
}

/// Renders `message` in `lang` from `catalogues`. A code missing from every catalogue renders
/// as the code and its arguments (a bug the catalogue tests catch), never a panic.
pub fn render_in(catalogues: &[&'static [Entry]], lang: Lang, message: &dyn Message) -> String {
    let args = message.message_args();
    match lookup(catalogues, message.message_code()) {
        Some(entry) => fill(entry.text(lang), &args, lang),
        None => {
            let mut out = message.message_code().to_owned();
            for n in args.names() {
                out.push_str(&format!(" {n}={}", args.get(n, lang).unwrap_or_default()));
            }
            out
        }
    }
}

/// Renders `message` in `lang` from this crate's catalogue.
pub fn render(lang: Lang, message: &dyn Message) -> String {
    render_in(&[CATALOGUE], lang, message)
}

/// A piece of a template: literal text or a `{name}` placeholder.
enum Piece<'a> {
    Text(&'a str),
    Name(&'a str),
}

/// The pieces of `template`; `{{` and `}}` are literal braces, a `{` without its `}` is text.
fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push(Piece::Text(&rest[..i]));
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push(Piece::Text(&tail[..1]));
            rest = &tail[2..];
        } else if let Some((name, after)) = tail.strip_prefix('{').and_then(|t| t.split_once('}')) {
            out.push(Piece::Name(name));
            rest = after;
        } else {
            out.push(Piece::Text(&tail[..1]));
            rest = &tail[1..];
        }
    }
    out.push(Piece::Text(rest));
    out
}

/// `template` with each `{name}` replaced by the argument `name` in `lang`; `{{` and `}}` are
/// literal braces. An unknown name stays as written.
pub fn fill(template: &str, args: &Args, lang: Lang) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    for piece in pieces(template) {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Name(n) => match args.get(n, lang) {
                Some(v) => out.push_str(v),
                None => {
                    out.push('{');
                    out.push_str(n);
                    out.push('}');
                }
            },
        }
    }
    out
}

/// The placeholder names of `template`, sorted and deduplicated.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names: Vec<&str> = pieces(template)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Name(n) => Some(n),
            Piece::Text(_) => None,
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// Checks catalogues: every code once, both languages non-empty and different, the same
/// placeholders in both. Returns one line per defect.
pub fn check(catalogues: &[&'static [Entry]]) -> Vec<String> {
    let mut defects = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for entry in catalogues.iter().flat_map(|c| c.iter()) {
        if !seen.insert(entry.code) {
            defects.push(format!("{}: code appears twice", entry.code));
        }
        for lang in Lang::ALL {
            if entry.text(lang).trim().is_empty() {
                defects.push(format!("{}: no {lang} text", entry.code));
            }
        }
        let (id, en) = (placeholders(entry.id), placeholders(entry.en));
        if id != en {
            defects.push(format!(
                "{}: placeholders differ: id {id:?}, en {en:?}",
                entry.code
            ));
        }
    }
    defects
}

/// Checks that `message` renders fully: its code is in `catalogues` and every placeholder of
/// both texts has an argument. Returns one line per defect.
pub fn check_message(catalogues: &[&'static [Entry]], message: &dyn Message) -> Vec<String> {
    let code = message.message_code();
    let Some(entry) = lookup(catalogues, code) else {
        return vec![format!("{code}: not in the catalogue")];
    };
    let args = message.message_args();
    let mut defects = Vec::new();
    for lang in Lang::ALL {
        for name in placeholders(entry.text(lang)) {
            if args.get(name, lang).is_none() {
                defects.push(format!("{code}: no argument {name} for the {lang} text"));
            }
        }
    }
    defects
}
