//! Stock figures, the ledger invariant, low-stock alerts and the daily spoilage record.
//!
//! Invariant, per blangko type:
//! received + adjustments = store + feeders + in printers + consumed + spoiled + returned,
//! with every physical location ≥ 0, the maintained balances equal to a recomputation from the
//! movements, and the ledger agreeing with the jobs (cards in printers = jobs holding a
//! blangko; consumed = printed jobs).

use std::collections::BTreeMap;

use rusqlite::params;

use super::error::Result;
use super::findings::StockProblem;
use super::ledger::Location;
use super::types::{BlangkoType, SpoilCategory, Timestamp};
use super::Journal;

/// Figures for one blangko type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeFigures {
    /// Received from the province.
    pub received: i64,
    /// Net administrator adjustments (found − missing).
    pub adjustments: i64,
    /// In the store.
    pub in_store: i64,
    /// In all feeders.
    pub in_feeders: i64,
    /// Inside printers, bound to jobs (including in-doubt jobs).
    pub in_printers: i64,
    /// Printed (issued).
    pub consumed: i64,
    /// Spoiled, all categories.
    pub spoiled: i64,
    /// Spoiled per category.
    pub spoiled_by_category: BTreeMap<SpoilCategory, i64>,
    /// Returned to the province.
    pub returned: i64,
}

impl TypeFigures {
    /// received + adjustments − everything accounted for; 0 when the ledger balances.
    pub fn imbalance(&self) -> i64 {
        self.received + self.adjustments
            - (self.in_store
                + self.in_feeders
                + self.in_printers
                + self.consumed
                + self.spoiled
                + self.returned)
    }
}

/// Blangko in one printer's feeder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeederFigure {
    /// Printer id.
    pub printer_id: String,
    /// Type.
    pub blangko_type: BlangkoType,
    /// Count.
    pub count: i64,
}

/// `cetak stock show`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StockReport {
    /// Per type.
    pub types: BTreeMap<BlangkoType, TypeFigures>,
    /// Per feeder (feeders that ever held blangko).
    pub feeders: Vec<FeederFigure>,
}

/// `cetak stock verify`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StockVerification {
    /// The figures as recomputed from the movements.
    pub report: StockReport,
    /// Every problem found; empty when the ledger balances.
    pub problems: Vec<StockProblem>,
}

impl StockVerification {
    /// The ledger balances.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Spoiled blangko on one day, per type and category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpoilageRow {
    /// Local date `YYYY-MM-DD`.
    pub date: String,
    /// Type.
    pub blangko_type: BlangkoType,
    /// Category.
    pub category: SpoilCategory,
    /// Count.
    pub count: i64,
}

/// Allowed (kind, from, to) shapes; `%` is a printer id.
const SHAPES: &[(&str, &str, &str)] = &[
    ("received", "supplier", "store"),
    ("loaded", "store", "feeder:%"),
    ("unloaded", "feeder:%", "store"),
    ("fed", "feeder:%", "printer:%"),
    ("not_taken", "printer:%", "feeder:%"),
    ("consumed", "printer:%", "consumed"),
    ("spoiled", "printer:%", "spoiled"),
    ("spoiled", "store", "spoiled"),
    ("spoiled", "feeder:%", "spoiled"),
    ("spoiled", "consumed", "spoiled"),
    ("returned", "store", "returned"),
    ("returned", "feeder:%", "returned"),
    ("adjusted", "adjustment", "store"),
    ("adjusted", "adjustment", "feeder:%"),
    ("adjusted", "store", "adjustment"),
    ("adjusted", "feeder:%", "adjustment"),
];

fn parse_type(s: &str) -> Option<BlangkoType> {
    s.parse().ok()
}

impl Journal {
    fn balances(&self, recompute: bool) -> Result<Vec<(BlangkoType, Location, i64)>> {
        let sql = if recompute {
            "SELECT blangko_type, loc, SUM(d) FROM (
                 SELECT blangko_type, to_loc AS loc, count AS d FROM ledger
                 UNION ALL
                 SELECT blangko_type, from_loc AS loc, -count AS d FROM ledger)
             GROUP BY blangko_type, loc ORDER BY blangko_type, loc"
        } else {
            "SELECT blangko_type, location, count FROM stock_balance ORDER BY blangko_type, location"
        };
        let mut st = self.conn.prepare(sql)?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (t, loc, n) = row?;
            if let (Some(t), Ok(loc)) = (parse_type(&t), loc.parse::<Location>()) {
                out.push((t, loc, n));
            }
        }
        Ok(out)
    }

    fn report_from(&self, balances: &[(BlangkoType, Location, i64)]) -> Result<StockReport> {
        let mut report = StockReport::default();
        for t in BlangkoType::ALL {
            report.types.insert(t, TypeFigures::default());
        }
        for (t, loc, n) in balances {
            let f = report.types.entry(*t).or_default();
            match loc {
                Location::Supplier => f.received = -n,
                Location::Adjustment => f.adjustments = -n,
                Location::Store => f.in_store = *n,
                Location::Feeder(p) => {
                    f.in_feeders += n;
                    report.feeders.push(FeederFigure {
                        printer_id: p.clone(),
                        blangko_type: *t,
                        count: *n,
                    });
                }
                Location::InPrinter(_) => f.in_printers += n,
                Location::Consumed => f.consumed = *n,
                Location::Spoiled => f.spoiled = *n,
                Location::Returned => f.returned = *n,
            }
        }
        let mut st = self.conn.prepare_cached(
            "SELECT blangko_type, category, SUM(count) FROM ledger WHERE kind = 'spoiled'
             GROUP BY blangko_type, category",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        for row in rows {
            let (t, c, n) = row?;
            if let (Some(t), Some(c)) = (parse_type(&t), c.and_then(|c| c.parse().ok())) {
                *report
                    .types
                    .entry(t)
                    .or_default()
                    .spoiled_by_category
                    .entry(c)
                    .or_default() += n;
            }
        }
        Ok(report)
    }

    /// Figures per type and per feeder, from the maintained balances.
    pub fn stock_show(&self) -> Result<StockReport> {
        let b = self.balances(false)?;
        self.report_from(&b)
    }

    /// Checks the ledger invariant and its agreement with the jobs; lists every problem.
    pub fn stock_verify(&self) -> Result<StockVerification> {
        let recomputed = self.balances(true)?;
        let stored = self.balances(false)?;
        let mut problems = Vec::new();
        let by_place = balances_by_place(&recomputed);
        balances_agree(&by_place, &balances_by_place(&stored), &mut problems);
        for (t, loc, n) in &recomputed {
            if loc.is_physical() && *n < 0 {
                problems.push(StockProblem::Negative {
                    blangko_type: *t,
                    place: loc.code(),
                    count: *n,
                });
            }
        }
        let report = self.report_from(&recomputed)?;
        for (t, f) in &report.types {
            self.verify_type(*t, f, &mut problems)?;
        }
        self.verify_cards_in_printers(&by_place, &mut problems)?;
        self.verify_movements(&mut problems)?;
        Ok(StockVerification { report, problems })
    }

    /// One type's figures against its movements and its printed jobs.
    fn verify_type(
        &self,
        t: BlangkoType,
        f: &TypeFigures,
        problems: &mut Vec<StockProblem>,
    ) -> Result<()> {
        let received: i64 = self.conn.query_row(
            "SELECT COALESCE(SUM(count), 0) FROM ledger WHERE blangko_type = ?1 AND kind = ?2",
            params![t.code(), "received"],
            |r| r.get(0),
        )?;
        if received != f.received {
            problems.push(StockProblem::ReceivedDiffers {
                blangko_type: t,
                movements: received,
                balance: f.received,
            });
        }
        if f.imbalance() != 0 {
            problems.push(StockProblem::Imbalance {
                blangko_type: t,
                off_by: f.imbalance(),
            });
        }
        let printed_jobs: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM jobs WHERE blangko_type = ?1 AND state IN ('printed', 'diserahkan')",
            [t.code()],
            |r| r.get(0),
        )?;
        if printed_jobs != f.consumed {
            problems.push(StockProblem::PrintedNotConsumed {
                blangko_type: t,
                printed: printed_jobs,
                consumed: f.consumed,
            });
        }
        Ok(())
    }

    /// Cards inside each printer = jobs holding a blangko there.
    fn verify_cards_in_printers(
        &self,
        by_place: &BTreeMap<(BlangkoType, String), i64>,
        problems: &mut Vec<StockProblem>,
    ) -> Result<()> {
        let mut held: BTreeMap<(BlangkoType, String), i64> = BTreeMap::new();
        let mut st = self.conn.prepare(
            "SELECT blangko_type, printer_id, COUNT(*) FROM jobs
             WHERE state IN ('feeding', 'encoding', 'printing', 'in_doubt')
             GROUP BY blangko_type, printer_id",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        for row in rows {
            let (t, p, n) = row?;
            match (t.as_deref().and_then(parse_type), p) {
                (Some(t), Some(p)) => {
                    held.insert((t, Location::InPrinter(p).code()), n);
                }
                _ => problems.push(StockProblem::HeldWithoutPrinter { jobs: n }),
            }
        }
        let in_printers: BTreeMap<(BlangkoType, String), i64> = by_place
            .iter()
            .filter(|((_, l), _)| l.starts_with("printer:"))
            .map(|(k, n)| (k.clone(), *n))
            .collect();
        for ((blangko_type, place), ledger, jobs) in differences(&in_printers, &held) {
            problems.push(StockProblem::PrinterDiffers {
                blangko_type,
                place,
                ledger,
                jobs,
            });
        }
        Ok(())
    }

    /// Movement shapes and audit links.
    fn verify_movements(&self, problems: &mut Vec<StockProblem>) -> Result<()> {
        let mut shape_sql = String::from("SELECT COUNT(*) FROM ledger WHERE NOT (");
        for (i, (k, f, t)) in SHAPES.iter().enumerate() {
            if i > 0 {
                shape_sql.push_str(" OR ");
            }
            shape_sql.push_str(&format!(
                "(kind = '{k}' AND from_loc LIKE '{f}' AND to_loc LIKE '{t}')"
            ));
        }
        shape_sql.push(')');
        let bad_shapes: i64 = self.conn.query_row(&shape_sql, [], |r| r.get(0))?;
        if bad_shapes > 0 {
            problems.push(StockProblem::ImpossibleMovements { count: bad_shapes });
        }
        let unaudited: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM ledger l LEFT JOIN audit a ON a.id = l.audit_id
             WHERE a.id IS NULL OR a.action != 'stock.' || l.kind",
            [],
            |r| r.get(0),
        )?;
        if unaudited > 0 {
            problems.push(StockProblem::Unaudited { count: unaudited });
        }
        Ok(())
    }

    /// Spoiled blangko per local day, type and category, for days in `[from, to)`; the day
    /// boundary is local time at `utc_offset_minutes` (WIB = 420).
    pub fn spoilage_daily(
        &self,
        from: Timestamp,
        to: Timestamp,
        utc_offset_minutes: i32,
    ) -> Result<Vec<SpoilageRow>> {
        let mut st = self.conn.prepare_cached(
            "SELECT date((at / 1000) + ?3 * 60, 'unixepoch') AS day, blangko_type, category,
                    SUM(count)
             FROM ledger WHERE kind = 'spoiled' AND at >= ?1 AND at < ?2
             GROUP BY day, blangko_type, category ORDER BY day, blangko_type, category",
        )?;
        let rows = st.query_map(params![from.0, to.0, utc_offset_minutes], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (date, t, c, count) = row?;
            if let (Some(blangko_type), Some(category)) =
                (parse_type(&t), c.and_then(|c| c.parse().ok()))
            {
                out.push(SpoilageRow {
                    date,
                    blangko_type,
                    category,
                    count,
                });
            }
        }
        Ok(out)
    }
}

/// Non-zero balances keyed by type and place code.
fn balances_by_place(v: &[(BlangkoType, Location, i64)]) -> BTreeMap<(BlangkoType, String), i64> {
    v.iter()
        .filter(|x| x.2 != 0)
        .map(|(t, l, n)| ((*t, l.code()), *n))
        .collect()
}

/// The maintained balances agree with the sum of the movements (one problem per place).
fn balances_agree(
    recomputed: &BTreeMap<(BlangkoType, String), i64>,
    stored: &BTreeMap<(BlangkoType, String), i64>,
    problems: &mut Vec<StockProblem>,
) {
    for ((blangko_type, place), kept, summed) in differences(stored, recomputed) {
        problems.push(StockProblem::BalanceDiffers {
            blangko_type,
            place,
            stored: kept,
            movements: summed,
        });
    }
}

/// Every place where two counts differ (a place missing from one counts 0 there), once each.
fn differences(
    a: &BTreeMap<(BlangkoType, String), i64>,
    b: &BTreeMap<(BlangkoType, String), i64>,
) -> Vec<((BlangkoType, String), i64, i64)> {
    let keys: std::collections::BTreeSet<_> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .map(|k| {
            (
                k.clone(),
                a.get(k).copied().unwrap_or(0),
                b.get(k).copied().unwrap_or(0),
            )
        })
        .filter(|(_, x, y)| x != y)
        .collect()
}
