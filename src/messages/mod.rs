//! Operator messages: one catalogue keyed by stable codes, every text in Bahasa Indonesia and
//! English (`docs/messages.md`).
//!
//! An error type implements [`Message`] once: a code and named arguments. The texts are rows of
//! [`CATALOGUE`] (the station's) and of the drivers crate's catalogue (printer, transport,
//! chip); [`text`] renders from both. The CLI, the control API and the server link all render
//! through here; `Display` of an error stays English, for logs and developers.

/// Rows of a catalogue: `"code" => "Bahasa Indonesia", "English";`.
macro_rules! entries {
    ($($code:literal => $id:literal, $en:literal;)*) => {
        &[$(Entry { code: $code, id: $id, en: $en }),*]
    };
}

mod books;
mod catalogue;
mod cli;
mod config;
mod control;
mod dashboard;
mod help;
pub mod serde_words;

pub use books::BOOKS;
pub use catalogue::CATALOGUE;
pub use cetak_drivers::messages::{Args, Entry, Lang, Message};
pub use cli::CLI;
pub use config::CONFIG;
pub use control::CONTROL;
pub use dashboard::DASHBOARD;
pub use help::HELP;

/// Every catalogue the station renders from: its own, then the drivers crate's.
pub static CATALOGUES: &[&[Entry]] = &[
    CATALOGUE,
    BOOKS,
    CONFIG,
    CONTROL,
    CLI,
    HELP,
    DASHBOARD,
    cetak_drivers::messages::CATALOGUE,
];

/// `message` in `lang`.
pub fn text(lang: Lang, message: &(impl Message + ?Sized)) -> String {
    cetak_drivers::messages::render_in(CATALOGUES, lang, &Dyn(message))
}

/// The catalogue text of `code` in `lang` with `args`; for texts that are not an error (labels,
/// headings, the CLI's own sentences).
pub fn say(lang: Lang, code: &'static str, args: Args) -> String {
    text(lang, &Plain { code, args })
}

/// The catalogue text of `code` in `lang`, for a label without arguments. A code missing from
/// the catalogue gives the code itself (the catalogue tests catch it).
pub fn label(lang: Lang, code: &'static str) -> &'static str {
    cetak_drivers::messages::lookup(CATALOGUES, code).map_or(code, |e| e.text(lang))
}

/// A code and its arguments, as a [`Message`].
#[derive(Debug, Clone)]
pub struct Plain {
    /// Stable code.
    pub code: &'static str,
    /// Arguments.
    pub args: Args,
}

impl Plain {
    /// The message `code` without arguments.
    pub fn new(code: &'static str) -> Self {
        Plain {
            code,
            args: Args::new(),
        }
    }

    /// Any message as a value (its code and arguments).
    pub fn of(message: &(impl Message + ?Sized)) -> Self {
        Plain {
            code: message.message_code(),
            args: message.message_args(),
        }
    }

    /// Adds the argument `name`, the same in both languages.
    #[must_use]
    pub fn with(mut self, name: &'static str, value: impl std::fmt::Display) -> Self {
        self.args = self.args.with(name, value);
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
        self.args = self.args.with_each(name, id, en);
        self
    }

    /// Adds the argument `name`: the text of `message` in each language.
    #[must_use]
    pub fn with_message(mut self, name: &'static str, message: &(impl Message + ?Sized)) -> Self {
        self.args = self
            .args
            .with_each(name, text(Lang::Id, message), text(Lang::En, message));
        self
    }
}

/// An I/O failure as the operator reads it: the common kinds have a text in each language
/// (`io.*`); any other keeps the system's words.
pub fn io_error(e: &std::io::Error) -> Plain {
    use std::io::ErrorKind;
    let code = match e.kind() {
        ErrorKind::NotFound => "io.not_found",
        ErrorKind::PermissionDenied => "io.permission_denied",
        ErrorKind::AlreadyExists => "io.already_exists",
        ErrorKind::ConnectionRefused => "io.connection_refused",
        ErrorKind::TimedOut => "io.timed_out",
        _ => "io.other",
    };
    Plain::new(code).with("detail", e)
}

/// `path: why` for a file that could not be read or written.
pub fn file_error(path: &std::path::Path, e: &std::io::Error) -> Plain {
    Plain::new("file.io")
        .with("path", path.display())
        .with_message("reason", &io_error(e))
}

impl Message for Plain {
    fn message_code(&self) -> &'static str {
        self.code
    }
    fn message_args(&self) -> Args {
        self.args.clone()
    }
}

/// Adapts an unsized `Message` to `&dyn Message`.
struct Dyn<'a, M: Message + ?Sized>(&'a M);

impl<M: Message + ?Sized> Message for Dyn<'_, M> {
    fn message_code(&self) -> &'static str {
        self.0.message_code()
    }
    fn message_args(&self) -> Args {
        self.0.message_args()
    }
}

/// Rendering methods on every [`Message`].
pub trait MessageText: Message {
    /// The text in `lang`.
    fn message(&self, lang: Lang) -> String {
        text(lang, self)
    }
    /// The text in Bahasa Indonesia.
    fn message_id(&self) -> String {
        text(Lang::Id, self)
    }
    /// The text in English.
    fn message_en(&self) -> String {
        text(Lang::En, self)
    }
    /// The text in both languages, as an argument of an enclosing message.
    fn as_arg(&self, args: Args, name: &'static str) -> Args {
        args.with_each(name, self.message_id(), self.message_en())
    }
}

impl<M: Message + ?Sized> MessageText for M {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_both_languages_and_the_same_placeholders() {
        assert_eq!(
            cetak_drivers::messages::check(CATALOGUES),
            Vec::<String>::new()
        );
    }

    #[test]
    fn the_check_fails_when_a_translation_is_removed() {
        static BROKEN: &[Entry] = &[Entry {
            code: "journal.unknown_job",
            id: "",
            en: "unknown job {job}",
        }];
        assert!(!cetak_drivers::messages::check(&[BROKEN]).is_empty());
    }

    /// Every code the CLI and the reports name as a literal (`Plain::new("…")`,
    /// `label(lang, "…")`, `say(lang, "…", …)`) is a row: `label` falls back to the code itself,
    /// which no test of output would notice in a language it does not check.
    #[test]
    fn every_code_the_cli_and_the_reports_name_is_in_the_catalogue() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        let mut dirs = vec![root.join("cli"), root.join("report")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
        assert!(files.len() > 10, "{files:?}");
        let mut named = 0;
        let mut missing = Vec::new();
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            for opener in [
                "Plain::new(\"",
                "label(lang, \"",
                "say(lang, \"",
                "label(\"",
            ] {
                for (at, _) in text.match_indices(opener) {
                    let rest = &text[at + opener.len()..];
                    let code = &rest[..rest.find('"').unwrap()];
                    named += 1;
                    if cetak_drivers::messages::lookup(CATALOGUES, code).is_none() {
                        missing.push(format!("{}: {code}", path.display()));
                    }
                }
            }
        }
        assert!(named > 100, "only {named} codes found: the scan is broken");
        assert_eq!(missing, Vec::<String>::new());
    }

    #[test]
    fn an_io_error_is_told_in_each_language() {
        let e = std::io::Error::from(std::io::ErrorKind::NotFound);
        let m = file_error(std::path::Path::new("/x/job.json"), &e);
        assert_eq!(
            m.message(Lang::Id),
            "/x/job.json: berkas atau folder tidak ada"
        );
        assert_eq!(
            m.message(Lang::En),
            "/x/job.json: no such file or directory"
        );
        let other = std::io::Error::other("disk on fire");
        assert_eq!(
            io_error(&other).message(Lang::Id),
            "kesalahan I/O: disk on fire"
        );
    }
}
