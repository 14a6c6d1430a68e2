//! Files: CREATE FILE (FCP), UPDATE / READ BINARY with offsets, ACTIVATE FILE, each checked
//! against the file's security conditions and life-cycle status.

use super::{sw, Action, CardState, Selection};
use crate::chip::apdu::{Command, Response, StatusWord as Sw};
use crate::chip::tlv;
use crate::vcard::fs::{CreateError, Kind, Node, LCS_ACTIVATED};

impl CardState {
    pub(super) fn create(&mut self, cmd: &Command) -> Action {
        if cmd.p1 != 0 || cmd.p2 != 0 {
            return sw(Sw::IncorrectP1P2);
        }
        if self.config.create_requires_pin && !self.pin_ok() {
            return sw(Sw::SecurityNotSatisfied);
        }
        let node = match parse_fcp(&cmd.data) {
            Ok(node) => node,
            Err(refusal) => return sw(refusal),
        };
        let is_df = matches!(node.kind, Kind::Df { .. });
        let current = self.sel();
        match self.fs.create(current.df, node) {
            Ok(i) => {
                self.set_sel(if is_df {
                    Selection { df: i, ef: None }
                } else {
                    Selection {
                        df: current.df,
                        ef: Some(i),
                    }
                });
                sw(Sw::Ok)
            }
            Err(CreateError::Exists) => sw(Sw::FileExists),
            Err(CreateError::NoMemory) => sw(Sw::NotEnoughMemory),
        }
    }

    /// The current EF, checked for access; `Err` is the refusal to answer.
    fn current_ef_for(&self, write: bool) -> Result<usize, Action> {
        let Some(i) = self.sel().ef else {
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

    pub(super) fn update(&mut self, cmd: &Command) -> Action {
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

    pub(super) fn read(&mut self, cmd: &Command) -> Action {
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
        let available = data.len() - offset;
        if le.min(available) > self.config.max_data().1 {
            return sw(Sw::WrongLength);
        }
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

    pub(super) fn activate(&mut self, cmd: &Command) -> Action {
        if cmd.p1 != 0 || cmd.p2 != 0 || !cmd.data.is_empty() {
            return sw(Sw::IncorrectP1P2);
        }
        if !self.pin_ok() {
            return sw(Sw::SecurityNotSatisfied);
        }
        let target = self.sel().ef.unwrap_or(self.sel().df);
        match self.fs.node_mut(target) {
            Some(n) => {
                n.lcs = LCS_ACTIVATED;
                sw(Sw::Ok)
            }
            None => sw(Sw::CommandNotAllowed),
        }
    }
}

/// The FCP template (`62`) of CREATE FILE as the node to create; `Err` is the refusal.
fn parse_fcp(data: &[u8]) -> Result<Node, Sw> {
    let Ok((outer, used)) = tlv::parse_one(data) else {
        return Err(Sw::IncorrectData);
    };
    if outer.tag != 0x62 || used != data.len() {
        return Err(Sw::IncorrectData);
    }
    let Ok(items) = tlv::parse_all(&outer.value) else {
        return Err(Sw::IncorrectData);
    };
    let get = |t| tlv::find(&items, t).map(|t| t.value.as_slice());
    let Some(fid) = get(0x83)
        .and_then(|v| <[u8; 2]>::try_from(v).ok())
        .map(u16::from_be_bytes)
    else {
        return Err(Sw::IncorrectData);
    };
    if matches!(fid, 0x3F00 | 0x3FFF | 0xFFFF) {
        return Err(Sw::IncorrectData);
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
                _ => return Err(Sw::IncorrectData),
            }
        }
        _ => return Err(Sw::FunctionNotSupported),
    };
    Ok(Node {
        fid,
        parent: None,
        kind,
        lcs,
        read,
        update,
    })
}
