//! The ISO 7816-4 steps the encoder and reader share: card checks, identity, selection, the
//! access step, chunked UPDATE / READ BINARY. Each is one small function over [`Apdus`].

use super::apdu::{Command, StatusWord, SHORT_MAX_DATA};
use super::channel::{refusal, Apdus, ChannelCaps, Protocol, TransferPlan};
use super::error::ChipError;
use super::profile::{Access, Condition, ExtendedMode, FileSpec, Profile};
use super::secret;
use super::tlv;

/// Bytes around the data of the longest extended command: header 4, Lc 3, Le 2.
const EXTENDED_OVERHEAD: usize = 9;

/// True when the ATR's historical bytes announce extended Lc/Le (card capabilities, third
/// software-function byte, b7).
pub fn atr_announces_extended(atr: &[u8]) -> bool {
    historical_bytes(atr).is_some_and(|h| {
        let body = match h.first() {
            Some(0x80) => &h[1..],
            Some(0x00) if h.len() >= 4 => &h[1..h.len() - 3],
            _ => return false,
        };
        let mut i = 0;
        while i < body.len() {
            let (tag, len) = (body[i] >> 4, (body[i] & 0x0F) as usize);
            let Some(value) = body.get(i + 1..i + 1 + len) else {
                return false;
            };
            if tag == 0x7 && len >= 3 {
                return value[2] & 0x40 != 0;
            }
            i += 1 + len;
        }
        false
    })
}

/// The historical bytes of an ATR, if it is well formed enough to find them.
pub fn historical_bytes(atr: &[u8]) -> Option<&[u8]> {
    let t0 = *atr.get(1)?;
    let k = (t0 & 0x0F) as usize;
    let mut y = t0 >> 4;
    let mut i = 2;
    loop {
        let count = (y & 0x1).count_ones() + (y & 0x2).count_ones() + (y & 0x4).count_ones();
        let td = if y & 0x8 != 0 {
            Some(*atr.get(i + count as usize)?)
        } else {
            None
        };
        i += count as usize + usize::from(td.is_some());
        match td {
            Some(td) => y = td >> 4,
            None => break,
        }
    }
    atr.get(i..i + k)
}

/// Refuses a card whose ATR the profile does not accept.
pub fn check_atr(profile: &Profile, atr: &[u8]) -> Result<(), ChipError> {
    let denied = profile.card.atr_deny.iter().any(|p| p.matches(atr));
    let allowed =
        profile.card.atr_allow.is_empty() || profile.card.atr_allow.iter().any(|p| p.matches(atr));
    if denied || !allowed || atr.len() < 2 {
        return Err(ChipError::ForeignCard {
            atr: hex::encode_upper(atr),
        });
    }
    Ok(())
}

/// How data moves for this card. With `extended = "auto"` extended APDUs need all three: the
/// card announces extended Lc/Le in its ATR, the negotiated protocol is T=1 (or not reported),
/// and the reader, when it states a limit (PC/SC part 10 `dwMaxAPDUDataSize`,
/// `SCARD_ATTR_MAXINPUT`), carries more than a short APDU; the chunk then fits that limit.
/// When the reader states nothing, the first extended APDU is the test: a transport failure
/// falls back to short APDUs.
pub fn plan_transfer(profile: &Profile, atr: &[u8], caps: &ChannelCaps) -> TransferPlan {
    let t = &profile.transfer;
    let short = |reason| TransferPlan::short(t.chunk_size, reason);
    let extended = |chunk: usize, fallback, reason| TransferPlan {
        extended: true,
        chunk,
        short_chunk: t.chunk_size,
        fallback,
        reason,
    };
    match t.extended {
        ExtendedMode::Never => short("profile: extended = never"),
        ExtendedMode::Always => {
            extended(t.extended_chunk_size, false, "profile: extended = always")
        }
        ExtendedMode::Auto => {
            if !atr_announces_extended(atr) {
                return short("the card does not announce extended Lc/Le");
            }
            match caps.protocol {
                Some(Protocol::T0) => return short("T=0 carries short APDUs only"),
                Some(Protocol::Other) => return short("not a T=1 link"),
                Some(Protocol::T1) | None => {}
            }
            let reader = [
                caps.max_apdu_data,
                caps.max_command
                    .map(|n| n.saturating_sub(EXTENDED_OVERHEAD)),
            ]
            .into_iter()
            .flatten()
            .min();
            match reader {
                Some(n) if n <= SHORT_MAX_DATA => short("the reader carries short APDUs only"),
                Some(n) => extended(
                    t.extended_chunk_size.min(n),
                    true,
                    "card, protocol and reader allow extended length",
                ),
                None => extended(
                    t.extended_chunk_size,
                    true,
                    "card and protocol allow extended length; reader limits not stated",
                ),
            }
        }
    }
}

/// The chip UID from a contactless reader (PC/SC part 3 GET DATA `FF CA 00 00 00`); `None`
/// when there is none. `6E00` (class not supported: the pseudo-APDU reached a card, so no
/// contactless reader stands in between), `6D00` and `6A81` (the reader lacks the function)
/// are the expected "no UID"; any other refusal is logged and also gives none: the UID is
/// informative, never a reason to reject a blangko.
pub fn read_uid(apdus: &mut Apdus) -> Result<Option<Vec<u8>>, ChipError> {
    let r = apdus.send(&Command::new(0xFF, 0xCA, 0x00, 0x00).with_le(256))?;
    match r.sw {
        StatusWord::Ok | StatusWord::EndOfFile if !r.data.is_empty() => Ok(Some(r.data)),
        StatusWord::ClaNotSupported
        | StatusWord::InsNotSupported
        | StatusWord::FunctionNotSupported => Ok(None),
        sw => {
            tracing::warn!(%sw, "the reader gave no UID");
            Ok(None)
        }
    }
}

/// A card serial by GET DATA; `None` when the card has none.
pub fn read_serial(apdus: &mut Apdus, tag: u16) -> Result<Option<Vec<u8>>, ChipError> {
    let [p1, p2] = tag.to_be_bytes();
    let r = apdus.send(&Command::new(0x00, 0xCA, p1, p2).with_le(256))?;
    if !r.sw.is_ok() || r.data.is_empty() {
        return Ok(None);
    }
    // A card may wrap the value in its tag; keep the bare value.
    if let Ok((t, used)) = tlv::parse_one(&r.data) {
        if used == r.data.len() && (t.tag == tag as u32 || t.tag == p2 as u32) {
            return Ok(Some(t.value));
        }
    }
    Ok(Some(r.data))
}

/// SELECT the MF.
pub fn select_mf(apdus: &mut Apdus) -> Result<(), ChipError> {
    apdus.send_ok(
        &Command::new(0x00, 0xA4, 0x00, 0x0C).with_data([0x3F, 0x00]),
        "SELECT MF",
    )?;
    Ok(())
}

/// Whether writing `files` needs the access step: a file's update or read condition asks for
/// the PIN, or the DF is to be created (CREATE FILE falls under the security attributes of the
/// parent DF, which the profile does not describe). Never when the profile has no access step.
pub fn pin_needed_to_write<'a>(
    profile: &Profile,
    mut files: impl Iterator<Item = &'a FileSpec>,
) -> bool {
    matches!(profile.access, Access::Verify { .. })
        && (profile.application.create
            || files.any(|f| f.update == Condition::Pin || f.read == Condition::Pin))
}

/// Whether reading the profile's files needs the access step: only when a file's read
/// condition asks for the PIN. A read-only check never spends a PIN try otherwise.
pub fn pin_needed_to_read(profile: &Profile) -> bool {
    matches!(profile.access, Access::Verify { .. })
        && profile.files.iter().any(|f| f.read == Condition::Pin)
}

/// The access step, if the profile has one.
pub fn verify(apdus: &mut Apdus, profile: &Profile) -> Result<(), ChipError> {
    let Access::Verify {
        reference,
        source,
        format,
        pad_to,
        pad_byte,
    } = &profile.access
    else {
        return Ok(());
    };
    let text = secret::load_text(source)?;
    let pin = secret::pin_data(&text, *format, *pad_to, *pad_byte)?;
    let cmd = Command::new(0x00, 0x20, 0x00, *reference).with_data(pin.expose());
    let r = apdus.send(&cmd);
    // `cmd` holds the PIN too: overwrite it before anything else happens.
    let mut cmd = cmd;
    cmd.data.iter_mut().for_each(|b| *b = 0);
    match r?.sw {
        StatusWord::Ok => Ok(()),
        sw => Err(refusal("VERIFY", sw)),
    }
}

/// SELECT (or create) the application DF; returns true when it was created. Selection by DF
/// name works from anywhere; by FID it starts from the MF.
pub fn select_application(
    apdus: &mut Apdus,
    profile: &Profile,
    reselect: bool,
) -> Result<bool, ChipError> {
    let app = &profile.application;
    let select = |apdus: &mut Apdus| {
        let cmd = match &app.aid {
            Some(aid) => Command::new(0x00, 0xA4, 0x04, 0x0C).with_data(aid.clone()),
            None => Command::new(0x00, 0xA4, 0x00, 0x0C).with_data(app.fid.to_be_bytes()),
        };
        apdus.send(&cmd)
    };
    if app.aid.is_none() {
        select_mf(apdus)?;
    }
    let step = format!("SELECT DF {:04X}", app.fid);
    match select(apdus)?.sw {
        StatusWord::Ok => return Ok(false),
        StatusWord::FileNotFound if app.create => {}
        sw => return Err(refusal(&step, sw)),
    }
    // The DF is created under the MF.
    if app.aid.is_some() {
        select_mf(apdus)?;
    }
    let mut fcp = Vec::new();
    tlv::put(0x82, &[0x38], &mut fcp);
    tlv::put(0x83, &app.fid.to_be_bytes(), &mut fcp);
    if let Some(aid) = &app.aid {
        tlv::put(0x84, aid, &mut fcp);
    }
    fcp.extend_from_slice(&app.fcp_extra);
    let create = Command::new(0x00, 0xE0, 0x00, 0x00).with_data(tlv::encode(0x62, &fcp));
    apdus.send_ok(&create, &format!("CREATE FILE DF {:04X}", app.fid))?;
    if !reselect {
        return Ok(true);
    }
    match select(apdus)?.sw {
        StatusWord::Ok => Ok(true),
        sw => Err(refusal(&step, sw)),
    }
}

/// SELECT an EF of the current DF; returns the status word (`FileNotFound` is not an error).
pub fn select_ef(apdus: &mut Apdus, fid: u16) -> Result<StatusWord, ChipError> {
    Ok(apdus
        .send(&Command::new(0x00, 0xA4, 0x02, 0x0C).with_data(fid.to_be_bytes()))?
        .sw)
}

/// The size of an EF of the current DF from its FCP (`80` / `81`); `None` if not given.
pub fn ef_size(apdus: &mut Apdus, fid: u16) -> Result<Option<usize>, ChipError> {
    let r = apdus.send(
        &Command::new(0x00, 0xA4, 0x02, 0x04)
            .with_data(fid.to_be_bytes())
            .with_le(256),
    )?;
    if !r.sw.is_ok() {
        return Err(refusal(&format!("SELECT EF {fid:04X}"), r.sw));
    }
    let outer =
        tlv::parse_all(&r.data).map_err(|e| ChipError::Decode(format!("FCP of {fid:04X}: {e}")))?;
    let Some(fcp) = tlv::find(&outer, 0x62) else {
        return Ok(None);
    };
    let items = tlv::parse_all(&fcp.value)
        .map_err(|e| ChipError::Decode(format!("FCP of {fid:04X}: {e}")))?;
    Ok(tlv::find(&items, 0x80)
        .or_else(|| tlv::find(&items, 0x81))
        .filter(|t| !t.value.is_empty() && t.value.len() <= 4)
        .map(|t| t.value.iter().fold(0usize, |a, &b| (a << 8) | b as usize)))
}

/// The FCP template for CREATE FILE of a transparent EF.
pub fn ef_fcp(spec: &FileSpec, size: usize) -> Vec<u8> {
    let mut fcp = Vec::new();
    tlv::put(0x80, &(size as u16).to_be_bytes(), &mut fcp);
    tlv::put(0x82, &[0x01], &mut fcp);
    tlv::put(0x83, &spec.fid.to_be_bytes(), &mut fcp);
    // Compact security attributes: AM b2 = UPDATE, b1 = READ; SC bytes from the highest bit.
    let conds: [Condition; 2] = [spec.update, spec.read];
    tlv::put(0x8C, &[0x03, conds[0].byte(), conds[1].byte()], &mut fcp);
    fcp.extend_from_slice(&spec.fcp_extra);
    tlv::encode(0x62, &fcp)
}

/// Makes the EF current, creating it with its size when absent. CREATE FILE comes first: on a
/// blank card it succeeds and makes the new EF current (ISO/IEC 7816-9), which saves a SELECT
/// per file; `6A89` (exists) falls back to SELECT and a size check.
pub fn prepare_ef(
    apdus: &mut Apdus,
    spec: &FileSpec,
    needed: usize,
    reselect: bool,
) -> Result<(), ChipError> {
    let fid = format!("{:04X}", spec.fid);
    let size = spec.size.unwrap_or(needed);
    if needed > size {
        return Err(ChipError::FileTooSmall {
            fid,
            capacity: size,
            needed,
        });
    }
    let create = Command::new(0x00, 0xE0, 0x00, 0x00).with_data(ef_fcp(spec, size));
    match apdus.send(&create)?.sw {
        StatusWord::Ok if !reselect => Ok(()),
        StatusWord::Ok => match select_ef(apdus, spec.fid)? {
            StatusWord::Ok => Ok(()),
            sw => Err(refusal(&format!("SELECT EF {fid}"), sw)),
        },
        StatusWord::FileExists => {
            if let Some(capacity) = ef_size(apdus, spec.fid)? {
                if capacity < needed {
                    return Err(ChipError::FileTooSmall {
                        fid,
                        capacity,
                        needed,
                    });
                }
            }
            Ok(())
        }
        sw => Err(refusal(&format!("CREATE FILE {fid}"), sw)),
    }
}

/// Writes `bytes` to the current EF in chunks of [`Apdus::chunk`]; a `6700` makes the chunk
/// smaller for the rest of the card ([`Apdus::shrink_chunk`]).
pub fn update_binary(apdus: &mut Apdus, fid: u16, bytes: &[u8]) -> Result<(), ChipError> {
    let step = format!("UPDATE BINARY {fid:04X}");
    let mut offset = 0;
    while offset < bytes.len() {
        if offset > 0x7FFF {
            return Err(ChipError::Content(format!(
                "file {fid:04X} longer than 32767 bytes"
            )));
        }
        let n = apdus.chunk().min(bytes.len() - offset);
        let cmd = Command::new(0x00, 0xD6, (offset >> 8) as u8, offset as u8)
            .with_data(&bytes[offset..offset + n]);
        match apdus.send(&cmd)?.sw {
            StatusWord::Ok => offset += n,
            StatusWord::WrongLength if apdus.shrink_chunk() => {}
            sw => return Err(refusal(&step, sw)),
        }
    }
    Ok(())
}

/// Reads `len` bytes of the current EF in chunks of [`Apdus::chunk`]; a `6700` makes the chunk
/// smaller for the rest of the card.
pub fn read_binary(apdus: &mut Apdus, fid: u16, len: usize) -> Result<Vec<u8>, ChipError> {
    let step = format!("READ BINARY {fid:04X}");
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        let offset = out.len();
        if offset > 0x7FFF {
            return Err(ChipError::Decode(format!(
                "file {fid:04X} longer than 32767 bytes"
            )));
        }
        let want = apdus.chunk().min(len - offset);
        let r = apdus
            .send(&Command::new(0x00, 0xB0, (offset >> 8) as u8, offset as u8).with_le(want))?;
        match r.sw {
            StatusWord::Ok | StatusWord::EndOfFile if !r.data.is_empty() => {
                out.extend_from_slice(&r.data[..r.data.len().min(want)]);
                if r.sw == StatusWord::EndOfFile {
                    break;
                }
            }
            StatusWord::WrongLength if apdus.shrink_chunk() => {}
            StatusWord::Ok | StatusWord::EndOfFile | StatusWord::OffsetOutsideFile => break,
            sw => return Err(refusal(&step, sw)),
        }
    }
    Ok(out)
}

/// ACTIVATE FILE on the current file.
pub fn activate_current(apdus: &mut Apdus, what: &str) -> Result<(), ChipError> {
    apdus.send_ok(
        &Command::new(0x00, 0x44, 0x00, 0x00),
        &format!("ACTIVATE FILE {what}"),
    )?;
    Ok(())
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
