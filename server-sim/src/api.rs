//! The server endpoints of `docs/protocol/openapi.yaml`. Every request is authenticated, then
//! its body checked against the operation's schema (a violation is answered 400 and recorded);
//! every answer is checked against the declared response schema (a mismatch is recorded as a
//! bug of the simulator itself).

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::body::Body;
use axum::extract::{Path, State as AxState};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

use crate::shared::{Direction, Shared};
use crate::state::{LeaseError, LeaseState};

/// Largest request body accepted (413 above).
pub const MAX_BODY: usize = 4 * 1024 * 1024;

/// The router of the server paths, under `/api/v1`.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/api/v1/stations/{station_id}/claims", post(claims))
        .route(
            "/api/v1/stations/{station_id}/leases/{lease_id}/renew",
            post(renew),
        )
        .route(
            "/api/v1/stations/{station_id}/leases/{lease_id}/release",
            post(release),
        )
        .route("/api/v1/stations/{station_id}/events", post(events))
        .fallback(not_found)
        .with_state(shared)
}

async fn not_found() -> Response {
    let body = json!({"error": {"code": "not_found", "message": "no such endpoint"}});
    (StatusCode::NOT_FOUND, axum::Json(body)).into_response()
}

/// RFC 3339 UTC, seconds precision.
pub fn rfc3339(t: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Shared {
    /// Builds an answer, checking it against the contract first.
    pub(crate) fn reply(&self, op: &str, status: u16, body: Option<Value>) -> Response {
        if let Err(errors) = self.contract.validate_response(op, status, body.as_ref()) {
            self.record(
                op,
                Direction::OwnResponse,
                Some(status),
                errors,
                body.as_ref(),
            );
        }
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = match body {
            Some(b) => (code, axum::Json(b)).into_response(),
            None => code.into_response(),
        };
        if status == 429 || status == 503 {
            let secs = self.faults().retry_after_seconds;
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        resp
    }

    pub(crate) fn error(&self, op: &str, status: u16, code: &str, message: &str) -> Response {
        self.reply(
            op,
            status,
            Some(json!({"error": {"code": code, "message": message}})),
        )
    }

    /// Authentication, path parameters, body size, JSON and schema, in that order.
    async fn begin(
        &self,
        op: &str,
        station: &str,
        params: &[&str],
        headers: &HeaderMap,
        body: Body,
    ) -> Result<Value, Response> {
        self.count_request(op);
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let owner = {
            let st = self.state();
            token.and_then(|t| {
                st.tokens
                    .iter()
                    .find(|(_, tok)| tok.as_str() == t)
                    .map(|(s, _)| s.clone())
            })
        };
        let Some(owner) = owner else {
            return Err(self.error(op, 401, "unauthorized", "missing or invalid bearer token"));
        };
        if owner != station {
            let known = self.state().tokens.contains_key(station);
            return Err(if known {
                self.error(
                    op,
                    403,
                    "forbidden",
                    &format!("token is not valid for station {station}"),
                )
            } else {
                self.error(
                    op,
                    404,
                    "station_unknown",
                    &format!("station {station} is not registered"),
                )
            });
        }
        for p in std::iter::once(&station).chain(params.iter()) {
            if let Err(errors) = self.contract.validate_schema("Id", &json!(p)) {
                self.record(op, Direction::Request, None, errors, Some(&json!(p)));
                return Err(self.error(op, 400, "bad_request", "path parameter is not a valid id"));
            }
        }
        let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
            Ok(b) => b,
            Err(_) => {
                return Err(self.error(
                    op,
                    413,
                    "payload_too_large",
                    &format!("body larger than {MAX_BODY} bytes"),
                ))
            }
        };
        let value: Value = match serde_json::from_slice(&bytes) {
            Ok(v) => v,
            Err(e) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                self.record(
                    op,
                    Direction::Request,
                    None,
                    vec![format!("not JSON: {e}")],
                    Some(&Value::String(text)),
                );
                return Err(self.error(op, 400, "bad_request", &format!("body is not JSON: {e}")));
            }
        };
        if let Err(errors) = self.contract.validate_request(op, Some(&value)) {
            let first = errors.first().cloned().unwrap_or_default();
            self.record(op, Direction::Request, None, errors, Some(&value));
            return Err(self.error(op, 400, "bad_request", &first));
        }
        Ok(value)
    }
}

fn u32_of(v: &Value, key: &str) -> u32 {
    v.get(key)
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(0)
}

async fn claims(
    AxState(s): AxState<Arc<Shared>>,
    Path(station): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    const OP: &str = "claimJobs";
    let req = match s.begin(OP, &station, &[], &headers, body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let max = u32_of(&req, "max_jobs") as usize;
    let wait = Duration::from_secs(u64::from(u32_of(&req, "wait_seconds")));
    let lease_seconds = u32_of(&req, "lease_seconds");
    let types: Vec<String> = req
        .get("blangko_types")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let slow = s.faults().slow_claims;
    if !slow.is_zero() {
        tokio::time::sleep(slow).await;
    }
    let deadline = Instant::now() + wait;
    loop {
        let notified = s.notify.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let now = s.now();
        {
            let mut st = s.state();
            st.expire(now);
            if st.has_work_for(&station, &types) || Instant::now() >= deadline {
                let (leases, cancellations) = st.claim(&station, max, &types, lease_seconds, now);
                drop(st);
                let leases: Vec<Value> = leases
                    .into_iter()
                    .map(|(l, jws)| {
                        json!({
                            "lease_id": l.lease_id,
                            "job_id": l.job_id,
                            "expires_at": rfc3339(l.expires_at),
                            "job": jws,
                        })
                    })
                    .collect();
                return s.reply(
                    OP,
                    200,
                    Some(json!({"leases": leases, "cancellations": cancellations})),
                );
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        // Wake on news, at the deadline, or to notice leases expiring on the clock.
        tokio::select! {
            _ = &mut notified => {}
            _ = tokio::time::sleep(left.min(Duration::from_millis(200))) => {}
        }
    }
}

fn lease_error(s: &Shared, op: &str, lease_id: &str, e: LeaseError) -> Response {
    match e {
        LeaseError::Unknown => s.error(
            op,
            404,
            "lease_unknown",
            &format!("lease {lease_id} is not known"),
        ),
        LeaseError::Gone(LeaseState::Released, _) => s.error(
            op,
            409,
            "lease_expired",
            &format!("lease {lease_id} was released"),
        ),
        LeaseError::Gone(_, at) => s.error(
            op,
            409,
            "lease_expired",
            &format!("lease {lease_id} expired at {}", rfc3339(at)),
        ),
        LeaseError::Owned(job) => s.error(
            op,
            409,
            "job_owned",
            &format!(
                "job {job} was reported printing by this station and stays with it; \
                 it is not given back"
            ),
        ),
    }
}

async fn renew(
    AxState(s): AxState<Arc<Shared>>,
    Path((station, lease_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    const OP: &str = "renewLease";
    let req = match s.begin(OP, &station, &[&lease_id], &headers, body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let now = s.now();
    let result = {
        let mut st = s.state();
        st.expire(now);
        st.renew(&station, &lease_id, u32_of(&req, "lease_seconds"), now)
    };
    match result {
        Ok(l) => s.reply(
            OP,
            200,
            Some(json!({"lease_id": l.lease_id, "expires_at": rfc3339(l.expires_at)})),
        ),
        Err(e) => lease_error(&s, OP, &lease_id, e),
    }
}

async fn release(
    AxState(s): AxState<Arc<Shared>>,
    Path((station, lease_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    const OP: &str = "releaseLease";
    let req = match s.begin(OP, &station, &[&lease_id], &headers, body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let reason = req
        .get("reason")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let result = {
        let mut st = s.state();
        st.expire(s.now());
        st.release(&station, &lease_id, reason)
    };
    s.notify.notify_waiters();
    match result {
        Ok(()) => s.reply(OP, 204, None),
        Err(e) => lease_error(&s, OP, &lease_id, e),
    }
}

async fn events(
    AxState(s): AxState<Arc<Shared>>,
    Path(station): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    const OP: &str = "deliverEvents";
    let req = match s.begin(OP, &station, &[], &headers, body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let events: Vec<Value> = req
        .get("events")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let prefix = format!("{station}:");
    for e in &events {
        let id = e
            .get("event_id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let from = e.get("station").and_then(Value::as_str).unwrap_or_default();
        if from != station || !id.starts_with(&prefix) {
            s.record(
                OP,
                Direction::Request,
                None,
                vec![format!(
                    "event {id} (station {from}) is not from station {station}"
                )],
                Some(e),
            );
            return s.error(
                OP,
                422,
                "invalid_event",
                &format!("event {id} is not from station {station}"),
            );
        }
    }
    let refused = s.faults().refuse_events_of_jobs;
    if let Some(e) = events.iter().find(|e| {
        e.get("job_id")
            .and_then(Value::as_str)
            .is_some_and(|j| refused.iter().any(|r| r == j))
    }) {
        let id = e
            .get("event_id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        return s.error(
            OP,
            422,
            "invalid_event",
            &format!("event {id} refused (fault injection)"),
        );
    }
    let (acknowledged, duplicates, disorder) = {
        let mut st = s.state();
        if let Some((event, job)) = st.give_back_in(&station, &events) {
            drop(st);
            return s.error(
                OP,
                409,
                "job_owned",
                &format!(
                    "event {event} gives back job {job}, which this station reported printing \
                     and which stays with it; nothing of the batch is stored"
                ),
            );
        }
        st.store_events(&events)
    };
    if !disorder.is_empty() {
        s.record(OP, Direction::Request, None, disorder, None);
    }
    s.reply(
        OP,
        200,
        Some(json!({"acknowledged": acknowledged, "duplicates": duplicates})),
    )
}
