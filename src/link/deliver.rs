//! Outbox delivery: batches of at most 100 unacknowledged events in `seq` order, each batch
//! starting with the oldest unacknowledged event, so an event of a job is never delivered
//! before the earlier ones of that job were sent ahead of it in the same batch or acknowledged.
//! Failures are retried with exponential backoff and full jitter (`Retry-After` honoured). The
//! only state is the journal: a restart resumes with what was not acknowledged. Also writes the
//! periodic / on-change `stock` event.
//!
//! A batch the server refuses for its content (400, 413, 422) is sent again one event at a
//! time from the head; an event refused on its own is set aside in the journal
//! ([`crate::journal::Journal::outbox_refuse`]) so it does not block every event behind it.

use crate::messages::MessageText as _;
use std::time::{Duration, Instant};

use crate::shutdown::Shutdown;
use serde_json::{Map, Value};

use super::backoff::Backoff;
use super::client::LinkClient;
use super::db::Db;
use super::leases::pause;
use super::wire::{Event, EventAck, EventBatch};
use super::LinkError;
use crate::config::LinkConfig;
use crate::journal::{stock_body, OutboxEvent};

/// Events per batch (the contract's maximum).
pub(crate) const BATCH: u32 = 100;

/// The wire form of a stored event: its body as written, with the stored columns as the
/// authority for the common fields.
pub(crate) fn to_wire(e: &OutboxEvent, station: &str) -> Event {
    let mut detail = match serde_json::from_str::<serde_json::Value>(&e.body) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    let at = match detail.remove("at") {
        Some(serde_json::Value::String(s)) => s,
        _ => e.created_at.to_string(),
    };
    let station = match detail.remove("station") {
        Some(serde_json::Value::String(s)) => s,
        _ => station.to_string(),
    };
    for k in ["event_id", "kind", "job_id"] {
        detail.remove(k);
    }
    Event {
        event_id: e.event_id.clone(),
        kind: e.kind.clone(),
        station,
        at,
        job_id: e.job_id.clone(),
        detail,
    }
}

/// Delivers the outbox until `stop`.
pub(crate) async fn run_delivery(
    db: Db,
    client: LinkClient,
    link: LinkConfig,
    station: String,
    stop: Shutdown,
) {
    let mut d = Delivery {
        retry: Backoff::new(
            Duration::from_millis(link.backoff_initial_ms),
            Duration::from_secs(link.backoff_max_seconds),
        ),
        single: false,
        db,
        client,
        station,
        stop,
    };
    loop {
        if d.stop.is_cancelled() {
            return;
        }
        let pending = match d.pending().await {
            Ok(p) => p,
            Err(Go::On) => continue,
            Err(Go::Stop) => return,
        };
        let batch = EventBatch {
            events: pending.iter().map(|e| to_wire(e, &d.station)).collect(),
        };
        let answer = tokio::select! {
            r = d.client.post_events(&batch) => r,
            _ = super::leases::stopped(&d.stop) => return,
        };
        let next = match answer {
            Ok(ack) => d.acknowledged(&pending, ack).await,
            Err(e) => d.failed(&pending, e).await,
        };
        if next == Go::Stop {
            return;
        }
    }
}

/// Whether delivery goes on after a step (`Stop`: the link is stopping).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Go {
    On,
    Stop,
}

impl From<bool> for Go {
    /// From what [`pause`] returns: `true` when the wait ran out without a stop.
    fn from(go_on: bool) -> Go {
        if go_on {
            Go::On
        } else {
            Go::Stop
        }
    }
}

/// The delivery loop's state.
struct Delivery {
    db: Db,
    client: LinkClient,
    station: String,
    stop: Shutdown,
    retry: Backoff,
    /// After a refused batch, the head goes alone until the refused event is found.
    single: bool,
}

impl Delivery {
    /// The next batch; `Err` after a wait when there is none (or the journal failed).
    async fn pending(&self) -> Result<Vec<OutboxEvent>, Go> {
        let limit = if self.single { 1 } else { BATCH };
        match self.db.call(move |j| j.outbox_pending(limit)).await {
            Ok(p) if p.is_empty() => {
                Err(pause(&self.stop, Duration::from_millis(200)).await.into())
            }
            Ok(p) => Ok(p),
            Err(e) => {
                tracing::error!(error = %e, "delivery: journal");
                Err(pause(&self.stop, Duration::from_secs(1)).await.into())
            }
        }
    }

    /// The server answered: record what it acknowledged; back off when the oldest event was
    /// not among it.
    async fn acknowledged(&mut self, pending: &[OutboxEvent], ack: EventAck) -> Go {
        let first = &pending[0].event_id;
        let progressed = ack.acknowledged.iter().any(|a| a == first);
        let ids = ack.acknowledged;
        let n = ids.len();
        match self.db.call(move |j| j.outbox_ack_many(&ids)).await {
            Ok(newly) => {
                tracing::debug!(sent = pending.len(), acked = n, newly, "events delivered")
            }
            Err(e) => tracing::error!(error = %e, "delivery: journal ack"),
        }
        if progressed {
            self.retry.reset();
            self.single = false;
            return Go::On;
        }
        // The server took nothing of the head of the queue: do not hammer it.
        tracing::warn!(event = %first, "server did not acknowledge the oldest event; will retry");
        let d = self.retry.next_delay(None);
        pause(&self.stop, d).await.into()
    }

    /// The server refused or could not be reached: a refused batch goes again one event at a
    /// time, a refused single event is set aside, anything else is retried after a backoff.
    async fn failed(&mut self, pending: &[OutboxEvent], e: LinkError) -> Go {
        if e.is_refusal() && pending.len() > 1 {
            tracing::warn!(error = %e, "server refused a batch; sending its events one by one");
            self.single = true;
            return Go::On;
        }
        if e.is_refusal() {
            let head = &pending[0];
            let (id, reason) = (head.event_id.clone(), e.to_string());
            tracing::error!(
                event = %head.event_id, kind = %head.kind, error = %e, pesan = %e.message_id(),
                "server refused an event; set aside for an administrator (cetak outbox show)"
            );
            self.single = false;
            if let Err(je) = self.db.call(move |j| j.outbox_refuse(&id, &reason)).await {
                tracing::error!(error = %je, "delivery: journal refuse");
                return pause(&self.stop, Duration::from_secs(1)).await.into();
            }
            return Go::On;
        }
        if e.is_transient() {
            tracing::warn!(error = %e, backlog = pending.len(), "event delivery: {}, will retry", e.summary_en());
        } else {
            tracing::error!(error = %e, pesan = %e.message_id(), "event delivery refused");
        }
        let d = self.retry.next_delay(e.retry_after());
        pause(&self.stop, d).await.into()
    }
}

/// Writes a `stock` event at start, when the figures change (checked every few seconds, written
/// at most every 30 s) and at least every `stock_interval_seconds`.
pub(crate) async fn run_stock(db: Db, link: LinkConfig, stop: Shutdown) {
    let every = Duration::from_secs(link.stock_interval_seconds);
    // A change is reported at most this often, so a busy production day does not write one
    // stock event per card.
    let min_gap = every.min(Duration::from_secs(30));
    let mut last_written: Option<Instant> = None;
    loop {
        let due = last_written.is_none_or(|t| t.elapsed() >= every);
        let may = last_written.is_none_or(|t| t.elapsed() >= min_gap);
        let r = db
            .call(move |j| {
                let ribbons = j.ribbons()?;
                let body = stock_body(&j.stock_show()?, &ribbons);
                let last = j.last_stock_body()?;
                let same = last.as_ref().is_some_and(|l| {
                    ["blangko", "feeders", "ribbons"]
                        .iter()
                        .all(|k| l.get(*k) == body.get(*k))
                });
                // A printer whose ribbon the server has not heard of yet is reported at once.
                let printers = |b: Option<&Map<String, Value>>| -> Vec<Value> {
                    b.and_then(|b| b.get("ribbons"))
                        .and_then(Value::as_array)
                        .map(|a| a.iter().filter_map(|r| r.get("printer").cloned()).collect())
                        .unwrap_or_default()
                };
                let known = printers(last.as_ref());
                let new_printer = printers(Some(&body)).iter().any(|p| !known.contains(p));
                if !due && !new_printer && (same || !may) {
                    return Ok(None);
                }
                j.report_stock(&ribbons).map(Some)
            })
            .await;
        match r {
            Ok(Some(id)) => {
                tracing::debug!(event = %id, "stock report written");
                last_written = Some(Instant::now());
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "stock report"),
        }
        if !pause(&stop, Duration::from_secs(2)).await {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::Timestamp;

    #[test]
    fn stored_body_becomes_a_flat_wire_event() {
        let e = OutboxEvent {
            seq: 3,
            event_id: "S:j:3".into(),
            job_id: Some("J1".into()),
            kind: "printed".into(),
            body: r#"{"event_id":"S:j:3","kind":"printed","station":"S","at":"2026-11-21T08:00:00.000Z","job_id":"J1","card_serial":"C7"}"#.into(),
            created_at: Timestamp(0),
            acked_at: None,
        };
        let w = to_wire(&e, "S");
        assert_eq!(w.at, "2026-11-21T08:00:00.000Z");
        assert_eq!(w.detail.len(), 1);
        let v = serde_json::to_value(&w).unwrap();
        assert_eq!(
            v,
            serde_json::from_str::<serde_json::Value>(&e.body).unwrap()
        );
    }
}
