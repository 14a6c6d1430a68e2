//! The class byte (ISO/IEC 7816-4 §5.4.1), logical channels (MANAGE CHANNEL, §11.1.2) and
//! GET RESPONSE (§11.7.1) on the channel its data belongs to.

use super::{sw, Action, CardState, Selection};
use crate::chip::apdu::{Command, Response, StatusWord as Sw};

/// Largest channel number a class byte can carry.
const MAX_CHANNEL: u8 = 19;

impl CardState {
    /// Checks the class byte; `Ok` gives the logical channel of the command.
    ///
    /// - `000x xxxx`: first interindustry values: b5 command chaining, b4-b3 secure messaging,
    ///   b2-b1 channel 0-3. `01xx xxxx`: further values: b6 secure messaging, b5 chaining,
    ///   b4-b1 channel 4-19. `001x xxxx` is reserved, `1xxx xxxx` proprietary and `FF` invalid.
    /// - This card has no secure messaging (`6882`), no command chaining (`6884`, its ATR says
    ///   so) and no proprietary class (`6E00`); a channel not opened by MANAGE CHANNEL or beyond
    ///   the card's number of channels gives `6881`.
    pub(super) fn check_class(&self, cla: u8) -> Result<usize, Action> {
        let (chaining, sm, channel) = match cla {
            0x00..=0x1F => (cla & 0x10 != 0, cla & 0x0C != 0, cla & 0x03),
            0x40..=0x7F => (cla & 0x10 != 0, cla & 0x20 != 0, 4 + (cla & 0x0F)),
            _ => return Err(sw(Sw::ClaNotSupported)),
        };
        if chaining {
            return Err(sw(Sw::ChainingNotSupported));
        }
        if sm {
            return Err(sw(Sw::SecureMessagingNotSupported));
        }
        let channel = channel as usize;
        if !self.channels.get(channel).is_some_and(Option::is_some) {
            return Err(sw(Sw::LogicalChannelNotSupported));
        }
        Ok(channel)
    }

    /// MANAGE CHANNEL. Open (`P1 = 00`): `P2 = 00` lets the card choose and answers the number
    /// (Le = 01 required), `P2 = 01..13` opens that number; the new channel selects the MF when
    /// opened from the basic channel, else what the opening channel has selected. Close
    /// (`P1 = 80`): `P2` names the channel, `00` the command's own; the basic channel stays.
    pub(super) fn manage_channel(&mut self, cmd: &Command) -> Action {
        if !cmd.data.is_empty() {
            return sw(Sw::WrongLength);
        }
        match (cmd.p1, cmd.p2) {
            (0x00, 0x00) => {
                if cmd.le != Some(1) {
                    return sw(Sw::WrongLength);
                }
                let Some(free) = (1..self.channels.len()).find(|&c| self.channels[c].is_none())
                else {
                    return sw(Sw::FunctionNotSupported);
                };
                self.open_channel(free);
                Action::Respond(Response::new(vec![free as u8], Sw::Ok).to_bytes())
            }
            (0x00, n) if n <= MAX_CHANNEL => {
                if cmd.le.is_some() {
                    return sw(Sw::WrongLength);
                }
                match self.channels.get(n as usize) {
                    None => sw(Sw::LogicalChannelNotSupported),
                    Some(Some(_)) => sw(Sw::IncorrectP1P2),
                    Some(None) => {
                        self.open_channel(n as usize);
                        sw(Sw::Ok)
                    }
                }
            }
            (0x80, n) if n <= MAX_CHANNEL => {
                if cmd.le.is_some() {
                    return sw(Sw::WrongLength);
                }
                let target = if n == 0 { self.active } else { n as usize };
                match self.channels.get(target) {
                    _ if target == 0 => sw(Sw::IncorrectP1P2),
                    Some(Some(_)) => {
                        self.channels[target] = None;
                        sw(Sw::Ok)
                    }
                    _ => sw(Sw::LogicalChannelNotSupported),
                }
            }
            _ => sw(Sw::IncorrectP1P2),
        }
    }

    fn open_channel(&mut self, n: usize) {
        let from = if self.active == 0 {
            Selection::default()
        } else {
            self.sel()
        };
        self.channels[n] = Some(from);
    }

    /// GET RESPONSE (`P1 P2 = 00 00`): the data a T=0 answer left pending, on the same logical
    /// channel only; anything else pending-less gives `6985`.
    pub(super) fn get_response(&mut self, cmd: &Command) -> Action {
        if cmd.p1 != 0 || cmd.p2 != 0 {
            self.pending = None;
            return sw(Sw::IncorrectP1P2);
        }
        let Some((channel, mut data)) = self.pending.take() else {
            return sw(Sw::ConditionsNotSatisfied);
        };
        if channel != self.active {
            return sw(Sw::ConditionsNotSatisfied);
        }
        let le = cmd.le.unwrap_or(256);
        let n = le.min(data.len());
        let rest = data.split_off(n);
        let status = match rest.len() {
            0 => Sw::Ok,
            r if r >= 256 => Sw::BytesRemaining(0),
            r => Sw::BytesRemaining(r as u8),
        };
        if !rest.is_empty() {
            self.pending = Some((channel, rest));
        }
        Action::Respond(Response::new(data, status).to_bytes())
    }
}
