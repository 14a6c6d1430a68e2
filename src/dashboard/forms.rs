//! The blangko forms under the live part of the page: load a feeder (operators), receive,
//! spoil, return and adjust (administrators), each shown only to a viewer whose role may use
//! it ([`super::actions`] checks again). Outside `<main>`, so a live update never wipes what
//! someone is typing.

use std::fmt::Write as _;

use super::actions::StockForm;
use super::pages::{esc, Viewer};
use super::sections::csrf_field;
use super::text::{t, Lang};
use super::view::Snapshot;
use crate::journal::{BlangkoType, SpoilCategory};

/// A labelled input.
fn input(o: &mut String, key: &str, name: &str, kind: &str, lang: Lang) {
    let extra = match kind {
        "number" if name == "delta" => " step=\"1\" required",
        "number" => " min=\"1\" step=\"1\" required",
        _ if name == "note" && kind == "optional" => "",
        _ => " required",
    };
    let kind = if kind == "optional" { "text" } else { kind };
    let _ = write!(
        o,
        "<label>{} <input name=\"{name}\" type=\"{kind}\"{extra}></label>",
        esc(t(key, lang))
    );
}

/// A labelled `<select>` of (value, text).
fn select(o: &mut String, key: &str, name: &str, options: &[(String, String)], lang: Lang) {
    let _ = write!(o, "<label>{} <select name=\"{name}\">", esc(t(key, lang)));
    for (value, text) in options {
        let _ = write!(o, "<option value=\"{}\">{}</option>", esc(value), esc(text));
    }
    o.push_str("</select></label>");
}

fn types() -> Vec<(String, String)> {
    [BlangkoType::Kia, BlangkoType::KtpEl]
        .iter()
        .map(|t| (t.code().to_string(), t.code().to_string()))
        .collect()
}

fn printers(s: &Snapshot) -> Vec<(String, String)> {
    s.status
        .printers
        .iter()
        .map(|p| (p.id.clone(), p.id.clone()))
        .collect()
}

/// The store and each printer's feeder.
fn places(s: &Snapshot, lang: Lang) -> Vec<(String, String)> {
    let mut v = vec![("store".to_string(), t("store", lang).to_string())];
    v.extend(printers(s));
    v
}

/// The fields of one form.
fn fields(o: &mut String, kind: StockForm, s: &Snapshot, lang: Lang) {
    match kind {
        StockForm::Load => {
            select(o, "printer", "printer", &printers(s), lang);
            input(o, "count", "count", "number", lang);
        }
        StockForm::Receive => {
            select(o, "type", "type", &types(), lang);
            input(o, "count", "count", "number", lang);
            input(o, "lot", "lot", "text", lang);
            input(o, "note", "note", "optional", lang);
        }
        StockForm::Spoil | StockForm::Return => {
            select(o, "place", "place", &places(s, lang), lang);
            select(o, "type", "type", &types(), lang);
            input(o, "count", "count", "number", lang);
            if matches!(kind, StockForm::Spoil) {
                let cats: Vec<_> = SpoilCategory::ALL
                    .iter()
                    .map(|c| (c.code().to_string(), c.label(lang).to_string()))
                    .collect();
                select(o, "category", "category", &cats, lang);
            }
            input(o, "note", "note", "text", lang);
        }
        StockForm::Adjust => {
            select(o, "place", "place", &places(s, lang), lang);
            select(o, "type", "type", &types(), lang);
            input(o, "delta", "delta", "number", lang);
            input(o, "reason", "reason", "text", lang);
        }
    }
}

/// The forms section for `viewer` (empty if their role may use none).
pub fn blangko(s: &Snapshot, lang: Lang, viewer: &Viewer) -> String {
    let allowed: Vec<StockForm> = StockForm::ALL
        .into_iter()
        .filter(|f| viewer.may(f.op()))
        .collect();
    if allowed.is_empty() {
        return String::new();
    }
    let mut o = format!(
        "<div id=\"tools\"><section id=\"forms\"><h2>{}</h2><div class=\"forms\">",
        esc(t("forms", lang))
    );
    for kind in &allowed {
        let code = kind.code();
        let _ = write!(
            o,
            "<form method=\"post\" action=\"/stock/{code}\" class=\"stack\" data-form=\"{code}\"><h3>{}</h3>{}",
            esc(t(&format!("f_{code}"), lang)),
            csrf_field(viewer),
        );
        fields(&mut o, *kind, s, lang);
        let _ = write!(
            o,
            "<button type=\"submit\">{}</button></form>",
            esc(t("save", lang))
        );
    }
    o.push_str("</div>");
    if allowed.len() < StockForm::ALL.len() {
        let _ = write!(o, "<p class=\"note\">{}</p>", esc(t("admin_forms", lang)));
    }
    o.push_str("</section></div>");
    o
}
