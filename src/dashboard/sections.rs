//! The sections of the page's `<main>` (what the live updates replace): printers, queue,
//! batches, jobs in doubt, blangko, the server link. Forms appear only for a signed-in
//! [`Viewer`] whose role may use them; everyone else sees the same figures read-only.

use std::fmt::Write as _;

use super::pages::{esc, Viewer};
use super::text::{t, Lang};
use super::view::Snapshot;
use crate::daemon::control::{DoubtView, Op, PrinterView};
use crate::journal::SpoilCategory;

/// Opens `<section id=…><h2>…`; the caller closes it.
fn open(o: &mut String, id: &str, heading: &str, lang: Lang) {
    let _ = write!(o, "<section id=\"{id}\"><h2>{}</h2>", esc(t(heading, lang)));
}

/// Opens a table with a header row of texts (`""` for an empty cell); rows follow, then
/// [`close_table`].
fn open_table(o: &mut String, class: &str, heads: &[&str], lang: Lang) {
    if class.is_empty() {
        o.push_str("<table><thead><tr>");
    } else {
        let _ = write!(o, "<table class=\"{class}\"><thead><tr>");
    }
    for h in heads {
        let text = if h.is_empty() { "" } else { t(h, lang) };
        let _ = write!(o, "<th>{}</th>", esc(text));
    }
    o.push_str("</tr></thead><tbody>");
}

fn close_table(o: &mut String) {
    o.push_str("</tbody></table>");
}

/// `<p class="note">` with a text.
fn note(o: &mut String, key: &str, lang: Lang) {
    let _ = write!(o, "<p class=\"note\">{}</p>", esc(t(key, lang)));
}

/// One `<dt>…</dt><dd class=…>…</dd>` pair; `value` is HTML (already escaped).
fn fact(o: &mut String, key: &str, class: &str, value: &str, lang: Lang) {
    let _ = write!(
        o,
        "<dt>{}</dt><dd class=\"{class}\">{value}</dd>",
        esc(t(key, lang))
    );
}

fn step_label(code: &str, lang: Lang) -> String {
    match code.parse::<crate::journal::JobState>() {
        Ok(s) => lang.pick(s.label_id(), s.label_en()).to_string(),
        Err(_) => code.to_string(),
    }
}

/// The hidden CSRF field of a viewer's form.
pub fn csrf_field(v: &Viewer) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        esc(&v.csrf)
    )
}

/// The `<main>` contents: every section; a viewer who may act gets the forms.
pub fn main(s: &Snapshot, lang: Lang, viewer: Option<&Viewer>) -> String {
    let mut o = String::new();
    printers(&mut o, s, lang, viewer);
    queue(&mut o, s, lang);
    batches(&mut o, s, lang);
    doubt(&mut o, s, lang, viewer);
    stock(&mut o, s, lang);
    link(&mut o, s, lang);
    o
}

fn printers(o: &mut String, s: &Snapshot, lang: Lang, viewer: Option<&Viewer>) {
    open(o, "printers", "printers", lang);
    o.push_str("<div class=\"cards\">");
    for p in &s.status.printers {
        let _ = write!(
            o,
            "<article class=\"printer state-{st}\" data-printer=\"{id}\"><h3>{id} \
             <span class=\"badge\">{label}</span></h3><div class=\"body\"><dl>",
            st = esc(&p.state),
            id = esc(&p.id),
            label = esc(t(&format!("p_{}", p.state), lang)),
        );
        printer_facts(o, s, p, lang);
        o.push_str("</dl>");
        last_card(o, s, p, lang);
        o.push_str("</div>");
        printer_event(o, s, p, lang, viewer);
        o.push_str("</article>");
    }
    o.push_str("</div></section>");
}

/// Job and step, why it is offline, feeder, ribbon, counters.
fn printer_facts(o: &mut String, s: &Snapshot, p: &PrinterView, lang: Lang) {
    if let Some(job) = &p.job_id {
        let step = s.steps.get(job).map(|c| step_label(c, lang));
        fact(o, "job", "job", &esc(job), lang);
        fact(o, "step", "step", &esc(&step.unwrap_or_default()), lang);
    }
    if let (Some(en), Some(id)) = (&p.reason, &p.reason_id) {
        fact(o, "reason", "reason", &esc(lang.pick(id, en)), lang);
    }
    let feeder: Vec<String> = s
        .stock
        .feeders
        .iter()
        .filter(|f| f.printer == p.id)
        .map(|f| format!("{} {}", f.count, f.blangko_type))
        .collect();
    let low = s
        .status
        .alerts
        .iter()
        .any(|a| a.kind == "low_stock_feeder" && a.key == format!("feeder:{}", p.id));
    let feeder = if feeder.is_empty() {
        "0".to_string()
    } else {
        esc(&feeder.join(", "))
    };
    fact(
        o,
        "feeder",
        if low { "feeder low" } else { "feeder" },
        &feeder,
        lang,
    );
    let ribbon = p.ribbon_cards_left.map(|n| n.to_string());
    fact(
        o,
        "ribbon",
        "ribbon",
        ribbon.as_deref().unwrap_or("–"),
        lang,
    );
    let (printed, spoiled) = s.counters.get(&p.id).copied().unwrap_or((0, 0));
    fact(o, "printed", "printed", &printed.to_string(), lang);
    fact(o, "spoiled", "spoiled", &spoiled.to_string(), lang);
}

/// The preview of the printer's last card (its job id in the address, so that the browser
/// fetches the next one when it changes).
fn last_card(o: &mut String, s: &Snapshot, p: &PrinterView, lang: Lang) {
    if let Some(job) = s.last_cards.get(&p.id) {
        let _ = write!(
            o,
            "<figure class=\"preview\"><img src=\"/preview/{id}?job={job}\" alt=\"{alt}\" \
             width=\"160\" height=\"102\" data-job=\"{job}\"><figcaption>{alt}</figcaption></figure>",
            id = esc(&p.id),
            job = esc(job),
            alt = esc(t("last_card", lang)),
        );
    }
}

/// The operator event of a paused printer with its allowed actions (forms for a viewer who
/// may decide, disabled buttons otherwise).
fn printer_event(o: &mut String, s: &Snapshot, p: &PrinterView, lang: Lang, v: Option<&Viewer>) {
    let Some(ev) = s.status.events.iter().find(|e| e.printer == p.id) else {
        return;
    };
    let _ = write!(
        o,
        "<div class=\"event\" data-event=\"{}\"><p><strong>{}:</strong> {}</p><div class=\"actions\">",
        ev.id,
        esc(t("event", lang)),
        esc(lang.pick(&ev.message_id, &ev.message_en))
    );
    for a in &ev.allowed {
        let label = esc(t(&format!("act_{a}"), lang));
        match v.filter(|v| v.may(Op::Act)) {
            Some(v) => {
                let _ = write!(
                    o,
                    "<form method=\"post\" action=\"/act\">{csrf}\
                     <input type=\"hidden\" name=\"printer\" value=\"{p}\"><input type=\"hidden\" name=\"event\" value=\"{ev}\">\
                     <button type=\"submit\" class=\"act\" name=\"action\" value=\"{a}\" data-action=\"{a}\">{label}</button></form>",
                    csrf = csrf_field(v),
                    p = esc(&p.id),
                    ev = ev.id,
                    a = esc(a)
                );
            }
            None => {
                let _ = write!(
                    o,
                    "<button type=\"button\" class=\"act\" data-action=\"{a}\" disabled>{label}</button>",
                    a = esc(a)
                );
            }
        }
    }
    o.push_str("</div></div>");
}

fn queue(o: &mut String, s: &Snapshot, lang: Lang) {
    open(o, "queue", "queue", lang);
    o.push_str("<ul class=\"counts\">");
    for st in crate::journal::JobState::ALL {
        let n = s.status.queue.get(st.code()).copied().unwrap_or(0);
        if n == 0 && st.is_terminal() {
            continue;
        }
        let _ = write!(
            o,
            "<li data-state=\"{}\"><span class=\"n\">{n}</span> {}</li>",
            st.code(),
            esc(lang.pick(st.label_id(), st.label_en()))
        );
    }
    let _ = write!(
        o,
        "</ul><p class=\"note\">{}: <span id=\"cards-printed\">{}</span></p></section>",
        esc(t("cards_printed", lang)),
        s.status.cards_printed
    );
}

fn batches(o: &mut String, s: &Snapshot, lang: Lang) {
    open(o, "batches", "batches", lang);
    if s.batches.is_empty() {
        note(o, "no_batches", lang);
    } else {
        let heads = ["batch", "jobs", "printed", "spoiled", "left", ""];
        open_table(o, "", &heads, lang);
        for b in &s.batches {
            let pct = (b.printed * 100).checked_div(b.jobs).unwrap_or(0);
            let _ = write!(
                o,
                "<tr data-batch=\"{id}\"><td>{id}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td><progress max=\"100\" value=\"{pct}\">{pct}%</progress></td></tr>",
                b.jobs,
                b.printed,
                b.spoiled,
                b.left,
                id = esc(&b.batch_id),
            );
        }
        close_table(o);
    }
    o.push_str("</section>");
}

fn doubt(o: &mut String, s: &Snapshot, lang: Lang, viewer: Option<&Viewer>) {
    let _ = write!(
        o,
        "<section id=\"doubt\"><h2>{} <span class=\"count\">{}</span></h2>",
        esc(t("doubt", lang)),
        s.doubt.len()
    );
    if s.doubt.is_empty() {
        note(o, "no_doubt", lang);
        o.push_str("</section>");
        return;
    }
    let resolver = viewer.filter(|v| v.may(Op::DoubtResolve));
    let mut heads = vec!["job", "nik", "printer", "was", "reason", "since"];
    if resolver.is_some() {
        heads.push("resolve");
    }
    open_table(o, "doubt", &heads, lang);
    for d in &s.doubt {
        let reason = match (&d.reason_id, &d.reason) {
            (Some(id), Some(en)) => lang.pick(id, en).to_string(),
            (Some(x), None) | (None, Some(x)) => x.clone(),
            (None, None) => String::new(),
        };
        let _ = write!(
            o,
            "<tr data-job=\"{job}\"><td>{job}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            esc(&d.nik_masked),
            esc(d.printer_id.as_deref().unwrap_or("–")),
            esc(&d.was.as_deref().map(|w| step_label(w, lang)).unwrap_or_default()),
            esc(&reason),
            esc(&d.since),
            job = esc(&d.job_id),
        );
        if let Some(v) = resolver {
            o.push_str("<td>");
            resolve_form(o, d, lang, v);
            o.push_str("</td>");
        }
        o.push_str("</tr>");
    }
    close_table(o);
    o.push_str("</section>");
}

/// The decision on a job in doubt: printed (with the card number if known) or spoiled, by
/// category (what `POST /v1/doubt/{job}/resolve` accepts).
fn resolve_form(o: &mut String, d: &DoubtView, lang: Lang, v: &Viewer) {
    let _ = write!(
        o,
        "<form method=\"post\" action=\"/doubt/resolve\" class=\"resolve\">{csrf}\
         <input type=\"hidden\" name=\"job\" value=\"{job}\">\
         <select name=\"resolution\" aria-label=\"{res}\"><option value=\"printed\">{printed}</option>",
        csrf = csrf_field(v),
        job = esc(&d.job_id),
        res = esc(t("resolve", lang)),
        printed = esc(t("res_printed", lang)),
    );
    for c in SpoilCategory::ALL {
        let _ = write!(
            o,
            "<option value=\"{}\">{}: {}</option>",
            c.code(),
            esc(t("spoiled", lang)),
            esc(c.label(lang))
        );
    }
    let _ = write!(
        o,
        "</select><input name=\"card_serial\" placeholder=\"{serial}\" aria-label=\"{serial}\" size=\"10\">\
         <input name=\"note\" placeholder=\"{note}\" aria-label=\"{note}\" size=\"10\">\
         <button type=\"submit\" data-resolve=\"{job}\">{res}</button></form>",
        serial = esc(t("card_serial", lang)),
        note = esc(t("note", lang)),
        job = esc(&d.job_id),
        res = esc(t("resolve", lang)),
    );
}

fn stock(o: &mut String, s: &Snapshot, lang: Lang) {
    open(o, "stock", "stock", lang);
    let low: Vec<_> = s
        .status
        .alerts
        .iter()
        .filter(|a| a.kind.starts_with("low_stock"))
        .collect();
    for a in &low {
        let _ = write!(
            o,
            "<p class=\"warn\" data-alert=\"{}\"><strong>{}:</strong> {}</p>",
            esc(&a.key),
            esc(t("low_stock", lang)),
            esc(lang.pick(&a.message_id, &a.message_en))
        );
    }
    let heads = [
        "type",
        "in_store",
        "in_feeders",
        "in_printers",
        "printed",
        "spoiled",
        "received",
        "returned",
    ];
    open_table(o, "", &heads, lang);
    for ty in &s.stock.types {
        let low_type = low
            .iter()
            .any(|a| a.kind == "low_stock_type" && a.key == ty.blangko_type);
        let _ = write!(
            o,
            "<tr data-type=\"{ty}\"{cls}><td>{ty}</td><td class=\"in-store\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ty.in_store,
            ty.in_feeders,
            ty.in_printers,
            ty.consumed,
            ty.spoiled,
            ty.received,
            ty.returned,
            ty = esc(&ty.blangko_type),
            cls = if low_type { " class=\"low\"" } else { "" },
        );
    }
    close_table(o);
    if !s.stock.feeders.is_empty() {
        open_table(o, "feeders", &["feeder", "type", "count"], lang);
        for f in &s.stock.feeders {
            let _ = write!(
                o,
                "<tr data-feeder=\"{p}\"><td>{p}</td><td>{}</td><td>{}</td></tr>",
                esc(&f.blangko_type),
                f.count,
                p = esc(&f.printer),
            );
        }
        close_table(o);
    }
    alerts(o, s, lang);
    o.push_str("</section>");
}

/// Alerts other than low stock (shown above the stock table).
fn alerts(o: &mut String, s: &Snapshot, lang: Lang) {
    let _ = write!(o, "<h3>{}</h3>", esc(t("alerts", lang)));
    let mut any = false;
    for a in s
        .status
        .alerts
        .iter()
        .filter(|a| !a.kind.starts_with("low_stock"))
    {
        any = true;
        let _ = write!(
            o,
            "<p class=\"warn\" data-alert=\"{}\">{}</p>",
            esc(&a.key),
            esc(lang.pick(&a.message_id, &a.message_en))
        );
    }
    if !any {
        note(o, "no_alerts", lang);
    }
}

fn link(o: &mut String, s: &Snapshot, lang: Lang) {
    open(o, "link", "link", lang);
    let Some(l) = &s.status.link else {
        note(o, "no_link", lang);
        o.push_str("</section>");
        return;
    };
    let _ = write!(
        o,
        "<p class=\"link-{st}\"><span class=\"badge\">{}</span>",
        esc(t(&format!("link_{}", l.state), lang)),
        st = esc(&l.state)
    );
    if let Some(since) = &l.failing_since {
        let _ = write!(o, " {} {}", esc(t("failing_since", lang)), esc(since));
    }
    if let Some(ok) = &l.last_ok_at {
        let _ = write!(o, " · {} {}", esc(t("last_ok", lang)), esc(ok));
    }
    o.push_str("</p>");
    if let (Some(id), Some(en)) = (&l.error_id, &l.error_en) {
        let _ = write!(o, "<p class=\"warn\">{}</p>", esc(lang.pick(id, en)));
    }
    o.push_str("<dl>");
    fact(
        o,
        "events_waiting",
        "waiting",
        &l.events_waiting.to_string(),
        lang,
    );
    fact(
        o,
        "events_refused",
        "refused",
        &l.events_refused.to_string(),
        lang,
    );
    o.push_str("</dl></section>");
}
