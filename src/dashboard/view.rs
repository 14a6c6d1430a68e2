//! What a dashboard page shows, read in one go: the station at a glance from the same function
//! as the control socket's `GET /v1/status` ([`status_view`]), the ledger's stock figures, the
//! jobs in doubt, each busy printer's job step, per-printer counters, the last card of each
//! printer and batch progress.
//! Blocking (journal reads): call from `spawn_blocking`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::daemon::control::{status_view, DoubtView, StatusView, StockView};
use crate::daemon::StationHandle;
use crate::journal::{BatchProgress, Journal, JournalError};

/// How many batches the page lists (most recent first).
pub const BATCHES_SHOWN: u32 = 20;

/// Everything one page render needs.
#[derive(Debug, Clone, Serialize)]
pub struct Snapshot {
    /// The station at a glance (printers, events, queue by state, alerts, link).
    pub status: StatusView,
    /// Blangko store and feeders.
    pub stock: StockView,
    /// Jobs in doubt.
    pub doubt: Vec<DoubtView>,
    /// Job id → state code, for the jobs at a printer (the step it is at).
    pub steps: BTreeMap<String, String>,
    /// Printer id → (cards printed, blangko spoiled), from the ledger.
    pub counters: BTreeMap<String, (i64, i64)>,
    /// Recent batches.
    pub batches: Vec<BatchRow>,
    /// Printer id → the job of the last card it printed (its preview is served).
    pub last_cards: BTreeMap<String, String>,
}

/// One batch's progress.
#[derive(Debug, Clone, Serialize)]
pub struct BatchRow {
    /// Batch id.
    pub batch_id: String,
    /// Jobs in the batch.
    pub jobs: u64,
    /// Printed.
    pub printed: u64,
    /// Blangko spoiled.
    pub spoiled: u64,
    /// Still to do.
    pub left: u64,
}

impl From<BatchProgress> for BatchRow {
    fn from(b: BatchProgress) -> Self {
        BatchRow {
            batch_id: b.batch_id,
            jobs: b.jobs,
            printed: b.printed,
            spoiled: b.spoiled,
            left: b.left,
        }
    }
}

/// Reads a snapshot.
pub fn read(
    handle: &StationHandle,
    j: &Journal,
    station_id: &str,
    station_name: &str,
    tally: &mut super::tally::Tally,
) -> Result<Snapshot, JournalError> {
    let status = status_view(handle, j, station_id, station_name)?;
    let stock: StockView = (&j.stock_show()?).into();
    let doubt = j.doubt_list()?.into_iter().map(DoubtView::from).collect();
    let mut steps = BTreeMap::new();
    for p in &status.printers {
        if let Some(job) = &p.job_id {
            match j.job(job) {
                Ok(r) => {
                    steps.insert(job.clone(), r.state.code().to_string());
                }
                Err(JournalError::UnknownJob(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    let c = tally.counters(j)?;
    let mut counters: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for ((printer, _), n) in &c.printed {
        counters.entry(printer.clone()).or_default().0 += n;
    }
    for ((place, _, _), n) in &c.spoiled {
        counters.entry(place.clone()).or_default().1 += n;
    }
    let mut last_cards = BTreeMap::new();
    for p in &status.printers {
        if counters.get(&p.id).is_some_and(|(printed, _)| *printed > 0) {
            if let Some(job) = j.last_card(&p.id)? {
                last_cards.insert(p.id.clone(), job);
            }
        }
    }
    let batches = tally
        .batches(j, &status.queue, BATCHES_SHOWN)?
        .iter()
        .cloned()
        .map(BatchRow::from)
        .collect();
    Ok(Snapshot {
        status,
        stock,
        doubt,
        steps,
        counters,
        batches,
        last_cards,
    })
}
