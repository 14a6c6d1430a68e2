//! The virtual card's APDU engine: SELECT, CREATE FILE, UPDATE / READ BINARY, VERIFY,
//! ACTIVATE FILE, GET DATA, GET RESPONSE, answering like a real card (status words, limits).

use std::collections::{HashMap, HashSet};

use super::config::CardConfig;
use super::fs::{CreateError, FileSystem, Kind, Node, LCS_ACTIVATED};
use crate::chip::apdu::{Command, Response, StatusWord as Sw};
use crate::chip::tlv;

mod select;

/// What the card does with one APDU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Answer these bytes.
    Respond(Vec<u8>),
    /// Say nothing (mute fault).
    Mute,
    /// Leave the reader (removal fault).
    Remove,
}

/// Card state: the file system persists across resets; selection and security do not.
#[derive(Debug, Clone)]
pub struct CardState {
    /// Make-up and faults.
    pub config: CardConfig,
    /// Files.
    pub fs: FileSystem,
    current_df: usize,
    current_ef: Option<usize>,
    verified: HashSet<u8>,
    tries_left: HashMap<u8, u8>,
    pending: Vec<u8>,
    apdus_seen: usize,
    updates_seen: usize,
    resets: usize,
}

fn sw(s: Sw) -> Action {
    Action::Respond(s.to_u16().to_be_bytes().to_vec())
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
        CardState {
            config,
            fs,
            current_df: 0,
            current_ef: None,
            verified: HashSet::new(),
            tries_left: tries,
            pending: Vec::new(),
            apdus_seen: 0,
            updates_seen: 0,
            resets: 0,
        }
    }

    /// Power-on or reset: selection and security state start again.
    pub fn reset(&mut self) {
        self.resets += 1;
        self.current_df = 0;
        self.current_ef = None;
        self.verified.clear();
        self.pending.clear();
    }

    /// The ATR.
    pub fn atr(&self) -> Vec<u8> {
        self.config.effective_atr()
    }

    /// Power-ons and resets so far.
    pub fn resets(&self) -> usize {
        self.resets
    }

    /// APDUs received so far.
    pub fn apdus_seen(&self) -> usize {
        self.apdus_seen
    }

    /// Handles one command APDU.
    pub fn process(&mut self, bytes: &[u8]) -> Action {
        self.apdus_seen += 1;
        if let Some(n) = self.config.faults.mute_after {
            if self.apdus_seen > n {
                return Action::Mute;
            }
        }
        let extended = bytes.len() > 5 && bytes[4] == 0;
        let cmd = match Command::from_bytes(bytes) {
            Ok(c) => c,
            Err(_) => return sw(Sw::WrongLength),
        };
        if extended && !self.config.extended_length {
            return sw(Sw::WrongLength);
        }
        if cmd.data.len() > self.config.max_command_data {
            return sw(Sw::WrongLength);
        }
        if cmd.ins != 0xC0 {
            self.pending.clear();
        }
        if cmd.cla == 0xFF {
            return match (cmd.ins, &self.config.uid) {
                (0xCA, Some(uid)) if cmd.p1 == 0 => self.answer(&cmd, uid.clone(), false),
                (0xCA, Some(_)) => sw(Sw::IncorrectP1P2),
                _ => sw(Sw::ClaNotSupported),
            };
        }
        if cmd.cla & 0xF0 != 0x00 {
            return sw(Sw::ClaNotSupported);
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
            _ => sw(Sw::InsNotSupported),
        }
    }

    /// Data answer, with T=0 rules when configured: a case-4 answer waits for GET RESPONSE,
    /// a Le that differs from the data length gets `6Cxx`.
    fn answer(&mut self, cmd: &Command, data: Vec<u8>, case4: bool) -> Action {
        let le = cmd.le.unwrap_or(0);
        if self.config.t0 {
            if case4 || cmd.le.is_none() {
                let n = data.len();
                self.pending = data;
                return sw(Sw::BytesRemaining(if n >= 256 { 0 } else { n as u8 }));
            }
            if le != data.len() && data.len() < 256 {
                return sw(Sw::WrongLe(data.len() as u8));
            }
        }
        if le > self.config.max_response_data {
            return sw(Sw::WrongLength);
        }
        let n = data.len().min(if le == 0 { data.len() } else { le });
        Action::Respond(Response::new(data[..n].to_vec(), Sw::Ok).to_bytes())
    }

    fn get_response(&mut self, cmd: &Command) -> Action {
        if self.pending.is_empty() {
            return sw(Sw::ConditionsNotSatisfied);
        }
        let le = cmd.le.unwrap_or(256);
        let n = le.min(self.pending.len());
        let data: Vec<u8> = self.pending.drain(..n).collect();
        let status = match self.pending.len() {
            0 => Sw::Ok,
            r if r >= 256 => Sw::BytesRemaining(0),
            r => Sw::BytesRemaining(r as u8),
        };
        Action::Respond(Response::new(data, status).to_bytes())
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

    fn create(&mut self, cmd: &Command) -> Action {
        if cmd.p1 != 0 || cmd.p2 != 0 {
            return sw(Sw::IncorrectP1P2);
        }
        if self.config.create_requires_pin && !self.pin_ok() {
            return sw(Sw::SecurityNotSatisfied);
        }
        let Ok((outer, used)) = tlv::parse_one(&cmd.data) else {
            return sw(Sw::IncorrectData);
        };
        if outer.tag != 0x62 || used != cmd.data.len() {
            return sw(Sw::IncorrectData);
        }
        let Ok(items) = tlv::parse_all(&outer.value) else {
            return sw(Sw::IncorrectData);
        };
        let get = |t| tlv::find(&items, t).map(|t| t.value.as_slice());
        let Some(fid) = get(0x83)
            .and_then(|v| <[u8; 2]>::try_from(v).ok())
            .map(u16::from_be_bytes)
        else {
            return sw(Sw::IncorrectData);
        };
        if matches!(fid, 0x3F00 | 0x3FFF | 0xFFFF) {
            return sw(Sw::IncorrectData);
        }
        let (read, update) = match get(0x8C) {
            Some([am, rest @ ..]) => {
                // SC bytes follow in the order of the AM bits set, highest first.
                let mut scs = rest.iter();
                let update = if am & 0x02 != 0 {
                    scs.next().copied().unwrap_or(0)
                } else {
                    0
                };
                let read = if am & 0x01 != 0 {
                    scs.next().copied().unwrap_or(0)
                } else {
                    0
                };
                (read, update)
            }
            _ => (0x00, 0x00),
        };
        let lcs = get(0x8A)
            .and_then(|v| v.first().copied())
            .unwrap_or(LCS_ACTIVATED);
        let kind = match get(0x82).and_then(|v| v.first().copied()) {
            Some(0x38) => Kind::Df {
                aid: get(0x84).map(<[u8]>::to_vec),
            },
            Some(0x01) => {
                let size = get(0x80)
                    .or_else(|| get(0x81))
                    .filter(|v| !v.is_empty() && v.len() <= 4)
                    .map(|v| v.iter().fold(0usize, |a, &b| (a << 8) | b as usize));
                match size {
                    Some(s) if s > 0 => Kind::Ef { data: vec![0; s] },
                    _ => return sw(Sw::IncorrectData),
                }
            }
            _ => return sw(Sw::FunctionNotSupported),
        };
        let is_df = matches!(kind, Kind::Df { .. });
        let node = Node {
            fid,
            parent: None,
            kind,
            lcs,
            read,
            update,
        };
        match self.fs.create(self.current_df, node) {
            Ok(i) => {
                if is_df {
                    self.current_df = i;
                    self.current_ef = None;
                } else {
                    self.current_ef = Some(i);
                }
                sw(Sw::Ok)
            }
            Err(CreateError::Exists) => sw(Sw::FileExists),
            Err(CreateError::NoMemory) => sw(Sw::NotEnoughMemory),
        }
    }

    /// The current EF, checked for access; `Err` is the refusal to answer.
    fn current_ef_for(&self, write: bool) -> Result<usize, Action> {
        let Some(i) = self.current_ef else {
            return Err(sw(Sw::CommandNotAllowed));
        };
        let Some(n) = self.fs.node(i) else {
            return Err(sw(Sw::CommandNotAllowed));
        };
        if !self.allowed(if write { n.update } else { n.read }) {
            return Err(sw(Sw::SecurityNotSatisfied));
        }
        if matches!(n.lcs, 0x04 | 0x06) || n.lcs >= 0x0C {
            return Err(sw(Sw::ConditionsNotSatisfied));
        }
        Ok(i)
    }

    fn update(&mut self, cmd: &Command) -> Action {
        if cmd.p1 & 0x80 != 0 {
            return sw(Sw::FunctionNotSupported);
        }
        let i = match self.current_ef_for(true) {
            Ok(i) => i,
            Err(a) => return a,
        };
        self.updates_seen += 1;
        if self.config.faults.remove_on_update == Some(self.updates_seen) {
            return Action::Remove;
        }
        let offset = ((cmd.p1 as usize) << 8) | cmd.p2 as usize;
        let faults = self.config.faults.clone();
        let Some(Node {
            kind: Kind::Ef { data },
            ..
        }) = self.fs.node_mut(i)
        else {
            return sw(Sw::CommandNotAllowed);
        };
        if offset >= data.len() {
            return sw(Sw::OffsetOutsideFile);
        }
        if offset + cmd.data.len() > data.len() {
            return sw(Sw::NotEnoughMemory);
        }
        if let Some(bad) = faults.write_error_at {
            if (offset..offset + cmd.data.len()).contains(&bad) {
                data[offset..bad].copy_from_slice(&cmd.data[..bad - offset]);
                return sw(Sw::MemoryFailure);
            }
        }
        data[offset..offset + cmd.data.len()].copy_from_slice(&cmd.data);
        if let Some(c) = faults.corrupt_at {
            if (offset..offset + cmd.data.len()).contains(&c) {
                data[c] ^= 0x01;
            }
        }
        sw(Sw::Ok)
    }

    fn read(&mut self, cmd: &Command) -> Action {
        if cmd.p1 & 0x80 != 0 {
            return sw(Sw::FunctionNotSupported);
        }
        let i = match self.current_ef_for(false) {
            Ok(i) => i,
            Err(a) => return a,
        };
        let offset = ((cmd.p1 as usize) << 8) | cmd.p2 as usize;
        let Some(Node {
            kind: Kind::Ef { data },
            ..
        }) = self.fs.node(i)
        else {
            return sw(Sw::CommandNotAllowed);
        };
        if offset >= data.len() {
            return sw(Sw::OffsetOutsideFile);
        }
        let le = cmd.le.unwrap_or(256);
        if le > self.config.max_response_data {
            return sw(Sw::WrongLength);
        }
        let available = data.len() - offset;
        if le <= available {
            return Action::Respond(
                Response::new(data[offset..offset + le].to_vec(), Sw::Ok).to_bytes(),
            );
        }
        if self.config.t0 {
            return sw(Sw::WrongLe(if available >= 256 {
                0
            } else {
                available as u8
            }));
        }
        Action::Respond(Response::new(data[offset..].to_vec(), Sw::EndOfFile).to_bytes())
    }

    fn verify(&mut self, cmd: &Command) -> Action {
        let Some((reference, pin)) = self.config.pin.clone() else {
            return sw(Sw::DataNotFound);
        };
        if cmd.p1 != 0 || cmd.p2 != reference {
            return sw(if cmd.p1 != 0 {
                Sw::IncorrectP1P2
            } else {
                Sw::DataNotFound
            });
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
            sw(if left == 0 {
                Sw::AuthBlocked
            } else {
                Sw::VerifyFailed(left)
            })
        }
    }

    fn activate(&mut self, cmd: &Command) -> Action {
        if cmd.p1 != 0 || cmd.p2 != 0 || !cmd.data.is_empty() {
            return sw(Sw::IncorrectP1P2);
        }
        if !self.pin_ok() {
            return sw(Sw::SecurityNotSatisfied);
        }
        let target = self.current_ef.unwrap_or(self.current_df);
        match self.fs.node_mut(target) {
            Some(n) => {
                n.lcs = LCS_ACTIVATED;
                sw(Sw::Ok)
            }
            None => sw(Sw::CommandNotAllowed),
        }
    }

    fn get_data(&mut self, cmd: &Command) -> Action {
        match (cmd.p1, cmd.p2, self.config.serial.clone()) {
            (0x00, 0x5A, Some(serial)) => self.answer(cmd, tlv::encode(0x5A, &serial), false),
            _ => sw(Sw::DataNotFound),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(card: &mut CardState, apdu: &str) -> String {
        match card.process(&hex::decode(apdu.replace(' ', "")).unwrap()) {
            Action::Respond(b) => hex::encode_upper(b),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn verify_counts_down_and_blocks() {
        let mut c = CardState::new(CardConfig::cetak().with_pin(0x01, b"1234".to_vec()));
        assert_eq!(run(&mut c, "00 20 00 01"), "63C3");
        assert_eq!(run(&mut c, "00 20 00 01 04 31313131"), "63C2");
        assert_eq!(run(&mut c, "00 20 00 01 04 31323334"), "9000");
        assert_eq!(run(&mut c, "00 20 00 01"), "9000");
        c.reset();
        for left in ["63C2", "63C1", "6983"] {
            assert_eq!(run(&mut c, "00 20 00 01 04 39393939"), left);
        }
        assert_eq!(
            run(&mut c, "00 20 00 01 04 31323334"),
            "6983",
            "blocked stays blocked"
        );
        assert_eq!(run(&mut c, "00 20 00 02 04 31323334"), "6A88");
    }

    #[test]
    fn files_need_the_pin_and_respect_their_size() {
        let mut c = CardState::new(CardConfig::cetak().with_pin(0x01, b"1234".to_vec()));
        // 62 { 80 0010, 82 01, 83 5001, 8C 03 10 00 }: 16 bytes, update after PIN, read always.
        let create = "00 E0 00 00 12 62 10 80 02 00 10 82 01 01 83 02 50 01 8C 03 03 10 00";
        assert_eq!(run(&mut c, create), "6982");
        assert_eq!(run(&mut c, "00 20 00 01 04 31323334"), "9000");
        assert_eq!(run(&mut c, create), "9000");
        assert_eq!(run(&mut c, create), "6A89");
        assert_eq!(run(&mut c, "00 D6 00 0E 03 AABBCC"), "6A84");
        assert_eq!(run(&mut c, "00 D6 00 20 01 AA"), "6B00");
        assert_eq!(run(&mut c, "00 D6 00 00 02 AABB"), "9000");
        c.reset();
        assert_eq!(run(&mut c, "00 A4 02 0C 02 5001"), "9000");
        assert_eq!(
            run(&mut c, "00 D6 00 00 01 CC"),
            "6982",
            "update needs the PIN again after reset"
        );
        assert_eq!(run(&mut c, "00 B0 00 00 02"), "AABB9000");
        assert_eq!(run(&mut c, "00 B0 00 0E 04"), "00006282");
        assert_eq!(run(&mut c, "00 A4 02 0C 02 5009"), "6A82");
        assert_eq!(run(&mut c, "00 99 00 00"), "6D00");
        assert_eq!(run(&mut c, "80 A4 00 00"), "6E00");
    }

    #[test]
    fn generic_card_answers_like_t0() {
        let mut c = CardState::new(CardConfig::generic());
        assert_eq!(
            run(&mut c, "FF CA 00 00 00"),
            "6E00",
            "no UID from a contact reader"
        );
        assert_eq!(run(&mut c, "00 A4 00 04 02 3F00 00"), "6111");
        assert!(run(&mut c, "00 C0 00 00 11").starts_with("620F"));
        assert_eq!(
            run(&mut c, "00 C0 00 00 11"),
            "6985",
            "nothing pending any more"
        );
        let ext = format!("00 D6 00 00 00 00 81 {}", "00".repeat(0x81));
        assert_eq!(run(&mut c, &ext), "6700", "no extended length");
    }
}
