//! Signing in and out of the dashboard.
//!
//! `POST /login` takes either the operating-system account (`user`, `password`, checked by PAM,
//! [`super::pam`]) or a per-user token (`token`, [`super::tokens`]); either way the user must
//! have a role now (operator or administrator group, as on the control socket). With
//! `[dashboard] account_sign_in = false` only tokens are offered and accepted (an office that
//! keeps the service user out of `shadow`, `docs/dashboard.md`). A success sets the session
//! cookie (`cetak_session`, HttpOnly, SameSite=Strict, Secure over HTTPS); sessions live in
//! memory (a daemon restart signs everyone out) and end after `[dashboard]
//! session_idle_minutes` without a request (default 8 hours) or at `POST /logout`. Failed
//! sign-ins are throttled ([`super::throttle`]). Each session has a CSRF token that every form
//! carries. The role is read from the user's groups at each request, never stored in the
//! session.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::pages::{esc, lang_of, PageQuery};
use super::text::{say, t, Lang};
use super::DashboardState;
use crate::daemon::control::{Caller, Groups, Op};
use crate::messages::Args;

/// Cookie name of a session.
pub const COOKIE: &str = "cetak_session";

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct Session {
    /// The session's id (the cookie's value).
    pub id: String,
    /// Unix user name.
    pub user: String,
    /// The token every form of this session carries.
    pub csrf: String,
    /// The last request (the idle timeout counts from here).
    last_seen: Instant,
}

/// The signed-in sessions, each ending after `idle` without a request.
#[derive(Debug, Clone)]
pub struct Sessions {
    by_id: Arc<Mutex<HashMap<String, Session>>>,
    idle: Duration,
}

fn random_hex() -> Option<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).ok()?;
    Some(hex::encode(b))
}

impl Sessions {
    /// Sessions that end after `idle` without a request.
    pub fn new(idle: Duration) -> Sessions {
        Sessions {
            by_id: Default::default(),
            idle,
        }
    }

    /// A new session for `user` (`None` without randomness from the system).
    pub fn open(&self, user: &str, now: Instant) -> Option<Session> {
        let s = Session {
            id: random_hex()?,
            user: user.to_string(),
            csrf: random_hex()?,
            last_seen: now,
        };
        let mut m = self.by_id.lock().unwrap_or_else(|e| e.into_inner());
        m.retain(|_, v| now.saturating_duration_since(v.last_seen) <= self.idle);
        m.insert(s.id.clone(), s.clone());
        Some(s)
    }

    /// The live session `id`, its idle time restarted; an expired one is removed.
    pub fn get(&self, id: &str, now: Instant) -> Option<Session> {
        let mut m = self.by_id.lock().unwrap_or_else(|e| e.into_inner());
        let s = m.get_mut(id)?;
        if now.saturating_duration_since(s.last_seen) > self.idle {
            m.remove(id);
            return None;
        }
        s.last_seen = s.last_seen.max(now);
        Some(s.clone())
    }

    /// Ends session `id`; `false` if there was none.
    pub fn close(&self, id: &str) -> bool {
        self.by_id
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id)
            .is_some()
    }
}

/// `application/x-www-form-urlencoded` fields (`+` and `%XX` decoded).
pub fn form(body: &str) -> HashMap<String, String> {
    fn decode(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < b.len() => {
                    let hi = (b[i + 1] as char).to_digit(16);
                    let lo = (b[i + 2] as char).to_digit(16);
                    match (hi, lo) {
                        (Some(h), Some(l)) => {
                            out.push((h * 16 + l) as u8);
                            i += 2;
                        }
                        _ => out.push(b'%'),
                    }
                }
                c => out.push(c),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    body.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

/// The value of cookie `name` in the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().strip_prefix(name)?.strip_prefix('='))
        .map(str::to_string)
        .next()
}

/// The live session named by the request's cookie.
pub fn current(state: &DashboardState, headers: &HeaderMap) -> Option<Session> {
    state
        .sessions
        .get(&cookie(headers, COOKIE)?, Instant::now())
}

/// The caller behind a user name, its role from the groups now (blocking: NSS).
pub fn caller_of(state: &DashboardState, user: &str) -> Option<Caller> {
    let u = nix::unistd::User::from_name(user).ok().flatten()?;
    Some(Groups::from_config(&state.authority).caller(u.uid.as_raw()))
}

/// A small page with a message in both languages (the page's language first).
pub fn plain(status: StatusCode, lang: Lang, id: &str, en: &str) -> Response {
    let (first, second) = match lang {
        Lang::En => (("en", en), ("id", id)),
        _ => (("id", id), ("en", en)),
    };
    let title = match status {
        StatusCode::FORBIDDEN => t("forbidden", lang),
        _ => t("error", lang),
    };
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        format!(
            "<!doctype html><html lang=\"{l}\"><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title}</title><link rel=\"stylesheet\" href=\"/assets/dashboard.css\">\
             <main class=\"single\"><section class=\"refusal\"><h2>{title}</h2>\
             <p lang=\"{l1}\">{m1}</p><p lang=\"{l2}\" class=\"note\">{m2}</p>\
             <p><a href=\"/\">&larr; {back}</a></p></section></main></html>",
            l = lang.tag(),
            title = esc(title),
            l1 = first.0,
            m1 = esc(first.1),
            l2 = second.0,
            m2 = esc(second.1),
            back = esc(t("back", lang)),
        ),
    )
        .into_response()
}

/// [`plain`] with a catalogue code.
pub fn plain_code(status: StatusCode, lang: Lang, code: &'static str, args: Args) -> Response {
    plain(
        status,
        lang,
        &say(Lang::Id, code, args.clone()),
        &say(Lang::En, code, args),
    )
}

/// 303 to `to`, with an optional `Set-Cookie`.
pub fn see_other(to: &str, cookie: Option<String>) -> Response {
    let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response();
    if let Some(c) = cookie.and_then(|c| c.parse().ok()) {
        r.headers_mut().insert(header::SET_COOKIE, c);
    }
    r
}

/// `GET /login`: the account form (when `account_sign_in`) and the token form.
pub async fn login_page(
    State(state): State<DashboardState>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&q, &headers);
    let note = if q.out.is_some() {
        format!("<p class=\"note\">{}</p>", esc(t("signed_out", lang)))
    } else {
        String::new()
    };
    let account_form = if state.account_sign_in {
        format!(
            "<form method=\"post\" action=\"/login\" class=\"stack\"><h3>{account}</h3>\
             <label>{user} <input name=\"user\" autocomplete=\"username\" required></label>\
             <label>{password} <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>\
             <button type=\"submit\">{sign_in}</button></form>",
            account = esc(t("sign_in_account", lang)),
            user = esc(t("user", lang)),
            password = esc(t("password", lang)),
            sign_in = esc(t("sign_in", lang)),
        )
    } else {
        String::new()
    };
    let body = format!(
        "<!doctype html><html lang=\"{l}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{sign_in} · {title}</title><link rel=\"stylesheet\" href=\"/assets/dashboard.css\"></head>\
         <body><header><h1>{title}</h1><a class=\"lang\" href=\"/login?lang={other}\">{switch}</a></header>\
         <main class=\"single\"><section id=\"sign-in\"><h2>{sign_in}</h2>{note}{account_form}\
         <form method=\"post\" action=\"/login\" class=\"stack\"><h3>{with_token}</h3>\
         <label>{token} <input name=\"token\" type=\"password\" autocomplete=\"off\" required></label>\
         <button type=\"submit\">{sign_in}</button></form></section></main></body></html>",
        l = lang.tag(),
        other = lang.pick("en", "id"),
        switch = esc(t("lang_switch", lang)),
        title = esc(t("title", lang)),
        sign_in = esc(t("sign_in", lang)),
        with_token = esc(t("sign_in_token", lang)),
        token = esc(t("token", lang)),
    );
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// Who the sign-in form names, if the credentials hold: the account through PAM, or a token.
fn check_credentials(state: &DashboardState, f: &HashMap<String, String>) -> Option<String> {
    let user = match (f.get("user"), f.get("password"), f.get("token")) {
        (Some(_), Some(_), _) if !state.account_sign_in => {
            tracing::warn!("dashboard: account sign-in is off ([dashboard] account_sign_in)");
            return None;
        }
        (Some(user), Some(password), _) if !user.is_empty() => {
            match super::pam::authenticate(&state.pam_service, user, password) {
                Ok(()) => user.clone(),
                Err(e) => {
                    tracing::warn!(error = %e, "dashboard: PAM refused a sign-in");
                    return None;
                }
            }
        }
        (_, _, Some(token)) => state.tokens.user_of(token).ok().flatten()?,
        _ => return None,
    };
    caller_of(state, &user)?.require(Op::Status).ok()?;
    Some(user)
}

/// `POST /login`.
pub async fn login(
    State(state): State<DashboardState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let lang = lang_of(&q, &headers);
    let f = form(&body);
    let keys = super::throttle::keys(peer.ip(), f.get("user").map(String::as_str));
    if let Err(wait) = state.throttle.check(&keys, Instant::now()) {
        tracing::warn!("dashboard: sign-in throttled");
        let args = Args::new().with("seconds", wait.as_secs());
        return plain_code(StatusCode::TOO_MANY_REQUESTS, lang, "dash.throttled", args);
    }
    let s = state.clone();
    let found = tokio::task::spawn_blocking(move || check_credentials(&s, &f))
        .await
        .ok()
        .flatten();
    let Some(user) = found else {
        state.throttle.failed(&keys, Instant::now());
        tracing::warn!("dashboard: sign-in refused");
        return plain_code(
            StatusCode::FORBIDDEN,
            lang,
            "dash.sign_in_refused",
            Args::new(),
        );
    };
    state.throttle.succeeded(&keys);
    let Some(session) = state.sessions.open(&user, Instant::now()) else {
        return plain_code(
            StatusCode::INTERNAL_SERVER_ERROR,
            lang,
            "dash.internal",
            Args::new(),
        );
    };
    tracing::info!(user = %user, "dashboard: signed in");
    see_other(
        "/",
        Some(format!(
            "{COOKIE}={}; HttpOnly; {}",
            session.id,
            state.cookie_attributes()
        )),
    )
}

/// `POST /logout` (field `csrf`): ends the session, clears the cookie.
pub async fn logout(
    State(state): State<DashboardState>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let lang = lang_of(&q, &headers);
    let Some(session) = current(&state, &headers) else {
        return see_other("/login", None);
    };
    if form(&body).get("csrf") != Some(&session.csrf) {
        return plain_code(StatusCode::FORBIDDEN, lang, "dash.stale_form", Args::new());
    }
    state.sessions.close(&session.id);
    tracing::info!(user = %session.user, "dashboard: signed out");
    see_other(
        "/login?out=1",
        Some(format!(
            "{COOKIE}=; HttpOnly; {}; Max-Age=0",
            state.cookie_attributes()
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_are_decoded() {
        let f = form("token=cetak_ab&name=Siti+R%C3%A4hma&bad=%zz&end=%4");
        assert_eq!(f["token"], "cetak_ab");
        assert_eq!(f["name"], "Siti Rähma");
        assert_eq!(f["bad"], "%zz");
        assert_eq!(f["end"], "%4");
    }

    #[test]
    fn a_session_ends_after_its_idle_time_and_each_request_restarts_it() {
        let idle = Duration::from_secs(8 * 3600);
        let s = Sessions::new(idle);
        let t0 = Instant::now();
        let a = s.open("siti", t0).unwrap();
        // Used within the idle time: alive, and the clock restarts.
        let t1 = t0 + idle - Duration::from_secs(1);
        assert_eq!(s.get(&a.id, t1).unwrap().user, "siti");
        let t2 = t1 + idle;
        assert!(s.get(&a.id, t2).is_some());
        // Idle longer than allowed: gone, also afterwards.
        let t3 = t2 + idle + Duration::from_secs(1);
        assert!(s.get(&a.id, t3).is_none());
        assert!(s.get(&a.id, t2).is_none());
        // Closing: gone at once.
        let b = s.open("budi", t0).unwrap();
        assert!(s.close(&b.id));
        assert!(!s.close(&b.id));
        assert!(s.get(&b.id, t0).is_none());
    }

    #[test]
    fn cookies_are_found_by_exact_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "xcetak_session=1; lang=en; cetak_session=abc"
                .parse()
                .unwrap(),
        );
        assert_eq!(cookie(&h, COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "lang").as_deref(), Some("en"));
    }
}
