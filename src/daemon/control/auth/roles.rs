//! The roles ([`Authority`]) and the operations of the control API ([`Op`]), each with the
//! role it needs and its name in both languages.

use crate::journal::Role;

/// A caller's role on the control socket, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Authority {
    /// In neither group.
    None,
    /// Print-station staff.
    Operator,
    /// Head of section, root, the service user.
    Administrator,
}

impl Authority {
    /// The role recorded in the journal and the audit trail.
    pub fn role(self) -> Role {
        match self {
            Authority::None => Role::NoRole,
            Authority::Operator => Role::Operator,
            Authority::Administrator => Role::Administrator,
        }
    }

    /// `none`, `operator`, `admin` (as in the audit trail).
    pub fn code(self) -> &'static str {
        self.role().code()
    }
}

/// Every control operation and the role it needs: the table of `docs/daemon.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // one variant per endpoint, named after it
pub enum Op {
    Status,
    Events,
    Act,
    StockShow,
    StockVerify,
    StockReceive,
    StockLoad,
    StockSpoil,
    StockReturn,
    StockAdjust,
    WriteOff,
    DoubtList,
    DoubtResolve,
    HandOver,
    OutboxShow,
    OutboxRetry,
    AuditVerify,
    Export,
    Import,
    Submit,
}

impl Op {
    /// Every operation.
    pub const ALL: [Op; 20] = [
        Op::Status,
        Op::Events,
        Op::Act,
        Op::StockShow,
        Op::StockVerify,
        Op::StockReceive,
        Op::StockLoad,
        Op::StockSpoil,
        Op::StockReturn,
        Op::StockAdjust,
        Op::WriteOff,
        Op::DoubtList,
        Op::DoubtResolve,
        Op::HandOver,
        Op::OutboxShow,
        Op::OutboxRetry,
        Op::AuditVerify,
        Op::Export,
        Op::Import,
        Op::Submit,
    ];

    /// The weakest role allowed. Operators load blangko, decide on paused printers and in-doubt
    /// jobs, and read every report; whatever adds blangko to the books or takes them out of
    /// them other than through a printer (receive, adjust, return, spoil by hand, write off a
    /// printed card) and sending refused events again is for administrators.
    pub fn needs(self) -> Authority {
        match self {
            Op::StockReceive
            | Op::StockSpoil
            | Op::StockReturn
            | Op::StockAdjust
            | Op::WriteOff
            | Op::OutboxRetry => Authority::Administrator,
            _ => Authority::Operator,
        }
    }

    /// Stable code (audit subject of a refusal).
    pub fn code(self) -> &'static str {
        match self {
            Op::Status => "status",
            Op::Events => "events",
            Op::Act => "act",
            Op::StockShow => "stock.show",
            Op::StockVerify => "stock.verify",
            Op::StockReceive => "stock.receive",
            Op::StockLoad => "stock.load",
            Op::StockSpoil => "stock.spoil",
            Op::StockReturn => "stock.return",
            Op::StockAdjust => "stock.adjust",
            Op::WriteOff => "stock.write_off",
            Op::DoubtList => "doubt.list",
            Op::DoubtResolve => "doubt.resolve",
            Op::HandOver => "job.hand_over",
            Op::OutboxShow => "outbox.show",
            Op::OutboxRetry => "outbox.retry",
            Op::AuditVerify => "audit.verify",
            Op::Export => "export",
            Op::Import => "import",
            Op::Submit => "submit",
        }
    }

    /// Catalogue code of what it does, as a verb phrase (`op.*`).
    pub(super) fn what(self) -> &'static str {
        match self {
            Op::Status => "op.status",
            Op::Events => "op.events",
            Op::Act => "op.act",
            Op::StockShow => "op.stock_show",
            Op::StockVerify => "op.stock_verify",
            Op::StockReceive => "op.stock_receive",
            Op::StockLoad => "op.stock_load",
            Op::StockSpoil => "op.stock_spoil",
            Op::StockReturn => "op.stock_return",
            Op::StockAdjust => "op.stock_adjust",
            Op::WriteOff => "op.write_off",
            Op::DoubtList => "op.doubt_list",
            Op::DoubtResolve => "op.doubt_resolve",
            Op::HandOver => "op.hand_over",
            Op::OutboxShow => "op.outbox_show",
            Op::OutboxRetry => "op.outbox_retry",
            Op::AuditVerify => "op.audit_verify",
            Op::Export => "op.export",
            Op::Import => "op.import",
            Op::Submit => "op.submit",
        }
    }
}
