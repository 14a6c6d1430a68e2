//! `GET /metrics`: the station in the Prometheus text exposition format (version 0.0.4).
//!
//! Counters of cards come from the ledger, so they survive restarts and equal what
//! `cetak stock show` and the reports say; printer state and the server link come from the
//! running station's [`StationHandle`]. Every name starts with `cetak_`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::daemon::{PrinterState, StationHandle};
use crate::journal::{BlangkoType, JobState, Journal, JournalError};

/// Upper bounds (seconds) of the time-per-card histogram: feed to printed.
pub const CARD_SECONDS_BUCKETS: &[f64] = &[
    5.0, 10.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 300.0, 600.0,
];

/// Printer states as the `state` label of `cetak_printer_state`.
const PRINTER_STATES: [&str; 6] = ["starting", "idle", "busy", "paused", "offline", "stopped"];

fn printer_state_code(s: &PrinterState) -> &'static str {
    match s {
        PrinterState::Starting => "starting",
        PrinterState::Idle => "idle",
        PrinterState::Busy { .. } => "busy",
        PrinterState::Paused { .. } => "paused",
        PrinterState::Offline { .. } => "offline",
        PrinterState::Stopped => "stopped",
    }
}

/// Writes metric families in the text format.
struct Out {
    text: String,
}

impl Out {
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.text, "# HELP {name} {help}");
        let _ = writeln!(self.text, "# TYPE {name} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        self.text.push_str(name);
        if !labels.is_empty() {
            self.text.push('{');
            for (i, (k, v)) in labels.iter().enumerate() {
                if i > 0 {
                    self.text.push(',');
                }
                let _ = write!(self.text, "{k}=\"{}\"", escape(v));
            }
            self.text.push('}');
        }
        let _ = writeln!(self.text, " {}", number(value));
    }
}

/// Label value escaping of the text format: backslash, double quote, line feed.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn number(v: f64) -> String {
    if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.to_string()
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The time-per-card histogram, kept up to date from the job events added since the last
/// scrape (reading every card's events at each scrape grew with the journal).
#[derive(Debug, Clone, Default)]
pub struct CardHistogram {
    /// Job events up to this id are counted.
    after: i64,
    /// Cards per bucket of [`CARD_SECONDS_BUCKETS`] (not cumulative).
    buckets: [u64; CARD_SECONDS_BUCKETS.len()],
    /// Cards slower than the last bucket.
    over: u64,
    sum: f64,
}

impl CardHistogram {
    /// Adds the cards printed since the last call.
    pub fn update(&mut self, journal: &Journal) -> Result<(), JournalError> {
        let (durations, after) = journal.card_durations_after(self.after)?;
        for d in durations {
            match CARD_SECONDS_BUCKETS.iter().position(|le| d <= *le) {
                Some(i) => self.buckets[i] += 1,
                None => self.over += 1,
            }
            self.sum += d;
        }
        self.after = after;
        Ok(())
    }

    /// Cards counted.
    pub fn count(&self) -> u64 {
        self.buckets.iter().sum::<u64>() + self.over
    }

    fn write(&self, o: &mut Out) {
        o.family(
            "cetak_card_seconds",
            "histogram",
            "Time per printed card, from feeding the blangko to printed, in seconds.",
        );
        let mut cumulative = 0;
        for (le, n) in CARD_SECONDS_BUCKETS.iter().zip(self.buckets) {
            cumulative += n;
            o.sample(
                "cetak_card_seconds_bucket",
                &[("le", &number(*le))],
                cumulative as f64,
            );
        }
        let count = self.count() as f64;
        o.sample("cetak_card_seconds_bucket", &[("le", "+Inf")], count);
        o.sample("cetak_card_seconds_sum", &[], self.sum);
        o.sample("cetak_card_seconds_count", &[], count);
    }
}

/// The whole exposition; `tally` and `histogram` are brought up to date first.
pub fn render(
    journal: &Journal,
    handle: &StationHandle,
    tally: &mut super::tally::Tally,
    histogram: &mut CardHistogram,
) -> Result<String, JournalError> {
    let mut o = Out {
        text: String::new(),
    };
    cards(&mut o, tally.counters(journal)?);
    jobs(&mut o, journal)?;
    printers(&mut o, handle);
    blangko(&mut o, journal)?;
    ribbons(&mut o, journal)?;
    outbox(&mut o, journal)?;
    histogram.update(journal)?;
    histogram.write(&mut o);
    link(&mut o, handle);
    Ok(o.text)
}

/// Cards printed and spoiled, from the ledger.
fn cards(o: &mut Out, counters: &crate::journal::PrinterCounters) {
    o.family(
        "cetak_cards_printed_total",
        "counter",
        "Cards printed (issued), by printer and blangko type, from the ledger.",
    );
    for ((printer, ty), n) in &counters.printed {
        o.sample(
            "cetak_cards_printed_total",
            &[("printer", printer), ("type", ty.code())],
            *n as f64,
        );
    }
    o.family(
        "cetak_cards_spoiled_total",
        "counter",
        "Blangko spoiled, by printer (or store/desk), blangko type and category, from the ledger.",
    );
    for ((place, ty, category), n) in &counters.spoiled {
        o.sample(
            "cetak_cards_spoiled_total",
            &[
                ("printer", place),
                ("type", ty.code()),
                ("category", category),
            ],
            *n as f64,
        );
    }
}

fn jobs(o: &mut Out, journal: &Journal) -> Result<(), JournalError> {
    o.family("cetak_jobs", "gauge", "Jobs in the journal by state.");
    let by_state = journal.count_by_state()?;
    for s in JobState::ALL {
        let n = by_state.get(s.code()).copied().unwrap_or(0);
        o.sample("cetak_jobs", &[("state", s.code())], n as f64);
    }
    Ok(())
}

fn printers(o: &mut Out, handle: &StationHandle) {
    o.family(
        "cetak_printer_state",
        "gauge",
        "1 for the state each printer's worker is in, 0 for the others.",
    );
    for (printer, st) in &handle.printer_states() {
        let now = printer_state_code(st);
        for s in PRINTER_STATES {
            o.sample(
                "cetak_printer_state",
                &[("printer", printer), ("state", s)],
                f64::from(u8::from(s == now)),
            );
        }
    }
}

/// Blangko in the feeders and in the store.
fn blangko(o: &mut Out, journal: &Journal) -> Result<(), JournalError> {
    let stock = journal.stock_show()?;
    o.family(
        "cetak_feeder_blangko",
        "gauge",
        "Blangko in each printer's feeder, from the ledger.",
    );
    let mut feeders: BTreeMap<(String, BlangkoType), i64> = BTreeMap::new();
    for f in &stock.feeders {
        *feeders
            .entry((f.printer_id.clone(), f.blangko_type))
            .or_default() += f.count;
    }
    for ((printer, ty), n) in &feeders {
        o.sample(
            "cetak_feeder_blangko",
            &[("printer", printer), ("type", ty.code())],
            *n as f64,
        );
    }
    o.family(
        "cetak_blangko_in_store",
        "gauge",
        "Blangko in the station's store, by type.",
    );
    for (ty, f) in &stock.types {
        o.sample(
            "cetak_blangko_in_store",
            &[("type", ty.code())],
            f.in_store as f64,
        );
    }
    Ok(())
}

fn ribbons(o: &mut Out, journal: &Journal) -> Result<(), JournalError> {
    let ribbons = journal.ribbons()?;
    o.family(
        "cetak_ribbon_cards_left",
        "gauge",
        "Cards the ribbon of each printer can still print, as its worker last read it.",
    );
    for r in &ribbons {
        if let Some(n) = r.remaining_cards {
            let labels = [("printer", r.printer_id.as_str())];
            o.sample("cetak_ribbon_cards_left", &labels, f64::from(n));
        }
    }
    o.family(
        "cetak_ribbon_panels_left",
        "gauge",
        "Ribbon panels left in each printer, as its worker last read it.",
    );
    for r in &ribbons {
        if let Some(n) = r.remaining_panels {
            let labels = [("printer", r.printer_id.as_str())];
            o.sample("cetak_ribbon_panels_left", &labels, f64::from(n));
        }
    }
    Ok(())
}

fn outbox(o: &mut Out, journal: &Journal) -> Result<(), JournalError> {
    o.family(
        "cetak_outbox_backlog",
        "gauge",
        "Events waiting to be sent to the server.",
    );
    o.sample(
        "cetak_outbox_backlog",
        &[],
        journal.outbox_backlog()? as f64,
    );
    o.family(
        "cetak_outbox_refused",
        "gauge",
        "Events the server refused for good, set aside until an administrator retries them.",
    );
    let refused = journal.outbox_refused_count()? as f64;
    o.sample("cetak_outbox_refused", &[], refused);
    Ok(())
}

fn link(o: &mut Out, handle: &StationHandle) {
    o.family(
        "cetak_link_up",
        "gauge",
        "1 while the server link works, 0 while it fails; absent on a station without [link].",
    );
    let Some(h) = handle.link_health() else {
        return;
    };
    let up = f64::from(u8::from(h.failing_since.is_none()));
    o.sample("cetak_link_up", &[], up);
    o.family(
        "cetak_link_failures",
        "gauge",
        "Failed server requests in a row.",
    );
    o.sample("cetak_link_failures", &[], h.failures as f64);
    if let Some(since) = h.failing_since {
        o.family(
            "cetak_link_failing_since_seconds",
            "gauge",
            "Unix time of the first failure since the link last worked.",
        );
        o.sample(
            "cetak_link_failing_since_seconds",
            &[],
            since.0 as f64 / 1000.0,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{escape, number};

    #[test]
    fn label_values_and_numbers() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        assert_eq!(number(3.0), "3");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(f64::INFINITY), "+Inf");
    }
}
