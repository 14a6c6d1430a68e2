//! Blangko ledger: append-only, double-entry movements. Each movement takes `count` blangko of
//! one type from one location to another; physical locations (store, a feeder, a printer) can
//! never go negative. Every movement is audited in the same transaction.

use std::fmt;
use std::str::FromStr;

use rusqlite::{params, OptionalExtension};
use serde_json::json;

use super::audit;
use super::error::{JournalError, Result};
use super::types::{check_id, Actor, BlangkoType, Role, SpoilCategory};
use super::{Journal, Tx};

/// Where blangko are. `Supplier` and `Adjustment` are the outside world (their balances are
/// negative: what came in); `Consumed`, `Spoiled`, `Returned` are final sinks.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Location {
    /// Where received blangko come from (the province).
    Supplier,
    /// The station's locked store.
    Store,
    /// The input feeder of a printer.
    Feeder(String),
    /// Inside a printer, bound to a job (fed, not yet printed or spoiled).
    InPrinter(String),
    /// Printed cards (issued).
    Consumed,
    /// Spoiled, awaiting destruction under a berita acara.
    Spoiled,
    /// Returned to the province.
    Returned,
    /// Counterpart of administrator adjustments.
    Adjustment,
}

impl Location {
    /// Code stored in the ledger: `store`, `feeder:P1`, `printer:P1`, ...
    pub fn code(&self) -> String {
        match self {
            Location::Supplier => "supplier".into(),
            Location::Store => "store".into(),
            Location::Feeder(p) => format!("feeder:{p}"),
            Location::InPrinter(p) => format!("printer:{p}"),
            Location::Consumed => "consumed".into(),
            Location::Spoiled => "spoiled".into(),
            Location::Returned => "returned".into(),
            Location::Adjustment => "adjustment".into(),
        }
    }

    /// A place holding real cards, whose balance must never be negative.
    pub fn is_physical(&self) -> bool {
        matches!(
            self,
            Location::Store | Location::Feeder(_) | Location::InPrinter(_)
        )
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

impl FromStr for Location {
    type Err = JournalError;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "supplier" => Location::Supplier,
            "store" => Location::Store,
            "consumed" => Location::Consumed,
            "spoiled" => Location::Spoiled,
            "returned" => Location::Returned,
            "adjustment" => Location::Adjustment,
            _ => {
                if let Some(p) = s.strip_prefix("feeder:") {
                    Location::Feeder(p.to_string())
                } else if let Some(p) = s.strip_prefix("printer:") {
                    Location::InPrinter(p.to_string())
                } else {
                    return Err(JournalError::InvalidInput(format!(
                        "unknown location {s:?}"
                    )));
                }
            }
        })
    }
}

/// Where an operator can take blangko from by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StockPlace {
    /// The store.
    Store,
    /// A printer's feeder (printer id).
    Feeder(String),
}

impl StockPlace {
    fn location(&self) -> Result<Location> {
        Ok(match self {
            StockPlace::Store => Location::Store,
            StockPlace::Feeder(p) => {
                check_id("printer id", p)?;
                Location::Feeder(p.clone())
            }
        })
    }
}

/// Kind of movement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MovementKind {
    /// supplier → store (lot / box number).
    Received,
    /// store → feeder.
    Loaded,
    /// feeder → store.
    Unloaded,
    /// feeder → printer, bound to a job.
    Fed,
    /// printer → feeder: a feed the printer did not take (feeder empty) undone.
    NotTaken,
    /// printer → consumed (job printed).
    Consumed,
    /// printer, store or feeder → spoiled (with category).
    Spoiled,
    /// store or feeder → returned.
    Returned,
    /// adjustment ↔ store or feeder (administrators, with reason).
    Adjusted,
}

impl MovementKind {
    /// Code stored in the ledger.
    pub fn code(self) -> &'static str {
        match self {
            MovementKind::Received => "received",
            MovementKind::Loaded => "loaded",
            MovementKind::Unloaded => "unloaded",
            MovementKind::Fed => "fed",
            MovementKind::NotTaken => "not_taken",
            MovementKind::Consumed => "consumed",
            MovementKind::Spoiled => "spoiled",
            MovementKind::Returned => "returned",
            MovementKind::Adjusted => "adjusted",
        }
    }
}

/// One movement to record.
pub(crate) struct Movement<'a> {
    pub kind: MovementKind,
    pub blangko_type: BlangkoType,
    pub count: i64,
    pub from: Location,
    pub to: Location,
    pub job_id: Option<&'a str>,
    pub lot: Option<&'a str>,
    pub category: Option<SpoilCategory>,
    pub note: Option<&'a str>,
    pub actor: &'a Actor,
}

impl<'a> Movement<'a> {
    /// A movement with no job, lot, category or note (set those that apply).
    pub(crate) fn plain(
        kind: MovementKind,
        blangko_type: BlangkoType,
        count: i64,
        (from, to): (Location, Location),
        actor: &'a Actor,
    ) -> Self {
        Movement {
            kind,
            blangko_type,
            count,
            from,
            to,
            job_id: None,
            lot: None,
            category: None,
            note: None,
            actor,
        }
    }
}

/// Current balance of a location.
pub(crate) fn balance(conn: &rusqlite::Connection, t: BlangkoType, loc: &Location) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count FROM stock_balance WHERE blangko_type = ?1 AND location = ?2",
        )?
        .query_row(params![t.code(), loc.code()], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

fn add_balance(tx: &Tx<'_>, t: BlangkoType, loc: &Location, delta: i64) -> Result<()> {
    tx.tx
        .prepare_cached(
            "INSERT INTO stock_balance (blangko_type, location, count) VALUES (?1, ?2, ?3)
             ON CONFLICT (blangko_type, location) DO UPDATE SET count = count + excluded.count",
        )?
        .execute(params![t.code(), loc.code(), delta])?;
    Ok(())
}

/// Records a movement in the caller's transaction, refusing one that would make a physical
/// location negative or mix types in a feeder. Returns the ledger row id.
pub(crate) fn record(tx: &Tx<'_>, m: Movement<'_>) -> Result<i64> {
    if m.count <= 0 {
        return Err(JournalError::InvalidInput(format!(
            "movement count must be positive, got {}",
            m.count
        )));
    }
    if m.from.is_physical() {
        let available = balance(&tx.tx, m.blangko_type, &m.from)?;
        if available < m.count {
            return Err(JournalError::InsufficientStock {
                blangko_type: m.blangko_type,
                location: m.from.code(),
                available,
                requested: m.count,
            });
        }
    }
    if let Location::Feeder(p) = &m.to {
        for other in BlangkoType::ALL
            .into_iter()
            .filter(|t| *t != m.blangko_type)
        {
            let held = balance(&tx.tx, other, &m.to)?;
            if held > 0 {
                return Err(JournalError::FeederHoldsOtherType {
                    printer: p.clone(),
                    held_type: other,
                    held,
                });
            }
        }
    }
    let detail = json!({
        "type": m.blangko_type.code(),
        "count": m.count,
        "from": m.from.code(),
        "to": m.to.code(),
        "job_id": m.job_id,
        "lot": m.lot,
        "category": m.category.map(|c| c.code()),
        "note": m.note,
    });
    let subject = match m.job_id {
        Some(j) => j.to_string(),
        None => format!("{}/{}", m.blangko_type.code(), m.to.code()),
    };
    let audit_id = audit::append(
        tx,
        m.actor,
        &format!("stock.{}", m.kind.code()),
        &subject,
        &detail,
    )?;
    tx.tx
        .prepare_cached(
            "INSERT INTO ledger (at, blangko_type, kind, count, from_loc, to_loc, job_id, lot,
                                 category, note, operator, audit_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?
        .execute(params![
            tx.now.0,
            m.blangko_type.code(),
            m.kind.code(),
            m.count,
            m.from.code(),
            m.to.code(),
            m.job_id,
            m.lot,
            m.category.map(|c| c.code()),
            m.note,
            m.actor.id,
            audit_id
        ])?;
    let id = tx.tx.last_insert_rowid();
    add_balance(tx, m.blangko_type, &m.from, -m.count)?;
    add_balance(tx, m.blangko_type, &m.to, m.count)?;
    Ok(id)
}

fn positive(count: u32) -> Result<i64> {
    if count == 0 {
        return Err(JournalError::InvalidInput(
            "count must be at least 1".into(),
        ));
    }
    Ok(i64::from(count))
}

impl Journal {
    fn record_one(&mut self, m: Movement<'_>) -> Result<i64> {
        let tx = self.write()?;
        let id = record(&tx, m)?;
        tx.commit()?;
        Ok(id)
    }

    /// Blangko arrive from the province into the store: `lot` names the lot / box number.
    pub fn stock_receive(
        &mut self,
        blangko_type: BlangkoType,
        count: u32,
        lot: &str,
        note: Option<&str>,
        actor: &Actor,
    ) -> Result<i64> {
        check_id("lot", lot)?;
        self.record_one(Movement {
            lot: Some(lot),
            note,
            ..Movement::plain(
                MovementKind::Received,
                blangko_type,
                positive(count)?,
                (Location::Supplier, Location::Store),
                actor,
            )
        })
    }

    /// Store → a printer's feeder. Refused if the store holds fewer, or the feeder holds the
    /// other type.
    pub fn stock_load(
        &mut self,
        printer: &str,
        blangko_type: BlangkoType,
        count: u32,
        actor: &Actor,
    ) -> Result<i64> {
        self.feeder_movement(MovementKind::Loaded, printer, blangko_type, count, actor)
    }

    /// A printer's feeder → store (cards taken out of the printer).
    pub fn stock_unload(
        &mut self,
        printer: &str,
        blangko_type: BlangkoType,
        count: u32,
        actor: &Actor,
    ) -> Result<i64> {
        self.feeder_movement(MovementKind::Unloaded, printer, blangko_type, count, actor)
    }

    /// Store ↔ feeder: `Loaded` goes into the feeder, `Unloaded` out of it.
    fn feeder_movement(
        &mut self,
        kind: MovementKind,
        printer: &str,
        blangko_type: BlangkoType,
        count: u32,
        actor: &Actor,
    ) -> Result<i64> {
        check_id("printer id", printer)?;
        let feeder = Location::Feeder(printer.to_string());
        let (from, to) = match kind {
            MovementKind::Loaded => (Location::Store, feeder),
            _ => (feeder, Location::Store),
        };
        self.record_one(Movement::plain(
            kind,
            blangko_type,
            positive(count)?,
            (from, to),
            actor,
        ))
    }

    /// Blangko found spoiled outside any job (e.g. `rusak` in the store or a feeder).
    /// A card spoiled during a job goes through [`Journal::spoil`] instead.
    pub fn stock_spoil(
        &mut self,
        place: &StockPlace,
        blangko_type: BlangkoType,
        count: u32,
        category: SpoilCategory,
        note: &str,
        actor: &Actor,
    ) -> Result<i64> {
        self.record_one(Movement {
            category: Some(category),
            note: Some(note),
            ..Movement::plain(
                MovementKind::Spoiled,
                blangko_type,
                positive(count)?,
                (place.location()?, Location::Spoiled),
                actor,
            )
        })
    }

    /// Blangko sent back to the province.
    pub fn stock_return(
        &mut self,
        place: &StockPlace,
        blangko_type: BlangkoType,
        count: u32,
        note: &str,
        actor: &Actor,
    ) -> Result<i64> {
        self.record_one(Movement {
            note: Some(note),
            ..Movement::plain(
                MovementKind::Returned,
                blangko_type,
                positive(count)?,
                (place.location()?, Location::Returned),
                actor,
            )
        })
    }

    /// Administrators only: corrects a physical count (`delta` > 0 found, < 0 missing) with a
    /// reason. Cannot make a place negative.
    pub fn stock_adjust(
        &mut self,
        place: &StockPlace,
        blangko_type: BlangkoType,
        delta: i64,
        reason: &str,
        actor: &Actor,
    ) -> Result<i64> {
        if actor.role != Role::Administrator {
            return Err(JournalError::NotAdministrator {
                operator: actor.id.clone(),
            });
        }
        if reason.trim().is_empty() {
            return Err(JournalError::InvalidInput(
                "an adjustment needs a reason".into(),
            ));
        }
        if delta == 0 || delta.unsigned_abs() > u64::from(u32::MAX) {
            return Err(JournalError::InvalidInput(format!(
                "adjustment must be a non-zero count, got {delta}"
            )));
        }
        let loc = place.location()?;
        let (from, to) = if delta > 0 {
            (Location::Adjustment, loc)
        } else {
            (loc, Location::Adjustment)
        };
        self.record_one(Movement {
            note: Some(reason),
            ..Movement::plain(
                MovementKind::Adjusted,
                blangko_type,
                delta.abs(),
                (from, to),
                actor,
            )
        })
    }

    /// Blangko fed into printer `printer` since the journal began (feeds it did not take left
    /// out): compare with the printer's hardware card counter (a difference means cards went
    /// through outside the station).
    pub fn cards_fed(&self, printer: &str) -> Result<u64> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT COALESCE(SUM(CASE
                     WHEN kind = 'fed' AND from_loc = ?1 THEN count
                     WHEN kind = 'not_taken' AND to_loc = ?1 THEN -count
                     ELSE 0 END), 0)
                 FROM ledger WHERE kind IN ('fed', 'not_taken')",
            )?
            .query_row([Location::Feeder(printer.to_string()).code()], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// Current balance of one location (what the ledger says is there).
    pub fn stock_balance(&self, blangko_type: BlangkoType, location: &Location) -> Result<i64> {
        balance(&self.conn, blangko_type, location)
    }
}
