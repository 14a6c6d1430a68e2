//! The blangko ledger's movements by hand: receive, load, unload, spoil, return, adjust.

use super::{journal_refusal, parse, place, Books};
use crate::daemon::control::auth::{Caller, Op};
use crate::daemon::control::wire::{
    AdjustRequest, LoadRequest, MoveOutRequest, ReceiveRequest, Recorded,
};
use crate::daemon::control::Refusal;
use crate::journal::{Actor, BlangkoType, Journal, SpoilCategory};
use crate::messages::Plain;

impl Books {
    /// `POST /v1/stock/receive`.
    pub fn stock_receive(
        &self,
        j: &mut Journal,
        c: &Caller,
        r: &ReceiveRequest,
    ) -> Result<Recorded, Refusal> {
        self.movement(j, c, Op::StockReceive, &r.operator, |j, actor| {
            let bt: BlangkoType = parse(&r.blangko_type)?;
            j.stock_receive(bt, r.count, &r.lot, r.note.as_deref(), actor)
                .map_err(journal_refusal)
        })
    }

    /// `POST /v1/stock/load`.
    pub fn stock_load(
        &self,
        j: &mut Journal,
        c: &Caller,
        r: &LoadRequest,
    ) -> Result<Recorded, Refusal> {
        self.movement(j, c, Op::StockLoad, &r.operator, |j, actor| {
            let bt = self.printer_type(&r.printer, &r.blangko_type)?;
            j.stock_load(&r.printer, bt, r.count, actor)
                .map_err(journal_refusal)
        })
    }

    /// `POST /v1/stock/unload`.
    pub fn stock_unload(
        &self,
        j: &mut Journal,
        c: &Caller,
        r: &LoadRequest,
    ) -> Result<Recorded, Refusal> {
        self.movement(j, c, Op::StockLoad, &r.operator, |j, actor| {
            let bt = self.printer_type(&r.printer, &r.blangko_type)?;
            j.stock_unload(&r.printer, bt, r.count, actor)
                .map_err(journal_refusal)
        })
    }

    /// `POST /v1/stock/spoil`.
    pub fn stock_spoil(
        &self,
        j: &mut Journal,
        c: &Caller,
        r: &MoveOutRequest,
    ) -> Result<Recorded, Refusal> {
        self.movement(j, c, Op::StockSpoil, &r.operator, |j, actor| {
            let bt: BlangkoType = parse(&r.blangko_type)?;
            let Some(cat) = &r.category else {
                return Err(Refusal::of(
                    400,
                    "bad_request",
                    &Plain::new("control.spoil_needs_category"),
                ));
            };
            let cat: SpoilCategory = parse(cat)?;
            j.stock_spoil(&place(&r.printer), bt, r.count, cat, &r.note, actor)
                .map_err(journal_refusal)
        })
    }

    /// `POST /v1/stock/return`.
    pub fn stock_return(
        &self,
        j: &mut Journal,
        c: &Caller,
        r: &MoveOutRequest,
    ) -> Result<Recorded, Refusal> {
        self.movement(j, c, Op::StockReturn, &r.operator, |j, actor| {
            let bt: BlangkoType = parse(&r.blangko_type)?;
            j.stock_return(&place(&r.printer), bt, r.count, &r.note, actor)
                .map_err(journal_refusal)
        })
    }

    /// `POST /v1/stock/adjust`.
    pub fn stock_adjust(
        &self,
        j: &mut Journal,
        c: &Caller,
        r: &AdjustRequest,
    ) -> Result<Recorded, Refusal> {
        self.movement(j, c, Op::StockAdjust, &r.operator, |j, actor| {
            let bt: BlangkoType = parse(&r.blangko_type)?;
            j.stock_adjust(&place(&r.printer), bt, r.delta, &r.reason, actor)
                .map_err(journal_refusal)
        })
    }

    /// One movement of the ledger for the caller: the role checked, the operator named, `f`
    /// records it, low-stock alerts follow.
    fn movement(
        &self,
        j: &mut Journal,
        c: &Caller,
        op: Op,
        operator: &Option<String>,
        f: impl FnOnce(&mut Journal, &Actor) -> Result<i64, Refusal>,
    ) -> Result<Recorded, Refusal> {
        self.guard(j, c, op)?;
        let actor = c.actor(operator.as_deref())?;
        let movement = f(j, &actor)?;
        self.after_movement(j);
        Ok(Recorded {
            movement,
            operator: actor.id,
        })
    }

    fn printer_type(&self, printer: &str, given: &Option<String>) -> Result<BlangkoType, Refusal> {
        match given {
            Some(t) => parse(t),
            None => {
                let Some((_, t)) = self.printers.iter().find(|(id, _)| id == printer) else {
                    return Err(Refusal::of(
                        404,
                        "unknown_printer",
                        &Plain::new("control.unknown_printer")
                            .with("printer", format!("{printer:?}")),
                    ));
                };
                Ok(*t)
            }
        }
    }
}
