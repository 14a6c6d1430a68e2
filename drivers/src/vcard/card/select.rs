//! SELECT and the FCP it returns.

use super::{sw, Action, CardState, Selection};
use crate::chip::apdu::{Command, StatusWord as Sw};
use crate::chip::tlv;
use crate::vcard::fs::Kind;

impl CardState {
    pub(super) fn fcp(&self, i: usize) -> Vec<u8> {
        let Some(n) = self.fs.node(i) else {
            return Vec::new();
        };
        let mut v = Vec::new();
        match &n.kind {
            Kind::Ef { data } => {
                tlv::put(0x80, &(data.len() as u16).to_be_bytes(), &mut v);
                tlv::put(0x82, &[0x01], &mut v);
            }
            Kind::Df { .. } => tlv::put(0x82, &[0x38], &mut v),
        }
        tlv::put(0x83, &n.fid.to_be_bytes(), &mut v);
        if let Kind::Df { aid: Some(aid) } = &n.kind {
            tlv::put(0x84, aid, &mut v);
        }
        tlv::put(0x8A, &[n.lcs], &mut v);
        tlv::put(0x8C, &[0x03, n.update, n.read], &mut v);
        tlv::encode(0x62, &v)
    }

    fn fids(data: &[u8]) -> Option<Vec<u16>> {
        if data.len() % 2 != 0 {
            return None;
        }
        Some(
            data.chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect(),
        )
    }

    pub(super) fn select(&mut self, cmd: &Command) -> Action {
        let current_df = self.sel().df;
        let fid = || Self::fids(&cmd.data).filter(|f| f.len() == 1).map(|f| f[0]);
        let found = match cmd.p1 {
            0x00 if cmd.data.is_empty() => Some(0),
            0x00 => match fid() {
                Some(0x3F00) => Some(0),
                Some(f) => self
                    .fs
                    .child(current_df, f)
                    .or_else(|| {
                        (self.fs.node(current_df).map(|n| n.fid) == Some(f)).then_some(current_df)
                    })
                    .or_else(|| {
                        let parent = self.fs.node(current_df).and_then(|n| n.parent)?;
                        (self.fs.node(parent).map(|n| n.fid) == Some(f))
                            .then_some(parent)
                            .or_else(|| self.fs.child(parent, f))
                    }),
                None => return sw(Sw::WrongLength),
            },
            0x01 => match fid() {
                Some(f) => self.fs.child(current_df, f).filter(|&i| self.fs.is_df(i)),
                None => return sw(Sw::WrongLength),
            },
            0x02 => match fid() {
                Some(f) => self.fs.child(current_df, f).filter(|&i| !self.fs.is_df(i)),
                None => return sw(Sw::WrongLength),
            },
            0x03 => Some(self.fs.node(current_df).and_then(|n| n.parent).unwrap_or(0)),
            0x04 => self.fs.by_aid(&cmd.data),
            0x08 | 0x09 => match Self::fids(&cmd.data) {
                Some(mut path) if !path.is_empty() => {
                    let from = if cmd.p1 == 0x08 { 0 } else { current_df };
                    if cmd.p1 == 0x08 && path.first() == Some(&0x3F00) {
                        path.remove(0);
                    }
                    self.fs.by_path(from, &path)
                }
                _ => return sw(Sw::WrongLength),
            },
            _ => return sw(Sw::IncorrectP1P2),
        };
        let Some(i) = found else {
            return sw(Sw::FileNotFound);
        };
        if !matches!(cmd.p2 & 0xFC, 0x00 | 0x04 | 0x0C) {
            return sw(Sw::IncorrectP1P2);
        }
        self.set_sel(if self.fs.is_df(i) {
            Selection { df: i, ef: None }
        } else {
            Selection {
                df: self.fs.node(i).and_then(|n| n.parent).unwrap_or(0),
                ef: Some(i),
            }
        });
        if cmd.p2 & 0x0C == 0x0C {
            return sw(Sw::Ok);
        }
        let fcp = self.fcp(i);
        let case4 = !cmd.data.is_empty();
        self.answer(cmd, fcp, case4)
    }
}
