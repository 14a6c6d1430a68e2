//! The dashboard's pages: server-side HTML in Bahasa Indonesia (English with `?lang=en` or the
//! `lang=en` cookie), one page with every section, its `<main>` also served alone
//! (`GET /fragment`) and pushed by `GET /events` ([`super::live`]) when it changes. The CSS and
//! the small script are compiled in (`assets/`), so nothing is fetched at install or run time.
//!
//! Who may look: the signed-in user ([`super::session`]), else the caller named by the kernel
//! ([`super::peer`]), with a role that may read the station's status on the control socket
//! (`[authority]`), checked at each request.

use std::fmt::Write as _;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::text::{t, Lang};
use super::view::Snapshot;
use super::DashboardState;
use crate::daemon::control::{Groups, Op};

/// The stylesheet, compiled in.
pub const CSS: &str = include_str!("assets/dashboard.css");
/// The script (live updates), compiled in.
pub const JS: &str = include_str!("assets/dashboard.js");

/// `?lang=`.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    lang: Option<String>,
}

/// The language: `?lang=` first, then the `lang` cookie, else Bahasa Indonesia.
pub fn lang_of(q: &PageQuery, headers: &HeaderMap) -> Lang {
    let code = q.lang.clone().or_else(|| {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|c| c.trim().strip_prefix("lang="))
            .map(str::to_string)
            .next()
    });
    match code.as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Id,
    }
}

/// HTML escaping of text and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Names the caller and checks it may read the status; the refusal as a small page.
pub fn check_caller(
    state: &DashboardState,
    peer: SocketAddr,
    headers: &HeaderMap,
    lang: Lang,
) -> Result<(), Box<Response>> {
    let refuse = |id: &str, en: &str| {
        Box::new(
            (
                StatusCode::FORBIDDEN,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                format!(
                    "<!doctype html><meta charset=utf-8><title>{0}</title><h1>{0}</h1><p>{1}</p>",
                    esc(t("forbidden", lang)),
                    esc(lang.pick(id, en))
                ),
            )
                .into_response(),
        )
    };
    // Signed in: the session's user, its role from the groups now.
    if let Some(session) = super::session::current(state, headers) {
        if let Some(caller) = super::session::caller_of(state, &session.user) {
            return caller
                .require(Op::Status)
                .map_err(|r| refuse(&r.body.message_id, &r.body.message_en));
        }
    }
    let Some(uid) = super::peer::peer_uid(peer, state.local) else {
        return Err(refuse(
            "pemanggil tidak dapat dikenali",
            "the caller could not be identified",
        ));
    };
    let groups = Groups::from_config(&state.authority);
    groups
        .caller(uid)
        .require(Op::Status)
        .map_err(|r| refuse(&r.body.message_id, &r.body.message_en))
}

/// Reads a snapshot off the async threads.
pub async fn snapshot(state: &DashboardState) -> Result<Snapshot, String> {
    let s = state.clone();
    tokio::task::spawn_blocking(move || {
        let j = s.journal.lock().unwrap_or_else(|e| e.into_inner());
        super::view::read(&s.handle, &j, &s.station, &s.station_name).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

fn html(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

fn internal(e: String) -> Response {
    tracing::error!(error = %e, "dashboard: snapshot");
    (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response()
}

/// `GET /`: the whole page.
pub async fn index(
    State(state): State<DashboardState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&q, &headers);
    if let Err(r) = check_caller(&state, peer, &headers, lang) {
        return *r;
    }
    let snap = match snapshot(&state).await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let session = super::session::current(&state, &headers);
    let mut r = html(page(&snap, lang, session.as_ref()));
    if let Some(code) = q.lang.as_deref().filter(|c| *c == "en" || *c == "id") {
        if let Ok(v) = format!("lang={code}; Path=/; SameSite=Strict; Max-Age=31536000").parse() {
            r.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    r
}

/// `GET /fragment`: the `<main>` contents only.
pub async fn fragment(
    State(state): State<DashboardState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&q, &headers);
    if let Err(r) = check_caller(&state, peer, &headers, lang) {
        return *r;
    }
    match snapshot(&state).await {
        Ok(s) => {
            let session = super::session::current(&state, &headers);
            html(main(&s, lang, session.as_ref().map(|x| x.csrf.as_str())))
        }
        Err(e) => internal(e),
    }
}

/// `GET /assets/dashboard.css`.
pub async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}

/// `GET /assets/dashboard.js`.
pub async fn js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        JS,
    )
        .into_response()
}

/// The whole page.
pub fn page(s: &Snapshot, lang: Lang, session: Option<&super::session::Session>) -> String {
    let other = match lang {
        Lang::Id => "en",
        Lang::En => "id",
    };
    format!(
        "<!doctype html>\n<html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} {station}</title><link rel=\"stylesheet\" href=\"/assets/dashboard.css\">\
         <script src=\"/assets/dashboard.js\" defer></script></head>\
         <body data-lang=\"{code}\"><header><h1>{title} <span class=\"station\">{station}</span></h1>\
         <span id=\"live\" class=\"live\" data-on=\"{live}\" data-off=\"{off}\"></span>\
         {who}<a class=\"lang\" href=\"/?lang={other}\">{switch}</a></header>\
         <main id=\"main\">{main}</main></body></html>\n",
        code = lang.code(),
        title = esc(t("title", lang)),
        station = esc(&s.status.station_name),
        live = esc(t("live", lang)),
        off = esc(t("offline_live", lang)),
        switch = esc(t("lang_switch", lang)),
        who = match session {
            Some(x) => format!("<span class=\"who\">{}</span>", esc(&x.user)),
            None => format!("<a class=\"who\" href=\"/login\">{}</a>", esc(t("sign_in", lang))),
        },
        main = main(s, lang, session.map(|x| x.csrf.as_str())),
    )
}

fn printer_state_label(state: &str, lang: Lang) -> String {
    t(&format!("p_{state}"), lang).to_string()
}

fn step_label(code: &str, lang: Lang) -> String {
    match code.parse::<crate::journal::JobState>() {
        Ok(s) => lang.pick(s.label_id(), s.label_en()).to_string(),
        Err(_) => code.to_string(),
    }
}

/// The `<main>` contents: every section; with `csrf` (signed in) the actions are forms.
pub fn main(s: &Snapshot, lang: Lang, csrf: Option<&str>) -> String {
    let mut o = String::new();
    printers(&mut o, s, lang, csrf);
    queue(&mut o, s, lang);
    batches(&mut o, s, lang);
    doubt(&mut o, s, lang);
    stock(&mut o, s, lang);
    link(&mut o, s, lang);
    o
}

fn printers(o: &mut String, s: &Snapshot, lang: Lang, csrf: Option<&str>) {
    let _ = write!(
        o,
        "<section id=\"printers\"><h2>{}</h2><div class=\"cards\">",
        esc(t("printers", lang))
    );
    for p in &s.status.printers {
        let _ = write!(
            o,
            "<article class=\"printer state-{st}\" data-printer=\"{id}\"><h3>{id} \
             <span class=\"badge\">{label}</span></h3><dl>",
            st = esc(&p.state),
            id = esc(&p.id),
            label = esc(&printer_state_label(&p.state, lang)),
        );
        if let Some(job) = &p.job_id {
            let step = s
                .steps
                .get(job)
                .map(|c| step_label(c, lang))
                .unwrap_or_default();
            let _ = write!(
                o,
                "<dt>{}</dt><dd class=\"job\">{}</dd><dt>{}</dt><dd class=\"step\">{}</dd>",
                esc(t("job", lang)),
                esc(job),
                esc(t("step", lang)),
                esc(&step)
            );
        }
        if let (Some(en), Some(id)) = (&p.reason, &p.reason_id) {
            let _ = write!(
                o,
                "<dt>{}</dt><dd>{}</dd>",
                esc(t("reason", lang)),
                esc(lang.pick(id, en))
            );
        }
        let feeder: Vec<String> = s
            .stock
            .feeders
            .iter()
            .filter(|f| f.printer == p.id)
            .map(|f| format!("{} {}", f.count, f.blangko_type))
            .collect();
        let low_feeder = s
            .status
            .alerts
            .iter()
            .any(|a| a.kind == "low_stock_feeder" && a.key == format!("feeder:{}", p.id));
        let _ = write!(
            o,
            "<dt>{}</dt><dd class=\"feeder{}\">{}</dd>",
            esc(t("feeder", lang)),
            if low_feeder { " low" } else { "" },
            if feeder.is_empty() {
                "0".to_string()
            } else {
                esc(&feeder.join(", "))
            }
        );
        let _ = write!(
            o,
            "<dt>{}</dt><dd class=\"ribbon\">{}</dd>",
            esc(t("ribbon", lang)),
            p.ribbon_cards_left
                .map(|n| n.to_string())
                .unwrap_or_else(|| "–".into())
        );
        let (printed, spoiled) = s.counters.get(&p.id).copied().unwrap_or((0, 0));
        let _ = write!(
            o,
            "<dt>{}</dt><dd class=\"printed\">{printed}</dd><dt>{}</dt><dd class=\"spoiled\">{spoiled}</dd></dl>",
            esc(t("printed", lang)),
            esc(t("spoiled", lang)),
        );
        if let Some(ev) = s.status.events.iter().find(|e| e.printer == p.id) {
            let _ = write!(
                o,
                "<div class=\"event\" data-event=\"{}\"><p><strong>{}:</strong> {}</p><div class=\"actions\">",
                ev.id,
                esc(t("event", lang)),
                esc(lang.pick(&ev.message_id, &ev.message_en))
            );
            for a in &ev.allowed {
                let label = esc(t(&format!("act_{a}"), lang));
                match csrf {
                    Some(c) => {
                        let _ = write!(
                            o,
                            "<form method=\"post\" action=\"/act\"><input type=\"hidden\" name=\"csrf\" value=\"{c}\">\
                             <input type=\"hidden\" name=\"printer\" value=\"{p}\"><input type=\"hidden\" name=\"event\" value=\"{ev}\">\
                             <button type=\"submit\" class=\"act\" name=\"action\" value=\"{a}\" data-action=\"{a}\">{label}</button></form>",
                            c = esc(c),
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
        o.push_str("</article>");
    }
    o.push_str("</div></section>");
}

fn queue(o: &mut String, s: &Snapshot, lang: Lang) {
    let _ = write!(
        o,
        "<section id=\"queue\"><h2>{}</h2><ul class=\"counts\">",
        esc(t("queue", lang))
    );
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
    let _ = write!(
        o,
        "<section id=\"batches\"><h2>{}</h2>",
        esc(t("batches", lang))
    );
    if s.batches.is_empty() {
        let _ = write!(o, "<p class=\"note\">{}</p>", esc(t("no_batches", lang)));
    } else {
        let _ = write!(
            o,
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr></thead><tbody>",
            esc(t("batch", lang)),
            esc(t("jobs", lang)),
            esc(t("printed", lang)),
            esc(t("spoiled", lang)),
            esc(t("left", lang)),
        );
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
        o.push_str("</tbody></table>");
    }
    o.push_str("</section>");
}

fn doubt(o: &mut String, s: &Snapshot, lang: Lang) {
    let _ = write!(
        o,
        "<section id=\"doubt\"><h2>{} <span class=\"count\">{}</span></h2>",
        esc(t("doubt", lang)),
        s.doubt.len()
    );
    if s.doubt.is_empty() {
        let _ = write!(o, "<p class=\"note\">{}</p>", esc(t("no_doubt", lang)));
    } else {
        let _ = write!(
            o,
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            esc(t("job", lang)),
            esc(t("nik", lang)),
            esc(t("printer", lang)),
            esc(t("was", lang)),
            esc(t("reason", lang)),
            esc(t("since", lang)),
        );
        for d in &s.doubt {
            let reason = match (&d.reason_id, &d.reason) {
                (Some(id), Some(en)) => lang.pick(id, en).to_string(),
                (Some(x), None) | (None, Some(x)) => x.clone(),
                (None, None) => String::new(),
            };
            let _ = write!(
                o,
                "<tr data-job=\"{job}\"><td>{job}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&d.nik_masked),
                esc(d.printer_id.as_deref().unwrap_or("–")),
                esc(&d.was.as_deref().map(|w| step_label(w, lang)).unwrap_or_default()),
                esc(&reason),
                esc(&d.since),
                job = esc(&d.job_id),
            );
        }
        o.push_str("</tbody></table>");
    }
    o.push_str("</section>");
}

fn stock(o: &mut String, s: &Snapshot, lang: Lang) {
    let _ = write!(
        o,
        "<section id=\"stock\"><h2>{}</h2>",
        esc(t("stock", lang))
    );
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
    let _ = write!(
        o,
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        esc(t("type", lang)),
        esc(t("in_store", lang)),
        esc(t("in_feeders", lang)),
        esc(t("in_printers", lang)),
        esc(t("printed", lang)),
        esc(t("spoiled", lang)),
        esc(t("received", lang)),
        esc(t("returned", lang)),
    );
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
    o.push_str("</tbody></table>");
    if !s.stock.feeders.is_empty() {
        let _ = write!(
            o,
            "<table class=\"feeders\"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            esc(t("feeder", lang)),
            esc(t("type", lang)),
            esc(t("count", lang)),
        );
        for f in &s.stock.feeders {
            let _ = write!(
                o,
                "<tr data-feeder=\"{p}\"><td>{p}</td><td>{}</td><td>{}</td></tr>",
                esc(&f.blangko_type),
                f.count,
                p = esc(&f.printer),
            );
        }
        o.push_str("</tbody></table>");
    }
    let other: Vec<_> = s
        .status
        .alerts
        .iter()
        .filter(|a| !a.kind.starts_with("low_stock"))
        .collect();
    let _ = write!(o, "<h3>{}</h3>", esc(t("alerts", lang)));
    if other.is_empty() {
        let _ = write!(o, "<p class=\"note\">{}</p>", esc(t("no_alerts", lang)));
    }
    for a in other {
        let _ = write!(
            o,
            "<p class=\"warn\" data-alert=\"{}\">{}</p>",
            esc(&a.key),
            esc(lang.pick(&a.message_id, &a.message_en))
        );
    }
    o.push_str("</section>");
}

fn link(o: &mut String, s: &Snapshot, lang: Lang) {
    let _ = write!(o, "<section id=\"link\"><h2>{}</h2>", esc(t("link", lang)));
    match &s.status.link {
        None => {
            let _ = write!(o, "<p class=\"note\">{}</p>", esc(t("no_link", lang)));
        }
        Some(l) => {
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
            let _ = write!(
                o,
                "<dl><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>",
                esc(t("events_waiting", lang)),
                l.events_waiting,
                esc(t("events_refused", lang)),
                l.events_refused
            );
        }
    }
    o.push_str("</section>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn language_from_query_then_cookie() {
        let mut h = HeaderMap::new();
        assert_eq!(lang_of(&PageQuery::default(), &h), Lang::Id);
        h.insert(header::COOKIE, "a=b; lang=en".parse().unwrap());
        assert_eq!(lang_of(&PageQuery::default(), &h), Lang::En);
        let q = PageQuery {
            lang: Some("id".into()),
        };
        assert_eq!(lang_of(&q, &h), Lang::Id);
    }
}
