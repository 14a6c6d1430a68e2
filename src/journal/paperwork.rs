//! Read-only queries behind the official reports (`cetak report …`, `src/report/`) and the
//! metrics (`GET /metrics`): a batch's printed cards for its handover record (BAST), the spoiled
//! blangko of a period with their card numbers, ledger movements with opening and closing
//! balances, and counters per printer. Nothing here writes.

use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension};

use super::error::Result;
use super::ledger::Location;
use super::types::{BlangkoType, SpoilCategory, Timestamp};
use super::Journal;

/// One printed card of a batch, for the BAST's final list. The NIK is only ever masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchCard {
    /// Job id.
    pub job_id: String,
    /// Masked NIK (`327305******0003`).
    pub nik_masked: String,
    /// Holder's name; `None` once personal data was purged.
    pub name: Option<String>,
    /// `LAKI-LAKI` or `PEREMPUAN`; `None` once personal data was purged.
    pub sex: Option<String>,
    /// Class or note from the job's `batch.note`.
    pub note: Option<String>,
    /// Card number as the printer reported it.
    pub card_serial: Option<String>,
    /// When it was printed.
    pub printed_at: Timestamp,
}

/// A batch as the journal holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchCards {
    /// Batch name (e.g. the school) from the first job that carries it.
    pub name: Option<String>,
    /// Printed cards (handed over or waiting), in order of printing.
    pub printed: Vec<BatchCard>,
    /// Jobs of the batch in any other state, by state code.
    pub not_printed: BTreeMap<String, u64>,
}

/// One spoiled blangko.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpoiledCard {
    /// When it was written off.
    pub at: Timestamp,
    /// Type.
    pub blangko_type: BlangkoType,
    /// Category.
    pub category: Option<SpoilCategory>,
    /// How many (1 for a card in a printer; a hand write-off may count several).
    pub count: i64,
    /// Card number (printer serial `#` counter), when known.
    pub card_serial: Option<String>,
    /// Where it was: `printer:P1`, `feeder:P1`, `store`, `consumed` (a printed card).
    pub from: String,
    /// Job, for a card spoiled in a printer or written off after printing.
    pub job_id: Option<String>,
    /// Note given with it.
    pub note: Option<String>,
    /// Who recorded it.
    pub operator: String,
}

/// One ledger movement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovementRow {
    /// Movement number.
    pub id: i64,
    /// When.
    pub at: Timestamp,
    /// Type.
    pub blangko_type: BlangkoType,
    /// `received`, `loaded`, `fed`, `consumed`, `spoiled`, ...
    pub kind: String,
    /// Count.
    pub count: i64,
    /// From.
    pub from: String,
    /// To.
    pub to: String,
    /// Lot, for receipts.
    pub lot: Option<String>,
    /// Spoil category.
    pub category: Option<String>,
    /// Who.
    pub operator: String,
}

/// Balances of the places that hold cards, per type, at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlaceBalances {
    /// Store.
    pub store: i64,
    /// All feeders.
    pub feeders: i64,
    /// Inside printers.
    pub printers: i64,
}

impl PlaceBalances {
    /// Store + feeders + printers: blangko the station holds.
    pub fn total(&self) -> i64 {
        self.store + self.feeders + self.printers
    }
}

/// Counters per printer, category and type, from the ledger (for metrics).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrinterCounters {
    /// Printed cards by (printer, type).
    pub printed: BTreeMap<(String, BlangkoType), i64>,
    /// Spoiled blangko by (printer or place, type, category); `place` is the printer id, or
    /// `store` / `desk` for blangko spoiled outside a printer (`desk`: a printed card written
    /// off).
    pub spoiled: BTreeMap<(String, BlangkoType, String), i64>,
}

impl PrinterCounters {
    /// Adds `more` (counters of later ledger rows) to these.
    pub fn add(&mut self, more: PrinterCounters) {
        for (k, n) in more.printed {
            *self.printed.entry(k).or_default() += n;
        }
        for (k, n) in more.spoiled {
            *self.spoiled.entry(k).or_default() += n;
        }
    }
}

impl Journal {
    /// Opens an existing journal read-only for reports: no migration, no write, no lock taken
    /// from the daemon (WAL readers never block it). Refused for a schema other than this
    /// build's.
    pub fn open_read_only(path: impl AsRef<std::path::Path>) -> Result<Journal> {
        use rusqlite::{Connection, OpenFlags};
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let found = super::schema::version(&conn)?;
        if found > super::schema::LATEST {
            return Err(super::JournalError::SchemaTooNew {
                found,
                supported: super::schema::LATEST,
            });
        }
        if found < super::schema::LATEST {
            return Err(super::JournalError::InvalidInput(format!(
                "journal schema {found} is older than this build's ({}): start the daemon once \
                 to migrate it",
                super::schema::LATEST
            )));
        }
        let journal_id: String =
            conn.query_row("SELECT value FROM meta WHERE key = 'journal_id'", [], |r| {
                r.get(0)
            })?;
        Ok(Journal {
            conn,
            clock: std::sync::Arc::new(super::SystemClock),
            station_id: "report".into(),
            journal_id,
            max_attempts: 1,
            batch_order: super::BatchOrder::default(),
        })
    }
}

fn parse_type(s: &str) -> Option<BlangkoType> {
    s.parse().ok()
}

impl Journal {
    /// The printed cards of `batch_id` (handed over or not: the BAST of a school batch is
    /// written at its hand-over), with what the final list needs (from each job's payload;
    /// name and sex are `None` for jobs whose personal data was purged).
    pub fn batch_cards(&self, batch_id: &str) -> Result<BatchCards> {
        let mut out = BatchCards::default();
        let mut st = self.conn.prepare(
            "SELECT j.job_id, j.nik_masked, j.payload, j.updated_at,
                    (SELECT e.card_serial FROM job_events e
                      WHERE e.job_id = j.job_id AND e.to_state = 'printed'
                      ORDER BY e.id DESC LIMIT 1),
                    (SELECT e.at FROM job_events e
                      WHERE e.job_id = j.job_id AND e.to_state = 'printed'
                      ORDER BY e.id DESC LIMIT 1)
             FROM jobs j WHERE j.batch_id = ?1 AND j.state IN ('printed', 'diserahkan')
             ORDER BY 6, j.id",
        )?;
        let rows = st.query_map([batch_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<i64>>(5)?,
            ))
        })?;
        for row in rows {
            let (job_id, nik_masked, payload, updated, card_serial, printed_at) = row?;
            let doc: Option<serde_json::Value> =
                payload.and_then(|p| serde_json::from_str(&p).ok());
            let field = |path: &[&str]| -> Option<String> {
                let mut v = doc.as_ref()?;
                for p in path {
                    v = v.get(p)?;
                }
                v.as_str().map(str::to_string)
            };
            if out.name.is_none() {
                out.name = field(&["batch", "name"]);
            }
            out.printed.push(BatchCard {
                name: field(&["person", "name"]),
                sex: field(&["person", "sex"]),
                note: field(&["batch", "note"]),
                job_id,
                nik_masked,
                card_serial,
                printed_at: Timestamp(printed_at.unwrap_or(updated)),
            });
        }
        let mut st = self.conn.prepare(
            "SELECT state, COUNT(*) FROM jobs
             WHERE batch_id = ?1 AND state NOT IN ('printed', 'diserahkan')
             GROUP BY state",
        )?;
        let rows = st.query_map([batch_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
        })?;
        out.not_printed = rows.collect::<rusqlite::Result<_>>()?;
        if out.name.is_none() {
            // A batch with nothing printed yet: its name from any job that still has a payload.
            out.name = self
                .conn
                .query_row(
                    "SELECT json_extract(payload, '$.batch.name') FROM jobs
                     WHERE batch_id = ?1 AND payload IS NOT NULL LIMIT 1",
                    [batch_id],
                    |r| r.get::<_, Option<String>>(0),
                )
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok(None),
                    e => Err(e),
                })?;
        }
        Ok(out)
    }

    /// Every spoiled-blangko movement in `[from, to)`, in time order, with the card number: for a
    /// card spoiled in a printer the one recorded with its `spoil` step, for a printed card
    /// written off the one it was printed as.
    pub fn spoiled_cards(&self, from: Timestamp, to: Timestamp) -> Result<Vec<SpoiledCard>> {
        let mut st = self.conn.prepare(
            "SELECT l.at, l.blangko_type, l.category, l.count, l.from_loc, l.job_id, l.note,
                    l.operator,
                    CASE WHEN l.job_id IS NULL THEN NULL
                         WHEN l.from_loc = 'consumed' THEN
                           (SELECT e.card_serial FROM job_events e
                             WHERE e.job_id = l.job_id AND e.to_state = 'printed' AND e.at <= l.at
                             ORDER BY e.id DESC LIMIT 1)
                         ELSE
                           (SELECT e.card_serial FROM job_events e
                             WHERE e.job_id = l.job_id AND e.step = 'spoil' AND e.at = l.at
                             ORDER BY e.id DESC LIMIT 1)
                    END
             FROM ledger l WHERE l.kind = 'spoiled' AND l.at >= ?1 AND l.at < ?2
             ORDER BY l.at, l.id",
        )?;
        let rows = st.query_map(params![from.0, to.0], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (at, t, category, count, from, job_id, note, operator, card_serial) = row?;
            let Some(blangko_type) = parse_type(&t) else {
                continue;
            };
            out.push(SpoiledCard {
                at: Timestamp(at),
                blangko_type,
                category: category.and_then(|c| c.parse().ok()),
                count,
                card_serial,
                from,
                job_id,
                note,
                operator,
            });
        }
        Ok(out)
    }

    /// Ledger movements in `[from, to)`, in order.
    pub fn movements(&self, from: Timestamp, to: Timestamp) -> Result<Vec<MovementRow>> {
        let mut st = self.conn.prepare(
            "SELECT id, at, blangko_type, kind, count, from_loc, to_loc, lot, category, operator
             FROM ledger WHERE at >= ?1 AND at < ?2 ORDER BY id",
        )?;
        let rows = st.query_map(params![from.0, to.0], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, Option<String>>(8)?,
                r.get::<_, String>(9)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, at, t, kind, count, from, to, lot, category, operator) = row?;
            if let Some(blangko_type) = parse_type(&t) {
                out.push(MovementRow {
                    id,
                    at: Timestamp(at),
                    blangko_type,
                    kind,
                    count,
                    from,
                    to,
                    lot,
                    category,
                    operator,
                });
            }
        }
        Ok(out)
    }

    /// Balances of store, feeders and printers per type just before `at` (recomputed from the
    /// movements; every type is present).
    pub fn balances_before(&self, at: Timestamp) -> Result<BTreeMap<BlangkoType, PlaceBalances>> {
        let mut st = self.conn.prepare(
            "SELECT blangko_type, loc, SUM(d) FROM (
                 SELECT blangko_type, to_loc AS loc, count AS d FROM ledger WHERE at < ?1
                 UNION ALL
                 SELECT blangko_type, from_loc AS loc, -count AS d FROM ledger WHERE at < ?1)
             GROUP BY blangko_type, loc",
        )?;
        let rows = st.query_map([at.0], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        let mut out: BTreeMap<BlangkoType, PlaceBalances> = BlangkoType::ALL
            .into_iter()
            .map(|t| (t, PlaceBalances::default()))
            .collect();
        for row in rows {
            let (t, loc, n) = row?;
            let (Some(t), Ok(loc)) = (parse_type(&t), loc.parse::<Location>()) else {
                continue;
            };
            let b = out.entry(t).or_default();
            match loc {
                Location::Store => b.store += n,
                Location::Feeder(_) => b.feeders += n,
                Location::InPrinter(_) => b.printers += n,
                _ => {}
            }
        }
        Ok(out)
    }

    /// Printed and spoiled blangko per printer (or place), type and category, since the
    /// journal began.
    pub fn printer_counters(&self) -> Result<PrinterCounters> {
        Ok(self.printer_counters_after(0)?.0)
    }

    /// [`Self::printer_counters`] of the ledger rows after `after` (an id this function
    /// returned before; 0 for all), and the id to give next time. The ledger is append-only,
    /// so a running total plus these is the same figure, without reading every card again.
    pub fn printer_counters_after(&self, after: i64) -> Result<(PrinterCounters, i64)> {
        // The newest row first: every row up to it is committed (one writer, ids in commit
        // order), so nothing is skipped between two calls.
        let newest: i64 = self
            .conn
            .prepare_cached("SELECT COALESCE(MAX(id), 0) FROM ledger")?
            .query_row([], |r| r.get(0))?;
        let mut out = PrinterCounters::default();
        let mut st = self.conn.prepare_cached(
            "SELECT kind, blangko_type, from_loc, COALESCE(category, ''), SUM(count) FROM ledger
             WHERE id > ?1 AND id <= ?2 AND +kind IN ('consumed', 'spoiled')
             GROUP BY kind, blangko_type, from_loc, category",
        )?;
        let rows = st.query_map(params![after, newest], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        for row in rows {
            let (kind, t, from, category, n) = row?;
            let Some(t) = parse_type(&t) else { continue };
            let place = match from.parse::<Location>() {
                Ok(Location::InPrinter(p)) | Ok(Location::Feeder(p)) => p,
                Ok(Location::Consumed) => "desk".to_string(),
                _ => from,
            };
            if kind == "consumed" {
                *out.printed.entry((place, t)).or_default() += n;
            } else {
                *out.spoiled.entry((place, t, category)).or_default() += n;
            }
        }
        Ok((out, newest.max(after)))
    }

    /// The job of the last card printed on `printer` (from the ledger's index on kind and
    /// time: recent cards are found at once).
    pub fn last_card(&self, printer: &str) -> Result<Option<String>> {
        let from = Location::InPrinter(printer.to_string()).to_string();
        Ok(self
            .conn
            .prepare_cached(
                "SELECT job_id FROM ledger WHERE kind = 'consumed' AND from_loc = ?1
                 ORDER BY at DESC LIMIT 1",
            )?
            .query_row([from], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten())
    }

    /// [`Self::card_durations`] of the cards printed after job event `after` (an id this
    /// function returned before; 0 for all), and the id to give next time: the metrics keep
    /// their histogram up to date without reading every card at each scrape.
    pub fn card_durations_after(&self, after: i64) -> Result<(Vec<f64>, i64)> {
        // The newest event first: every event up to it is committed (one writer, ids in
        // commit order), so nothing is skipped between two calls.
        let newest: i64 = self
            .conn
            .prepare_cached("SELECT COALESCE(MAX(id), 0) FROM job_events")?
            .query_row([], |r| r.get(0))?;
        let mut st = self.conn.prepare_cached(
            "SELECT p.at - (SELECT MAX(f.at) FROM job_events f
                             WHERE f.job_id = p.job_id AND f.step = 'feed' AND f.id < p.id)
             FROM job_events p
             WHERE p.id > ?1 AND p.id <= ?2 AND p.step = 'mark printed'",
        )?;
        let rows = st.query_map(params![after, newest], |r| r.get::<_, Option<i64>>(0))?;
        let mut out = Vec::new();
        for row in rows {
            if let Some(ms) = row? {
                out.push(ms as f64 / 1000.0);
            }
        }
        Ok((out, newest.max(after)))
    }

    /// Seconds from feeding to `printed` for every printed card (the last attempt of each
    /// printed job), for the time-per-card histogram.
    pub fn card_durations(&self) -> Result<Vec<f64>> {
        let mut st = self.conn.prepare(
            "SELECT p.at - (SELECT MAX(f.at) FROM job_events f
                             WHERE f.job_id = p.job_id AND f.step = 'feed' AND f.id < p.id)
             FROM job_events p WHERE p.step = 'mark printed'",
        )?;
        let rows = st.query_map([], |r| r.get::<_, Option<i64>>(0))?;
        let mut out = Vec::new();
        for row in rows {
            if let Some(ms) = row? {
                out.push(ms as f64 / 1000.0);
            }
        }
        Ok(out)
    }
}
