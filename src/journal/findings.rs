//! What `stock verify` and `audit verify` find wrong, as values: an administrator reads them in
//! their language (`stock.problem.*`, `audit.problem.*`), `Display` stays English for logs.

use super::types::BlangkoType;
use crate::messages::{Args, Message};

/// One way the blangko ledger fails to balance or to agree with the jobs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StockProblem {
    /// The maintained balance of a place is not the sum of its movements.
    #[error("{blangko_type}/{place} balance is {stored} but the movements add up to {movements}")]
    BalanceDiffers {
        /// Type.
        blangko_type: BlangkoType,
        /// Place code (`store`, `feeder:P1`, `printer:P1`).
        place: String,
        /// The maintained balance.
        stored: i64,
        /// The sum of the movements.
        movements: i64,
    },
    /// A physical place holds fewer than no cards.
    #[error("{blangko_type}/{place} is negative ({count})")]
    Negative {
        /// Type.
        blangko_type: BlangkoType,
        /// Place code.
        place: String,
        /// The count.
        count: i64,
    },
    /// The receipts do not add up to what the supplier's balance says was received.
    #[error(
        "{blangko_type}: received movements add up to {movements}, supplier balance says {balance}"
    )]
    ReceivedDiffers {
        /// Type.
        blangko_type: BlangkoType,
        /// Sum of the receipts.
        movements: i64,
        /// The supplier's balance.
        balance: i64,
    },
    /// Received and adjusted is not what is held, consumed, spoiled and returned.
    #[error("{blangko_type}: received + adjustments differ from store + feeders + printers + consumed + spoiled + returned by {off_by}")]
    Imbalance {
        /// Type.
        blangko_type: BlangkoType,
        /// received + adjustments − everything accounted for.
        off_by: i64,
    },
    /// Printed jobs and consumed blangko differ.
    #[error("{blangko_type}: {printed} printed jobs but {consumed} blangko consumed")]
    PrintedNotConsumed {
        /// Type.
        blangko_type: BlangkoType,
        /// Jobs printed or handed over.
        printed: i64,
        /// Consumed per ledger.
        consumed: i64,
    },
    /// Jobs hold a card but name no printer or type.
    #[error("{jobs} job(s) hold a blangko without a printer")]
    HeldWithoutPrinter {
        /// How many.
        jobs: i64,
    },
    /// Cards inside a printer per ledger are not the jobs holding a card there.
    #[error("{blangko_type} in {place}: {ledger} card(s) per ledger, {jobs} job(s) holding one")]
    PrinterDiffers {
        /// Type.
        blangko_type: BlangkoType,
        /// Place code (`printer:P1`).
        place: String,
        /// Cards there per ledger.
        ledger: i64,
        /// Jobs holding a card there.
        jobs: i64,
    },
    /// Movements whose from/to no movement kind allows.
    #[error("{count} movement(s) with an impossible from/to")]
    ImpossibleMovements {
        /// How many.
        count: i64,
    },
    /// Movements without the audit row written with them.
    #[error("{count} movement(s) without their audit row")]
    Unaudited {
        /// How many.
        count: i64,
    },
}

impl Message for StockProblem {
    fn message_code(&self) -> &'static str {
        match self {
            StockProblem::BalanceDiffers { .. } => "stock.problem.balance_differs",
            StockProblem::Negative { .. } => "stock.problem.negative",
            StockProblem::ReceivedDiffers { .. } => "stock.problem.received_differs",
            StockProblem::Imbalance { .. } => "stock.problem.imbalance",
            StockProblem::PrintedNotConsumed { .. } => "stock.problem.printed_not_consumed",
            StockProblem::HeldWithoutPrinter { .. } => "stock.problem.held_without_printer",
            StockProblem::PrinterDiffers { .. } => "stock.problem.printer_differs",
            StockProblem::ImpossibleMovements { .. } => "stock.problem.impossible_movements",
            StockProblem::Unaudited { .. } => "stock.problem.unaudited",
        }
    }

    fn message_args(&self) -> Args {
        let args = Args::new();
        match self {
            StockProblem::BalanceDiffers {
                blangko_type,
                place,
                stored,
                movements,
            } => args
                .with("type", blangko_type)
                .with("place", place)
                .with("stored", stored)
                .with("movements", movements),
            StockProblem::Negative {
                blangko_type,
                place,
                count,
            } => args
                .with("type", blangko_type)
                .with("place", place)
                .with("count", count),
            StockProblem::ReceivedDiffers {
                blangko_type,
                movements,
                balance,
            } => args
                .with("type", blangko_type)
                .with("movements", movements)
                .with("balance", balance),
            StockProblem::Imbalance {
                blangko_type,
                off_by,
            } => args.with("type", blangko_type).with("off_by", off_by),
            StockProblem::PrintedNotConsumed {
                blangko_type,
                printed,
                consumed,
            } => args
                .with("type", blangko_type)
                .with("printed", printed)
                .with("consumed", consumed),
            StockProblem::HeldWithoutPrinter { jobs } => args.with("jobs", jobs),
            StockProblem::PrinterDiffers {
                blangko_type,
                place,
                ledger,
                jobs,
            } => args
                .with("type", blangko_type)
                .with("place", place)
                .with("ledger", ledger)
                .with("jobs", jobs),
            StockProblem::ImpossibleMovements { count } | StockProblem::Unaudited { count } => {
                args.with("count", count)
            }
        }
    }
}

/// How the audit hash chain is broken at a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuditFault {
    /// The row is gone; the chain goes on at `next`.
    #[error("row missing; the chain goes on at row {next}")]
    RowMissing {
        /// The next row there is.
        next: i64,
    },
    /// The row's previous-hash does not name the row before it.
    #[error("previous-hash link does not match")]
    LinkBroken,
    /// The row's content is not what its hash was made of.
    #[error("content does not match its hash (edited)")]
    Edited,
    /// Rows exist but the record of the chain's head does not.
    #[error("chain head record is missing")]
    HeadMissing,
    /// Rows from this one to `last` were deleted at the end of the chain.
    #[error("rows from here up to {last} are missing (deleted at the end)")]
    DeletedAtEnd {
        /// The last row the head record names.
        last: i64,
    },
    /// The head record names another last row or hash.
    #[error("chain head does not match the last row")]
    HeadMismatch,
}

impl Message for AuditFault {
    fn message_code(&self) -> &'static str {
        match self {
            AuditFault::RowMissing { .. } => "audit.problem.row_missing",
            AuditFault::LinkBroken => "audit.problem.link_broken",
            AuditFault::Edited => "audit.problem.edited",
            AuditFault::HeadMissing => "audit.problem.head_missing",
            AuditFault::DeletedAtEnd { .. } => "audit.problem.deleted_at_end",
            AuditFault::HeadMismatch => "audit.problem.head_mismatch",
        }
    }

    fn message_args(&self) -> Args {
        match self {
            AuditFault::RowMissing { next } => Args::new().with("next", next),
            AuditFault::DeletedAtEnd { last } => Args::new().with("last", last),
            _ => Args::new(),
        }
    }
}
