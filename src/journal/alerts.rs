//! Alerts: low stock per type and per feeder (from thresholds passed in), and alerts raised by
//! the workers (tamper, printer faults). One open alert per (kind, key); a new one also goes to
//! the outbox.

use std::collections::BTreeMap;

use rusqlite::params;
use serde_json::json;

use super::error::Result;
use super::outbox;
use super::types::{BlangkoType, Timestamp};
use super::Journal;

/// Low-stock thresholds (from the config): an alert when a count is *below* its threshold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StockThresholds {
    /// Per type: store + feeders below this.
    pub per_type: BTreeMap<BlangkoType, i64>,
    /// Any feeder below this (unless listed in `per_feeder`).
    pub feeder_default: Option<i64>,
    /// Per printer id.
    pub per_feeder: BTreeMap<String, i64>,
}

/// An alert for operators and the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// Row id.
    pub id: i64,
    /// Raised at.
    pub at: Timestamp,
    /// `low_stock_type`, `low_stock_feeder`, `tamper`, `printer_fault`, ...
    pub kind: String,
    /// What it is about (e.g. `kia`, `feeder:P1`); one open alert per (kind, key).
    pub key: String,
    /// English text.
    pub message_en: String,
    /// Bahasa Indonesia text.
    pub message_id: String,
    /// Cleared at, if no longer true.
    pub cleared_at: Option<Timestamp>,
}

impl Journal {
    /// Compares stock with the thresholds: raises new low-stock alerts (alert table + outbox),
    /// clears those no longer true, and returns the open low-stock alerts.
    pub fn low_stock_check(&mut self, th: &StockThresholds) -> Result<Vec<Alert>> {
        let report = self.stock_show()?;
        let mut low: Vec<(&str, String, String, String)> = Vec::new();
        for (t, min) in &th.per_type {
            let f = report.types.get(t).cloned().unwrap_or_default();
            let have = f.in_store + f.in_feeders;
            if have < *min {
                low.push((
                    "low_stock_type",
                    t.code().to_string(),
                    format!("low {t} stock: {have} left (threshold {min})"),
                    format!("stok blangko {t} menipis: sisa {have} (batas {min})"),
                ));
            }
        }
        let mut feeders: BTreeMap<String, i64> = BTreeMap::new();
        for f in &report.feeders {
            *feeders.entry(f.printer_id.clone()).or_default() += f.count;
        }
        for p in th.per_feeder.keys() {
            feeders.entry(p.clone()).or_default();
        }
        for (p, have) in &feeders {
            let Some(min) = th.per_feeder.get(p).copied().or(th.feeder_default) else {
                continue;
            };
            if *have < min {
                low.push((
                    "low_stock_feeder",
                    format!("feeder:{p}"),
                    format!("feeder of printer {p} low: {have} left (threshold {min})"),
                    format!("feeder printer {p} hampir kosong: sisa {have} (batas {min})"),
                ));
            }
        }
        // Usually nothing changed: answer from a read, without a write transaction (a commit
        // is an fsync, and this runs after every card).
        let open_now = self.alerts_open()?;
        let is_low = |a: &Alert| a.kind.starts_with("low_stock");
        let unchanged = open_now.iter().filter(|a| is_low(a)).count() == low.len()
            && low
                .iter()
                .all(|l| open_now.iter().any(|a| a.kind == l.0 && a.key == l.1));
        if unchanged {
            return Ok(open_now.into_iter().filter(is_low).collect());
        }
        let tx = self.write()?;
        let open: Vec<(String, String)> = {
            let mut st = tx.tx.prepare(
                "SELECT kind, key FROM alerts WHERE cleared_at IS NULL
                 AND kind IN ('low_stock_type', 'low_stock_feeder')",
            )?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (kind, key) in &open {
            if !low.iter().any(|l| l.0 == kind && &l.1 == key) {
                tx.tx.execute(
                    "UPDATE alerts SET cleared_at = ?3 WHERE kind = ?1 AND key = ?2 AND cleared_at IS NULL",
                    params![kind, key, tx.now.0],
                )?;
            }
        }
        for (kind, key, en, id) in &low {
            if !open.iter().any(|o| o.0 == *kind && &o.1 == key) {
                raise_in_tx(&tx, kind, key, en, id)?;
            }
        }
        tx.commit()?;
        Ok(self
            .alerts_open()?
            .into_iter()
            .filter(|a| a.kind.starts_with("low_stock"))
            .collect())
    }

    /// Raises an alert (e.g. `tamper` when a printer's card counter disagrees with the ledger,
    /// `printer_fault`) unless the same (kind, key) is already open; it also goes to the
    /// outbox. Returns false if it was already open.
    pub fn raise_alert(
        &mut self,
        kind: &str,
        key: &str,
        message_en: &str,
        message_id: &str,
    ) -> Result<bool> {
        let tx = self.write()?;
        let raised = raise_in_tx(&tx, kind, key, message_en, message_id)?;
        tx.commit()?;
        Ok(raised)
    }

    /// Clears an open alert. Returns false if none was open.
    pub fn clear_alert(&mut self, kind: &str, key: &str) -> Result<bool> {
        let tx = self.write()?;
        let n = tx.tx.execute(
            "UPDATE alerts SET cleared_at = ?3 WHERE kind = ?1 AND key = ?2 AND cleared_at IS NULL",
            params![kind, key, tx.now.0],
        )?;
        tx.commit()?;
        Ok(n > 0)
    }

    /// Open alerts, oldest first.
    pub fn alerts_open(&self) -> Result<Vec<Alert>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, at, kind, key, message, message_id, cleared_at FROM alerts
             WHERE cleared_at IS NULL ORDER BY id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(Alert {
                id: r.get(0)?,
                at: Timestamp(r.get(1)?),
                kind: r.get(2)?,
                key: r.get(3)?,
                message_en: r.get(4)?,
                message_id: r.get(5)?,
                cleared_at: r.get::<_, Option<i64>>(6)?.map(Timestamp),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

pub(crate) fn raise_in_tx(
    tx: &super::Tx<'_>,
    kind: &str,
    key: &str,
    en: &str,
    id: &str,
) -> Result<bool> {
    let n = tx.tx.execute(
        "INSERT INTO alerts (at, kind, key, message, message_id) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT DO NOTHING",
        params![tx.now.0, kind, key, en, id],
    )?;
    if n > 0 {
        outbox::push(
            tx,
            None,
            "alert",
            serde_json::Map::from_iter([
                ("alert".to_string(), json!(kind)),
                ("key".to_string(), json!(key)),
                ("message".to_string(), json!(en)),
                ("message_id".to_string(), json!(id)),
            ]),
        )?;
    }
    Ok(n > 0)
}
