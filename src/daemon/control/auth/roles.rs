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

    /// What it does, as a verb phrase (English, Bahasa Indonesia).
    pub(super) fn what(self) -> (&'static str, &'static str) {
        match self {
            Op::Status => ("see the station status", "melihat keadaan stasiun"),
            Op::Events => ("see operator events", "melihat kejadian operator"),
            Op::Act => (
                "decide on a paused printer",
                "memutuskan printer yang berhenti",
            ),
            Op::StockShow => ("see the stock", "melihat stok"),
            Op::StockVerify => ("verify the ledger", "memeriksa buku stok"),
            Op::StockReceive => ("receive blangko", "menerima blangko"),
            Op::StockLoad => ("load blangko", "mengisi blangko ke feeder"),
            Op::StockSpoil => ("record spoiled blangko", "mencatat blangko rusak"),
            Op::StockReturn => ("return blangko", "mengembalikan blangko"),
            Op::StockAdjust => ("adjust stock", "mengoreksi stok"),
            Op::WriteOff => (
                "write off a printed card",
                "menghapusbukukan kartu tercetak",
            ),
            Op::DoubtList => ("list jobs in doubt", "melihat job diragukan"),
            Op::DoubtResolve => ("resolve a job in doubt", "memutuskan job diragukan"),
            Op::HandOver => ("hand over a printed card", "menyerahkan kartu tercetak"),
            Op::OutboxShow => ("see the outbox", "melihat antrean event"),
            Op::OutboxRetry => (
                "send refused events again",
                "mengirim ulang event yang ditolak",
            ),
            Op::AuditVerify => ("verify the audit trail", "memeriksa jejak audit"),
            Op::Export => ("export a bundle", "mengekspor bundel"),
            Op::Import => ("import a bundle", "mengimpor bundel"),
            Op::Submit => ("submit a job", "mengirim job"),
        }
    }
}
