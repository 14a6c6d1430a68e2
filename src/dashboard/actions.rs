//! What a signed-in person does from the dashboard, each a form `POST` with the session's CSRF
//! token, checked against the caller's role exactly as on the control socket and recorded in
//! the journal and audit trail with the person as actor:
//!
//! - `POST /act` (`printer`, `action`, `event`): the decision on a paused printer, through the
//!   same [`StationHandle::act_as`](crate::daemon::StationHandle::act_as) as
//!   `POST /v1/printers/{id}/act`;
//! - `POST /doubt/resolve` (`job`, `resolution` = `printed` or a spoil category, `card_serial`,
//!   `note`), `POST /stock/{receive,load,spoil,return,adjust}`: the control socket's own
//!   [`Books`](crate::daemon::control::Books) operations, so the role check, the refusal audit
//!   (`auth.refused`) and the ledger entries are the same code.
//!
//! A refusal is a page in both languages with the control socket's status (403 for a role
//! that may not); a success goes back to the page (`/?done=…`).

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::pages::{lang_of, PageQuery};
use super::session::{caller_of, current, form, plain, plain_code, see_other, Session};
use super::text::Lang;
use super::DashboardState;
use crate::daemon::control::{
    AdjustRequest, Books, Caller, LoadRequest, MoveOutRequest, Op, ReceiveRequest, Refusal,
    ResolveRequest,
};
use crate::daemon::Action;
use crate::journal::Journal;
use crate::messages::{Args, MessageText as _};

/// A form's fields, after the session and CSRF checks.
type Fields = HashMap<String, String>;

/// The session, the form, the caller: or the page that says why not.
async fn signed_in(
    state: &DashboardState,
    headers: &HeaderMap,
    lang: Lang,
    body: &str,
) -> Result<(Session, Caller, Fields), Response> {
    let Some(session) = current(state, headers) else {
        return Err(plain_code(
            StatusCode::UNAUTHORIZED,
            lang,
            "dash.need_sign_in",
            Args::new(),
        ));
    };
    let f = form(body);
    if f.get("csrf") != Some(&session.csrf) {
        return Err(plain_code(
            StatusCode::FORBIDDEN,
            lang,
            "dash.stale_form",
            Args::new(),
        ));
    }
    let s = state.clone();
    let user = session.user.clone();
    let caller = tokio::task::spawn_blocking(move || caller_of(&s, &user))
        .await
        .ok()
        .flatten();
    let Some(caller) = caller else {
        let args = Args::new().with("user", &session.user);
        return Err(plain_code(
            StatusCode::FORBIDDEN,
            lang,
            "dash.unknown_user",
            args,
        ));
    };
    Ok((session, caller, f))
}

/// The refusal of the control socket as a page.
fn refused(lang: Lang, r: Refusal) -> Response {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::FORBIDDEN);
    plain(status, lang, &r.body.message_id, &r.body.message_en)
}

fn bad_form(lang: Lang, field: &str) -> Response {
    plain_code(
        StatusCode::BAD_REQUEST,
        lang,
        "dash.bad_form",
        Args::new().with("field", field),
    )
}

/// `POST /act`.
pub async fn act(
    State(state): State<DashboardState>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let lang = lang_of(&q, &headers);
    let (_, caller, f) = match signed_in(&state, &headers, lang, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(printer) = f.get("printer") else {
        return bad_form(lang, "printer");
    };
    let Some(Ok(action)) = f.get("action").map(|a| a.parse::<Action>()) else {
        return bad_form(lang, "action");
    };
    let event = f.get("event").and_then(|e| e.parse::<u64>().ok());
    if let Err(r) = caller.require(Op::Act) {
        return refused(lang, r);
    }
    let actor = match caller.actor(None) {
        Ok(a) => a,
        Err(r) => return refused(lang, r),
    };
    match state.handle.act_as(printer, action, &actor, event) {
        Ok(_) => {
            tracing::info!(printer = %printer, action = action.code(), operator = %actor.id, "operator decision via dashboard");
            see_other("/?done=act", None)
        }
        Err(e) => plain(StatusCode::CONFLICT, lang, &e.message_id(), &e.message_en()),
    }
}

/// Runs one of the control socket's book operations for a signed-in caller, off the async
/// threads, on the dashboard's journal connection.
async fn run_books<T: Send + 'static>(
    state: DashboardState,
    caller: Caller,
    lang: Lang,
    done: &str,
    op: impl FnOnce(&Books, &mut Journal, &Caller) -> Result<T, Refusal> + Send + 'static,
) -> Response {
    let r = tokio::task::spawn_blocking(move || {
        let mut j = state.journal.lock().unwrap_or_else(|e| e.into_inner());
        op(&state.books, &mut j, &caller)
    })
    .await;
    match r {
        Ok(Ok(_)) => see_other(&format!("/?done={done}"), None),
        Ok(Err(refusal)) => refused(lang, refusal),
        Err(e) => {
            tracing::error!(error = %e, "dashboard action task");
            plain_code(
                StatusCode::INTERNAL_SERVER_ERROR,
                lang,
                "dash.internal",
                Args::new(),
            )
        }
    }
}

/// A required, non-empty field.
fn field(f: &Fields, name: &'static str) -> Result<String, &'static str> {
    f.get(name)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .ok_or(name)
}

/// An optional field (absent or empty: `None`).
fn optional(f: &Fields, name: &str) -> Option<String> {
    f.get(name)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn number<T: std::str::FromStr>(f: &Fields, name: &'static str) -> Result<T, &'static str> {
    field(f, name)?.parse().map_err(|_| name)
}

/// `place`: `store` or a printer id (its feeder).
fn place(f: &Fields) -> Option<String> {
    optional(f, "place").filter(|p| p != "store")
}

/// `POST /doubt/resolve`.
pub async fn doubt_resolve(
    State(state): State<DashboardState>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let lang = lang_of(&q, &headers);
    let (_, caller, f) = match signed_in(&state, &headers, lang, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (job, resolution) = match (field(&f, "job"), field(&f, "resolution")) {
        (Ok(j), Ok(r)) => (j, r),
        (Err(name), _) | (_, Err(name)) => return bad_form(lang, name),
    };
    let printed = resolution == "printed";
    let req = ResolveRequest {
        printed,
        spoiled: (!printed).then_some(resolution),
        card_serial: optional(&f, "card_serial").filter(|_| printed),
        note: optional(&f, "note").unwrap_or_default(),
        operator: None,
    };
    run_books(state, caller, lang, "doubt", move |b, j, c| {
        b.doubt_resolve(j, c, &job, &req)
    })
    .await
}

/// Which blangko form.
#[derive(Debug, Clone, Copy)]
pub enum StockForm {
    /// Into the store (administrator).
    Receive,
    /// Store → a printer's feeder (operator).
    Load,
    /// Spoiled by hand (administrator).
    Spoil,
    /// Back to the province (administrator).
    Return,
    /// A correction (administrator).
    Adjust,
}

impl StockForm {
    /// The path segment and `done` code.
    pub fn code(self) -> &'static str {
        match self {
            StockForm::Receive => "receive",
            StockForm::Load => "load",
            StockForm::Spoil => "spoil",
            StockForm::Return => "return",
            StockForm::Adjust => "adjust",
        }
    }

    /// The operation it needs (what decides who sees the form).
    pub fn op(self) -> Op {
        match self {
            StockForm::Receive => Op::StockReceive,
            StockForm::Load => Op::StockLoad,
            StockForm::Spoil => Op::StockSpoil,
            StockForm::Return => Op::StockReturn,
            StockForm::Adjust => Op::StockAdjust,
        }
    }

    /// Every form, in page order.
    pub const ALL: [StockForm; 5] = [
        StockForm::Load,
        StockForm::Receive,
        StockForm::Spoil,
        StockForm::Return,
        StockForm::Adjust,
    ];
}

/// A blangko operation read from its form.
enum StockRequest {
    Receive(ReceiveRequest),
    Load(LoadRequest),
    Spoil(MoveOutRequest),
    Return(MoveOutRequest),
    Adjust(AdjustRequest),
}

fn stock_request(kind: StockForm, f: &Fields) -> Result<StockRequest, &'static str> {
    let move_out = |category| -> Result<MoveOutRequest, &'static str> {
        Ok(MoveOutRequest {
            printer: place(f),
            blangko_type: field(f, "type")?,
            count: number(f, "count")?,
            category,
            note: field(f, "note")?,
            operator: None,
        })
    };
    Ok(match kind {
        StockForm::Receive => StockRequest::Receive(ReceiveRequest {
            blangko_type: field(f, "type")?,
            count: number(f, "count")?,
            lot: field(f, "lot")?,
            note: optional(f, "note"),
            operator: None,
        }),
        StockForm::Load => StockRequest::Load(LoadRequest {
            printer: field(f, "printer")?,
            count: number(f, "count")?,
            blangko_type: None,
            operator: None,
        }),
        StockForm::Spoil => StockRequest::Spoil(move_out(Some(field(f, "category")?))?),
        StockForm::Return => StockRequest::Return(move_out(None)?),
        StockForm::Adjust => StockRequest::Adjust(AdjustRequest {
            printer: place(f),
            blangko_type: field(f, "type")?,
            delta: number(f, "delta")?,
            reason: field(f, "reason")?,
            operator: None,
        }),
    })
}

/// `POST /stock/{receive,load,spoil,return,adjust}`.
pub async fn stock(
    kind: StockForm,
    State(state): State<DashboardState>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let lang = lang_of(&q, &headers);
    let (_, caller, f) = match signed_in(&state, &headers, lang, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    // The role first: an operator learns that the form is not theirs, not which field is
    // missing. (Books checks again, and audits the refusal.)
    if caller.require(kind.op()).is_err() {
        let op = kind.op();
        return run_books(state, caller, lang, kind.code(), move |b, j, c| {
            b.guard(j, c, op)
        })
        .await;
    }
    let req = match stock_request(kind, &f) {
        Ok(r) => r,
        Err(name) => return bad_form(lang, name),
    };
    run_books(
        state,
        caller,
        lang,
        kind.code(),
        move |b, j, c| match &req {
            StockRequest::Receive(r) => b.stock_receive(j, c, r),
            StockRequest::Load(r) => b.stock_load(j, c, r),
            StockRequest::Spoil(r) => b.stock_spoil(j, c, r),
            StockRequest::Return(r) => b.stock_return(j, c, r),
            StockRequest::Adjust(r) => b.stock_adjust(j, c, r),
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn forms_become_the_control_sockets_requests() {
        let f = fields(&[
            ("place", "store"),
            ("type", "kia"),
            ("delta", "-2"),
            ("reason", " hitung ulang "),
        ]);
        let StockRequest::Adjust(a) = stock_request(StockForm::Adjust, &f).unwrap() else {
            panic!()
        };
        assert_eq!(
            (a.printer, a.delta, a.reason.as_str()),
            (None, -2, "hitung ulang")
        );
        let f = fields(&[
            ("place", "P1"),
            ("type", "kia"),
            ("count", "1"),
            ("category", "rusak"),
            ("note", "tergores"),
        ]);
        let StockRequest::Spoil(s) = stock_request(StockForm::Spoil, &f).unwrap() else {
            panic!()
        };
        assert_eq!(
            (s.printer.as_deref(), s.category.as_deref()),
            (Some("P1"), Some("rusak"))
        );
        // A missing or wrong field is named.
        let f = fields(&[("printer", "P1"), ("count", "x")]);
        assert_eq!(stock_request(StockForm::Load, &f).err(), Some("count"));
        assert_eq!(
            stock_request(StockForm::Return, &fields(&[])).err(),
            Some("type")
        );
    }
}
