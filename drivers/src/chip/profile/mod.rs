//! Card profiles: what to select or create, which files to write with what, the access step,
//! transfer sizes and the final step — read from a TOML file the operator can inspect
//! (`profiles/default.toml`). Parsing validates everything up front, so an encoder run never
//! stops half-way on a profile mistake.

use std::path::{Path, PathBuf};

use super::content::ContentSource;
use super::error::ChipError;

/// The default profile: plain ISO/IEC 7816-4 (SELECT, CREATE FILE, UPDATE/READ BINARY, VERIFY).
pub const DEFAULT_PROFILE_TOML: &str = include_str!("../../../../profiles/default.toml");

/// A validated card profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Profile name (for reports).
    pub name: String,
    /// Which cards are accepted.
    pub card: CardRules,
    /// The application DF holding the files.
    pub application: Application,
    /// The access step.
    pub access: Access,
    /// Chunking and APDU length.
    pub transfer: Transfer,
    /// Files, in writing order (the integrity file is always written last).
    pub files: Vec<FileSpec>,
    /// Optional final step.
    pub activate: Activate,
}

/// Which cards the profile accepts and what identity data to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRules {
    /// ATR patterns accepted (empty = any card not denied). Hex bytes, `??` = any byte, a
    /// trailing `..` = any rest.
    pub atr_allow: Vec<AtrPattern>,
    /// ATR patterns refused (e.g. memory cards with no file system).
    pub atr_deny: Vec<AtrPattern>,
    /// Ask the reader for the chip UID (GET DATA `FF CA 00 00 00`); absent UID is not an error.
    pub read_uid: bool,
    /// GET DATA (`00 CA`) P1P2 of a card serial number, if the card offers one.
    pub serial_tag: Option<u16>,
}

/// An ATR pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtrPattern {
    bytes: Vec<Option<u8>>,
    open_end: bool,
}

impl AtrPattern {
    /// Parses `"3B 8F 80 01 ?? .."`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut bytes = Vec::new();
        let mut open_end = false;
        let compact: String = s.split_whitespace().collect();
        let mut rest = compact.as_str();
        while !rest.is_empty() {
            if rest == ".." {
                open_end = true;
                break;
            }
            let (b, r) = rest.split_at(rest.len().min(2));
            if b.len() < 2 {
                return Err(format!("ATR pattern {s:?}: odd number of hex digits"));
            }
            bytes.push(if b == "??" {
                None
            } else {
                Some(
                    u8::from_str_radix(b, 16)
                        .map_err(|_| format!("ATR pattern {s:?}: bad byte {b:?}"))?,
                )
            });
            rest = r;
        }
        Ok(AtrPattern { bytes, open_end })
    }

    /// True when `atr` matches.
    pub fn matches(&self, atr: &[u8]) -> bool {
        let len_ok = if self.open_end {
            atr.len() >= self.bytes.len()
        } else {
            atr.len() == self.bytes.len()
        };
        len_ok
            && self
                .bytes
                .iter()
                .zip(atr)
                .all(|(p, b)| p.is_none_or(|p| p == *b))
    }
}

/// The application DF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// File identifier of the DF.
    pub fid: u16,
    /// DF name (AID); when set, the DF is selected by it.
    pub aid: Option<Vec<u8>>,
    /// Create the DF when it does not exist.
    pub create: bool,
    /// Extra FCP bytes (card-specific) appended to the DF's CREATE FILE template.
    pub fcp_extra: Vec<u8>,
}

/// The access step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// No access step.
    None,
    /// VERIFY with a PIN.
    Verify {
        /// P2 of VERIFY (reference; b8 set = DF-specific).
        reference: u8,
        /// Where the PIN comes from.
        source: SecretSource,
        /// How the PIN text is encoded.
        format: PinFormat,
        /// Pad the PIN to this many bytes (0 = no padding).
        pad_to: usize,
        /// Padding byte.
        pad_byte: u8,
    },
}

/// Where key material comes from; the value itself is never in the profile, nor logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// An environment variable.
    Env(String),
    /// A `key = "value"` entry of a TOML secrets file.
    File {
        /// Path of the secrets file.
        path: PathBuf,
        /// Key in it.
        key: String,
    },
}

/// How PIN text becomes VERIFY data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinFormat {
    /// Characters as ASCII bytes.
    Ascii,
    /// Hex digits as bytes.
    Hex,
}

/// Chunking and APDU length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transfer {
    /// Data bytes per UPDATE / READ BINARY with short APDUs (1..=255 / 256).
    pub chunk_size: usize,
    /// When to use extended APDUs.
    pub extended: ExtendedMode,
    /// Data bytes per command with extended APDUs.
    pub extended_chunk_size: usize,
    /// Per-APDU deadline, milliseconds.
    pub apdu_timeout_ms: u64,
    /// SELECT a file again after CREATE FILE, for cards that do not make the created file
    /// current as ISO/IEC 7816-9 says.
    pub reselect_after_create: bool,
}

/// When to use extended-length APDUs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtendedMode {
    /// Never.
    Never,
    /// When the card announces extended Lc/Le (card capabilities, ISO/IEC 7816-4 §12.1.1), the
    /// negotiated protocol is T=1 and the reader carries them ([`crate::chip::session::plan_transfer`]).
    Auto,
    /// Always (the operator knows the card and reader support them).
    Always,
}

/// One elementary file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSpec {
    /// File identifier.
    pub fid: u16,
    /// What it holds.
    pub content: ContentSource,
    /// Size to create; `None` = exactly the content's size.
    pub size: Option<usize>,
    /// When the content is absent (e.g. no photo): skip the file instead of failing.
    pub optional: bool,
    /// Security condition for READ BINARY.
    pub read: Condition,
    /// Security condition for UPDATE BINARY.
    pub update: Condition,
    /// Extra FCP bytes appended to CREATE FILE.
    pub fcp_extra: Vec<u8>,
}

/// A security condition in the compact format (`8C`): `00` always, `FF` never, `1n` after
/// the access step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// No condition.
    Always,
    /// After VERIFY.
    Pin,
    /// Never.
    Never,
}

impl Condition {
    /// Security-condition byte.
    pub fn byte(self) -> u8 {
        match self {
            Condition::Always => 0x00,
            Condition::Pin => 0x10,
            Condition::Never => 0xFF,
        }
    }
}

/// The optional final step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activate {
    /// None.
    None,
    /// ACTIVATE FILE (`00 44`) on each written EF, then the DF.
    Files,
}

mod parse;
mod raw;

impl Profile {
    /// The built-in default profile.
    pub fn default_profile() -> Result<Self, ChipError> {
        Profile::from_toml(DEFAULT_PROFILE_TOML)
    }

    /// Reads and validates a profile file.
    pub fn load(path: &Path) -> Result<Self, ChipError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ChipError::Profile(format!("{}: {e}", path.display())))?;
        Profile::from_toml(&text).map_err(|e| match e {
            ChipError::Profile(m) => ChipError::Profile(format!("{}: {m}", path.display())),
            e => e,
        })
    }

    /// Parses and validates profile text: each section in turn, in the file's order.
    pub fn from_toml(text: &str) -> Result<Self, ChipError> {
        let r: raw::Profile =
            toml::from_str(text).map_err(|e| ChipError::Profile(e.to_string()))?;
        let _ = r.description;
        let card = parse::card_rules(&r.card)?;
        let application = parse::application(&r.application)?;
        let access = parse::access(&r.access)?;
        let transfer = parse::transfer(&r.transfer)?;
        let files = parse::files(&r.files, application.fid)?;
        Ok(Profile {
            name: r.name,
            card,
            application,
            access,
            transfer,
            files,
            activate: if r.finish.activate {
                Activate::Files
            } else {
                Activate::None
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_profile_parses() {
        let p = Profile::default_profile().unwrap();
        assert_eq!(p.name, "default");
        assert_eq!(
            p.files.last().map(|f| f.content),
            Some(ContentSource::Integrity)
        );
        assert!(matches!(p.access, Access::Verify { .. }));
        assert_eq!(p.activate, Activate::None);
    }

    #[test]
    fn atr_patterns() {
        let p = AtrPattern::parse("3B 8F 80 01 ?? ..").unwrap();
        assert!(p.matches(&[0x3B, 0x8F, 0x80, 0x01, 0x55, 0x66]));
        assert!(!p.matches(&[0x3B, 0x8F, 0x80]));
        let exact = AtrPattern::parse("3B00").unwrap();
        assert!(exact.matches(&[0x3B, 0x00]) && !exact.matches(&[0x3B, 0x00, 0x01]));
        assert!(AtrPattern::parse("3B 8").is_err());
        assert!(AtrPattern::parse("zz").is_err());
    }

    #[test]
    fn bad_profiles_are_named_errors() {
        let good = DEFAULT_PROFILE_TOML;
        for (from, to) in [
            ("chunk_size = 240", "chunk_size = 300"),
            ("method = \"verify\"", "method = \"magic\""),
            ("fid = \"5001\"", "fid = \"3F00\""),
            ("fid = \"5002\"", "fid = \"5001\""),
            ("name = \"default\"", "name = \"default\"\nbogus = 1"),
            ("read = \"always\"", "read = \"never\""),
        ] {
            assert!(good.contains(from), "{from}");
            let bad = good.replacen(from, to, 1);
            assert!(
                matches!(Profile::from_toml(&bad), Err(ChipError::Profile(_))),
                "{to}"
            );
        }
        assert!(Profile::from_toml("not toml [").is_err());
    }
}
