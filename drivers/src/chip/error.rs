//! The chip side's errors: one enum, each variant saying what the operator should do, with an
//! English `Display` (logs) and a [`Message`] code naming its operator text in the catalogue.

use super::apdu::{ApduError, StatusWord};
use crate::messages::{Args, Message};

/// Everything that can go wrong while talking to a chip.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChipError {
    /// The PC/SC service (pcscd) is not running: start it (`systemctl start pcscd`).
    #[error("PC/SC service not available (is pcscd running?): {0}")]
    NoService(String),
    /// No reader matches the configured name pattern: check the cable and the pattern.
    #[error("no card reader matches {pattern:?} (readers: {available:?})")]
    NoReader {
        /// The configured pattern.
        pattern: String,
        /// The readers that do exist.
        available: Vec<String>,
    },
    /// No card came to the reader in time: the card is not at the encoder station.
    #[error("no card in reader {reader:?} after {waited_ms} ms")]
    NoCard {
        /// Reader name.
        reader: String,
        /// How long we waited.
        waited_ms: u64,
    },
    /// The card left the reader during the operation.
    #[error("card removed during the operation")]
    CardRemoved,
    /// The card was reset by someone else; the operation is retried after reselecting.
    #[error("card was reset during the operation")]
    CardReset,
    /// The card gave no answer in time (mute or too slow): reject the card.
    #[error("card did not answer within {timeout_ms} ms")]
    Mute {
        /// The per-APDU timeout.
        timeout_ms: u64,
    },
    /// Another application holds the reader exclusively: close it.
    #[error("reader is in use by another application")]
    ReaderBusy,
    /// Any other PC/SC failure.
    #[error("PC/SC error: {0}")]
    Transport(String),
    /// The reader failed to carry the first extended-length APDU. The encoder falls back to
    /// short APDUs and starts the card again, so this reaches the operator only if the reader
    /// cannot carry short ones either: set `extended = "never"` in the profile for this reader.
    #[error("the reader cannot carry extended-length APDUs: {0}")]
    ExtendedUnsupported(String),
    /// The card's ATR is not one the profile accepts: wrong blangko type in the printer.
    #[error("card not accepted by the profile (ATR {atr})")]
    ForeignCard {
        /// ATR in hex.
        atr: String,
    },
    /// The card refused a command of the profile.
    #[error("card refused {step}: {sw}")]
    Refused {
        /// What the encoder was doing (e.g. `UPDATE BINARY 5001`).
        step: String,
        /// The card's answer.
        sw: StatusWord,
    },
    /// VERIFY failed: the PIN / key in the secrets does not match this card.
    #[error("access step failed, {retries_left} tries left")]
    AccessDenied {
        /// Tries left before the PIN blocks.
        retries_left: u8,
    },
    /// The card's PIN is blocked: the card cannot be personalised any more.
    #[error("access PIN blocked on this card")]
    PinBlocked,
    /// The card has no room for the profile's files.
    #[error("not enough memory on the card for {step}")]
    CardFull {
        /// What was being created or written.
        step: String,
    },
    /// A write failed in the chip's memory (6581): the card is defective.
    #[error("memory failure on the card during {step}")]
    MemoryFailure {
        /// What was being written.
        step: String,
    },
    /// A file read back differs from what was written: encoding failed.
    #[error("read-back of file {fid} differs from what was written")]
    VerifyMismatch {
        /// File identifier in hex.
        fid: String,
    },
    /// An existing file is too small for its content.
    #[error("file {fid} holds {capacity} bytes, content needs {needed}")]
    FileTooSmall {
        /// File identifier in hex.
        fid: String,
        /// File size on the card.
        capacity: usize,
        /// Content size.
        needed: usize,
    },
    /// The key material for the access step could not be loaded (the secret itself is never
    /// shown): check the secrets file or environment variable.
    #[error("chip key material unavailable: {0}")]
    Secret(String),
    /// The profile file is invalid: fix it (the message says where).
    #[error("invalid card profile: {0}")]
    Profile(String),
    /// The content cannot be written with this profile (missing required item, too large...).
    #[error("invalid chip content: {0}")]
    Content(String),
    /// What the card returned cannot be decoded (not written by a cetak profile, or damaged).
    #[error("chip data cannot be decoded: {0}")]
    Decode(String),
    /// A malformed APDU (a bug or a card answering garbage).
    #[error("APDU error: {0}")]
    Apdu(#[from] ApduError),
}

impl Message for ChipError {
    fn message_code(&self) -> &'static str {
        match self {
            ChipError::NoService(_) => "chip.no_service",
            ChipError::NoReader { .. } => "chip.no_reader",
            ChipError::NoCard { .. } => "chip.no_card",
            ChipError::CardRemoved => "chip.card_removed",
            ChipError::CardReset => "chip.card_reset",
            ChipError::Mute { .. } => "chip.mute",
            ChipError::ReaderBusy => "chip.reader_busy",
            ChipError::Transport(_) => "chip.transport",
            ChipError::ExtendedUnsupported(_) => "chip.extended_unsupported",
            ChipError::ForeignCard { .. } => "chip.foreign_card",
            ChipError::Refused { .. } => "chip.refused",
            ChipError::AccessDenied { .. } => "chip.access_denied",
            ChipError::PinBlocked => "chip.pin_blocked",
            ChipError::CardFull { .. } => "chip.card_full",
            ChipError::MemoryFailure { .. } => "chip.memory_failure",
            ChipError::VerifyMismatch { .. } => "chip.verify_mismatch",
            ChipError::FileTooSmall { .. } => "chip.file_too_small",
            ChipError::Secret(_) => "chip.secret",
            ChipError::Profile(_) => "chip.profile",
            ChipError::Content(_) => "chip.content",
            ChipError::Decode(_) => "chip.decode",
            ChipError::Apdu(_) => "chip.apdu",
        }
    }

    fn message_args(&self) -> Args {
        let args = Args::new();
        match self {
            ChipError::NoService(r)
            | ChipError::Transport(r)
            | ChipError::ExtendedUnsupported(r)
            | ChipError::Secret(r)
            | ChipError::Profile(r)
            | ChipError::Content(r)
            | ChipError::Decode(r) => args.with("reason", r),
            ChipError::NoReader { pattern, available } => args
                .with("pattern", format!("{pattern:?}"))
                .with("readers", format!("{available:?}")),
            ChipError::NoCard { reader, waited_ms } => args
                .with("reader", format!("{reader:?}"))
                .with("waited_ms", waited_ms),
            ChipError::Mute { timeout_ms } => args.with("timeout_ms", timeout_ms),
            ChipError::ForeignCard { atr } => args.with("atr", atr),
            ChipError::Refused { step, sw } => args.with("step", step).with("sw", sw),
            ChipError::AccessDenied { retries_left } => args.with("retries_left", retries_left),
            ChipError::CardFull { step } | ChipError::MemoryFailure { step } => {
                args.with("step", step)
            }
            ChipError::VerifyMismatch { fid } => args.with("fid", fid),
            ChipError::FileTooSmall {
                fid,
                capacity,
                needed,
            } => args
                .with("fid", fid)
                .with("capacity", capacity)
                .with("needed", needed),
            ChipError::Apdu(e) => args.with("reason", e),
            ChipError::CardRemoved
            | ChipError::CardReset
            | ChipError::ReaderBusy
            | ChipError::PinBlocked => args,
        }
    }
}

impl ChipError {
    /// Stable short code for journals and reports: the message code without its `chip.`.
    pub fn code(&self) -> &'static str {
        let code = self.message_code();
        code.strip_prefix("chip.").unwrap_or(code)
    }

    /// True when the card in the station is at fault (reject it as "gagal encode" and try the
    /// next blangko); false when the station itself is (reader, service, profile, secrets,
    /// content): then another blangko would fail the same way, so stop and alert instead.
    pub fn spoils_card(&self) -> bool {
        matches!(
            self,
            ChipError::CardRemoved
                | ChipError::CardReset
                | ChipError::Mute { .. }
                | ChipError::ForeignCard { .. }
                | ChipError::Refused { .. }
                | ChipError::AccessDenied { .. }
                | ChipError::PinBlocked
                | ChipError::CardFull { .. }
                | ChipError::MemoryFailure { .. }
                | ChipError::VerifyMismatch { .. }
                | ChipError::FileTooSmall { .. }
                | ChipError::Apdu(_)
                | ChipError::NoCard { .. }
        )
    }
}
