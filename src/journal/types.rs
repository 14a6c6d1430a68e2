//! Plain values the journal speaks in: blangko types, spoil categories, operators, time.

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicI64, Ordering};

use super::error::JournalError;

/// Kind of blank card. A feeder holds one type at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BlangkoType {
    /// Kartu Identitas Anak.
    Kia,
    /// KTP elektronik.
    KtpEl,
}

impl BlangkoType {
    /// Every type, in report order.
    pub const ALL: [BlangkoType; 2] = [BlangkoType::Kia, BlangkoType::KtpEl];

    /// Stable code stored in the journal and used on the CLI (`kia`, `ktp-el`).
    pub fn code(self) -> &'static str {
        match self {
            BlangkoType::Kia => "kia",
            BlangkoType::KtpEl => "ktp-el",
        }
    }
}

impl fmt::Display for BlangkoType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for BlangkoType {
    type Err = JournalError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "kia" => Ok(BlangkoType::Kia),
            "ktp-el" => Ok(BlangkoType::KtpEl),
            other => Err(JournalError::InvalidInput(format!(
                "unknown blangko type {other:?} (expected kia or ktp-el)"
            ))),
        }
    }
}

/// Dukcapil spoilage categories, reported daily and destroyed under a berita acara.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SpoilCategory {
    /// Chip encoding failed.
    GagalEncode,
    /// Printing failed.
    GagalCetak,
    /// Card damaged.
    Rusak,
    /// Data changed after printing.
    PerubahanElemenData,
}

impl SpoilCategory {
    /// Every category, in report order.
    pub const ALL: [SpoilCategory; 4] = [
        SpoilCategory::GagalEncode,
        SpoilCategory::GagalCetak,
        SpoilCategory::Rusak,
        SpoilCategory::PerubahanElemenData,
    ];

    /// Stable code (journal, CLI): `gagal-encode`, `gagal-cetak`, `rusak`, `perubahan-elemen-data`.
    pub fn code(self) -> &'static str {
        match self {
            SpoilCategory::GagalEncode => "gagal-encode",
            SpoilCategory::GagalCetak => "gagal-cetak",
            SpoilCategory::Rusak => "rusak",
            SpoilCategory::PerubahanElemenData => "perubahan-elemen-data",
        }
    }

    /// Label as written in Dukcapil reports.
    pub fn label_id(self) -> &'static str {
        self.label(crate::messages::Lang::Id)
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        self.label(crate::messages::Lang::En)
    }

    /// Label in `lang`, from the catalogue (`spoil.<code>`).
    pub fn label(self, lang: crate::messages::Lang) -> &'static str {
        let code = match self {
            SpoilCategory::GagalEncode => "spoil.gagal_encode",
            SpoilCategory::GagalCetak => "spoil.gagal_cetak",
            SpoilCategory::Rusak => "spoil.rusak",
            SpoilCategory::PerubahanElemenData => "spoil.perubahan_elemen_data",
        };
        crate::messages::label(lang, code)
    }
}

impl fmt::Display for SpoilCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for SpoilCategory {
    type Err = JournalError;
    /// Accepts the code or the Indonesian label.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SpoilCategory::ALL
            .into_iter()
            .find(|c| c.code() == s || c.label_id() == s)
            .ok_or_else(|| {
                JournalError::InvalidInput(format!(
                    "unknown spoil category {s:?} (expected gagal-encode, gagal-cetak, rusak or perubahan-elemen-data)"
                ))
            })
    }
}

/// What an operator may do: adjustments are for administrators only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Production staff.
    Operator,
    /// Head of section: may adjust stock.
    Administrator,
    /// A local user in neither group: only ever recorded on a refusal (`auth.refused`).
    NoRole,
}

impl Role {
    /// Code stored in the audit trail.
    pub fn code(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Administrator => "admin",
            Role::NoRole => "none",
        }
    }
}

/// Who did something. The daemon itself acts as [`Actor::system`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Login or badge id (never a NIK); through the control socket the label
    /// `Stated Name (uid N user)`.
    pub id: String,
    /// Role, checked for administrator-only actions.
    pub role: Role,
    /// Unix uid the kernel reported for the caller (SO_PEERCRED); `None` for the daemon
    /// itself and for callers inside the process (tests, the demo).
    pub uid: Option<u32>,
    /// Unix user name of `uid`, when it has a passwd entry.
    pub user: Option<String>,
}

impl Actor {
    /// A production operator.
    pub fn operator(id: impl Into<String>) -> Self {
        Actor {
            id: id.into(),
            role: Role::Operator,
            uid: None,
            user: None,
        }
    }

    /// An administrator.
    pub fn admin(id: impl Into<String>) -> Self {
        Actor {
            id: id.into(),
            role: Role::Administrator,
            uid: None,
            user: None,
        }
    }

    /// The daemon acting on its own (workers, recovery).
    pub fn system() -> Self {
        Actor::operator("system")
    }

    /// This actor as the kernel identified it: uid and user name, recorded in the audit trail
    /// beside the label so a stated name can never hide who really acted.
    pub fn with_identity(mut self, uid: u32, user: Option<String>) -> Self {
        self.uid = Some(uid);
        self.user = user;
        self
    }
}

/// Milliseconds since the Unix epoch, UTC. Stored as INTEGER in the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// From a chrono time.
    pub fn from_datetime(t: chrono::DateTime<chrono::Utc>) -> Self {
        Timestamp(t.timestamp_millis())
    }

    /// As a chrono time (falls back to the epoch for out-of-range values).
    pub fn to_datetime(self) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp_millis(self.0).unwrap_or_default()
    }

    /// This time plus `ms` milliseconds.
    pub fn plus_millis(self, ms: i64) -> Self {
        Timestamp(self.0.saturating_add(ms))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}",
            self.to_datetime()
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        )
    }
}

/// The journal's only source of time, so tests run on plain values.
pub trait Clock: Send + Sync {
    /// Current time.
    fn now(&self) -> Timestamp;
}

/// Wall clock, for the daemon.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_datetime(chrono::Utc::now())
    }
}

/// A clock that moves only when told to, for tests.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    /// Starts at `t`.
    pub fn new(t: Timestamp) -> Self {
        ManualClock(AtomicI64::new(t.0))
    }

    /// Jumps to `t`.
    pub fn set(&self, t: Timestamp) {
        self.0.store(t.0, Ordering::SeqCst);
    }

    /// Moves forward by `ms` milliseconds.
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

/// Masks a NIK for the journal: keeps the region (digits 1–6) and the serial (13–16), hides the
/// birth date, e.g. `327301******0001`. Anything that is not 16 digits is masked whole.
pub fn mask_nik(nik: &str) -> String {
    if nik.len() == 16 && nik.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}******{}", &nik[..6], &nik[12..])
    } else {
        "*".repeat(nik.chars().count().min(16))
    }
}

/// Checks an identifier (job, printer, batch, lot): 1–128 printable ASCII characters without
/// spaces, so it is safe in locations, logs and event ids.
pub(crate) fn check_id(what: &str, id: &str) -> Result<(), JournalError> {
    if id.is_empty() || id.len() > 128 || !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(JournalError::InvalidInput(format!(
            "{what} must be 1-128 printable characters without spaces, got {id:?}"
        )));
    }
    Ok(())
}

/// Refuses a full NIK where a masked one belongs.
pub(crate) fn check_masked_nik(masked: &str) -> Result<(), JournalError> {
    let digits = masked.bytes().filter(|b| b.is_ascii_digit()).count();
    if digits > 10 || masked.len() > 32 {
        return Err(JournalError::InvalidInput(
            "nik_masked looks like a full NIK; use journal::mask_nik".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_nik_hides_the_birth_date() {
        assert_eq!(mask_nik("3273015708150001"), "327301******0001");
        assert_eq!(mask_nik("12345"), "*****");
        assert_eq!(mask_nik("327301570815000X"), "****************");
        assert!(check_masked_nik(&mask_nik("3273015708150001")).is_ok());
        assert!(check_masked_nik("3273015708150001").is_err());
    }

    #[test]
    fn ids_are_checked() {
        assert!(check_id("job id", "KIA-2026-0000001").is_ok());
        for bad in ["", "a b", "é", &"x".repeat(129)] {
            assert!(check_id("job id", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn blangko_types_parse() {
        for t in BlangkoType::ALL {
            assert_eq!(t.code().parse::<BlangkoType>().unwrap(), t);
        }
        assert!("ktp".parse::<BlangkoType>().is_err());
    }

    #[test]
    fn journal_can_move_to_a_worker_thread() {
        fn assert_send<T: Send>() {}
        assert_send::<crate::journal::Journal>();
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let c = ManualClock::new(Timestamp(1_000));
        assert_eq!(c.now(), Timestamp(1_000));
        c.advance(500);
        assert_eq!(c.now(), Timestamp(1_500));
        assert_eq!(Timestamp(0).to_string(), "1970-01-01T00:00:00.000Z");
    }
}
