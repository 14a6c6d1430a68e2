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

mod raw;

fn hex_bytes(what: &str, s: &str) -> Result<Vec<u8>, ChipError> {
    let compact: String = s.split_whitespace().collect();
    hex::decode(&compact).map_err(|_| ChipError::Profile(format!("{what}: {s:?} is not hex")))
}

fn fid(what: &str, s: &str) -> Result<u16, ChipError> {
    let b = hex_bytes(what, s)?;
    let arr: [u8; 2] = b
        .try_into()
        .map_err(|_| ChipError::Profile(format!("{what}: {s:?} is not 2 bytes")))?;
    let v = u16::from_be_bytes(arr);
    // 3F00 (MF), 3FFF (path marker) and FFFF are reserved by ISO/IEC 7816-4.
    if matches!(v, 0x3F00 | 0x3FFF | 0xFFFF) {
        return Err(ChipError::Profile(format!(
            "{what}: {s} is a reserved file identifier"
        )));
    }
    Ok(v)
}

fn condition(what: &str, s: Option<&str>, default: Condition) -> Result<Condition, ChipError> {
    match s {
        None => Ok(default),
        Some("always") => Ok(Condition::Always),
        Some("pin") => Ok(Condition::Pin),
        Some("never") => Ok(Condition::Never),
        Some(o) => Err(ChipError::Profile(format!(
            "{what}: {o:?} is not always / pin / never"
        ))),
    }
}

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

    /// Parses and validates profile text.
    pub fn from_toml(text: &str) -> Result<Self, ChipError> {
        let r: raw::Profile =
            toml::from_str(text).map_err(|e| ChipError::Profile(e.to_string()))?;
        let _ = r.description;
        let p = |m: String| ChipError::Profile(m);
        let patterns = |list: &[String]| -> Result<Vec<AtrPattern>, ChipError> {
            list.iter()
                .map(|s| AtrPattern::parse(s).map_err(p))
                .collect()
        };
        let serial_tag = match &r.card.serial_tag {
            None => None,
            Some(s) => {
                let b = hex_bytes("card.serial_tag", s)?;
                let arr: [u8; 2] = b
                    .try_into()
                    .map_err(|_| p("card.serial_tag must be 2 bytes".into()))?;
                Some(u16::from_be_bytes(arr))
            }
        };
        let card = CardRules {
            atr_allow: patterns(&r.card.atr_allow)?,
            atr_deny: patterns(&r.card.atr_deny)?,
            read_uid: r.card.read_uid,
            serial_tag,
        };
        let aid = r
            .application
            .aid
            .as_deref()
            .map(|s| hex_bytes("application.aid", s))
            .transpose()?;
        if aid.as_ref().is_some_and(|a| a.len() < 5 || a.len() > 16) {
            return Err(p("application.aid must be 5 to 16 bytes".into()));
        }
        let application = Application {
            fid: fid("application.fid", &r.application.fid)?,
            aid,
            create: r.application.create,
            fcp_extra: r
                .application
                .fcp_extra
                .as_deref()
                .map(|s| hex_bytes("application.fcp_extra", s))
                .transpose()?
                .unwrap_or_default(),
        };
        let access = match r.access.method.as_str() {
            "none" => Access::None,
            "verify" => {
                let reference = match r.access.pin_reference.as_deref() {
                    Some(s) => *hex_bytes("access.pin_reference", s)?
                        .first()
                        .ok_or_else(|| p("access.pin_reference is empty".into()))?,
                    None => return Err(p("access.pin_reference is required for verify".into())),
                };
                let source = match (&r.access.pin_env, &r.access.pin_file, &r.access.pin_key) {
                    (Some(env), None, None) => SecretSource::Env(env.clone()),
                    (None, Some(file), Some(key)) => SecretSource::File {
                        path: file.into(),
                        key: key.clone(),
                    },
                    _ => {
                        return Err(p(
                            "access: give either pin_env, or pin_file with pin_key".into()
                        ))
                    }
                };
                let format = match r.access.pin_format.as_deref().unwrap_or("ascii") {
                    "ascii" => PinFormat::Ascii,
                    "hex" => PinFormat::Hex,
                    o => return Err(p(format!("access.pin_format {o:?} is not ascii / hex"))),
                };
                let pad_byte = match r.access.pad_byte.as_deref() {
                    Some(s) => *hex_bytes("access.pad_byte", s)?
                        .first()
                        .ok_or_else(|| p("access.pad_byte is empty".into()))?,
                    None => 0xFF,
                };
                Access::Verify {
                    reference,
                    source,
                    format,
                    pad_to: r.access.pad_to.unwrap_or(0),
                    pad_byte,
                }
            }
            o => return Err(p(format!("access.method {o:?} is not none / verify"))),
        };
        let extended = match r.transfer.extended.as_deref().unwrap_or("auto") {
            "never" => ExtendedMode::Never,
            "auto" => ExtendedMode::Auto,
            "always" => ExtendedMode::Always,
            o => {
                return Err(p(format!(
                    "transfer.extended {o:?} is not never / auto / always"
                )))
            }
        };
        let transfer = Transfer {
            chunk_size: r.transfer.chunk_size,
            extended,
            extended_chunk_size: r
                .transfer
                .extended_chunk_size
                .unwrap_or(r.transfer.chunk_size),
            apdu_timeout_ms: r.transfer.apdu_timeout_ms.unwrap_or(5000),
            reselect_after_create: r.transfer.reselect_after_create,
        };
        if !(1..=255).contains(&transfer.chunk_size) {
            return Err(p("transfer.chunk_size must be 1..=255 (short APDUs)".into()));
        }
        if !(1..=65_535).contains(&transfer.extended_chunk_size) {
            return Err(p("transfer.extended_chunk_size must be 1..=65535".into()));
        }
        if transfer.apdu_timeout_ms == 0 {
            return Err(p("transfer.apdu_timeout_ms must be positive".into()));
        }
        let mut files = Vec::new();
        for (i, f) in r.files.iter().enumerate() {
            let what = format!("file[{i}]");
            let spec = FileSpec {
                fid: fid(&format!("{what}.fid"), &f.fid)?,
                content: f.content,
                size: f.size,
                optional: f.optional,
                read: condition(
                    &format!("{what}.read"),
                    f.read.as_deref(),
                    Condition::Always,
                )?,
                update: condition(
                    &format!("{what}.update"),
                    f.update.as_deref(),
                    Condition::Pin,
                )?,
                fcp_extra: f
                    .fcp_extra
                    .as_deref()
                    .map(|s| hex_bytes(&format!("{what}.fcp_extra"), s))
                    .transpose()?
                    .unwrap_or_default(),
            };
            if spec.read == Condition::Never {
                return Err(p(format!(
                    "{what}.read = \"never\": cetak reads every file back to verify it"
                )));
            }
            if spec.size.is_some_and(|s| s == 0 || s > 0x7FFF) {
                return Err(p(format!(
                    "{what}.size must be 1..=32767 (offsets of UPDATE BINARY)"
                )));
            }
            if spec.fid == application.fid || files.iter().any(|o: &FileSpec| o.fid == spec.fid) {
                return Err(p(format!("{what}.fid {:04X} is used twice", spec.fid)));
            }
            files.push(spec);
        }
        if files.is_empty() {
            return Err(p("at least one [[file]] is required".into()));
        }
        let integrity: Vec<_> = files
            .iter()
            .filter(|f| f.content == ContentSource::Integrity)
            .collect();
        if integrity.len() > 1 {
            return Err(p("at most one integrity file".into()));
        }
        // The integrity file is written last, after the hashes of all the others are known.
        files.sort_by_key(|f| f.content == ContentSource::Integrity);
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
