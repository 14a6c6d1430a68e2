//! Where a key's value stands in the file text, so that each message names its line.

use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// Where the keys are in the file text, to give each message its line.
pub(in crate::config) struct Spans<'a> {
    root: Option<DeValue<'a>>,
    text: &'a str,
}

enum Seg<'k> {
    Key(&'k str),
    Index(usize),
}

/// `printer[1].encoder.reader` → `printer`, 1, `encoder`, `reader`.
fn segments(key: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    for part in key.split('.') {
        let mut rest = part;
        if let Some(open) = rest.find('[') {
            out.push(Seg::Key(&rest[..open]));
            rest = &rest[open..];
            while let Some(close) = rest.find(']') {
                if let Ok(i) = rest[1..close].parse() {
                    out.push(Seg::Index(i));
                }
                rest = &rest[close + 1..];
            }
        } else {
            out.push(Seg::Key(rest));
        }
    }
    out
}

impl<'a> Spans<'a> {
    /// Spans of `text`; a text that does not parse gives no lines (it never gets this far).
    pub(in crate::config) fn new(text: &'a str) -> Self {
        let root = DeTable::parse(text)
            .ok()
            .map(|t| DeValue::Table(t.into_inner()));
        Spans { root, text }
    }

    /// 1-based line of `key`'s value, or of the nearest enclosing key the file has (a missing
    /// key is blamed on its table); 0 when unknown.
    pub(in crate::config) fn line(&self, key: &str) -> usize {
        let Some(root) = &self.root else { return 0 };
        let mut current: Option<&Spanned<DeValue<'a>>> = None;
        let mut found = None;
        for seg in segments(key) {
            let value = current.map_or(root, |c| c.get_ref());
            let next = match seg {
                Seg::Key(k) => value.get(k),
                Seg::Index(i) => value.get(i),
            };
            match next {
                Some(n) => {
                    found = Some(n.span());
                    current = Some(n);
                }
                None => break,
            }
        }
        found.map_or(0, |s| crate::config::line_of(self.text, s.start))
    }
}
