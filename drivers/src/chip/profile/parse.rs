//! Each section of a profile file, from its raw TOML form to its validated type.

use super::raw;
use super::{
    Access, Application, AtrPattern, CardRules, Condition, ExtendedMode, FileSpec, PinFormat,
    SecretSource, Transfer,
};
use crate::chip::content::ContentSource;
use crate::chip::error::ChipError;

fn p(m: String) -> ChipError {
    ChipError::Profile(m)
}

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

pub(super) fn card_rules(r: &raw::Card) -> Result<CardRules, ChipError> {
    let patterns = |list: &[String]| -> Result<Vec<AtrPattern>, ChipError> {
        list.iter()
            .map(|s| AtrPattern::parse(s).map_err(p))
            .collect()
    };
    let serial_tag = match &r.serial_tag {
        None => None,
        Some(s) => {
            let b = hex_bytes("card.serial_tag", s)?;
            let arr: [u8; 2] = b
                .try_into()
                .map_err(|_| p("card.serial_tag must be 2 bytes".into()))?;
            Some(u16::from_be_bytes(arr))
        }
    };
    Ok(CardRules {
        atr_allow: patterns(&r.atr_allow)?,
        atr_deny: patterns(&r.atr_deny)?,
        read_uid: r.read_uid,
        serial_tag,
    })
}

pub(super) fn application(r: &raw::Application) -> Result<Application, ChipError> {
    let aid = r
        .aid
        .as_deref()
        .map(|s| hex_bytes("application.aid", s))
        .transpose()?;
    if aid.as_ref().is_some_and(|a| a.len() < 5 || a.len() > 16) {
        return Err(p("application.aid must be 5 to 16 bytes".into()));
    }
    Ok(Application {
        fid: fid("application.fid", &r.fid)?,
        aid,
        create: r.create,
        fcp_extra: r
            .fcp_extra
            .as_deref()
            .map(|s| hex_bytes("application.fcp_extra", s))
            .transpose()?
            .unwrap_or_default(),
    })
}

pub(super) fn access(r: &raw::Access) -> Result<Access, ChipError> {
    match r.method.as_str() {
        "none" => Ok(Access::None),
        "verify" => verify(r),
        o => Err(p(format!("access.method {o:?} is not none / verify"))),
    }
}

fn verify(r: &raw::Access) -> Result<Access, ChipError> {
    let reference = match r.pin_reference.as_deref() {
        Some(s) => *hex_bytes("access.pin_reference", s)?
            .first()
            .ok_or_else(|| p("access.pin_reference is empty".into()))?,
        None => return Err(p("access.pin_reference is required for verify".into())),
    };
    let source = match (&r.pin_env, &r.pin_file, &r.pin_key) {
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
    let format = match r.pin_format.as_deref().unwrap_or("ascii") {
        "ascii" => PinFormat::Ascii,
        "hex" => PinFormat::Hex,
        o => return Err(p(format!("access.pin_format {o:?} is not ascii / hex"))),
    };
    let pad_byte = match r.pad_byte.as_deref() {
        Some(s) => *hex_bytes("access.pad_byte", s)?
            .first()
            .ok_or_else(|| p("access.pad_byte is empty".into()))?,
        None => 0xFF,
    };
    Ok(Access::Verify {
        reference,
        source,
        format,
        pad_to: r.pad_to.unwrap_or(0),
        pad_byte,
    })
}

pub(super) fn transfer(r: &raw::Transfer) -> Result<Transfer, ChipError> {
    let extended = match r.extended.as_deref().unwrap_or("auto") {
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
        chunk_size: r.chunk_size,
        extended,
        extended_chunk_size: r.extended_chunk_size.unwrap_or(r.chunk_size),
        apdu_timeout_ms: r.apdu_timeout_ms.unwrap_or(5000),
        reselect_after_create: r.reselect_after_create,
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
    Ok(transfer)
}

/// The files in writing order (the integrity file last); `application_fid` may not be reused.
pub(super) fn files(raw: &[raw::File], application_fid: u16) -> Result<Vec<FileSpec>, ChipError> {
    let mut files = Vec::new();
    for (i, f) in raw.iter().enumerate() {
        let spec = file(&format!("file[{i}]"), f)?;
        if spec.fid == application_fid || files.iter().any(|o: &FileSpec| o.fid == spec.fid) {
            return Err(p(format!("file[{i}].fid {:04X} is used twice", spec.fid)));
        }
        files.push(spec);
    }
    if files.is_empty() {
        return Err(p("at least one [[file]] is required".into()));
    }
    let integrity = files
        .iter()
        .filter(|f| f.content == ContentSource::Integrity)
        .count();
    if integrity > 1 {
        return Err(p("at most one integrity file".into()));
    }
    // The integrity file is written last, after the hashes of all the others are known.
    files.sort_by_key(|f| f.content == ContentSource::Integrity);
    Ok(files)
}

fn file(what: &str, f: &raw::File) -> Result<FileSpec, ChipError> {
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
    Ok(spec)
}
