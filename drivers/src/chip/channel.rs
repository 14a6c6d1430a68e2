//! The card-channel boundary (bytes in, bytes out) and the one place where APDUs are exchanged:
//! [`Apdus`] frames commands, handles `61xx` (GET RESPONSE) and `6Cxx` (resend with the right
//! Le), keeps the transfer plan (short or extended, chunk size, the fallback to short APDUs),
//! counts APDUs and bytes, and logs headers and status words at trace level (never data).

use super::apdu::{Command, Response, StatusWord, SHORT_MAX_LE};
use super::error::ChipError;

/// Smallest chunk the adaptive chunking falls back to after `6700`.
pub const MIN_CHUNK: usize = 16;

/// The transmission protocol the reader negotiated with the card (ISO/IEC 7816-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Protocol {
    /// T=0, character protocol: carries short APDUs only (an extended command would need
    /// ENVELOPE, ISO/IEC 7816-3 §12.2, which cetak does not use).
    T0,
    /// T=1, block protocol (contactless readers report T=1 too): carries extended APDUs.
    T1,
    /// Raw or another protocol.
    Other,
}

/// What a channel (reader + card) can carry; unknown limits are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChannelCaps {
    /// Protocol negotiated at connection.
    pub protocol: Option<Protocol>,
    /// Largest command the reader takes in one message (`SCARD_ATTR_MAXINPUT`), when it says.
    pub max_command: Option<usize>,
    /// Largest APDU data field the reader carries (PC/SC part 10 `dwMaxAPDUDataSize`; `0`
    /// means short APDUs only), when it says.
    pub max_apdu_data: Option<usize>,
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
    /// Protocol and reader limits; default: nothing known.
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

/// How data moves for one card: short or extended APDUs and the data bytes per UPDATE / READ
/// BINARY. Chosen by [`super::session::plan_transfer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferPlan {
    /// Use extended-length APDUs.
    pub extended: bool,
    /// Data bytes per UPDATE / READ BINARY to start with.
    pub chunk: usize,
    /// Chunk for short APDUs (after a fallback, or the first step down after `6700`).
    pub short_chunk: usize,
    /// A transport failure on the first extended APDU switches to short APDUs
    /// ([`ChipError::ExtendedUnsupported`]) instead of failing the card.
    pub fallback: bool,
    /// Why this plan, for logs and reports.
    pub reason: &'static str,
}

impl TransferPlan {
    /// Short APDUs with `chunk` data bytes.
    pub fn short(chunk: usize, reason: &'static str) -> Self {
        TransferPlan {
            extended: false,
            chunk,
            short_chunk: chunk,
            fallback: false,
            reason,
        }
    }
}

/// Exchanges APDUs over a channel; the only place that handles `61xx` / `6Cxx`.
pub struct Apdus<'c> {
    channel: &'c mut dyn CardChannel,
    allow_extended: bool,
    chunk: usize,
    short_chunk: usize,
    fallback_armed: bool,
    fell_back: bool,
    stats: ApduStats,
}

impl<'c> Apdus<'c> {
    /// Wraps a channel; `allow_extended` permits extended-length encoding (no fallback; chunks
    /// of [`super::apdu::SHORT_MAX_DATA`]).
    pub fn new(channel: &'c mut dyn CardChannel, allow_extended: bool) -> Self {
        let short = super::apdu::SHORT_MAX_DATA;
        let mut plan = TransferPlan::short(short, "caller");
        plan.extended = allow_extended;
        Apdus::with_plan(channel, &plan)
    }

    /// Wraps a channel with a transfer plan.
    pub fn with_plan(channel: &'c mut dyn CardChannel, plan: &TransferPlan) -> Self {
        Apdus {
            channel,
            allow_extended: plan.extended,
            chunk: plan.chunk.max(1),
            short_chunk: plan.short_chunk.max(1),
            fallback_armed: plan.extended && plan.fallback,
            fell_back: false,
            stats: ApduStats::default(),
        }
    }

    /// The wrapped channel.
    pub fn channel(&mut self) -> &mut dyn CardChannel {
        self.channel
    }

    /// Whether extended APDUs are used (now: false after a fallback).
    pub fn extended(&self) -> bool {
        self.allow_extended
    }

    /// True once a transport failure on an extended APDU switched to short APDUs.
    pub fn fell_back(&self) -> bool {
        self.fell_back
    }

    /// Data bytes per UPDATE / READ BINARY now.
    pub fn chunk(&self) -> usize {
        self.chunk
    }

    /// After `6700` on a data command: an extended chunk steps down to the short chunk (a card
    /// refusing a long command most often has a short-APDU buffer), a short one halves, down
    /// to [`MIN_CHUNK`]. Remembered for the rest of the card. False when already at the minimum.
    pub fn shrink_chunk(&mut self) -> bool {
        let next = if self.chunk > self.short_chunk {
            self.short_chunk
        } else {
            (self.chunk / 2).max(MIN_CHUNK)
        };
        if next >= self.chunk {
            return false;
        }
        tracing::debug!(
            from = self.chunk,
            to = next,
            "card refused the length; smaller chunks"
        );
        self.chunk = next;
        true
    }

    /// Counters so far.
    pub fn stats(&self) -> ApduStats {
        self.stats
    }

    fn raw(&mut self, cmd: &Command) -> Result<Response, ChipError> {
        let bytes = cmd.to_bytes(self.allow_extended)?;
        let extended = cmd.needs_extended();
        // Headers, lengths and status words only: data may be a PIN, a NIK, a name or a photo.
        tracing::trace!(header = %hex::encode(&bytes[..4]), nc = cmd.data.len(), ne = ?cmd.le, "C-APDU");
        self.stats.commands += 1;
        self.stats.bytes_sent += bytes.len() as u64;
        let answer = match self.channel.transmit(&bytes) {
            Ok(a) => a,
            Err(ChipError::Transport(m)) if extended && self.fallback_armed => {
                tracing::warn!(error = %m, "the reader failed an extended-length APDU; using short APDUs");
                self.allow_extended = false;
                self.fallback_armed = false;
                self.fell_back = true;
                self.chunk = self.short_chunk;
                return Err(ChipError::ExtendedUnsupported(m));
            }
            Err(e) => return Err(e),
        };
        if extended {
            // The reader carried one: later failures are failures, not a missing capability.
            self.fallback_armed = false;
        }
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
        let cla = get_response_cla(cmd.cla);
        while let StatusWord::BytesRemaining(n) = resp.sw {
            rounds += 1;
            if rounds > 1024 {
                return Err(ChipError::Refused {
                    step: "GET RESPONSE".into(),
                    sw: resp.sw,
                });
            }
            let le = if n == 0 { SHORT_MAX_LE } else { n as usize };
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

/// The class byte of the GET RESPONSE that fetches the rest of an answer to a command sent
/// with `cla` (ISO/IEC 7816-4 §5.4.1): an interindustry class (`000x xxxx`, `01xx xxxx`) keeps
/// its logical channel and secure-messaging bits and drops the command-chaining bit (b5);
/// any other class (proprietary, reserved) gets the basic interindustry class `00`.
pub fn get_response_cla(cla: u8) -> u8 {
    match cla {
        0x00..=0x1F | 0x40..=0x7F => cla & !0x10,
        _ => 0x00,
    }
}

/// Maps a refusal to the most specific error. `63C0` after VERIFY leaves no try: blocked.
pub fn refusal(step: &str, sw: StatusWord) -> ChipError {
    match sw {
        StatusWord::NotEnoughMemory => ChipError::CardFull { step: step.into() },
        StatusWord::MemoryFailure => ChipError::MemoryFailure { step: step.into() },
        StatusWord::VerifyFailed(0) | StatusWord::AuthBlocked => ChipError::PinBlocked,
        StatusWord::VerifyFailed(n) => ChipError::AccessDenied { retries_left: n },
        sw => ChipError::Refused {
            step: step.into(),
            sw,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chip::scripted::Scripted;

    #[test]
    fn get_response_chain_is_collected() {
        let mut ch = Scripted::new(&[
            ("00 B0 00 00 00", "01 02 61 03"),
            ("00 C0 00 00 03", "03 04 05 90 00"),
        ]);
        let mut a = Apdus::new(&mut ch, false);
        let r = a.send(&Command::new(0, 0xB0, 0, 0).with_le(256)).unwrap();
        assert_eq!(r.data, [1, 2, 3, 4, 5]);
        assert_eq!(r.sw, StatusWord::Ok);
        assert_eq!(a.stats().commands, 2);
        assert!(ch.done());
    }

    #[test]
    fn get_response_keeps_channel_and_secure_messaging_bits() {
        // §5.4.1: SM bits (b4-b3) and channel (b2-b1) stay, chaining (b5) goes; further
        // interindustry values keep b7, b6 (SM) and b4-b1; proprietary classes get 00.
        for (cla, want) in [
            (0x00, 0x00),
            (0x03, 0x03),
            (0x0C, 0x0C),
            (0x1D, 0x0D),
            (0x40, 0x40),
            (0x4F, 0x4F),
            (0x65, 0x65),
            (0x73, 0x63),
            (0x80, 0x00),
            (0x2A, 0x00),
        ] {
            assert_eq!(get_response_cla(cla), want, "CLA {cla:02X}");
        }
        let mut ch = Scripted::new(&[
            ("45 A4 00 04 02 3F00 00", "61 02"),
            ("45 C0 00 00 02", "62 00 90 00"),
        ]);
        let mut a = Apdus::new(&mut ch, false);
        let cmd = Command::new(0x45, 0xA4, 0x00, 0x04)
            .with_data([0x3F, 0x00])
            .with_le(256);
        assert_eq!(a.send(&cmd).unwrap().data, [0x62, 0x00]);
    }

    #[test]
    fn wrong_le_is_resent_once() {
        let mut ch = Scripted::new(&[
            ("00 B0 00 00 10", "6C 04"),
            ("00 B0 00 00 04", "09 09 09 09 90 00"),
        ]);
        let mut a = Apdus::new(&mut ch, false);
        let r = a
            .send_ok(&Command::new(0, 0xB0, 0, 0).with_le(16), "READ")
            .unwrap();
        assert_eq!(r, [9, 9, 9, 9]);
    }

    #[test]
    fn refusals_are_typed() {
        let mut ch = Scripted::new(&[
            ("00 20 00 81 01 31", "63 C2"),
            ("00 20 00 81 01 31", "63 C0"),
            ("00 E0 00 00 01 62", "6A 84"),
        ]);
        let mut a = Apdus::new(&mut ch, false);
        let verify = Command::new(0, 0x20, 0, 0x81).with_data([0x31]);
        let e = a.send_ok(&verify, "VERIFY");
        assert_eq!(e, Err(ChipError::AccessDenied { retries_left: 2 }));
        // 63C0: the counter is at zero, the PIN is blocked.
        assert_eq!(a.send_ok(&verify, "VERIFY"), Err(ChipError::PinBlocked));
        let e = a.send_ok(&Command::new(0, 0xE0, 0, 0).with_data([0x62]), "CREATE");
        assert_eq!(
            e,
            Err(ChipError::CardFull {
                step: "CREATE".into()
            })
        );
    }

    fn extended_plan() -> TransferPlan {
        TransferPlan {
            extended: true,
            chunk: 4096,
            short_chunk: 240,
            fallback: true,
            reason: "test",
        }
    }

    #[test]
    fn a_transport_failure_on_the_first_extended_apdu_switches_to_short() {
        let long = format!("00 D6 00 00 00 01 2C {}", "AA".repeat(300));
        let short = format!("00 D6 00 00 F0 {}", "AA".repeat(240));
        let mut ch = Scripted::new(&[])
            .then_fail(&long, ChipError::Transport("not transacted".into()))
            .then(&short, "90 00");
        let mut a = Apdus::with_plan(&mut ch, &extended_plan());
        let cmd = |n| Command::new(0, 0xD6, 0, 0).with_data(vec![0xAA; n]);
        assert!(matches!(
            a.send(&cmd(300)),
            Err(ChipError::ExtendedUnsupported(_))
        ));
        assert!(!a.extended() && a.fell_back());
        assert_eq!(a.chunk(), 240);
        assert!(matches!(
            a.send(&cmd(300)),
            Err(ChipError::Apdu(
                crate::chip::apdu::ApduError::ExtendedNotAllowed
            ))
        ));
        assert_eq!(a.send(&cmd(240)).unwrap().sw, StatusWord::Ok);
        assert!(ch.done());
    }

    #[test]
    fn after_one_extended_apdu_went_through_a_failure_is_a_failure() {
        let long = format!("00 D6 00 00 00 01 2C {}", "AA".repeat(300));
        let mut ch = Scripted::new(&[(&long, "90 00")])
            .then_fail(&long, ChipError::Transport("not transacted".into()));
        let mut a = Apdus::with_plan(&mut ch, &extended_plan());
        let cmd = Command::new(0, 0xD6, 0, 0).with_data(vec![0xAA; 300]);
        assert!(a.send(&cmd).is_ok());
        assert!(matches!(a.send(&cmd), Err(ChipError::Transport(_))));
        assert!(a.extended() && !a.fell_back());
    }

    #[test]
    fn chunks_step_down_to_short_then_halve() {
        let mut ch = Scripted::new(&[]);
        let mut a = Apdus::with_plan(&mut ch, &extended_plan());
        let mut seen = vec![a.chunk()];
        while a.shrink_chunk() {
            seen.push(a.chunk());
        }
        assert_eq!(seen, [4096, 240, 120, 60, 30, 16]);
    }
}
