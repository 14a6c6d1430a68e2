//! The station's push endpoint (for servers that can reach the station): axum on
//! `link.push_listen`, bearer token, HTTPS ([`crate::tls`]) when `push_tls_cert`/`push_tls_key`
//! are set. Routes (see `wire.rs`): `POST /api/v1/jobs`, `POST /api/v1/jobs/{job_id}/cancel`,
//! `GET /api/v1/health`. A pushed job goes through the same signed intake as a pulled one, so a
//! job delivered twice (pulled and pushed) is queued once.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use tokio::net::TcpListener;
use tokio_rustls::rustls;

use crate::shutdown::Shutdown;

use super::db::Db;
use super::leases::{take_offer, Offer};
use super::wire::{ErrorBody, ErrorDetail, Health, PushJob, PushResult};
use crate::intake::{IntakeContext, JobOrigin};
use crate::journal::{Actor, JobState, JournalError};

/// Largest pushed body (a job carries its photo and signature inline).
const BODY_LIMIT: usize = 8 * 1024 * 1024;

#[derive(Clone)]
pub(crate) struct PushState {
    pub db: Db,
    pub intake: Arc<IntakeContext>,
    pub token: Arc<String>,
    pub station: Arc<String>,
}

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(ErrorBody {
            error: ErrorDetail {
                code: code.into(),
                message: message.into(),
            },
        }),
    )
        .into_response()
}

/// Constant-time comparison of the presented bearer token.
fn authorised(headers: &HeaderMap, token: &str) -> bool {
    let Some(v) = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some(given) = v.strip_prefix("Bearer ") else {
        return false;
    };
    let (a, b) = (given.trim().as_bytes(), token.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn unauthorised() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "missing or wrong bearer token",
    )
}

fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "push endpoint");
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the station could not record the request",
    )
}

async fn push_job(State(s): State<PushState>, headers: HeaderMap, body: Bytes) -> Response {
    if !authorised(&headers, &s.token) {
        return unauthorised();
    }
    let req: PushJob = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return error(StatusCode::BAD_REQUEST, "bad_request", e.to_string()),
    };
    let (lease_id, expires_at) = match (req.lease_id, req.expires_at) {
        (Some(l), Some(e)) => match super::parse_time(&e) {
            Some(t) => (Some(l), Some(t)),
            None => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    "expires_at is not RFC 3339",
                )
            }
        },
        (None, None) => (None, None),
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "lease_id and expires_at go together",
            )
        }
    };
    let origin = JobOrigin::Push {
        lease_id,
        expires_at,
    };
    let ctx = s.intake.clone();
    let jws = req.job;
    let r =
        s.db.call(move |j| {
            take_offer(j, &ctx, &jws, origin).map_err(|e| JournalError::InvalidInput(e.to_string()))
        })
        .await;
    let (job_id, status) = match r {
        Ok(Offer::Queued(j)) | Ok(Offer::Requeued(j)) => (j, "queued"),
        Ok(Offer::Duplicate(j)) => (j, "duplicate"),
        Ok(Offer::Rejected {
            job_id,
            code,
            message_en,
        }) => {
            tracing::warn!(job = ?job_id, %code, "pushed job rejected");
            return error(StatusCode::UNPROCESSABLE_ENTITY, &code, message_en);
        }
        Err(e) => return internal(e),
    };
    tracing::info!(job = %job_id, status, "pushed job");
    (
        StatusCode::ACCEPTED,
        Json(PushResult {
            job_id,
            status: status.into(),
        }),
    )
        .into_response()
}

async fn cancel_job(
    State(s): State<PushState>,
    headers: HeaderMap,
    UrlPath(job_id): UrlPath<String>,
) -> Response {
    if !authorised(&headers, &s.token) {
        return unauthorised();
    }
    let id = job_id.clone();
    let r =
        s.db.call(move |j| {
            let state = j.job(&id)?.state;
            if state == JobState::Cancelled {
                return Ok(Ok(()));
            }
            match j.cancel(&id, "server", &Actor::operator("server")) {
                Ok(()) => Ok(Ok(())),
                Err(JournalError::IllegalTransition { got, .. }) => Ok(Err(got)),
                Err(e) => Err(e),
            }
        })
        .await;
    match r {
        Ok(Ok(())) => Json(PushResult {
            job_id,
            status: "cancelled".into(),
        })
        .into_response(),
        Ok(Err(state)) => error(
            StatusCode::CONFLICT,
            "already_in_printer",
            format!("job {job_id} is {state}: not cancellable"),
        ),
        Err(JournalError::UnknownJob(_)) => error(
            StatusCode::NOT_FOUND,
            "job_unknown",
            format!("no job {job_id} at this station"),
        ),
        Err(e) => internal(e),
    }
}

/// No token needed (load balancers); it reveals no personal data.
async fn health(State(s): State<PushState>) -> Response {
    let r =
        s.db.call(|j| Ok((j.unfed_counts()?.values().sum::<u64>(), j.outbox_backlog()?)))
            .await;
    match r {
        Ok((queued, outbox_backlog)) => Json(Health {
            station: s.station.to_string(),
            status: "ok".into(),
            queued,
            outbox_backlog,
        })
        .into_response(),
        Err(e) => internal(e),
    }
}

pub(crate) fn router(state: PushState) -> Router {
    Router::new()
        .route("/api/v1/jobs", post(push_job))
        .route("/api/v1/jobs/{job_id}/cancel", post(cancel_job))
        .route("/api/v1/health", get(health))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "not_found", "no such route") })
        .with_state(state)
}

/// Serves the push endpoint on `tcp` until `stop`.
pub(crate) async fn serve(
    tcp: TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    state: PushState,
    stop: Shutdown,
) {
    let app = router(state);
    let shutdown = async move { super::leases::stopped(&stop).await };
    let r = match tls {
        Some(cfg) => match crate::tls::listener(tcp, cfg, "push endpoint") {
            Ok(l) => axum::serve(l, app).with_graceful_shutdown(shutdown).await,
            Err(e) => Err(e),
        },
        None => axum::serve(tcp, app).with_graceful_shutdown(shutdown).await,
    };
    if let Err(e) = r {
        tracing::error!(error = %e, "push endpoint stopped");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_token_is_checked_exactly() {
        let mut h = HeaderMap::new();
        assert!(!authorised(&h, "s3cret"));
        h.insert("authorization", "Bearer s3cret".parse().unwrap());
        assert!(authorised(&h, "s3cret"));
        assert!(!authorised(&h, "s3cret2"));
        h.insert("authorization", "Basic s3cret".parse().unwrap());
        assert!(!authorised(&h, "s3cret"));
    }
}
