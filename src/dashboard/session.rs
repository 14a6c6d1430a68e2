//! Sign-in with a per-user token ([`super::tokens`]) and the dashboard's first action.
//!
//! `POST /login` (form field `token`) checks the token and that its user has a role now, then
//! sets a session cookie (`cetak_session`, HttpOnly, SameSite=Strict); sessions live in memory
//! (a daemon restart signs everyone out). Each session has a CSRF token that every form
//! carries. The role is read from the user's groups at each request, as on the control socket.
//!
//! `POST /act` (fields `printer`, `action`, `event`, `csrf`): the decision on a paused printer,
//! through the same [`StationHandle::act_as`](crate::daemon::StationHandle::act_as) as
//! `POST /v1/printers/{id}/act`, recorded in the journal with the signed-in user.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::pages::esc;
use super::DashboardState;
use crate::daemon::control::{Caller, Groups, Op};
use crate::daemon::Action;

/// Cookie name of a session.
pub const COOKIE: &str = "cetak_session";

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct Session {
    /// Unix user name.
    pub user: String,
    /// The token every form of this session carries.
    pub csrf: String,
}

/// Sessions by id.
pub type Sessions = Arc<Mutex<HashMap<String, Session>>>;

fn random_hex() -> Option<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).ok()?;
    Some(hex::encode(b))
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

/// The session named by the request's cookie.
pub fn current(state: &DashboardState, headers: &HeaderMap) -> Option<Session> {
    let id = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| {
            c.trim()
                .strip_prefix(&format!("{COOKIE}="))
                .map(str::to_string)
        })
        .next()?;
    state
        .sessions
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&id)
        .cloned()
}

/// The caller behind a user name, its role from the groups now.
pub fn caller_of(state: &DashboardState, user: &str) -> Option<Caller> {
    let u = nix::unistd::User::from_name(user).ok().flatten()?;
    Some(Groups::from_config(&state.authority).caller(u.uid.as_raw()))
}

fn plain(status: StatusCode, id: &str, en: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        format!(
            "<!doctype html><meta charset=utf-8><title>cetak</title><p lang=id>{}</p><p lang=en>{}</p><p><a href=\"/\">&larr;</a></p>",
            esc(id),
            esc(en)
        ),
    )
        .into_response()
}

fn see_other(cookie: Option<String>) -> Response {
    let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
    if let Some(c) = cookie.and_then(|c| c.parse().ok()) {
        r.headers_mut().insert(header::SET_COOKIE, c);
    }
    r
}

/// `GET /login`.
pub async fn login_page() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!doctype html><html lang=id><meta charset=utf-8><meta name=viewport content=\"width=device-width, initial-scale=1\">\
         <title>Masuk / Sign in</title><link rel=stylesheet href=/assets/dashboard.css>\
         <main><section><h2>Masuk / Sign in</h2><form method=post action=/login>\
         <label>Token <input name=token type=password autocomplete=off required></label> \
         <button type=submit>Masuk</button></form></section></main></html>",
    )
        .into_response()
}

/// `POST /login`.
pub async fn login(State(state): State<DashboardState>, body: String) -> Response {
    let f = form(&body);
    let token = f.get("token").map(String::as_str).unwrap_or("");
    let s = state.clone();
    let token = token.to_string();
    let found = tokio::task::spawn_blocking(move || {
        let user = s.tokens.user_of(&token).ok().flatten()?;
        let caller = caller_of(&s, &user)?;
        caller.require(Op::Status).ok()?;
        Some(user)
    })
    .await
    .ok()
    .flatten();
    let Some(user) = found else {
        tracing::warn!("dashboard: sign-in refused");
        return plain(
            StatusCode::FORBIDDEN,
            "Token tidak berlaku, atau pengguna tidak ada di grup operator/administrator.",
            "The token is not valid, or its user is in neither the operator nor the administrator group.",
        );
    };
    let (Some(id), Some(csrf)) = (random_hex(), random_hex()) else {
        return plain(StatusCode::INTERNAL_SERVER_ERROR, "kesalahan", "error");
    };
    tracing::info!(user = %user, "dashboard: signed in");
    state
        .sessions
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(id.clone(), Session { user, csrf });
    see_other(Some(format!(
        "{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict"
    )))
}

/// `POST /act`.
pub async fn act(
    State(state): State<DashboardState>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let Some(session) = current(&state, &headers) else {
        return plain(
            StatusCode::UNAUTHORIZED,
            "Silakan masuk dulu.",
            "Please sign in first.",
        );
    };
    let f = form(&body);
    if f.get("csrf") != Some(&session.csrf) {
        return plain(
            StatusCode::FORBIDDEN,
            "Formulir kedaluwarsa: muat ulang halaman.",
            "The form is stale: reload the page.",
        );
    }
    let (Some(printer), Some(action)) = (f.get("printer"), f.get("action")) else {
        return plain(
            StatusCode::BAD_REQUEST,
            "printer dan action wajib",
            "printer and action are required",
        );
    };
    let Ok(action) = action.parse::<Action>() else {
        return plain(
            StatusCode::BAD_REQUEST,
            "tindakan tidak dikenal",
            "unknown action",
        );
    };
    let event = f.get("event").and_then(|e| e.parse::<u64>().ok());
    let s = state.clone();
    let user = session.user.clone();
    let caller = tokio::task::spawn_blocking(move || caller_of(&s, &user))
        .await
        .ok()
        .flatten();
    let Some(caller) = caller else {
        return plain(
            StatusCode::FORBIDDEN,
            "pengguna tidak dikenal",
            "unknown user",
        );
    };
    if let Err(r) = caller.require(Op::Act) {
        return plain(
            StatusCode::FORBIDDEN,
            &r.body.message_id,
            &r.body.message_en,
        );
    }
    let actor = match caller.actor(None) {
        Ok(a) => a,
        Err(r) => {
            return plain(
                StatusCode::FORBIDDEN,
                &r.body.message_id,
                &r.body.message_en,
            )
        }
    };
    match state.handle.act_as(printer, action, &actor, event) {
        Ok(_) => {
            tracing::info!(printer = %printer, action = action.code(), operator = %actor.id, "operator decision via dashboard");
            see_other(None)
        }
        Err(e) => plain(
            StatusCode::CONFLICT,
            &crate::messages::MessageText::message_id(&e),
            &e.to_string(),
        ),
    }
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
}
