//! The command line's help in the operator's language: every command's summary and every
//! argument's help come from the catalogue (`help.*`, `src/messages/help.rs`), and so do the
//! headings, the built-in `-h` / `-V` lines and the `help` subcommand.
//!
//! Clap builds its `--help`, `--version` and `help` itself, in English, when the command is
//! built; so the command is built first ([`clap::Command::build`]) and then walked, each text
//! replaced by its catalogue row. Codes: `help.cmd.PATH` for a command (`PATH` its names from
//! the top joined by `.`, e.g. `help.cmd.stock.load`), `help.arg.PATH.ID` for an argument, with
//! `help.arg.ID` as the text shared by every command (global options, `--config`, …). In
//! Bahasa Indonesia clap's English `[default: …]`, `[env: …]` and `[possible values: …]` are
//! replaced by `help.default`, `help.env` and `help.values`.

use clap::{Arg, Command};

use crate::messages::{label, Args, Lang, CATALOGUES};

/// The catalogue text of a code made at run time, if there is one.
fn lookup(code: &str, lang: Lang) -> Option<&'static str> {
    cetak_drivers::messages::lookup(CATALOGUES, code).map(|e| e.text(lang))
}

/// The catalogue code of a command's summary.
pub fn command_code(path: &str) -> String {
    format!("help.cmd.{path}")
}

/// The catalogue codes of an argument's help, most specific first.
pub fn arg_codes(path: &str, id: &str) -> [String; 2] {
    [format!("help.arg.{path}.{id}"), format!("help.arg.{id}")]
}

/// `cmd` (already built) with its help texts in `lang`, and the same for its subcommands.
pub fn localise(cmd: Command, lang: Lang) -> Command {
    walk(cmd, String::new(), lang)
}

/// `true` for clap's own `help` subcommand and the copies of the tree under it.
fn in_help_tree(path: &str) -> bool {
    path.split('.').any(|n| n == "help")
}

fn walk(cmd: Command, path: String, lang: Lang) -> Command {
    let in_help = in_help_tree(&path);
    let mut cmd = cmd
        .help_template(label(lang, "help.template"))
        .subcommand_help_heading(label(lang, "help.commands"));
    let about = match path.as_str() {
        "" => Some("help.about".to_string()),
        p if p == "help" || p.ends_with(".help") => Some("help.cmd_help".to_string()),
        _ if in_help => None,
        p => Some(command_code(p)),
    };
    if let Some(text) = about.and_then(|code| lookup(&code, lang)) {
        // Clap decides at build time whether `--help` differs from `-h`: a long form is
        // shown only where the command had one, else the whole text is the summary.
        cmd = match (split(text), cmd.get_long_about().is_some()) {
            ((short, Some(long)), true) => cmd.about(short).long_about(long),
            _ => cmd.about(text).long_about(None::<&'static str>),
        };
    }
    cmd = cmd.mut_args(|a| arg(a, &path, in_help, lang));
    cmd.mut_subcommands(|sub| {
        let sub_path = match path.as_str() {
            "" => sub.get_name().to_string(),
            p => format!("{p}.{}", sub.get_name()),
        };
        walk(sub, sub_path, lang)
    })
}

/// A text's first paragraph (the `-h` line) and, when there is more, the whole (`--help`).
fn split(text: &'static str) -> (&'static str, Option<&'static str>) {
    match text.split_once("\n\n") {
        Some((first, _)) => (first, Some(text)),
        None => (text, None),
    }
}

fn arg(a: Arg, path: &str, in_help: bool, lang: Lang) -> Arg {
    let id = a.get_id().as_str().to_string();
    let text = if in_help {
        lookup("help.arg_help_subcommand", lang)
    } else {
        match id.as_str() {
            "help" => lookup("help.flag_help", lang),
            "version" => lookup("help.flag_version", lang),
            _ => arg_codes(path, &id).iter().find_map(|c| lookup(c, lang)),
        }
    };
    let heading = if a.is_positional() {
        label(lang, "help.arguments")
    } else {
        label(lang, "help.options")
    };
    let mut a = a.help_heading(heading);
    if matches!(id.as_str(), "lang" | "log") {
        // The global options last, just before `-h`, as they were under their own heading.
        a = a.display_order(998);
    }
    if let Some(text) = text {
        // As for a command's summary: a long form only where clap will show one.
        let (short, long) = match (split(text), a.get_long_help().is_some()) {
            ((short, Some(long)), true) => (short, Some(long)),
            _ => (text, None),
        };
        let long = long.map(str::to_string);
        let (short, long) = match lang {
            Lang::En => (short.to_string(), long),
            Lang::Id => {
                let extra = details(&a, lang);
                (
                    format!("{short}{extra}"),
                    long.map(|l| format!("{l}{extra}")),
                )
            }
        };
        if lang == Lang::Id {
            a = a
                .hide_default_value(true)
                .hide_env(true)
                .hide_possible_values(true);
        }
        a = a.help(short);
        a = match long {
            Some(long) => a.long_help(long),
            None => a.long_help(None::<&'static str>),
        };
    }
    a
}

/// `[bawaan: …] [env: …] [nilai: …]` for an argument that takes a value: clap's own words
/// for these are English.
fn details(a: &Arg, lang: Lang) -> String {
    if !a.get_action().takes_values() {
        return String::new();
    }
    let mut out = String::new();
    let values: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if !values.is_empty() && !a.is_hide_possible_values_set() {
        let args = Args::new().with("values", values.join(", "));
        out.push(' ');
        out.push_str(&crate::messages::say(lang, "help.values", args));
    }
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && !a.is_hide_default_value_set() {
        let args = Args::new().with("value", defaults.join(", "));
        out.push(' ');
        out.push_str(&crate::messages::say(lang, "help.default", args));
    }
    if let (Some(env), false) = (a.get_env(), a.is_hide_env_set()) {
        let args = Args::new().with("name", env.to_string_lossy());
        out.push(' ');
        out.push_str(&crate::messages::say(lang, "help.env", args));
    }
    out
}

/// Every command path and argument id of `cmd` (built) whose help has no catalogue row, for
/// the test that keeps the help complete.
pub fn missing(cmd: &Command) -> Vec<String> {
    fn visit(cmd: &Command, path: &str, out: &mut Vec<String>) {
        if in_help_tree(path) {
            return;
        }
        if !path.is_empty() && lookup(&command_code(path), Lang::Id).is_none() {
            out.push(command_code(path));
        }
        for a in cmd.get_arguments() {
            let id = a.get_id().as_str();
            if matches!(id, "help" | "version") || a.is_hide_set() {
                continue;
            }
            let codes = arg_codes(path, id);
            if codes.iter().all(|c| lookup(c, Lang::Id).is_none()) {
                out.push(codes[0].clone());
            }
        }
        for sub in cmd.get_subcommands() {
            let sub_path = if path.is_empty() {
                sub.get_name().to_string()
            } else {
                format!("{path}.{}", sub.get_name())
            };
            visit(sub, &sub_path, out);
        }
    }
    let mut out = Vec::new();
    visit(cmd, "", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built() -> Command {
        use clap::CommandFactory as _;
        let mut cmd = crate::cli::Cli::command();
        cmd.build();
        cmd
    }

    #[test]
    fn every_command_and_argument_has_its_help_in_the_catalogue() {
        assert_eq!(missing(&built()), Vec::<String>::new());
    }

    #[test]
    fn a_missing_row_is_found() {
        let cmd = Command::new("cetak")
            .subcommand(Command::new("frobnicate").arg(clap::Arg::new("widget").long("widget")));
        let mut cmd = cmd;
        cmd.build();
        assert_eq!(
            missing(&cmd),
            vec![
                "help.cmd.frobnicate".to_string(),
                "help.arg.frobnicate.widget".to_string()
            ]
        );
    }

    #[test]
    fn every_help_row_is_used() {
        let cmd = built();
        let mut used = std::collections::HashSet::new();
        fn visit(cmd: &Command, path: &str, used: &mut std::collections::HashSet<String>) {
            if in_help_tree(path) {
                return;
            }
            used.insert(command_code(path));
            for a in cmd.get_arguments() {
                for c in arg_codes(path, a.get_id().as_str()) {
                    used.insert(c);
                }
            }
            for sub in cmd.get_subcommands() {
                let p = match path {
                    "" => sub.get_name().to_string(),
                    p => format!("{p}.{}", sub.get_name()),
                };
                visit(sub, &p, used);
            }
        }
        visit(&cmd, "", &mut used);
        let unused: Vec<&str> = crate::messages::HELP
            .iter()
            .map(|e| e.code)
            .filter(|c| c.starts_with("help.cmd.") || c.starts_with("help.arg."))
            .filter(|c| !used.contains(*c))
            .collect();
        assert_eq!(unused, Vec::<&str>::new());
    }

    #[test]
    fn subcommand_help_is_indonesian_by_default_and_english_on_request() {
        let id = localise(built(), Lang::Id)
            .find_subcommand_mut("stock")
            .unwrap()
            .find_subcommand_mut("load")
            .unwrap()
            .render_help()
            .to_string();
        assert!(id.contains("Penggunaan:"), "{id}");
        assert!(id.contains("Opsi:"), "{id}");
        assert!(id.contains("Isi feeder printer dari gudang"), "{id}");
        assert!(id.contains("Tampilkan bantuan"), "{id}");
        assert!(
            !id.contains("Options:") && !id.contains("Print help"),
            "{id}"
        );
        let en = localise(built(), Lang::En)
            .find_subcommand_mut("stock")
            .unwrap()
            .find_subcommand_mut("load")
            .unwrap()
            .render_help()
            .to_string();
        assert!(en.contains("Usage:") && en.contains("Options:"), "{en}");
        assert!(en.contains("Load blangko from the store"), "{en}");
    }
}
