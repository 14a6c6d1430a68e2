//! The one place that sends a command and reads its answer: frames, logs hex at trace level,
//! reads either answer mode (ACK/NACK or plain text ended by CR, NUL or a short silence), and
//! keeps the link in step after a lost or unexpected answer.

use std::time::{Duration, Instant};

use super::answer::{RawAnswer, ACK};
use super::commands::{AnswerMismatch, Command, ReadSerial, Timing};
use super::EvolisPrinter;
use crate::printer::error::hex_short;
use crate::printer::PrinterError;
use crate::transport::{Transport, TransportError};

/// Silence that tells a late answer has come (or will not come) before the next command.
const SETTLE: Duration = Duration::from_millis(250);

/// Why a command failed at the link level, before its answer was mapped to an error.
pub(super) enum Failure {
    /// A printer error already decided (transport, garbled, unknown answer).
    Error(PrinterError),
    /// The printer refused: a NACK code, or a plain-text `ERR …`.
    Refused(AnswerMismatch),
}

impl<T: Transport> EvolisPrinter<T> {
    /// Sends one command and reads its answer. A read that gets an answer meant for an earlier
    /// command (one that timed out) is sent once more after the line settles; other commands
    /// never are. A refusal becomes the most specific error the guide lets the driver learn.
    pub fn send<C: Command>(&mut self, cmd: &C) -> Result<C::Answer, PrinterError> {
        let result = match self.exchange(cmd) {
            Err(Failure::Error(PrinterError::Unknown { .. })) if cmd.is_read() => {
                tracing::debug!(command = %cmd.name(), "answer out of step; reading again");
                self.exchange(cmd)
            }
            other => other,
        };
        match result {
            Ok(a) => Ok(a),
            Err(Failure::Error(e)) => Err(e),
            Err(Failure::Refused(why)) => {
                let _ = self.drain();
                Err(self.refusal_error(&cmd.name(), why))
            }
        }
    }

    /// One command, one answer: no retry, no refinement of a refusal.
    pub(super) fn exchange<C: Command>(&mut self, cmd: &C) -> Result<C::Answer, Failure> {
        let name = cmd.name();
        if self.resync {
            self.settle().map_err(Failure::Error)?;
        }
        // Whatever waits now answers nothing we will send: a trailing byte of an earlier answer.
        let stale = self.drain().map_err(|e| Failure::Error(e.into()))?;
        if stale > 0 {
            tracing::debug!(command = %name, stale, "stale input dropped before a command");
        }
        let bytes = cmd.to_bytes();
        if name.starts_with("Db") {
            // Panel data is card content: log its size only.
            tracing::trace!(command = %name, tx_len = bytes.len(), "send");
        } else {
            tracing::trace!(command = %name, tx = %hex_short(&bytes), "send");
        }
        self.link
            .write_all(&bytes)
            .map_err(|e| Failure::Error(e.into()))?;
        let timeout = match cmd.timing() {
            Timing::Quick => self.options.quick_timeout,
            Timing::Mechanical => self.options.mechanical_timeout,
        };
        let deadline = Instant::now() + timeout;
        let mut raw = self.frame(&name, deadline, timeout)?;
        if cmd.is_read() && raw == RawAnswer::Ack {
            // An ACK before the text of a read: the text follows.
            raw = self.frame(&name, deadline, timeout)?;
        }
        if matches!(raw, RawAnswer::Text(_)) && self.rx.first() == Some(&ACK) {
            // An ACK after a text answer belongs to it.
            self.rx.remove(0);
        }
        tracing::trace!(command = %name, rx = %hex_short(&raw.to_bytes()), "answer");
        match cmd.answer(raw) {
            Ok(a) => Ok(a),
            Err(AnswerMismatch::Unexpected(raw)) => {
                self.resync = true;
                Err(Failure::Error(PrinterError::Unknown {
                    command: name,
                    raw: raw.to_bytes(),
                }))
            }
            Err(refusal) => Err(Failure::Refused(refusal)),
        }
    }

    fn frame(
        &mut self,
        name: &str,
        deadline: Instant,
        timeout: Duration,
    ) -> Result<RawAnswer, Failure> {
        self.read_frame(name, deadline, timeout).map_err(|e| {
            self.resync = true;
            Failure::Error(e)
        })
    }

    /// Reads one answer frame. A text without CR or NUL is complete once the line has been
    /// quiet for [`super::EvolisOptions::answer_gap`]; part of a NACK, then silence, is garbage.
    fn read_frame(
        &mut self,
        command: &str,
        deadline: Instant,
        timeout: Duration,
    ) -> Result<RawAnswer, PrinterError> {
        let mut buf = [0u8; 512];
        let garbled = |me: &mut Self| {
            let raw = std::mem::take(&mut me.rx);
            let _ = me.link.drain();
            PrinterError::Garbled {
                command: command.to_string(),
                raw,
            }
        };
        loop {
            match RawAnswer::parse(&self.rx, false) {
                Ok(Some((answer, used))) => {
                    self.rx.drain(..used);
                    return Ok(answer);
                }
                Ok(None) => {}
                Err(()) => return Err(garbled(self)),
            }
            let partial_text = self
                .rx
                .iter()
                .find(|b| !RawAnswer::is_filler(std::slice::from_ref(b)))
                .is_some_and(|b| (0x20..0x7F).contains(b));
            let left = deadline.saturating_duration_since(Instant::now());
            let wait = if partial_text {
                left.min(self.options.answer_gap)
            } else {
                left
            };
            let read = if wait.is_zero() {
                Err(TransportError::Timeout {
                    target: self.link.describe(),
                    waited: timeout,
                })
            } else {
                self.link.read(&mut buf, wait)
            };
            match read {
                Ok(n) => self.rx.extend_from_slice(&buf[..n]),
                Err(TransportError::Timeout { .. }) if partial_text => {
                    return match RawAnswer::parse(&self.rx, true) {
                        Ok(Some((answer, used))) => {
                            self.rx.drain(..used);
                            Ok(answer)
                        }
                        _ => Err(garbled(self)),
                    };
                }
                Err(TransportError::Timeout { .. }) if !RawAnswer::is_filler(&self.rx) => {
                    // Part of a frame, then silence: never a valid answer.
                    return Err(garbled(self));
                }
                Err(TransportError::Timeout { target, .. }) => {
                    self.rx.clear();
                    return Err(PrinterError::Transport(TransportError::Timeout {
                        target,
                        waited: timeout,
                    }));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Brings the link back in step after a lost answer, so a late answer is never read as
    /// the next command's: reads the serial number (`Rsn`, whose answer is known once the
    /// printer is open) and drops every frame before it, then waits for the line to fall
    /// silent. Before the serial number is known, only the silence is waited for.
    fn settle(&mut self) -> Result<(), PrinterError> {
        self.resync = false;
        let dropped = self.drain()?;
        if !self.info.serial.is_empty() {
            if self.sync_on_serial()? {
                return self.wait_silence(dropped);
            }
            tracing::debug!("no serial number echo; waiting for silence only");
        }
        self.wait_silence(dropped)
    }

    /// Sends `Rsn` and reads until its answer; false when it did not come in time.
    fn sync_on_serial(&mut self) -> Result<bool, PrinterError> {
        let cmd = ReadSerial;
        self.link.write_all(&cmd.to_bytes())?;
        let timeout = self.options.quick_timeout * 2;
        let deadline = Instant::now() + timeout;
        loop {
            match self.read_frame("Rsn", deadline, timeout) {
                Ok(RawAnswer::Text(t))
                    if String::from_utf8_lossy(&t).trim() == self.info.serial.as_str() =>
                {
                    return Ok(true)
                }
                Ok(late) => {
                    tracing::debug!(late = %hex_short(&late.to_bytes()), "late answer dropped");
                }
                Err(PrinterError::Garbled { .. }) => {}
                Err(PrinterError::Transport(TransportError::Timeout { .. })) => return Ok(false),
                Err(e) => return Err(e),
            }
        }
    }

    /// Discards input until the line has been silent for [`SETTLE`] (at most the quick
    /// timeout).
    fn wait_silence(&mut self, mut dropped: usize) -> Result<(), PrinterError> {
        let start = Instant::now();
        dropped += self.drain()?;
        let mut buf = [0u8; 512];
        while start.elapsed() < self.options.quick_timeout {
            match self.link.read(&mut buf, SETTLE) {
                Ok(n) => dropped += n,
                Err(TransportError::Timeout { .. }) => break,
                Err(e) => return Err(e.into()),
            }
        }
        tracing::debug!(dropped, "line settled after a lost answer");
        Ok(())
    }

    pub(super) fn drain(&mut self) -> Result<usize, TransportError> {
        let kept = self.rx.len();
        self.rx.clear();
        Ok(kept + self.link.drain()?)
    }
}
