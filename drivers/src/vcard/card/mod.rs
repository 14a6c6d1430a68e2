//! The virtual card's APDU engine: SELECT, CREATE FILE, UPDATE / READ BINARY, VERIFY,
//! ACTIVATE FILE, GET DATA, GET RESPONSE, MANAGE CHANNEL, answering like a real card (status
//! words, limits), and refusing what ISO/IEC 7816-4 does not allow (docs/chip.md lists the
//! choices where the standard leaves one).

use std::collections::{HashMap, HashSet};

use super::config::CardConfig;
use super::fs::FileSystem;
use crate::chip::apdu::{Command, Response, StatusWord as Sw};
use crate::chip::tlv;

mod channels;
mod files;
mod select;
#[cfg(test)]
mod tests;

/// What the card does with one APDU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Answer these bytes.
    Respond(Vec<u8>),
    /// Say nothing (mute fault).
    Mute,
    /// Leave the reader (removal fault).
    Remove,
    /// The link cannot carry the command (an extended APDU over T=0 or through a short-APDU
    /// reader): the exchange fails in transport and the card never sees the command.
    LinkFailure,
}

/// What is selected on one logical channel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Selection {
    df: usize,
    ef: Option<usize>,
}

/// Card state: the file system persists across resets; channels, selection and security do
/// not. The security status is card-wide (shared by all logical channels).
#[derive(Debug, Clone)]
pub struct CardState {
    /// Make-up and faults.
    pub config: CardConfig,
    /// Files.
    pub fs: FileSystem,
    /// Open logical channels (index = channel number) and what each has selected.
    channels: Vec<Option<Selection>>,
    /// Channel of the command being processed.
    active: usize,
    verified: HashSet<u8>,
    tries_left: HashMap<u8, u8>,
    /// Data waiting for GET RESPONSE (T=0), with the channel it belongs to.
    pending: Option<(usize, Vec<u8>)>,
    apdus_seen: usize,
    updates_seen: usize,
    resets: usize,
}

fn sw(s: Sw) -> Action {
    Action::Respond(s.to_u16().to_be_bytes().to_vec())
}

/// True for an extended-length encoding (ISO/IEC 7816-4 §5.1: a `00` byte after the header
/// followed by more bytes).
fn is_extended(bytes: &[u8]) -> bool {
    bytes.len() >= 7 && bytes[4] == 0
}

impl CardState {
    /// A blank card.
    pub fn new(config: CardConfig) -> Self {
        let memory = config.faults.memory_limit.unwrap_or(config.memory);
        let fs = FileSystem::new(memory, config.max_file_size);
        let tries = config
            .pin
            .as_ref()
            .map(|(r, _)| (*r, config.pin_tries))
            .into_iter()
            .collect();
        let mut card = CardState {
            config,
            fs,
            channels: Vec::new(),
            active: 0,
            verified: HashSet::new(),
            tries_left: tries,
            pending: None,
            apdus_seen: 0,
            updates_seen: 0,
            resets: 0,
        };
        card.close_all();
        card
    }

    fn close_all(&mut self) {
        let n = self.config.logical_channels.clamp(1, 20) as usize;
        self.channels = vec![None; n];
        self.channels[0] = Some(Selection::default());
        self.active = 0;
    }

    /// Power-on or reset: channels, selection and security state start again.
    pub fn reset(&mut self) {
        self.resets += 1;
        self.close_all();
        self.verified.clear();
        self.pending = None;
    }

    /// The ATR.
    pub fn atr(&self) -> Vec<u8> {
        self.config.effective_atr()
    }

    /// Power-ons and resets so far.
    pub fn resets(&self) -> usize {
        self.resets
    }

    /// APDUs received so far (including those the link refused).
    pub fn apdus_seen(&self) -> usize {
        self.apdus_seen
    }

    /// VERIFY tries left for a PIN reference (`None`: no such PIN).
    pub fn pin_tries_left(&self, reference: u8) -> Option<u8> {
        self.tries_left.get(&reference).copied()
    }

    fn sel(&self) -> Selection {
        self.channels
            .get(self.active)
            .copied()
            .flatten()
            .unwrap_or_default()
    }

    fn set_sel(&mut self, s: Selection) {
        if let Some(slot) = self.channels.get_mut(self.active) {
            *slot = Some(s);
        }
    }

    /// Handles one command APDU: the link first (what the reader can carry), then a
    /// contactless reader's own pseudo-APDUs, then the card: class byte, lengths, instruction.
    pub fn process(&mut self, bytes: &[u8]) -> Action {
        self.apdus_seen += 1;
        if let Some(n) = self.config.faults.mute_after {
            if self.apdus_seen > n {
                return Action::Mute;
            }
        }
        let extended = is_extended(bytes);
        if extended && (self.config.t0 || self.config.faults.reader_short) {
            return Action::LinkFailure;
        }
        let cmd = match Command::from_bytes(bytes) {
            Ok(c) => c,
            Err(_) => return sw(Sw::WrongLength),
        };
        if cmd.cla == 0xFF && self.config.uid.is_some() {
            return self.reader_pseudo_apdu(&cmd);
        }
        let channel = match self.check_class(cmd.cla) {
            Ok(c) => c,
            Err(refusal) => return refusal,
        };
        if (extended && !self.config.extended_length) || cmd.data.len() > self.config.max_data().0 {
            return sw(Sw::WrongLength);
        }
        self.active = channel;
        if cmd.ins != 0xC0 {
            self.pending = None;
        }
        match cmd.ins {
            0xA4 => self.select(&cmd),
            0xE0 => self.create(&cmd),
            0xD6 => self.update(&cmd),
            0xB0 => self.read(&cmd),
            0x20 => self.verify(&cmd),
            0x44 => self.activate(&cmd),
            0xCA => self.get_data(&cmd),
            0xC0 => self.get_response(&cmd),
            0x70 => self.manage_channel(&cmd),
            _ => sw(Sw::InsNotSupported),
        }
    }

    /// A contactless reader answers class `FF` itself (PC/SC part 3): GET DATA `FF CA 00 00`
    /// gives the UID (Le `00`: all of it; a shorter Le `6Cxx` with the length, a longer one the
    /// UID with `6282`); nothing else is offered.
    fn reader_pseudo_apdu(&mut self, cmd: &Command) -> Action {
        let Some(uid) = self.config.uid.clone() else {
            return sw(Sw::ClaNotSupported);
        };
        match (cmd.ins, cmd.p1, cmd.p2, cmd.le) {
            (0xCA, 0x00, 0x00, Some(256) | None) => {
                Action::Respond(Response::new(uid, Sw::Ok).to_bytes())
            }
            (0xCA, 0x00, 0x00, Some(le)) if le < uid.len() => sw(Sw::WrongLe(uid.len() as u8)),
            (0xCA, 0x00, 0x00, Some(le)) if le > uid.len() => {
                Action::Respond(Response::new(uid, Sw::EndOfFile).to_bytes())
            }
            (0xCA, 0x00, 0x00, Some(_)) => Action::Respond(Response::new(uid, Sw::Ok).to_bytes()),
            (0xCA, _, _, _) => sw(Sw::IncorrectP1P2),
            _ => sw(Sw::FunctionNotSupported),
        }
    }

    /// Data answer, with T=0 rules when configured: a case-4 answer waits for GET RESPONSE,
    /// a Le that differs from the data length gets `6Cxx`. Ne larger than the data is fine
    /// (the card sends what it has); more data than the card's buffer gives `6700`.
    fn answer(&mut self, cmd: &Command, data: Vec<u8>, case4: bool) -> Action {
        let le = cmd.le.unwrap_or(0);
        if data.len().min(cmd.le.unwrap_or(usize::MAX)) > self.config.max_data().1 {
            return sw(Sw::WrongLength);
        }
        if self.config.t0 {
            if case4 || cmd.le.is_none() {
                let n = data.len();
                self.pending = Some((self.active, data));
                return sw(Sw::BytesRemaining(if n >= 256 { 0 } else { n as u8 }));
            }
            if le != data.len() && data.len() < 256 {
                return sw(Sw::WrongLe(data.len() as u8));
            }
        }
        let n = data.len().min(if le == 0 { data.len() } else { le });
        Action::Respond(Response::new(data[..n].to_vec(), Sw::Ok).to_bytes())
    }

    fn pin_ok(&self) -> bool {
        self.config
            .pin
            .as_ref()
            .is_none_or(|(r, _)| self.verified.contains(r))
    }

    fn allowed(&self, condition: u8) -> bool {
        match condition {
            0x00 => true,
            0xFF => false,
            _ => self.pin_ok(),
        }
    }

    /// VERIFY (ISO/IEC 7816-4 §11.5.6): `63CX` with the tries left after a wrong PIN (`63C0`
    /// on the last one), `6983` once blocked; no data asks the state (`9000` when verified,
    /// else `63CX`).
    fn verify(&mut self, cmd: &Command) -> Action {
        let Some((reference, pin)) = self.config.pin.clone() else {
            return sw(Sw::DataNotFound);
        };
        if cmd.p1 != 0 {
            return sw(Sw::IncorrectP1P2);
        }
        if cmd.p2 != reference {
            return sw(Sw::DataNotFound);
        }
        let tries = self.tries_left.get(&reference).copied().unwrap_or(0);
        if tries == 0 {
            return sw(Sw::AuthBlocked);
        }
        if cmd.data.is_empty() {
            return sw(if self.verified.contains(&reference) {
                Sw::Ok
            } else {
                Sw::VerifyFailed(tries)
            });
        }
        if cmd.data == pin {
            self.tries_left.insert(reference, self.config.pin_tries);
            self.verified.insert(reference);
            sw(Sw::Ok)
        } else {
            let left = tries - 1;
            self.tries_left.insert(reference, left);
            self.verified.remove(&reference);
            sw(Sw::VerifyFailed(left))
        }
    }

    fn get_data(&mut self, cmd: &Command) -> Action {
        match (cmd.p1, cmd.p2, self.config.serial.clone()) {
            (0x00, 0x5A, Some(serial)) => self.answer(cmd, tlv::encode(0x5A, &serial), false),
            _ => sw(Sw::DataNotFound),
        }
    }
}
