//! Wire types of the station's books on the control API: stock, doubt, outbox, audit and
//! bundles. Every request body refuses unknown fields, so a misspelt field is an error and not
//! a silent default; `operator` is only the name the person states (recorded beside the uid).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::journal::{StockReport, StockVerification};
use crate::messages::{Lang, Message, MessageText as _};

/// A finding in both languages, so the CLI prints it in its operator's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Said {
    /// Stable code (`stock.problem.*`, `audit.problem.*`).
    pub code: String,
    /// English.
    pub message_en: String,
    /// Bahasa Indonesia.
    pub message_id: String,
}

impl Said {
    /// `message` rendered in both languages.
    pub fn of(message: &(impl Message + ?Sized)) -> Self {
        Said {
            code: message.message_code().to_owned(),
            message_en: message.message_en(),
            message_id: message.message_id(),
        }
    }

    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> &str {
        lang.pick(&self.message_id, &self.message_en)
    }
}

/// `GET /v1/stock`: the ledger figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockView {
    /// One row per blangko type.
    pub types: Vec<TypeView>,
    /// Feeders that ever held blangko.
    pub feeders: Vec<FeederView>,
}

/// Figures of one blangko type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeView {
    /// `kia` or `ktp-el`.
    pub blangko_type: String,
    /// Received from the province.
    pub received: i64,
    /// Net administrator adjustments.
    pub adjustments: i64,
    /// In the store.
    pub in_store: i64,
    /// In all feeders.
    pub in_feeders: i64,
    /// Inside printers, bound to jobs.
    pub in_printers: i64,
    /// Printed.
    pub consumed: i64,
    /// Spoiled, all categories.
    pub spoiled: i64,
    /// Spoiled per category code.
    pub spoiled_by_category: BTreeMap<String, i64>,
    /// Returned to the province.
    pub returned: i64,
    /// 0 when the ledger balances.
    pub imbalance: i64,
}

/// Blangko in one feeder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeederView {
    /// Printer id.
    pub printer: String,
    /// Type.
    pub blangko_type: String,
    /// Count.
    pub count: i64,
}

impl From<&StockReport> for StockView {
    fn from(r: &StockReport) -> Self {
        StockView {
            types: r
                .types
                .iter()
                .map(|(t, f)| TypeView {
                    blangko_type: t.code().to_string(),
                    received: f.received,
                    adjustments: f.adjustments,
                    in_store: f.in_store,
                    in_feeders: f.in_feeders,
                    in_printers: f.in_printers,
                    consumed: f.consumed,
                    spoiled: f.spoiled,
                    spoiled_by_category: f
                        .spoiled_by_category
                        .iter()
                        .map(|(c, n)| (c.code().to_string(), *n))
                        .collect(),
                    returned: f.returned,
                    imbalance: f.imbalance(),
                })
                .collect(),
            feeders: r
                .feeders
                .iter()
                .map(|f| FeederView {
                    printer: f.printer_id.clone(),
                    blangko_type: f.blangko_type.code().to_string(),
                    count: f.count,
                })
                .collect(),
        }
    }
}

/// `GET /v1/stock/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockVerifyView {
    /// Figures recomputed from the movements.
    pub report: StockView,
    /// Every problem found; empty when the ledger balances.
    pub problems: Vec<Said>,
}

impl From<&StockVerification> for StockVerifyView {
    fn from(v: &StockVerification) -> Self {
        StockVerifyView {
            report: (&v.report).into(),
            problems: v.problems.iter().map(Said::of).collect(),
        }
    }
}

/// `POST /v1/stock/receive` (administrators).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiveRequest {
    /// `kia` or `ktp-el`.
    pub blangko_type: String,
    /// Count.
    pub count: u32,
    /// Lot / box number.
    pub lot: String,
    /// Note.
    #[serde(default)]
    pub note: Option<String>,
    /// Stated name.
    #[serde(default)]
    pub operator: Option<String>,
}

/// `POST /v1/stock/load` (operators): store → the printer's feeder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadRequest {
    /// Printer id.
    pub printer: String,
    /// Count.
    pub count: u32,
    /// Type; default: the one configured for the printer.
    #[serde(default)]
    pub blangko_type: Option<String>,
    /// Stated name.
    #[serde(default)]
    pub operator: Option<String>,
}

/// `POST /v1/stock/spoil`, `POST /v1/stock/return` (administrators): from the store, or from a
/// printer's feeder when `printer` is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveOutRequest {
    /// Printer whose feeder (default: the store).
    #[serde(default)]
    pub printer: Option<String>,
    /// `kia` or `ktp-el`.
    pub blangko_type: String,
    /// Count.
    pub count: u32,
    /// Spoil category (`gagal-encode`, `gagal-cetak`, `rusak`, `perubahan-elemen-data`);
    /// spoil only.
    #[serde(default)]
    pub category: Option<String>,
    /// Note.
    #[serde(default)]
    pub note: String,
    /// Stated name.
    #[serde(default)]
    pub operator: Option<String>,
}

/// `POST /v1/stock/adjust` (administrators).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdjustRequest {
    /// Printer whose feeder (default: the store).
    #[serde(default)]
    pub printer: Option<String>,
    /// `kia` or `ktp-el`.
    pub blangko_type: String,
    /// Signed change.
    pub delta: i64,
    /// Reason (required).
    pub reason: String,
    /// Stated name.
    #[serde(default)]
    pub operator: Option<String>,
}

/// `POST /v1/jobs/{job}/write-off` (administrators): a printed card written off before
/// handover (perubahan elemen data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WriteOffRequest {
    /// Spoil category.
    pub category: String,
    /// Note (required).
    pub note: String,
    /// The new job replacing it; otherwise the job is printed again.
    #[serde(default)]
    pub replaced_by: Option<String>,
    /// Stated name.
    #[serde(default)]
    pub operator: Option<String>,
}

/// Answer to a stock movement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    /// Ledger movement id.
    pub movement: i64,
    /// Operator as recorded.
    pub operator: String,
}

/// Answer to a decision on a job (write-off, doubt resolution).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobStateView {
    /// Job id.
    pub job_id: String,
    /// New state code (`queued`, `printed`, `superseded`…).
    pub state: String,
    /// The state in Bahasa Indonesia.
    pub state_id: String,
    /// Operator as recorded.
    pub operator: String,
}

/// `GET /v1/doubt`: one job waiting for an operator decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoubtView {
    /// Job id.
    pub job_id: String,
    /// Blangko type.
    #[serde(default)]
    pub blangko_type: Option<String>,
    /// Masked NIK (to find the card).
    pub nik_masked: String,
    /// Printer that held the card.
    #[serde(default)]
    pub printer_id: Option<String>,
    /// Attempt number.
    pub attempt: u32,
    /// Why it is in doubt (English).
    #[serde(default)]
    pub reason: Option<String>,
    /// Why it is in doubt, in Bahasa Indonesia.
    #[serde(default)]
    pub reason_id: Option<String>,
    /// The state before the doubt (`feeding`, `encoding`, `printing`).
    #[serde(default)]
    pub was: Option<String>,
    /// Since (RFC 3339).
    pub since: String,
}

/// The wire view of a job in doubt (the control socket's `GET /v1/doubt` and the dashboard).
impl From<crate::journal::InDoubtJob> for DoubtView {
    fn from(d: crate::journal::InDoubtJob) -> Self {
        DoubtView {
            job_id: d.job_id,
            blangko_type: d.blangko_type.map(|t| t.code().to_string()),
            nik_masked: d.nik_masked,
            printer_id: d.printer_id,
            attempt: d.attempt,
            reason: d.reason,
            reason_id: d.reason_id,
            was: d.was.map(|w| w.code().to_string()),
            since: d.since.to_string(),
        }
    }
}

/// `POST /v1/doubt/{job}/resolve` (operators).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    /// The card came out printed.
    #[serde(default)]
    pub printed: bool,
    /// The card is spoiled, with this category.
    #[serde(default)]
    pub spoiled: Option<String>,
    /// With `printed`: the card number read off the card when the printer did not report it.
    #[serde(default)]
    pub card_serial: Option<String>,
    /// Note.
    #[serde(default)]
    pub note: String,
    /// Stated name.
    #[serde(default)]
    pub operator: Option<String>,
}

/// `GET /v1/outbox`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxView {
    /// Events waiting for delivery.
    pub backlog: u64,
    /// Events the server refused, set aside.
    pub refused: Vec<RefusedView>,
}

/// An event the server refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedView {
    /// Event id.
    pub event_id: String,
    /// Kind.
    pub kind: String,
    /// Job, if any.
    #[serde(default)]
    pub job_id: Option<String>,
    /// When refused (RFC 3339).
    pub refused_at: String,
    /// The server's answer.
    pub reason: String,
}

/// `POST /v1/outbox/retry` (administrators): one event, or all with `event` absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryRequest {
    /// Event id; absent = every refused event.
    #[serde(default)]
    pub event: Option<String>,
    /// Stated name.
    #[serde(default)]
    pub operator: Option<String>,
}

/// Answer to an outbox retry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryView {
    /// Events put back in the delivery queue.
    pub count: u64,
    /// Operator as recorded.
    pub operator: String,
}

/// `GET /v1/audit/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditVerifyView {
    /// Rows checked.
    pub rows: u64,
    /// Hash of the last row.
    pub head: String,
    /// First row that does not verify.
    #[serde(default)]
    pub problem_row: Option<i64>,
    /// What is wrong with it.
    #[serde(default)]
    pub problem: Option<Said>,
}

/// `GET /v1/export`: the bundle text the CLI writes to the file (as the calling user).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportView {
    /// The bundle document.
    pub bundle: String,
    /// Events in it.
    pub events: usize,
}

/// `POST /v1/import?name=FILE&acks_only=false` (body: the bundle file as it is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportView {
    /// Jobs newly queued.
    pub queued: Vec<String>,
    /// Jobs already known.
    pub duplicates: Vec<String>,
    /// Jobs refused.
    pub rejected: Vec<RejectedView>,
    /// Events acknowledged.
    pub acked: u64,
    /// Acknowledged ids this journal does not know.
    pub unknown_acks: Vec<String>,
}

/// A job of a bundle that was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedView {
    /// Claimed job id or `-`.
    pub job_id: String,
    /// Reason code.
    pub code: String,
    /// English message.
    pub message: String,
}

/// Query of `POST /v1/import`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// File name of the bundle (recorded as the jobs' origin).
    #[serde(default)]
    pub name: String,
    /// `cetak import-acks`: only the acknowledgements are used.
    #[serde(default)]
    pub acks_only: bool,
    /// Stated name.
    #[serde(default)]
    pub operator: Option<String>,
}

/// `POST /v1/submit` (body: the job file's content; an unsigned training job with its images
/// inlined): answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitView {
    /// The job id, now in the spool.
    pub job_id: String,
    /// Operator as recorded.
    pub operator: String,
}

/// Query of `POST /v1/submit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitQuery {
    /// Stated name.
    #[serde(default)]
    pub operator: Option<String>,
}
