//! Checks a worker runs around its cards: a card left inside from before a crash, the
//! hardware card counter against the ledger (tamper), and low stock.

use super::Worker;
use crate::messages::MessageText as _;

impl Worker {
    /// A card still inside from before a crash belongs to an in-doubt job: move it to the
    /// reject box so the printer can go on; the operator decides on the job.
    pub(super) fn clear_leftover_card(&mut self) {
        use cetak_drivers::printer::StatusFlag as F;
        if let Ok(st) = self.printer.status() {
            if st.has(F::CardInside) || st.has(F::CardAtContact) || st.has(F::CardAtContactless) {
                tracing::warn!(printer = %self.id, "card left inside from before: to the reject box");
                if self.printer.reset().is_err() {
                    let _ = self.printer.reject();
                }
            }
        }
    }

    /// Hardware counter minus the ledger's cards fed. The same counter read also gives the
    /// ribbon left, which the server's stock report carries.
    pub(super) fn tamper_offset(&mut self) -> Option<i64> {
        let counters = self.printer.counters().ok()?;
        let ribbon = crate::journal::RibbonFigure {
            printer_id: self.id.clone(),
            ribbon_type: Some(self.printer.capabilities().ribbon.token().to_string()),
            remaining_panels: None,
            remaining_cards: Some(counters.ribbon_cards_left),
        };
        if let Err(e) = self.journal.record_ribbon(&ribbon) {
            tracing::warn!(printer = %self.id, error = %e, "ribbon figure not recorded");
        }
        let hw = counters.cards_inserted as i64;
        let fed = self.journal.cards_fed(&self.id).ok()? as i64;
        Some(hw - fed)
    }

    /// Low-stock alerts after a blangko left the stock: a read of the balances, a write only
    /// when an alert is raised or cleared, so the print path does not pay a commit per card.
    pub(super) fn stock_check(&mut self) {
        match self.journal.low_stock_check(&self.thresholds) {
            Ok(open) => self.handle.note_low_stock(&open),
            Err(e) => tracing::warn!(printer = %self.id, error = %e, "low-stock check failed"),
        }
    }

    /// Cards through the printer that the ledger does not know of raise a tamper alert.
    pub(super) fn tamper_check(&mut self) {
        let (Some(base), Some(now)) = (self.baseline, self.tamper_offset()) else {
            return;
        };
        if now != base {
            let diff = now - base;
            let why = crate::messages::Plain::new("worker.tamper")
                .with("printer", &self.id)
                .with("diff", diff);
            let (id, en) = (why.message_id(), why.message_en());
            tracing::error!("{en}");
            let _ = self.journal.raise_alert("tamper", &self.id, &en, &id);
            self.baseline = Some(now);
        }
    }
}
