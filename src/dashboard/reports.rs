//! `GET /reports/bast?batch=ID[&date=D]`, `/reports/spoilage?date=D` (or `from=D&to=D`),
//! `/reports/stock?from=D&to=D`, each with `format=pdf|csv` (default pdf): the reports of
//! `cetak report`, downloaded. The caller is the signed-in user ([`super::session`]), else, on
//! a plain loopback connection, the uid owning the client socket ([`super::peer`]; never over
//! TLS, where the client may be another host); it needs the role that reads reports on the
//! control socket (operator or administrator, `[authority]`). Refusals and errors answer JSON
//! `{error, message_en, message_id}` as on the control socket.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use serde::Deserialize;

use super::text::t;
use super::DashboardState;
use crate::daemon::control::{Groups, Op};
use crate::journal::Journal;
use crate::messages::Lang;
use crate::report::{Format, Period, ReportError};

/// Query of a report download.
#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    batch: Option<String>,
    date: Option<NaiveDate>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    format: Option<String>,
}

/// A refusal or error (boxed: a `Response` is large, and it travels in a `Result`).
fn answer(status: StatusCode, code: &str, id: String, en: String) -> Box<Response> {
    Box::new(
        (
            status,
            Json(serde_json::json!({ "error": code, "message_en": en, "message_id": id })),
        )
            .into_response(),
    )
}

/// A 400 with the catalogue text `dash.<key>`.
fn bad(key: &str) -> Box<Response> {
    let (id, en) = (t(key, Lang::Id), t(key, Lang::En));
    answer(StatusCode::BAD_REQUEST, "bad_request", id.into(), en.into())
}

/// Which report.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// BAST of a batch.
    Bast,
    /// Spoiled blangko.
    Spoilage,
    /// Stock movements and balances.
    Stock,
}

/// The caller: the signed-in user, else the uid the kernel names (plain loopback only); role
/// from the groups now; refused unless it may read reports (blocking: NSS).
fn may_read_reports(
    state: &DashboardState,
    peer: SocketAddr,
    headers: &HeaderMap,
) -> Result<(), Box<Response>> {
    let signed_in = super::session::current(state, headers)
        .and_then(|s| super::session::caller_of(state, &s.user));
    let caller = match signed_in {
        Some(c) => c,
        None => {
            let Some(uid) = state.kernel_peer_uid(peer) else {
                return Err(answer(
                    StatusCode::FORBIDDEN,
                    "unknown_caller",
                    t("caller_unknown", Lang::Id).into(),
                    t("caller_unknown", Lang::En).into(),
                ));
            };
            Groups::from_config(&state.authority).caller(uid)
        }
    };
    caller.require(Op::StockShow).map_err(|refusal| {
        answer(
            StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::FORBIDDEN),
            &refusal.body.error,
            refusal.body.message_id,
            refusal.body.message_en,
        )
    })
}

/// A report as (file name stem, bytes).
type Made = Result<(String, Vec<u8>), ReportError>;

/// The BAST of `?batch=` (dated `?date=`, default today).
fn bast(
    state: &DashboardState,
    j: &Journal,
    q: &ReportQuery,
    format: Format,
) -> Result<Made, Box<Response>> {
    let cfg = &state.report;
    let Some(batch) = q.batch.as_deref() else {
        return Err(bad("report_batch"));
    };
    let date = q
        .date
        .unwrap_or_else(|| crate::report::local_today(cfg.utc_offset_minutes));
    Ok(
        crate::report::bast::build(j, cfg, batch, date, Default::default()).and_then(|b| {
            let stem = format!("bast-{batch}-{date}");
            Ok(match format {
                Format::Pdf => (stem, crate::report::bast::pdf(&b, cfg)?),
                Format::Csv => (stem, crate::report::bast::csv(&b, Lang::Id).into_bytes()),
            })
        }),
    )
}

/// The spoilage or stock report of `?date=` (spoilage only) or `?from=&to=`.
fn period_report(
    state: &DashboardState,
    j: &Journal,
    kind: Kind,
    q: &ReportQuery,
    format: Format,
) -> Result<Made, Box<Response>> {
    let cfg = &state.report;
    let (from, to) = match (kind, q.date, q.from, q.to) {
        (Kind::Spoilage, Some(d), None, None) => (d, d),
        (_, None, Some(f), Some(t)) => (f, t),
        _ => return Err(bad("report_period")),
    };
    Ok(Period::new(from, to, cfg.utc_offset_minutes).and_then(|p| {
        if matches!(kind, Kind::Spoilage) {
            let s = crate::report::spoilage::build(j, &state.station, p)?;
            let stem = format!("blangko-rusak-{from}-{to}");
            Ok(match format {
                Format::Pdf => (stem, crate::report::spoilage::pdf(&s, cfg)?),
                Format::Csv => (
                    stem,
                    crate::report::spoilage::csv(&s, Lang::Id).into_bytes(),
                ),
            })
        } else {
            let s = crate::report::stock::build(j, &state.station, p)?;
            let stem = format!("stok-blangko-{from}-{to}");
            Ok(match format {
                Format::Pdf => (stem, crate::report::stock::pdf(&s, cfg)?),
                Format::Csv => (stem, crate::report::stock::csv(&s, Lang::Id).into_bytes()),
            })
        }
    }))
}

/// Checks the caller and builds the report (blocking).
fn make(
    state: &DashboardState,
    peer: SocketAddr,
    headers: &HeaderMap,
    kind: Kind,
    q: &ReportQuery,
    format: Format,
) -> Result<(String, Vec<u8>), Box<Response>> {
    may_read_reports(state, peer, headers)?;
    let j = state.journal.lock().unwrap_or_else(|e| e.into_inner());
    let made = match kind {
        Kind::Bast => bast(state, &j, q, format)?,
        Kind::Spoilage | Kind::Stock => period_report(state, &j, kind, q, format)?,
    };
    made.map_err(|e| match e {
        e if e.is_input() => answer(
            StatusCode::NOT_FOUND,
            "not_found",
            e.message(Lang::Id),
            e.message(Lang::En),
        ),
        e => {
            tracing::error!(error = %e, "report");
            answer(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                e.message(Lang::Id),
                e.message(Lang::En),
            )
        }
    })
}

/// The download: a safe file name, the content type of the format.
fn attachment(stem: &str, format: Format, bytes: Vec<u8>) -> Response {
    let stem: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let (ctype, ext) = match format {
        Format::Pdf => ("application/pdf", "pdf"),
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
    };
    (
        [
            (header::CONTENT_TYPE, ctype.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}.{ext}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// Handler for one kind.
pub async fn download(
    kind: Kind,
    State(state): State<DashboardState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(q): Query<ReportQuery>,
    headers: HeaderMap,
) -> Response {
    let format = match q.format.as_deref() {
        None | Some("pdf") => Format::Pdf,
        Some("csv") => Format::Csv,
        Some(_) => return *bad("report_format"),
    };
    let made = tokio::task::spawn_blocking(move || make(&state, peer, &headers, kind, &q, format));
    match made.await {
        Ok(Ok((stem, bytes))) => attachment(&stem, format, bytes),
        Ok(Err(resp)) => *resp,
        Err(e) => {
            tracing::error!(error = %e, "report task");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
