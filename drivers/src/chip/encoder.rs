//! Personalisation: write a [`ChipContent`] as the profile says, read every file back and
//! compare hashes; and [`read_card`], which reads a card back and decodes it.

use super::apdu::StatusWord;
use super::channel::{ApduStats, Apdus, CardChannel};
use super::content::{sha256, ChipContent, ContentSource, Integrity, IntegrityEntry};
use super::error::ChipError;
use super::profile::{Activate, Profile};
use super::session as s;

/// What a successful encoding leaves for the job's report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EncodeReport {
    /// Profile used.
    pub profile: String,
    /// Reader name.
    pub reader: String,
    /// The card's ATR, hex.
    pub atr: String,
    /// Chip UID from the reader, hex, when offered.
    pub uid: Option<String>,
    /// Card serial (GET DATA), hex, when offered.
    pub card_serial: Option<String>,
    /// Whether extended APDUs were used (at the end).
    pub extended: bool,
    /// True when the reader failed the first extended APDU and the card was written with
    /// short ones.
    pub extended_fallback: bool,
    /// Data bytes per UPDATE / READ BINARY at the end (after any step down on `6700`).
    pub chunk_size: usize,
    /// Files written, with their lengths and hashes, in writing order.
    pub files: Vec<IntegrityEntry>,
    /// APDU counters (all attempts).
    pub apdus: ApduStats,
    /// Times the encoding started again: the card was reset by someone else, or the reader
    /// failed the first extended APDU.
    pub restarts: u32,
}

/// What [`read_card`] found.
#[derive(Debug, Clone)]
pub struct CardReadout {
    /// Reader name.
    pub reader: String,
    /// ATR, hex.
    pub atr: String,
    /// UID, hex, when offered.
    pub uid: Option<String>,
    /// Card serial, hex, when offered.
    pub card_serial: Option<String>,
    /// Decoded contents (server signature from the integrity file).
    pub content: ChipContent,
    /// The integrity file, when the profile has one.
    pub integrity: Option<Integrity>,
    /// APDU counters.
    pub apdus: ApduStats,
}

impl CardReadout {
    /// Lines for `cetak chip read`: identity, then each personal item as `key: value`, then the
    /// sizes of the images and the integrity status. For the operator's screen, not for logs.
    pub fn to_lines(&self) -> Vec<String> {
        let mut out = vec![
            format!("reader: {}", self.reader),
            format!("atr: {}", self.atr),
        ];
        out.push(format!("uid: {}", self.uid.as_deref().unwrap_or("-")));
        out.push(format!(
            "card_serial: {}",
            self.card_serial.as_deref().unwrap_or("-")
        ));
        for (field, value) in &self.content.personal {
            out.push(format!("{}: {value}", field.key()));
        }
        let size = |b: &Option<Vec<u8>>| {
            b.as_ref()
                .map_or("-".to_string(), |b| format!("{} bytes", b.len()))
        };
        out.push(format!("photo: {}", size(&self.content.photo)));
        out.push(format!(
            "holder_signature: {}",
            size(&self.content.holder_signature)
        ));
        out.push(format!(
            "server_signature: {}",
            size(&self.content.server_signature)
        ));
        out.push(format!(
            "integrity: {}",
            match &self.integrity {
                Some(i) => format!("ok ({} files, SHA-256)", i.entries.len()),
                None => "none in this profile".into(),
            }
        ));
        out
    }
}

struct Identity {
    atr: Vec<u8>,
    uid: Option<Vec<u8>>,
    serial: Option<Vec<u8>>,
}

/// Card checks and identity; the first steps of every session. No VERIFY here: each operation
/// verifies only when its files ask for the PIN.
fn open_session(apdus: &mut Apdus, profile: &Profile) -> Result<Identity, ChipError> {
    let atr = apdus.channel().atr();
    s::check_atr(profile, &atr)?;
    let uid = if profile.card.read_uid {
        s::read_uid(apdus)?
    } else {
        None
    };
    let serial = match profile.card.serial_tag {
        Some(tag) => s::read_serial(apdus, tag)?,
        None => None,
    };
    Ok(Identity { atr, uid, serial })
}

/// The files to write: (spec index, bytes), integrity last.
fn plan(profile: &Profile, content: &ChipContent) -> Result<Vec<(usize, Vec<u8>)>, ChipError> {
    let mut out = Vec::new();
    for (i, spec) in profile.files.iter().enumerate() {
        if spec.content == ContentSource::Integrity {
            let files: Vec<(u16, ContentSource, &[u8])> = out
                .iter()
                .map(|(j, b): &(usize, Vec<u8>)| {
                    (
                        profile.files[*j].fid,
                        profile.files[*j].content,
                        b.as_slice(),
                    )
                })
                .collect();
            let bytes = Integrity::over(&files, content.server_signature.clone()).to_bytes();
            out.push((i, bytes));
            continue;
        }
        match content.source_bytes(spec.content)? {
            Some(b) if !b.is_empty() => out.push((i, b)),
            _ if spec.optional => {}
            _ => {
                return Err(ChipError::Content(format!(
                    "file {:04X} needs {:?}, which this card's content lacks",
                    spec.fid, spec.content
                )))
            }
        }
        if out.last().is_some_and(|(_, b)| b.len() > 0x7FFF) {
            return Err(ChipError::Content(format!(
                "{:?} is over 32767 bytes",
                spec.content
            )));
        }
    }
    Ok(out)
}

/// Runs `once`, and once more after a reconnect when the card was reset by someone else, or
/// when the reader failed the first extended APDU ([`Apdus`] has then switched to short ones).
/// Every step is idempotent, so starting again is safe. Returns the result and the restarts.
fn with_restarts<T>(
    apdus: &mut Apdus,
    mut once: impl FnMut(&mut Apdus) -> Result<T, ChipError>,
) -> Result<(T, u32), ChipError> {
    let (mut restarts, mut resets) = (0, 0);
    loop {
        match once(apdus) {
            Ok(v) => return Ok((v, restarts)),
            Err(ChipError::CardReset) if resets == 0 => {
                resets += 1;
                tracing::warn!("card reset during the session; reconnecting and starting again");
            }
            Err(ChipError::ExtendedUnsupported(_)) if !apdus.extended() => {
                tracing::warn!("starting the card again with short APDUs");
            }
            Err(e) => return Err(e),
        }
        restarts += 1;
        apdus.channel().reconnect()?;
    }
}

fn encode_once(
    apdus: &mut Apdus,
    profile: &Profile,
    files: &[(usize, Vec<u8>)],
) -> Result<Identity, ChipError> {
    let id = open_session(apdus, profile)?;
    if s::pin_needed_to_write(profile, files.iter().map(|(i, _)| &profile.files[*i])) {
        s::verify(apdus, profile)?;
    }
    let reselect = profile.transfer.reselect_after_create;
    s::select_application(apdus, profile, reselect)?;
    for (i, bytes) in files {
        let spec = &profile.files[*i];
        s::prepare_ef(apdus, spec, bytes.len(), reselect)?;
        s::update_binary(apdus, spec.fid, bytes)?;
        // Verification while the EF is current: read back and compare by hash.
        let back = s::read_binary(apdus, spec.fid, bytes.len())?;
        if sha256(&back) != sha256(bytes) {
            return Err(ChipError::VerifyMismatch {
                fid: format!("{:04X}", spec.fid),
            });
        }
    }
    if profile.activate == Activate::Files {
        for (i, _) in files {
            let spec = &profile.files[*i];
            s::select_ef(apdus, spec.fid)?;
            s::activate_current(apdus, &format!("{:04X}", spec.fid))?;
        }
        s::select_application(apdus, profile, true)?;
        s::activate_current(apdus, &format!("DF {:04X}", profile.application.fid))?;
    }
    Ok(id)
}

/// Writes `content` to the card as `profile` says, then reads every file back and compares.
/// A reset by someone else restarts the whole (idempotent) sequence once; so does a reader
/// that fails the first extended APDU, then with short APDUs.
pub fn encode(
    channel: &mut dyn CardChannel,
    profile: &Profile,
    content: &ChipContent,
) -> Result<EncodeReport, ChipError> {
    let files = plan(profile, content)?;
    let transfer = s::plan_transfer(profile, &channel.atr(), &channel.caps());
    tracing::debug!(
        extended = transfer.extended,
        chunk = transfer.chunk,
        reason = transfer.reason,
        "transfer plan"
    );
    let reader = channel.reader_name();
    let mut apdus = Apdus::with_plan(channel, &transfer);
    let (id, restarts) = with_restarts(&mut apdus, |a| encode_once(a, profile, &files))?;
    let entries = Integrity::over(
        &files
            .iter()
            .map(|(i, b)| {
                (
                    profile.files[*i].fid,
                    profile.files[*i].content,
                    b.as_slice(),
                )
            })
            .collect::<Vec<_>>(),
        None,
    )
    .entries;
    Ok(EncodeReport {
        profile: profile.name.clone(),
        reader,
        atr: hex::encode_upper(&id.atr),
        uid: id.uid.map(hex::encode_upper),
        card_serial: id.serial.map(hex::encode_upper),
        extended: apdus.extended(),
        extended_fallback: apdus.fell_back(),
        chunk_size: apdus.chunk(),
        files: entries,
        apdus: apdus.stats(),
        restarts,
    })
}

/// Reads a card written with `profile` and decodes it. Lengths come from the integrity file
/// when there is one (then every file is checked against it), else from each file's FCP.
/// VERIFY only when a file's read condition asks for the PIN: reading a card whose files are
/// readable always needs no PIN and spends no try.
pub fn read_card(
    channel: &mut dyn CardChannel,
    profile: &Profile,
) -> Result<CardReadout, ChipError> {
    let transfer = s::plan_transfer(profile, &channel.atr(), &channel.caps());
    let reader = channel.reader_name();
    let mut apdus = Apdus::with_plan(channel, &transfer);
    let ((id, content, integrity), _) = with_restarts(&mut apdus, |a| read_once(a, profile))?;
    Ok(CardReadout {
        reader,
        atr: hex::encode_upper(&id.atr),
        uid: id.uid.map(hex::encode_upper),
        card_serial: id.serial.map(hex::encode_upper),
        content,
        integrity,
        apdus: apdus.stats(),
    })
}

type Readout = (Identity, ChipContent, Option<Integrity>);

fn read_once(apdus: &mut Apdus, profile: &Profile) -> Result<Readout, ChipError> {
    let id = open_session(apdus, profile)?;
    if s::pin_needed_to_read(profile) {
        s::verify(apdus, profile)?;
    }
    let app_step = format!("SELECT DF {:04X}", profile.application.fid);
    let no_create = Profile {
        application: super::profile::Application {
            create: false,
            ..profile.application.clone()
        },
        ..profile.clone()
    };
    s::select_application(apdus, &no_create, true).map_err(|e| match e {
        ChipError::Refused {
            sw: StatusWord::FileNotFound,
            ..
        } => ChipError::Decode(format!("{app_step}: card not personalised")),
        e => e,
    })?;
    let integrity = read_integrity(apdus, profile)?;
    let mut content = ChipContent::default();
    let mut read = Vec::new();
    for spec in profile
        .files
        .iter()
        .filter(|f| f.content != ContentSource::Integrity)
    {
        let entry = integrity
            .as_ref()
            .and_then(|i| i.entries.iter().find(|e| e.fid == spec.fid));
        if integrity.is_some() && entry.is_none() {
            continue; // not written on this card (optional content absent)
        }
        let Some(bytes) = read_file(apdus, spec, entry.map(|e| e.length))? else {
            continue;
        };
        match spec.content {
            ContentSource::PersonalData => content.personal = ChipContent::decode_personal(&bytes)?,
            ContentSource::Photo => content.photo = Some(bytes.clone()),
            ContentSource::HolderSignature => content.holder_signature = Some(bytes.clone()),
            ContentSource::Integrity => {}
        }
        read.push((spec.fid, bytes));
    }
    if let Some(i) = &integrity {
        i.check(
            &read
                .iter()
                .map(|(f, b)| (*f, b.as_slice()))
                .collect::<Vec<_>>(),
        )?;
        content.server_signature = i.server_signature.clone();
    }
    Ok((id, content, integrity))
}

/// The integrity file of the current DF, when the profile has one and the card holds it.
fn read_integrity(apdus: &mut Apdus, profile: &Profile) -> Result<Option<Integrity>, ChipError> {
    let Some(spec) = profile
        .files
        .iter()
        .find(|f| f.content == ContentSource::Integrity)
    else {
        return Ok(None);
    };
    if s::select_ef(apdus, spec.fid)? != StatusWord::Ok {
        return Ok(None);
    }
    let len = s::ef_size(apdus, spec.fid)?.unwrap_or(0x7FFF);
    s::select_ef(apdus, spec.fid)?;
    let bytes = s::read_binary(apdus, spec.fid, len)?;
    Ok(Some(Integrity::from_bytes(&bytes)?))
}

/// One EF of the current DF: `len` bytes, or as many as its FCP says. `None` when an
/// optional file is absent.
fn read_file(
    apdus: &mut Apdus,
    spec: &super::profile::FileSpec,
    len: Option<usize>,
) -> Result<Option<Vec<u8>>, ChipError> {
    match s::select_ef(apdus, spec.fid)? {
        StatusWord::Ok => {}
        StatusWord::FileNotFound if spec.optional => return Ok(None),
        sw => {
            return Err(super::channel::refusal(
                &format!("SELECT EF {:04X}", spec.fid),
                sw,
            ))
        }
    }
    let len = match len {
        Some(l) => l,
        None => {
            let l = s::ef_size(apdus, spec.fid)?.unwrap_or(0x7FFF);
            s::select_ef(apdus, spec.fid)?;
            l
        }
    };
    Ok(Some(s::read_binary(apdus, spec.fid, len)?))
}
