//! The dashboard's operator texts: rows `dash.<key>` of the message catalogue
//! ([`crate::messages::DASHBOARD`]), Bahasa Indonesia first, English second. [`t`] looks a key
//! up; a missing key shows itself, so a gap is visible on the page and in tests rather than
//! blank.

pub use crate::messages::Lang;
use crate::messages::{Args, CATALOGUES};

/// The text of `dash.<key>` in `lang` (the key itself if the catalogue lacks it).
pub fn t(key: &str, lang: Lang) -> &str {
    cetak_drivers::messages::lookup(CATALOGUES, &format!("dash.{key}"))
        .map_or(key, |e| e.text(lang))
}

/// The text of a `dash.*` code with arguments.
pub fn say(lang: Lang, code: &'static str, args: Args) -> String {
    crate::messages::say(lang, code, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_from_the_catalogue() {
        assert_eq!(t("printers", Lang::En), "Printers");
        assert_eq!(t("queue", Lang::Id), "Antrean");
        assert_eq!(t("no-such-key", Lang::Id), "no-such-key");
        for key in [
            "p_starting",
            "p_idle",
            "p_busy",
            "p_paused",
            "p_offline",
            "p_stopped",
            "act_retry",
            "act_cancel",
            "act_spoiled",
            "link_ok",
            "link_failing",
            "link_unknown",
        ] {
            assert_ne!(t(key, Lang::Id), key, "{key}");
        }
    }

    #[test]
    fn every_key_the_dashboard_asks_for_is_in_the_catalogue() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/dashboard");
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("text.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // `t("key"` as a call of `t` (not `get(` or `.expect(`).
            let calls = text.match_indices("t(\"").filter(|(i, _)| {
                *i == 0 || !text[..*i].ends_with(|c: char| c.is_alphanumeric() || "_.".contains(c))
            });
            for (i, _) in calls {
                let key = text[i + 3..].split('"').next().unwrap();
                let code = format!("dash.{key}");
                if !key.contains('{')
                    && cetak_drivers::messages::lookup(CATALOGUES, &code).is_none()
                {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
        }
        assert_eq!(missing, Vec::<String>::new());
    }
}
