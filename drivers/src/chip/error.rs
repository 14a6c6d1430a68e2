//! The chip side's errors: one enum, each variant saying what the operator should do, with an
//! English `Display` and an Indonesian [`ChipError::message_id`].

use super::apdu::{ApduError, StatusWord};

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

impl ChipError {
    /// Operator message in Bahasa Indonesia.
    pub fn message_id(&self) -> String {
        match self {
            ChipError::NoService(_) => "Layanan PC/SC (pcscd) tidak berjalan.".into(),
            ChipError::NoReader { pattern, .. } => {
                format!(
                    "Pembaca kartu \"{pattern}\" tidak ditemukan. Periksa kabel dan konfigurasi."
                )
            }
            ChipError::NoCard { .. } => "Tidak ada kartu di stasiun encoder.".into(),
            ChipError::CardRemoved => "Kartu terlepas dari pembaca saat proses berjalan.".into(),
            ChipError::CardReset => "Kartu di-reset saat proses berjalan.".into(),
            ChipError::Mute { .. } => {
                "Chip tidak menjawab (kartu bisu atau terlalu lambat).".into()
            }
            ChipError::ReaderBusy => "Pembaca kartu sedang dipakai aplikasi lain.".into(),
            ChipError::Transport(_) => "Kesalahan komunikasi PC/SC.".into(),
            ChipError::ExtendedUnsupported(_) => {
                "Pembaca kartu tidak mendukung APDU panjang (extended length).".into()
            }
            ChipError::ForeignCard { .. } => {
                "Kartu tidak dikenali oleh profil (jenis blangko salah?).".into()
            }
            ChipError::Refused { step, sw } => {
                format!("Chip menolak perintah {step} ({:04X}).", sw.to_u16())
            }
            ChipError::AccessDenied { retries_left } => {
                format!("Verifikasi PIN chip gagal, sisa {retries_left} kali percobaan.")
            }
            ChipError::PinBlocked => "PIN chip terblokir.".into(),
            ChipError::CardFull { .. } => "Memori chip tidak cukup.".into(),
            ChipError::MemoryFailure { .. } => "Memori chip rusak saat penulisan.".into(),
            ChipError::VerifyMismatch { fid } => {
                format!("Isi berkas {fid} yang dibaca ulang berbeda dari yang ditulis.")
            }
            ChipError::FileTooSmall { fid, .. } => format!("Berkas {fid} di chip terlalu kecil."),
            ChipError::Secret(_) => "Kunci/PIN chip tidak tersedia.".into(),
            ChipError::Profile(m) => format!("Profil kartu tidak valid: {m}"),
            ChipError::Content(m) => format!("Isi chip tidak valid: {m}"),
            ChipError::Decode(_) => "Data chip tidak dapat dibaca.".into(),
            ChipError::Apdu(_) => "APDU tidak valid.".into(),
        }
    }

    /// Operator message in English (same as `Display`).
    pub fn message_en(&self) -> String {
        self.to_string()
    }

    /// Stable short code for journals and reports.
    pub fn code(&self) -> &'static str {
        match self {
            ChipError::NoService(_) => "no_service",
            ChipError::NoReader { .. } => "no_reader",
            ChipError::NoCard { .. } => "no_card",
            ChipError::CardRemoved => "card_removed",
            ChipError::CardReset => "card_reset",
            ChipError::Mute { .. } => "mute",
            ChipError::ReaderBusy => "reader_busy",
            ChipError::Transport(_) => "transport",
            ChipError::ExtendedUnsupported(_) => "extended_unsupported",
            ChipError::ForeignCard { .. } => "foreign_card",
            ChipError::Refused { .. } => "refused",
            ChipError::AccessDenied { .. } => "access_denied",
            ChipError::PinBlocked => "pin_blocked",
            ChipError::CardFull { .. } => "card_full",
            ChipError::MemoryFailure { .. } => "memory_failure",
            ChipError::VerifyMismatch { .. } => "verify_mismatch",
            ChipError::FileTooSmall { .. } => "file_too_small",
            ChipError::Secret(_) => "secret",
            ChipError::Profile(_) => "profile",
            ChipError::Content(_) => "content",
            ChipError::Decode(_) => "decode",
            ChipError::Apdu(_) => "apdu",
        }
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
