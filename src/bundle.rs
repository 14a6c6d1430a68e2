//! Offline bundles: a USB stick carries signed jobs (and acknowledgements) from the
//! Dinas to a station without a network, and the station's pending events and stock report
//! back. Format in `docs/protocol/bundles.md`: one JSON document whose `content` member is a
//! JSON *text* (a string), with `content_sha256` over its UTF-8 bytes, so any language can check
//! the hash before parsing the content.
//!
//! The same idempotency as online delivery holds: every job goes through
//! [`accept_signed`], so a bundle imported twice queues
//! nothing twice; exported events keep their outbox `event_id`, so exporting twice gives the
//! server the same ids to de-duplicate.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::Digest as _;

use crate::intake::{accept_signed, Accepted, IntakeContext, IntakeError, JobOrigin};
use crate::journal::{Journal, RibbonFigure, StockReport};

/// The `format` member of every bundle.
pub const FORMAT: &str = "cetak-bundle";
/// The bundle format version this build reads and writes.
pub const VERSION: u32 = 1;
/// Largest bundle file read: about 15,000 jobs with inline photos. An import holds the file,
/// its content text and the parsed jobs in memory at once (about three times the file), which
/// must fit beside a running daemon on a modest station PC; a larger programme comes as several
/// bundles.
pub const MAX_BUNDLE_BYTES: u64 = 512 * 1024 * 1024;

/// Why a bundle was refused as a whole (nothing of it was used).
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// Not a bundle, or a member is missing or of the wrong type.
    #[error("not a cetak bundle: {0}")]
    Malformed(String),
    /// A newer format version.
    #[error("bundle format version {0} is not supported (this station reads {VERSION})")]
    Version(u32),
    /// The content does not match its checksum (damaged or edited).
    #[error("bundle content does not match its sha256 (damaged or altered)")]
    Checksum,
    /// The bundle names another station.
    #[error("bundle is for station {found}, this is {expected}")]
    WrongStation {
        /// Station in the bundle.
        found: String,
        /// This station.
        expected: String,
    },
    /// The file is larger than a station reads ([`MAX_BUNDLE_BYTES`]).
    #[error("bundle is {size} bytes, more than the {max} a station reads; ask for it split into several bundles")]
    TooLarge {
        /// File size.
        size: u64,
        /// The limit.
        max: u64,
    },
    /// The bundle kind cannot be used by this command.
    #[error("bundle kind {0:?} cannot be used here")]
    Kind(String),
    /// The journal or a file failed.
    #[error(transparent)]
    Intake(#[from] IntakeError),
}

impl crate::messages::Message for BundleError {
    fn message_code(&self) -> &'static str {
        match self {
            BundleError::Malformed { .. } => "bundle.malformed",
            BundleError::Version { .. } => "bundle.version",
            BundleError::TooLarge { .. } => "bundle.too_large",
            BundleError::Kind { .. } => "bundle.kind",
            BundleError::Checksum => "bundle.checksum",
            BundleError::WrongStation { .. } => "bundle.wrong_station",
            BundleError::Intake(e) => e.message_code(),
        }
    }

    fn message_args(&self) -> crate::messages::Args {
        let args = crate::messages::Args::new();
        #[allow(unreachable_patterns)] // variants without arguments
        match self {
            BundleError::TooLarge { size, max, .. } => args.with("size", size).with("max", max),
            BundleError::Malformed(reason) => args.with("reason", reason),
            BundleError::Version(version) => {
                args.with("version", version).with("supported", VERSION)
            }
            BundleError::Kind(kind) => args.with("kind", format!("{kind:?}")),
            BundleError::WrongStation { found, expected } => {
                args.with("found", found).with("expected", expected)
            }
            BundleError::Intake(e) => e.message_args(),
            _ => args,
        }
    }
}

/// The outer document.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`].
    pub version: u32,
    /// `jobs` (to a station: signed jobs and optionally acks), `acks` (to a station: acks
    /// only) or `events` (from a station: events and stock).
    pub kind: String,
    /// The station the bundle is for (`jobs`, `acks`) or from (`events`).
    pub station_id: String,
    /// RFC 3339 creation time.
    pub created_at: String,
    /// Lower-case hex SHA-256 of the UTF-8 bytes of `content`.
    pub content_sha256: String,
    /// The content, itself a JSON text.
    pub content: String,
}

/// Content of a `jobs` or `acks` bundle.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inbound {
    /// Signed jobs, each a JWS compact serialization.
    #[serde(default)]
    pub jobs: Vec<String>,
    /// Event ids the server acknowledges (from an earlier export).
    #[serde(default)]
    pub acks: Vec<String>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Jobs newly queued.
    pub queued: Vec<String>,
    /// Jobs already known (nothing changed).
    pub duplicates: Vec<String>,
    /// Jobs refused: (claimed job id or `-`, reason code, English message).
    pub rejected: Vec<(String, String, String)>,
    /// Events newly or already acknowledged.
    pub acked: u64,
    /// Acknowledged ids this journal does not know (another station's, or a typo).
    pub unknown_acks: Vec<String>,
}

/// Wraps `content` (a JSON value) into a bundle document.
pub fn wrap(kind: &str, station_id: &str, created_at: &str, content: &Value) -> String {
    let content = content.to_string();
    let env = Envelope {
        format: FORMAT.into(),
        version: VERSION,
        kind: kind.into(),
        station_id: station_id.into(),
        created_at: created_at.into(),
        content_sha256: hex::encode(sha2::Sha256::digest(content.as_bytes())),
        content,
    };
    // A struct of strings always serializes.
    serde_json::to_string_pretty(&env).unwrap_or_default()
}

/// Parses a bundle and checks format, version and checksum.
pub fn open(bytes: &[u8]) -> Result<Envelope, BundleError> {
    let env: Envelope =
        serde_json::from_slice(bytes).map_err(|e| BundleError::Malformed(e.to_string()))?;
    if env.format != FORMAT {
        return Err(BundleError::Malformed(format!(
            "format is {:?}",
            env.format
        )));
    }
    if env.version != VERSION {
        return Err(BundleError::Version(env.version));
    }
    let sum = hex::encode(sha2::Sha256::digest(env.content.as_bytes()));
    if !sum.eq_ignore_ascii_case(env.content_sha256.trim()) {
        return Err(BundleError::Checksum);
    }
    Ok(env)
}

/// Imports a `jobs` or `acks` bundle for station `station_id`: every job through
/// [`accept_signed`] (origin `bundle:<name>`), then the acknowledgements. The bundle is checked
/// as a whole first: a damaged one changes nothing.
pub fn import(
    journal: &mut Journal,
    ctx: &IntakeContext,
    station_id: &str,
    name: &str,
    bytes: &[u8],
    allowed: &[&str],
) -> Result<ImportReport, BundleError> {
    let env = open(bytes)?;
    if !allowed.contains(&env.kind.as_str()) {
        return Err(BundleError::Kind(env.kind));
    }
    if env.station_id != station_id {
        return Err(BundleError::WrongStation {
            found: env.station_id,
            expected: station_id.into(),
        });
    }
    let content: Inbound = serde_json::from_str(&env.content)
        .map_err(|e| BundleError::Malformed(format!("content: {e}")))?;
    let mut report = ImportReport::default();
    for jws in &content.jobs {
        let origin = JobOrigin::Bundle { name: name.into() };
        match accept_signed(journal, ctx, jws.as_bytes(), origin)? {
            Accepted::Queued { job_id } => report.queued.push(job_id),
            Accepted::Duplicate { job_id } => report.duplicates.push(job_id),
            Accepted::Rejected {
                job_id,
                code,
                message_en,
                ..
            } => report.rejected.push((
                job_id.unwrap_or_else(|| "-".into()),
                code.into(),
                message_en,
            )),
        }
    }
    for id in &content.acks {
        match journal.outbox_ack(id) {
            Ok(()) => report.acked += 1,
            Err(crate::journal::JournalError::InvalidInput(_)) => {
                report.unknown_acks.push(id.chars().take(128).collect())
            }
            Err(e) => return Err(IntakeError::from(e).into()),
        }
    }
    Ok(report)
}

/// The `events` bundle: every unacknowledged outbox event (in order, with its event id) and
/// the current stock report.
pub fn export(
    journal: &Journal,
    station_id: &str,
    created_at: &str,
) -> Result<(String, usize), BundleError> {
    let mut events = Vec::new();
    let mut last = 0;
    loop {
        // The outbox is read in pages; nothing is marked, so re-exporting gives the same ids.
        let page = journal
            .outbox_pending_after(last, 1000)
            .map_err(IntakeError::from)?;
        let Some(tail) = page.last() else { break };
        last = tail.seq;
        for e in page {
            let body: Value = serde_json::from_str(&e.body).unwrap_or(Value::Null);
            events.push(body);
        }
    }
    let stock = journal.stock_show().map_err(IntakeError::from)?;
    let ribbons = journal.ribbons().map_err(IntakeError::from)?;
    let n = events.len();
    let content = json!({ "events": events, "stock": stock_json(&stock, &ribbons) });
    Ok((wrap("events", station_id, created_at, &content), n))
}

/// The stock report as the server reads it (same names as `cetak stock show`), with the
/// ribbon left per printer as the workers last recorded it.
pub fn stock_json(report: &StockReport, ribbons: &[RibbonFigure]) -> Value {
    let types: serde_json::Map<String, Value> = report
        .types
        .iter()
        .map(|(t, f)| {
            let spoiled: serde_json::Map<String, Value> = f
                .spoiled_by_category
                .iter()
                .map(|(c, n)| (c.code().to_string(), json!(n)))
                .collect();
            (
                t.code().to_string(),
                json!({
                    "received": f.received,
                    "adjustments": f.adjustments,
                    "in_store": f.in_store,
                    "in_feeders": f.in_feeders,
                    "in_printers": f.in_printers,
                    "consumed": f.consumed,
                    "spoiled": f.spoiled,
                    "spoiled_by_category": spoiled,
                    "returned": f.returned,
                }),
            )
        })
        .collect();
    let feeders: Vec<Value> = report
        .feeders
        .iter()
        .map(|f| {
            json!({
                "printer_id": f.printer_id,
                "blangko_type": f.blangko_type.code(),
                "count": f.count,
            })
        })
        .collect();
    let ribbons: Vec<Value> = ribbons
        .iter()
        .map(|r| {
            json!({
                "printer_id": r.printer_id,
                "ribbon_type": r.ribbon_type,
                "remaining_cards": r.remaining_cards,
                "remaining_panels": r.remaining_panels,
            })
        })
        .collect();
    json!({ "types": types, "feeders": feeders, "ribbons": ribbons })
}
