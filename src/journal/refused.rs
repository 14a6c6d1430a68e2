//! Events the server refused for good. One such event must not block every event behind it
//! (the outbox delivers oldest first), nor be lost: it is set aside with the server's reason,
//! an alert is raised (which goes to the server like any alert), and an administrator sends it
//! again with `cetak outbox retry` once the cause is fixed. A refused event still counts as
//! unacknowledged, so its job's personal data is not purged and `cetak export` carries it.

use rusqlite::params;

use super::audit;
use super::error::{JournalError, Result};
use super::types::{Actor, Role, Timestamp};
use super::Journal;

/// Alert kind raised while refused events are set aside (key `outbox`).
pub const REFUSED_ALERT: &str = "event_refused";

/// An event set aside after the server refused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedEvent {
    /// Global order.
    pub seq: i64,
    /// The idempotency key.
    pub event_id: String,
    /// Job the event is about, if any.
    pub job_id: Option<String>,
    /// Event kind.
    pub kind: String,
    /// When it was written.
    pub created_at: Timestamp,
    /// When the server refused it.
    pub refused_at: Timestamp,
    /// The server's answer, as the station logged it.
    pub reason: String,
}

impl Journal {
    /// Sets an unacknowledged event aside as refused by the server. Audited, and raises the
    /// `event_refused` alert. Returns false if the event was already acknowledged or set aside.
    pub fn outbox_refuse(&mut self, event_id: &str, reason: &str) -> Result<bool> {
        let tx = self.write()?;
        let n = tx.tx.execute(
            "UPDATE outbox SET refused_at = ?1, refused_reason = ?2
             WHERE event_id = ?3 AND acked_at IS NULL AND refused_at IS NULL",
            params![tx.now.0, reason, event_id],
        )?;
        if n == 0 {
            return Ok(false);
        }
        audit::append(
            &tx,
            &Actor::system(),
            "event_refused",
            event_id,
            &serde_json::json!({ "reason": reason }),
        )?;
        super::alerts::raise_in_tx(
            &tx,
            REFUSED_ALERT,
            "outbox",
            "the server refused an event; it is set aside: see `cetak outbox show`",
            "server menolak sebuah event; event disisihkan: lihat `cetak outbox show`",
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Events set aside as refused, oldest first.
    pub fn outbox_refused(&self) -> Result<Vec<RefusedEvent>> {
        let mut st = self.conn.prepare_cached(
            "SELECT seq, event_id, job_id, kind, created_at, refused_at, refused_reason
             FROM outbox WHERE acked_at IS NULL AND refused_at IS NOT NULL ORDER BY seq",
        )?;
        let rows = st.query_map([], |r| {
            Ok(RefusedEvent {
                seq: r.get(0)?,
                event_id: r.get(1)?,
                job_id: r.get(2)?,
                kind: r.get(3)?,
                created_at: Timestamp(r.get(4)?),
                refused_at: Timestamp(r.get(5)?),
                reason: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Number of events set aside as refused.
    pub fn outbox_refused_count(&self) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM outbox WHERE acked_at IS NULL AND refused_at IS NOT NULL",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    /// Puts refused events back in the delivery queue, in their original order: one by id, or
    /// all of them with `None`. Administrators only; audited. When none is left aside, the
    /// alert is cleared. Returns how many went back.
    pub fn outbox_retry_refused(&mut self, event_id: Option<&str>, actor: &Actor) -> Result<u64> {
        if actor.role != Role::Administrator {
            return Err(JournalError::NotAdministrator {
                operator: actor.id.clone(),
            });
        }
        let tx = self.write()?;
        let n = match event_id {
            Some(id) => tx.tx.execute(
                "UPDATE outbox SET refused_at = NULL, refused_reason = NULL
                 WHERE event_id = ?1 AND acked_at IS NULL AND refused_at IS NOT NULL",
                [id],
            )?,
            None => tx.tx.execute(
                "UPDATE outbox SET refused_at = NULL, refused_reason = NULL
                 WHERE acked_at IS NULL AND refused_at IS NOT NULL",
                [],
            )?,
        };
        if n == 0 {
            return Err(JournalError::InvalidInput(match event_id {
                Some(id) => format!("event {id:?} is not set aside as refused"),
                None => "no event is set aside as refused".into(),
            }));
        }
        audit::append(
            &tx,
            actor,
            "event_retry",
            event_id.unwrap_or("*"),
            &serde_json::json!({ "events": n }),
        )?;
        let left: i64 = tx.tx.query_row(
            "SELECT COUNT(*) FROM outbox WHERE acked_at IS NULL AND refused_at IS NOT NULL",
            [],
            |r| r.get(0),
        )?;
        if left == 0 {
            tx.tx.execute(
                "UPDATE alerts SET cleared_at = ?1
                 WHERE kind = ?2 AND key = 'outbox' AND cleared_at IS NULL",
                params![tx.now.0, REFUSED_ALERT],
            )?;
        }
        tx.commit()?;
        Ok(n as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::JournalOptions;

    fn journal() -> (tempfile::TempDir, Journal) {
        let d = tempfile::tempdir().unwrap();
        let j = Journal::open_with(d.path().join("j.sqlite"), JournalOptions::default()).unwrap();
        (d, j)
    }

    fn three_alerts(j: &mut Journal) -> Vec<String> {
        for k in ["a", "b", "c"] {
            j.raise_alert("tamper", k, "en", "id").unwrap();
        }
        j.outbox_pending(10)
            .unwrap()
            .into_iter()
            .map(|e| e.event_id)
            .collect()
    }

    #[test]
    fn a_refused_event_is_set_aside_audited_and_alerted_and_comes_back_in_order() {
        let (_d, mut j) = journal();
        let ids = three_alerts(&mut j);
        assert!(j.outbox_refuse(&ids[0], "HTTP 422 invalid_event").unwrap());
        assert!(!j.outbox_refuse(&ids[0], "again").unwrap());
        // The head of the queue is now the next event, then the refusal alert itself.
        let pending: Vec<_> = j.outbox_pending(10).unwrap();
        assert_eq!(pending[0].event_id, ids[1]);
        assert_eq!(pending[1].event_id, ids[2]);
        assert_eq!(pending.last().unwrap().kind, "alert");
        assert_eq!(j.outbox_backlog().unwrap(), pending.len() as u64);
        let refused = j.outbox_refused().unwrap();
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].event_id, ids[0]);
        assert_eq!(refused[0].reason, "HTTP 422 invalid_event");
        assert!(j
            .alerts_open()
            .unwrap()
            .iter()
            .any(|a| a.kind == REFUSED_ALERT));
        let audit = j.audit_list(0, 100).unwrap();
        assert!(audit
            .iter()
            .any(|a| a.action == "event_refused" && a.subject == ids[0]));

        // Operators may not; an administrator may.
        assert!(matches!(
            j.outbox_retry_refused(None, &Actor::operator("op")),
            Err(JournalError::NotAdministrator { .. })
        ));
        assert_eq!(
            j.outbox_retry_refused(Some(&ids[0]), &Actor::admin("adm"))
                .unwrap(),
            1
        );
        assert_eq!(j.outbox_pending(1).unwrap()[0].event_id, ids[0]);
        assert_eq!(j.outbox_refused_count().unwrap(), 0);
        assert!(!j
            .alerts_open()
            .unwrap()
            .iter()
            .any(|a| a.kind == REFUSED_ALERT));
        assert!(j.audit_verify().unwrap().is_ok());
        // Nothing left to retry is an error, not a silent success.
        assert!(j.outbox_retry_refused(None, &Actor::admin("adm")).is_err());
    }

    #[test]
    fn refusing_an_acknowledged_event_does_nothing() {
        let (_d, mut j) = journal();
        let ids = three_alerts(&mut j);
        j.outbox_ack(&ids[1]).unwrap();
        assert!(!j.outbox_refuse(&ids[1], "late").unwrap());
        assert_eq!(j.outbox_refused_count().unwrap(), 0);
    }
}
