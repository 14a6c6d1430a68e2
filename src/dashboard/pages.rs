//! The dashboard's pages: server-side HTML in Bahasa Indonesia (English with `?lang=en` or the
//! `lang=en` cookie), one page with every section ([`super::sections`]), its `<main>` also
//! served alone (`GET /fragment`) and pushed by `GET /events` ([`super::live`]) when it
//! changes; below it the blangko forms ([`super::forms`]), only those the viewer's role may
//! use. The CSS and the small script are compiled in (`assets/`), so nothing is fetched at
//! install or run time.
//!
//! Who may look: the signed-in user ([`super::session`]), else, on a plain loopback
//! connection, the caller named by the kernel ([`super::peer`], read only), with a role that
//! may read the station's status on the control socket (`[authority]`), checked at each
//! request.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::text::{t, Lang};
use super::view::Snapshot;
use super::DashboardState;
use crate::daemon::control::{Authority, Groups, Op};

/// The stylesheet, compiled in.
pub const CSS: &str = include_str!("assets/dashboard.css");
/// The script (live updates), compiled in.
pub const JS: &str = include_str!("assets/dashboard.js");

/// `?lang=`, and `?done=` after an action, `?out=` after signing out.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    lang: Option<String>,
    /// Set after an action succeeded (the page says it was recorded).
    pub done: Option<String>,
    /// Set after signing out.
    pub out: Option<String>,
}

/// The language: `?lang=` first, then the `lang` cookie, else Bahasa Indonesia.
pub fn lang_of(q: &PageQuery, headers: &HeaderMap) -> Lang {
    let code = q
        .lang
        .clone()
        .or_else(|| super::session::cookie(headers, "lang"));
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

/// A signed-in person looking at the page: what their forms carry and which they may use.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// Unix user name.
    pub user: String,
    /// The session's CSRF token.
    pub csrf: String,
    /// The role now.
    pub authority: Authority,
}

impl Viewer {
    /// Whether the role allows `op` (as [`crate::daemon::control::Caller::require`] decides).
    pub fn may(&self, op: Op) -> bool {
        self.authority >= op.needs()
    }
}

/// Names the caller and checks it may read the status; a signed-in caller is the
/// [`Viewer`], one named by the kernel only reads. The refusal as a small page.
pub fn check_caller(
    state: &DashboardState,
    peer: SocketAddr,
    headers: &HeaderMap,
    lang: Lang,
) -> Result<Option<Viewer>, Box<Response>> {
    let refuse =
        |id: &str, en: &str| Box::new(super::session::plain(StatusCode::FORBIDDEN, lang, id, en));
    // Signed in: the session's user, its role from the groups now.
    if let Some(session) = super::session::current(state, headers) {
        if let Some(caller) = super::session::caller_of(state, &session.user) {
            caller
                .require(Op::Status)
                .map_err(|r| refuse(&r.body.message_id, &r.body.message_en))?;
            return Ok(Some(Viewer {
                user: session.user,
                csrf: session.csrf,
                authority: caller.authority,
            }));
        }
    }
    let Some(uid) = state.kernel_peer_uid(peer) else {
        let (id, en) = (t("caller_unknown", Lang::Id), t("caller_unknown", Lang::En));
        return Err(refuse(id, en));
    };
    Groups::from_config(&state.authority)
        .caller(uid)
        .require(Op::Status)
        .map_err(|r| refuse(&r.body.message_id, &r.body.message_en))?;
    Ok(None)
}

/// A caller allowed to read the status, and the language of the answer: the first step of the
/// page, its fragment, the event stream and the previews, as an extractor so that no handler
/// can skip it.
pub struct Reader {
    /// The answer's language.
    pub lang: Lang,
    /// The signed-in person; `None` for one named by the kernel (reads only).
    pub viewer: Option<Viewer>,
    /// The page's query.
    pub query: PageQuery,
}

impl FromRequestParts<DashboardState> for Reader {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &DashboardState,
    ) -> Result<Self, Response> {
        let ConnectInfo(peer) = ConnectInfo::<SocketAddr>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Query(query) = Query::<PageQuery>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let lang = lang_of(&query, &parts.headers);
        let viewer = check_caller(state, peer, &parts.headers, lang).map_err(|r| *r)?;
        Ok(Reader {
            lang,
            viewer,
            query,
        })
    }
}

/// Reads a snapshot off the async threads.
pub async fn snapshot(state: &DashboardState) -> Result<Snapshot, String> {
    let s = state.clone();
    tokio::task::spawn_blocking(move || {
        let j = s.journal.lock().unwrap_or_else(|e| e.into_inner());
        let mut t = s.tally.lock().unwrap_or_else(|e| e.into_inner());
        super::view::read(&s.handle, &j, &s.station, &s.station_name, &mut t)
            .map_err(|e| e.to_string())
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
pub async fn index(State(state): State<DashboardState>, reader: Reader) -> Response {
    let Reader {
        lang,
        viewer,
        query: q,
    } = reader;
    let snap = match snapshot(&state).await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let note = q.done.is_some().then(|| t("done", lang));
    let mut r = html(page(&snap, lang, viewer.as_ref(), note));
    if let Some(code) = q.lang.as_deref().filter(|c| *c == "en" || *c == "id") {
        let attributes = state.cookie_attributes();
        if let Ok(v) = format!("lang={code}; {attributes}; Max-Age=31536000").parse() {
            r.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    r
}

/// `GET /fragment`: the `<main>` contents only.
pub async fn fragment(State(state): State<DashboardState>, reader: Reader) -> Response {
    match snapshot(&state).await {
        Ok(s) => html(super::sections::main(
            &s,
            reader.lang,
            reader.viewer.as_ref(),
        )),
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

/// The header's right side: who is signed in and the sign-out button, or the sign-in link.
fn who(lang: Lang, viewer: Option<&Viewer>) -> String {
    match viewer {
        Some(v) => format!(
            "<span class=\"who\" data-role=\"{role}\">{user}</span>\
             <form method=\"post\" action=\"/logout\" class=\"inline\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
             <button type=\"submit\" class=\"link\" id=\"sign-out\">{out}</button></form>",
            role = v.authority.code(),
            user = esc(&v.user),
            csrf = esc(&v.csrf),
            out = esc(t("sign_out", lang)),
        ),
        None => format!(
            "<a class=\"who\" href=\"/login\">{}</a>",
            esc(t("sign_in", lang))
        ),
    }
}

/// The whole page; `note` is shown once under the header (e.g. "recorded").
pub fn page(s: &Snapshot, lang: Lang, viewer: Option<&Viewer>, note: Option<&str>) -> String {
    format!(
        "<!doctype html>\n<html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} {station}</title><link rel=\"stylesheet\" href=\"/assets/dashboard.css\">\
         <script src=\"/assets/dashboard.js\" defer></script></head>\
         <body data-lang=\"{code}\"><header><h1>{title} <span class=\"station\">{station}</span></h1>\
         <span id=\"live\" class=\"live\" data-on=\"{live}\" data-off=\"{off}\"></span>\
         {who}<a class=\"lang\" href=\"/?lang={other}\">{switch}</a></header>{note}\
         <main id=\"main\">{main}</main>{forms}</body></html>\n",
        code = lang.tag(),
        other = lang.pick("en", "id"),
        title = esc(t("title", lang)),
        station = esc(&s.status.station_name),
        live = esc(t("live", lang)),
        off = esc(t("offline_live", lang)),
        switch = esc(t("lang_switch", lang)),
        who = who(lang, viewer),
        note = note
            .map(|n| format!("<p class=\"flash\" role=\"status\">{}</p>", esc(n)))
            .unwrap_or_default(),
        main = super::sections::main(s, lang, viewer),
        forms = viewer
            .map(|v| super::forms::blangko(s, lang, v))
            .unwrap_or_default(),
    )
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
            ..Default::default()
        };
        assert_eq!(lang_of(&q, &h), Lang::Id);
    }
}
