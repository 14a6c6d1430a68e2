//! The card-channel boundary (bytes in, bytes out) and the one place where APDUs are exchanged:
//! [`Apdus`] frames commands, handles `61xx` (GET RESPONSE) and `6Cxx` (resend with the right
//! Le), counts APDUs and bytes, and logs headers and status words at trace level (never data).

use super::apdu::{Command, Response, StatusWord, SHORT_MAX_LE};
use super::error::ChipError;

/// What a channel (reader + card) can carry; unknown limits are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChannelCaps {
    /// Largest command APDU the reader accepts, when it says so.
    pub max_command: Option<usize>,
    /// Largest response APDU the reader accepts, when it says so.
    pub max_response: Option<usize>,
}

/// A connected card: moves APDU bytes, nothing more. Implemented by the PC/SC backend
/// ([`super::pcsc_backend::PcscChannel`]) and by in-process test channels.
pub trait CardChannel: Send {
    /// Sends one command APDU and returns the raw response (data + SW1 SW2). Must return within
    /// the channel's timeout ([`ChipError::Mute`]).
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, ChipError>;
    /// The card's ATR as seen at connection.
    fn atr(&self) -> Vec<u8>;
    /// Resets the card and reconnects (after [`ChipError::CardReset`] or to start clean). The
    /// card's selection and security state are lost: callers reselect.
    fn reconnect(&mut self) -> Result<(), ChipError>;
    /// The reader's name, for reports.
    fn reader_name(&self) -> String;
    /// Reader limits; default: nothing known.
    fn caps(&self) -> ChannelCaps {
        ChannelCaps::default()
    }
}

/// APDU traffic counters, for reports and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ApduStats {
    /// Command APDUs sent, including GET RESPONSE and resends.
    pub commands: u64,
    /// Bytes of command APDUs sent.
    pub bytes_sent: u64,
    /// Bytes of response APDUs received (data + SW).
    pub bytes_received: u64,
}

/// Exchanges APDUs over a channel; the only place that handles `61xx` / `6Cxx`.
pub struct Apdus<'c> {
    channel: &'c mut dyn CardChannel,
    allow_extended: bool,
    stats: ApduStats,
}

impl<'c> Apdus<'c> {
    /// Wraps a channel; `allow_extended` permits extended-length encoding.
    pub fn new(channel: &'c mut dyn CardChannel, allow_extended: bool) -> Self {
        Apdus {
            channel,
            allow_extended,
            stats: ApduStats::default(),
        }
    }

    /// The wrapped channel.
    pub fn channel(&mut self) -> &mut dyn CardChannel {
        self.channel
    }

    /// Whether extended APDUs are used.
    pub fn extended(&self) -> bool {
        self.allow_extended
    }

    /// Counters so far.
    pub fn stats(&self) -> ApduStats {
        self.stats
    }

    fn raw(&mut self, cmd: &Command) -> Result<Response, ChipError> {
        let bytes = cmd.to_bytes(self.allow_extended)?;
        // Headers, lengths and status words only: data may be a PIN, a NIK, a name or a photo.
        tracing::trace!(header = %hex::encode(&bytes[..4]), nc = cmd.data.len(), ne = ?cmd.le, "C-APDU");
        self.stats.commands += 1;
        self.stats.bytes_sent += bytes.len() as u64;
        let answer = self.channel.transmit(&bytes)?;
        self.stats.bytes_received += answer.len() as u64;
        if let Some(sw) = answer.len().checked_sub(2).and_then(|n| answer.get(n..)) {
            tracing::trace!(sw = %hex::encode(sw), nr = answer.len() - 2, "R-APDU");
        }
        Ok(Response::from_bytes(&answer)?)
    }

    /// Sends `cmd`; collects `61xx` continuations with GET RESPONSE and resends once on `6Cxx`.
    /// Returns the final response whatever its status word.
    pub fn send(&mut self, cmd: &Command) -> Result<Response, ChipError> {
        let mut resp = self.raw(cmd)?;
        if let StatusWord::WrongLe(n) = resp.sw {
            let le = if n == 0 { SHORT_MAX_LE } else { n as usize };
            resp = self.raw(&Command {
                le: Some(le),
                ..cmd.clone()
            })?;
        }
        let mut data = std::mem::take(&mut resp.data);
        // A card may chain many 61xx; bound it so a broken card cannot loop us forever.
        let mut rounds = 0;
        while let StatusWord::BytesRemaining(n) = resp.sw {
            rounds += 1;
            if rounds > 1024 {
                return Err(ChipError::Refused {
                    step: "GET RESPONSE".into(),
                    sw: resp.sw,
                });
            }
            let le = if n == 0 { SHORT_MAX_LE } else { n as usize };
            // GET RESPONSE keeps the logical channel of an interindustry class; 00 otherwise.
            let cla = if cmd.cla & 0x80 == 0 {
                cmd.cla & 0x03
            } else {
                0x00
            };
            resp = self.raw(&Command::new(cla, 0xC0, 0x00, 0x00).with_le(le))?;
            data.append(&mut resp.data);
        }
        Ok(Response { data, sw: resp.sw })
    }

    /// Sends `cmd` and requires 9000; any other status word becomes a typed error naming `step`.
    pub fn send_ok(&mut self, cmd: &Command, step: &str) -> Result<Vec<u8>, ChipError> {
        let resp = self.send(cmd)?;
        match resp.sw {
            StatusWord::Ok => Ok(resp.data),
            sw => Err(refusal(step, sw)),
        }
    }
}

/// Maps a refusal to the most specific error.
pub fn refusal(step: &str, sw: StatusWord) -> ChipError {
    match sw {
        StatusWord::NotEnoughMemory => ChipError::CardFull { step: step.into() },
        StatusWord::MemoryFailure => ChipError::MemoryFailure { step: step.into() },
        StatusWord::VerifyFailed(n) => ChipError::AccessDenied { retries_left: n },
        StatusWord::AuthBlocked => ChipError::PinBlocked,
        sw => ChipError::Refused {
            step: step.into(),
            sw,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scripted channel: each transmit must match the next expected command, or the test fails.
    struct Scripted(Vec<(Vec<u8>, Vec<u8>)>);

    impl CardChannel for Scripted {
        fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, ChipError> {
            assert!(!self.0.is_empty(), "unexpected APDU {}", hex::encode(apdu));
            let (want, answer) = self.0.remove(0);
            assert_eq!(hex::encode(apdu), hex::encode(want));
            Ok(answer)
        }
        fn atr(&self) -> Vec<u8> {
            vec![0x3B, 0x00]
        }
        fn reconnect(&mut self) -> Result<(), ChipError> {
            Ok(())
        }
        fn reader_name(&self) -> String {
            "scripted".into()
        }
    }

    #[test]
    fn get_response_chain_is_collected() {
        let mut ch = Scripted(vec![
            (vec![0x00, 0xB0, 0x00, 0x00, 0x00], vec![1, 2, 0x61, 0x03]),
            (
                vec![0x00, 0xC0, 0x00, 0x00, 0x03],
                vec![3, 4, 5, 0x90, 0x00],
            ),
        ]);
        let mut a = Apdus::new(&mut ch, false);
        let r = a.send(&Command::new(0, 0xB0, 0, 0).with_le(256)).unwrap();
        assert_eq!(r.data, [1, 2, 3, 4, 5]);
        assert_eq!(r.sw, StatusWord::Ok);
        assert_eq!(a.stats().commands, 2);
        assert!(ch.0.is_empty());
    }

    #[test]
    fn wrong_le_is_resent_once() {
        let mut ch = Scripted(vec![
            (vec![0x00, 0xB0, 0x00, 0x00, 0x10], vec![0x6C, 0x04]),
            (
                vec![0x00, 0xB0, 0x00, 0x00, 0x04],
                vec![9, 9, 9, 9, 0x90, 0x00],
            ),
        ]);
        let mut a = Apdus::new(&mut ch, false);
        let r = a
            .send_ok(&Command::new(0, 0xB0, 0, 0).with_le(16), "READ")
            .unwrap();
        assert_eq!(r, [9, 9, 9, 9]);
    }

    #[test]
    fn refusals_are_typed() {
        let mut ch = Scripted(vec![
            (vec![0x00, 0x20, 0x00, 0x81, 0x01, 0x31], vec![0x63, 0xC2]),
            (vec![0x00, 0xE0, 0x00, 0x00, 0x01, 0x62], vec![0x6A, 0x84]),
        ]);
        let mut a = Apdus::new(&mut ch, false);
        let e = a.send_ok(&Command::new(0, 0x20, 0, 0x81).with_data([0x31]), "VERIFY");
        assert_eq!(e, Err(ChipError::AccessDenied { retries_left: 2 }));
        let e = a.send_ok(&Command::new(0, 0xE0, 0, 0).with_data([0x62]), "CREATE");
        assert_eq!(
            e,
            Err(ChipError::CardFull {
                step: "CREATE".into()
            })
        );
    }
}
