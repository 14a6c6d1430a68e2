//! Reports for the server written into the outbox: the `stock` event (per blangko
//! type, and ribbon remaining per printer when the worker knows it), and batch acknowledgement
//! of delivered events.

use rusqlite::params;
use serde_json::{json, Map, Value};

use super::error::Result;
use super::outbox;
use super::stock::StockReport;
use super::types::SpoilCategory;
use super::Journal;

/// Ribbon remaining in one printer, as its worker last read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RibbonFigure {
    /// Printer id.
    pub printer_id: String,
    /// Ribbon code (e.g. `YMCKO`), when known.
    pub ribbon_type: Option<String>,
    /// Panels left, when the printer tells.
    pub remaining_panels: Option<u32>,
    /// Cards left at the ribbon's panels per card, when known.
    pub remaining_cards: Option<u32>,
}

/// The `stock` event body for a stock report, as `StockEvent` in `docs/protocol/openapi.yaml`
/// (deterministic: also used to detect changes).
pub fn stock_body(report: &StockReport, ribbons: &[RibbonFigure]) -> Map<String, Value> {
    let blangko: Vec<Value> = report
        .types
        .iter()
        .map(|(t, f)| {
            let mut spoiled = Map::new();
            for c in SpoilCategory::ALL {
                let n = f.spoiled_by_category.get(&c).copied().unwrap_or(0);
                spoiled.insert(c.code().to_string(), json!(n.max(0)));
            }
            json!({
                "blangko_type": t.code(),
                "received": f.received.max(0),
                "in_store": f.in_store.max(0),
                "in_feeders": f.in_feeders.max(0),
                "in_printers": f.in_printers.max(0),
                "consumed": f.consumed.max(0),
                "spoiled": spoiled,
                "returned": f.returned.max(0),
            })
        })
        .collect();
    let feeders: Vec<Value> = report
        .feeders
        .iter()
        .map(|f| {
            json!({ "printer": f.printer_id, "blangko_type": f.blangko_type.code(), "count": f.count.max(0) })
        })
        .collect();
    let ribbons: Vec<Value> = ribbons
        .iter()
        .map(|r| {
            json!({
                "printer": r.printer_id,
                "ribbon_type": r.ribbon_type,
                "remaining_panels": r.remaining_panels,
                "remaining_cards": r.remaining_cards,
            })
        })
        .collect();
    let mut body = Map::new();
    body.insert("blangko".into(), Value::Array(blangko));
    body.insert("feeders".into(), Value::Array(feeders));
    body.insert("ribbons".into(), Value::Array(ribbons));
    body
}

impl Journal {
    /// Writes a `stock` event with the current figures (`stock_show`) and the given ribbon
    /// figures. Returns the event id.
    pub fn report_stock(&mut self, ribbons: &[RibbonFigure]) -> Result<String> {
        let report = self.stock_show()?;
        let body = stock_body(&report, ribbons);
        let tx = self.write()?;
        let id = outbox::push(&tx, None, "stock", body)?;
        tx.commit()?;
        Ok(id)
    }

    /// Marks many events delivered in one transaction (what the server acknowledged of a
    /// batch). Unknown ids are ignored (the server may acknowledge more than was sent); returns
    /// how many were newly marked.
    pub fn outbox_ack_many(&mut self, event_ids: &[String]) -> Result<u64> {
        let tx = self.write()?;
        let mut n = 0;
        {
            let mut st = tx.tx.prepare_cached(
                "UPDATE outbox SET acked_at = ?1 WHERE event_id = ?2 AND acked_at IS NULL",
            )?;
            for id in event_ids {
                n += st.execute(params![tx.now.0, id])? as u64;
            }
        }
        tx.commit()?;
        Ok(n)
    }

    /// Records the ribbon left in a printer (one row per printer, replaced on each read).
    /// Nothing is written when the figure did not change, so an idle printer costs no commit.
    pub fn record_ribbon(&mut self, figure: &RibbonFigure) -> Result<()> {
        if self.ribbons()?.iter().any(|r| r == figure) {
            return Ok(());
        }
        let tx = self.write()?;
        tx.tx
            .prepare_cached(
                "INSERT INTO ribbons (printer_id, ribbon_type, remaining_panels, remaining_cards,
                                      read_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (printer_id) DO UPDATE SET ribbon_type = excluded.ribbon_type,
                     remaining_panels = excluded.remaining_panels,
                     remaining_cards = excluded.remaining_cards, read_at = excluded.read_at",
            )?
            .execute(params![
                figure.printer_id,
                figure.ribbon_type,
                figure.remaining_panels,
                figure.remaining_cards,
                tx.now.0
            ])?;
        tx.commit()
    }

    /// Ribbon left per printer as last recorded, by printer id (printers never read are
    /// missing).
    pub fn ribbons(&self) -> Result<Vec<RibbonFigure>> {
        let mut st = self.conn.prepare_cached(
            "SELECT printer_id, ribbon_type, remaining_panels, remaining_cards FROM ribbons
             ORDER BY printer_id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(RibbonFigure {
                printer_id: r.get(0)?,
                ribbon_type: r.get(1)?,
                remaining_panels: r.get(2)?,
                remaining_cards: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Body of the last `stock` event written, if any (to write a new one only on change).
    pub fn last_stock_body(&self) -> Result<Option<Map<String, Value>>> {
        let body: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT body FROM outbox WHERE kind = 'stock' ORDER BY seq DESC LIMIT 1",
            )?
            .query_row([], |r| r.get(0))
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })?;
        Ok(body.and_then(|b| match serde_json::from_str::<Value>(&b) {
            Ok(Value::Object(m)) => Some(m),
            _ => None,
        }))
    }
}
