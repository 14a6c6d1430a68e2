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
    /// Whether extended APDUs were used.
    pub extended: bool,
    /// Data bytes per UPDATE / READ BINARY.
    pub chunk_size: usize,
    /// Files written, with their lengths and hashes, in writing order.
    pub files: Vec<IntegrityEntry>,
    /// APDU counters (all attempts).
    pub apdus: ApduStats,
    /// Times the card was reset by someone else and the encoding restarted.
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

/// Card checks and identity; the first steps of every session.
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
    s::verify(apdus, profile)?;
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

fn encode_once(
    apdus: &mut Apdus,
    profile: &Profile,
    files: &[(usize, Vec<u8>)],
    chunk: usize,
) -> Result<Identity, ChipError> {
    let id = open_session(apdus, profile)?;
    let reselect = profile.transfer.reselect_after_create;
    s::select_application(apdus, profile, reselect)?;
    for (i, bytes) in files {
        let spec = &profile.files[*i];
        s::prepare_ef(apdus, spec, bytes.len(), reselect)?;
        s::update_binary(apdus, spec.fid, bytes, chunk)?;
        // Verification while the EF is current: read back and compare by hash.
        let back = s::read_binary(apdus, spec.fid, bytes.len(), chunk)?;
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
/// A reset by someone else restarts the whole (idempotent) sequence once.
pub fn encode(
    channel: &mut dyn CardChannel,
    profile: &Profile,
    content: &ChipContent,
) -> Result<EncodeReport, ChipError> {
    let files = plan(profile, content)?;
    let extended = s::use_extended(profile, &channel.atr());
    let chunk = s::chunk_size(profile, extended);
    let reader = channel.reader_name();
    let mut apdus = Apdus::new(channel, extended);
    let mut restarts = 0;
    let id = loop {
        match encode_once(&mut apdus, profile, &files, chunk) {
            Ok(id) => break id,
            Err(ChipError::CardReset) if restarts == 0 => {
                restarts += 1;
                tracing::warn!("card reset during encoding; reconnecting and starting again");
                apdus.channel().reconnect()?;
            }
            Err(e) => return Err(e),
        }
    };
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
        extended,
        chunk_size: chunk,
        files: entries,
        apdus: apdus.stats(),
        restarts,
    })
}

/// Reads a card written with `profile` and decodes it. Lengths come from the integrity file
/// when there is one (then every file is checked against it), else from each file's FCP.
pub fn read_card(
    channel: &mut dyn CardChannel,
    profile: &Profile,
) -> Result<CardReadout, ChipError> {
    let extended = s::use_extended(profile, &channel.atr());
    let chunk = s::chunk_size(profile, extended);
    let reader = channel.reader_name();
    let mut apdus = Apdus::new(channel, extended);
    let id = open_session(&mut apdus, profile)?;
    let app_step = format!("SELECT DF {:04X}", profile.application.fid);
    let no_create = Profile {
        application: super::profile::Application {
            create: false,
            ..profile.application.clone()
        },
        ..profile.clone()
    };
    s::select_application(&mut apdus, &no_create, true).map_err(|e| match e {
        ChipError::Refused {
            sw: StatusWord::FileNotFound,
            ..
        } => ChipError::Decode(format!("{app_step}: card not personalised")),
        e => e,
    })?;
    let mut integrity = None;
    if let Some(spec) = profile
        .files
        .iter()
        .find(|f| f.content == ContentSource::Integrity)
    {
        if s::select_ef(&mut apdus, spec.fid)? == StatusWord::Ok {
            let len = s::ef_size(&mut apdus, spec.fid)?.unwrap_or(0x7FFF);
            s::select_ef(&mut apdus, spec.fid)?;
            let bytes = s::read_binary(&mut apdus, spec.fid, len, chunk)?;
            integrity = Some(Integrity::from_bytes(&bytes)?);
        }
    }
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
        match s::select_ef(&mut apdus, spec.fid)? {
            StatusWord::Ok => {}
            StatusWord::FileNotFound if spec.optional => continue,
            sw => {
                return Err(super::channel::refusal(
                    &format!("SELECT EF {:04X}", spec.fid),
                    sw,
                ))
            }
        }
        let len = match entry {
            Some(e) => e.length,
            None => {
                let len = s::ef_size(&mut apdus, spec.fid)?.unwrap_or(0x7FFF);
                s::select_ef(&mut apdus, spec.fid)?;
                len
            }
        };
        let bytes = s::read_binary(&mut apdus, spec.fid, len, chunk)?;
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
