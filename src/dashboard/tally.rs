//! Figures the page and `/metrics` would otherwise read from the whole journal at every
//! render: the ledger's cards per printer (kept as a running total of the append-only ledger)
//! and the batches' progress (read again only when the jobs' states or the spoiled count have
//! changed). With 100,000 printed cards these were most of a page's time.

use std::collections::BTreeMap;

use crate::journal::{BatchProgress, Journal, JournalError, PrinterCounters};

/// The running figures of one dashboard.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Ledger rows up to this id are counted.
    after: i64,
    counters: PrinterCounters,
    /// Job counts by state and blangko spoiled when `batches` was read.
    batches_key: Option<(BTreeMap<String, u64>, i64)>,
    batches: Vec<BatchProgress>,
}

impl Tally {
    /// Cards printed and blangko spoiled per printer, up to date.
    pub fn counters(&mut self, j: &Journal) -> Result<&PrinterCounters, JournalError> {
        let (more, after) = j.printer_counters_after(self.after)?;
        self.counters.add(more);
        self.after = after;
        Ok(&self.counters)
    }

    /// The most recent `limit` batches' progress; `by_state` is the journal's job count per
    /// state now (read for the page anyway), which moves whenever a job does.
    pub fn batches(
        &mut self,
        j: &Journal,
        by_state: &BTreeMap<String, u64>,
        limit: u32,
    ) -> Result<&[BatchProgress], JournalError> {
        let spoiled: i64 = self.counters(j)?.spoiled.values().sum();
        let key = (by_state.clone(), spoiled);
        if self.batches_key.as_ref() != Some(&key) {
            self.batches = j.batch_progress(limit)?;
            self.batches_key = Some(key);
        }
        Ok(&self.batches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{Actor, BlangkoType, SpoilCategory, StockPlace};

    #[test]
    fn the_running_total_equals_a_full_read_after_each_movement() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::open(dir.path().join("j.db")).unwrap();
        let a = Actor::admin("t");
        let mut tally = Tally::default();
        assert_eq!(*tally.counters(&j).unwrap(), j.printer_counters().unwrap());
        j.stock_receive(BlangkoType::Kia, 10, "LOT", None, &a)
            .unwrap();
        j.stock_load("P1", BlangkoType::Kia, 5, &a).unwrap();
        for (place, n) in [(StockPlace::Store, 1), (StockPlace::Feeder("P1".into()), 2)] {
            j.stock_spoil(&place, BlangkoType::Kia, n, SpoilCategory::Rusak, "x", &a)
                .unwrap();
            assert_eq!(*tally.counters(&j).unwrap(), j.printer_counters().unwrap());
        }
        let spoiled: i64 = tally.counters(&j).unwrap().spoiled.values().sum();
        assert_eq!(spoiled, 3);
    }
}
